// Separation of duties (三员分立): the three administrator roles never combine in one user; only the
// audit administrator reads the audit log, and nobody — the owner included — changes or deletes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAll } from '../audit/verify.ts';
import { purgeExpired } from '../housekeeping/jobs.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
let admin: Client;
let auditor: Client;
let roles: Record<string, number>;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'duty');
  admin = await t.login(`${f.prefix}admin`);
  auditor = await t.login(`${f.prefix}auditor`);
  roles = Object.fromEntries(((await admin.get('/api/roles')).body as { id: number; code: string }[]).map((r) => [r.code, r.id]));
});
afterAll(() => t?.close());

const user = (extra: Record<string, unknown>) =>
  admin.post('/api/users', { username: `${f.prefix}d${Math.random().toString(36).slice(2, 8)}`, displayName: '兼任测试', scopeIds: [f.nodes.city], ...extra });

describe('三员分立', () => {
  it('refuses a user with two duty roles given directly, naming both', async () => {
    const r = await user({ roleIds: [roles.admin, roles.audit_admin] });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'duty_conflict', field: 'roleIds' });
    expect(r.body.error.message).toMatch(/system administrator.*audit administrator/);
    const count = await t.app.db.ownerPool.query(`select count(*)::int n from users where tenant_id = $1 and display_name = '兼任测试'`, [f.tenantId]);
    expect(count.rows[0].n).toBe(0);
  });

  it('refuses a combination through a position plus a direct role, and on edit', async () => {
    const positions = (await admin.get('/api/positions')).body as { id: number; roles: { code: string }[] }[];
    const secPosition = positions.find((p) => p.roles.some((r) => r.code === 'security_admin'))!;
    const viaPosition = await user({ positionIds: [secPosition.id], roleIds: [roles.audit_admin] });
    expect(viaPosition.status).toBe(409);
    expect(viaPosition.body.error.message).toMatch(/security administrator \(role security_admin via position/);

    // (a second system administrator: the security and audit duties have their holders already, duty-accounts.test.ts)
    const ok = await user({ roleIds: [roles.admin] });
    expect(ok.status).toBe(201);
    const edit = await admin.patch(`/api/users/${ok.body.user.id}`, { positionIds: [secPosition.id] });
    expect([edit.status, edit.body.error.code]).toEqual([409, 'duty_conflict']);
    expect((await admin.get(`/api/users/${ok.body.user.id}`)).body.positions).toEqual([]);
  });

  it('refuses a position that would combine duties, and a role change that makes its holders combine them', async () => {
    const dep = await admin.post('/api/departments', { name: '信息科' });
    const both = await admin.post('/api/positions', { name: '全能管理员', departmentId: dep.body.id, roleIds: [roles.admin, roles.security_admin] });
    expect([both.status, both.body.error.field]).toEqual([409, 'roleIds']);
    const pos = await admin.post('/api/positions', { name: '审计岗', departmentId: dep.body.id, roleIds: [roles.commander] });
    const holder = await user({ positionIds: [pos.body.id], roleIds: [roles.admin] });
    expect(holder.status).toBe(201);
    const r = await admin.patch(`/api/positions/${pos.body.id}`, { roleIds: [roles.audit_admin] });
    expect([r.status, r.body.error.code]).toEqual([409, 'duty_conflict']);
  });

  it('audits each refusal as denied with the roles, outside the rolled-back change, and names roles in Chinese', async () => {
    const denied = async (action: string) => (await t.app.db.ownerPool.query(
      `select object_id, host(ip) as ip, detail from audit_log where tenant_id = $1 and action = $2 and result = 'denied' order by id`, [f.tenantId, action])).rows;
    const before = (await denied('user.create')).length;
    expect((await user({ roleIds: [roles.admin, roles.audit_admin] })).status).toBe(409);
    const created = await denied('user.create');
    expect(created.length).toBe(before + 1);
    expect(created.at(-1)).toMatchObject({ ip: expect.stringMatching(/\d/), detail: { reason: 'duty_conflict', roles: ['admin', 'audit_admin'] } });
    const ok = await user({ roleIds: [roles.admin] });
    expect((await admin.patch(`/api/users/${ok.body.user.id}`, { roleIds: [roles.admin, roles.security_admin] })).status).toBe(409);
    expect((await denied('user.update')).at(-1)).toMatchObject({ object_id: String(ok.body.user.id), detail: { reason: 'duty_conflict' } });
    const dep = await admin.post('/api/departments', { name: '审计科' });
    const both = await admin.post('/api/positions', { name: '兼任岗', departmentId: dep.body.id, roleIds: [roles.admin, roles.audit_admin] }, { 'accept-language': 'zh-CN' });
    expect(both.status).toBe(409);
    // the roles' names, not their codes
    const names = ((await admin.get('/api/roles')).body as { code: string; name: string }[]).filter((r) => ['admin', 'audit_admin'].includes(r.code)).map((r) => r.name);
    for (const n of names) expect(both.body.error.message).toContain(n);
    expect(both.body.error.message).not.toMatch(/audit_admin/);
    expect((await denied('position.create')).at(-1)).toMatchObject({ detail: { reason: 'duty_conflict', roles: ['admin', 'audit_admin'] } });
  });

  it('the admin cannot make itself an auditor', async () => {
    const me = (await admin.get('/api/auth/me')).body;
    const r = await admin.patch(`/api/users/${me.userId}`, { roleIds: [roles.audit_admin] });
    expect(r.status).toBe(409);
  });
});

describe('the audit log', () => {
  it('only the audit administrator reads it; the admin no longer does', async () => {
    const r = await auditor.get('/api/audit?action=auth.login');
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeGreaterThan(0);
    expect((await admin.get('/api/audit')).status).toBe(403);
    expect((await (await t.login(`${f.prefix}commander`)).get('/api/audit')).status).toBe(403);
  });

  it('the audit administrator gets 403 everywhere else', async () => {
    for (const path of ['/api/users', '/api/persons', '/api/jurisdictions/tree', '/api/stats/summary', '/api/roles', '/api/tasks', '/api/boundaries/versions']) {
      expect((await auditor.get(path)).status, path).toBe(403);
    }
    expect((await auditor.get('/api/auth/me')).body.permissions).toEqual(['audit:read']);
  });

  it('refuses UPDATE, DELETE and TRUNCATE even to the owner; retention removes only rows past 180 days', async () => {
    const own = t.app.db.ownerPool;
    // A tenant of its own, whose chain starts with these rows: retention removes the oldest part of a chain.
    const g = await createFixture(own, 'dutyret');
    const old = (await own.query(`insert into audit_log (tenant_id, action, result, at) values ($1, 'test.old', 'ok', now() - interval '200 days') returning id`, [g.tenantId])).rows[0].id;
    const recent = (await own.query(`insert into audit_log (tenant_id, action, result, at) values ($1, 'test.recent', 'ok', now() - interval '100 days') returning id`, [g.tenantId])).rows[0].id;
    await expect(own.query(`update audit_log set result = 'denied' where tenant_id = $1 and id = $2`, [g.tenantId, recent])).rejects.toThrow(/cannot be changed or deleted/);
    await expect(own.query(`delete from audit_log where tenant_id = $1 and id = $2`, [g.tenantId, old])).rejects.toThrow(/cannot be changed or deleted/);
    await expect(own.query(`truncate audit_log`)).rejects.toThrow(/cannot be changed or deleted/);
    // Setting the purge flag by hand still cannot remove a row younger than 180 days.
    const c = await own.connect();
    try {
      await c.query('begin');
      await c.query(`select set_config('app.audit_purge', 'on', true)`);
      await expect(c.query('delete from audit_log where tenant_id = $1 and id = $2', [g.tenantId, recent])).rejects.toThrow(/cannot be changed or deleted/);
    } finally {
      await c.query('rollback').catch(() => undefined);
      c.release(true);
    }
    await expect(own.query(`select app.purge_audit(interval '30 days')`)).rejects.toThrow(/at least 180 days/);

    await purgeExpired(t.app);
    const left = await own.query(`select action from audit_log where tenant_id = $1 and action like 'test.%' order by action`, [g.tenantId]);
    expect(left.rows.map((r) => r.action)).toEqual(['test.recent']);
    expect(await verifyAll(own, g.tenantId)).toMatchObject([{ ok: true, checked: 1 }]);
  });
});
