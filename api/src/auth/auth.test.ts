import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../http/client-ip.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { hashPassword } from './password.ts';
import { DEMO_PASSWORD } from './seed.ts';

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'auth');
});
afterAll(() => t?.close());

describe('login, session, logout', () => {
  it('sets an httpOnly session cookie and answers me with scope and permissions', async () => {
    const c = t.client();
    const r = await c.post('/api/auth/login', { username: `${f.prefix}gridworker`, password: DEMO_PASSWORD });
    expect(r.status).toBe(200);
    const cookie = r.headers.getSetCookie().find((x) => x.startsWith('gec_session='))!;
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=lax/i);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: `${f.prefix}gridworker`, roles: ['grid_worker'], scope: [{ id: f.nodes.gridA }] });
    expect(me.body.permissions).toContain('person:write');
  });

  it('revokes the session on the server at logout: the old cookie no longer works', async () => {
    const c = await t.login(`${f.prefix}commander`);
    const stolen = t.client();
    (stolen as any).cookie = (c as any).cookie;
    expect((await stolen.get('/api/auth/me')).status).toBe(200);
    expect((await c.post('/api/auth/logout')).status).toBe(204);
    expect((await stolen.get('/api/auth/me')).status).toBe(401);
  });

  it('expires a session after the idle timeout', async () => {
    const c = await t.login(`${f.prefix}doctor`);
    await t.app.db.ownerPool.query(`update sessions set last_seen = now() - interval '31 minutes' where tenant_id = $1`, [f.tenantId]);
    const r = await c.get('/api/auth/me');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthorized');
  });

  it('refuses a forged or tampered token', async () => {
    const c = t.client();
    const r = await c.request('GET', '/api/auth/me', undefined, { cookie: 'gec_session=eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOjEsInNpZCI6IngifQ.bad' });
    expect(r.status).toBe(401);
    const b = await c.request('GET', '/api/auth/me', undefined, { authorization: 'Bearer nonsense' });
    expect(b.status).toBe(401);
  });

  it('answers wrong user and wrong password alike', async () => {
    const a = await t.client().post('/api/auth/login', { username: 'nobody-here', password: 'Whatever1!' });
    const b = await t.client().post('/api/auth/login', { username: `${f.prefix}street`, password: 'Wrong-pass1' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body).toEqual(b.body);
  });

  it('signs a name of several tenants in only with the tenant code, and without it answers as for a wrong password', async () => {
    const other = await createFixture(t.app.db.ownerPool, 'twin');
    const username = `${f.prefix}street`;
    await t.app.db.ownerPool.query(
      `insert into users (tenant_id, username, display_name, password_hash) values ($1, $2, '同名', $3)`,
      [other.tenantId, username, await hashPassword('Other-pass9')],
    );
    const unknown = await t.client().post('/api/auth/login', { username: `${f.prefix}nobody`, password: 'Wrong-pass1' });
    const wrong = await t.client().post('/api/auth/login', { username, password: 'Wrong-pass1' });
    const right = await t.client().post('/api/auth/login', { username, password: DEMO_PASSWORD });
    // even the right password learns nothing without the code: the answer of an unknown name
    for (const r of [wrong, right]) expect([r.status, r.body]).toEqual([unknown.status, unknown.body]);
    expect(unknown.body.error).toMatchObject({ code: 'invalid_credentials', message: expect.stringMatching(/organisation code/) });
    const [audit] = (await t.app.db.ownerPool.query(
      `select detail from audit_log where tenant_id = $1 and action = 'auth.login' and result = 'denied' order by id desc limit 1`, [f.tenantId])).rows;
    expect(audit.detail).toEqual({ reason: 'tenant_required' });
    const mine = await t.client().post('/api/auth/login', { username, password: DEMO_PASSWORD, tenant: f.code });
    expect([mine.status, mine.body.tenant]).toEqual([200, f.code]);
    const theirs = await t.client().post('/api/auth/login', { username, password: 'Other-pass9', tenant: other.code });
    expect([theirs.status, theirs.body.tenant]).toEqual([200, other.code]);
  });

  it('blocks a name from one address for 15 minutes after 5 failed logins, and audits it; other addresses still sign in', async () => {
    // behind a trusted proxy, so that the test can speak from several addresses
    const p = await createTestApp({ trustProxy: parseTrustProxy('127.0.0.1'), loginFailuresPerAddress: 30 });
    try {
      const g = await createFixture(p.app.db.ownerPool, 'lock');
      const username = `${g.prefix}community`;
      // addresses of this run only (a shared test database keeps blocks for 15 minutes)
      const run = randomBytes(8).toString('hex').match(/.{4}/g)!.join(':');
      const addr = (n: number) => `2001:db8:${run}:${n.toString(16)}:1`;
      const from = (ip: string) => ({ 'x-forwarded-for': ip });
      const attempt = (password: string, ip: string, name = username) => p.client().post('/api/auth/login', { username: name, password }, from(ip));
      for (let i = 0; i < 4; i++) expect((await attempt('Wrong-pass1', addr(1))).status).toBe(401);
      const fifth = await attempt('Wrong-pass1', addr(1));
      expect([fifth.status, fifth.body.error.code]).toEqual([429, 'too_many_attempts']);
      const right = await attempt(DEMO_PASSWORD, addr(1));
      expect(right.status).toBe(429);
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
      // an unknown name from the same address meets the same answers: nothing tells names apart
      for (let i = 0; i < 4; i++) expect((await attempt('Wrong-pass1', addr(1), `nobody-${run}`)).status).toBe(401);
      expect((await attempt('Wrong-pass1', addr(1), `nobody-${run}`)).status).toBe(429);
      // the account itself is not locked: its owner signs in from elsewhere
      expect((await attempt(DEMO_PASSWORD, addr(5))).status).toBe(200);
      const audit = await p.app.db.ownerPool.query(
        `select count(*)::int as n from audit_log a join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
          where a.tenant_id = $1 and u.username = $2 and a.action = 'auth.login' and a.result = 'denied'`, [g.tenantId, username]);
      expect(audit.rows[0].n).toBeGreaterThanOrEqual(5);
      // the failure that blocked is recorded once, with the address; the refused (429) attempts after it
      // write nothing (no audit-chain work a blocked client could make the tenant do)
      const rows = async (action: string, reason: string) => (await p.app.db.ownerPool.query(
        `select a.ip = $5::inet as same from audit_log a join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
          where a.tenant_id = $1 and u.username = $2 and a.action = $3 and a.result = 'denied' and a.detail->>'reason' = $4`,
        [g.tenantId, username, action, reason, addr(1)])).rows.map((r) => r.same);
      expect(await rows('auth.lock', 'locked')).toEqual([true]);
      expect(await rows('auth.login', 'throttled')).toEqual([]);
      // an address that fails for many names is blocked for all of them
      for (let i = 0; i < 30; i++) await attempt('Wrong-pass1', addr(9), `nobody-${run}-${i}`);
      expect((await attempt(DEMO_PASSWORD, addr(9))).status).toBe(429);
      // an administrator's unlock lifts the name's blocks
      const admin = await p.login(`${g.prefix}admin`);
      const id = (await p.app.db.ownerPool.query('select id from users where tenant_id = $1 and username = $2', [g.tenantId, username])).rows[0].id;
      expect((await admin.post(`/api/users/${id}/unlock`)).status).toBe(200);
      expect((await attempt(DEMO_PASSWORD, addr(1))).status).toBe(200);
    } finally {
      await p.close();
    }
  });

  it('enforces the password policy on change and ends other sessions', async () => {
    const username = `${f.prefix}gridworker2`;
    const a = await t.login(username);
    const b = await t.login(username);
    const weak = await a.post('/api/auth/password', { currentPassword: DEMO_PASSWORD, newPassword: 'alllowercase' });
    expect(weak.status).toBe(422);
    expect(weak.body.error.field).toBe('newPassword');
    expect((await a.post('/api/auth/password', { currentPassword: DEMO_PASSWORD, newPassword: 'New-Secret9' })).status).toBe(204);
    expect((await b.get('/api/auth/me')).status).toBe(401);
    expect((await a.get('/api/auth/me')).status).toBe(200);
    expect((await t.client().post('/api/auth/login', { username, password: 'New-Secret9' })).status).toBe(200);
  });

  it('rejects unknown fields and malformed JSON with 400, never 500', async () => {
    const c = t.client();
    const u = await c.post('/api/auth/login', { username: 'a', password: 'b', admin: true });
    expect(u.status).toBe(400);
    expect(u.body.error).toMatchObject({ code: 'invalid_input', field: 'admin' });
    const m = await c.request('POST', '/api/auth/login', '{"username": "x",', { 'content-type': 'application/json' });
    expect(m.status).toBe(400);
    expect(m.body.error.code).toBe('bad_request');
    const form = await c.request('POST', '/api/auth/login', 'username=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
  });

  it('requires a session on every non-public route', async () => {
    const c = t.client();
    for (const path of ['/api/persons', '/api/persons/1', '/api/jurisdictions/tree', '/api/households?bbox=1,1,2,2', '/api/auth/me']) {
      const r = await c.get(path);
      expect(r.status, path).toBe(401);
    }
    expect((await c.get('/api/health')).status).toBe(200);
  });
});
