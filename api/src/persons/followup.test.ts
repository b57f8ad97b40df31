// Follow-up of a person on the register: notes in their history (§5.1 后续行为动态记录), their
// temperature readings, and points sent in the datums Chinese map SDKs use.
import gcoordModule from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundResident, ownerRows, registerPerson, setup, staffAt, type Setup } from '../checks/test-helpers.ts';
import type { Client } from '../test/harness.ts';
import { versionOf } from '../test/people.ts';

const gcoord = gcoordModule as unknown as typeof gcoordModule.default;

let s: Setup;
let otherDoctor: Client;
let checkpoint: Client;
beforeAll(async () => {
  s = await setup('fup');
  otherDoctor = await staffAt(s, 'doctor', s.f.nodes.m2, 'doctor_m2');
  checkpoint = await s.t.login(`${s.f.prefix}checkpoint`);
});
afterAll(() => s?.t.close());

describe('follow-up notes', () => {
  it('adds a note to the person\'s history with its author, retry-safe', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    const headers = { 'Idempotency-Key': `note-${p.id}-1` };
    const r = await s.worker.post(`/api/persons/${p.id}/notes`, { text: '  已电话随访，居家隔离情况良好  ' }, headers);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ kind: 'note', personId: p.id, reason: '已电话随访，居家隔离情况良好', actor: { name: '网格员 刘芳' } });
    const replay = await s.worker.post(`/api/persons/${p.id}/notes`, { text: '  已电话随访，居家隔离情况良好  ' }, headers);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const person = (await s.community.get(`/api/persons/${p.id}`)).body;
    const notes = person.events.filter((e: any) => e.kind === 'note');
    expect(notes).toEqual([expect.objectContaining({ id: r.body.id, reason: '已电话随访，居家隔离情况良好', actor: { id: expect.any(Number), name: '网格员 刘芳' } })]);
    expect((await s.community.get(`/api/person-events/${r.body.id}`)).body).toMatchObject({ kind: 'note', personId: p.id });
  });

  it('refuses empty and overlong notes, persons out of scope and roles without person:write', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    expect((await s.worker.post(`/api/persons/${p.id}/notes`, { text: ' ' })).body.error.field).toBe('text');
    expect((await s.worker.post(`/api/persons/${p.id}/notes`, { text: 'x'.repeat(1001) })).body.error.field).toBe('text');
    expect((await s.worker.post(`/api/persons/${p.id}/notes`, { text: 'x'.repeat(1000) })).status).toBe(201);
    expect((await otherDoctor.post(`/api/persons/${p.id}/notes`, { text: '随访' })).status).toBe(404);
    expect((await checkpoint.post(`/api/persons/${p.id}/notes`, { text: '随访' })).status).toBe(403);
    expect((await ownerRows(s, `select count(*)::int n from person_events where tenant_id = $1 and person_id = $2 and kind = 'note'`, [s.f.tenantId, p.id]))[0].n).toBe(1);
  });

  it('points a PATCH carrying only a reason to the notes route', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    const r = await s.worker.patch(`/api/persons/${p.id}`, { reason: '电话随访' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/POST \/api\/persons\/:id\/notes/);
  });
});

describe('temperature readings', () => {
  it('lists self-measured and measured readings newest first, with who recorded them, paged', async () => {
    const { person, c } = await boundResident(s, s.f.points.gridA);
    expect((await c.post('/api/citizen/self-reports', { temperature: 36.5, deviceTime: '2026-11-20T08:00:00+08:00' })).status).toBe(201);
    expect((await s.doctor.post(`/api/persons/${person.id}/checks`, { temperature: 37.0, deviceTime: '2026-11-21T09:00:00+08:00' })).status).toBe(201);
    const r = await s.worker.get(`/api/persons/${person.id}/temperatures`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ total: 2, page: 1 });
    expect(r.body.items).toEqual([
      { id: expect.any(Number), kind: 'measured', celsius: 37, measuredBy: '社区医生 赵敏', recorder: { id: expect.any(Number), name: '社区医生 赵敏' }, takenAt: '2026-11-21T01:00:00.000Z', recordedAt: expect.any(String) },
      { id: expect.any(Number), kind: 'self', celsius: 36.5, measuredBy: '本人', recorder: null, takenAt: '2026-11-20T00:00:00.000Z', recordedAt: expect.any(String) },
    ]);
    const page2 = await s.worker.get(`/api/persons/${person.id}/temperatures?pageSize=1&page=2`);
    expect(page2.body.items.map((x: any) => x.kind)).toEqual(['self']);
    expect((await otherDoctor.get(`/api/persons/${person.id}/temperatures`)).status).toBe(404);
    expect((await checkpoint.get(`/api/persons/${person.id}/temperatures`)).status).toBe(403);
    expect((await s.worker.get(`/api/persons/${person.id}/temperatures?pageSize=0`)).body.error.field).toBe('pageSize');
  });
});

describe('points from WeChat and Chinese map SDKs', () => {
  const distanceM = async (table: string, id: number, p: { lon: number; lat: number }) =>
    (await ownerRows(s, `select st_distance(geom::geography, st_setsrid(st_makepoint($3, $4), 4326)::geography) as d from ${table} where tenant_id = $1 and id = $2`,
      [s.f.tenantId, id, p.lon, p.lat]))[0].d as number;

  it('converts a GCJ-02 or BD-09 point to WGS-84 before storing it, and never guesses an unlabelled one', async () => {
    const wgs = { lon: s.f.points.gridA.lon + 0.0123, lat: s.f.points.gridA.lat + 0.0045 };
    const [gx, gy] = gcoord.transform([wgs.lon, wgs.lat], gcoord.WGS84, gcoord.GCJ02);
    const [bx, by] = gcoord.transform([wgs.lon, wgs.lat], gcoord.WGS84, gcoord.BD09);

    const gcj = await registerPerson(s, { lon: gx, lat: gy, crs: 'gcj02' } as never);
    expect((await s.community.get(`/api/persons/${gcj.id}`)).body.grid.id).toBe(s.f.nodes.gridA);
    expect(await distanceM('persons', gcj.id, wgs)).toBeLessThan(1);
    // The same numbers without crs are taken as WGS-84: hundreds of metres off, as sent.
    const plain = await registerPerson(s, { lon: gx, lat: gy });
    expect(await distanceM('persons', plain.id, wgs)).toBeGreaterThan(100);

    const check = await s.doctor.post(`/api/persons/${gcj.id}/checks`, { temperature: 36.6, location: { lon: bx, lat: by, crs: 'bd09' } });
    expect(check.status, JSON.stringify(check.body)).toBe(201);
    expect(await distanceM('health_checks', check.body.id, wgs)).toBeLessThan(1);

    const moved = await s.worker.patch(`/api/persons/${plain.id}`, { location: { lon: gx, lat: gy, crs: 'gcj02' }, version: await versionOf(s.worker, plain.id) });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(await distanceM('persons', plain.id, wgs)).toBeLessThan(1);

    expect((await s.worker.patch(`/api/persons/${plain.id}`, { location: { lon: gx, lat: gy, crs: 'mercator' }, version: 1 })).body.error.field).toBe('location.crs');
  });

  it('documents crs on the shared Location schema of the OpenAPI document', async () => {
    const doc = (await s.t.client().get('/api/openapi.json')).body;
    expect(doc.components.schemas.Location.properties.crs.enum).toEqual(['wgs84', 'gcj02', 'bd09']);
    expect(doc.components.schemas.PersonCreate.properties.location.$ref).toBe('#/components/schemas/Location');
  });
});
