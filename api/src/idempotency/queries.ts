// All SQL of idempotent submissions.
import { sql } from '../db/sql.ts';

/** Claims a key; returns a row only when this request is the first with it. */
export const claim = (tenantId: number, actor: string, key: string, hash: Buffer) =>
  sql`insert into idempotency_keys (tenant_id, actor, key, request_hash) values (${tenantId}, ${actor}, ${key}, ${hash})
      on conflict do nothing returning key`;

export const find = (tenantId: number, actor: string, key: string) =>
  sql`select request_hash, status, response, applied_at, extract(epoch from now() - created_at)::float8 as age
        from idempotency_keys where tenant_id = ${tenantId} and actor = ${actor} and key = ${key}`;

export const complete = (tenantId: number, actor: string, key: string, status: number, response: unknown) =>
  sql`update idempotency_keys set status = ${status}, response = ${JSON.stringify(response ?? null)}::jsonb
       where tenant_id = ${tenantId} and actor = ${actor} and key = ${key}`;

/** A failed request whose change had committed: its key answers that it was applied. */
export const completeIfApplied = (tenantId: number, actor: string, key: string, response: unknown) =>
  sql`update idempotency_keys set status = 200, response = ${JSON.stringify(response)}::jsonb
       where tenant_id = ${tenantId} and actor = ${actor} and key = ${key} and applied_at is not null and status is null`;

/** Frees a key whose request failed before changing anything (an applied key is never freed). */
export const release = (tenantId: number, actor: string, key: string) =>
  sql`delete from idempotency_keys where tenant_id = ${tenantId} and actor = ${actor} and key = ${key} and applied_at is null`;

/** An abandoned claim (its request died) may be taken over. */
export const reclaim = (tenantId: number, actor: string, key: string, hash: Buffer, staleSeconds: number) =>
  sql`update idempotency_keys set created_at = now()
       where tenant_id = ${tenantId} and actor = ${actor} and key = ${key} and request_hash = ${hash}
         and status is null and applied_at is null and created_at < now() - make_interval(secs => ${staleSeconds})
      returning key`;

/**
 * Inside the request's transaction, before it commits: the key is applied — only when that
 * transaction has written something (a transaction that only read assigns no transaction id).
 */
export const markApplied = (tenantId: number, actor: string, key: string) =>
  sql`update idempotency_keys set applied_at = now()
       where tenant_id = ${tenantId} and actor = ${actor} and key = ${key} and applied_at is null
         and txid_current_if_assigned() is not null`;
