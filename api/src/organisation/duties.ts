// Separation of duties (三员分立, MLPS level 3): the system, security and audit administrators are
// three built-in roles (api/src/auth/permissions.ts); no user may hold two of them, whether through
// positions or directly. Checked inside the writing transaction, after the change: any refusal
// rolls the whole change back.
import { writeAudit } from '../audit/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/scope.ts';
import { AppError } from '../http/errors.ts';
import * as q from './queries.ts';

const DUTY_NAMES: Record<string, string> = { system: 'system administrator', security: 'security administrator', audit: 'audit administrator' };
export const DUTY_ZH: Record<string, string> = { system: '系统管理员', security: '安全管理员', audit: '审计管理员' };

/** A refusal to combine duties, with the role codes involved (for the audit row). */
export class DutyConflictError extends AppError {
  constructor(status: number, code: string, message: string, field: string | undefined, readonly roles: string[]) {
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
    if (err instanceof DutyConflictError) {
      await writeAudit(app.db.pool, {
        tenantId: user.tenantId, userId: user.userId, action, objectType, objectId, ip, result: 'denied',
        detail: { reason: 'duty_conflict', roles: err.roles },
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
  throw new DutyConflictError(
    409,
    'duty_conflict',
    `separation of duties (三员分立): user ${first.username}${others} would be ${[...new Set(parts)].join(' and ')}; one user may hold only one of the system, security and audit administrator roles`,
    field,
    [...new Set(first.held.map((h) => h.role))].sort(),
  ).withZh(`三员分立：用户 ${first.username}${rows.length > 1 ? ` 等 ${rows.length} 人` : ''}将同时是${[...new Set(first.held.map((h) => DUTY_ZH[h.duty] ?? h.duty))].join('和')}；系统管理员、安全管理员、审计管理员一人只能担任其一`);
}
