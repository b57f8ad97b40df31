import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
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

  it('locks an account for 15 minutes after 5 failed logins, and audits it', async () => {
    const username = `${f.prefix}community`;
    for (let i = 0; i < 4; i++) expect((await t.client().post('/api/auth/login', { username, password: 'Wrong-pass1' })).status).toBe(401);
    const fifth = await t.client().post('/api/auth/login', { username, password: 'Wrong-pass1' });
    expect(fifth.status).toBe(403);
    expect(fifth.body.error.code).toBe('account_locked');
    const right = await t.client().post('/api/auth/login', { username, password: DEMO_PASSWORD });
    expect(right.status).toBe(403);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    const audit = await t.app.db.ownerPool.query(
      `select count(*)::int as n from audit_log a join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
        where a.tenant_id = $1 and u.username = $2 and a.action = 'auth.login' and a.result = 'denied'`, [f.tenantId, username]);
    expect(audit.rows[0].n).toBeGreaterThanOrEqual(6);
    // After the lock expires the right password works again.
    await t.app.db.ownerPool.query(`update users set locked_until = now() - interval '1 second' where tenant_id = $1 and username = $2`, [f.tenantId, username]);
    expect((await t.client().post('/api/auth/login', { username, password: DEMO_PASSWORD })).status).toBe(200);
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
