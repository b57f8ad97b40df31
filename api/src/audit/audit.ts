// The audit trail, appended through a security-definer function: inside the business transaction
// for a change (auditTx: the record and the change commit or fail together), or in a transaction
// of its own for reads, refusals and failures (writeAudit: recorded even when the action's own
// transaction rolls back). Rows are hash-chained per tenant (migration 0032).
import type pg from 'pg';
import { withoutCaller, type Tx } from '../db/scope.ts';
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

/**
 * Appends inside the caller's open transaction, as its last statement (the tenant's chain head
 * stays locked until commit): if the record cannot be written, the change is not either.
 */
export async function auditTx(tx: Tx, e: AuditEntry): Promise<void> {
  await tx.query(q.append(e));
}

export function writeAudit(pool: pg.Pool, e: AuditEntry): Promise<void> {
  return withoutCaller(pool, async (tx) => {
    await tx.query(q.append(e));
  });
}
