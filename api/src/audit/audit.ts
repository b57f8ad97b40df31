// The audit trail: appended through a security-definer function in its own transaction, so a
// denied or failed action is recorded even when the action's own transaction rolls back.
import type pg from 'pg';
import { withoutCaller } from '../db/scope.ts';
import * as q from './queries.ts';

export interface AuditEntry {
  tenantId: number;
  userId: number | null;
  action: string;
  objectType?: string;
  objectId?: string | number;
  ip?: string | null;
  result: 'ok' | 'denied' | 'error';
  detail?: Record<string, unknown>;
}

export function writeAudit(pool: pg.Pool, e: AuditEntry): Promise<void> {
  return withoutCaller(pool, async (tx) => {
    await tx.query(q.append(e));
  });
}
