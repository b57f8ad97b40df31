// Scheduled jobs: the list with last and next run, "run now" recorded and audited, refused while a
// run is on, abandoned runs closed, tenants kept apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { JOBS, nextRun, type JobDefinition } from './registry.ts';
import { runScheduled } from './service.ts';

let t: TestApp;
let f: Fixture;
let g: Fixture;
let admin: Client;
let otherAdmin: Client;
let community: Client;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'job');
  g = await createFixture(t.app.db.ownerPool, 'job2');
  [admin, otherAdmin, community] = await Promise.all([t.login(`${f.prefix}admin`), t.login(`${g.prefix}admin`), t.login(`${f.prefix}community`)]);
});
afterAll(() => t?.close());

const owner = async (text: string, values: unknown[] = []) => (await t.app.db.ownerPool.query(text, values)).rows;
const runsOf = (job: string, tenantId: number) =>
  owner('select id, trigger, status, started_by, finished_at, message, rows_affected from job_runs where job = $1 and tenant_id = $2 order by id', [job, tenantId]);

describe('job list', () => {
  it('lists every job with its schedule and next run, and no last run before the first', async () => {
    const r = await admin.get('/api/jobs');
    expect(r.status).toBe(200);
    expect(r.body.map((j: { name: string }) => j.name)).toEqual(['check-tasks', 'self-report-overdue', 'housekeeping', 'anonymise']);
    const checks = r.body[0];
    expect(checks).toMatchObject({ schedule: '5 * * * *', perTenant: true, lastRun: null, running: false });
    const next = new Date(checks.nextRun);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(next.getMinutes()).toBe(5);
    expect((await community.get('/api/jobs')).status).toBe(403);
    expect((await t.client().get('/api/jobs')).status).toBe(401);
  });

  it('reads a pattern in the jobs time zone, not the server\'s', async () => {
    expect((await admin.get('/api/jobs')).body[3]).toMatchObject({ name: 'anonymise', schedule: '40 3 * * *', timeZone: 'Asia/Shanghai' });
    const at = new Date('2026-12-01T02:07:30Z'); // Tuesday 1 December, 10:07:30 in Beijing
    const sh = (p: string) => nextRun(p, at, 'Asia/Shanghai')?.toISOString();
    expect(sh('5 * * * *')).toBe('2026-12-01T03:05:00.000Z');
    expect(sh('*/15 * * * *')).toBe('2026-12-01T02:15:00.000Z');
    expect(sh('40 3 * * *')).toBe('2026-12-01T19:40:00.000Z'); // 03:40 on 2 December in Beijing
    expect(sh('0 3 * * 1')).toBe('2026-12-06T19:00:00.000Z'); // Monday 7 December, 03:00 in Beijing
    expect(sh('0 0 1 1 *')).toBe('2026-12-31T16:00:00.000Z');
    expect(nextRun('40 3 * * *', at, 'UTC')?.toISOString()).toBe('2026-12-01T03:40:00.000Z');
    // Daylight saving: New York's 02:30 does not exist on 8 March 2026; 01:30 on 1 November exists twice.
    expect(nextRun('30 2 * * *', new Date('2026-03-08T05:00:00Z'), 'America/New_York')?.toISOString()).toBe('2026-03-09T06:30:00.000Z');
    expect(nextRun('30 3 * * *', new Date('2026-11-01T04:00:00Z'), 'America/New_York')?.toISOString()).toBe('2026-11-01T08:30:00.000Z');
  });
});

describe('run now', () => {
  it('runs a per-tenant job for the caller\'s tenant, records and audits the run, and shows it as the last run', async () => {
    const r = await admin.post('/api/jobs/self-report-overdue/run');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ job: 'self-report-overdue', trigger: 'manual', status: 'ok', rowsAffected: 0, message: null, startedBy: { name: expect.any(String) } });
    expect(new Date(r.body.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(r.body.startedAt).getTime());
    const [row] = await runsOf('self-report-overdue', f.tenantId);
    expect(row).toMatchObject({ id: r.body.id, trigger: 'manual', status: 'ok' });
    expect(await runsOf('self-report-overdue', g.tenantId)).toHaveLength(0);

    const list = (await admin.get('/api/jobs')).body;
    expect(list[1].lastRun).toMatchObject({ id: r.body.id, status: 'ok' });
    // The other tenant sees none of it.
    expect((await otherAdmin.get('/api/jobs')).body[1].lastRun).toBeNull();
    expect((await otherAdmin.get('/api/jobs/self-report-overdue/runs')).body).toEqual([]);
    expect((await admin.get('/api/jobs/self-report-overdue/runs')).body.map((x: { id: number }) => x.id)).toEqual([r.body.id]);

    const audit = await owner(`select user_id, object_id, result, detail from audit_log where tenant_id = $1 and action = 'job.run'`, [f.tenantId]);
    expect(audit).toEqual([expect.objectContaining({ object_id: 'self-report-overdue', result: 'ok', detail: expect.objectContaining({ runId: r.body.id, status: 'ok' }) })]);
    // …and its start, written with the run's opening record.
    const start = await owner(`select user_id, object_id, detail from audit_log where tenant_id = $1 and action = 'job.start'`, [f.tenantId]);
    expect(start).toEqual([expect.objectContaining({ user_id: audit[0].user_id, object_id: 'self-report-overdue', detail: { runId: r.body.id } })]);
  });

  it('refuses while a run of the job for the tenant is on, and closes a run a dead process left behind', async () => {
    const [{ id }] = await owner(`insert into job_runs (tenant_id, job, trigger) values ($1, 'check-tasks', 'schedule') returning id`, [f.tenantId]);
    const refused = await admin.post('/api/jobs/check-tasks/run');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'job_running', field: 'name' });
    expect((await admin.get('/api/jobs')).body[0]).toMatchObject({ running: true, lastRun: { id, status: 'running' } });
    // The other tenant is not held up by it.
    expect((await otherAdmin.post('/api/jobs/check-tasks/run')).status).toBe(200);
    const audit = await owner(`select result, detail from audit_log where tenant_id = $1 and action = 'job.run' and result = 'error'`, [f.tenantId]);
    expect(audit).toEqual([{ result: 'error', detail: { refused: 'running' } }]);

    // Two hours later the run is taken as abandoned.
    await owner(`update job_runs set started_at = now() - interval '2 hours' where id = $1`, [id]);
    const ran = await admin.post('/api/jobs/check-tasks/run');
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    expect(ran.body.status).toBe('ok');
    expect((await runsOf('check-tasks', f.tenantId)).map((r) => [r.status, r.message?.slice(0, 9) ?? null])).toEqual([['error', 'abandoned'], ['ok', null]]);
  });

  it('audits a scheduled run of a tenant\'s job with the record of how it ended, as no one', async () => {
    const before = await owner(`select count(*)::int as n from audit_log where tenant_id = $1 and action = 'job.run'`, [f.tenantId]);
    const runs = await runScheduled(t.app, JOBS.find((j) => j.name === 'self-report-overdue')!);
    const mine = runs.find((r) => r.id && r.job === 'self-report-overdue' && r.trigger === 'schedule' && r.status === 'ok')!;
    expect(mine).toBeDefined();
    const audit = await owner(
      `select user_id, object_id, result, detail from audit_log where tenant_id = $1 and action = 'job.run' and (detail->>'trigger') = 'schedule' order by id`,
      [f.tenantId],
    );
    expect(audit.length).toBe(1);
    expect(audit[0]).toMatchObject({ user_id: null, object_id: 'self-report-overdue', result: 'ok', detail: { trigger: 'schedule', status: 'ok', rowsAffected: 0 } });
    expect(runs.map((r) => r.id)).toContain(Number(audit[0].detail.runId));
    const after = await owner(`select count(*)::int as n from audit_log where tenant_id = $1 and action = 'job.run'`, [f.tenantId]);
    expect(after[0].n).toBe(before[0].n + 1);
  });

  it('runs a job of the whole installation on its schedule only, seen by every tenant without its counts', async () => {
    const refused = await admin.post('/api/jobs/housekeeping/run');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('installation_job');
    const [run] = await runScheduled(t.app, JOBS.find((j) => j.name === 'housekeeping')!);
    expect(run).toMatchObject({ status: 'ok', detail: { live_events: expect.any(Number) } });
    const [row] = await owner('select tenant_id from job_runs where id = $1', [run.id]);
    expect(row.tenant_id).toBeNull();
    for (const c of [admin, otherAdmin]) {
      const last = (await c.get('/api/jobs')).body.find((j: { name: string }) => j.name === 'housekeeping').lastRun;
      expect(last.id).toBeGreaterThanOrEqual(run.id);
      // the counts add up every tenant's rows: no tenant sees them
      expect(last).toMatchObject({ status: 'ok', rowsAffected: null, detail: null });
    }
  });

  it('answers odd names with 404 or a 400 naming the field, never a 500', async () => {
    expect((await admin.post('/api/jobs/no-such-job/run')).status).toBe(404);
    expect((await admin.get('/api/jobs/no-such-job/runs')).status).toBe(404);
    for (const name of ['X', '%20', 'a'.repeat(60), 'check_tasks', '..%2Fetc']) {
      const r = await admin.post(`/api/jobs/${name}/run`);
      expect(r.status, name).toBe(400);
      expect(r.body.error.field).toBe('name');
    }
    const r = await admin.get('/api/jobs/check-tasks/runs?limit=0');
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('limit');
    expect((await community.post('/api/jobs/check-tasks/run')).status).toBe(403);
  });
});

describe('scheduled runs', () => {
  it('record one run per tenant, a failure and a tenant whose run is on included', async () => {
    let calls = 0;
    const job: JobDefinition = {
      name: 'test-probe',
      schedule: '* * * * *',
      perTenant: true,
      description: 'test',
      run: async (_app, tenantId) => {
        calls++;
        if (tenantId === g.tenantId) throw new Error('boom');
        return { status: 'ok', message: null, rows: 3, detail: {} };
      },
    };
    const held = await owner(`insert into job_runs (tenant_id, job, trigger) values ($1, 'test-probe', 'manual') returning id`, [f.tenantId]);
    const runs = await runScheduled(t.app, job);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(calls).toBe(runs.length - 1);
    expect((await runsOf('test-probe', f.tenantId)).map((r) => r.status)).toEqual(['running', 'skipped']);
    expect(await runsOf('test-probe', g.tenantId)).toEqual([expect.objectContaining({ trigger: 'schedule', status: 'error', message: 'boom', rows_affected: 0 })]);
    await owner('delete from job_runs where id = $1', [held[0].id]);
  });
});
