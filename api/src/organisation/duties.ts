// Separation of duties (三员分立, MLPS level 3): the system, security and audit administrators are
// three built-in roles (api/src/auth/permissions.ts); no user may hold two of them, whether through
// positions or directly. Checked inside the writing transaction, after the change: any refusal
// rolls the whole change back.
//
// The system administrator keeps users and positions, so these rules keep that power away from the
// other two duties (docs/security.md):
//  - it gives the security or audit duty only while no active account holds it (the first ones of a
//    new tenant), one account at a time (`duty_held`);
//  - it does not edit, reset or disable an account holding either (`duty_account`): the system
//    operator does, with `npm run tenant -- reset-password | duty` (api/src/tenants);
//  - no change leaves a duty without an active holder (`last_duty_holder`), and nobody removes a
//    duty from themselves (`own_duty`).
import { writeAudit } from '../audit/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/scope.ts';
import { AppError } from '../http/errors.ts';
import * as q from './queries.ts';

export const DUTY_NAMES: Record<string, string> = { system: 'system administrator', security: 'security administrator', audit: 'audit administrator' };
export const DUTY_ZH: Record<string, string> = { system: '系统管理员', security: '安全管理员', audit: '审计管理员' };
/** The built-in role of each duty. */
export const DUTY_ROLE: Record<string, string> = { system: 'admin', security: 'security_admin', audit: 'audit_admin' };
/** The duties the system administrator must not take over. */
export const GUARDED_DUTIES = ['security', 'audit'];

/** What the system operator runs instead (api/src/tenants/cli.ts). */
export const OPERATOR_COMMANDS = 'npm run tenant -- reset-password --code CODE --user USERNAME, or npm run tenant -- duty --code CODE --role ROLE --user USERNAME';

/** A refusal by a separation-of-duties rule, with the role codes involved (for the audit row). */
export class DutyRuleError extends AppError {
  constructor(status: number, code: string, message: string, field: string | undefined, readonly roles: string[], readonly reason = code) {
    super(status, code, message, field);
  }
}

/**
 * Runs a change; a duty refusal is audited as denied in a transaction of its own (the change's
 * transaction has rolled back) and rethrown.
 */
export async function auditingDutyRefusal<T>(
  app: AppContext, user: Principal, action: string, objectType: string, objectId: number | undefined, ip: string | null, fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DutyRuleError) {
      await writeAudit(app.db.pool, {
        tenantId: user.tenantId, userId: user.userId, action, objectType, objectId, ip, result: 'denied',
        detail: { reason: err.reason, roles: err.roles },
      });
    }
    throw err;
  }
}

interface Held {
  duty: string;
  role: string;
  roleName: string;
  position: string | null;
}

/** 409 `duty_conflict` naming the user and the roles (and positions) that would combine duties. */
export async function assertNoDutyConflict(tx: Tx, tenantId: number, userIds: number[], field: string): Promise<void> {
  if (!userIds.length) return;
  const rows = await tx.rows<{ user_id: string; username: string; held: Held[] }>(q.dutyConflicts(tenantId, userIds));
  const first = rows[0];
  if (!first) return;
  const parts = first.held.map((h) => `${DUTY_NAMES[h.duty]} (role ${h.role}${h.position ? ` via position ${h.position}` : ''})`);
  const others = rows.length > 1 ? ` and ${rows.length - 1} more user(s)` : '';
  throw new DutyRuleError(
    409,
    'duty_conflict',
    `separation of duties (三员分立): user ${first.username}${others} would be ${[...new Set(parts)].join(' and ')}; one user may hold only one of the system, security and audit administrator roles`,
    field,
    [...new Set(first.held.map((h) => h.role))].sort(),
  ).withZh(`三员分立：用户 ${first.username}${rows.length > 1 ? ` 等 ${rows.length} 人` : ''}将同时是${[...new Set(first.held.map((h) => DUTY_ZH[h.duty] ?? h.duty))].join('和')}；系统管理员、安全管理员、审计管理员一人只能担任其一`);
}

/** The active holders of each duty: duty → user id → username. */
export type DutyHolders = Map<string, Map<number, string>>;

/** Takes the tenant's organisation lock and reads who holds each duty now. */
export async function dutyHolders(tx: Tx, tenantId: number): Promise<DutyHolders> {
  await tx.query(q.lockOrganisation(tenantId));
  const holders: DutyHolders = new Map(Object.keys(DUTY_NAMES).map((d) => [d, new Map()]));
  for (const r of await tx.rows<{ user_id: string; username: string; duty: string }>(q.dutyHolders(tenantId))) {
    holders.get(r.duty)?.set(Number(r.user_id), r.username);
  }
  return holders;
}

const names = (m: Map<number, string>) => [...m.values()].join(', ');

/** 409 `duty_held`: the system administrator gives a security or audit duty only while nobody holds it. */
function dutyHeld(duty: string, holders: Map<number, string>, field: string | undefined): DutyRuleError {
  const en = DUTY_NAMES[duty];
  const zh = DUTY_ZH[duty];
  const err = holders.size
    ? new DutyRuleError(409, 'duty_held', `separation of duties (三员分立): the ${en} duty is held by ${names(holders)}; the system administrator gives it only while no active account holds it (the system operator moves it: npm run tenant -- duty)`, field, [DUTY_ROLE[duty]])
      .withZh(`三员分立：${zh}职责已由 ${names(holders)} 担任；系统管理员只能在没有启用账号担任该职责时授予它（如需更换，由系统运维人员执行 npm run tenant -- duty）`)
    : new DutyRuleError(409, 'duty_held', `separation of duties (三员分立): the system administrator gives the ${en} duty to one account only`, field, [DUTY_ROLE[duty]])
      .withZh(`三员分立：系统管理员只能把${zh}职责授予一个账号`);
  return err;
}

/**
 * After a change: no duty the caller held is gone from them (`own_duty`), no duty that had an
 * active holder has none (`last_duty_holder`), and a security or audit duty was given to a new
 * account only if nobody held it, to one account (`duty_held`).
 */
export async function assertDutyRules(tx: Tx, tenantId: number, callerId: number, before: DutyHolders, field: string | undefined): Promise<void> {
  const after = await dutyHolders(tx, tenantId);
  for (const [duty, was] of before) {
    const now = after.get(duty)!;
    if (was.has(callerId) && !now.has(callerId)) {
      throw new DutyRuleError(409, 'own_duty', `you cannot remove the ${DUTY_NAMES[duty]} duty from yourself`, field, [DUTY_ROLE[duty]])
        .withZh(`不能取消自己的${DUTY_ZH[duty]}职责`);
    }
    if (was.size && !now.size) {
      throw new DutyRuleError(409, 'last_duty_holder', `separation of duties (三员分立): this change would leave the ${DUTY_NAMES[duty]} duty without an active holder (now ${names(was)})`, field, [DUTY_ROLE[duty]])
        .withZh(`三员分立：此操作会使${DUTY_ZH[duty]}职责无人担任（现由 ${names(was)} 担任）`);
    }
  }
  for (const duty of GUARDED_DUTIES) {
    const was = before.get(duty)!;
    const gained = [...after.get(duty)!.keys()].filter((id) => !was.has(id));
    if (gained.length && (was.size || gained.length > 1)) throw dutyHeld(duty, was, field);
  }
}

/** 409 `duty_held` when a security or audit role is added to a position while that duty has a holder. */
export function assertNotAddingHeldDuty(added: { duty: string | null }[], before: DutyHolders, field: string): void {
  for (const r of added) {
    if (r.duty && GUARDED_DUTIES.includes(r.duty) && before.get(r.duty)!.size) throw dutyHeld(r.duty, before.get(r.duty)!, field);
  }
}

/** 403 `duty_account`: the security and audit administrators' accounts are the system operator's to handle. */
export async function assertNotDutyAccount(tx: Tx, tenantId: number, userId: number, username: string): Promise<void> {
  const duty = (await tx.rows<{ duty: string }>(q.dutiesAssigned(tenantId, userId))).map((r) => r.duty).find((d) => GUARDED_DUTIES.includes(d));
  if (!duty) return;
  throw new DutyRuleError(403, 'duty_account',
    `separation of duties (三员分立): ${username} holds the ${DUTY_NAMES[duty]} duty; the system administrator cannot edit, reset or disable that account — the system operator does, with ${OPERATOR_COMMANDS}`,
    undefined, [DUTY_ROLE[duty]])
    .withZh(`三员分立：${username} 担任${DUTY_ZH[duty]}，系统管理员不能编辑、重置或停用该账号；由系统运维人员执行 npm run tenant -- reset-password 或 npm run tenant -- duty 处理`);
}
