// The deterministic demo-city generator: a jurisdiction tree, households, persons and their history.
import type pg from 'pg';
import type { PiiCipher } from '../../../api/src/crypto/pii.ts';
import type { Database } from '../../../api/src/db/database.ts';
import { insertJurisdictions } from './jurisdictions.ts';
import * as q from './queries.ts';
import { DEFAULT_SEED, generateChunks, planCity, type Chunk } from './model.ts';
import { EVENT_COLUMNS, eventLine, HOUSEHOLD_COLUMNS, householdLine, PERSON_COLUMNS, personLine, TEMPERATURE_COLUMNS, temperatureLine } from './rows.ts';
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
}

export interface GenerateResult {
  tenantId: number;
  /** Rows inserted per table. */
  counts: Record<string, number>;
  /** Total wall time. */
  ms: number;
  /** Time per step (COPY of a table including encoding, id read-back; jurisdictions; analyze). */
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
  try {
    const plan = await timed('plan', () => planCity(opts.size, seed, now));
    const ids = await timed('jurisdictions', () => insertJurisdictions(pool, tenantId, plan.city));
    counts.jurisdictions = ids.reduce((n, level) => n + level.length, 0);
    log(`jurisdictions: ${ids.map((l) => l.length).join(' / ')}`);
    counts.users = await timed('users', () => insertRecorders(pool, tenantId, recorderRows(plan.city, ids[3], seed)));
    const loader = new ChunkLoader(db, tenantId, opts.cipher, counts, timed);
    for (const chunk of generateChunks(plan, opts.chunkHouseholds ?? 50_000)) {
      await loader.load(chunk);
      log(`grids ${chunk.gridEnd}/${ids[ids.length - 1].length}: ${counts.households} households, ${counts.persons} persons`);
    }
    counts.health_checks = await timed('health_checks', () => insertHealthChecks(pool, tenantId, SIZES[opts.size].checksPerPerson, now));
    log(`health checks: ${counts.health_checks}`);
    await timed('analyze', () => pool.query(q.analyze(LOADED_TABLES).toQuery()));
    await checkContainment(pool, tenantId);
  } catch (err) {
    await pool.query(q.deleteTenant(tenantId).toQuery()).catch(() => {});
    throw err;
  }
  return { tenantId, counts, ms: performance.now() - started, tableMs };
}

/** Generates `perPerson` health checks for every person of a loaded tenant (set-based SQL). */
export async function insertHealthChecks(pool: pg.Pool, tenantId: number, perPerson: number, now = startOfUtcDay()): Promise<number> {
  if (perPerson <= 0) return 0;
  const { rows } = await pool.query<{ n: number }>(q.insertHealthChecks(tenantId, perPerson, now, RECORDER_PREFIX).toQuery());
  return rows[0].n;
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

type Timed = <T>(step: string, fn: () => Promise<T> | T) => Promise<T>;

/** COPYs chunk after chunk, reading back the new ids (in insertion order) to link the next table. */
class ChunkLoader {
  private lastHousehold = 0;
  private lastPerson = 0;

  constructor(
    private readonly db: Database,
    private readonly tenantId: number,
    private readonly cipher: PiiCipher,
    private readonly counts: Record<string, number>,
    private readonly timed: Timed,
  ) {}

  async load(chunk: Chunk): Promise<void> {
    const t = this.tenantId;
    const householdIds = await this.timed('households', async () => {
      await this.db.copyText('households', HOUSEHOLD_COLUMNS, batched(chunk.households, (h) => householdLine(t, h)));
      return this.newIds('households', this.lastHousehold, chunk.households.length);
    });
    this.lastHousehold = householdIds[householdIds.length - 1] ?? this.lastHousehold;
    const personIds = await this.timed('persons', async () => {
      const lines = batched(chunk.persons, (p) => personLine(t, p, householdIds[p.household], this.cipher));
      await this.db.copyText('persons', PERSON_COLUMNS, lines);
      return this.newIds('persons', this.lastPerson, chunk.persons.length);
    });
    this.lastPerson = personIds[personIds.length - 1] ?? this.lastPerson;
    const events = chunk.persons.flatMap((p, i) => p.events.map((e) => eventLine(t, personIds[i], e)));
    const readings = chunk.persons.flatMap((p, i) => p.temperatures.map((r) => temperatureLine(t, personIds[i], r)));
    await this.timed('person_events', () => this.db.copyText('person_events', EVENT_COLUMNS, batched(events, (l) => l)));
    await this.timed('temperature_readings', () =>
      this.db.copyText('temperature_readings', TEMPERATURE_COLUMNS, batched(readings, (l) => l)),
    );
    this.counts.households += householdIds.length;
    this.counts.persons += personIds.length;
    this.counts.person_events += events.length;
    this.counts.temperature_readings += readings.length;
  }

  private async newIds(table: 'households' | 'persons', after: number, expected: number): Promise<number[]> {
    const { rows } = await this.db.ownerPool.query<{ id: number }>(q.newIds(table, this.tenantId, after).toQuery());
    if (rows.length !== expected) {
      throw new GenerateError(`expected ${expected} new ${table} rows, found ${rows.length}: is something else writing to this tenant?`);
    }
    return rows.map((r) => Number(r.id));
  }
}

/** Encodes items lazily and joins them into blocks of lines, so COPY gets few large writes. */
function* batched<T>(items: readonly T[], encode: (item: T) => string, size = 500): Generator<string> {
  for (let i = 0; i < items.length; i += size) {
    let block = '';
    const end = Math.min(items.length, i + size);
    for (let k = i; k < end; k++) block += encode(items[k]);
    yield block;
  }
}
