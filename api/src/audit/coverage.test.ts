// What the audit trail records (issue 13, defect 6): the changes the review found unrecorded
// (registrations, alert acknowledgements, refused reveals, reads of the trail itself), and that a
// change whose record cannot be written does not happen either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { makeResidentId } from '../persons/idnumber.ts';
import { versionOf } from '../test/people.ts';
import { deniedBursts } from '../http/route.ts';

let t: TestApp;
let f: Fixture;
let worker: Client;
let doctor: Client;
let commander: Client;
let auditor: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'acov');
  worker = await t.login(`${f.prefix}gridworker`);
  doctor = await t.login(`${f.prefix}doctor`);
  commander = await t.login(`${f.prefix}commander`);
  auditor = await t.login(`${f.prefix}auditor`);
});
afterAll(() => t?.close());

const rows = async (action: string) =>
  (await t.app.db.ownerPool.query('select user_id, object_type, object_id, result, detail from audit_log where tenant_id = $1 and action = $2 order by seq', [f.tenantId, action])).rows;

async function registered(name: string, n: number): Promise<number> {
  const r = await worker.post('/api/registrations', { kind: 'patrol', person: { name, idNumber: makeResidentId('420111', `1980-02-1${n}`, 31 + n, 'male'), location: f.points.gridA } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as number;
}

describe('what the audit trail records', () => {
  it('a person registered through /api/registrations', async () => {
    const id = await registered('孙立', 1);
    expect(await rows('person.create')).toContainEqual(expect.objectContaining({ object_type: 'person', object_id: String(id), result: 'ok', detail: { via: 'registration:patrol' } }));
  });

  it('an alert acknowledged', async () => {
    const id = await registered('孙平', 2);
    expect((await doctor.post(`/api/persons/${id}/checks`, { temperature: 38.6, cough: true })).status).toBe(201);
    const alert = (await doctor.get('/api/alerts')).body.items.find((a: { personId: number }) => a.personId === id);
    expect((await doctor.post(`/api/alerts/${alert.id}/acknowledge`)).status).toBe(200);
    expect(await rows('alert.acknowledge')).toContainEqual(expect.objectContaining({ object_id: String(alert.id), detail: { personId: id } }));
  });

  it('a refused reveal, and any other refused permission', async () => {
    const id = await registered('孙安', 3);
    expect((await commander.post(`/api/persons/${id}/reveal`, { fields: ['phone'], reason: '看看' })).status).toBe(403);
    expect(await rows('access.denied')).toContainEqual(expect.objectContaining({
      object_type: 'route', object_id: 'POST /api/persons/:id/reveal', result: 'denied', detail: expect.objectContaining({ path: `/api/persons/${id}/reveal` }),
    }));
  });

  it('a burst of one refusal as one record a minute, with the count of the others', async () => {
    const checkpoint = await t.login(`${f.prefix}checkpoint`);
    const before = (await rows('access.denied')).filter((r) => r.object_id === 'GET /api/users').length;
    for (let i = 0; i < 20; i++) expect((await checkpoint.get('/api/users')).status).toBe(403);
    const burst = (await rows('access.denied')).filter((r) => r.object_id === 'GET /api/users');
    expect(burst.length - before).toBe(1);
    // the next record after the minute carries the 19 it did not write one by one
    const key = [...deniedBursts.seen.keys()].find((k) => k.endsWith(':GET /api/users'))!;
    deniedBursts.seen.get(key)!.at -= deniedBursts.windowMs;
    expect((await checkpoint.get('/api/users')).status).toBe(403);
    const after = (await rows('access.denied')).filter((r) => r.object_id === 'GET /api/users');
    expect(after.at(-1)!.detail).toMatchObject({ alsoRefused: 19 });
  });

  it('reads without the organisation screens: the ids a record names come with their names', async () => {
    const admin = await t.login(`${f.prefix}admin`);
    const roles = (await admin.get('/api/roles')).body as { id: number; code: string; name: string }[];
    const gridWorker = roles.find((r) => r.code === 'grid_worker')!;
    const made = await admin.post('/api/users', { username: `${f.prefix}named`, displayName: '审计可读', scopeIds: [f.nodes.gridA], roleIds: [gridWorker.id] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const page = (await auditor.get('/api/audit?action=user.create')).body;
    const record = page.items.find((i: { objectId: string }) => i.objectId === String(made.body.user.id));
    expect(record.detail.roleIds).toEqual([gridWorker.id]);
    expect(page.names.role[gridWorker.id]).toBe(gridWorker.name);
    expect(page.names.jurisdiction[f.nodes.gridA]).toBe('东一社区 · 第一网格');
    expect(page.names.user[made.body.user.id]).toBe('审计可读');
    expect(page.idKeys).toMatchObject({ roleIds: 'role', scopeIds: 'jurisdiction' });
  });

  it('a read of the audit trail, with what was looked for', async () => {
    expect((await auditor.get('/api/audit?action=person.create')).status).toBe(200);
    expect(await rows('audit.read')).toContainEqual(expect.objectContaining({ object_type: 'audit_log', detail: expect.objectContaining({ filter: expect.objectContaining({ action: 'person.create' }) }) }));
  });

  it('writes no change whose record cannot be written', async () => {
    const id = await registered('孙固', 4);
    const owner = t.app.db.ownerPool;
    // The audit store refuses this tenant's status records (a full disk, a broken replica, …).
    await owner.query(`create function app.refuse_test_audit_${f.tenantId}() returns trigger language plpgsql as $$
      begin raise exception 'audit store unavailable'; end $$`);
    await owner.query(`create trigger refuse_test_audit_${f.tenantId} before insert on audit_log for each row
      when (new.tenant_id = ${f.tenantId} and new.action = 'person.status') execute function app.refuse_test_audit_${f.tenantId}()`);
    try {
      const r = await worker.post(`/api/persons/${id}/status`, { to: 'suspected', reason: '发热', version: await versionOf(worker, id) });
      expect(r.status).toBe(500);
    } finally {
      await owner.query(`drop trigger refuse_test_audit_${f.tenantId} on audit_log`);
      await owner.query(`drop function app.refuse_test_audit_${f.tenantId}()`);
    }
    const person = (await worker.get(`/api/persons/${id}`)).body;
    expect(person.status).toBe('watching');
    expect(person.events.filter((e: { kind: string }) => e.kind === 'status')).toEqual([]);
    // With the store back, the same change goes through, recorded.
    expect((await worker.post(`/api/persons/${id}/status`, { to: 'suspected', reason: '发热', version: person.version })).status).toBe(200);
    expect(await rows('person.status')).toContainEqual(expect.objectContaining({ object_id: String(id), detail: { to: 'suspected' } }));
  });
});
