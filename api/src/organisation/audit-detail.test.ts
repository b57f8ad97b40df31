// Audit rows of organisation changes keep the changed fields before and after, not only the input;
// never a password hash, phones masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
let admin: Client;
let secadmin: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'adet');
  admin = await t.login(`${f.prefix}admin`);
  secadmin = await t.login(`${f.prefix}secadmin`);
});
afterAll(() => t?.close());

const detailOf = async (action: string, id: number) =>
  (await t.app.db.ownerPool.query(`select detail from audit_log where tenant_id = $1 and action = $2 and object_id = $3 and result = 'ok' order by id desc limit 1`,
    [f.tenantId, action, String(id)])).rows[0]?.detail;

describe('audit of organisation changes', () => {
  it('a user edit and each account action keep before and after; no hash, phones masked', async () => {
    const made = await admin.post('/api/users', { username: `${f.prefix}aud1`, displayName: '审计前', scopeIds: [f.nodes.gridA], phone: '13911112222' });
    const id = made.body.user.id as number;
    expect((await admin.patch(`/api/users/${id}`, { displayName: '审计后', phone: '13933334444', scopeIds: [f.nodes.gridA] })).status).toBe(200);
    expect(await detailOf('user.update', id)).toEqual({
      before: { displayName: '审计前', phone: '139****2222' },
      after: { displayName: '审计后', phone: '139****4444' },
    });
    await admin.post(`/api/users/${id}/disable`);
    expect(await detailOf('user.disable', id)).toEqual({ before: { status: 'active' }, after: { status: 'disabled' } });
    await admin.post(`/api/users/${id}/enable`);
    expect(await detailOf('user.enable', id)).toEqual({ before: { status: 'disabled' }, after: { status: 'active' } });
    // the user changes the temporary password, then the administrator resets it
    const c = t.client();
    await c.post('/api/auth/login', { username: `${f.prefix}aud1`, password: made.body.temporaryPassword });
    await c.post('/api/auth/password', { currentPassword: made.body.temporaryPassword, newPassword: 'Audit#2026xy' });
    await admin.post(`/api/users/${id}/password-reset`);
    expect(await detailOf('user.password_reset', id)).toEqual({ before: { mustChangePassword: false }, after: { mustChangePassword: true } });
    const all = JSON.stringify((await t.app.db.ownerPool.query(`select detail from audit_log where tenant_id = $1 and object_type = 'user'`, [f.tenantId])).rows);
    expect(all).not.toMatch(/\$argon|\$scrypt|password_hash|passwordHash|13933334444|13911112222/);
  });

  it('roles, positions and departments keep the changed fields before and after', async () => {
    const role = await secadmin.post('/api/roles', { code: 'audit_probe', name: '审计探针', permissions: ['jurisdiction:read'] });
    await secadmin.patch(`/api/roles/${role.body.id}`, { permissions: ['jurisdiction:read', 'person:read'], name: '审计探针' });
    expect(await detailOf('role.update', role.body.id)).toEqual({ before: { permissions: ['jurisdiction:read'] }, after: { permissions: ['jurisdiction:read', 'person:read'] } });

    const dep = await admin.post('/api/departments', { name: '审计科一' });
    await admin.patch(`/api/departments/${dep.body.id}`, { name: '审计科二' });
    expect(await detailOf('department.update', dep.body.id)).toEqual({ before: { name: '审计科一' }, after: { name: '审计科二' } });

    const pos = await admin.post('/api/positions', { name: '审计岗', departmentId: dep.body.id, roleIds: [role.body.id] });
    await admin.post('/api/users', { username: `${f.prefix}aud2`, displayName: '岗上', scopeIds: [f.nodes.gridA], positionIds: [pos.body.id] });
    await admin.patch(`/api/positions/${pos.body.id}`, { active: false });
    expect(await detailOf('position.disable', pos.body.id)).toEqual({ before: { active: true }, after: { active: false }, usersLosingIt: 1 });
  });
});
