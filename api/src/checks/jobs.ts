// Scheduled work of checks: today's check tasks from the rules, and tasks for overdue
// self-reports. Each runs per tenant in one transaction under a transaction-level advisory lock,
// so a second run at the same time (another API instance) skips the tenant, and the dedupe keys
// make a later run create nothing twice.
import type { AppContext } from '../context.ts';
import { withTenantScope, withoutCaller, type Tx } from '../db/scope.ts';
import * as q from './queries.ts';
import { loadRules } from './rules.ts';

const LOCK_CHECK_TASKS = 7_301_009;
const LOCK_OVERDUE = 7_301_010;

export interface JobRun {
  tenantId: number;
  /** Another run held the tenant's lock. */
  skipped: boolean;
  created: number;
  cancelled: number;
  error?: string;
}

async function tenantsOf(app: AppContext, tenantId?: number): Promise<number[]> {
  if (tenantId !== undefined) return [tenantId];
  return (await withoutCaller(app.db.pool, (tx) => tx.rows<{ id: number }>(q.tenantIds()))).map((r) => r.id);
}

async function perTenant(app: AppContext, job: string, lock: number, tenantId: number | undefined,
  work: (tx: Tx, tenantId: number) => Promise<{ created: number; cancelled: number }>): Promise<JobRun[]> {
  const runs: JobRun[] = [];
  for (const t of await tenantsOf(app, tenantId)) {
    try {
      runs.push(await withTenantScope(app.db.pool, t, async (tx) => {
        const got = await tx.one<{ locked: boolean }>(q.tryJobLock(lock, t));
        if (!got?.locked) return { tenantId: t, skipped: true, created: 0, cancelled: 0 };
        await loadRules(tx, t);
        return { tenantId: t, skipped: false, ...(await work(tx, t)) };
      }));
    } catch (err) {
      // One tenant's failure must not stop the others; the next run retries it.
      app.log.error({ err, job, tenantId: t }, 'check job failed for a tenant');
      runs.push({ tenantId: t, skipped: false, created: 0, cancelled: 0, error: (err as Error).message });
    }
  }
  return runs;
}

/** Creates today's check tasks (per the rules) and cancels those of persons no longer observed. */
export function generateCheckTasks(app: AppContext, tenantId?: number, now = new Date()): Promise<JobRun[]> {
  return perTenant(app, 'check-tasks', LOCK_CHECK_TASKS, tenantId, async (tx, t) => {
    const cancelled = (await tx.rows(q.cancelStaleCheckTasks(t))).length;
    const created = (await tx.rows(q.generateCheckTasks(t, now))).length;
    return { created, cancelled };
  });
}

/** Opens a task for the grid worker of each bound resident whose self-report is overdue. */
export function flagOverdueSelfReports(app: AppContext, now = new Date(), tenantId?: number): Promise<JobRun[]> {
  return perTenant(app, 'self-report-overdue', LOCK_OVERDUE, tenantId, async (tx, t) => ({
    created: (await tx.rows(q.flagOverdueSelfReports(t, now))).length,
    cancelled: 0,
  }));
}

// Scheduled, recorded and run on demand through api/src/jobs (registry.ts).
