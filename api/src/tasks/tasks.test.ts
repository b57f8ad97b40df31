import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenClient } from '../test/citizen.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { personBody } from '../test/people.ts';
import { makeResidentId } from '../persons/idnumber.ts';

let t: TestApp;
let f: Fixture;
let citizen: Client;
let workerA: Client;
let workerB: Client;
let community: Client;
let ids: Record<string, number>;

const report = (p: { lon: number; lat: number }, extra: Record<string, unknown> = {}) => ({
  subjectName: '邻居老王', subjectPhone: '13900001111', fever: true, cough: true, temperature: 38.2,
  description: '连续两天发热', location: p, address: '东一社区3号楼', ...extra,
});

/** A citizen files a report; the test reads its task through a supervisor. */
async function fileReport(p: { lon: number; lat: number }, extra: Record<string, unknown> = {}) {
  const r = await citizen.post('/api/citizen/reports', report(p, extra));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const staff = await commander.get(`/api/reports/${r.body.id}`);
  return { ...r.body, task: staff.body.task };
}
let commander: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'tsk');
  citizen = await citizenClient(t, f.code);
  workerA = await t.login(`${f.prefix}gridworker`);
  workerB = await t.login(`${f.prefix}gridworker2`);
  community = await t.login(`${f.prefix}community`);
  commander = await t.login(`${f.prefix}commander`);
  const users = await t.app.db.ownerPool.query('select id, username from users where tenant_id = $1', [f.tenantId]);
  ids = Object.fromEntries(users.rows.map((r) => [r.username.slice(f.prefix.length), r.id]));
});
afterAll(() => t?.close());

describe('dispatch of citizen reports', () => {
  it('sends a report to the worker of the grid that contains it, and only they and their supervisors see it', async () => {
    const r = { body: await fileReport(f.points.gridA) };
    expect(r.body).toMatchObject({ kind: 'citizen', state: 'open', grid: { id: f.nodes.gridA }, subjectPhone: '139****1111' });
    expect(r.body.task).toMatchObject({ state: 'open', assigneeUserId: ids.gridworker, assigneeJurisdictionId: f.nodes.gridA });
    const mine = await workerA.get('/api/tasks?mine=true');
    expect(mine.body.items.map((x: any) => x.id)).toContain(r.body.task.id);
    expect((await workerB.get(`/api/tasks/${r.body.task.id}`)).status).toBe(404);
    expect((await workerB.get(`/api/reports/${r.body.id}`)).status).toBe(404);
    expect((await community.get(`/api/tasks/${r.body.task.id}`)).status).toBe(200);
  });

  it('lets a grid without a worker fall to its community', async () => {
    const r = { body: await fileReport(f.points.gridC) };
    expect(r.body.task).toMatchObject({ assigneeUserId: null, assigneeJurisdictionId: f.nodes.m2 });
  });

  it('refuses a report outside the city and names the field', async () => {
    const r = await citizen.post('/api/citizen/reports', report({ lon: 10, lat: 10 }));
    expect(r.status).toBe(422);
    expect(r.body.error.field).toBe('location');
    const bad = await citizen.post('/api/citizen/reports', report(f.points.gridA, { temperature: 50 }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('temperature');
  });

  it('takes the subject\'s phone typed with spaces or hyphens, and still refuses what is not a mobile number', async () => {
    const r = { body: await fileReport(f.points.gridA, { subjectPhone: '+86 139-0000 2222' }) };
    expect(r.body.subjectPhone).toBe('139****2222');
    const shown = await workerA.post(`/api/reports/${r.body.id}/reveal`, { fields: ['subjectPhone'], reason: '核实前电话联系' });
    expect(shown.body.subjectPhone).toBe('13900002222');
    const bad = await citizen.post('/api/citizen/reports', report(f.points.gridA, { subjectPhone: '139 0000 222' }));
    expect([bad.status, bad.body.error.field, bad.body.error.message]).toEqual([400, 'subjectPhone', 'subjectPhone must be an 11-digit mainland mobile number']);
  });

  it('shows a citizen only their own reports', async () => {
    const other = await citizenClient(t, f.code);
    const mine = await other.post('/api/citizen/reports', report(f.points.gridB));
    const list = await citizen.get('/api/citizen/reports');
    expect(list.body.items.map((x: any) => x.id)).not.toContain(mine.body.id);
    expect((await citizen.get(`/api/citizen/reports/${mine.body.id}`)).status).toBe(404);
    expect((await other.get(`/api/citizen/reports/${mine.body.id}`)).status).toBe(200);
    expect((await other.get('/api/citizen/reports?state=open')).body.items).toHaveLength(1);
  });
});

describe('task lists', () => {
  it('orders a worker\'s tasks by distance from their position (KNN) with metres', async () => {
    const a = f.points.gridA;
    const near = { body: await fileReport({ lon: a.lon + 0.001, lat: a.lat }) };
    const far = { body: await fileReport({ lon: a.lon - 0.04, lat: a.lat + 0.15 }) };
    const list = await workerA.get(`/api/tasks?near=${a.lon},${a.lat}&kind=verification`);
    const order = list.body.items.map((x: any) => x.id);
    expect(order.indexOf(near.body.task.id)).toBeLessThan(order.indexOf(far.body.task.id));
    const d = list.body.items.map((x: any) => x.distanceM);
    expect(d).toEqual([...d].sort((x: number, y: number) => x - y));
    expect(list.body.items[0].distanceM).toBeLessThan(200);
    expect((await workerA.get('/api/tasks?near=500,1')).body.error.field).toBe('near');
  });
});

describe('nearest first by the metres shown', () => {
  it('orders by geodesic metres, not by degrees: at 30° N a task 481 m east comes before one 483 m north', async () => {
    // At this latitude a degree of longitude is ~96 km and one of latitude ~111 km: the northern task
    // is nearer in degrees (0.00436° against 0.00499°) but farther on the ground.
    const me = { lon: f.points.gridA.lon - 0.02, lat: f.points.gridA.lat - 0.1 };
    const east = await fileReport({ lon: me.lon + 0.00499, lat: me.lat });
    const north = await fileReport({ lon: me.lon, lat: me.lat + 0.00436 });
    const list = await workerA.get(`/api/tasks?mine=true&near=${me.lon},${me.lat}&kind=verification`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const mine = list.body.items.filter((x: any) => [east.task.id, north.task.id].includes(x.id));
    expect(mine.map((x: any) => x.id)).toEqual([east.task.id, north.task.id]);
    expect(mine[0].distanceM).toBeGreaterThan(470);
    expect(mine[0].distanceM).toBeLessThan(mine[1].distanceM);
    expect(mine[1].distanceM).toBeLessThan(495);
    const d = list.body.items.map((x: any) => x.distanceM);
    expect(d).toEqual([...d].sort((x: number, y: number) => x - y));
    // Paging keeps the order: the second task is the first of page 2 when a page holds one.
    const page2 = await workerA.get(`/api/tasks?mine=true&near=${me.lon},${me.lat}&kind=verification&pageSize=1&page=2`);
    expect(page2.body.items.map((x: any) => x.id)).toEqual([north.task.id]);
  });
});

describe('reassignment', () => {
  it('moves tasks singly and in bulk, only to someone who works there', async () => {
    const r1 = { body: await fileReport(f.points.gridA) };
    const r2 = { body: await fileReport(f.points.gridA) };
    const wrong = await community.post(`/api/tasks/${r1.body.task.id}/assign`, { userId: ids.gridworker2 });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.field).toBe('userId');
    const bulk = await community.post('/api/tasks/assign', { taskIds: [r1.body.task.id, r2.body.task.id], userId: ids.community });
    expect(bulk.body).toEqual({ assigned: 2 });
    const got = await community.get(`/api/tasks/${r2.body.task.id}`);
    expect(got.body.assignee).toMatchObject({ userId: ids.community, jurisdictionId: f.nodes.m1 });
    expect((await workerA.post(`/api/tasks/${r1.body.task.id}/assign`, { userId: ids.gridworker })).status).toBe(403);
    const missing = await community.post('/api/tasks/assign', { taskIds: [r1.body.task.id, 99999999], userId: ids.community });
    expect(missing.status).toBe(404);
  });
});

describe('verification results', () => {
  it('closes a mistaken report, registers a real one, and refers a sick one', async () => {
    const m = { body: await fileReport(f.points.gridA) };
    const done = await workerA.post(`/api/tasks/${m.body.task.id}/verification`, { outcome: 'mistaken', reason: '情况有误' });
    expect(done.body).toMatchObject({ outcome: 'mistaken', reportState: 'closed', personId: null });
    expect((await workerA.post(`/api/tasks/${m.body.task.id}/verification`, { outcome: 'mistaken', reason: 'x' })).status).toBe(409);

    const g = { body: await fileReport(f.points.gridA) };
    const body = personBody(f.points.gridA);
    const reg = await workerA.post(`/api/tasks/${g.body.task.id}/verification`, { outcome: 'register', reason: '属实', person: { ...body, source: undefined } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    const person = await workerA.get(`/api/persons/${reg.body.personId}`);
    expect(person.body).toMatchObject({ status: 'watching', source: 'citizen_report', name: body.name });
    expect((await citizen.get(`/api/citizen/reports/${g.body.id}`)).body.state).toBe('registered');

    const s = { body: await fileReport(f.points.gridA) };
    const noHospital = await workerA.post(`/api/tasks/${s.body.task.id}/verification`, { outcome: 'refer', reason: '高热' });
    expect(noHospital.body.error.field).toBe('hospital');
    const ref = await workerA.post(`/api/tasks/${s.body.task.id}/verification`, { outcome: 'refer', reason: '高热', hospital: '金银潭医院', person: { name: '王五' } });
    expect(ref.status, JSON.stringify(ref.body)).toBe(200);
    expect((await workerA.get(`/api/persons/${ref.body.personId}`)).body.status).toBe('suspected');
  });

  it('refers to a hospital with a referral task for the community doctor and an alert, once, that the doctor can close', async () => {
    const doctor = await t.login(`${f.prefix}doctor`);
    // The tenant's referral settings give the due time (the default is 2 hours).
    await t.app.db.ownerPool.query(
      `insert into check_rules (tenant_id, referral_due_hours) values ($1, 5) on conflict (tenant_id) do update set referral_due_hours = 5`, [f.tenantId]);
    const r = await fileReport(f.points.gridA);
    const body = { outcome: 'refer', reason: '有症状', hospital: '金银潭医院' };
    const headers = { 'idempotency-key': `refer-${process.pid}-${r.task.id}` };
    const ref = await workerA.post(`/api/tasks/${r.task.id}/verification`, body, headers);
    expect(ref.status, JSON.stringify(ref.body)).toBe(200);
    const personId = ref.body.personId as number;
    // A retried verify, replayed or refused, makes no second task or alert.
    expect((await workerA.post(`/api/tasks/${r.task.id}/verification`, body, headers)).body).toEqual(ref.body);
    expect((await workerA.post(`/api/tasks/${r.task.id}/verification`, body)).status).toBe(409);
    const rows = await t.app.db.ownerPool.query(
      `select t.id, t.assignee_jurisdiction_id, t.assignee_user_id, t.grid_id, t.state, st_equals(t.geom, p.geom) as at_person,
              round(extract(epoch from t.due_at - t.created_at) / 3600)::int as due_hours
         from tasks t join persons p on p.tenant_id = t.tenant_id and p.id = t.person_id
        where t.tenant_id = $1 and t.person_id = $2 and t.kind = 'referral'`, [f.tenantId, personId]);
    expect(rows.rows).toEqual([{ id: ref.body.referralTaskId, assignee_jurisdiction_id: f.nodes.m1, assignee_user_id: null, grid_id: f.nodes.gridA, state: 'open', at_person: true, due_hours: 5 }]);
    const referralId = rows.rows[0].id as number;

    const tasks = await doctor.get('/api/tasks?mine=true&kind=referral&pageSize=200');
    expect(tasks.body.items.find((x: any) => x.id === referralId)).toMatchObject({ kind: 'referral', state: 'open', personId });
    const alerts = (await doctor.get('/api/alerts')).body.items.filter((a: any) => a.personId === personId);
    expect(alerts).toEqual([expect.objectContaining({
      id: ref.body.alertId, kind: 'abnormal_reading', personStatus: 'suspected',
      detail: expect.objectContaining({ source: 'verification', taskId: r.task.id, hospital: '金银潭医院', referralTaskId: referralId }),
    })]);
    const live = await t.app.db.ownerPool.query(
      `select type from live_events where tenant_id = $1 and (payload->>'personId')::bigint = $2 order by id`, [f.tenantId, personId]);
    expect(live.rows.map((x) => x.type)).toEqual(expect.arrayContaining(['status', 'task_created', 'alert', 'task_done']));
    const audit = await t.app.db.ownerPool.query(
      `select detail from audit_log where tenant_id = $1 and action = 'task.verify' and object_id = $2`, [f.tenantId, String(r.task.id)]);
    expect(audit.rows).toEqual([{ detail: { outcome: 'refer', personId, referralTaskId: referralId, alertId: ref.body.alertId } }]);

    const closed = await doctor.post(`/api/tasks/${referralId}/referral`, { outcome: 'admitted', hospital: '金银潭医院', reason: '发热门诊收治' });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect((await doctor.get(`/api/tasks/${referralId}`)).body.state).toBe('done');
  });

  it('writes nothing when the person form is bad', async () => {
    const g = { body: await fileReport(f.points.gridA) };
    const bad = await workerA.post(`/api/tasks/${g.body.task.id}/verification`, { outcome: 'register', reason: 'x', person: { name: '赵六', idNumber: '420106199001011230' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('idNumber');
    expect((await workerA.get(`/api/tasks/${g.body.task.id}`)).body.state).toBe('open');
  });
});

describe('verification defaults from the report', () => {
  const personOf = async (id: number) => (await workerA.get(`/api/persons/${id}`)).body;
  const readings = async (personId: number) =>
    (await t.app.db.ownerPool.query('select count(*)::int n from temperature_readings where tenant_id = $1 and person_id = $2', [f.tenantId, personId])).rows[0].n;

  it('registers the reported person when the worker sends no person form: name, phone, symptoms and place of the report', async () => {
    const r = await fileReport(f.points.gridA, { fatigue: true });
    const done = await workerA.post(`/api/tasks/${r.task.id}/verification`, { outcome: 'register', reason: '入户核实属实' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const p = await personOf(done.body.personId);
    expect(p).toMatchObject({ name: '邻居老王', phone: '139****1111', status: 'watching', source: 'citizen_report', grid: { id: f.nodes.gridA } });
    expect(p.phone).toBe(r.subjectPhone);
    expect(p.conditions).toEqual(['fever', 'cough', 'other']);
    expect(p.conditionNote).toMatch(/发热、咳嗽、乏力/);
    expect(p.conditionNote).toMatch(/38\.2℃/);
    expect(p.conditionNote).toMatch(/连续两天发热/);
    expect(p.address).toMatch(/^东一社区/);
    // A temperature the citizen said is not a measurement: no reading is made up from it.
    expect(await readings(p.id)).toBe(0);
  });

  it('refers the reported person without a form: suspected, with the report\'s name', async () => {
    const r = await fileReport(f.points.gridA);
    const done = await workerA.post(`/api/tasks/${r.task.id}/verification`, { outcome: 'refer', reason: '高热', hospital: '金银潭医院' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(await personOf(done.body.personId)).toMatchObject({ name: '邻居老王', status: 'suspected', phone: '139****1111' });
  });

  it('lets the worker\'s values win field by field', async () => {
    const r = await fileReport(f.points.gridA);
    const done = await workerA.post(`/api/tasks/${r.task.id}/verification`, {
      outcome: 'register', reason: '属实', person: { name: '王建国', conditions: ['cough'], phone: '13700002222' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const p = await personOf(done.body.personId);
    expect(p).toMatchObject({ name: '王建国', phone: '137****2222', conditions: ['cough'] });
    expect(p.conditionNote).toMatch(/发热、咳嗽/);
  });

  it('takes an enterprise declaration\'s ID number, sex, native place and Hubei history', async () => {
    const idNumber = makeResidentId('420106', '2007-03-04', 77, 'female');
    const decl = await citizen.post('/api/citizen/enterprise-declarations', {
      name: '孙八', sex: 'female', idNumber, hubeiHistory: true, hubeiHistoryRecent: true, nativePlace: '湖北省孝感市',
      schoolName: '第一中学', grade: '高一', className: '3班', plannedReturnDate: '2026-12-01', returnTransport: 'train',
      location: f.points.gridA, address: '东一社区7号楼',
    });
    expect(decl.status, JSON.stringify(decl.body)).toBe(201);
    const task = (await commander.get(`/api/reports/${decl.body.id}`)).body.task;
    const done = await workerA.post(`/api/tasks/${task.id}/verification`, { outcome: 'register', reason: '返校人员' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const p = await personOf(done.body.personId);
    expect(p).toMatchObject({ name: '孙八', idNumber: decl.body.subjectIdNumber, sex: 'female', nativePlace: '湖北省孝感市', hubeiHistory: true, source: 'enterprise' });
    expect(p.phone).toBe(decl.body.subjectPhone);
  });
});

describe('what a worker sees of a task', () => {
  it('shows what was reported in the list and the detail, and the task\'s history once done', async () => {
    const r = await fileReport(f.points.gridA, { shortBreath: true });
    const list = await workerA.get('/api/tasks?mine=true&kind=verification&pageSize=200');
    const item = list.body.items.find((x: any) => x.id === r.task.id);
    expect(item.report).toEqual({
      id: r.id, kind: 'citizen', subjectName: '邻居老王', subjectPhone: '139****1111', subjectIdNumber: null, fever: true, cough: true,
      fatigue: false, shortBreath: true, temperature: 38.2, description: '连续两天发热', address: '东一社区3号楼', details: {}, createdAt: r.createdAt,
    });
    expect(item.history).toBeUndefined();
    const zh = { 'accept-language': 'zh-CN' };
    const open = await workerA.get(`/api/tasks/${r.task.id}`, zh);
    expect(open.body.report).toEqual(item.report);
    expect(open.body.history.map((h: any) => h.kind)).toEqual(['reported', 'created']);
    expect(open.body.history[1].note).toMatch(/网格员|第一网格/);
    await workerA.post(`/api/tasks/${r.task.id}/verification`, { outcome: 'mistaken', reason: '邻居已康复' });
    const done = await workerA.get(`/api/tasks/${r.task.id}`, zh);
    expect(done.body.history.map((h: any) => h.kind)).toEqual(['reported', 'created', 'done']);
    expect(done.body.history[2]).toMatchObject({ actor: expect.stringMatching(/网格员/), note: expect.stringMatching(/情况有误.*邻居已康复/) });
    const en = (await workerA.get(`/api/tasks/${r.task.id}`, { 'accept-language': 'en' })).body.history;
    expect(en.map((h: any) => h.note)).toEqual(['citizen report', expect.stringMatching(/^assigned to /), 'mistaken, closed: 邻居已康复']);
    expect(new Date(done.body.history[2].at).getTime()).toBeGreaterThanOrEqual(new Date(done.body.history[1].at).getTime());
  });

  it('reveals the subject\'s phone for a reason, audited, only in scope and only with person:reveal', async () => {
    const r = await fileReport(f.points.gridA);
    const shown = await workerA.post(`/api/reports/${r.id}/reveal`, { fields: ['subjectPhone', 'subjectIdNumber'], reason: '电话联系核实' });
    expect(shown.status, JSON.stringify(shown.body)).toBe(200);
    expect(shown.body).toEqual({ subjectPhone: '13900001111', subjectIdNumber: null });
    const audit = await t.app.db.ownerPool.query(
      `select user_id, detail from audit_log where tenant_id = $1 and action = 'report.reveal' and object_id = $2`, [f.tenantId, String(r.id)]);
    expect(audit.rows).toEqual([{ user_id: ids.gridworker, detail: { fields: ['subjectPhone', 'subjectIdNumber'], reason: '电话联系核实' } }]);
    expect((await workerB.post(`/api/reports/${r.id}/reveal`, { fields: ['subjectPhone'], reason: 'x' })).status).toBe(404);
    expect((await commander.post(`/api/reports/${r.id}/reveal`, { fields: ['subjectPhone'], reason: 'x' })).status).toBe(403);
    expect((await workerA.post(`/api/reports/${r.id}/reveal`, { fields: ['address'], reason: 'x' })).body.error.field).toBe('fields.0');
    expect((await workerA.post(`/api/reports/${r.id}/reveal`, { fields: ['subjectPhone'] })).body.error.field).toBe('reason');
  });
});

describe('Idempotency-Key', () => {
  it('creates one report for parallel duplicates and replays the first response', async () => {
    const key = `rep-${process.pid}-${Date.now()}`;
    const body = report(f.points.gridB, { description: key });
    const results = await Promise.all(Array.from({ length: 4 }, () => citizen.post('/api/citizen/reports', body, { 'idempotency-key': key })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(3);
    const rows = await t.app.db.ownerPool.query('select count(*)::int n from reports where tenant_id = $1 and description = $2', [f.tenantId, key]);
    expect(rows.rows[0].n).toBe(1);
    const other = await citizen.post('/api/citizen/reports', { ...body, description: 'changed' }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.body.error.field).toBe('Idempotency-Key');
  });
});

describe('registrations and declarations', () => {
  it('puts checkpoint and patrol registrations straight onto the watch list', async () => {
    const body = personBody(f.points.gridA);
    const { source, ...person } = body;
    void source;
    const r = await workerA.post('/api/registrations', { kind: 'checkpoint', person });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: 'watching', source: 'checkpoint' });
    const reports = await workerA.get('/api/reports?kind=checkpoint');
    expect(reports.body.items[0]).toMatchObject({ state: 'registered', personId: r.body.id });
  });

  it('registers a person whose phone was typed with spaces or hyphens, found by the 11 digits', async () => {
    const { source, ...person } = personBody(f.points.gridA);
    void source;
    const typed = `${person.phone.slice(0, 3)}-${person.phone.slice(3, 7)} ${person.phone.slice(7)}`;
    const r = await workerA.post('/api/registrations', { kind: 'patrol', person: { ...person, phone: typed } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const found = await workerA.get(`/api/persons?q=${person.phone}`);
    expect(found.body.items.map((x: any) => x.id)).toEqual([r.body.id]);
    // The form's check as the worker types says the same.
    expect((await workerA.post('/api/persons/validate', { phone: '138 0013 8003' })).status).toBe(200);
    const bad = await workerA.post('/api/registrations', { kind: 'patrol', person: { ...person, phone: '138-0013-800' } });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'phone']);
    expect(bad.body.error.message).toMatch(/11-digit mainland mobile number/);
  });

  it('takes the enterprise declaration form and dispatches it', async () => {
    const options = await citizen.get('/api/citizen/enterprise-options');
    expect(options.body.grades).toContain('高一');
    const decl = {
      name: '钱七', sex: 'male', idNumber: makeResidentId('420106', '2008-05-06', 31, 'male'), hubeiHistory: true, hubeiHistoryRecent: false,
      nativePlace: '湖北省武汉市', schoolName: '第一中学', grade: '高一', className: '3班', plannedReturnDate: '2026-12-01',
      returnTransport: 'train', location: f.points.gridA, address: '东一社区5号楼',
    };
    const r = await citizen.post('/api/citizen/enterprise-declarations', decl);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ kind: 'enterprise', subjectIdNumber: expect.stringMatching(/^420\*+/), details: { grade: '高一', className: '3班' } });
    expect((await commander.get(`/api/reports/${r.body.id}`)).body.task.assigneeUserId).toBe(ids.gridworker);
    expect((await citizen.post('/api/citizen/enterprise-declarations', { ...decl, grade: '九十年级' })).body.error.field).toBe('grade');
    expect((await citizen.post('/api/citizen/enterprise-declarations', { ...decl, sex: 'female' })).body.error.field).toBe('sex');
    const admin = await t.login(`${f.prefix}admin`);
    expect((await workerA.request('PUT', '/api/enterprise-options', { schools: ['第二中学'], grades: ['高一'], classes: ['1班'] })).status).toBe(403);
    const set = await admin.request('PUT', '/api/enterprise-options', { schools: ['第二中学'], grades: ['高一'], classes: ['1班'] });
    expect(set.body).toEqual({ schools: ['第二中学'], grades: ['高一'], classes: ['1班'] });
    expect((await citizen.post('/api/citizen/enterprise-declarations', { ...decl, className: '1班' })).body.error.field).toBe('schoolName');
  });
});
