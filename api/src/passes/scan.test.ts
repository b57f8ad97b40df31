import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let community: Client;
let admin: Client;
let ids: Record<string, number>;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'scn');
  worker = await t.login(`${f.prefix}gridworker`);
  checkpoint = await t.login(`${f.prefix}checkpoint`);
  community = await t.login(`${f.prefix}community`);
  admin = await t.login(`${f.prefix}admin`);
  const users = await owner('select id, username from users where tenant_id = $1', [f.tenantId]);
  ids = Object.fromEntries(users.map((r) => [r.username.slice(f.prefix.length), Number(r.id)]));
});
afterAll(() => t?.close());

const freshId = () => makeResidentId('310101', `197${seq % 10}-1${seq % 3}-1${seq % 9}`, (process.pid + 37 * ++seq) % 1000, seq % 2 ? 'male' : 'female');
const owner = async (text: string, values: unknown[] = []) => (await t.app.db.ownerPool.query(text, values)).rows;
const shanghaiToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const count = async (table: string) =>
  (await t.app.db.ownerPool.query(`select count(*)::int n from ${table} where tenant_id = $1`, [f.tenantId])).rows[0].n as number;

async function passToken(name = '赵六') {
  const c = await citizenClient(t, f.code);
  const r = await c.post('/api/citizen/pass', { name, idNumber: freshId() });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { c, passId: r.body.pass.id as number, token: (await c.get('/api/citizen/pass')).body.token as string };
}

describe('a fever at the checkpoint', () => {
  it('refuses the pass, files a checkpoint registration and puts the holder on the watch list', async () => {
    const { c, passId, token } = await passToken('发热者');
    const r = await checkpoint.post('/api/passes/scan', { token, temperature: 38.24, place: '东一社区南门', location: f.points.gridA, deviceTime: '2026-11-25T09:30:00+08:00' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ result: 'refused', reasons: ['fever'], fever: true, temperature: 38.2, passId });
    expect(r.body.registration).toMatchObject({ personCreated: true, taskId: null, statusChange: null, alertId: expect.any(Number) });
    const { reportId, personId } = r.body.registration;

    const person = await worker.get(`/api/persons/${personId}`);
    expect(person.status).toBe(200);
    expect(person.body).toMatchObject({ name: '发热者', status: 'watching', source: 'checkpoint', conditions: ['fever'], grid: { id: f.nodes.gridA } });
    const report = await t.app.db.ownerPool.query('select kind, state, person_id, fever, temperature, device_time from reports where tenant_id = $1 and id = $2', [f.tenantId, reportId]);
    expect(report.rows[0]).toMatchObject({ kind: 'checkpoint', state: 'registered', person_id: personId, fever: true, temperature: 38.2 });
    const reading = await t.app.db.ownerPool.query('select celsius, kind from temperature_readings where tenant_id = $1 and person_id = $2', [f.tenantId, personId]);
    expect(reading.rows).toEqual([{ celsius: 38.2, kind: 'measured' }]);
    const scanRow = await t.app.db.ownerPool.query('select report_id, reason from pass_scans where tenant_id = $1 and id = $2', [f.tenantId, r.body.id]);
    expect(scanRow.rows[0]).toEqual({ report_id: reportId, reason: 'fever' });

    // Now on the watch list: even a normal temperature is refused, and the pass is gone.
    const again = await checkpoint.post('/api/passes/scan', { token, temperature: 36.4, place: '东一社区南门' });
    expect(again.body).toMatchObject({ result: 'refused', reasons: ['holder_watching'] });
    expect((await c.get('/api/citizen/pass')).status).toBe(409);
  });

  it('sends the report for verification when the person cannot be placed: to the checkpoint\'s node without a location, to the grid\'s worker without a pass', async () => {
    const persons = await count('persons');
    const { token } = await passToken();
    const noPlace = await checkpoint.post('/api/passes/scan', { token, temperature: 37.3, place: '商超入口' });
    expect(noPlace.status).toBe(201);
    expect(noPlace.body.registration).toMatchObject({ personCreated: false, personId: null, taskId: expect.any(Number) });
    expect(noPlace.body.registration.note).toMatch(/no location/);
    const unknown = await checkpoint.post('/api/passes/scan', { temperature: 39, place: '商超入口', location: f.points.gridB });
    expect(unknown.body).toMatchObject({ reasons: ['no_pass', 'fever'], holder: null });
    expect(unknown.body.registration).toMatchObject({ personId: null, taskId: expect.any(Number) });
    expect(unknown.body.registration.note).toMatch(/holder unknown/);
    const reports = await owner('select state, person_id, grid_id from reports where tenant_id = $1 and id = any($2) order by id',
      [f.tenantId, [noPlace.body.registration.reportId, unknown.body.registration.reportId]]);
    expect(reports.map((x) => [x.state, x.person_id])).toEqual([['open', null], ['open', null]]);
    expect(reports[1].grid_id).toBe(f.nodes.gridB);
    const tasks = await owner(`select id, kind, state, report_id, assignee_jurisdiction_id, assignee_user_id from tasks where tenant_id = $1 and id = any($2) order by id`,
      [f.tenantId, [noPlace.body.registration.taskId, unknown.body.registration.taskId]]);
    expect(tasks).toEqual([
      // No place of its own: the checkpoint's community verifies it, no worker is picked by a stand-in point.
      { id: noPlace.body.registration.taskId, kind: 'verification', state: 'open', report_id: noPlace.body.registration.reportId, assignee_jurisdiction_id: f.nodes.m1, assignee_user_id: null },
      { id: unknown.body.registration.taskId, kind: 'verification', state: 'open', report_id: unknown.body.registration.reportId, assignee_jurisdiction_id: f.nodes.gridB, assignee_user_id: ids.gridworker2 },
    ]);
    // The community sees the unlocated one in its task list.
    expect((await community.get(`/api/tasks/${noPlace.body.registration.taskId}`)).body.report).toMatchObject({ kind: 'checkpoint', temperature: 37.3 });
    expect(await count('persons')).toBe(persons);
    // 37.2 is below the threshold.
    const normal = await checkpoint.post('/api/passes/scan', { temperature: 37.2, place: '商超入口' });
    expect(normal.body).toMatchObject({ fever: false, registration: null });
  });
});

describe('a fever of someone already on the register', () => {
  /** A person registered by the admin (anywhere in the city), moved to `status`, and a pass of their ID. */
  async function registered(status: 'released' | 'cured' | 'watching' | 'closed' | 'dead', at = f.points.gridA) {
    const idNumber = freshId();
    const confirmedFirst = status === 'cured' || status === 'dead';
    const citizen = await citizenClient(t, f.code);
    // A pass is issued before the person is (re)registered; it stays usable for released and cured.
    const pass = await citizen.post('/api/citizen/pass', { name: '登记者', idNumber });
    expect(pass.status, JSON.stringify(pass.body)).toBe(201);
    const body = personBody(at, confirmedFirst ? { idNumber, status: 'confirmed', severity: 'mild' } : { idNumber, observationStart: '2026-01-01', observationEnd: '2026-01-15' });
    const p = await admin.post('/api/persons', body);
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    if (status !== 'watching') {
      const moved = await moveStatus(admin, p.body.id, { to: status, reason: '测试' });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    }
    return { personId: p.body.id as number, citizen, token: (await tokenOf(pass.body.pass.id)) };
  }
  const tokenOf = async (passId: number) => (await signPassToken(t.app, f.tenantId, passId, '测试')).token;
  const fever = (token: string, extra: Record<string, unknown> = {}) =>
    checkpoint.post('/api/passes/scan', { token, temperature: 38.6, place: '东一社区南门', location: f.points.gridA, ...extra });

  it('puts a released person back on the watch list with a new observation, revokes the pass and raises an alert — also when registered in another community', async () => {
    for (const at of [f.points.gridA, f.points.gridC]) {
      const { personId, citizen, token } = await registered('released', at);
      const r = await fever(token);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ result: 'refused', reasons: ['fever'] });
      expect(r.body.registration).toMatchObject({ personId, personCreated: false, taskId: null, statusChange: { from: 'released', to: 'watching' }, alertId: expect.any(Number) });
      const p = await admin.get(`/api/persons/${personId}`);
      expect(p.body).toMatchObject({ status: 'watching', observationStart: shanghaiToday(), observationEnd: null });
      expect(p.body.events.at(-1)).toMatchObject({ kind: 'status', fromStatus: 'released', toStatus: 'watching', actor: { name: '卡口 孙强' } });
      expect(p.body.events.at(-1).reason).toMatch(/38\.6℃（东一社区南门）/);
      expect((await citizen.get('/api/citizen/pass')).status).toBe(409);
      const [alert] = await owner('select person_id, detail from alerts where tenant_id = $1 and id = $2', [f.tenantId, r.body.registration.alertId]);
      expect(alert).toMatchObject({ person_id: personId, detail: { source: 'checkpoint', temperature: 38.6, place: '东一社区南门', reportId: r.body.registration.reportId } });
      const [report] = await owner('select state, person_id from reports where tenant_id = $1 and id = $2', [f.tenantId, r.body.registration.reportId]);
      expect(report).toEqual({ state: 'registered', person_id: personId });
      const readings = await owner('select kind, celsius, recorder_id from temperature_readings where tenant_id = $1 and person_id = $2', [f.tenantId, personId]);
      expect(readings).toEqual([{ kind: 'measured', celsius: 38.6, recorder_id: ids.checkpoint }]);
      // Not a release candidate again the same day.
      expect((await admin.get('/api/release-candidates?pageSize=200')).body.items.map((x: any) => x.personId)).not.toContain(personId);
    }
  });

  it('does the same for a cured person', async () => {
    const { personId, token } = await registered('cured');
    const r = await fever(token);
    expect(r.body.registration.statusChange).toEqual({ from: 'cured', to: 'watching' });
    expect((await admin.get(`/api/persons/${personId}`)).body.status).toBe('watching');
  });

  it('raises an alert for a person already on the watch list, changing no status', async () => {
    const { personId, token } = await registered('watching');
    const r = await fever(token);
    expect(r.body).toMatchObject({ reasons: ['holder_watching', 'fever'] });
    expect(r.body.registration).toMatchObject({ personId, statusChange: null, alertId: expect.any(Number), taskId: null });
    expect((await admin.get(`/api/persons/${personId}`)).body.events.filter((e: any) => e.kind === 'status')).toHaveLength(0);
  });

  it('sends a fever of a closed or dead record for verification, registering no one', async () => {
    for (const status of ['closed', 'dead'] as const) {
      const persons = await count('persons');
      const { personId, token } = await registered(status);
      const r = await fever(token);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.registration).toMatchObject({ personId: null, personCreated: false, taskId: expect.any(Number), alertId: null });
      expect(r.body.registration.note).toMatch(new RegExp(`record is ${status}`));
      expect(await count('persons')).toBe(persons + 1);
      expect((await admin.get(`/api/persons/${personId}`)).body.status).toBe(status);
      const [report] = await owner('select state from reports where tenant_id = $1 and id = $2', [f.tenantId, r.body.registration.reportId]);
      expect(report.state).toBe('open');
    }
  });
});

describe('offline scans', () => {
  it('judges the token at the deviceTime of a queued offline scan, never at arrival', async () => {
    const { passId } = await passToken('离线者');
    const scannedAt = new Date(Date.now() - 10 * 60_000);
    // Valid when the QR was scanned, expired by the time the queue reaches the server.
    const { token } = await signPassToken(t.app, f.tenantId, passId, '测试', new Date(scannedAt.getTime() + 60_000));
    const online = await checkpoint.post('/api/passes/scan', { token, temperature: 36.5, place: '北门' });
    expect(online.body).toMatchObject({ result: 'refused', reasons: ['token_expired'] });
    const offline = await checkpoint.post('/api/passes/scan', { token, temperature: 36.5, place: '北门', scannedOffline: true, deviceTime: scannedAt.toISOString() });
    expect(offline.status, JSON.stringify(offline.body)).toBe(201);
    expect(offline.body).toMatchObject({ result: 'allowed', reasons: [], scannedOffline: true, deviceTime: scannedAt.toISOString() });
    const late = await checkpoint.post('/api/passes/scan', { token, temperature: 36.5, place: '北门', scannedOffline: true, deviceTime: new Date(scannedAt.getTime() + 2 * 60_000).toISOString() });
    expect(late.body.reasons).toEqual(['token_expired']);
  });

  it('refuses an offline scan without deviceTime or with one in the future, naming deviceTime', async () => {
    const { token } = await passToken();
    const before = await count('pass_scans');
    const missing = await checkpoint.post('/api/passes/scan', { token, temperature: 36.5, place: '北门', scannedOffline: true });
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('deviceTime');
    const future = await checkpoint.post('/api/passes/scan', { token, temperature: 36.5, place: '北门', scannedOffline: true, deviceTime: new Date(Date.now() + 5 * 60_000).toISOString() });
    expect(future.status).toBe(400);
    expect(future.body.error).toMatchObject({ field: 'deviceTime', message: expect.stringMatching(/future/) });
    // Within the 2-minute skew a phone clock running ahead is accepted.
    const skewed = await checkpoint.post('/api/passes/scan', { token, temperature: 36.5, place: '北门', scannedOffline: true, deviceTime: new Date(Date.now() + 60_000).toISOString() });
    expect(skewed.status, JSON.stringify(skewed.body)).toBe(201);
    expect(await count('pass_scans')).toBe(before + 1);
  });
});

describe('the fever threshold', () => {
  it('follows the tenant\'s check rules where they exist', async () => {
    const owner = t.app.db.ownerPool;
    if (!(await owner.query(`select to_regclass('public.check_rules') is not null as present`)).rows[0].present) return;
    await owner.query('insert into check_rules (tenant_id, fever_threshold) values ($1, 37.0) on conflict (tenant_id) do update set fever_threshold = 37.0', [f.tenantId]);
    try {
      const r = await checkpoint.post('/api/passes/scan', { temperature: 37.1, place: '东门' });
      expect(r.body).toMatchObject({ fever: true, reasons: ['no_pass', 'fever'] });
    } finally {
      await owner.query('delete from check_rules where tenant_id = $1', [f.tenantId]);
    }
  });
});

describe('Idempotency-Key on scans', () => {
  it('creates one scan for parallel duplicates, replays the same body and refuses a different one', async () => {
    const { token } = await passToken();
    const key = `scan-${process.pid}-${Date.now()}`;
    const body = { token, temperature: 36.6, place: `重复提交-${key}`, location: f.points.gridA, deviceTime: '2026-11-25T10:00:00+08:00' };
    const send = (b: unknown) => checkpoint.post('/api/passes/scan', b, { 'Idempotency-Key': key });
    const results = await Promise.all([send(body), send(body), send(body), send(body)]);
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(3);
    const rows = await t.app.db.ownerPool.query('select count(*)::int n from pass_scans where tenant_id = $1 and place = $2', [f.tenantId, body.place]);
    expect(rows.rows[0].n).toBe(1);
    const replay = await send(body);
    expect(replay.body.id).toBe(results[0].body.id);
    const different = await send({ ...body, temperature: 36.7 });
    expect(different.status).toBe(422);
    expect(different.body.error.field).toBe('Idempotency-Key');
    expect((await t.app.db.ownerPool.query('select count(*)::int n from pass_scans where tenant_id = $1 and place = $2', [f.tenantId, body.place])).rows[0].n).toBe(1);
  });
});

describe('bad scan input', () => {
  it('names the field and writes nothing', async () => {
    const before = [await count('pass_scans'), await count('reports'), await count('persons')];
    const good = { temperature: 38.5, place: '北门', location: f.points.gridA };
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [{ ...good, temperature: undefined }, 400, 'temperature', /./],
      [{ ...good, temperature: '38' }, 400, 'temperature', /number/],
      [{ ...good, temperature: 50 }, 400, 'temperature', /45/],
      [{ ...good, place: ' ' }, 400, 'place', /./],
      [{ ...good, location: { lon: 200, lat: 30 } }, 400, 'location.lon', /180/],
      [{ ...good, deviceTime: 'yesterday' }, 400, 'deviceTime', /./],
      [{ ...good, token: 5 }, 400, 'token', /./],
      [{ ...good, passId: 1 }, 400, 'passId', /unknown field/],
      [{ ...good, location: f.points.gridC }, 422, 'location', /not inside any grid of your jurisdiction/],
    ];
    for (const [body, status, field, message] of cases) {
      const r = await checkpoint.post('/api/passes/scan', body);
      expect(r.status, `${field}: ${JSON.stringify(r.body)}`).toBe(status);
      expect(r.body.error.field, field).toBe(field);
      expect(r.body.error.message, field).toMatch(message);
    }
    expect([await count('pass_scans'), await count('reports'), await count('persons')]).toEqual(before);
  });
});
