// Organisation API: departments, positions, roles and users — CRUD, validation naming the field,
// rights that change at the next request, forced password change, reset and unlock, audit.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
let admin: Client;
let secadmin: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'org');
  admin = await t.login(`${f.prefix}admin`);
  secadmin = await t.login(`${f.prefix}secadmin`);
});
afterAll(() => t?.close());

const roleId = async (code: string) => ((await admin.get('/api/roles')).body as { id: number; code: string }[]).find((r) => r.code === code)!.id;
const auditOf = async (action: string, objectId: number) =>
  (await t.app.db.ownerPool.query('select user_id, detail, host(ip) as ip from audit_log where tenant_id = $1 and action = $2 and object_id = $3', [f.tenantId, action, String(objectId)])).rows;

async function newUser(extra: Record<string, unknown> = {}) {
  const username = `${f.prefix}u${Math.random().toString(36).slice(2, 8)}`;
  const r = await admin.post('/api/users', { username, displayName: '测试用户', scopeIds: [f.nodes.gridA], ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { username, id: r.body.user.id as number, password: r.body.temporaryPassword as string };
}

/** Signs in with the temporary password and sets a new one. */
async function firstSignIn(username: string, temporary: string): Promise<Client> {
  const c = t.client();
  const login = await c.post('/api/auth/login', { username, password: temporary });
  expect(login.status).toBe(200);
  expect(login.body.mustChangePassword).toBe(true);
  const changed = await c.post('/api/auth/password', { currentPassword: temporary, newPassword: 'Fresh#2026x' });
  expect(changed.status, JSON.stringify(changed.body)).toBe(204);
  return c;
}

describe('departments and positions', () => {
  it('builds a tree, refuses a cycle and names the field of bad input', async () => {
    const top = await admin.post('/api/departments', { name: '卫健委' });
    expect(top.status).toBe(201);
    const sub = await admin.post('/api/departments', { name: '疾控科', parentId: top.body.id });
    expect(sub.status).toBe(201);
    const list = (await admin.get('/api/departments')).body as { id: number; parentId: number | null }[];
    expect(list.find((d) => d.id === sub.body.id)?.parentId).toBe(top.body.id);

    const cycle = await admin.patch(`/api/departments/${top.body.id}`, { parentId: sub.body.id });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.field).toBe('parentId');
    const noDepartment = await admin.post('/api/positions', { name: '流调员', departmentId: null }, { 'accept-language': 'zh-CN' });
    expect([noDepartment.status, noDepartment.body.error.field, noDepartment.body.error.message]).toEqual([400, 'departmentId', '部门：请选择岗位所属部门']);
    const emptyZh = await admin.post('/api/departments', { name: '  ' }, { 'accept-language': 'zh-CN' });
    expect(emptyZh.body.error.message).toBe('名称：不能为空');
    const empty = await admin.post('/api/departments', { name: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('name');
    const ghost = await admin.post('/api/departments', { name: '无', parentId: 999999 });
    expect([ghost.status, ghost.body.error.field]).toEqual([400, 'parentId']);
    const odd = await admin.patch('/api/departments/abc', { name: 'x' });
    expect(odd.status).toBe(400);

    const disabled = await admin.patch(`/api/departments/${sub.body.id}`, { active: false });
    expect(disabled.status).toBe(200);
    expect((await auditOf('department.disable', sub.body.id)).length).toBe(1);
    // every change records the caller's address
    for (const [action, id] of [['department.create', top.body.id], ['department.disable', sub.body.id]] as const) {
      expect((await auditOf(action, id))[0].ip, action).toMatch(/\d/);
    }
  });

  // Against a server database only: the embedded one serialises its clients, so there is no race to lose.
  it.runIf(inject('dbMode') === 'server')('two moves at once cannot make a cycle (the check and the write under one per-tenant lock)', async () => {
    for (let i = 0; i < 5; i++) {
      const a = await admin.post('/api/departments', { name: `环A${i}` });
      const b = await admin.post('/api/departments', { name: `环B${i}` });
      const [ab, ba] = await Promise.all([
        admin.patch(`/api/departments/${a.body.id}`, { parentId: b.body.id }),
        admin.patch(`/api/departments/${b.body.id}`, { parentId: a.body.id }),
      ]);
      expect([ab.status, ba.status].sort()).toEqual([200, 400]);
      const list = (await admin.get('/api/departments')).body as { id: number; parentId: number | null }[];
      const parent = (id: number) => list.find((d) => d.id === id)!.parentId;
      expect(parent(a.body.id) === b.body.id && parent(b.body.id) === a.body.id).toBe(false);
    }
  });

  it('creates a position with roles; unknown roles and departments are named', async () => {
    const dep = await admin.post('/api/departments', { name: '网格中心' });
    const bad = await admin.post('/api/positions', { name: '专职网格员', departmentId: dep.body.id, roleIds: [987654] });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'roleIds']);
    const noDep = await admin.post('/api/positions', { name: '专职网格员', departmentId: 987654 });
    expect([noDep.status, noDep.body.error.field]).toEqual([400, 'departmentId']);
    const ok = await admin.post('/api/positions', { name: '专职网格员', departmentId: dep.body.id, roleIds: [await roleId('grid_worker')] });
    expect(ok.status).toBe(201);
    const listed = ((await admin.get('/api/positions')).body as any[]).find((p) => p.id === ok.body.id);
    expect(listed.roles.map((r: any) => r.code)).toEqual(['grid_worker']);
    expect((await auditOf('position.create', ok.body.id)).length).toBe(1);
    expect((await auditOf('position.create', ok.body.id))[0].ip).toMatch(/\d/);
    expect((await admin.patch(`/api/positions/${ok.body.id}`, { name: '兼职网格员' })).status).toBe(200);
    expect((await auditOf('position.update', ok.body.id))[0].ip).toMatch(/\d/);
  });
});

describe('users', () => {
  it('creates a user with phone stored like residents\' phones, lists, searches and edits', async () => {
    const u = await newUser({ phone: '13912345678', roleIds: [await roleId('commander')] });
    const raw = (await t.app.db.ownerPool.query('select phone_enc, phone_hash, phone_masked, must_change_password from users where tenant_id = $1 and id = $2', [f.tenantId, u.id])).rows[0];
    expect(raw.phone_masked).toBe('139****5678');
    expect(t.app.cipher.decrypt(raw.phone_enc)).toBe('13912345678');
    expect(raw.phone_hash.equals(t.app.cipher.lookupHash('phone:13912345678'))).toBe(true);
    expect(raw.must_change_password).toBe(true);
    expect(JSON.stringify(raw)).not.toContain('13912345678');

    const byPhone = await admin.get('/api/users?q=13912345678');
    expect(byPhone.body.items.map((i: any) => i.id)).toEqual([u.id]);
    expect(byPhone.body.items[0]).toMatchObject({ phoneMasked: '139****5678', status: 'active', mustChangePassword: true, roles: [{ code: 'commander' }] });
    const byName = await admin.get(`/api/users?q=${encodeURIComponent(u.username.slice(-6))}&status=active`);
    expect(byName.body.items.map((i: any) => i.id)).toContain(u.id);
    const page = await admin.get('/api/users?page=1&pageSize=2');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(2);

    const edited = await admin.patch(`/api/users/${u.id}`, { displayName: '改名', phone: null, scopeIds: [f.nodes.m1] });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ displayName: '改名', phoneMasked: null, scope: [{ id: f.nodes.m1 }] });
    const audit = await auditOf('user.create', u.id);
    expect(audit[0].detail.phone).toBe('139****5678');
  });

  it('refuses bad input naming the field, and duplicates', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ username: 'a', displayName: 'x', scopeIds: [f.nodes.gridA] }, 'username'],
      [{ username: `${f.prefix}okname`, displayName: 'x', scopeIds: [] }, 'scopeIds'],
      [{ username: `${f.prefix}okname`, displayName: 'x', scopeIds: [f.nodes.gridA], phone: '12345' }, 'phone'],
      [{ username: `${f.prefix}okname`, displayName: 'x', scopeIds: [f.nodes.gridA], departmentId: 999999 }, 'departmentId'],
      [{ username: `${f.prefix}okname`, displayName: 'x', scopeIds: [f.nodes.gridA], positionIds: [999999] }, 'positionIds'],
      [{ username: `${f.prefix}okname`, displayName: 'x', scopeIds: [999999] }, 'scopeIds'],
      [{ username: `${f.prefix}okname`, displayName: 'x', scopeIds: [f.nodes.gridA], extra: 1 }, 'extra'],
      [{ username: `${f.prefix}admin`, displayName: 'x', scopeIds: [f.nodes.gridA] }, 'username'],
    ];
    for (const [body, field] of cases) {
      const r = await admin.post('/api/users', body);
      expect([400, 409]).toContain(r.status);
      expect(r.body.error.field, JSON.stringify(r.body)).toBe(field);
    }
  });

  it('only user:manage reaches the users API', async () => {
    const worker = await t.login(`${f.prefix}gridworker`);
    expect((await worker.get('/api/users')).status).toBe(403);
    expect((await secadmin.get('/api/users')).status).toBe(403);
    expect((await t.client().get('/api/users')).status).toBe(401);
  });
});

describe('first sign-in, reset and unlock', () => {
  it('a new user must change the temporary password before anything else answers', async () => {
    const u = await newUser({ roleIds: [await roleId('commander')] });
    const c = t.client();
    const login = await c.post('/api/auth/login', { username: u.username, password: u.password });
    expect(login.body.mustChangePassword).toBe(true);
    const blocked = await c.get('/api/stats/summary');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('password_change_required');
    expect((await c.get('/api/jurisdictions/tree')).body.error.code).toBe('password_change_required');
    expect((await c.get('/api/auth/me')).status).toBe(200);
    const same = await c.post('/api/auth/password', { currentPassword: u.password, newPassword: u.password });
    expect([same.status, same.body.error.field]).toEqual([422, 'newPassword']);
    expect((await c.post('/api/auth/password', { currentPassword: u.password, newPassword: 'Better#2026' })).status).toBe(204);
    expect((await c.get('/api/auth/me')).body.mustChangePassword).toBe(false);
    expect((await c.get('/api/jurisdictions/tree')).status).toBe(200);
  });

  it('an admin resets a password (sessions end, change required again) and unlocks an account; both audited', async () => {
    const u = await newUser({ roleIds: [await roleId('commander')] });
    const c = await firstSignIn(u.username, u.password);
    const reset = await admin.post(`/api/users/${u.id}/password-reset`);
    expect(reset.status).toBe(200);
    expect(reset.body.temporaryPassword).toMatch(/^.{12}$/);
    expect((await c.get('/api/auth/me')).status).toBe(401);
    const again = t.client();
    expect((await again.post('/api/auth/login', { username: u.username, password: reset.body.temporaryPassword })).body.mustChangePassword).toBe(true);

    // five failures block the name from this address (not the account everywhere: auth.test.ts)
    for (let i = 0; i < 5; i++) await t.client().post('/api/auth/login', { username: u.username, password: 'wrong-Pass1' });
    expect((await admin.get(`/api/users/${u.id}`)).body.status).toBe('locked');
    expect((await admin.get('/api/users?status=locked')).body.items.map((x: { id: number }) => x.id)).toContain(u.id);
    expect((await t.client().post('/api/auth/login', { username: u.username, password: reset.body.temporaryPassword })).status).toBe(429);
    expect((await admin.post(`/api/users/${u.id}/unlock`)).body.user.status).toBe('active');
    expect((await t.client().post('/api/auth/login', { username: u.username, password: reset.body.temporaryPassword })).status).toBe(200);
    expect((await auditOf('user.password_reset', u.id)).length).toBe(1);
    expect((await auditOf('user.unlock', u.id)).length).toBe(1);
  });

  it('a disabled user is signed out at once and cannot sign in; never deleted', async () => {
    const u = await newUser({ roleIds: [await roleId('commander')] });
    const c = await firstSignIn(u.username, u.password);
    expect((await admin.post(`/api/users/${u.id}/disable`)).body.user.status).toBe('disabled');
    expect((await c.get('/api/auth/me')).status).toBe(401);
    expect((await t.client().post('/api/auth/login', { username: u.username, password: 'Fresh#2026x' })).status).toBe(401);
    expect((await admin.request('DELETE', `/api/users/${u.id}`)).status).toBe(405);
    expect((await admin.post(`/api/users/${u.id}/enable`)).body.user.status).toBe('active');
    expect((await auditOf('user.disable', u.id)).length).toBe(1);
    // one's own account: refused, in the console's language too
    const me = (await admin.get('/api/auth/me')).body;
    const self = await admin.post(`/api/users/${me.userId ?? me.id}/disable`, undefined, { 'accept-language': 'zh-CN' });
    expect([self.status, self.body.error.message]).toEqual([409, '不能停用自己的账号']);
  });
});

describe('concurrent edits of the organisation', () => {
  it('apply one of two edits made on the same version; the other is told the record moved on (409), by body or If-Match', async () => {
    const u = await newUser();
    const read = (await admin.get(`/api/users/${u.id}`)).body;
    const [a, b] = await Promise.all([
      admin.patch(`/api/users/${u.id}`, { displayName: '甲改', version: read.version }),
      admin.patch(`/api/users/${u.id}`, { displayName: '乙改', version: read.version }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.error).toMatchObject({ code: 'stale_version', field: 'version' });
    const now = (await admin.get(`/api/users/${u.id}`)).body;
    expect(now.version).toBe(read.version + 1);
    expect((await admin.patch(`/api/users/${u.id}`, { displayName: '丙改' }, { 'if-match': `"${read.version}"` })).status).toBe(409);
    expect((await admin.patch(`/api/users/${u.id}`, { displayName: '丙改' }, { 'if-match': `"${now.version}"` })).status).toBe(200);
    // an account action is a change too
    expect((await admin.post(`/api/users/${u.id}/disable`, {})).status).toBe(200);
    expect((await admin.patch(`/api/users/${u.id}`, { displayName: '丁改', version: now.version + 1 })).status).toBe(409);
    // a department, a position and a role the same way; without a version an edit applies as before
    const dep = (await admin.post('/api/departments', { name: '版本测试部' })).body;
    const depRead = ((await admin.get('/api/departments')).body as { id: number; version: number }[]).find((d) => d.id === dep.id)!;
    expect((await admin.patch(`/api/departments/${dep.id}`, { name: '版本测试部一', version: depRead.version })).status).toBe(200);
    expect((await admin.patch(`/api/departments/${dep.id}`, { name: '版本测试部二', version: depRead.version })).status).toBe(409);
    expect((await admin.patch(`/api/departments/${dep.id}`, { name: '版本测试部三' })).status).toBe(200);
    const pos = (await admin.post('/api/positions', { name: '版本岗', departmentId: dep.id })).body;
    const posRead = ((await admin.get('/api/positions')).body as { id: number; version: number }[]).find((p) => p.id === pos.id)!;
    expect((await admin.patch(`/api/positions/${pos.id}`, { name: '版本岗一', version: posRead.version + 5 })).status).toBe(409);
  });
});

describe('roles and the permission matrix', () => {
  it('a role permission change applies at the user\'s next request', async () => {
    const create = await secadmin.post('/api/roles', { code: `viewer_${Date.now().toString(36)}`, name: '只读', permissions: ['jurisdiction:read'] });
    expect(create.status, JSON.stringify(create.body)).toBe(201);
    const u = await newUser({ roleIds: [create.body.id] });
    const c = await firstSignIn(u.username, u.password);
    expect((await c.get('/api/jurisdictions/tree')).status).toBe(200);
    expect((await c.get('/api/persons')).status).toBe(403);

    expect((await secadmin.patch(`/api/roles/${create.body.id}`, { permissions: ['jurisdiction:read', 'person:read'] })).status).toBe(200);
    expect((await c.get('/api/persons')).status).toBe(200);
    expect((await c.get('/api/auth/me')).body.permissions).toContain('person:read');

    expect((await secadmin.patch(`/api/roles/${create.body.id}`, { active: false })).status).toBe(200);
    expect((await c.get('/api/jurisdictions/tree')).status).toBe(403);
    expect((await auditOf('role.disable', create.body.id)).length).toBe(1);
  });

  it('a position\'s roles changing changes its holders\' rights', async () => {
    const dep = await admin.post('/api/departments', { name: '卡口组' });
    const pos = await admin.post('/api/positions', { name: '卡口值守', departmentId: dep.body.id, roleIds: [await roleId('checkpoint')] });
    const u = await newUser({ positionIds: [pos.body.id] });
    const c = await firstSignIn(u.username, u.password);
    expect((await c.get('/api/persons')).status).toBe(403);
    await admin.patch(`/api/positions/${pos.body.id}`, { roleIds: [await roleId('commander')] });
    expect((await c.get('/api/persons')).status).toBe(200);
    await admin.patch(`/api/positions/${pos.body.id}`, { active: false });
    expect((await c.get('/api/persons')).status).toBe(403);
  });

  it('refuses unknown permissions and duty permissions on other roles, naming the field', async () => {
    const unknown = await secadmin.post('/api/roles', { code: 'bad_one', name: 'x', permissions: ['nope:nope'] });
    expect([unknown.status, unknown.body.error.field]).toEqual([400, 'permissions']);
    const audit = await secadmin.post('/api/roles', { code: 'peek', name: 'x', permissions: ['audit:read'] });
    expect([audit.status, audit.body.error.field]).toEqual([409, 'permissions']);
    const code = await secadmin.post('/api/roles', { code: 'Bad Code', name: 'x' });
    expect([code.status, code.body.error.field]).toEqual([400, 'code']);
    expect(code.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^Code: lower-case letters/) });
    const codeZh = await secadmin.post('/api/roles', { code: 'Bad Code', name: 'x' }, { 'accept-language': 'zh-CN' });
    expect([codeZh.status, codeZh.body.error.message]).toEqual([400, '编码：角色编码须为 2–40 个小写字母、数字或 _，以字母开头']);
    const badFormat = await secadmin.post('/api/roles', { code: 'fmt_probe', name: 'x', permissions: ['Person Read'] }, { 'accept-language': 'zh-CN' });
    expect([badFormat.status, badFormat.body.error.field, badFormat.body.error.message]).toEqual([400, 'permissions.0', '权限：须为权限编码，如 person:read']);
    const made = await secadmin.post('/api/roles', { code: 'ip_probe', name: '地址探针' });
    expect(made.status).toBe(201);
    expect((await auditOf('role.create', made.body.id))[0].ip).toMatch(/\d/);
    expect((await secadmin.patch(`/api/roles/${made.body.id}`, { name: '地址探针二' })).status).toBe(200);
    expect((await auditOf('role.update', made.body.id))[0].ip).toMatch(/\d/);
    const dup = await secadmin.post('/api/roles', { code: 'admin', name: 'x' });
    expect([dup.status, dup.body.error.field]).toEqual([409, 'code']);
    const fixed = await secadmin.patch(`/api/roles/${await roleId('audit_admin')}`, { permissions: ['audit:read', 'person:read'] });
    expect(fixed.status).toBe(409);
    expect((await admin.post('/api/roles', { code: 'sneaky', name: 'x' })).status).toBe(403);
  });

  it('serves the matrix from the route table', async () => {
    const m = await admin.get('/api/roles/permissions');
    expect(m.status).toBe(200);
    const audit = m.body.permissions.find((p: any) => p.code === 'audit:read');
    expect(audit).toMatchObject({ duty: 'audit', routes: [{ method: 'GET', path: '/api/audit' }] });
    const users = m.body.permissions.find((p: any) => p.code === 'user:manage');
    expect(users.routes.map((r: any) => `${r.method} ${r.path}`)).toContain('POST /api/users/imports');
    expect(m.body.permissions.find((p: any) => p.code === 'role:manage').routes.map((r: any) => r.path)).toContain('/api/roles/permissions');
    // Every permission a route declares is in the catalogue the matrix lists.
    expect(m.body.permissions.length).toBeGreaterThanOrEqual(19);
  });
});
