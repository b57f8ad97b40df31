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
  close(): Promise<void>;
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
    return {
      mode: 'server',
      pool,
      ownerPool,
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
        await Promise.all([pool.end(), ownerPool.end()]);
      },
    };
  }
  const embedded: EmbeddedServer = await startEmbedded({
    dataDir: opts.embeddedDir,
    loadDataDir: opts.embeddedDump,
    maxConnections: opts.poolSize + 8,
  });
  const pool = makePool(embedded.url, opts.poolSize);
  const ownerPool = makePool(embedded.url, 4);
  serializeClients([pool, ownerPool]);
  return {
    mode: 'embedded',
    pool,
    ownerPool,
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
