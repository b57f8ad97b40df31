// Idempotency-Key for submissions from phones on bad networks: the same key and body replay the
// first response; the same key with another body is refused (422); concurrent duplicates wait for
// the first and replay it, so exactly one row is created.
import { createHash } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { beforeCommit, oneShot, scopedAs, type Caller, type CommitHook } from '../db/scope.ts';
import { AppError, badRequest, unprocessable } from '../http/errors.ts';
import type { Lang } from '../http/lang.ts';
import * as q from './queries.ts';

const KEY = /^[A-Za-z0-9_-]{8,100}$/;
/** How long a duplicate waits for the first request with its key before being told to retry. */
const WAIT_MS = 3_000;
/** A claim this old whose request never answered belongs to a request that died (a restart, a cut connection). */
const STALE_SECONDS = 30;

export interface IdempotentResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

/** The answer to a retry of a request whose change committed but whose own answer was lost. */
const APPLIED = { applied: true, message: 'the first request with this Idempotency-Key was applied; its answer was lost' };

function requestHash(method: string, path: string, body: unknown): Buffer {
  return createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest();
}

/**
 * Runs `run` at most once per (caller, key); later calls with the same key get its response.
 * `answerAtCommit` (the status of a route whose answer is what its one writing transaction returns):
 * that answer is kept with the commit, instead of in a round trip of its own afterwards.
 */
export async function idempotent(
  app: AppContext,
  caller: Caller,
  actor: string,
  key: string,
  request: { method: string; path: string; body: unknown; lang?: Lang },
  run: () => Promise<{ status: number; body: unknown }>,
  answerAtCommit?: number,
): Promise<IdempotentResult> {
  if (!KEY.test(key)) throw badRequest('Idempotency-Key must be 8-100 characters of A-Z a-z 0-9 _ -', 'Idempotency-Key');
  const hash = requestHash(request.method, request.path, request.body);
  const tx = scopedAs(app.db.pool, caller);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const [claimed] = await oneShot(app.db.pool, q.claim(caller.tenantId, actor, key, hash), caller.tenantId);
    if (claimed) break;
    const row = await tx((t) => t.one<{ request_hash: Buffer; status: number | null; response: unknown; applied_at: Date | null; age: number }>(q.find(caller.tenantId, actor, key)));
    if (!row) continue; // released meanwhile: claim again
    if (!row.request_hash.equals(hash)) throw unprocessable('this Idempotency-Key was used with a different request', 'Idempotency-Key').withZh('此 Idempotency-Key 已用于另一个请求');
    if (row.status != null) return { status: row.status, body: row.response, replayed: true };
    if (row.applied_at && row.age > STALE_SECONDS) {
      // Its change committed, then the request died before its answer was kept: never apply it twice.
      await oneShot(app.db.pool, q.complete(caller.tenantId, actor, key, 200, APPLIED), caller.tenantId);
      return { status: 200, body: APPLIED, replayed: true };
    }
    if (await tx((t) => t.one(q.reclaim(caller.tenantId, actor, key, hash, STALE_SECONDS)))) break;
    if (Date.now() > deadline) {
      throw new AppError(503, 'in_progress', 'a request with this Idempotency-Key is still in progress; try again shortly', 'Idempotency-Key', { 'Retry-After': '5' })
        .withZh('同一请求仍在处理中，请稍后重试');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The request's first writing transaction marks the key applied as it commits (and keeps the
  // answer with it when the route says its answer is that transaction's result).
  let marked = false;
  const NONE = Symbol('none');
  let kept: unknown = NONE;
  let offered: unknown = NONE;
  const mark: CommitHook = {
    statement: (txResult) => {
      if (marked) return undefined;
      offered = answerAtCommit === undefined ? NONE : txResult;
      return answerAtCommit === undefined ? q.markApplied(caller.tenantId, actor, key) : q.markAnswered(caller.tenantId, actor, key, answerAtCommit, txResult);
    },
    committed: (r) => {
      if (r.rowCount === 1) {
        marked = true;
        kept = offered;
      }
    },
  };
  let result: { status: number; body: unknown };
  try {
    result = await beforeCommit.run(mark, run);
  } catch (err) {
    // Client errors are answers too: replay them. Anything else frees the key for a retry —
    // unless the change committed (the database says so, not this process: a commit may fail
    // after the mark was written), when a retry must be told so instead of running it again.
    if (err instanceof AppError && err.status < 500) {
      // in the language the request asked for: its retries come from the same phone
      const body = { error: { code: err.code, message: err.messageIn(request.lang ?? 'en'), ...(err.field ? { field: err.field } : {}) } };
      await oneShot(app.db.pool, q.complete(caller.tenantId, actor, key, err.status, body), caller.tenantId);
    } else {
      await tx(async (t) => {
        await t.query(q.release(caller.tenantId, actor, key));
        await t.query(q.completeIfApplied(caller.tenantId, actor, key, APPLIED));
      }).catch(() => {});
    }
    throw err;
  }
  // Kept with the commit when the handler answered exactly what that transaction returned; else now.
  // If keeping the answer fails (the connection went), the key stays applied: a retry is told so.
  if (kept === NONE || kept !== result.body || result.status !== answerAtCommit) {
    await oneShot(app.db.pool, q.complete(caller.tenantId, actor, key, result.status, result.body), caller.tenantId);
  }
  return { ...result, replayed: false };
}
