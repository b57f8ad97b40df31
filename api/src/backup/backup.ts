// Backup and restore. A server database: pg_dump's custom format of the owner's database, restored
// with pg_restore into an empty database that already has the extensions (creating PostGIS needs
// a superuser, so the restore leaves extension entries to whoever made the database). The embedded
// database: PGlite's own dump of its data folder (gzip tar), restored into an empty folder; the
// application must be stopped while the folder is read. After a restore, `check` counts every
// table and verifies each tenant's audit hash chain.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { postgis } from '@electric-sql/pglite-postgis';
import type pg from 'pg';
import { verifyAll, type ChainReport } from '../audit/verify.ts';
import * as q from './queries.ts';

const run = promisify(execFile);
const EXTENSIONS = { postgis, ltree, pgcrypto, btree_gist };

export class BackupError extends Error {}

/** pg_dump of a server database (owner URL) into `file` (custom format). */
export async function dumpServer(ownerUrl: string, file: string): Promise<void> {
  await run('pg_dump', ['--format=custom', '--file', file, '--dbname', ownerUrl], { maxBuffer: 64 * 1024 * 1024 });
}

/**
 * pg_restore of `file` into the empty database at `targetUrl` (owner), in one transaction: every
 * entry but the extensions, which must already be there.
 */
export async function restoreServer(file: string, targetUrl: string, target: pg.Pool): Promise<void> {
  const tables = await target.query(q.userTables.toQuery());
  if (tables.rows[0].n > 0) throw new BackupError('the target database is not empty: restore into a new database');
  const needed = ['postgis', 'ltree', 'pgcrypto', 'btree_gist'];
  const have = (await target.query<{ extname: string }>(q.extensions.toQuery())).rows.map((r) => r.extname);
  const missing = needed.filter((e) => !have.includes(e));
  if (missing.length) throw new BackupError(`the target database lacks the extensions ${missing.join(', ')}: a superuser creates them first`);
  const { stdout } = await run('pg_restore', ['--list', file], { maxBuffer: 64 * 1024 * 1024 });
  // The extensions and PostGIS's own table of coordinate systems come with the target's extensions.
  const list = stdout.split('\n').filter((line) => !/ EXTENSION | spatial_ref_sys /.test(line)).join('\n');
  const listFile = `${file}.list`;
  writeFileSync(listFile, list);
  await run('pg_restore', ['--single-transaction', '--exit-on-error', '--use-list', listFile, '--dbname', targetUrl, file], { maxBuffer: 64 * 1024 * 1024 });
}

/** The embedded database's data folder as PGlite's gzip dump (the application must be stopped). */
export async function dumpEmbedded(dataDir: string, file: string): Promise<void> {
  if (!existsSync(dataDir)) throw new BackupError(`no embedded database at ${dataDir}`);
  const db = await PGlite.create({ dataDir, extensions: EXTENSIONS });
  try {
    const blob = await db.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  } finally {
    await db.close();
  }
}

/** A dump made by dumpEmbedded, unpacked into an empty (or new) folder. */
export async function restoreEmbedded(file: string, dataDir: string): Promise<void> {
  if (existsSync(dataDir) && readdirSync(dataDir).length) throw new BackupError(`${dataDir} is not empty: restore into a new folder`);
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, loadDataDir: new Blob([readFileSync(file)]), extensions: EXTENSIONS });
  await db.close();
}

export interface CheckResult {
  /** Rows per table of the public schema. */
  counts: Record<string, number>;
  chains: ChainReport[];
}

/** Counts every table and verifies every audit chain of a (restored) database, owner connection. */
export async function check(owner: pg.Pool): Promise<CheckResult> {
  const tables = (await owner.query<{ t: string }>(q.publicTables.toQuery())).rows.map((r) => r.t);
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = Number((await owner.query(q.rowCount(t).toQuery())).rows[0].n);
  return { counts, chains: await verifyAll(owner) };
}
