// The one database handle the API and the tools use, whichever engine is behind it.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { join } from 'node:path';
import { startEmbedded, type EmbeddedServer } from './embedded.ts';

// int8 ids and counts fit in a double here; dates stay 'YYYY-MM-DD' strings (no time-zone shifts).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
const parseTextArray = pg.types.getTypeParser(1009 as never) as (v: string) => string[];
pg.types.setTypeParser(1016 as never, (v: string) => parseTextArray(v).map(Number)); // int8[]

export type DatabaseMode = 'embedded' | 'server';

export interface Database {
  mode: DatabaseMode;
  /** Runtime pool: every scoped transaction runs here as role gec_app (see scope.ts). */
  pool: pg.Pool;
  /** Owner pool: migrations, imports and the generator only. */
  ownerPool: pg.Pool;
  /** Bulk load with COPY ... FROM STDIN text format; rows are already-encoded text lines. */
  copyText(table: string, columns: string[], lines: Iterable<string> | AsyncIterable<string>): Promise<void>;
  /**
   * Calls onPayload for each NOTIFY on the channel; resolves to an unsubscribe function.
   * Server mode: one dedicated connection LISTENs and reconnects after errors (notifications sent
   * while it is down are lost: subscribers must be able to catch up from a table).
   * Embedded mode: the one PGlite session LISTENs, and a notification arrives on the pool client
   * whose transaction sent it, so only notifications of this process are seen (one process is
   * all embedded mode supports anyway).
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

type Handler = (payload: string) => void;

/** Subscribers per channel, shared by both strategies. */
class Channels {
  readonly handlers = new Map<string, Set<Handler>>();
  add(channel: string, h: Handler): boolean {
    if (!IDENT.test(channel)) throw new Error(`bad channel ${channel}`);
    const set = this.handlers.get(channel) ?? new Set();
    this.handlers.set(channel, set);
    set.add(h);
    return set.size === 1;
  }
  remove(channel: string, h: Handler): boolean {
    const set = this.handlers.get(channel);
    set?.delete(h);
    if (set && set.size === 0) this.handlers.delete(channel);
    return !this.handlers.has(channel);
  }
  dispatch(channel: string, payload: string | undefined): void {
    for (const h of this.handlers.get(channel) ?? []) h(payload ?? '');
  }
}

/** Server mode: a dedicated connection outside the pools, reconnecting with LISTEN renewed. */
class DedicatedListener {
  private readonly channels = new Channels();
  private client?: pg.Client;
  private connecting?: Promise<pg.Client>;
  private closed = false;
  private retry?: NodeJS.Timeout;
  constructor(private readonly connectionString: string) {}

  async listen(channel: string, h: Handler): Promise<() => Promise<void>> {
    const first = this.channels.add(channel, h);
    const client = await this.connected();
    if (first && client === this.client) await client.query(`listen ${channel}`);
    return async () => {
      if (this.channels.remove(channel, h) && this.client) await this.client.query(`unlisten ${channel}`).catch(() => {});
    };
  }

  private connected(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (m) => this.channels.dispatch(m.channel, m.payload));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    for (const channel of this.channels.handlers.keys()) await client.query(`listen ${channel}`);
    this.client = client;
    return client;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    if (this.closed || this.channels.handlers.size === 0) return;
    const again = () => {
      this.retry = undefined;
      if (!this.closed) this.connected().catch(() => (this.retry = setTimeout(again, 2000)));
    };
    this.retry = setTimeout(again, 500);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }
}

/** Embedded mode: LISTEN in the one session; notifications surface on this process's pool clients. */
class SessionListener {
  private readonly channels = new Channels();
  constructor(private readonly pool: pg.Pool, pools: pg.Pool[]) {
    for (const p of pools) p.on('connect', (c) => c.on('notification', (m) => this.channels.dispatch(m.channel, m.payload)));
  }
  async listen(channel: string, h: Handler): Promise<() => Promise<void>> {
    // LISTEN again for every subscriber: cheap, and renews it should the session have been reset.
    this.channels.add(channel, h);
    await this.pool.query(`listen ${channel}`);
    return async () => {
      this.channels.remove(channel, h);
    };
  }
}

/** Picks the strategy by the mode at call time (tests reach an embedded database over its socket). */
function listenerFor(db: () => DatabaseMode, connectionString: string, pool: pg.Pool, ownerPool: pg.Pool) {
  const dedicated = new DedicatedListener(connectionString);
  const session = new SessionListener(pool, [pool, ownerPool]);
  return {
    listen: (channel: string, h: Handler) => (db() === 'server' ? dedicated.listen(channel, h) : session.listen(channel, h)),
    close: () => dedicated.close(),
  };
}

export interface OpenOptions {
  databaseUrl?: string;
  databaseOwnerUrl?: string;
  /** Folder of the embedded database (ignored in server mode); undefined = in memory. */
  embeddedDir?: string;
  embeddedDump?: Blob;
  poolSize: number;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function copyStatement(table: string, columns: string[], source: string): string {
  for (const name of [table, ...columns]) if (!IDENT.test(name)) throw new Error(`bad identifier ${name}`);
  return `copy ${table} (${columns.join(', ')}) from ${source}`;
}

function makePool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    idleTimeoutMillis: 30_000,
    // A request never holds a connection forever (see scope.ts for the transaction timeouts).
    connectionTimeoutMillis: 20_000,
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = makePool(opts.databaseUrl, opts.poolSize);
    const ownerPool = makePool(opts.databaseOwnerUrl ?? opts.databaseUrl, 4);
    const db: Database = {
      mode: 'server',
      pool,
      ownerPool,
      listen: (channel, h) => listener.listen(channel, h),
      async copyText(table, columns, lines) {
        const client = await ownerPool.connect();
        try {
          const stream = client.query(copyFrom(copyStatement(table, columns, 'stdin')));
          await pipeline(Readable.from(lines), stream);
        } finally {
          client.release();
        }
      },
      async close() {
        await listener.close();
        await Promise.all([pool.end(), ownerPool.end()]);
      },
    };
    const listener = listenerFor(() => db.mode, opts.databaseUrl, pool, ownerPool);
    return db;
  }
  const embedded: EmbeddedServer = await startEmbedded({
    dataDir: opts.embeddedDir,
    loadDataDir: opts.embeddedDump,
    maxConnections: opts.poolSize + 8,
  });
  const pool = makePool(embedded.url, opts.poolSize);
  const ownerPool = makePool(embedded.url, 4);
  serializeClients([pool, ownerPool]);
  const listener = new SessionListener(pool, [pool, ownerPool]);
  return {
    mode: 'embedded',
    pool,
    ownerPool,
    listen: (channel, h) => listener.listen(channel, h),
    // pglite-socket does not speak the COPY sub-protocol; PGlite reads COPY input from a blob.
    async copyText(table, columns, lines) {
      const parts: string[] = [];
      for await (const line of lines as AsyncIterable<string>) parts.push(line);
      await embedded.db.query(copyStatement(table, columns, `'/dev/blob'`), [], { blob: new Blob(parts) });
    },
    async close() {
      await Promise.all([pool.end(), ownerPool.end()]);
      await embedded.stop();
    },
  };
}

/**
 * PGlite is one session behind the socket. pglite-socket keeps an open transaction to its
 * connection, but it schedules protocol messages one by one, so around errors and outside
 * transactions the messages of two connections can meet in the one session. In embedded mode the
 * process therefore hands out one connection at a time (all pools together) and runs single
 * statements inside BEGIN … COMMIT; PGlite runs one transaction at a time anyway.
 */
export function serializeClients(pools: pg.Pool[]): void {
  let turn: Promise<void> = Promise.resolve();
  for (const pool of pools) {
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    pool.connect = (async () => {
      const previous = turn;
      let done!: () => void;
      turn = new Promise<void>((resolve) => (done = resolve));
      await previous;
      let client: pg.PoolClient;
      try {
        client = await connect();
      } catch (err) {
        done();
        throw err;
      }
      const release = client.release.bind(client);
      let released = false;
      client.release = (err?: Error | boolean) => {
        if (released) return;
        released = true;
        release(err);
        done();
      };
      return client;
    }) as typeof pool.connect;
    pool.query = (async (text: string | pg.QueryConfig, values?: unknown[]) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await client.query(text as string, values);
        await client.query('commit');
        client.release();
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        client.release(true); // never reuse a connection after an error (see scope.ts)
        throw err;
      }
    }) as typeof pool.query;
  }
}

export function embeddedDirFor(dataDir: string): string {
  return join(dataDir, 'pglite');
}

/** The configured database for an operator's command (small pools): the server's, else the embedded folder. */
export function openConfigured(config: { databaseUrl?: string; databaseOwnerUrl?: string; dataDir: string }): Promise<Database> {
  return openDatabase({
    databaseUrl: config.databaseUrl,
    databaseOwnerUrl: config.databaseOwnerUrl,
    embeddedDir: config.databaseUrl ? undefined : embeddedDirFor(config.dataDir),
    poolSize: 2,
  });
}
