// The system administrator keeps users and positions, but not the other two duties (三员分立): it
// gives the security or audit duty only while nobody holds it, does not edit, reset or disable their
// accounts, and no change leaves a duty without a holder or takes a duty from oneself. The system
// operator's commands (npm run tenant -- reset-password | duty) do what the administrator may not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignDuty, resetPassword, TenantError } from '../tenants/service.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
let admin: Client;
let roles: Record<string, number>;
let positions: Record<string, number>;
let ids: Record<string, number>;

const zh = { 'accept-language': 'zh-CN' };

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'dacc');
  admin = await t.login(`${f.prefix}admin`);
  roles = Object.fromEntries(((await admin.get('/api/roles')).body as { id: number; code: string }[]).map((r) => [r.code, r.id]));
  const pos = (await admin.get('/api/positions')).body as { id: number; roles: { code: string }[] }[];
  positions = Object.fromEntries(pos.filter((p) => p.roles.length === 1).map((p) => [p.roles[0].code, p.id]));
  const users = (await admin.get(`/api/users?q=${f.prefix}&pageSize=50`)).body.items as { id: number; username: string }[];
  ids = Object.fromEntries(users.map((u) => [u.username.slice(f.prefix.length), u.id]));
});
afterAll(() => t?.close());

const newUser = (extra: Record<string, unknown>, headers?: Record<string, string>) =>
  admin.post('/api/users', { username: `${f.prefix}x${Math.random().toString(36).slice(2, 8)}`, displayName: '职责测试', scopeIds: [f.nodes.city], ...extra }, headers);

const denied = async (action: string) =>
  (await t.app.db.ownerPool.query(`select object_id, detail from audit_log where tenant_id = $1 and action = $2 and result = 'denied' order by id`, [f.tenantId, action])).rows;

describe('R1: the security and audit duties are given only while nobody holds them', () => {
  it('refuses a shadow audit or security administrator, directly or through a position, in English and Chinese', async () => {
    const shadow = await newUser({ roleIds: [roles.audit_admin] });
    expect(shadow.status).toBe(409);
    expect(shadow.body.error).toMatchObject({ code: 'duty_held', field: 'roleIds', message: expect.stringMatching(/audit administrator duty is held by .*auditor/) });
    const zhShadow = await newUser({ roleIds: [roles.security_admin] }, zh);
    expect([zhShadow.status, zhShadow.body.error.code]).toEqual([409, 'duty_held']);
    expect(zhShadow.body.error.message).toMatch(/安全管理员职责已由 .*secadmin 担任/);
    const viaPosition = await newUser({ positionIds: [positions.security_admin] });
    expect(viaPosition.body.error).toMatchObject({ code: 'duty_held', field: 'positionIds' });
    expect((await admin.get(`/api/users?q=${f.prefix}x`)).body.items).toEqual([]);
    expect((await denied('user.create')).at(-1)).toMatchObject({ detail: { reason: 'duty_held', roles: ['security_admin'] } });

    // an existing plain user is not made one either
    const plain = await newUser({ roleIds: [roles.commander] });
    expect(plain.status).toBe(201);
    const edit = await admin.patch(`/api/users/${plain.body.user.id}`, { positionIds: [positions.audit_admin] });
    expect([edit.status, edit.body.error.code, edit.body.error.field]).toEqual([409, 'duty_held', 'positionIds']);
  });

  it('refuses adding the role to a position, new or existing', async () => {
    const dep = await admin.post('/api/departments', { name: '职责科' });
    const made = await admin.post('/api/positions', { name: '影子审计', departmentId: dep.body.id, roleIds: [roles.audit_admin] });
    expect([made.status, made.body.error.code, made.body.error.field]).toEqual([409, 'duty_held', 'roleIds']);
    const pos = await admin.post('/api/positions', { name: '普通岗', departmentId: dep.body.id, roleIds: [roles.commander] });
    const add = await admin.patch(`/api/positions/${pos.body.id}`, { roleIds: [roles.commander, roles.security_admin] });
    expect([add.status, add.body.error.code]).toEqual([409, 'duty_held']);
  });

  it('a tenant without them: the administrator creates one of each (onboarding), then no more', async () => {
    const g = await createFixture(t.app.db.ownerPool, 'daccb');
    // as a tenant fresh from `npm run tenant -- create`: nobody holds the security and audit duties
    await t.app.db.ownerPool.query(`update users set active = false where tenant_id = $1 and username in ($2, $3)`, [g.tenantId, `${g.prefix}secadmin`, `${g.prefix}auditor`]);
    const sys = await t.login(`${g.prefix}admin`);
    const rs = Object.fromEntries(((await sys.get('/api/roles')).body as { id: number; code: string }[]).map((r) => [r.code, r.id]));
    const create = (username: string, roleIds: number[]) => sys.post('/api/users', { username: `${g.prefix}${username}`, displayName: username, scopeIds: [g.nodes.city], roleIds });
    const auditor = await create('newauditor', [rs.audit_admin]);
    expect(auditor.status, JSON.stringify(auditor.body)).toBe(201);
    expect((await create('newsec', [rs.security_admin])).status).toBe(201);
    const second = await create('shadowauditor', [rs.audit_admin]);
    expect([second.status, second.body.error.code]).toEqual([409, 'duty_held']);
    // the old auditor enabled again would be a second one
    const old = (await sys.get(`/api/users?q=${g.prefix}auditor`)).body.items.find((u: { username: string }) => u.username === `${g.prefix}auditor`);
    const enable = await sys.post(`/api/users/${old.id}/enable`);
    expect([enable.status, enable.body.error.code]).toEqual([409, 'duty_held']);

    const c = t.client();
    await c.post('/api/auth/login', { username: `${g.prefix}newauditor`, password: auditor.body.temporaryPassword });
    expect((await c.post('/api/auth/password', { currentPassword: auditor.body.temporaryPassword, newPassword: 'Shenji#2026x' })).status).toBe(204);
    expect((await c.get('/api/audit')).status).toBe(200);
  });
});

describe('R2: the security and audit administrators\' accounts are the system operator\'s', () => {
  it('refuses to edit, reset the password or second factor of, or disable them: 403 naming the command; unlock stays', async () => {
    for (const who of ['secadmin', 'auditor']) {
      const id = ids[who];
      for (const [method, path, body] of [
        ['POST', `/api/users/${id}/password-reset`, {}],
        ['POST', `/api/users/${id}/totp-reset`, {}],
        ['POST', `/api/users/${id}/disable`, {}],
        ['PATCH', `/api/users/${id}`, { displayName: '被接管' }],
        ['PATCH', `/api/users/${id}`, { positionIds: [] }],
      ] as const) {
        const r = await admin.request(method, path, body);
        expect([r.status, r.body.error?.code], `${who} ${method} ${path}`).toEqual([403, 'duty_account']);
        expect(r.body.error.message).toMatch(/npm run tenant -- reset-password/);
      }
      expect((await admin.post(`/api/users/${id}/unlock`)).status).toBe(200);
    }
    const zhR = await admin.post(`/api/users/${ids.auditor}/password-reset`, {}, zh);
    expect(zhR.body.error.message).toMatch(/审计管理员.*npm run tenant -- reset-password/);
    expect((await denied('user.password_reset')).at(-1)).toMatchObject({ object_id: String(ids.auditor), detail: { reason: 'duty_account', roles: ['audit_admin'] } });
    // still an auditor who signs in with the old password and reads the log
    expect((await (await t.login(`${f.prefix}auditor`)).get('/api/audit')).status).toBe(200);
    // other accounts' second factor is still the administrator's to reset
    expect((await admin.post(`/api/users/${ids.doctor}/totp-reset`)).status).toBe(200);
  });
});

describe('R3 and R4: no duty is left without a holder, and nobody drops their own', () => {
  it('refuses to disable the position carrying the audit duty, or to take the role off it', async () => {
    const off = await admin.patch(`/api/positions/${positions.audit_admin}`, { active: false });
    expect([off.status, off.body.error.code]).toEqual([409, 'last_duty_holder']);
    expect(off.body.error.message).toMatch(/audit administrator duty without an active holder/);
    const stripped = await admin.patch(`/api/positions/${positions.security_admin}`, { roleIds: [] }, zh);
    expect([stripped.status, stripped.body.error.code]).toEqual([409, 'last_duty_holder']);
    expect(stripped.body.error.message).toContain('安全管理员');
    expect((await (await t.login(`${f.prefix}auditor`)).get('/api/audit')).status).toBe(200);
  });

  it('the administrator keeps their own duty even when another administrator exists', async () => {
    const other = await newUser({ roleIds: [roles.admin] });
    expect(other.status).toBe(201);
    const me = (await admin.get('/api/auth/me')).body.userId as number;
    const direct = await admin.patch(`/api/users/${me}`, { positionIds: [] });
    expect([direct.status, direct.body.error.code]).toEqual([409, 'own_duty']);
    const viaPosition = await admin.patch(`/api/positions/${positions.admin}`, { active: false });
    expect([viaPosition.status, viaPosition.body.error.code]).toEqual([409, 'own_duty']);
    // another administrator's account is the administrator's to disable, while one remains
    expect((await admin.post(`/api/users/${other.body.user.id}/disable`)).status).toBe(200);
    expect((await admin.get('/api/auth/me')).body.roles).toContain('admin');
  });
});

describe('R5: the system operator\'s commands', () => {
  it('reset-password: a temporary password to change at the next sign-in, sessions ended, audited without an acting user', async () => {
    const before = await t.login(`${f.prefix}secadmin`);
    const r = await resetPassword(t.app.db.ownerPool, { code: f.code, username: `${f.prefix}SECADMIN` });
    expect(r.temporaryPassword).toMatch(/^.{16}$/);
    expect((await before.get('/api/auth/me')).status).toBe(401);
    const c = await t.login(`${f.prefix}secadmin`, r.temporaryPassword);
    expect((await c.get('/api/auth/me')).body).toMatchObject({ mustChangePassword: true });
    const rows = (await t.app.db.ownerPool.query(`select user_id, detail from audit_log where tenant_id = $1 and action = 'user.password_reset' and object_id = $2 and result = 'ok'`, [f.tenantId, String(ids.secadmin)])).rows;
    expect(rows).toEqual([{ user_id: null, detail: { by: 'system operator', totpReset: false } }]);
    await expect(resetPassword(t.app.db.ownerPool, { code: f.code, username: 'nobody-here' })).rejects.toThrow(/no user nobody-here/);
    await expect(resetPassword(t.app.db.ownerPool, { code: 'no-such-tenant', username: 'x' })).rejects.toThrow(TenantError);
  });

  it('duty: moves the audit duty to another account in one step; refuses one that would hold two duties', async () => {
    const g = await createFixture(t.app.db.ownerPool, 'daccd');
    const sys = await t.login(`${g.prefix}admin`);
    const made = await sys.post('/api/users', { username: `${g.prefix}successor`, displayName: '继任审计', scopeIds: [g.nodes.city], roleIds: [] });
    expect(made.status).toBe(201);
    const oldAuditor = await t.login(`${g.prefix}auditor`);
    const refused = assignDuty(t.app.db.ownerPool, { code: g.code, role: 'audit_admin', username: `${g.prefix}secadmin` });
    await expect(refused).rejects.toThrow(/would hold .*audit_admin.*security_admin|would hold .*security_admin.*audit_admin/);
    expect((await oldAuditor.get('/api/audit')).status).toBe(200);
    await expect(assignDuty(t.app.db.ownerPool, { code: g.code, role: 'commander', username: `${g.prefix}successor` })).rejects.toThrow(/admin, security_admin, audit_admin/);

    const moved = await assignDuty(t.app.db.ownerPool, { code: g.code, role: 'audit_admin', username: `${g.prefix}successor` });
    expect(moved).toMatchObject({ role: 'audit_admin', removed: [{ username: `${g.prefix}auditor`, via: '审计管理员' }] });
    expect((await oldAuditor.get('/api/audit')).status).toBe(403);
    const c = t.client();
    await c.post('/api/auth/login', { username: `${g.prefix}successor`, password: made.body.temporaryPassword });
    await c.post('/api/auth/password', { currentPassword: made.body.temporaryPassword, newPassword: 'Jiren#2026xy' });
    expect((await c.get('/api/auth/me')).body.roles).toEqual(['audit_admin']);
    expect((await c.get('/api/audit?action=user.duty_assign')).body.items).toMatchObject([{ action: 'user.duty_assign', result: 'ok' }]);
    // the successor is now a duty account: the administrator cannot reset it
    expect((await sys.post(`/api/users/${made.body.user.id}/password-reset`)).status).toBe(403);
  });
});
