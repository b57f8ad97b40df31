// Housekeeping purges old live events, idempotency keys and SMS codes, and keeps recent ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { purgeExpired, RETENTION } from './jobs.ts';

let t: TestApp;
let f: Fixture;
const owner = (text: string, values: unknown[] = []) => t.app.db.ownerPool.query(text, values);

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'hk');
});
afterAll(() => t?.close());

describe('housekeeping', () => {
  it('deletes rows past their retention and keeps the others', async () => {
    const ago = (hours: number) => new Date(Date.now() - hours * 3600_000);
    const old = {
      live: ago(RETENTION.liveHours + 1),
      idem: ago(RETENTION.idempotencyDays * 24 + 1),
      sms: ago(RETENTION.smsHours + 1),
    };
    const ids: Record<string, number[]> = { live: [], sms: [] };
    for (const at of [old.live, ago(1)]) {
      ids.live.push((await owner(`insert into live_events (tenant_id, type, created_at) values ($1, 'report', $2) returning id`, [f.tenantId, at])).rows[0].id);
    }
    for (const [key, at] of [['old-key-0001', old.idem], ['new-key-0001', ago(1)]] as const) {
      await owner(`insert into idempotency_keys (tenant_id, actor, key, request_hash, created_at) values ($1, 'user:1', $2, '\\x00', $3)`, [f.tenantId, key, at]);
    }
    for (const at of [old.sms, ago(1)]) {
      ids.sms.push((await owner(
        `insert into sms_codes (tenant_id, phone_hash, code_hash, created_at, expires_at) values ($1, '\\x01', '\\x02', $2, $2::timestamptz + interval '5 minutes') returning id`,
        [f.tenantId, at],
      )).rows[0].id);
    }
    const purged = await purgeExpired(t.app);
    expect(purged.live_events).toBeGreaterThanOrEqual(1);
    expect(purged.idempotency_keys).toBeGreaterThanOrEqual(1);
    expect(purged.sms_codes).toBeGreaterThanOrEqual(1);
    const left = async (table: string) => (await owner(`select id from ${table} where tenant_id = $1 order by id`, [f.tenantId])).rows.map((r) => r.id);
    expect(await left('live_events')).toEqual([ids.live[1]]);
    expect(await left('sms_codes')).toEqual([ids.sms[1]]);
    const keys = (await owner('select key from idempotency_keys where tenant_id = $1', [f.tenantId])).rows.map((r) => r.key);
    expect(keys).toEqual(['new-key-0001']);
  });

  it('runs as the application role, which cannot delete those rows itself', async () => {
    // On one connection, rolled back whatever happens: a failed statement must not leave the
    // pooled connection inside an aborted transaction.
    const c = await t.app.db.pool.connect();
    let r: unknown;
    try {
      await c.query('begin');
      await c.query('set local role gec_app');
      r = await c.query('delete from live_events').catch((e: Error) => e);
    } finally {
      await c.query('rollback');
      c.release();
    }
    expect(r).toBeInstanceOf(Error);
  });
});
