// The scheduled jobs, declared once: name, schedule, whether they act per tenant, and the work.
// The scheduler (service.ts startJobs), the settings screen (GET /api/jobs) and "run now" all read
// this list.
import cron from 'node-cron';
import { flagOverdueSelfReports, generateCheckTasks, type JobRun } from '../checks/jobs.ts';
import type { AppContext } from '../context.ts';
import { zoneOffsetMs } from '../time-zone.ts';
import { anonymiseEnded, purgeExpired, RETENTION } from '../housekeeping/jobs.ts';

export interface Outcome {
  status: 'ok' | 'error' | 'skipped';
  message: string | null;
  rows: number;
  detail: Record<string, unknown>;
}

export interface JobDefinition {
  name: string;
  /** node-cron pattern, read in the configured jobs time zone (JOBS_TIME_ZONE). */
  schedule: string;
  /** Acts for one tenant at a time (run now acts for the caller's tenant); else for the whole installation. */
  perTenant: boolean;
  description: string;
  /** Runs once when the server starts too. */
  atStart?: boolean;
  run(app: AppContext, tenantId: number | null): Promise<Outcome>;
}

/** One tenant's result of a check job (checks/jobs.ts runs it under the tenant's advisory lock). */
function outcomeOf(run: JobRun | undefined): Outcome {
  if (!run) return { status: 'error', message: 'the tenant was not found', rows: 0, detail: {} };
  const detail = { created: run.created, cancelled: run.cancelled };
  if (run.error) return { status: 'error', message: run.error.slice(0, 2000), rows: 0, detail };
  if (run.skipped) return { status: 'skipped', message: 'another instance was running it for this tenant', rows: 0, detail };
  return { status: 'ok', message: null, rows: run.created + run.cancelled, detail };
}

const tenantOf = (tenantId: number | null): number => {
  if (tenantId == null) throw new Error('a per-tenant job needs a tenant');
  return tenantId;
};

export const JOBS: readonly JobDefinition[] = [
  {
    name: 'check-tasks',
    schedule: '5 * * * *',
    perTenant: true,
    atStart: true,
    description: 'Creates today\'s check tasks from the check rules and cancels those of persons no longer checked',
    run: async (app, t) => outcomeOf((await generateCheckTasks(app, tenantOf(t)))[0]),
  },
  {
    name: 'self-report-overdue',
    schedule: '*/15 * * * *',
    perTenant: true,
    description: 'Opens a task for the grid worker of each bound resident whose self-report is overdue',
    run: async (app, t) => outcomeOf((await flagOverdueSelfReports(app, new Date(), tenantOf(t)))[0]),
  },
  {
    name: 'housekeeping',
    schedule: '20 * * * *',
    perTenant: false,
    description: `Purges live events (${RETENTION.liveHours} h), idempotency keys (${RETENTION.idempotencyDays} days) and SMS codes (${RETENTION.smsHours} h) of all tenants`,
    run: async (app) => {
      const purged = await purgeExpired(app);
      return { status: 'ok', message: null, rows: purged.live_events + purged.idempotency_keys + purged.sms_codes, detail: { ...purged } };
    },
  },
  {
    name: 'anonymise',
    schedule: '40 3 * * *',
    perTenant: true,
    description: 'Removes the personal data of persons whose case ended (released, or closed as mistaken) more than ANONYMISE_AFTER_DAYS ago (default 180), keeping the statistics',
    run: async (app, t) => {
      const persons = await anonymiseEnded(app, tenantOf(t));
      return { status: 'ok', message: null, rows: persons, detail: { persons, afterDays: app.config.anonymiseAfterDays } };
    },
  },
];

export const jobNamed = (name: string): JobDefinition | undefined => JOBS.find((j) => j.name === name);

/**
 * The next time a pattern fires after `from`, the pattern read as wall-clock time in `timeZone`
 * (minute precision, a year ahead). Day of month and day of week are both required to match (no
 * pattern here restricts both). A wall time that a daylight-saving change skips does not fire.
 */
export function nextRun(pattern: string, from: Date, timeZone: string): Date | null {
  const f = cron.parse(pattern);
  // `wall` holds the zone's wall clock in its UTC fields.
  const wall = new Date(from.getTime() + zoneOffsetMs(timeZone, from));
  wall.setUTCSeconds(0, 0);
  for (let i = 0; i < 366 * 24 * 60; i++) {
    wall.setUTCMinutes(wall.getUTCMinutes() + 1);
    if (!f.month.includes(wall.getUTCMonth() + 1) || !f.dayOfMonth.includes(wall.getUTCDate()) || !f.dayOfWeek.includes(wall.getUTCDay())) {
      // Skip the rest of a day that cannot match.
      wall.setUTCHours(23, 59);
      continue;
    }
    if (!f.hour.includes(wall.getUTCHours()) || !f.minute.includes(wall.getUTCMinutes())) continue;
    const guess = new Date(wall.getTime() - zoneOffsetMs(timeZone, wall));
    const at = new Date(wall.getTime() - zoneOffsetMs(timeZone, guess));
    if (at > from && at.getTime() + zoneOffsetMs(timeZone, at) === wall.getTime()) return at;
  }
  return null;
}
