// The audit log's hash chain (issue 13, defect 6): every row linked to the one before per tenant,
// append-only for every role including the owner (bulk-load replica mode too), and a verifier
// that names the first broken link whatever an owner who paused the triggers changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudit } from './audit.ts';
import { verifyAll } from './verify.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

/** A tenant with `n` audit rows of its own. */
async function tenantWithRows(n: number): Promise<Fixture> {
  const f = await createFixture(t.app.db.ownerPool, 'ac');
  for (let i = 0; i < n; i++) {
    await writeAudit(t.app.db.pool, { tenantId: f.tenantId, userId: null, action: 'test.row', objectType: 'test', objectId: i, result: 'ok', detail: { i, text: '审计' } });
  }
  return f;
}

const verify = async (f: Fixture) => (await verifyAll(t.app.db.ownerPool, f.tenantId))[0];

/** What an owner who pauses the refusing trigger could do. */
async function tamper(statement: string, params: unknown[]): Promise<void> {
  const c = await t.app.db.ownerPool.connect();
  try {
    await c.query('begin');
    await c.query('alter table audit_log disable trigger audit_log_append_only');
    await c.query(statement, params);
    await c.query('alter table audit_log enable always trigger audit_log_append_only');
    await c.query('commit');
  } catch (err) {
    await c.query('rollback');
    throw err;
  } finally {
    c.release();
  }
}

describe('the audit hash chain', () => {
  it('links every row of a tenant in order, and verifies', async () => {
    const f = await tenantWithRows(6);
    const rows = (await t.app.db.ownerPool.query('select seq, encode(prev_hash, $2) prev, encode(hash, $2) hash from audit_log where tenant_id = $1 order by seq', [f.tenantId, 'hex'])).rows;
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev).toBe(rows[i - 1].hash);
    expect(await verify(f)).toMatchObject({ ok: true, checked: 6 });
  });

  it('names the first broken link: a changed row, a removed one, a removed tail', async () => {
    const changed = await tenantWithRows(5);
    await tamper(`update audit_log set detail = '{"i": 99}' where tenant_id = $1 and seq = 3`, [changed.tenantId]);
    expect(await verify(changed)).toMatchObject({ ok: false, checked: 2, broken: { seq: 3, reason: expect.stringMatching(/content does not match/) } });

    const removed = await tenantWithRows(5);
    await tamper('delete from audit_log where tenant_id = $1 and seq = 2', [removed.tenantId]);
    expect(await verify(removed)).toMatchObject({ ok: false, broken: { seq: 2, reason: expect.stringMatching(/missing/) } });

    const tail = await tenantWithRows(5);
    await tamper('delete from audit_log where tenant_id = $1 and seq >= 4', [tail.tenantId]);
    expect(await verify(tail)).toMatchObject({ ok: false, broken: { seq: 4, reason: expect.stringMatching(/head says 5/) } });
  });

  it('refuses changes and deletion by every role, the owner in bulk-load replica mode included', async () => {
    const f = await tenantWithRows(2);
    const owner = await t.app.db.ownerPool.connect();
    try {
      // Statements without parameters: the embedded database's socket answers an error inside an extended-protocol query badly.
      await expect(owner.query(`update audit_log set result = 'error' where tenant_id = ${f.tenantId}`)).rejects.toThrow(/cannot be changed/);
      if (t.app.db.mode === 'server') {
        await owner.query('begin');
        try {
          await owner.query('set local session_replication_role = replica');
          await expect(owner.query(`delete from audit_log where tenant_id = ${f.tenantId}`)).rejects.toThrow(/cannot be changed/);
        } finally {
          await owner.query('rollback');
        }
      }
    } finally {
      owner.release();
    }
    expect(await verify(f)).toMatchObject({ ok: true, checked: 2 });
  });

  it('keeps verifying after retention removed the oldest rows, and catches a removal beyond it', async () => {
    const f = await createFixture(t.app.db.ownerPool, 'ar');
    const old = "now() - interval '200 days'";
    for (let i = 0; i < 3; i++) {
      await t.app.db.ownerPool.query(`insert into audit_log (tenant_id, at, action, result) values ($1, ${old}, 'test.old', 'ok')`, [f.tenantId]);
    }
    for (let i = 0; i < 3; i++) await writeAudit(t.app.db.pool, { tenantId: f.tenantId, userId: null, action: 'test.new', result: 'ok' });
    expect((await t.app.db.ownerPool.query(`select app.purge_audit('180 days') n`)).rows[0].n).toBeGreaterThanOrEqual(3);
    expect(await verify(f)).toMatchObject({ ok: true, checked: 3 });
    await tamper('delete from audit_log where tenant_id = $1 and seq = 4', [f.tenantId]);
    expect(await verify(f)).toMatchObject({ ok: false, broken: { seq: 4 } });
  });
});
