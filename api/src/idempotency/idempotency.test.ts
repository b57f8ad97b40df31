// The Idempotency-Key's bookkeeping around a request's writing transaction, and what reaches the
// database for it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withScope, type Caller } from '../db/scope.ts';
import { sql } from '../db/sql.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { recordingPool } from '../test/recording-pool.ts';
import { idempotent } from './idempotency.ts';

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'idem');
});
afterAll(() => t?.close());

const caller = (): Caller => ({ tenantId: f.tenantId, userId: null, scopePaths: [] });
const request = { method: 'POST', path: '/api/test', body: { a: 1 } };

/** The app with a pool that records every query its connections are sent. */
function recorded() {
  const { pool, sent } = recordingPool(t.app.db.pool);
  return { app: { ...t.app, db: { ...t.app.db, pool } }, sent };
}

/** A request whose one transaction writes (it takes a transaction id) and returns `answer`. */
const writing = (pool: typeof t.app.db.pool, answer: object) => () =>
  withScope(pool, caller(), async (tx) => {
    await tx.query(sql`select txid_current()`);
    return answer;
  });

const keyRow = async (actor: string, key: string) =>
  (await t.app.db.ownerPool.query('select status, response, applied_at from idempotency_keys where tenant_id = $1 and actor = $2 and key = $3', [f.tenantId, actor, key])).rows[0];

describe('an Idempotency-Key', () => {
  it('keeps the answer with the commit when the route answers what its transaction returned: one round trip less', async () => {
    const counts: number[] = [];
    for (const atCommit of [undefined, 201]) {
      const { app, sent } = recorded();
      const key = randomUUID();
      const answer = { id: 7, at: new Date('2026-12-02T08:00:00Z') };
      const r = await idempotent(app, caller(), 'c1', key, request, async () => ({ status: 201, body: await writing(app.db.pool, answer)() }), atCommit);
      expect(r).toEqual({ status: 201, body: answer, replayed: false });
      expect(await keyRow('c1', key)).toMatchObject({ status: 201, response: { id: 7, at: '2026-12-02T08:00:00.000Z' }, applied_at: expect.any(Date) });
      counts.push(sent.length);
      if (atCommit) expect(sent.at(-1)).toMatch(/set applied_at = now\(\), status = '201'::int, response = [^]*; commit$/);
      // a retry replays it without running anything
      let ran = false;
      const again = await idempotent(app, caller(), 'c1', key, request, async () => {
        ran = true;
        return { status: 201, body: {} };
      }, atCommit);
      expect([again.status, again.body, again.replayed, ran]).toEqual([201, { id: 7, at: '2026-12-02T08:00:00.000Z' }, true, false]);
    }
    // claim, the transaction (opened with its statement, then the commit with the mark), the answer — or not
    expect(counts).toEqual([4, 3]);
  });

  it('keeps the handler\'s own answer when it is not what the transaction returned', async () => {
    const { app } = recorded();
    const key = randomUUID();
    const r = await idempotent(app, caller(), 'c2', key, request, async () => {
      const row = await writing(app.db.pool, { id: 8 })();
      return { status: 201, body: { ...row, extra: true } };
    }, 201);
    expect(r.body).toEqual({ id: 8, extra: true });
    expect(await keyRow('c2', key)).toMatchObject({ status: 201, response: { id: 8, extra: true } });
  });

  it('keeps a client error as the answer, over what the commit kept', async () => {
    const { app } = recorded();
    const key = randomUUID();
    const { AppError } = await import('../http/errors.ts');
    await expect(idempotent(app, caller(), 'c3', key, request, async () => {
      await writing(app.db.pool, { id: 9 })();
      throw new AppError(409, 'conflict', 'after the commit');
    }, 201)).rejects.toThrow(/after the commit/);
    expect(await keyRow('c3', key)).toMatchObject({ status: 409, response: { error: { code: 'conflict', message: 'after the commit' } }, applied_at: expect.any(Date) });
  });
});
