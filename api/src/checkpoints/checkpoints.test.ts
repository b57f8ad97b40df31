// Manual registration at a checkpoint (出入口摸排): people without a pass go straight onto the watch
// list, by checkpoint staff (who have no access to /api/registrations).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '../persons/idnumber.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { personBody, moveStatus } from '../test/people.ts';

let t: TestApp;
let f: Fixture;
let checkpoint: Client;
let admin: Client;
let worker: Client;
let ids: Record<string, number>;
let seq = 0;

const owner = async (text: string, values: unknown[] = []) => (await t.app.db.ownerPool.query(text, values)).rows;
const count = async (table: string) => (await owner(`select count(*)::int n from ${table} where tenant_id = $1`, [f.tenantId]))[0].n as number;
const freshId = () => makeResidentId('320102', `198${seq % 10}-0${1 + (seq % 9)}-1${seq % 9}`, (process.pid + 41 * ++seq) % 1000, seq % 2 ? 'male' : 'female');
const form = (extra: Record<string, unknown> = {}) => ({
  name: '出入登记', idNumber: freshId(), phone: `135${String(10_000_000 + ((process.pid * 31 + seq * 7919) % 89_999_999)).slice(0, 8)}`,
  temperature: 36.6, cameFrom: '湖北省孝感市', place: '东一社区北门', location: f.points.gridA, ...extra,
});
const register = (body: Record<string, unknown>, headers?: Record<string, string>) => checkpoint.post('/api/checkpoint/registrations', body, headers);

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'ckp');
  checkpoint = await t.login(`${f.prefix}checkpoint`);
  admin = await t.login(`${f.prefix}admin`);
  worker = await t.login(`${f.prefix}gridworker`);
  const users = await owner('select id, username from users where tenant_id = $1', [f.tenantId]);
  ids = Object.fromEntries(users.map((r) => [r.username.slice(f.prefix.length), Number(r.id)]));
});
afterAll(() => t?.close());

describe('POST /api/checkpoint/registrations', () => {
  it('lets checkpoint staff (who get 403 on /api/registrations) put a person straight onto the watch list with the measured temperature', async () => {
    const body = form();
    expect((await checkpoint.post('/api/registrations', { kind: 'checkpoint', person: {} })).status).toBe(403);
    const r = await register(body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      personCreated: true, statusChange: null, fever: false, temperature: 36.6, alertId: null, taskId: null,
      person: { name: '出入登记', status: 'watching', idNumber: `${body.idNumber.slice(0, 3)}***********${body.idNumber.slice(-4)}`, phone: `${body.phone.slice(0, 3)}****${body.phone.slice(-4)}` },
    });
    const person = (await worker.get(`/api/persons/${r.body.person.id}`)).body;
    expect(person).toMatchObject({ source: 'checkpoint', status: 'watching', grid: { id: f.nodes.gridA } });
    expect(person.conditionNote).toMatch(/湖北省孝感市/);
    const [report] = await owner('select kind, state, person_id, reporter_user_id, temperature, fever, address, details from reports where tenant_id = $1 and id = $2', [f.tenantId, r.body.reportId]);
    expect(report).toEqual({
      kind: 'checkpoint', state: 'registered', person_id: r.body.person.id, reporter_user_id: ids.checkpoint, temperature: 36.6, fever: false,
      address: '东一社区北门', details: { place: '东一社区北门', cameFrom: '湖北省孝感市', idType: 'resident_id' },
    });
    const readings = (await worker.get(`/api/persons/${r.body.person.id}/temperatures`)).body.items;
    expect(readings).toEqual([expect.objectContaining({ kind: 'measured', celsius: 36.6, recorder: { id: ids.checkpoint, name: '卡口 孙强' } })]);
  });

  it('raises an alert for a fever', async () => {
    const r = await register(form({ temperature: 38.04 }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ fever: true, temperature: 38, alertId: expect.any(Number) });
    expect((await worker.get(`/api/persons/${r.body.person.id}`)).body.conditions).toEqual(['fever']);
    const [alert] = await owner('select person_id, detail from alerts where tenant_id = $1 and id = $2', [f.tenantId, r.body.alertId]);
    expect(alert).toMatchObject({ person_id: r.body.person.id, detail: { source: 'checkpoint', temperature: 38, place: '东一社区北门' } });
  });

  it('links an ID number already on the register, anywhere in the city: never a duplicate; released goes back to watching', async () => {
    for (const at of [f.points.gridA, f.points.gridC]) {
      const idNumber = freshId();
      const p = await admin.post('/api/persons', personBody(at, { idNumber }));
      expect(p.status, JSON.stringify(p.body)).toBe(201);
      expect((await moveStatus(admin, p.body.id, { to: 'released', reason: '期满' })).status).toBe(200);
      const persons = await count('persons');
      const r = await register(form({ idNumber: idNumber.toLowerCase(), name: '另一个名字' }));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ personCreated: false, person: { id: p.body.id, status: 'watching' }, statusChange: { from: 'released', to: 'watching' } });
      expect(await count('persons')).toBe(persons);
      const person = (await admin.get(`/api/persons/${p.body.id}`)).body;
      expect(person.events.at(-1)).toMatchObject({ toStatus: 'watching', reason: expect.stringMatching(/36\.6℃（东一社区北门），来自湖北省孝感市/) });
      // Already watching: linked again, no change, no error.
      const again = await register(form({ idNumber }));
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      expect(again.body).toMatchObject({ personCreated: false, person: { id: p.body.id }, statusChange: null });
      expect(await count('persons')).toBe(persons);
    }
  });

  it('sends a dead person\'s ID number for verification instead', async () => {
    const idNumber = freshId();
    const p = await admin.post('/api/persons', personBody(f.points.gridA, { idNumber, status: 'confirmed', severity: 'critical' }));
    expect((await moveStatus(admin, p.body.id, { to: 'dead', reason: '死亡' })).status).toBe(200);
    const r = await register(form({ idNumber }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ personCreated: false, person: { id: p.body.id, status: 'dead' }, taskId: expect.any(Number) });
    const [report] = await owner('select state from reports where tenant_id = $1 and id = $2', [f.tenantId, r.body.reportId]);
    expect(report.state).toBe('open');
  });

  it('refuses a location outside the staff\'s jurisdiction (422) and bad fields (400), writing nothing', async () => {
    const before = [await count('persons'), await count('reports'), await count('temperature_readings')];
    const outside = await register(form({ location: f.points.gridC }));
    expect(outside.status).toBe(422);
    expect(outside.body.error.field).toBe('location');
    const cases: [Record<string, unknown>, string][] = [
      [form({ idNumber: '420106199001011230' }), 'idNumber'],
      [form({ phone: '12345' }), 'phone'],
      [form({ cameFrom: undefined }), 'cameFrom'],
      [form({ temperature: 46 }), 'temperature'],
      [form({ location: undefined }), 'location'],
      [form({ idType: 'visa' }), 'idType'],
      [form({ extra: 1 }), 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await register(body);
      expect(r.status, `${field}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect([await count('persons'), await count('reports'), await count('temperature_readings')]).toEqual(before);
    expect((await worker.post('/api/checkpoint/registrations', form())).status).toBe(403);
  });

  it('is in the OpenAPI document with its form', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body;
    const op = doc.paths['/api/checkpoint/registrations'].post;
    expect(op.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CheckpointRegistration');
    expect(doc.components.schemas.CheckpointRegistration.required).toEqual(expect.arrayContaining(['name', 'idNumber', 'phone', 'temperature', 'cameFrom', 'place', 'location']));
  });

  it('is retry-safe with an Idempotency-Key', async () => {
    const body = form();
    const key = `ckp-${process.pid}-${seq}`;
    const [a, b] = await Promise.all([register(body, { 'Idempotency-Key': key }), register(body, { 'Idempotency-Key': key })]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.person.id).toBe(b.body.person.id);
    expect((await owner(`select count(*)::int n from reports where tenant_id = $1 and person_id = $2`, [f.tenantId, a.body.person.id]))[0].n).toBe(1);
  });
});
