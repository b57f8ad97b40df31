// The one place a caller is bound to the database: every scoped read and write runs inside
// withScope(), as role gec_app, with the caller's tenant and jurisdiction subtrees set for
// row-level security (sql/migrations/0006_row_level_security.sql).
import type pg from 'pg';
import { sql as sqlTag, type Sql } from './sql.ts';

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
}

const STATEMENT_TIMEOUT = '15s';

function txOf(client: pg.PoolClient): Tx {
  return {
    query: (q) => client.query(q.toQuery()),
    rows: async (q) => (await client.query(q.toQuery())).rows,
    one: async (q) => (await client.query(q.toQuery())).rows[0],
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

async function inTransaction<T>(pool: pg.Pool, setup: (c: pg.PoolClient) => Promise<void>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A connection that fails while checked out (network, or a protocol error of the embedded
  // socket) must not crash the process: the running query rejects, and the client is discarded.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('begin');
    try {
      await setup(client);
      const result = await fn(txOf(client));
      await client.query('commit');
      return result;
    } catch (err) {
      // After an error raised by the database the connection is not reused: pglite-socket can
      // leave a stray message behind an error, which would shift every later reply by one.
      if (isDatabaseError(err)) broken = true;
      await client.query('rollback').catch(() => {
        broken = true;
      });
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
  return inTransaction(
    pool,
    async (c) => {
      await c.query('set local role gec_app');
      await c.query(
        `select set_config('statement_timeout', $1, true), set_config('app.tenant_id', $2, true),
                set_config('app.user_id', $3, true), set_config('app.scope', $4, true),
                set_config('app.citizen_id', $5, true), set_config('app.scope_q', $6, true)`,
        [
          STATEMENT_TIMEOUT,
          String(caller.tenantId),
          caller.userId == null ? '' : String(caller.userId),
          caller.scopePaths.length ? scopeLiteral(caller.scopePaths) : '',
          caller.citizenId == null ? '' : String(caller.citizenId),
          caller.scopePaths.length ? scopeQuery(caller.scopePaths) : '',
        ],
      );
    },
    fn,
  );
}

/**
 * A transaction as gec_app with no caller: only the security-definer functions of the auth flow
 * (login, session resolution, audit) can read or write anything.
 */
export function withoutCaller<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(
    pool,
    async (c) => {
      await c.query('set local role gec_app');
      await c.query(`select set_config('statement_timeout', $1, true)`, [STATEMENT_TIMEOUT]);
    },
    fn,
  );
}

/** Acts for the whole tenant (dispatch, scheduled jobs): the scope is every root of the tenant. */
export async function withTenantScope<T>(pool: pg.Pool, tenantId: number, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const roots = await withoutCaller(pool, async (tx) =>
    (await tx.one<{ roots: string[] }>(sqlTag`select app.tenant_roots(${tenantId}) as roots`))!.roots,
  );
  return withScope(pool, { tenantId, userId: null, scopePaths: roots }, fn);
}
