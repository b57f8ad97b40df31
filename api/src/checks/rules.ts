// Check rules of a tenant (one row, created with the defaults on first use) and what makes a
// reading abnormal.
import { auditTx } from '../audit/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { withTenantScope, type Tx, type Scoped } from '../db/scope.ts';
import { badRequest } from '../http/errors.ts';
import * as q from './queries.ts';
import type { CheckRules, OverdueRelease } from './schema.ts';

export interface Rules extends CheckRules {
  checksPerDay: number;
  updatedAt: Date;
}

interface RulesRow {
  statuses: CheckRules['statuses'];
  check_times: string[];
  observation_days: number;
  fever_threshold: number;
  self_report_overdue_hours: number;
  referral_due_hours: number;
  timezone: string;
  updated_at: Date;
}

async function loadRow(tx: Tx, tenantId: number): Promise<RulesRow> {
  let row = await tx.one<RulesRow>(q.rulesOf(tenantId));
  if (!row) {
    await tx.query(q.ensureRules(tenantId));
    row = (await tx.one<RulesRow>(q.rulesOf(tenantId)))!;
  }
  return row;
}

/** The tenant's rules, inserting the defaults of the table when the tenant has none yet. */
export async function loadRules(tx: Tx, tenantId: number): Promise<Rules> {
  const row = await loadRow(tx, tenantId);
  return {
    statuses: row.statuses,
    checkTimes: row.check_times,
    checksPerDay: row.check_times.length,
    observationDays: row.observation_days,
    feverThreshold: row.fever_threshold,
    selfReportOverdueHours: row.self_report_overdue_hours,
    timezone: row.timezone,
    updatedAt: row.updated_at,
  };
}

export function getRules(app: AppContext, scoped: Scoped, user: Principal): Promise<Rules> {
  return scoped((tx) => loadRules(tx, user.tenantId));
}

/** What an audit entry keeps of the rules: the settable values, without derived fields. */
const auditedRules = ({ checksPerDay, updatedAt, ...r }: Rules): CheckRules => r;

async function checkTimeZone(tx: Tx, timezone: string): Promise<void> {
  // The database must know the zone too, since it turns local check times into instants.
  const tz = await tx.one<{ ok: boolean }>(q.timeZoneKnown(timezone));
  if (!tz?.ok) throw badRequest(`timezone ${timezone} is not known to the database`, 'timezone').withZh(`无法识别时区 ${timezone}`);
}

export async function putRules(app: AppContext, scoped: Scoped, user: Principal, input: CheckRules): Promise<Rules> {
  const { before, after } = await scoped(async (tx) => {
    await checkTimeZone(tx, input.timezone);
    const before = await loadRules(tx, user.tenantId);
    await tx.query(q.updateRules(user.tenantId, user.userId, input));
    const after = await loadRules(tx, user.tenantId);
    await auditTx(tx, {
      tenantId: user.tenantId, userId: user.userId, action: 'check_rules.update', objectType: 'check_rules', objectId: user.tenantId,
      result: 'ok', detail: { before: auditedRules(before), after: auditedRules(after) },
    });
    return { before, after };
  });
  return after;
}

export interface RulesPreview {
  /** Today in the rules' time zone: the day a run now makes tasks for. */
  day: string;
  /** Check tasks of today under the rules (one per person and slot), made already or not. */
  slotsToday: number;
  persons: number;
  /** Tasks a run now would create (slots of today not made yet). */
  wouldCreate: number;
  /** Open check tasks a run now would cancel (persons no longer checked under the rules). */
  wouldCancel: number;
}

/**
 * How many check tasks the given (unsaved) rules would make now, from the job's own query, read
 * tenant-wide like the job (the rules are the tenant's) and without writing.
 */
export async function previewRules(app: AppContext, scoped: Scoped, user: Principal, input: CheckRules, now = new Date()): Promise<RulesPreview> {
  await scoped((tx) => checkTimeZone(tx, input.timezone));
  const row = await withTenantScope(app.db.pool, user.tenantId, (tx) =>
    tx.one<{ day: string; slots_today: number; persons: number; would_create: number; would_cancel: number }>(
      q.previewCheckTasks(user.tenantId, q.givenRules(user.tenantId, input), now)),
  );
  return {
    day: row!.day, slotsToday: row!.slots_today, persons: row!.persons, wouldCreate: row!.would_create, wouldCancel: row!.would_cancel,
  };
}

export interface OverdueReleaseSettings extends OverdueRelease {
  updatedAt: Date;
}

const overdueReleaseOf = (r: RulesRow): OverdueReleaseSettings => ({
  selfReportOverdueHours: r.self_report_overdue_hours,
  referralDueHours: r.referral_due_hours,
  observationDays: r.observation_days,
  updatedAt: r.updated_at,
});

export function getOverdueRelease(app: AppContext, scoped: Scoped, user: Principal): Promise<OverdueReleaseSettings> {
  return scoped(async (tx) => overdueReleaseOf(await loadRow(tx, user.tenantId)));
}

export async function putOverdueRelease(app: AppContext, scoped: Scoped, user: Principal, input: OverdueRelease): Promise<OverdueReleaseSettings> {
  const { before, after } = await scoped(async (tx) => {
    const before = overdueReleaseOf(await loadRow(tx, user.tenantId));
    await tx.query(q.updateOverdueRelease(user.tenantId, user.userId, input));
    const after = overdueReleaseOf(await loadRow(tx, user.tenantId));
    const values = ({ updatedAt, ...v }: OverdueReleaseSettings) => v;
    await auditTx(tx, {
      tenantId: user.tenantId, userId: user.userId, action: 'overdue_release.update', objectType: 'tenant_settings', objectId: user.tenantId,
      result: 'ok', detail: { before: values(before), after: values(after) },
    });
    return { before, after };
  });
  return after;
}

export interface Reading {
  fever: boolean;
  cough: boolean;
  fatigue: boolean;
  shortBreath: boolean;
  temperature: number;
}

/** Why a reading is abnormal (empty when it is not): temperature at or above the threshold, or any symptom. */
export function abnormalities(r: Reading, feverThreshold: number): string[] {
  const why: string[] = [];
  // Compare in tenths of a degree: 37.3 must count as 37.3 whatever the float says.
  if (Math.round(r.temperature * 10) >= Math.round(feverThreshold * 10)) why.push(`体温${r.temperature.toFixed(1)}℃`);
  if (r.fever) why.push('发热');
  if (r.cough) why.push('咳嗽');
  if (r.fatigue) why.push('乏力');
  if (r.shortBreath) why.push('气促');
  return why;
}
