// All SQL of the job-run record (sql/migrations/0025_settings_jobs.sql). Row-level security keeps
// a tenant's runs to the tenant; runs of whole-installation jobs (tenant_id null) are seen by all.
import { sql } from '../db/sql.ts';

export const tenantIds = () => sql`select app.tenant_ids() as id`;

/** A run left 'running' by a process that ended (crash, restart) would block the job for ever. */
export const closeAbandoned = (job: string, tenantId: number | null, olderThanMinutes: number) =>
  sql`update job_runs set status = 'error', finished_at = now(), message = 'abandoned: the process ended while it ran'
       where job = ${job} and tenant_id is not distinct from ${tenantId} and status = 'running'
         and started_at < now() - make_interval(mins => ${olderThanMinutes})`;

/** Fails with a unique violation (job_runs_one_running) while a run of the job for the tenant is on. */
export const openRun = (job: string, tenantId: number | null, trigger: string, userId: number | null) =>
  sql`insert into job_runs (tenant_id, job, trigger, started_by) values (${tenantId}, ${job}, ${trigger}, ${userId}) returning id`;

/** A run that did not start because another one was on (recorded so the screen says why). */
export const insertSkipped = (job: string, tenantId: number | null, trigger: string, message: string) =>
  sql`insert into job_runs (tenant_id, job, trigger, status, finished_at, message, rows_affected)
      values (${tenantId}, ${job}, ${trigger}, 'skipped', now(), ${message}, 0) returning id`;

export const finishRun = (id: number, status: string, message: string | null, rows: number, detail: Record<string, unknown>) =>
  sql`update job_runs set status = ${status}, finished_at = clock_timestamp(), message = ${message}, rows_affected = ${rows},
             detail = ${JSON.stringify(detail)}::jsonb
       where id = ${id}`;

const RUN_COLUMNS = sql`r.id, r.job, r.tenant_id, r.trigger, r.started_by, u.display_name as started_by_name, r.started_at, r.finished_at,
  r.status, r.message, r.rows_affected, r.detail`;

export const runById = (id: number) =>
  sql`select ${RUN_COLUMNS} from job_runs r left join users u on u.tenant_id = r.tenant_id and u.id = r.started_by where r.id = ${id}`;

/** The latest run of each job for the tenant (or of the installation, for jobs that are not per tenant). */
export const latestRuns = (tenantId: number) =>
  sql`select distinct on (r.job) ${RUN_COLUMNS}
        from job_runs r left join users u on u.tenant_id = r.tenant_id and u.id = r.started_by
       where r.tenant_id = ${tenantId} or r.tenant_id is null
       order by r.job, r.started_at desc, r.id desc`;

export const runsOf = (job: string, tenantId: number, limit: number) =>
  sql`select ${RUN_COLUMNS}
        from job_runs r left join users u on u.tenant_id = r.tenant_id and u.id = r.started_by
       where r.job = ${job} and (r.tenant_id = ${tenantId} or r.tenant_id is null)
       order by r.started_at desc, r.id desc limit ${limit}`;
