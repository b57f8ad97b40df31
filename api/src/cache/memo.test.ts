import { describe, expect, it } from 'vitest';
import { Lru } from './lru.ts';
import { Memo } from './memo.ts';

describe('a memo', () => {
  it('computes a key once for concurrent misses, then answers from the LRU', async () => {
    const memo = new Memo(new Lru<string>(10, 1000, (v) => v.length));
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async () => {
      runs++;
      await gate;
      return 'value';
    };
    const first = Promise.all([memo.get('k', compute), memo.get('k', compute), memo.get('k', compute)]);
    release();
    expect((await first).map((r) => r.value)).toEqual(['value', 'value', 'value']);
    expect(runs).toBe(1);
    expect(await memo.get('k', compute)).toEqual({ value: 'value', cached: true });
    expect(runs).toBe(1);
  });

  it('keeps no failure: every waiter gets the error, and the next request computes again', async () => {
    const memo = new Memo(new Lru<string>(10, 1000, (v) => v.length));
    let runs = 0;
    const failing = async () => {
      runs++;
      throw new Error('database unavailable');
    };
    const results = await Promise.allSettled([memo.get('k', failing), memo.get('k', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(runs).toBe(1);
    expect(await memo.get('k', async () => 'ok')).toEqual({ value: 'ok', cached: false });
  });
});
