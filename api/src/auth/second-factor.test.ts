// Administrators' second factor (TOTP) and step-up re-authentication (issue 13): set-up with the
// password and a first code, sign-in asking for the code only once the password is right, codes
// accepted once, the policy that makes administrators set it up, the reset of a lost factor, and
// the actions that need a recent re-authentication.
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { resetPassword } from '../tenants/service.ts';
import { DEMO_PASSWORD } from './seed.ts';

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'tfa');
});
afterAll(() => t?.close());

const STEP = 30;
/**
 * A code of the step `offset` steps from the step the test began in (the server accepts the
 * current step and one either side, each step once: a test uses -1, 0, +1 in that order).
 */
let base = 0;
const code = (secret: string, offset = 0) => generate({ secret, epoch: base + offset * STEP });
/** Waits, when needed, for a step with at least 20 s left, so that three steps stay acceptable while a test runs. */
async function freshStep(): Promise<void> {
  const into = (Date.now() / 1000) % STEP;
  if (into > STEP - 20) await new Promise((r) => setTimeout(r, (STEP - into + 0.5) * 1000));
  base = Math.floor(Date.now() / 1000);
}
const auditOf = async (userId: number, action: string) =>
  (await t.app.db.ownerPool.query('select result, detail from audit_log where tenant_id = $1 and user_id = $2 and action = $3 order by id', [f.tenantId, userId, action])).rows;
/** Makes the user's sessions' last re-authentication an hour old. */
const staleReauth = (username: string) =>
  t.app.db.ownerPool.query(`update sessions s set stepped_up_at = now() - interval '1 hour' from users u
     where u.tenant_id = s.tenant_id and u.id = s.user_id and u.tenant_id = $1 and u.username = $2`, [f.tenantId, username]);

async function enrol(c: Client): Promise<string> {
  const setup = await c.post('/api/auth/totp/setup', { password: DEMO_PASSWORD });
  expect(setup.status, JSON.stringify(setup.body)).toBe(200);
  expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/.+secret=[A-Z2-7]+/);
  const enabled = await c.post('/api/auth/totp/enable', { totp: await code(setup.body.secret, -1) });
  expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
  expect(enabled.body.totpEnabled).toBe(true);
  return setup.body.secret;
}

describe('setting up the second factor', () => {
  it('needs the password, then a first code confirms it; sign-in then asks for the code only after the password', async () => {
    await freshStep();
    const username = `${f.prefix}secadmin`;
    const c = await t.login(username);
    expect((await c.get('/api/auth/me')).body).toMatchObject({ totpEnabled: false, mustEnrolTotp: false });
    const wrong = await c.post('/api/auth/totp/setup', { password: 'Not-the-pass1' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'password_wrong', field: 'password' });
    expect((await c.post('/api/auth/totp/enable', { totp: '123456' })).body.error.code).toBe('totp_not_set_up');
    const setup = await c.post('/api/auth/totp/setup', { password: DEMO_PASSWORD });
    const bad = await c.post('/api/auth/totp/enable', { totp: (await code(setup.body.secret, -1)) === '000000' ? '111111' : '000000' });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'totp_invalid', field: 'totp' });
    expect((await c.post('/api/auth/totp/enable', { totp: 'abcdef' })).body.error.field).toBe('totp');
    expect((await c.post('/api/auth/totp/enable', { totp: await code(setup.body.secret, -1) })).body.totpEnabled).toBe(true);
    const secret = setup.body.secret as string;
    // the secret is kept encrypted, never in clear
    const stored = (await t.app.db.ownerPool.query('select totp_secret_enc, totp_pending_enc from users where tenant_id = $1 and username = $2', [f.tenantId, username])).rows[0];
    expect(stored.totp_pending_enc).toBeNull();
    expect(stored.totp_secret_enc.toString('latin1')).not.toContain(secret);

    // A wrong password answers as before: nobody learns that the account has a second factor.
    const wrongPassword = await t.client().post('/api/auth/login', { username, password: 'Not-the-pass1' });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body.error.code).toBe('invalid_credentials');
    const noCode = await t.client().post('/api/auth/login', { username, password: DEMO_PASSWORD });
    expect(noCode.status).toBe(401);
    expect(noCode.body.error).toMatchObject({ code: 'totp_required', field: 'totp' });
    expect(noCode.headers.getSetCookie().some((x) => x.startsWith('gec_session=') && !x.startsWith('gec_session=;'))).toBe(false);
    const wrongCode = await t.client().post('/api/auth/login', { username, password: DEMO_PASSWORD, totp: '000000' === (await code(secret, 0)) ? '111111' : '000000' });
    expect(wrongCode.status).toBe(401);
    expect(wrongCode.body.error.code).toBe('totp_invalid');
    const next = await code(secret, 0);
    const signedIn = t.client();
    const ok = await signedIn.post('/api/auth/login', { username, password: DEMO_PASSWORD, totp: next });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.totpEnabled).toBe(true);
    // The same code again is a replay.
    const replay = await t.client().post('/api/auth/login', { username, password: DEMO_PASSWORD, totp: next });
    expect(replay.body.error.code).toBe('totp_invalid');
    const userId = ok.body.userId as number;
    expect((await auditOf(userId, 'auth.login')).map((r) => r.detail.reason ?? r.result)).toEqual(expect.arrayContaining(['password', 'totp', 'ok']));
    expect((await auditOf(userId, 'auth.totp.enable')).map((r) => r.result)).toEqual(['denied', 'ok']);

    // Removing it needs the password and a code; afterwards the password alone signs in.
    const removed = await signedIn.post('/api/auth/totp/disable', { password: DEMO_PASSWORD, totp: await code(secret, 1) });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.totpEnabled).toBe(false);
    expect((await t.client().post('/api/auth/login', { username, password: DEMO_PASSWORD })).status).toBe(200);
  });

  it('is required of administrators where the policy says so: nothing else answers until it is set up, and it cannot be removed', async () => {
    const strict = await createTestApp({ adminTotp: 'required' });
    await freshStep();
    try {
      const g = await createFixture(strict.app.db.ownerPool, 'tfa2');
      const admin = await strict.login(`${g.prefix}auditor`);
      expect((await admin.get('/api/auth/me')).body).toMatchObject({ mustEnrolTotp: true, totpEnabled: false, totpRequired: true });
      const refused = await admin.get('/api/audit');
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('totp_enrolment_required');
      // Other staff are not administrators: no second factor asked of them.
      const worker = await strict.login(`${g.prefix}gridworker`);
      expect((await worker.get('/api/auth/me')).body).toMatchObject({ mustEnrolTotp: false, totpRequired: false });
      expect((await worker.get('/api/tasks')).status).toBe(200);

      const setup = await admin.post('/api/auth/totp/setup', { password: DEMO_PASSWORD });
      expect(setup.status).toBe(200);
      const secret = setup.body.secret as string;
      expect((await admin.post('/api/auth/totp/enable', { totp: await code(secret, -1) })).body).toMatchObject({ mustEnrolTotp: false, totpEnabled: true });
      expect((await admin.get('/api/audit')).status).toBe(200);
      const keep = await admin.post('/api/auth/totp/disable', { password: DEMO_PASSWORD, totp: await code(secret, 0) });
      expect(keep.status).toBe(409);
      expect(keep.body.error.code).toBe('totp_required_by_policy');

      // A lost phone: the system administrator may not reset an audit administrator's factor
      // (三员分立, organisation/duties.ts); the system operator does (npm run tenant --
      // reset-password --totp): the auditor's sessions end, and they sign in with a temporary
      // password, to change it and set up a new factor.
      const sysadmin = await strict.login(`${g.prefix}admin`);
      const secretOfSys = await enrol(sysadmin);
      expect(secretOfSys).not.toBe(secret);
      const me = (await admin.get('/api/auth/me')).body;
      // the users list says who has a factor (what the reset applies to)
      const listed = (await sysadmin.get(`/api/users?q=${g.prefix}auditor`)).body.items;
      expect(listed.map((u: { username: string; totpEnabled: boolean }) => [u.username, u.totpEnabled])).toEqual([[`${g.prefix}auditor`, true]]);
      const notHis = await sysadmin.post(`/api/users/${me.userId}/totp-reset`);
      expect([notHis.status, notHis.body.error?.code]).toEqual([403, 'duty_account']);
      expect((await admin.get('/api/auth/me')).status).toBe(200);
      const reset = await resetPassword(strict.app.db.ownerPool, { code: g.code, username: `${g.prefix}auditor`, totp: true });
      expect((await admin.get('/api/auth/me')).status).toBe(401);
      const again = await strict.login(`${g.prefix}auditor`, reset.temporaryPassword);
      expect((await again.get('/api/auth/me')).body).toMatchObject({ mustEnrolTotp: true, totpEnabled: false, mustChangePassword: true });
      const audited = (await strict.app.db.ownerPool.query(`select user_id, object_id, detail from audit_log where tenant_id = $1 and action = 'user.totp_reset' and result = 'ok'`, [g.tenantId])).rows;
      expect(audited).toEqual([{ user_id: null, object_id: String(me.userId), detail: { by: 'system operator' } }]);
      expect((await sysadmin.post(`/api/users/${(await sysadmin.get('/api/auth/me')).body.userId}/totp-reset`)).status).toBe(409);
    } finally {
      await strict.close();
    }
  });
});

describe('step-up re-authentication', () => {
  it('lets exports, role changes and full ID numbers through only shortly after the user proved who they are', async () => {
    const username = `${f.prefix}community`;
    const c = await t.login(username);
    // Signing in counts: at once, the export answers.
    expect((await c.get('/api/persons/export.xlsx')).status).toBe(200);
    await staleReauth(username);
    const gated: [string, string, unknown?][] = [
      ['GET', '/api/persons/export.xlsx'],
      ['GET', '/api/reports/export.xlsx'],
      ['POST', '/api/persons/999999/reveal', { fields: ['idNumber'], reason: '核对身份' }],
    ];
    for (const [method, path, body] of gated) {
      const r = await c.request(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.code).toBe('step_up_required');
    }
    // A phone number alone is not gated (the reveal then answers for the person: not found).
    expect((await c.post('/api/persons/999999/reveal', { fields: ['phone'], reason: '电话联系' })).status).toBe(404);

    const wrong = await c.post('/api/auth/step-up', { password: 'Not-the-pass1' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'password_wrong', field: 'password' });
    const ok = await c.post('/api/auth/step-up', { password: DEMO_PASSWORD });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(new Date(ok.body.steppedUpUntil).getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect((await c.get('/api/persons/export.xlsx')).status).toBe(200);
    const me = (await c.get('/api/auth/me')).body;
    expect((await auditOf(me.userId, 'auth.step_up')).map((r) => r.result)).toEqual(['denied', 'ok']);
  });

  it('asks a user with a second factor for its code too, and gates role changes', async () => {
    await freshStep();
    const username = `${f.prefix}auditor`;
    const auditor = await t.login(username);
    const secret = await enrol(auditor);
    // (the security administrator of this tenant removed their factor in the first test)
    const sec = await t.login(`${f.prefix}secadmin`);
    await staleReauth(`${f.prefix}secadmin`);
    const roleBody = { code: 'tfa_role', name: '二次验证测试', permissions: ['person:read'] };
    const role = await sec.post('/api/roles', roleBody);
    expect(role.status).toBe(403);
    expect(role.body.error.code).toBe('step_up_required');
    expect((await sec.post('/api/auth/step-up', { password: DEMO_PASSWORD })).status).toBe(200);
    const created = await sec.post('/api/roles', roleBody);
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    await staleReauth(username);
    const noCode = await auditor.post('/api/auth/step-up', { password: DEMO_PASSWORD });
    expect(noCode.status).toBe(422);
    expect(noCode.body.error).toMatchObject({ code: 'totp_required', field: 'totp' });
    const withCode = await auditor.post('/api/auth/step-up', { password: DEMO_PASSWORD, totp: await code(secret, 1) });
    expect(withCode.status, JSON.stringify(withCode.body)).toBe(200);
  });

  it('counts wrong passwords and codes in the sign-in throttle: 429 with Retry-After', async () => {
    const strict = await createTestApp({ loginFailuresPerAddress: 100_000 });
    try {
      const g = await createFixture(strict.app.db.ownerPool, 'tfa3');
      const c = await strict.login(`${g.prefix}doctor`);
      let last = 0;
      for (let i = 0; i < 6; i++) last = (await c.post('/api/auth/step-up', { password: `Wrong-pass${i}` })).status;
      expect(last).toBe(429);
      const r = await c.post('/api/auth/step-up', { password: DEMO_PASSWORD });
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });
});
