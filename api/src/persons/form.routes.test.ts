// The phones' person form over HTTP: its description, the server's check of a draft as it is
// typed (nothing written), and the status changes a person's detail offers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { makeResidentId } from './idnumber.ts';
import { moveStatus } from '../test/people.ts';

let t: TestApp;
let f: Fixture;
let worker: Client;
let checkpoint: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'pfm');
  worker = await t.login(`${f.prefix}gridworker`);
  checkpoint = await t.login(`${f.prefix}checkpoint`);
});
afterAll(() => t?.close());

const persons = async () => (await t.app.db.ownerPool.query('select count(*)::int n from persons where tenant_id = $1', [f.tenantId])).rows[0].n;

describe('GET /api/persons/form', () => {
  it('describes the five steps to those who register persons, and to no one else', async () => {
    const r = await worker.get('/api/persons/form');
    expect(r.status).toBe(200);
    expect(r.body.steps.map((s: { id: string }) => s.id)).toEqual(['identity', 'health', 'trajectory', 'management', 'residence']);
    expect(r.body.steps[0].fields[0]).toMatchObject({ name: 'name', type: 'string', required: true });
    expect((await checkpoint.get('/api/persons/form')).status).toBe(403);
  });
});

describe('POST /api/persons/validate', () => {
  it('accepts a partial draft and writes nothing', async () => {
    const before = await persons();
    const r = await worker.post('/api/persons/validate', { sex: 'female', age: 30 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ ok: true });
    const full = await worker.post('/api/persons/validate', { name: '林小红', idNumber: makeResidentId('420106', '1995-05-05', 12, 'female'), location: f.points.gridA });
    expect(full.status, JSON.stringify(full.body)).toBe(200);
    expect(await persons()).toBe(before);
  });

  it('names the field a registration would refuse, with the same message', async () => {
    const badId = await worker.post('/api/persons/validate', { idNumber: '420106199505051239' });
    expect(badId.status).toBe(400);
    expect(badId.body.error.field).toBe('idNumber');
    const registered = await worker.post('/api/registrations', { kind: 'patrol', person: { name: '林小红', idNumber: '420106199505051239', location: f.points.gridA } });
    expect(registered.body.error).toEqual(badId.body.error);
    const sex = await worker.post('/api/persons/validate', { idNumber: makeResidentId('420106', '1995-05-05', 12, 'female'), sex: 'male' });
    expect(sex.body.error.field).toBe('sex');
    const outside = await worker.post('/api/persons/validate', { location: f.points.gridB });
    expect(outside.status).toBe(422);
    expect(outside.body.error.field).toBe('location');
    const phone = await worker.post('/api/persons/validate', { phone: '12345' });
    expect(phone.body.error.field).toBe('phone');
    const unknown = await worker.post('/api/persons/validate', { shoeSize: 42 });
    expect(unknown.status).toBe(400);
  });

  it('says when the ID number is already on the register', async () => {
    const idNumber = makeResidentId('420106', '1981-02-03', 44, 'male');
    const r = await worker.post('/api/registrations', { kind: 'patrol', person: { name: '吕强', idNumber, location: f.points.gridA } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const dup = await worker.post('/api/persons/validate', { idNumber });
    expect(dup.status).toBe(409);
    expect(dup.body.error.field).toBe('idNumber');
  });
});

describe('a person\'s next statuses', () => {
  it('are the status machine\'s transitions from the current status', async () => {
    const r = await worker.post('/api/registrations', { kind: 'patrol', person: { name: '钟敏', location: f.points.gridA } });
    const p = (await worker.get(`/api/persons/${r.body.id}`)).body;
    expect(p.transitions).toEqual(['suspected', 'released', 'closed']);
    await moveStatus(worker, r.body.id, { to: 'suspected', reason: '发热' });
    expect((await worker.get(`/api/persons/${r.body.id}`)).body.transitions).toEqual(['confirmed', 'watching', 'released', 'closed']);
  });
});
