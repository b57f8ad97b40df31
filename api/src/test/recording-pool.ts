// A pool whose connections record the text of every query they are sent: what reaches the database
// for a transaction, an idempotent request, … (tests only).
import type pg from 'pg';

export function recordingPool(real: pg.Pool): { pool: pg.Pool; sent: string[] } {
  const sent: string[] = [];
  const pool = {
    connect: async () => {
      const c = await real.connect();
      return new Proxy(c, {
        get: (target, prop) => (prop === 'query'
          ? (q: string | { text: string }, ...rest: unknown[]) => {
            sent.push(typeof q === 'string' ? q : q.text);
            return (target.query as (...a: unknown[]) => unknown)(q, ...rest);
          }
          : Reflect.get(target, prop)),
      });
    },
  } as unknown as pg.Pool;
  return { pool, sent };
}
