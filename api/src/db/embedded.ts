// Embedded PostGIS: PGlite (PostgreSQL 18 + PostGIS in wasm) served to `pg` over a loopback socket.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { postgis } from '@electric-sql/pglite-postgis';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedServer {
  db: PGlite;
  /** postgres:// URL of the loopback socket (user postgres, a superuser inside PGlite). */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** A folder for a persistent database, or undefined for memory. */
  dataDir?: string;
  /** A gzip dump (dumpDataDir) to start from, for fast test databases. */
  loadDataDir?: Blob;
  /** Must exceed the pool sizes that will connect; pglite-socket defaults to one. */
  maxConnections: number;
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create({
    dataDir: opts.dataDir ?? 'memory://',
    loadDataDir: opts.loadDataDir,
    extensions: { postgis, ltree, pgcrypto, btree_gist },
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: opts.maxConnections });
  await server.start();
  // getServerConn() reports the bound host:port once listening.
  const conn = server.getServerConn();
  return {
    db,
    url: `postgres://postgres@${conn}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
