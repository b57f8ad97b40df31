// The audit trail, appended through a security-definer function: inside the business transaction
// for a change (auditTx: the record and the change commit or fail together), or in a transaction
// of its own for reads, refusals and failures (writeAudit: recorded even when the action's own
// transaction rolls back). Rows are hash-chained per tenant (migration 0032).
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { oneShot, type Tx } from '../db/scope.ts';
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
 * The client address of the request being served (set by http/client-ip.ts for each request): a
 * record that does not give its own address takes the request's, so no route can forget it.
 * Scheduled jobs run outside any request and record none.
 */
export const requestAddress = new AsyncLocalStorage<string | null>();

const withAddress = (e: AuditEntry): AuditEntry => (e.ip === undefined || e.ip === null ? { ...e, ip: requestAddress.getStore() ?? null } : e);

/**
 * Appends inside the caller's open transaction, with its commit (the tenant's chain head is locked
 * from the append to the commit, so the append waits for the commit's own round trip): if the
 * record cannot be written, the change is not either.
 */
export async function auditTx(tx: Tx, e: AuditEntry): Promise<void> {
  tx.atCommit(q.appendStatement(withAddress(e)));
}

/** Appends in a transaction of its own, in one round trip. */
export async function writeAudit(pool: pg.Pool, e: AuditEntry): Promise<void> {
  await oneShot(pool, q.appendStatement(withAddress(e)));
}
