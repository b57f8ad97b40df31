import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '../persons/idnumber.ts';
import { citizenClient } from '../test/citizen.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
let worker: Client;
let checkpoint: Client;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'scn');
  worker = await t.login(`${f.prefix}gridworker`);
  checkpoint = await t.login(`${f.prefix}checkpoint`);
});
afterAll(() => t?.close());

const freshId = () => makeResidentId('310101', `197${seq % 10}-1${seq % 3}-1${seq % 9}`, (process.pid + 37 * ++seq) % 1000, seq % 2 ? 'male' : 'female');
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
    expect(r.body.registration).toMatchObject({ personCreated: true });
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

  it('records the report only, and says so, when the person cannot be placed or is unknown', async () => {
    const persons = await count('persons');
    const { token } = await passToken();
    const noPlace = await checkpoint.post('/api/passes/scan', { token, temperature: 37.3, place: '商超入口' });
    expect(noPlace.status).toBe(201);
    expect(noPlace.body.registration).toMatchObject({ personCreated: false, personId: null });
    expect(noPlace.body.registration.note).toMatch(/no location/);
    const unknown = await checkpoint.post('/api/passes/scan', { temperature: 39, place: '商超入口', location: f.points.gridB });
    expect(unknown.body).toMatchObject({ reasons: ['no_pass', 'fever'], holder: null });
    expect(unknown.body.registration.note).toMatch(/holder unknown/);
    const reports = await t.app.db.ownerPool.query('select state, person_id, grid_id from reports where tenant_id = $1 and id = any($2) order by id',
      [f.tenantId, [noPlace.body.registration.reportId, unknown.body.registration.reportId]]);
    expect(reports.rows.map((x) => [x.state, x.person_id])).toEqual([['open', null], ['open', null]]);
    expect(reports.rows[1].grid_id).toBe(f.nodes.gridB);
    expect(await count('persons')).toBe(persons);
    // 37.2 is below the threshold.
    const normal = await checkpoint.post('/api/passes/scan', { temperature: 37.2, place: '商超入口' });
    expect(normal.body).toMatchObject({ fever: false, registration: null });
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
