// Forward-only migrations: numbered plain SQL files, each recorded with its checksum.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type pg from 'pg';

export const SQL_DIR = resolve(import.meta.dirname, '../../../sql');
const LOCK_KEY = 7_301_001; // advisory lock: one migrator at a time across instances

export class MigrationError extends Error {}

interface SqlFile {
  name: string;
  text: string;
  checksum: string;
}

function readSqlFiles(dir: string): SqlFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return { name, text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

export interface MigrationResult {
  applied: string[];
  functions: string[];
}

/**
 * Applies pending migrations in order, each in its own transaction, then reapplies every
 * file of sql/functions. Refuses to run when a recorded migration's file has changed.
 */
export async function migrate(pool: pg.Pool, sqlDir = SQL_DIR): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`create table if not exists schema_migrations (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`);
    const done = new Map<string, string>(
      (await client.query('select name, checksum from schema_migrations')).rows.map((r) => [r.name, r.checksum]),
    );
    const migrations = readSqlFiles(join(sqlDir, 'migrations'));
    for (const m of migrations) {
      const recorded = done.get(m.name);
      if (recorded && recorded !== m.checksum) {
        throw new MigrationError(
          `migration ${m.name} was edited after it was applied (checksum ${recorded.slice(0, 12)} recorded, ` +
            `${m.checksum.slice(0, 12)} on disk); add a new migration instead`,
        );
      }
    }
    const known = new Set(migrations.map((m) => m.name));
    const unknown = [...done.keys()].filter((n) => !known.has(n));
    if (unknown.length) throw new MigrationError(`database has migrations this code does not know: ${unknown.join(', ')}`);

    const applied: string[] = [];
    for (const m of migrations.filter((m) => !done.has(m.name))) {
      await inTransaction(client, async () => {
        await client.query(m.text);
        await client.query('insert into schema_migrations (name, checksum) values ($1, $2)', [m.name, m.checksum]);
      }, m.name);
      applied.push(m.name);
    }
    const functions = readSqlFiles(join(sqlDir, 'functions'));
    await inTransaction(client, async () => {
      for (const f of functions) await client.query(f.text);
      await client.query('grant execute on all functions in schema app to gec_app');
    }, 'sql/functions');
    return { applied, functions: functions.map((f) => f.name) };
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    client.release();
  }
}

async function inTransaction(client: pg.PoolClient, fn: () => Promise<void>, what: string): Promise<void> {
  await client.query('begin');
  try {
    await fn();
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw new MigrationError(`${what}: ${(err as Error).message}`);
  }
}
