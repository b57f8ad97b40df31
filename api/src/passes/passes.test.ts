import { createLocalJWKSet, errors, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withScope } from '../db/scope.ts';
import { sql } from '../db/sql.ts';
import { makeResidentId } from '../persons/idnumber.ts';
import { citizenClient } from '../test/citizen.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { personBody, moveStatus } from '../test/people.ts';
import { signPassToken } from './keys.ts';

let t: TestApp;
let f: Fixture;
let worker: Client;
let checkpoint: Client;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'pas');
  worker = await t.login(`${f.prefix}gridworker`);
  checkpoint = await t.login(`${f.prefix}checkpoint`);
});
afterAll(() => t?.close());

/** An ID number no other test uses. */
const freshId = () => makeResidentId('110101', `198${seq % 10}-0${1 + (seq % 9)}-2${seq % 8}`, (process.pid + 31 * ++seq) % 1000, seq % 2 ? 'male' : 'female');
const owner = (text: string, values: unknown[] = []) => t.app.db.ownerPool.query(text, values);

/** A registered person; `holder` is a citizen signed in with the person's own phone. */
async function registerPerson(idNumber: string, to?: 'suspected' | 'released') {
  const body = personBody(f.points.gridA, { idNumber });
  const r = await worker.post('/api/persons', body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  if (to) await changeStatus(r.body.id, to);
  return { id: r.body.id as number, name: body.name as string, idNumber, holder: () => citizenClient(t, f.code, body.phone as string) };
}

async function changeStatus(personId: number, to: string, severity?: string) {
  const r = await moveStatus(worker, personId, { to, reason: '测试', ...(severity ? { severity } : {}) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function citizenWithPass(idNumber = freshId()) {
  const c = await citizenClient(t, f.code);
  const r = await c.post('/api/citizen/pass', { name: '王五', idNumber });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { c, passId: r.body.pass.id as number, idNumber };
}

const scan = (token: string | undefined, extra: Record<string, unknown> = {}) =>
  checkpoint.post('/api/passes/scan', { token, temperature: 36.5, place: '东一社区北门', location: f.points.gridA, ...extra });

describe('issuing a pass', () => {
  it('tells the holder their own status (409), and issues their pass once they are released', async () => {
    const idNumber = freshId();
    const person = await registerPerson(idNumber);
    const c = await person.holder();
    const refused = await c.post('/api/citizen/pass', { name: person.name, idNumber });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'pass_refused', field: 'idNumber' });
    expect(refused.body.error.message).toMatch(/you are on the quarantine watch list/);
    expect((await c.get('/api/citizen/pass')).status).toBe(404);

    await changeStatus(person.id, 'released');
    const issued = await c.post('/api/citizen/pass', { name: person.name, idNumber });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body.pass).toMatchObject({ holderName: person.name, idNumber: `${idNumber.slice(0, 3)}***********${idNumber.slice(-4)}` });
    const stored = await owner('select * from passes where tenant_id = $1 and id = $2', [f.tenantId, issued.body.pass.id]);
    expect(JSON.stringify(stored.rows[0])).not.toContain(idNumber.slice(6, 14));
    // a released person's ID still gives no pass to someone else, nor in another name
    expect((await (await citizenClient(t, f.code)).post('/api/citizen/pass', { name: person.name, idNumber })).status).toBe(403);
    expect((await c.post('/api/citizen/pass', { name: '别人', idNumber })).status).toBe(403);
  });

  it('answers an unrelated citizen alike for a registered person in any status, and throttles and audits the attempts', async () => {
    const answers: string[] = [];
    for (const path of [[], ['suspected'], ['suspected', 'confirmed'], ['suspected', 'confirmed', 'dead'], ['released']]) {
      const idNumber = freshId();
      const person = await registerPerson(idNumber);
      for (const to of path) await changeStatus(person.id, to, to === 'confirmed' ? 'severe' : undefined);
      const stranger = await citizenClient(t, f.code);
      const r = await stranger.post('/api/citizen/pass', { name: person.name, idNumber });
      answers.push(JSON.stringify([r.status, r.body]));
    }
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0])).toEqual([403, { error: { code: 'pass_refused', field: 'idNumber', message: expect.stringMatching(/only to its holder/) } }]);
    // the sixth refused try of one citizen within the hour waits
    const ownId = freshId();
    const person = await registerPerson(ownId);
    const c = await citizenClient(t, f.code);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await c.post('/api/citizen/pass', { name: person.name, idNumber: ownId })).status);
    expect(statuses).toEqual([403, 403, 403, 403, 429, 429]);
    const audited = await owner(`select count(*)::int as n from audit_log where tenant_id = $1 and action = 'pass.register' and result = 'denied' and detail->>'reason' = 'not_holder'`, [f.tenantId]);
    expect(audited.rows[0].n).toBeGreaterThanOrEqual(9);
  });

  it('alerts the person\'s community once when others keep asking for a pass on their ID number', async () => {
    const idNumber = freshId();
    const person = await registerPerson(idNumber);
    const doctor = await t.login(`${f.prefix}doctor`);
    const alertsOf = async () => (await doctor.get('/api/alerts')).body.items.filter((x: { personId: number; kind: string }) => x.personId === person.id && x.kind === 'pass_mismatch');
    for (let i = 0; i < 2; i++) expect((await (await citizenClient(t, f.code)).post('/api/citizen/pass', { name: person.name, idNumber })).status).toBe(403);
    expect(await alertsOf()).toEqual([]);
    expect((await (await citizenClient(t, f.code)).post('/api/citizen/pass', { name: '冒名', idNumber })).status).toBe(403);
    const raised = await alertsOf();
    expect(raised).toHaveLength(1);
    expect(raised[0].detail).toEqual({ attempts: 3 });
    // to the grid's live feed too (the person's grid only, no personal data)
    const live = await owner(`select payload from live_events where tenant_id = $1 and type = 'alert' and payload->>'alertId' = $2`, [f.tenantId, String(raised[0].id)]);
    expect(live.rows[0].payload).toMatchObject({ kind: 'pass_mismatch', personId: person.id });
    // the fourth asker is told nothing of it (the same refusal), and no second alert follows within the hour
    expect((await (await citizenClient(t, f.code)).post('/api/citizen/pass', { name: person.name, idNumber })).status).toBe(403);
    expect(await alertsOf()).toHaveLength(1);
  });

  it('gives a phone that belongs to a registered person no pass on anyone else\'s ID, and an unregistered ID to one citizen only', async () => {
    const notYours = [403, { error: { code: 'pass_refused', field: 'idNumber', message: expect.stringMatching(/only to its holder/) } }];
    // a confirmed case cannot carry a pass made on a relative's (unregistered) ID
    const confirmed = await registerPerson(freshId());
    await changeStatus(confirmed.id, 'suspected');
    await changeStatus(confirmed.id, 'confirmed', 'mild');
    const own = await confirmed.holder();
    const relative = freshId();
    const tried = await own.post('/api/citizen/pass', { name: '亲属', idNumber: relative });
    expect([tried.status, tried.body]).toEqual(notYours);
    expect((await own.get('/api/citizen/pass')).status).toBe(404);
    const [audit] = (await owner(`select detail from audit_log where tenant_id = $1 and action = 'pass.register' and result = 'denied'
      order by id desc limit 1`, [f.tenantId])).rows;
    expect(audit.detail).toMatchObject({ reason: 'phone_of_registered' });
    // the same ID is still free for a phone the register does not know; once it is held, nobody else gets it
    const first = await (await citizenClient(t, f.code)).post('/api/citizen/pass', { name: '亲属', idNumber: relative });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const second = await (await citizenClient(t, f.code)).post('/api/citizen/pass', { name: '亲属', idNumber: relative });
    // and that refusal reads exactly like the one for a registered person's ID
    const registered = await registerPerson(freshId());
    const onRegistered = await (await citizenClient(t, f.code)).post('/api/citizen/pass', { name: registered.name, idNumber: registered.idNumber });
    expect(JSON.stringify([second.status, second.body])).toBe(JSON.stringify([onRegistered.status, onRegistered.body]));
    expect(JSON.stringify([tried.status, tried.body])).toBe(JSON.stringify([onRegistered.status, onRegistered.body]));
    expect([second.status, second.body]).toEqual(notYours);
  });

  it('refuses suspected holders too, and bad input with the field named and nothing written', async () => {
    const idNumber = freshId();
    const person = await registerPerson(idNumber, 'suspected');
    const c = await person.holder();
    const r = await c.post('/api/citizen/pass', { name: person.name, idNumber });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/suspected/);
    const before = (await owner('select count(*)::int n from passes where tenant_id = $1', [f.tenantId])).rows[0].n;
    const bad = idNumber.slice(0, 17) + (idNumber[17] === '0' ? '1' : '0');
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: '李四', idNumber: bad }, 'idNumber', /check digit/],
      [{ name: '', idNumber: freshId() }, 'name', /./],
      [{ name: '李四' }, 'idNumber', /./],
      [{ name: '李四', idNumber: freshId(), phone: '1' }, 'phone', /unknown field/],
    ];
    for (const [body, field, message] of cases) {
      const res = await c.post('/api/citizen/pass', body);
      expect(res.status, field).toBe(400);
      expect(res.body.error.field).toBe(field);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await owner('select count(*)::int n from passes where tenant_id = $1', [f.tenantId])).rows[0].n).toBe(before);
  });

  it('gives a short-lived QR token that a checkpoint verifies offline with the public JWKS and jose alone', async () => {
    const { c, passId } = await citizenWithPass();
    const r = await c.get('/api/citizen/pass');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.qr).toMatch(/^data:image\/png;base64,/);
    const ttl = new Date(r.body.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(200_000);
    expect(ttl).toBeLessThanOrEqual(300_000);

    const jwks = await t.client().get(`/api/passes/keys?tenant=${f.code}`);
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(jwks.body.keys[0].d).toBeUndefined();
    const keySet = createLocalJWKSet(jwks.body);
    const { payload } = await jwtVerify(r.body.token, keySet, { algorithms: ['EdDSA'] });
    // The holder's name travels masked, for checkpoints that verify offline.
    expect(payload).toMatchObject({ tid: f.tenantId, pid: passId, nm: '王*' });
    // A changed claim breaks the signature.
    const [h, , s] = r.body.token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, pid: passId + 1 })).toString('base64url')}.${s}`;
    await expect(jwtVerify(forged, keySet)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    // Keys are per tenant, and the private key is stored only encrypted.
    const other = await createFixture(t.app.db.ownerPool, 'pas2');
    const otherKeys = createLocalJWKSet((await t.client().get(`/api/passes/keys?tenant=${other.code}`)).body);
    await expect(jwtVerify(r.body.token, otherKeys)).rejects.toThrow();
    const stored = await owner('select private_key_enc from tenant_keys where tenant_id = $1', [f.tenantId]);
    expect(stored.rows[0].private_key_enc.toString('latin1')).not.toContain('"d"');
    expect((await t.client().get('/api/passes/keys?tenant=nosuchcity')).status).toBe(404);
  });
});

describe('scanning a pass', () => {
  it('allows a good pass, then refuses and revokes it once the holder has become suspected', async () => {
    const { c, passId, idNumber } = await citizenWithPass();
    const { token } = (await c.get('/api/citizen/pass')).body;
    const ok = await scan(token, { deviceTime: '2026-11-25T08:00:00+08:00' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ result: 'allowed', reasons: [], passId, holder: { name: '王*' }, fever: false, registration: null });
    expect(new Date(ok.body.deviceTime).toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(Math.abs(new Date(ok.body.createdAt).getTime() - Date.now())).toBeLessThan(60_000);

    await registerPerson(idNumber, 'suspected');
    const refused = await scan(token);
    expect(refused.status).toBe(201);
    expect(refused.body).toMatchObject({ result: 'refused', reasons: ['holder_suspected'], passId });
    const pass = await owner('select revoked_at, revoked_reason from passes where tenant_id = $1 and id = $2', [f.tenantId, passId]);
    expect(pass.rows[0]).toMatchObject({ revoked_reason: 'status:suspected' });
    const mine = await c.get('/api/citizen/pass');
    expect(mine.status).toBe(409);
    expect(mine.body.error.code).toBe('pass_revoked');
  });

  it('tells a checkpoint what it will find before it records anything: valid, revoked, expired, invalid', async () => {
    const { c, passId, idNumber } = await citizenWithPass();
    const { token } = (await c.get('/api/citizen/pass')).body;
    const verify = (tk: string) => checkpoint.post('/api/passes/verify', { token: tk });
    const before = await owner('select count(*)::int n from pass_scans where tenant_id = $1', [f.tenantId]);
    expect((await verify(token)).body).toEqual({ verdict: 'valid', reasons: [], holder: { name: '王*' } });
    const { token: old } = await signPassToken(t.app, f.tenantId, passId, '王五', new Date(Date.now() - 60_000));
    expect((await verify(old)).body).toMatchObject({ verdict: 'expired', reasons: ['token_expired'] });
    expect((await verify('not-a-token')).body).toMatchObject({ verdict: 'invalid', holder: null });
    await registerPerson(idNumber, 'suspected');
    expect((await verify(token)).body).toMatchObject({ verdict: 'revoked', reasons: ['holder_suspected'], holder: { name: '王*' } });
    // Expired and barred: red, not grey.
    expect((await verify(old)).body.verdict).toBe('revoked');
    expect((await owner('select count(*)::int n from pass_scans where tenant_id = $1', [f.tenantId])).rows[0].n).toBe(before.rows[0].n);
    expect((await (await t.login(`${f.prefix}gridworker`)).post('/api/passes/verify', { token })).status).toBe(403);
  });

  it('refuses an expired token, a forged one and a scan without a pass, and records each', async () => {
    const { passId } = await citizenWithPass();
    const { token } = await signPassToken(t.app, f.tenantId, passId, '测试', new Date(Date.now() - 60_000));
    const expired = await scan(token);
    expect(expired.body).toMatchObject({ result: 'refused', reasons: ['token_expired'], passId });
    const forged = await scan(token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
    expect(forged.body).toMatchObject({ result: 'refused', reasons: ['invalid_token'], passId: null, holder: null });
    const none = await scan(undefined);
    expect(none.body).toMatchObject({ result: 'refused', reasons: ['no_pass'] });
    const rows = await owner('select result, reason, pass_id from pass_scans where tenant_id = $1 and id = any($2) order by id',
      [f.tenantId, [expired.body.id, forged.body.id, none.body.id]]);
    expect(rows.rows).toEqual([
      { result: 'refused', reason: 'token_expired', pass_id: passId },
      { result: 'refused', reason: 'invalid_token', pass_id: null },
      { result: 'refused', reason: 'no_pass', pass_id: null },
    ]);
  });
});

describe('who may do what', () => {
  it('lets only checkpoint staff scan; a grid worker or a citizen cannot', async () => {
    const { c } = await citizenWithPass();
    const { token } = (await c.get('/api/citizen/pass')).body;
    const body = { token, temperature: 36.5, place: '北门' };
    expect((await worker.post('/api/passes/scan', body)).status).toBe(403);
    expect((await c.post('/api/passes/scan', body)).status).toBe(401);
    expect((await t.client().post('/api/passes/scan', body)).status).toBe(401);
    // Staff sessions are not citizen sessions.
    expect((await checkpoint.get('/api/citizen/pass')).status).toBe(401);
  });

  it('shows a citizen only their own pass', async () => {
    const a = await citizenWithPass();
    const b = await citizenClient(t, f.code);
    expect((await b.get('/api/citizen/pass')).status).toBe(404);
    const me = (await b.get('/api/citizen/me')).body;
    const seen = await withScope(t.app.db.pool, { tenantId: f.tenantId, userId: null, scopePaths: [], citizenId: me.citizenId }, (tx) =>
      tx.rows(sql`select id from passes where tenant_id = ${f.tenantId}`));
    expect(seen).toEqual([]);
    const aMe = (await a.c.get('/api/citizen/me')).body;
    const own = await withScope(t.app.db.pool, { tenantId: f.tenantId, userId: null, scopePaths: [], citizenId: aMe.citizenId }, (tx) =>
      tx.rows(sql`select id from passes where tenant_id = ${f.tenantId}`));
    expect(own).toEqual([{ id: a.passId }]);
  });
});
