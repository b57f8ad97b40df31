// Computed values kept in an LRU, with concurrent misses of one key sharing one computation: a
// wall of several commanders asking for the same city-wide aggregate at once costs one query.
import { Lru } from './lru.ts';

export class Memo<V> {
  private readonly running = new Map<string, Promise<V>>();

  constructor(private readonly lru: Lru<V>) {}

  /** The value under `key`: kept, being computed for another request, or computed now (then kept). */
  async get(key: string, compute: () => Promise<V>): Promise<{ value: V; cached: boolean }> {
    const hit = this.lru.get(key);
    if (hit !== undefined) return { value: hit, cached: true };
    let running = this.running.get(key);
    if (!running) {
      // A failed computation is not kept: the next request tries again.
      running = compute()
        .then((value) => {
          this.lru.set(key, value);
          return value;
        })
        .finally(() => this.running.delete(key));
      this.running.set(key, running);
    }
    return { value: await running, cached: false };
  }
}
