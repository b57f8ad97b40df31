import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../test/harness.ts';
import { generateCheckTasks } from './jobs.ts';
import { JPEG, PNG, WEBP, ownerRows, registerPerson, setup, shanghaiDay, staffAt, type Setup } from './test-helpers.ts';

let s: Setup;
let otherDoctor: Client;
beforeAll(async () => {
  s = await setup('chk');
  otherDoctor = await staffAt(s, 'doctor', s.f.nodes.m2, 'doctor_m2');
});
afterAll(() => s?.t.close());

// 07:30 in Shanghai: before the day's first slot (09:00), so a run makes both
const NOV22 = new Date('2026-11-21T23:30:00Z');
const normal = { temperature: 36.6 };
const count = async (table: string) => (await ownerRows(s, `select count(*)::int n from ${table} where tenant_id = $1`, [s.f.tenantId]))[0].n as number;

describe('check rules', () => {
  it('starts from the defaults and is managed by admins only', async () => {
    const r = await s.admin.get('/api/check-rules');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      statuses: ['watching', 'suspected'], checkTimes: ['09:00', '15:00'], checksPerDay: 2, observationDays: 14,
      feverThreshold: 37.3, selfReportOverdueHours: 24, timezone: 'Asia/Shanghai',
    });
    expect((await s.doctor.get('/api/check-rules')).status).toBe(403);
    expect((await s.doctor.request('PUT', '/api/check-rules', {})).status).toBe(403);
  });

  it('names the field of bad rules and changes nothing', async () => {
    const good = { statuses: ['watching'], checkTimes: ['08:00'], observationDays: 14, feverThreshold: 37.3, selfReportOverdueHours: 24, timezone: 'Asia/Shanghai' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, feverThreshold: 37.25 }, 'feverThreshold'],
      [{ ...good, feverThreshold: 41 }, 'feverThreshold'],
      [{ ...good, checkTimes: ['25:00'] }, 'checkTimes.0'],
      [{ ...good, checkTimes: ['08:00', '08:00'] }, 'checkTimes'],
      [{ ...good, checkTimes: [] }, 'checkTimes'],
      [{ ...good, statuses: ['dead'] }, 'statuses.0'],
      [{ ...good, timezone: 'Mars/Olympus' }, 'timezone'],
      [{ ...good, observationDays: 0 }, 'observationDays'],
      [{ ...good, observationDays: undefined }, 'observationDays'],
      [{ ...good, checksPerDay: 3 }, 'checksPerDay'],
    ];
    for (const [body, field] of cases) {
      const r = await s.admin.request('PUT', '/api/check-rules', body);
      expect(r.status, field).toBe(400);
      expect(r.body.error.field, JSON.stringify(r.body)).toBe(field);
    }
    const zh = await s.admin.request('PUT', '/api/check-rules', { ...good, timezone: 'Mars/Olympus' }, { 'accept-language': 'zh-CN' });
    expect(zh.body.error.message).toMatch(/须为 IANA 时区名称/);
    expect((await s.admin.get('/api/check-rules')).body.checkTimes).toEqual(['09:00', '15:00']);
  });
});

describe('nearby check tasks', () => {
  it('lists open check tasks nearest first with distances, only within the doctor\'s scope', async () => {
    const { gridA, gridB } = s.f.points;
    const far = await registerPerson(s, { lon: gridA.lon + 0.03, lat: gridA.lat });
    const here = await registerPerson(s, gridA);
    const other = await registerPerson(s, gridB);
    await generateCheckTasks(s.t.app, s.f.tenantId, NOV22);
    const r = await s.doctor.get(`/api/checks/tasks/nearby?near=${gridA.lon},${gridA.lat}&limit=100`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const mine = r.body.filter((t: any) => [far.id, here.id, other.id].includes(t.personId));
    expect(mine.map((t: any) => t.personId)).toEqual([here.id, here.id, far.id, far.id, other.id, other.id]);
    const distances = r.body.map((t: any) => t.distanceM);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(mine[0].distanceM).toBe(0);
    // 0.03° of longitude at 30.2° N is about 2.9 km.
    expect(mine[2].distanceM).toBeGreaterThan(2800);
    expect(mine[2].distanceM).toBeLessThan(2950);
    expect(mine[0]).toMatchObject({ kind: 'check', personName: here.name, gridName: '第一网格' });
    // The doctor's task list says where to go: the person's address (a check has no report).
    const listed = (await s.doctor.get('/api/tasks?kind=check&pageSize=100')).body.items.filter((t: any) => t.personId === here.id);
    expect(listed.map((t: any) => t.address)).toEqual([here.address, here.address]);
    expect((await s.doctor.get(`/api/checks/tasks/nearby?near=${gridA.lon},${gridA.lat}&limit=1`)).body).toHaveLength(1);

    const elsewhere = await otherDoctor.get(`/api/checks/tasks/nearby?near=${gridA.lon},${gridA.lat}`);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.filter((t: any) => [far.id, here.id, other.id].includes(t.personId))).toEqual([]);
    expect((await otherDoctor.post(`/api/persons/${here.id}/checks`, normal)).status).toBe(404);
  });

  it('refuses bad positions and callers without check:write', async () => {
    expect((await s.doctor.get('/api/checks/tasks/nearby?near=200,30')).body.error.field).toBe('near');
    expect((await s.doctor.get('/api/checks/tasks/nearby?near=114')).body.error.field).toBe('near');
    expect((await s.doctor.get('/api/checks/tasks/nearby')).body.error.field).toBe('near');
    // The old separate parameters are refused: one convention (near=lon,lat) for every "near me" list.
    expect((await s.doctor.get('/api/checks/tasks/nearby?lon=114&lat=30')).body.error.field).toBe('near');
    expect((await s.doctor.get('/api/checks/tasks/nearby?near=114,30&lat=30')).body.error.field).toBe('lat');
    expect((await s.doctor.get('/api/checks/tasks/nearby?near=114,30&limit=0')).body.error.field).toBe('limit');
    expect((await s.worker.get('/api/checks/tasks/nearby?near=114,30')).status).toBe(403);
  });
});

describe('doctor checks', () => {
  it('records a normal check, completes its task and adds to the temperature history', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    await generateCheckTasks(s.t.app, s.f.tenantId, NOV22);
    const [task] = await ownerRows(s, `select id from tasks where tenant_id = $1 and person_id = $2 and kind = 'check' order by due_at limit 1`, [s.f.tenantId, p.id]);
    const body = { ...normal, taskId: task.id, description: '精神良好', location: s.f.points.gridA, addressDetail: '3栋2单元', deviceTime: '2026-11-22T09:05:00+08:00' };
    const r = await s.doctor.post(`/api/persons/${p.id}/checks`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ kind: 'doctor', temperature: 36.6, abnormal: false, taskId: task.id, escalation: null, recorder: { name: '社区医生 赵敏' } });
    expect(r.body.deviceTime).toBe('2026-11-22T01:05:00.000Z');
    expect(new Date(r.body.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const [done] = await ownerRows(s, 'select state, result, done_by from tasks where tenant_id = $1 and id = $2', [s.f.tenantId, task.id]);
    expect(done).toMatchObject({ state: 'done', result: { checkId: r.body.id } });
    const readings = await ownerRows(s, 'select kind, celsius from temperature_readings where tenant_id = $1 and person_id = $2', [s.f.tenantId, p.id]);
    expect(readings).toEqual([{ kind: 'measured', celsius: 36.6 }]);
    expect((await s.community.get(`/api/persons/${p.id}`)).body.status).toBe('watching');
    // The task cannot be done twice.
    const again = await s.doctor.post(`/api/persons/${p.id}/checks`, { ...normal, taskId: task.id });
    expect(again.status).toBe(409);
    expect(again.body.error.field).toBe('taskId');
  });

  it('turns an abnormal reading into suspected + event + referral task + alert, once per open referral', async () => {
    const p = await registerPerson(s, s.f.points.gridB);
    const r = await s.doctor.post(`/api/persons/${p.id}/checks`, { temperature: 37.3 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ abnormal: true, reasons: ['体温37.3℃'], escalation: { statusChange: { from: 'watching', to: 'suspected' } } });
    const person = (await s.community.get(`/api/persons/${p.id}`)).body;
    expect(person.status).toBe('suspected');
    expect(person.events.at(-1)).toMatchObject({ kind: 'status', fromStatus: 'watching', toStatus: 'suspected', reason: '检查异常：体温37.3℃' });
    expect(person.events.at(-1).actor.name).toBe('社区医生 赵敏');
    const referrals = await ownerRows(s, `select t.id, t.assignee_jurisdiction_id, t.grid_id, t.state, st_equals(t.geom, p.geom) as at_person from tasks t
      join persons p on p.tenant_id = t.tenant_id and p.id = t.person_id where t.tenant_id = $1 and t.person_id = $2 and t.kind = 'referral'`, [s.f.tenantId, p.id]);
    expect(referrals).toEqual([{ id: r.body.escalation.referralTaskId, assignee_jurisdiction_id: s.f.nodes.m1, grid_id: s.f.nodes.gridB, state: 'open', at_person: true }]);
    const alerts = await s.doctor.get('/api/alerts');
    const alert = alerts.body.items.find((a: any) => a.id === r.body.escalation.alertId);
    expect(alert).toMatchObject({ personId: p.id, kind: 'abnormal_reading', personStatus: 'suspected', detail: { checkId: r.body.id, source: 'doctor', temperature: 37.3 } });

    // A second abnormal reading raises another alert but no second referral or status change.
    const second = await s.doctor.post(`/api/persons/${p.id}/checks`, { temperature: 36.5, cough: true });
    expect(second.body).toMatchObject({ abnormal: true, reasons: ['咳嗽'], escalation: { statusChange: null, referralTaskId: referrals[0].id } });
    expect((await s.community.get(`/api/persons/${p.id}`)).body.events.filter((e: any) => e.kind === 'status')).toHaveLength(1);
    expect((await otherDoctor.get('/api/alerts')).body.items.find((a: any) => a.personId === p.id)).toBeUndefined();
    const ack = await s.doctor.post(`/api/alerts/${alert.id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect((await s.doctor.get('/api/alerts')).body.items.find((a: any) => a.id === alert.id)).toBeUndefined();

    // The commander sees the second alert with its grid on the wall, and acknowledges it there.
    const commander = await s.t.login(`${s.f.prefix}commander`);
    const open = (await commander.get('/api/alerts')).body.items.find((a: any) => a.id === second.body.escalation.alertId);
    expect(open).toMatchObject({ personId: p.id, grid: { name: expect.any(String), communityName: expect.any(String) } });
    expect((await commander.post(`/api/alerts/${open.id}/acknowledge`)).status).toBe(200);
    expect((await commander.get('/api/alerts')).body.items.find((a: any) => a.id === open.id)).toBeUndefined();
    const audit = await ownerRows(s, `select result from audit_log where tenant_id = $1 and action = 'alert.acknowledge' and object_id = $2`, [s.f.tenantId, String(open.id)]);
    expect(audit).toEqual([{ result: 'ok' }]);
  });

  it('replays a retried submission with the same Idempotency-Key instead of recording it twice', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    const headers = { 'Idempotency-Key': `doc-${p.id}-retry` };
    const [a, b] = await Promise.all([s.doctor.post(`/api/persons/${p.id}/checks`, normal, headers), s.doctor.post(`/api/persons/${p.id}/checks`, normal, headers)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    expect((await ownerRows(s, 'select id from health_checks where tenant_id = $1 and person_id = $2', [s.f.tenantId, p.id]))).toHaveLength(1);
    const changed = await s.doctor.post(`/api/persons/${p.id}/checks`, { temperature: 36.8 }, headers);
    expect(changed.status).toBe(422);
    expect(changed.body.error.field).toBe('Idempotency-Key');
  });

  it('names the field of bad input and writes nothing', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    const q = await registerPerson(s, s.f.points.gridA);
    const photo = await s.doctor.post('/api/files', { personId: q.id, content: PNG.toString('base64') });
    const [task] = await ownerRows(s, `select id from tasks where tenant_id = $1 and kind = 'check' and person_id <> $2 limit 1`, [s.f.tenantId, p.id]);
    const before = [await count('health_checks'), await count('temperature_readings'), await count('alerts')];
    const cases: [Record<string, unknown>, number, string][] = [
      [{}, 400, 'temperature'],
      [{ temperature: 29.9 }, 400, 'temperature'],
      [{ temperature: 37.35 }, 400, 'temperature'],
      [{ temperature: '37' }, 400, 'temperature'],
      [{ ...normal, fever: 'yes' }, 400, 'fever'],
      [{ ...normal, location: { lon: 500, lat: 30 } }, 400, 'location.lon'],
      [{ ...normal, deviceTime: 'yesterday' }, 400, 'deviceTime'],
      [{ ...normal, description: 'x'.repeat(501) }, 400, 'description'],
      [{ ...normal, severity: 'mild' }, 400, 'severity'],
      [{ ...normal, photoId: photo.body.id }, 422, 'photoId'],
      [{ ...normal, taskId: task.id }, 422, 'taskId'],
      [{ ...normal, taskId: 0 }, 400, 'taskId'],
    ];
    for (const [body, status, field] of cases) {
      const r = await s.doctor.post(`/api/persons/${p.id}/checks`, body);
      expect(r.status, `${field}: ${JSON.stringify(r.body)}`).toBe(status);
      expect(r.body.error.field, field).toBe(field);
    }
    expect((await s.doctor.post('/api/persons/abc/checks', normal)).body.error.field).toBe('id');
    expect((await s.worker.post(`/api/persons/${p.id}/checks`, normal)).status).toBe(403);
    expect([await count('health_checks'), await count('temperature_readings'), await count('alerts')]).toEqual(before);
  });
});

describe('nearby check tasks by the metres shown', () => {
  it('orders by geodesic metres, not degrees: the person 481 m east before the one 483 m north at 30° N', async () => {
    const me = { lon: s.f.points.gridA.lon - 0.02, lat: s.f.points.gridA.lat - 0.1 };
    const east = await registerPerson(s, { lon: me.lon + 0.00499, lat: me.lat });
    const north = await registerPerson(s, { lon: me.lon, lat: me.lat + 0.00436 });
    await generateCheckTasks(s.t.app, s.f.tenantId, NOV22);
    const r = await s.doctor.get(`/api/checks/tasks/nearby?near=${me.lon},${me.lat}&limit=4`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.map((t: any) => t.personId)).toEqual([east.id, east.id, north.id, north.id]);
    const [e, , n] = r.body.map((t: any) => t.distanceM);
    expect(e).toBeGreaterThan(470);
    expect(e).toBeLessThan(n);
    expect(n).toBeLessThan(495);
  });
});

describe('alerts and files input', () => {
  it('names the field of bad parameters', async () => {
    expect((await s.doctor.get('/api/alerts?open=maybe')).body.error.field).toBe('open');
    expect((await s.doctor.post('/api/alerts/x/acknowledge')).body.error.field).toBe('id');
    expect((await s.doctor.post('/api/alerts/1/acknowledge', { note: 'x' })).body.error.field).toBe('note');
    expect((await s.doctor.post('/api/alerts/999999999/acknowledge')).status).toBe(404);
    expect((await s.doctor.get('/api/files/x')).body.error.field).toBe('id');
    expect((await s.doctor.get('/api/checks/x')).body.error.field).toBe('id');
  });
});

describe('check history', () => {
  it('filters by person, abnormality and date, within scope', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    await s.doctor.post(`/api/persons/${p.id}/checks`, normal);
    await s.doctor.post(`/api/persons/${p.id}/checks`, { temperature: 38.1 });
    const all = await s.doctor.get(`/api/checks?personId=${p.id}`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    expect(all.body.items.map((c: any) => c.temperature)).toEqual([38.1, 36.6]);
    expect((await s.doctor.get(`/api/checks?personId=${p.id}&abnormal=true`)).body.items.map((c: any) => c.temperature)).toEqual([38.1]);
    expect((await s.doctor.get(`/api/checks?personId=${p.id}&abnormal=false`)).body.items.map((c: any) => c.temperature)).toEqual([36.6]);
    expect((await s.doctor.get(`/api/checks?personId=${p.id}&to=2020-01-01`)).body.total).toBe(0);
    expect((await s.doctor.get(`/api/checks?personId=${p.id}&from=2020-01-01&kind=doctor`)).body.total).toBe(2);
    const one = await s.doctor.get(`/api/checks/${all.body.items[0].id}`);
    expect(one.body).toMatchObject({ personId: p.id, temperature: 38.1, abnormal: true });
    expect((await otherDoctor.get(`/api/checks?personId=${p.id}`)).body.total).toBe(0);
    expect((await otherDoctor.get(`/api/checks/${all.body.items[0].id}`)).status).toBe(404);
    expect((await s.doctor.get('/api/checks?from=2026-12-02&to=2026-12-01')).body.error.field).toBe('to');
    expect((await s.doctor.get('/api/checks?abnormal=maybe')).body.error.field).toBe('abnormal');
    expect((await s.doctor.get('/api/checks?personId=-1')).body.error.field).toBe('personId');
  });
});

describe('my checks', () => {
  it('lists only the checks the caller recorded with mine=true, with the date filters', async () => {
    const second = await staffAt(s, 'doctor', s.f.nodes.m1, 'doctor_b');
    const p = await registerPerson(s, s.f.points.gridA);
    const mine = await s.doctor.post(`/api/persons/${p.id}/checks`, normal);
    const theirs = await second.post(`/api/persons/${p.id}/checks`, { temperature: 36.9 });
    expect((await s.doctor.get(`/api/checks?personId=${p.id}`)).body.total).toBe(2);
    const own = await s.doctor.get(`/api/checks?personId=${p.id}&mine=true`);
    expect(own.body.items.map((c: any) => c.id)).toEqual([mine.body.id]);
    const list = (await second.get('/api/checks?mine=true&pageSize=200')).body.items;
    expect(list.map((c: any) => c.id)).toContain(theirs.body.id);
    expect(list.map((c: any) => c.id)).not.toContain(mine.body.id);
    expect(new Set(list.map((c: any) => c.recorder.name))).toEqual(new Set([`${s.f.prefix}doctor_b`]));
    const today = shanghaiDay(0);
    expect((await s.doctor.get(`/api/checks?mine=true&personId=${p.id}&from=${today}&to=${today}`)).body.total).toBe(1);
    expect((await s.doctor.get(`/api/checks?mine=true&to=2020-01-01`)).body.total).toBe(0);
    expect((await s.doctor.get('/api/checks?mine=maybe')).body.error.field).toBe('mine');
  });
});

describe('photos', () => {
  it('accepts JPEG, PNG and WebP by content, stores them under DATA_DIR and serves them only in scope', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    for (const [bytes, mime] of [[PNG, 'image/png'], [JPEG, 'image/jpeg'], [WEBP, 'image/webp']] as const) {
      const r = await s.doctor.post('/api/files', { personId: p.id, content: bytes.toString('base64') });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ personId: p.id, mime, size: bytes.length });
      expect(existsSync(join(s.dataDir, 'files', String(s.f.tenantId), r.body.sha256))).toBe(true);
      const got = await fetch(s.t.baseUrl + r.body.url, { headers: { cookie: (s.doctor as any).cookie } });
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe(mime);
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    }
    const up = await s.doctor.post('/api/files', { personId: p.id, content: PNG.toString('base64') });
    const check = await s.doctor.post(`/api/persons/${p.id}/checks`, { ...normal, photoId: up.body.id });
    expect(check.body.photoId).toBe(up.body.id);
    expect((await s.community.get(up.body.url)).status).toBe(200);
    expect((await otherDoctor.get(up.body.url)).status).toBe(404);
    expect((await s.t.client().get(up.body.url)).status).toBe(401);
    expect((await s.doctor.get('/api/files/999999999')).status).toBe(404);
  });

  it('refuses other types, oversized photos and persons out of scope, naming the field', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    const c = await registerPerson(s, s.f.points.gridC, {}, s.admin);
    const before = await count('files');
    const gif = await s.doctor.post('/api/files', { personId: p.id, content: Buffer.from('GIF89a\x01\x00\x01\x00').toString('base64') });
    expect(gif.status).toBe(400);
    expect(gif.body.error).toMatchObject({ field: 'content' });
    expect(gif.body.error.message).toMatch(/JPEG, PNG or WebP/);
    const named = await s.doctor.post('/api/files', { personId: p.id, content: Buffer.from('<svg>photo.jpg</svg>').toString('base64') });
    expect(named.body.error.field).toBe('content');
    expect((await s.doctor.post('/api/files', { personId: p.id, content: 'data:image/png;base64,AAAA' })).body.error.field).toBe('content');
    expect((await s.doctor.post('/api/files', { personId: p.id })).body.error.field).toBe('content');
    expect((await s.doctor.post('/api/files', { content: PNG.toString('base64') })).body.error.field).toBe('personId');
    // Photos up to 5 MB fit the 7 MB body limit of /api/files; past 5 MB the decoded size is refused.
    const huge = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await s.doctor.post('/api/files', { personId: p.id, content: huge.toString('base64') });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error).toMatchObject({ field: 'content', message: expect.stringMatching(/at most 5 MB/) });
    const overLimit = Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]);
    expect((await s.doctor.post('/api/files', { personId: p.id, content: overLimit.toString('base64') })).status).toBe(413);
    expect((await s.doctor.post('/api/files', { personId: c.id, content: PNG.toString('base64') })).status).toBe(422);
    expect((await s.worker.post('/api/files', { personId: p.id, content: PNG.toString('base64') })).status).toBe(403);
    expect(await count('files')).toBe(before);
  });
});
