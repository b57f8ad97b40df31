// The deterministic demo-city generator: a jurisdiction tree, households, persons and their history.
import type pg from 'pg';
import type { PiiCipher } from '../../../api/src/crypto/pii.ts';
import type { Database } from '../../../api/src/db/database.ts';
import { bulkTransaction, mayUseReplica, type Bulk } from './bulk.ts';
import { insertJurisdictions } from './jurisdictions.ts';
import * as q from './queries.ts';
import { ChunkLoader } from './loader.ts';
import { DEFAULT_SEED, generateChunks, planCity } from './model.ts';
import { isSizeName, SIZES, type SizeName } from './sizes.ts';
import { insertRecorders, RECORDER_PREFIX, recorderRows } from './staff.ts';

export { DEFAULT_SEED, generateChunks, planCity } from './model.ts';
export { SIZES, type SizeName, type SizeSpec } from './sizes.ts';

export interface GenerateOptions {
  tenantCode: string;
  tenantName: string;
  size: SizeName;
  seed?: number;
  cipher: PiiCipher;
  /** Reference time the history is generated back from; default: today 00:00 UTC. */
  now?: Date;
  log?: (msg: string) => void;
  /** Households per COPY chunk (default 50,000). */
  chunkHouseholds?: number;
  /** Check every row's keys as it is inserted even where the owner may skip that (bulk.ts); tests compare both. */
  rowByRow?: boolean;
}

export interface GenerateResult {
  tenantId: number;
  /** Rows inserted per table. */
  counts: Record<string, number>;
  /** Total wall time. */
  ms: number;
  /**
   * Time per step (a table's COPY with its encoding and its move from staging; jurisdictions;
   * analyze). On a server two chunks load at once, so the steps add up to more than `ms`.
   */
  tableMs: Record<string, number>;
}

export class GenerateError extends Error {}

const TENANT_CODE = /^[a-z][a-z0-9_-]{1,39}$/;
const LOADED_TABLES = ['jurisdictions', 'users', 'households', 'persons', 'person_events', 'temperature_readings', 'health_checks'];

export function startOfUtcDay(at = new Date()): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** Creates tenant `tenantCode` and loads a whole generated city into it; on failure the tenant is removed. */
export async function generateCity(db: Database, opts: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  if (!isSizeName(opts.size)) throw new GenerateError(`unknown size "${opts.size}" (one of ${Object.keys(SIZES).join(', ')})`);
  if (!TENANT_CODE.test(opts.tenantCode)) throw new GenerateError(`tenant code "${opts.tenantCode}" must match ${TENANT_CODE}`);
  const seed = opts.seed ?? DEFAULT_SEED;
  const now = opts.now ?? startOfUtcDay();
  const log = opts.log ?? (() => {});
  const pool = db.ownerPool;
  const tenantId = await createTenant(pool, opts, { size: opts.size, seed, now: now.toISOString() });
  const counts: Record<string, number> = Object.fromEntries(LOADED_TABLES.map((t) => [t, 0]));
  const tableMs: Record<string, number> = { plan: 0, ...Object.fromEntries(LOADED_TABLES.map((t) => [t, 0])), analyze: 0 };
  const timed = async <T>(step: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      tableMs[step] += performance.now() - t0;
    }
  };
  const loader = new ChunkLoader({
    db, tenantId, cipher: opts.cipher, counts, timed, rowByRow: opts.rowByRow ?? false,
    checks: (bulk, persons) => healthChecksIn(bulk, tenantId, SIZES[opts.size].checksPerPerson, now, persons),
  });
  try {
    const plan = await timed('plan', () => planCity(opts.size, seed, now, opts.tenantName));
    const ids = await timed('jurisdictions', () => insertJurisdictions(pool, tenantId, plan.city));
    counts.jurisdictions = ids.reduce((n, level) => n + level.length, 0);
    log(`jurisdictions: ${ids.map((l) => l.length).join(' / ')}`);
    counts.users = await timed('users', () => insertRecorders(pool, tenantId, recorderRows(plan.city, ids[3], seed)));
    // the chunks' statements join the new tree and its doctors: without statistics the planner
    // took them for a few rows and a chunk's health checks for minutes
    await timed('analyze', () => pool.query(q.analyze(['jurisdictions', 'users']).toQuery()));
    await loader.open();
    for (const chunk of generateChunks(plan, opts.chunkHouseholds ?? 50_000)) {
      await loader.load(chunk);
      log(`grids ${chunk.gridEnd}/${ids[ids.length - 1].length} generated`);
    }
    await loader.close();
    log(`${counts.households} households, ${counts.persons} persons, ${counts.health_checks} health checks`);
    // two halves of about equal work, at once on a server's two connections
    const halves = [['households', 'person_events', 'jurisdictions', 'users'], ['persons', 'health_checks', 'temperature_readings']];
    await timed('analyze', () => Promise.all(halves.map((tables) => pool.query(q.analyze(tables).toQuery()))));
    await checkContainment(pool, tenantId);
  } catch (err) {
    await loader.close().catch(() => {});
    await pool.query(q.deleteTenant(tenantId).toQuery()).catch(() => {});
    throw err;
  }
  return { tenantId, counts, ms: performance.now() - started, tableMs };
}

/** Generates `perPerson` health checks for the persons of a loaded tenant (all, or those with ids in a range), set-based. */
export async function insertHealthChecks(
  pool: pg.Pool, tenantId: number, perPerson: number, now = startOfUtcDay(), persons: readonly [number, number] = [0, Number.MAX_SAFE_INTEGER],
): Promise<number> {
  const replica = await mayUseReplica(pool);
  return bulkTransaction(pool, tenantId, replica, (bulk) => healthChecksIn(bulk, tenantId, perPerson, now, persons));
}

async function healthChecksIn(bulk: Bulk, tenantId: number, perPerson: number, now: Date, persons: readonly [number, number]): Promise<number> {
  if (perPerson <= 0) return 0;
  const { rows } = await bulk.client.query<{ n: number; min: string | null; max: string | null }>(
    q.insertHealthChecks(tenantId, perPerson, now, RECORDER_PREFIX, persons).toQuery(),
  );
  const { n, min, max } = rows[0];
  if (n > 0) await bulk.verify('health_checks', [Number(min), Number(max)]);
  return n;
}

async function createTenant(pool: pg.Pool, opts: GenerateOptions, generator: object): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(q.createTenant(opts.tenantCode, opts.tenantName, { generator }).toQuery());
  if (rows.length === 0) {
    throw new GenerateError(`tenant "${opts.tenantCode}" already exists; choose another code or delete that tenant first`);
  }
  return Number(rows[0].id);
}

/** Every generated point lies strictly inside its grid, so a household without a grid is a bug. */
async function checkContainment(pool: pg.Pool, tenantId: number): Promise<void> {
  const { rows } = await pool.query<{ n: number }>(q.householdsWithoutGrid(tenantId).toQuery());
  if (rows[0].n > 0) throw new GenerateError(`${rows[0].n} generated households were not contained by any grid`);
}

