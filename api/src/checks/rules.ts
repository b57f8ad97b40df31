// Check rules of a tenant (one row, created with the defaults on first use) and what makes a
// reading abnormal.
import { writeAudit } from '../audit/audit.ts';
import { callerOf, type Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { withScope, type Tx } from '../db/scope.ts';
import { badRequest } from '../http/errors.ts';
import * as q from './queries.ts';
import type { CheckRules } from './schema.ts';

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
  timezone: string;
  updated_at: Date;
}

/** The tenant's rules, inserting the defaults of the table when the tenant has none yet. */
export async function loadRules(tx: Tx, tenantId: number): Promise<Rules> {
  let row = await tx.one<RulesRow>(q.rulesOf(tenantId));
  if (!row) {
    await tx.query(q.ensureRules(tenantId));
    row = (await tx.one<RulesRow>(q.rulesOf(tenantId)))!;
  }
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

export function getRules(app: AppContext, user: Principal): Promise<Rules> {
  return withScope(app.db.pool, callerOf(user), (tx) => loadRules(tx, user.tenantId));
}

export async function putRules(app: AppContext, user: Principal, input: CheckRules): Promise<Rules> {
  const rules = await withScope(app.db.pool, callerOf(user), async (tx) => {
    // The database must know the zone too, since it turns local check times into instants.
    const tz = await tx.one<{ ok: boolean }>(q.timeZoneKnown(input.timezone));
    if (!tz?.ok) throw badRequest(`timezone ${input.timezone} is not known to the database`, 'timezone');
    await loadRules(tx, user.tenantId);
    await tx.query(q.updateRules(user.tenantId, user.userId, input));
    return loadRules(tx, user.tenantId);
  });
  await writeAudit(app.db.pool, {
    tenantId: user.tenantId, userId: user.userId, action: 'check_rules.update', objectType: 'check_rules', objectId: user.tenantId,
    result: 'ok', detail: { ...input },
  });
  return rules;
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
