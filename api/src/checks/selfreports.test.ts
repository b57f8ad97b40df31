import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { flagOverdueSelfReports } from './jobs.ts';
import { moveStatus } from '../test/people.ts';
import { boundResident, citizen, ownerRows, registerPerson, setup, shanghaiDay, type Setup } from './test-helpers.ts';

let s: Setup;
beforeAll(async () => {
  s = await setup('chs');
});
afterAll(() => s?.t.close());

const normal = { temperature: 36.5, deviceTime: '2026-11-22T08:00:00+08:00', location: { lon: 114.1, lat: 30.1 }, addressDetail: '3栋201', description: '无不适' };
const selfReportsOf = (personId: number) =>
  ownerRows(s, `select id, citizen_id, device_time, created_at from health_checks where tenant_id = $1 and person_id = $2 and kind = 'self'`, [s.f.tenantId, personId]);
// Observation around the real today, since binding and report times are the server's clock.
const window = () => ({ observationStart: shanghaiDay(-2), observationEnd: shanghaiDay(12) });

describe('self-reports', () => {
  it('are taken from a bound resident, kept with device and server time, and listed for them and for staff', async () => {
    const { person, c } = await boundResident(s, s.f.points.gridA);
    const r = await c.post('/api/citizen/self-reports', normal);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ kind: 'self', personId: person.id, temperature: 36.5, abnormal: false, addressDetail: '3栋201', location: normal.location });
    expect(r.body.deviceTime).toBe('2026-11-22T00:00:00.000Z');
    expect(r.body.recorder).toBeUndefined();
    const [row] = await selfReportsOf(person.id);
    expect(row.device_time.toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(Math.abs(row.created_at.getTime() - Date.now())).toBeLessThan(60_000);
    const mine = await c.get('/api/citizen/self-reports');
    expect(mine.body).toMatchObject({ total: 1, items: [{ id: r.body.id }] });
    expect((await c.get(`/api/citizen/self-reports/${r.body.id}`)).body.id).toBe(r.body.id);
    const staff = await s.doctor.get(`/api/checks?personId=${person.id}&kind=self`);
    expect(staff.body.items.map((i: any) => i.id)).toEqual([r.body.id]);
    expect((await s.community.get(`/api/persons/${person.id}`)).body.status).toBe('watching');
  });

  it('judges the temperature against the tenant\'s threshold in tenths, and takes nothing from a resident no longer under observation', async () => {
    const below = await boundResident(s, s.f.points.gridA);
    const at = await boundResident(s, s.f.points.gridA);
    const r1 = await below.c.post('/api/citizen/self-reports', { temperature: 37.2 });
    const r2 = await at.c.post('/api/citizen/self-reports', { temperature: 37.3 });
    expect([r1.status, r1.body.abnormal, r2.status, r2.body.abnormal]).toEqual([201, false, 201, true]);
    // the answer names the fever line it was judged by
    expect([r1.body.feverThreshold, r2.body.feverThreshold]).toEqual([37.3, 37.3]);
    expect((await s.community.get(`/api/persons/${at.person.id}`)).body.status).toBe('suspected');
    const readings = (personId: number) => ownerRows(s, 'select celsius::float8 as c, kind from temperature_readings where tenant_id = $1 and person_id = $2', [s.f.tenantId, personId]);
    expect(await readings(below.person.id)).toEqual([{ c: 37.2, kind: 'self' }]);

    const released = await boundResident(s, s.f.points.gridA);
    const moved = await moveStatus(s.community, released.person.id, { to: 'released', reason: '观察期满' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const r3 = await released.c.post('/api/citizen/self-reports', { ...normal, fever: true });
    expect([r3.status, r3.body.error?.code]).toEqual([409, 'not_under_observation']);
    expect(await selfReportsOf(released.person.id)).toEqual([]);
    expect(await readings(released.person.id)).toEqual([]);
    // A refusal is an answer too, kept for the key and replayed in the language it was asked in.
    const zh = { 'accept-language': 'zh-CN,zh;q=0.9', 'idempotency-key': `released-${released.person.id}` };
    const first = await released.c.post('/api/citizen/self-reports', normal, zh);
    const again = await released.c.post('/api/citizen/self-reports', normal, zh);
    expect([first.status, first.body.error.message]).toEqual([409, '仅在医学观察期间可以填报']);
    expect([again.status, again.body, again.headers.get('idempotent-replayed')]).toEqual([409, first.body, 'true']);
    expect((await s.community.get(`/api/persons/${released.person.id}`)).body.status).toBe('released');
  });

  it('refuses an unbound account with 403 and staff sessions with 401, writing nothing', async () => {
    const unbound = await citizen(s);
    const before = (await ownerRows(s, 'select count(*)::int n from health_checks where tenant_id = $1', [s.f.tenantId]))[0].n;
    const r = await unbound.post('/api/citizen/self-reports', normal);
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'not_bound', message: expect.stringMatching(/bind/) });
    expect((await s.doctor.post('/api/citizen/self-reports', normal)).status).toBe(401);
    expect((await unbound.get('/api/citizen/self-reports')).body.total).toBe(0);
    expect((await ownerRows(s, 'select count(*)::int n from health_checks where tenant_id = $1', [s.f.tenantId]))[0].n).toBe(before);
  });

  it('shows a resident only their own reports', async () => {
    const a = await boundResident(s, s.f.points.gridA);
    const b = await boundResident(s, s.f.points.gridB);
    const ra = await a.c.post('/api/citizen/self-reports', normal);
    await b.c.post('/api/citizen/self-reports', normal);
    const listB = await b.c.get('/api/citizen/self-reports');
    expect(listB.body.items.map((i: any) => i.personId)).toEqual([b.person.id]);
    expect((await b.c.get(`/api/citizen/self-reports/${ra.body.id}`)).status).toBe(404);
    expect((await b.c.get('/api/checks')).status).toBe(401);
  });

  it('moves an abnormal reporter to suspected, opens a referral and raises an alert on gec_events', async () => {
    const { person, c } = await boundResident(s, s.f.points.gridB);
    const listener = new pg.Client({ connectionString: inject('dbOwnerUrl') });
    const messages: any[] = [];
    const notifies = inject('dbMode') === 'server'; // PGlite's socket does not forward notifications
    if (notifies) {
      await listener.connect();
      listener.on('notification', (m) => messages.push(JSON.parse(m.payload!)));
      await listener.query('listen gec_events');
    }
    try {
      const r = await c.post('/api/citizen/self-reports', { temperature: 36.9, fever: true, shortBreath: true });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.abnormal).toBe(true);
      const p = (await s.community.get(`/api/persons/${person.id}`)).body;
      expect(p.status).toBe('suspected');
      expect(p.events.at(-1)).toMatchObject({ kind: 'status', toStatus: 'suspected', reason: '自报异常：发热，气促', actor: null });
      const tasks = await ownerRows(s, `select kind, assignee_jurisdiction_id from tasks where tenant_id = $1 and person_id = $2`, [s.f.tenantId, person.id]);
      expect(tasks).toEqual([{ kind: 'referral', assignee_jurisdiction_id: s.f.nodes.m1 }]);
      const alerts = (await s.doctor.get('/api/alerts')).body.items.filter((a: any) => a.personId === person.id);
      expect(alerts).toHaveLength(1);
      expect(alerts[0].detail).toMatchObject({ source: 'self', reasons: ['发热', '气促'], checkId: r.body.id });
      if (notifies) {
        await expect.poll(() => messages.length).toBeGreaterThan(0);
        const [gridPath] = await ownerRows(s, 'select grid_path::text from persons where tenant_id = $1 and id = $2', [s.f.tenantId, person.id]);
        expect(messages.find((m) => m.personId === person.id)).toEqual({
          tenantId: s.f.tenantId, type: 'alert', alertId: alerts[0].id, personId: person.id, gridPath: gridPath.grid_path,
        });
      }
    } finally {
      if (notifies) await listener.end();
    }
  });

  it('creates one row for parallel duplicates with one Idempotency-Key, and refuses the key with another body', async () => {
    const { person, c } = await boundResident(s, s.f.points.gridA);
    const headers = { 'Idempotency-Key': `self-${person.id}-0001` };
    const rs = await Promise.all([1, 2, 3].map(() => c.post('/api/citizen/self-reports', normal, headers)));
    expect(rs.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(rs.map((r) => r.body.id)).size).toBe(1);
    expect(rs.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(2);
    expect(await selfReportsOf(person.id)).toHaveLength(1);
    const other = await c.post('/api/citizen/self-reports', { ...normal, temperature: 36.7 }, headers);
    expect(other.status).toBe(422);
    expect(other.body.error.field).toBe('Idempotency-Key');
    expect(await selfReportsOf(person.id)).toHaveLength(1);
  });

  it('names the field of bad input and writes nothing', async () => {
    const { person, c } = await boundResident(s, s.f.points.gridA);
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'temperature'],
      [{ temperature: 50 }, 'temperature'],
      [{ temperature: 36.5, cough: 1 }, 'cough'],
      [{ temperature: 36.5, location: { lon: 114 } }, 'location.lat'],
      [{ temperature: 36.5, addressDetail: '' }, 'addressDetail'],
      [{ temperature: 36.5, deviceTime: '2026-11-22 08:00' }, 'deviceTime'],
      [{ temperature: 36.5, personId: 1 }, 'personId'],
    ];
    for (const [body, field] of cases) {
      const r = await c.post('/api/citizen/self-reports', body);
      expect(r.status, field).toBe(400);
      expect(r.body.error.field, JSON.stringify(r.body)).toBe(field);
    }
    expect((await c.get('/api/citizen/self-reports?pageSize=500')).body.error.field).toBe('pageSize');
    expect((await c.get('/api/citizen/self-reports/x')).body.error.field).toBe('id');
    expect(await selfReportsOf(person.id)).toHaveLength(0);
  });
});

describe('overdue self-reports', () => {
  const overdueOf = (personId: number) =>
    ownerRows(s, `select state, assignee_jurisdiction_id, grid_id, result from tasks where tenant_id = $1 and person_id = $2 and kind = 'self_report_overdue'`, [s.f.tenantId, personId]);

  it('opens one task for the grid worker once the window passes without a report, settled by the next report', async () => {
    const { person, c } = await boundResident(s, s.f.points.gridA, window());
    const reported = await boundResident(s, s.f.points.gridA, window());
    await reported.c.post('/api/citizen/self-reports', normal);
    const hour = 3_600_000;
    await flagOverdueSelfReports(s.t.app, new Date(Date.now() + hour), s.f.tenantId);
    expect(await overdueOf(person.id)).toEqual([]);
    const later = new Date(Date.now() + 25 * hour);
    const runs = await Promise.all([flagOverdueSelfReports(s.t.app, later, s.f.tenantId), flagOverdueSelfReports(s.t.app, later, s.f.tenantId)]);
    expect(runs.flat().every((r) => !r.error)).toBe(true);
    await flagOverdueSelfReports(s.t.app, new Date(later.getTime() + hour), s.f.tenantId);
    expect(await overdueOf(person.id)).toEqual([{ state: 'open', assignee_jurisdiction_id: s.f.nodes.gridA, grid_id: s.f.nodes.gridA, result: null }]);
    // 25 hours after its last report the other resident is overdue as well.
    expect(await overdueOf(reported.person.id)).toHaveLength(1);

    const r = await c.post('/api/citizen/self-reports', normal);
    expect(await overdueOf(person.id)).toEqual([
      { state: 'done', assignee_jurisdiction_id: s.f.nodes.gridA, grid_id: s.f.nodes.gridA, result: { resolvedBy: 'self_report', checkId: r.body.id } },
    ]);
  });

  it('leaves alone residents outside observation and persons without an account', async () => {
    const past = await boundResident(s, s.f.points.gridA, { observationStart: shanghaiDay(-30), observationEnd: shanghaiDay(-16) });
    const noAccount = await registerPerson(s, s.f.points.gridA, window());
    await flagOverdueSelfReports(s.t.app, new Date(Date.now() + 48 * 3_600_000), s.f.tenantId);
    expect(await overdueOf(past.person.id)).toEqual([]);
    expect(await overdueOf(noAccount.id)).toEqual([]);
  });
});
