// Scheduled jobs with a record of every run: the scheduler, the list for the settings screen and
// "run now". A run is recorded in its own short transactions around the work (opened as running,
// finished with the outcome), so a failed run is recorded and a running one is visible.
import cron, { type ScheduledTask } from 'node-cron';
import { auditTx, writeAudit } from '../audit/audit.ts';
import { type Principal, tenantCaller } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { withoutCaller, withScope, type Tx } from '../db/scope.ts';
import { AppError, notFound } from '../http/errors.ts';
import * as q from './queries.ts';
import { JOBS, jobNamed, nextRun, type JobDefinition, type Outcome } from './registry.ts';

/** A run still 'running' after this long was left by a process that ended. */
const ABANDONED_AFTER_MINUTES = 60;

type Trigger = 'schedule' | 'manual';
type Row = Record<string, any>;

export const runView = (r: Row) => ({
  id: r.id,
  job: r.job,
  trigger: r.trigger,
  startedBy: r.started_by ? { id: r.started_by, name: r.started_by_name ?? null } : null,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  status: r.status as 'running' | 'ok' | 'error' | 'skipped',
  message: r.message,
  rowsAffected: r.rows_affected,
  detail: r.detail,
});
export type RunView = ReturnType<typeof runView>;

/**
 * A run of the whole installation as a tenant sees it: when and how it ended, not its counts, which
 * add up every tenant's rows.
 */
const tenantView = (r: Row) => (r.tenant_id == null ? { ...runView(r), rowsAffected: null, detail: null } : runView(r));

/** The tenant alone as caller (its own runs), or no caller for runs of the whole installation. */
function asOwner<T>(app: AppContext, tenantId: number | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return tenantId == null ? withoutCaller(app.db.pool, fn) : withScope(app.db.pool, tenantCaller(tenantId), fn);
}

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

class AlreadyRunning extends AppError {
  constructor(job: string) {
    super(409, 'job_running', `${job} is running; wait for it to finish`, 'name');
    this.withZh(`${job} 正在运行，请等待其完成`);
  }
}

/** Opens the run record; AlreadyRunning while another run of the job for the tenant is on. */
async function openRun(app: AppContext, job: string, tenantId: number | null, trigger: Trigger, userId: number | null): Promise<number> {
  await asOwner(app, tenantId, (tx) => tx.query(q.closeAbandoned(job, tenantId, ABANDONED_AFTER_MINUTES)));
  try {
    return await asOwner(app, tenantId, async (tx) => {
      const { id } = (await tx.one<{ id: number }>(q.openRun(job, tenantId, trigger, userId)))!;
      // A run started by a person is audited as it opens, in its transaction: no run without its
      // record, even if the process ends before the run does (job.run records how it ended).
      if (userId != null && tenantId != null) {
        await auditTx(tx, { tenantId, userId, action: 'job.start', objectType: 'job', objectId: job, result: 'ok', detail: { runId: id } });
      }
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AlreadyRunning(job);
    throw err;
  }
}

/** Runs a job for one tenant (or the installation) and records the run; resolves to the finished run. */
export async function runRecorded(app: AppContext, def: JobDefinition, tenantId: number | null, trigger: Trigger, userId: number | null = null): Promise<RunView> {
  const id = await openRun(app, def.name, tenantId, trigger, userId);
  let outcome: Outcome;
  try {
    outcome = await def.run(app, tenantId);
  } catch (err) {
    app.log.error({ err, job: def.name, tenantId }, 'job failed');
    outcome = { status: 'error', message: String((err as Error)?.message ?? err).slice(0, 2000), rows: 0, detail: {} };
  }
  return asOwner(app, tenantId, async (tx) => {
    await tx.query(q.finishRun(id, outcome.status, outcome.message, outcome.rows, outcome.detail));
    // Every run of a tenant's job, scheduled or by hand, is audited with the record of how it ended
    // (a job of the whole installation has no tenant's chain to join; its run record stands alone).
    if (tenantId != null) {
      await auditTx(tx, {
        tenantId, userId, action: 'job.run', objectType: 'job', objectId: def.name, result: outcome.status === 'error' ? 'error' : 'ok',
        detail: { runId: id, trigger, status: outcome.status, rowsAffected: outcome.rows, message: outcome.message },
      });
    }
    return runView((await tx.one(q.runById(id)))!);
  });
}

/** A scheduled run of a job: every tenant in turn for a per-tenant job, one failure not stopping the others. */
export async function runScheduled(app: AppContext, def: JobDefinition): Promise<RunView[]> {
  const tenants: (number | null)[] = def.perTenant
    ? (await withoutCaller(app.db.pool, (tx) => tx.rows<{ id: number }>(q.tenantIds()))).map((r) => r.id)
    : [null];
  const runs: RunView[] = [];
  for (const t of tenants) {
    try {
      runs.push(await runRecorded(app, def, t, 'schedule'));
    } catch (err) {
      if (!(err instanceof AlreadyRunning)) {
        app.log.error({ err, job: def.name, tenantId: t }, 'job run could not be recorded');
        continue;
      }
      // A "run now" is on for this tenant: say so in the record rather than run twice.
      const row = await asOwner(app, t, async (tx) => {
        const { id } = (await tx.one<{ id: number }>(q.insertSkipped(def.name, t, 'schedule', 'a run started by hand was still running')))!;
        return tx.one(q.runById(id));
      });
      runs.push(runView(row!));
    }
  }
  return runs;
}

/** The jobs as the settings screen shows them: schedule, the caller's tenant's last run, the next run. */
export async function listJobs(app: AppContext, user: Principal, now = new Date()) {
  const latest = await asOwner(app, user.tenantId, (tx) => tx.rows(q.latestRuns(user.tenantId)));
  return JOBS.map((def) => {
    const last = latest.find((r) => r.job === def.name);
    return {
      name: def.name,
      schedule: def.schedule,
      perTenant: def.perTenant,
      description: def.description,
      lastRun: last ? tenantView(last) : null,
      running: last?.status === 'running',
      timeZone: app.config.jobsTimeZone,
      nextRun: nextRun(def.schedule, now, app.config.jobsTimeZone),
    };
  });
}

export async function listRuns(app: AppContext, user: Principal, name: string, limit: number) {
  if (!jobNamed(name)) throw notFound('job');
  const rows = await asOwner(app, user.tenantId, (tx) => tx.rows(q.runsOf(name, user.tenantId, limit)));
  return rows.map(tenantView);
}

/** "Run now": the caller's tenant for a per-tenant job, the installation otherwise; 409 while it runs. Audited. */
export async function runNow(app: AppContext, user: Principal, name: string): Promise<RunView> {
  const def = jobNamed(name);
  if (!def) throw notFound('job');
  // A job of the whole installation acts on every tenant: no tenant's administrator starts it.
  if (!def.perTenant) throw new AppError(403, 'installation_job', `${name} runs for the whole installation on its schedule; a tenant cannot start it`)
    .withZh(`${name} 是全系统的定时任务，按计划自动运行，单个租户不能手动启动`);
  try {
    // (the run is audited as it opens and as it ends, in runRecorded's transactions)
    return await runRecorded(app, def, user.tenantId, 'manual', user.userId);
  } catch (err) {
    if (err instanceof AlreadyRunning) {
      await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'job.run', objectType: 'job', objectId: name, result: 'error', detail: { refused: 'running' } });
    }
    throw err;
  }
}

/** Schedules every job (noOverlap: a run still going when the next is due is skipped by node-cron). */
export function startJobs(app: AppContext): { stop(): Promise<void> } {
  const tasks: ScheduledTask[] = [];
  for (const def of JOBS) {
    const fire = () => runScheduled(app, def).then(
      (runs) => {
        const rows = runs.reduce((n, r) => n + (r.rowsAffected ?? 0), 0);
        if (rows) app.log.info({ job: def.name, rows, runs: runs.length }, 'job ran');
      },
      (err) => app.log.error({ err, job: def.name }, 'job failed'),
    );
    tasks.push(cron.schedule(def.schedule, fire, { name: def.name, noOverlap: true, timezone: app.config.jobsTimeZone }));
    if (def.atStart) void fire();
  }
  return {
    async stop() {
      for (const t of tasks) await t.destroy();
    },
  };
}
