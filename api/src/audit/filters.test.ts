// GET /api/audit's filters: the action by its start (`person` finds `person.create` and
// `person.export`), the result, and the acting user by part of the username or display name; LIKE's
// wildcards typed into a filter are taken literally; a bad value is a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudit, type AuditEntry } from './audit.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
let auditor: Client;
let ids: Record<'gridworker' | 'gridworker2' | 'doctor', number>;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'afl');
  const users = (await t.app.db.ownerPool.query('select id, username from users where tenant_id = $1', [f.tenantId])).rows;
  const id = (name: string) => Number(users.find((u) => u.username === `${f.prefix}${name}`).id);
  ids = { gridworker: id('gridworker'), gridworker2: id('gridworker2'), doctor: id('doctor') };
  const rows: Omit<AuditEntry, 'tenantId'>[] = [
    { userId: ids.gridworker, action: 'person.create', objectType: 'person', objectId: 1, result: 'ok' },
    { userId: ids.gridworker, action: 'person.export', result: 'ok', detail: { rows: 3 } },
    { userId: ids.gridworker2, action: 'person.export', result: 'denied' },
    { userId: ids.doctor, action: 'person.reveal', objectType: 'person', objectId: 1, result: 'error' },
    { userId: ids.doctor, action: 'personnel.update', result: 'ok' },
    { userId: null, action: 'check_rules.update', result: 'ok' },
    { userId: null, action: 'checkxrules.update', result: 'ok' },
  ];
  for (const r of rows) await writeAudit(t.app.db.pool, { tenantId: f.tenantId, ...r });
  auditor = await t.login(`${f.prefix}auditor`);
});
afterAll(() => t?.close());

async function list(query: string): Promise<{ action: string; result: string; user: { username: string; displayName: string } | null }[]> {
  const r = await auditor.get(`/api/audit?${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(Number(r.body.total)).toBe(r.body.items.length);
  return r.body.items;
}
const actions = async (query: string) => (await list(query)).map((i) => i.action).sort();

describe('the audit log filters', () => {
  it('match the action by its start, an exact code still finding its records', async () => {
    expect(await actions('action=person.')).toEqual(['person.create', 'person.export', 'person.export', 'person.reveal']);
    expect(await actions('action=person')).toEqual(['person.create', 'person.export', 'person.export', 'person.reveal', 'personnel.update']);
    expect(await actions('action=person.export')).toEqual(['person.export', 'person.export']);
    expect(await actions('action=pers')).toHaveLength(5);
    expect(await actions('action=nothing')).toEqual([]);
  });

  it('take LIKE wildcards in the action literally', async () => {
    expect(await actions('action=check_rules')).toEqual(['check_rules.update']);
    expect(await actions('action=person_create')).toEqual([]);
    expect(await actions('action=_')).toEqual([]);
  });

  it('filter by result', async () => {
    expect(await actions('result=denied')).toEqual(['person.export']);
    expect(await actions('result=error')).toEqual(['person.reveal']);
    expect(await actions('action=person&result=ok')).toEqual(['person.create', 'person.export', 'personnel.update']);
  });

  it('filter by part of the username or display name, in any case', async () => {
    expect(await actions(`user=${encodeURIComponent('GRIDWORKER2')}`)).toEqual(['person.export']);
    expect(await actions('action=person&user=gridworker')).toEqual(['person.create', 'person.export', 'person.export']);
    // 社区医生 赵敏: part of the display name
    const byName = await list(`user=${encodeURIComponent('赵敏')}`);
    expect(byName.map((i) => i.action).sort()).toEqual(['person.reveal', 'personnel.update']);
    expect(byName[0].user).toEqual({ id: ids.doctor, username: `${f.prefix}doctor`, displayName: '社区医生 赵敏' });
    expect(await actions('action=person&user=doctor&result=error')).toEqual(['person.reveal']);
  });

  it('take LIKE wildcards in the user literally', async () => {
    expect(await actions(`user=${encodeURIComponent('grid%worker')}`)).toEqual([]);
    expect(await actions('user=gridworke_')).toEqual([]);
    expect(await actions(`user=${encodeURIComponent('%')}`)).toEqual([]);
    expect(await actions(`user=${encodeURIComponent('\\')}`)).toEqual([]);
  });

  it('refuse bad values with a 400 naming the field', async () => {
    for (const [query, field] of [['result=ok2', 'result'], ['action=Person', 'action'], [`action=${encodeURIComponent('person%')}`, 'action'], [`user=${'x'.repeat(65)}`, 'user'], ['user=%20', 'user']]) {
      const r = await auditor.get(`/api/audit?${query}`);
      expect([r.status, r.body.error?.field], query).toEqual([400, field]);
    }
  });

  it('stay read-only and for audit:read only', async () => {
    expect((await (await t.login(`${f.prefix}admin`)).get('/api/audit?action=person')).status).toBe(403);
    expect([404, 405]).toContain((await auditor.post('/api/audit', {})).status);
  });
});
