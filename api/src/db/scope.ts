// The one place a caller is bound to the database: every scoped read and write runs inside
// withScope(), as role gec_app, with the caller's tenant and jurisdiction subtrees set for
// row-level security (sql/migrations/0006_row_level_security.sql).
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { prepareValue } from 'pg/lib/utils.js';
import type { Sql } from './sql.ts';

export interface Caller {
  tenantId: number;
  userId: number | null;
  /** ltree paths of the caller's jurisdiction nodes; the caller sees their subtrees. */
  scopePaths: string[];
  /** Set when the caller is a citizen (public account): they see their own rows. */
  citizenId?: number | null;
}

export interface Tx {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(q: Sql): Promise<pg.QueryResult<R>>;
  rows<R extends pg.QueryResultRow = pg.QueryResultRow>(q: Sql): Promise<R[]>;
  one<R extends pg.QueryResultRow = pg.QueryResultRow>(q: Sql): Promise<R | undefined>;
  /**
   * A statement (escaped literals, no parameters) to run when the transaction commits, in the commit's
   * own round trip: an audit record taken there holds its tenant's chain lock for the commit alone,
   * not for the client's round trips in between. If it fails, nothing of the transaction commits.
   */
  atCommit(statement: string): void;
}

const STATEMENT_TIMEOUT = '15s';
/**
 * Settings of every API transaction besides the caller. JIT is off: PostGIS set-returning
 * functions (ST_HexagonGrid) carry huge cost estimates, so the planner compiled whole-city
 * heatmaps and choropleths, spending 1.7 s of a 2.1 s query in LLVM (bench/explain.ts).
 */
const BASE_SETTINGS: [string, string][] = [
  ['statement_timeout', STATEMENT_TIMEOUT],
  ['jit', 'off'],
];

interface OpenTx extends Tx {
  readonly pending: string[];
  /** Whether `begin` has been sent (with the first statement, or alone). */
  readonly opened: boolean;
}

// The first statement of a transaction rides with its `begin` in one simple-protocol query when its
// values are small enough to write inline; a larger one (an import batch) goes as parameters.
const INLINE_MAX = 16_384;

/** A value as the literal the simple protocol will read as the extended protocol would its text parameter. */
function inlineLiteral(v: unknown): string | undefined {
  if (v == null) return 'NULL';
  if (Buffer.isBuffer(v)) return v.length * 2 > INLINE_MAX ? undefined : `'\\x${v.toString('hex')}'`;
  const text = prepareValue(v) as string | Buffer | null;
  if (text == null) return 'NULL';
  if (typeof text !== 'string' || text.length > INLINE_MAX || text.includes('\0')) return undefined;
  return pg.escapeLiteral(text);
}

function txOf(client: pg.PoolClient, setup: string): OpenTx {
  const pending: string[] = [];
  let opened = false;
  const run = async (q: Sql): Promise<pg.QueryResult> => {
    if (opened) return client.query(q.toQuery());
    // Marked before the await: a second statement issued meanwhile queues behind this one.
    opened = true;
    const inline = q.toText(inlineLiteral);
    if (inline === undefined || inline.length > INLINE_MAX) {
      await client.query(`begin; ${setup}`);
      return client.query(q.toQuery());
    }
    const results = (await client.query(`begin; ${setup}; ${inline}`)) as unknown as pg.QueryResult[];
    return results[results.length - 1];
  };
  return {
    pending,
    get opened() {
      return opened;
    },
    query: (q) => run(q) as never,
    rows: async (q) => (await run(q)).rows as never,
    one: async (q) => (await run(q)).rows[0] as never,
    atCommit: (statement) => {
      pending.push(statement);
    },
  };
}

function scopeLiteral(paths: string[]): string {
  for (const p of paths) if (!/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(p)) throw new Error(`bad scope path ${p}`);
  return `{${paths.join(',')}}`;
}

/** The same subtrees as lquery patterns (`node.*` matches the node and everything under it). */
function scopeQuery(paths: string[]): string {
  scopeLiteral(paths);
  return `{${paths.map((p) => `${p}.*`).join(',')}}`;
}

/**
 * Work to do in a caller's transaction just before it commits, set for the duration of one request
 * (the Idempotency-Key's mark, api/src/idempotency): so it commits with the request's change or not at
 * all. Its statement (escaped literals, no parameters) goes with the commit in the same round trip.
 */
export interface CommitHook {
  /** The statement to run just before `commit` (given what the transaction's function returned), or undefined for none. */
  statement(result: unknown): string | undefined;
  /** Its result, once the transaction has committed. */
  committed(result: pg.QueryResult): void;
}
export const beforeCommit = new AsyncLocalStorage<CommitHook>();

/**
 * Runs fn in a transaction bound by `setup` (`set local role …; select set_config(…)`, validated
 * literals escaped again), in as few round trips as the statements allow: the transaction opens with
 * its first statement in one simple-protocol query, the statements left for the commit go with the
 * commit, and a transaction that sends nothing is never opened. A round trip costs about 0.08 ms of
 * CPU here; a statement with inline values is planned at every call, so a hot statement that is
 * costly to plan belongs in a plpgsql function (docs/benchmarks.md, load).
 */
async function inTransaction<T>(pool: pg.Pool, setup: string, fn: (tx: Tx) => Promise<T>, hooked = false): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A connection that fails while checked out (network, or a protocol error of the embedded
  // socket) must not crash the process: the running query rejects, and the client is discarded.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  const tx = txOf(client, setup);
  try {
    try {
      const result = await fn(tx);
      // The idempotency mark goes after the statements left for the commit: it applies only when the
      // transaction has written something, and an audit record is a write.
      const hook = hooked ? beforeCommit.getStore() : undefined;
      // (a transaction that sent nothing has written nothing: no mark)
      const mark = tx.opened || tx.pending.length ? hook?.statement(result) : undefined;
      const last = [...tx.pending, ...(mark ? [mark] : [])];
      if (last.length) {
        const text = `${tx.opened ? '' : `begin; ${setup}; `}${last.join('; ')}; commit`;
        const results = (await client.query(text)) as unknown as pg.QueryResult[];
        if (mark) hook!.committed(results[results.length - 2]);
      } else if (tx.opened) {
        await client.query('commit');
      }
      return result;
    } catch (err) {
      // After an error raised by the database the connection is not reused: pglite-socket can
      // leave a stray message behind an error, which would shift every later reply by one.
      if (isDatabaseError(err)) broken = true;
      if (tx.opened) {
        await client.query('rollback').catch(() => {
          broken = true;
        });
      }
      throw err;
    }
  } finally {
    // A connection whose rollback failed is discarded, never returned with a transaction open.
    client.off('error', onError);
    client.release(broken);
  }
}

function isDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** Runs fn in one transaction as the given caller; commits on success, rolls back on any error. */
export function withScope<T>(pool: pg.Pool, caller: Caller, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const settings: [string, string][] = [
    ...BASE_SETTINGS,
    ['app.tenant_id', String(Number(caller.tenantId))],
    ['app.user_id', caller.userId == null ? '' : String(Number(caller.userId))],
    ['app.scope', caller.scopePaths.length ? scopeLiteral(caller.scopePaths) : ''],
    ['app.citizen_id', caller.citizenId == null ? '' : String(Number(caller.citizenId))],
    ['app.scope_q', caller.scopePaths.length ? scopeQuery(caller.scopePaths) : ''],
  ];
  return inTransaction(pool, `set local role gec_app; select ${settingsSql(settings)}`, fn, true);
}

/**
 * Runs fn in one transaction bound to the request's caller. Routes hand services this opener rather
 * than an open transaction: a handler may hash a password, read a file or audit after the commit
 * without holding a connection, or use two transactions.
 */
export type Scoped = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

/** The opener of transactions as one caller (the route layer's, and tests'). */
export function scopedAs(pool: pg.Pool, caller: Caller): Scoped {
  return (fn) => withScope(pool, caller, fn);
}

function settingsSql(settings: [string, string][]): string {
  return settings.map(([k, v]) => `set_config(${pg.escapeLiteral(k)}, ${pg.escapeLiteral(v)}, true)`).join(', ');
}

/**
 * A transaction as gec_app with no caller: only the security-definer functions of the auth flow
 * (login, session resolution, audit) can read or write anything.
 */
export function withoutCaller<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(pool, `set local role gec_app; select ${settingsSql(BASE_SETTINGS)}`, fn);
}

/**
 * One statement as gec_app with no caller (or only a tenant), in a single round trip (`begin; set local role …;
 * STATEMENT; commit` as one simple-protocol query): for the hottest security-definer calls
 * (session resolution, the tile data version). The statement takes no parameters; its literals
 * must come escaped from a queries.ts builder (see `literal`).
 */
export async function oneShot<R extends pg.QueryResultRow = pg.QueryResultRow>(pool: pg.Pool, statement: string, tenantId?: number): Promise<R[]> {
  const settings: [string, string][] = [...BASE_SETTINGS];
  // The tenant alone (no user, no scope): for tenant-wide rows such as the tile data version.
  if (tenantId != null) settings.push(['app.tenant_id', String(Number(tenantId))]);
  const client = await pool.connect();
  let broken = false;
  // As in inTransaction: a connection terminated while checked out is discarded, never an uncaught error.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    const results = (await client.query(
      `begin; set local role gec_app; select ${settingsSql(settings)}; ${statement}; commit`,
    )) as unknown as pg.QueryResult<R>[];
    return results[3].rows;
  } catch (err) {
    broken = true;
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** A value as an escaped SQL literal, for the statements of oneShot and atCommit (never a NUL: the simple protocol's text ends there). */
export const literal = (v: string | number): string => {
  const text = String(v);
  if (text.includes('\0')) throw new Error('a NUL character cannot be sent as a literal');
  return pg.escapeLiteral(text);
};

/** Acts for the whole tenant (dispatch, scheduled jobs, self-reports): the scope is every root of the tenant. */
export function withTenantScope<T>(pool: pg.Pool, tenantId: number, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!Number.isInteger(tenantId)) throw new Error(`bad tenant ${tenantId}`);
  // The roots are looked up by the database as the transaction opens (sql/functions/scope.sql).
  return inTransaction(pool, `set local role gec_app; select ${settingsSql(BASE_SETTINGS)}, app.bind_tenant_scope(${Number(tenantId)})`, fn, true);
}
