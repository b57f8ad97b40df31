// All SQL of idempotent submissions.
import { literal } from '../db/scope.ts';
import { sql } from '../db/sql.ts';

// The claim, the mark and the completion run on every submission: they are oneShot statements and a
// commit hook (escaped literals, one round trip each) rather than parameterised queries.
const keyOf = (tenantId: number, actor: string, key: string) =>
  `tenant_id = ${literal(tenantId)}::int and actor = ${literal(actor)} and key = ${literal(key)}`;

/** Claims a key; returns a row only when this request is the first with it. */
export const claim = (tenantId: number, actor: string, key: string, hash: Buffer) =>
  `insert into idempotency_keys (tenant_id, actor, key, request_hash)
   values (${literal(tenantId)}::int, ${literal(actor)}, ${literal(key)}, ${literal(`\\x${hash.toString('hex')}`)}::bytea)
   on conflict do nothing returning key`;

export const find = (tenantId: number, actor: string, key: string) =>
  sql`select request_hash, status, response, applied_at, extract(epoch from now() - created_at)::float8 as age
        from idempotency_keys where tenant_id = ${tenantId} and actor = ${actor} and key = ${key}`;

export const complete = (tenantId: number, actor: string, key: string, status: number, response: unknown) =>
  `update idempotency_keys set status = ${literal(status)}::int, response = ${literal(JSON.stringify(response ?? null))}::jsonb
    where ${keyOf(tenantId, actor, key)}`;

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
  `update idempotency_keys set applied_at = now()
    where ${keyOf(tenantId, actor, key)} and applied_at is null and txid_current_if_assigned() is not null`;

/** The mark with the answer: the transaction's result is the request's answer (route.ts, 'answer-at-commit'). */
export const markAnswered = (tenantId: number, actor: string, key: string, status: number, response: unknown) =>
  `update idempotency_keys set applied_at = now(), status = ${literal(status)}::int, response = ${literal(JSON.stringify(response ?? null))}::jsonb
    where ${keyOf(tenantId, actor, key)} and applied_at is null and txid_current_if_assigned() is not null`;
