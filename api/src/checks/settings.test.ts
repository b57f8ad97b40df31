// Settings of the admin console (issue 12): the check-rule preview, the overdue and release
// settings, the enterprise/school options and the audit of articles, each change with before/after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import type { Client } from '../test/harness.ts';
import { citizen, ownerRows, registerPerson, setup, shanghaiDay, type Setup } from './test-helpers.ts';

let s: Setup;
let other: Fixture;
let otherAdmin: Client;
beforeAll(async () => {
  s = await setup('set');
  other = await createFixture(s.t.app.db.ownerPool, 'set2');
  otherAdmin = await s.t.login(`${other.prefix}admin`);
});
afterAll(() => s?.t.close());

const put = (c: Client, path: string, body: unknown) => c.request('PUT', path, body);
/** Observed around the real today: the preview and the job work at the server's clock. */
const today = () => ({ observationStart: shanghaiDay(-1), observationEnd: shanghaiDay(10) });
const auditOf = (action: string, tenantId = s.f.tenantId) =>
  ownerRows(s, 'select user_id, object_id, result, detail, host(ip) ip from audit_log where tenant_id = $1 and action = $2 order by id', [tenantId, action]);
const countTasks = async () => (await ownerRows(s, `select count(*)::int n from tasks where tenant_id = $1`, [s.f.tenantId]))[0].n as number;
const rulesBody = async (c: Client = s.admin) => {
  const { checksPerDay, updatedAt, ...rules } = (await c.get('/api/check-rules')).body;
  return rules;
};

describe('check rule preview', () => {
  it('counts the tasks a rule set would make now without writing, and the job then makes exactly that many', async () => {
    const watching = await Promise.all([registerPerson(s, s.f.points.gridA, today()), registerPerson(s, s.f.points.gridB, today())]);
    await registerPerson(s, s.f.points.gridA, { ...today(), status: 'suspected' });
    const saved = await rulesBody();
    const proposal = { ...saved, statuses: ['watching'], checkTimes: ['18:00', '08:00', '12:00'] };

    // A run makes today's slots still to come, and the day's last even when it has passed.
    const toMake = (times: string[]) => {
      const now = new Date().toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour12: false }).slice(0, 5);
      return Math.max(1, times.filter((x) => x > now).length);
    };
    const before = await countTasks();
    const preview = await s.admin.post('/api/check-rules/preview', proposal);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ day: shanghaiDay(0), slotsToday: 6, persons: 2, wouldCreate: 2 * toMake(proposal.checkTimes), wouldCancel: 0 });
    // The saved rules (both statuses, two times) would make 3 persons × 2.
    expect((await s.admin.post('/api/check-rules/preview', saved)).body).toMatchObject({ slotsToday: 6, persons: 3, wouldCreate: 3 * toMake(saved.checkTimes) });
    expect(await countTasks()).toBe(before);
    expect((await s.admin.get('/api/check-rules')).body.statuses).toEqual(saved.statuses);

    expect((await put(s.admin, '/api/check-rules', proposal)).status).toBe(200);
    const run = await s.admin.post('/api/jobs/check-tasks/run');
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body).toMatchObject({ status: 'ok', detail: { created: preview.body.wouldCreate, cancelled: 0 } });
    const made = await ownerRows(s, `select person_id from tasks where tenant_id = $1 and kind = 'check' and state = 'open'`, [s.f.tenantId]);
    const n = made.length;
    expect(n).toBe(preview.body.wouldCreate);
    expect(new Set(made.map((t) => t.person_id))).toEqual(new Set(watching.map((p) => p.id)));

    // Made already: nothing new; dropping 'watching' would cancel them.
    expect((await s.admin.post('/api/check-rules/preview', proposal)).body).toMatchObject({ slotsToday: 6, wouldCreate: 0, wouldCancel: 0 });
    const suspectedOnly = (await s.admin.post('/api/check-rules/preview', { ...proposal, statuses: ['suspected'] })).body;
    expect(suspectedOnly).toMatchObject({ slotsToday: 3, persons: 1, wouldCreate: toMake(proposal.checkTimes), wouldCancel: n });
    expect((await put(s.admin, '/api/check-rules', { ...proposal, statuses: ['suspected'] })).status).toBe(200);
    expect((await s.admin.post('/api/jobs/check-tasks/run')).body.detail).toEqual({ created: toMake(proposal.checkTimes), cancelled: n });
    expect((await put(s.admin, '/api/check-rules', saved)).status).toBe(200);
  });

  it('refuses odd input with the field named, never a 500', async () => {
    const rules = await rulesBody();
    const cases: [unknown, string][] = [
      [{ ...rules, checkTimes: ['25:00'] }, 'checkTimes.0'],
      [{ ...rules, checkTimes: ['09:00', '09:00'] }, 'checkTimes'],
      [{ ...rules, statuses: [] }, 'statuses'],
      [{ ...rules, statuses: ['dead'] }, 'statuses.0'],
      [{ ...rules, timezone: 'Mars/Olympus' }, 'timezone'],
      [{ ...rules, feverThreshold: '37.3' }, 'feverThreshold'],
      [{ ...rules, observationDays: 1e9 }, 'observationDays'],
      [{ ...rules, extra: 1 }, 'extra'],
      [{ ...rules, timezone: undefined }, 'timezone'],
    ];
    for (const [body, field] of cases) {
      const r = await s.admin.post('/api/check-rules/preview', body);
      expect(r.status, `${field}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    for (const body of ['[]', 'null', '"x"', '{"statuses":', '1']) {
      const r = await s.admin.request('POST', '/api/check-rules/preview', body, { 'content-type': 'application/json' });
      expect(r.status, body).toBe(400);
    }
    expect((await s.community.post('/api/check-rules/preview', rules)).status).toBe(403);
  });

  it('audits a rule change with the rules before and after', async () => {
    const rules = await rulesBody();
    expect((await put(s.admin, '/api/check-rules', { ...rules, feverThreshold: 37.5 })).status).toBe(200);
    const last = (await auditOf('check_rules.update')).at(-1)!;
    expect(last.detail.before.feverThreshold).toBe(rules.feverThreshold);
    expect(last.detail.after).toMatchObject({ ...rules, feverThreshold: 37.5 });
    // the request's address, as every audited request records it (the route did not pass it on)
    expect(last.ip).toBe('127.0.0.1');
    expect((await put(s.admin, '/api/check-rules', rules)).status).toBe(200);
  });
});

describe('overdue and release settings', () => {
  it('start at the defaults, change per tenant with an audit of before and after, and set the referral deadline', async () => {
    const initial = (await s.admin.get('/api/settings/overdue-release')).body;
    expect(initial).toMatchObject({ referralDueHours: 2 });
    const changed = { selfReportOverdueHours: 12, referralDueHours: 6, observationDays: 21 };
    const r = await put(s.admin, '/api/settings/overdue-release', changed);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject(changed);
    expect((await s.admin.get('/api/check-rules')).body).toMatchObject({ selfReportOverdueHours: 12, observationDays: 21 });
    const [entry] = await auditOf('overdue_release.update');
    expect(entry.detail).toEqual({
      before: { selfReportOverdueHours: initial.selfReportOverdueHours, referralDueHours: 2, observationDays: initial.observationDays },
      after: changed,
    });
    // Another tenant keeps its own settings and sees none of this audit.
    expect((await otherAdmin.get('/api/settings/overdue-release')).body).toMatchObject({ referralDueHours: 2, observationDays: 14 });
    expect(await auditOf('overdue_release.update', other.tenantId)).toHaveLength(0);

    // An abnormal reading's referral is due in the tenant's hours.
    const p = await registerPerson(s, s.f.points.gridA, today());
    const check = await s.doctor.post(`/api/persons/${p.id}/checks`, { temperature: 38.6 });
    expect(check.status, JSON.stringify(check.body)).toBe(201);
    const [task] = await ownerRows(s, 'select due_at, created_at from tasks where tenant_id = $1 and id = $2', [s.f.tenantId, check.body.escalation.referralTaskId]);
    expect((task.due_at.getTime() - task.created_at.getTime()) / 3_600_000).toBeCloseTo(6, 1);
    expect((await put(s.admin, '/api/settings/overdue-release', { ...changed, referralDueHours: 2, selfReportOverdueHours: initial.selfReportOverdueHours, observationDays: initial.observationDays })).status).toBe(200);
  });

  it('refuses odd input with the field named', async () => {
    const ok = { selfReportOverdueHours: 24, referralDueHours: 2, observationDays: 14 };
    const cases: [unknown, string][] = [
      [{ ...ok, referralDueHours: 0 }, 'referralDueHours'],
      [{ ...ok, referralDueHours: 73 }, 'referralDueHours'],
      [{ ...ok, selfReportOverdueHours: 1.5 }, 'selfReportOverdueHours'],
      [{ ...ok, observationDays: '14' }, 'observationDays'],
      [{ ...ok, observationDays: null }, 'observationDays'],
      [{ ...ok, releaseAfter: 3 }, 'releaseAfter'],
      [{ selfReportOverdueHours: 24, referralDueHours: 2 }, 'observationDays'],
    ];
    for (const [body, field] of cases) {
      const r = await put(s.admin, '/api/settings/overdue-release', body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect((await s.admin.request('PUT', '/api/settings/overdue-release', '[1]', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await put(s.community, '/api/settings/overdue-release', ok)).status).toBe(403);
    expect((await s.community.get('/api/settings/overdue-release')).status).toBe(403);
  });
});

describe('enterprise and school options', () => {
  it('are read and replaced by rule managers, audited with before and after, and kept per tenant', async () => {
    const initial = (await s.admin.get('/api/enterprise-options')).body;
    expect(initial.schools).toEqual([]);
    expect(initial.grades.length).toBeGreaterThan(0);
    const next = { schools: ['第一中学', '实验小学'], grades: ['初一', '初二'], classes: ['1班', '2班', '3班'] };
    const r = await put(s.admin, '/api/enterprise-options', next);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual(next);
    expect((await s.admin.get('/api/enterprise-options')).body).toEqual(next);
    const resident = await citizen(s);
    expect((await resident.get('/api/citizen/enterprise-options')).body).toEqual(next);
    const [entry] = await auditOf('enterprise_options.update');
    expect(entry.detail).toEqual({ before: initial, after: next });
    expect((await otherAdmin.get('/api/enterprise-options')).body.schools).toEqual([]);
    expect((await s.community.get('/api/enterprise-options')).status).toBe(403);
  });

  it('refuses duplicates, empty names and empty grade lists with the field named', async () => {
    const ok = { schools: [], grades: ['初一'], classes: ['1班'] };
    const cases: [unknown, string][] = [
      [{ ...ok, schools: ['一中', '一中'] }, 'schools'],
      [{ ...ok, grades: [] }, 'grades'],
      [{ ...ok, classes: ['  '] }, 'classes.0'],
      [{ ...ok, classes: [1] }, 'classes.0'],
      [{ ...ok, schools: 'x' }, 'schools'],
      [{ grades: ['初一'], classes: ['1班'] }, 'schools'],
    ];
    for (const [body, field] of cases) {
      const r = await put(s.admin, '/api/enterprise-options', body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
  });
});

describe('articles', () => {
  it('audits create, edit, publish and unpublish with before and after', async () => {
    const created = await s.admin.post('/api/articles', { kind: 'publicity', title: '勤洗手', body: '七步洗手法' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await s.admin.patch(`/api/articles/${id}`, { title: '勤洗手，戴口罩' })).status).toBe(200);
    expect((await s.admin.post(`/api/articles/${id}/publish`)).status).toBe(200);
    expect((await s.t.client().get(`/api/public/articles?tenant=${s.f.code}&kind=publicity`)).body.items.map((a: { id: number }) => a.id)).toContain(id);
    expect((await s.admin.post(`/api/articles/${id}/unpublish`)).status).toBe(200);
    const rows = await ownerRows(s, `select action, detail from audit_log where tenant_id = $1 and object_type = 'article' and object_id = $2 order by id`, [s.f.tenantId, String(id)]);
    expect(rows.map((r) => r.action)).toEqual(['article.create', 'article.update', 'article.publish', 'article.unpublish']);
    expect(rows[0].detail).toMatchObject({ before: null, after: { title: '勤洗手', status: 'draft' } });
    expect(rows[1].detail).toMatchObject({ before: { title: '勤洗手' }, after: { title: '勤洗手，戴口罩' } });
    expect(rows[2].detail).toMatchObject({ before: { status: 'draft' }, after: { status: 'published' } });
    expect(rows[3].detail).toMatchObject({ before: { status: 'published' }, after: { status: 'draft', publishedAt: null } });
  });
});

describe('a change and its audit record commit together', () => {
  // A trigger refuses this tenant's audit rows of the named actions, as a full disk or a broken
  // chain would: the change the record belongs to must not be made either.
  const refuseAudit = async (actions: string[]) => {
    const owner = s.t.app.db.ownerPool;
    await owner.query(`create or replace function public.test_refuse_audit() returns trigger language plpgsql as $$
      begin raise exception 'audit record refused (test)'; end $$`);
    await owner.query(`create trigger test_refuse_audit_${s.f.tenantId} before insert on audit_log for each row
      when (new.tenant_id = ${s.f.tenantId} and new.action = any (array[${actions.map((a) => `'${a}'`).join(',')}]))
      execute function public.test_refuse_audit()`);
    return () => owner.query(`drop trigger test_refuse_audit_${s.f.tenantId} on audit_log`);
  };

  it('settings, options, articles, users and households are unchanged when their record cannot be written', async () => {
    const rules = await rulesBody();
    const overdue = (await s.admin.get('/api/settings/overdue-release')).body;
    const options = (await s.admin.get('/api/enterprise-options')).body;
    const count = async (table: string) => (await ownerRows(s, `select count(*)::int n from ${table} where tenant_id = $1`, [s.f.tenantId]))[0].n as number;
    const counts = { articles: await count('articles'), users: await count('users'), households: await count('households') };
    const restore = await refuseAudit(['check_rules.update', 'overdue_release.update', 'enterprise_options.update', 'article.create', 'user.create', 'household.create']);
    try {
      const attempts = [
        await put(s.admin, '/api/check-rules', { ...rules, feverThreshold: 37.9 }),
        await put(s.admin, '/api/settings/overdue-release', { ...overdue, updatedAt: undefined, referralDueHours: 9 }),
        await put(s.admin, '/api/enterprise-options', { ...options, schools: ['审计失败中学'] }),
        await s.admin.post('/api/articles', { kind: 'news', title: '不应保存', body: '审计写不进去' }),
        await s.admin.post('/api/users', { username: `${s.f.prefix}noaudit`, displayName: '不应创建', scopeIds: [s.f.nodes.gridA] }),
        await s.worker.post('/api/households', { location: s.f.points.gridA, address: '审计失败路1号' }),
      ];
      for (const r of attempts) expect(r.status, JSON.stringify(r.body)).toBe(500);
    } finally {
      await restore();
    }
    expect((await s.admin.get('/api/check-rules')).body.feverThreshold).toBe(rules.feverThreshold);
    expect((await s.admin.get('/api/settings/overdue-release')).body.referralDueHours).toBe(overdue.referralDueHours);
    expect((await s.admin.get('/api/enterprise-options')).body).toEqual(options);
    expect({ articles: await count('articles'), users: await count('users'), households: await count('households') }).toEqual(counts);
    // With the record writable again, the same change goes through and is recorded.
    expect((await put(s.admin, '/api/enterprise-options', { ...options, schools: ['审计恢复中学'] })).status).toBe(200);
    expect((await auditOf('enterprise_options.update')).at(-1)!.detail.after.schools).toEqual(['审计恢复中学']);
    expect((await put(s.admin, '/api/enterprise-options', options)).status).toBe(200);
  });
});
