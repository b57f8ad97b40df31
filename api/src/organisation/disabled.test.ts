// Disabled departments, positions and roles are not given or built on (as the Excel import already
// refused them); disabling one that people hold is allowed and says how many lose it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
let admin: Client;
let secadmin: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'dis');
  admin = await t.login(`${f.prefix}admin`);
  secadmin = await t.login(`${f.prefix}secadmin`);
});
afterAll(() => t?.close());

const user = (extra: Record<string, unknown>, headers?: Record<string, string>) =>
  admin.post('/api/users', { username: `${f.prefix}y${Math.random().toString(36).slice(2, 8)}`, displayName: '停用测试', scopeIds: [f.nodes.gridA], ...extra }, headers);

async function disabledThings() {
  const suffix = Math.random().toString(36).slice(2, 6);
  const dep = await admin.post('/api/departments', { name: `旧科室${suffix}` });
  const live = await admin.post('/api/departments', { name: `新科室${suffix}` });
  const pos = await admin.post('/api/positions', { name: `旧岗${suffix}`, departmentId: live.body.id, roleIds: [] });
  const role = await secadmin.post('/api/roles', { code: `old_${suffix}`, name: `旧角色${suffix}`, permissions: ['jurisdiction:read'] });
  for (const [path, id] of [['/api/departments', dep.body.id], ['/api/positions', pos.body.id]] as const) {
    expect((await admin.patch(`${path}/${id}`, { active: false })).status).toBe(200);
  }
  expect((await secadmin.patch(`/api/roles/${role.body.id}`, { active: false })).status).toBe(200);
  return { dep: dep.body.id as number, live: live.body.id as number, pos: pos.body.id as number, role: role.body.id as number, suffix };
}

describe('disabled things are not given', () => {
  it('refuses a disabled role, department or position for a new user, naming the field, in English and Chinese', async () => {
    const d = await disabledThings();
    const role = await user({ roleIds: [d.role] });
    expect([role.status, role.body.error.code, role.body.error.field]).toEqual([409, 'disabled', 'roleIds']);
    expect(role.body.error.message).toBe(`roleIds: role “旧角色${d.suffix}” is disabled; enable it first`);
    const dep = await user({ departmentId: d.dep }, { 'accept-language': 'zh-CN' });
    expect([dep.status, dep.body.error.field, dep.body.error.message]).toEqual([409, 'departmentId', `部门“旧科室${d.suffix}”已停用，请先启用`]);
    const pos = await user({ positionIds: [d.pos] });
    expect([pos.status, pos.body.error.field]).toEqual([409, 'positionIds']);
  });

  it('refuses giving a disabled position or role to an existing user; what they hold already may stay', async () => {
    const d = await disabledThings();
    const u = await user({});
    const r = await admin.patch(`/api/users/${u.body.user.id}`, { positionIds: [d.pos] });
    expect([r.status, r.body.error.field]).toEqual([409, 'positionIds']);
    expect((await admin.patch(`/api/users/${u.body.user.id}`, { roleIds: [d.role] })).status).toBe(409);

    // a position held, then disabled: the user's other edits keep it
    const live = await admin.post('/api/positions', { name: `在用岗${d.suffix}`, departmentId: d.live });
    const holder = await user({ positionIds: [live.body.id], departmentId: d.live });
    expect(holder.status).toBe(201);
    expect((await admin.patch(`/api/positions/${live.body.id}`, { active: false })).status).toBe(200);
    expect((await admin.patch(`/api/departments/${d.live}`, { active: false })).status).toBe(200);
    const kept = await admin.patch(`/api/users/${holder.body.user.id}`, { displayName: '改名', positionIds: [live.body.id], departmentId: d.live });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
  });

  it('builds no department or position on a disabled department', async () => {
    const d = await disabledThings();
    const sub = await admin.post('/api/departments', { name: '下级', parentId: d.dep });
    expect([sub.status, sub.body.error.code, sub.body.error.field]).toEqual([409, 'disabled', 'parentId']);
    expect(sub.body.error.message).toMatch(/parent department “旧科室.*” is disabled/);
    const pos = await admin.post('/api/positions', { name: '岗', departmentId: d.dep });
    expect([pos.status, pos.body.error.field]).toEqual([409, 'departmentId']);
    const other = await admin.post('/api/positions', { name: `岗${d.suffix}`, departmentId: d.live });
    expect((await admin.patch(`/api/positions/${other.body.id}`, { departmentId: d.dep })).status).toBe(409);
    const moved = await admin.post('/api/departments', { name: `可移${d.suffix}` });
    expect((await admin.patch(`/api/departments/${moved.body.id}`, { parentId: d.dep })).status).toBe(409);
  });

  it('refuses to disable a department with active sub-departments, naming them; and to enable one under a disabled parent', async () => {
    const top = await admin.post('/api/departments', { name: '上级科' });
    const a = await admin.post('/api/departments', { name: '甲组', parentId: top.body.id });
    await admin.post('/api/departments', { name: '乙组', parentId: top.body.id });
    const r = await admin.patch(`/api/departments/${top.body.id}`, { active: false }, { 'accept-language': 'zh-CN' });
    expect([r.status, r.body.error.field]).toEqual([409, 'active']);
    expect(r.body.error.message).toMatch(/^该部门还有启用中的下级部门（(乙组、甲组|甲组、乙组)），请先停用它们$/);
    for (const d of (await admin.get('/api/departments')).body.filter((x: { parentId: number }) => x.parentId === top.body.id)) {
      expect((await admin.patch(`/api/departments/${d.id}`, { active: false })).status).toBe(200);
    }
    expect((await admin.patch(`/api/departments/${top.body.id}`, { active: false })).status).toBe(200);
    const again = await admin.patch(`/api/departments/${a.body.id}`, { active: true });
    expect([again.status, again.body.error.code]).toEqual([409, 'disabled']);
  });
});

describe('disabling what people hold', () => {
  it('is allowed, and the answer says how many lose it', async () => {
    const role = await secadmin.post('/api/roles', { code: `held_${Date.now().toString(36)}`, name: '被持有', permissions: ['jurisdiction:read'] });
    const dep = await admin.post('/api/departments', { name: '持有科' });
    const pos = await admin.post('/api/positions', { name: '持有岗', departmentId: dep.body.id, roleIds: [role.body.id] });
    await user({ roleIds: [role.body.id] });
    await user({ positionIds: [pos.body.id] });
    await user({ positionIds: [pos.body.id], roleIds: [role.body.id] });
    const offRole = await secadmin.patch(`/api/roles/${role.body.id}`, { active: false });
    expect(offRole.status).toBe(200);
    expect(offRole.body).toMatchObject({ id: role.body.id, usersLosingIt: 3 });
    const offPos = await admin.patch(`/api/positions/${pos.body.id}`, { active: false });
    expect(offPos.body).toMatchObject({ id: pos.body.id, usersLosingIt: 2 });
    // a change that disables nothing says nothing of it
    expect((await admin.patch(`/api/positions/${pos.body.id}`, { name: '持有岗二' })).body.usersLosingIt).toBeUndefined();
  });
});
