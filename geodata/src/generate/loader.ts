// Loads the generated city chunk by chunk. Households and persons are COPYed into staging tables
// and reach their tables in one statement each that derives their grids set-based
// (app.covering_grids); their ids are reserved first, in generation order, so that a chunk's rows
// can be linked before anything is loaded. On a server two chunks load at once on their own
// connections (the database work is most of the time, and this machine class has two cores);
// embedded mode has one session, so one chunk at a time.
import type { PiiCipher } from '../../../api/src/crypto/pii.ts';
import type { Database } from '../../../api/src/db/database.ts';
import type { Chunk } from './model.ts';
import * as q from './queries.ts';
import { EVENT_COLUMNS, eventLine, HOUSEHOLD_COLUMNS, householdLine, PERSON_COLUMNS, personLine, TEMPERATURE_COLUMNS, temperatureLine } from './rows.ts';

export type Timed = <T>(step: string, fn: () => Promise<T> | T) => Promise<T>;

export interface LoaderOptions {
  db: Database;
  tenantId: number;
  cipher: PiiCipher;
  counts: Record<string, number>;
  timed: Timed;
  /** Health checks per person, generated for each chunk's persons once they are loaded. */
  checks: (persons: readonly [number, number]) => Promise<number>;
}

type Stages = Record<'households' | 'persons', string>;

export class ChunkLoader {
  private readonly lanes: { stages: Stages; busy: Promise<void> }[];
  private loaded = 0;

  constructor(private readonly o: LoaderOptions) {
    const n = o.db.mode === 'server' ? 2 : 1;
    this.lanes = Array.from({ length: n }, (_, i) => ({
      stages: { households: `gen_households_${o.tenantId}_${i}`, persons: `gen_persons_${o.tenantId}_${i}` },
      busy: Promise.resolve(),
    }));
  }

  async open(): Promise<void> {
    for (const { stages } of this.lanes) {
      await this.o.db.ownerPool.query(q.createStage(stages.households, 'households', HOUSEHOLD_COLUMNS).toQuery());
      await this.o.db.ownerPool.query(q.createStage(stages.persons, 'persons', PERSON_COLUMNS).toQuery());
    }
  }

  /** Reserves the chunk's ids now, in chunk order, and loads it on the next lane once that lane is free. */
  async load(chunk: Chunk): Promise<void> {
    const householdIds = await this.reserve('households', chunk.households.length);
    const personIds = await this.reserve('persons', chunk.persons.length);
    const lane = this.lanes[this.loaded++ % this.lanes.length];
    await lane.busy;
    lane.busy = this.loadChunk(lane.stages, chunk, householdIds, personIds);
    lane.busy.catch(() => {}); // reported by the next load() of this lane or by close()
    if (this.lanes.length === 1) await lane.busy;
  }

  /** Waits for every lane; the first failure is thrown once all have stopped. */
  async close(): Promise<void> {
    const results = await Promise.allSettled(this.lanes.map((l) => l.busy));
    for (const { stages } of this.lanes) {
      for (const stage of Object.values(stages)) await this.o.db.ownerPool.query(q.dropStage(stage).toQuery()).catch(() => {});
    }
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async reserve(table: 'households' | 'persons', n: number): Promise<number[]> {
    if (n === 0) return [];
    const { rows } = await this.o.db.ownerPool.query<{ id: number }>(q.reserveIds(table, n).toQuery());
    return rows.map((r) => Number(r.id));
  }

  private async loadChunk(stages: Stages, chunk: Chunk, householdIds: number[], personIds: number[]): Promise<void> {
    const { db, tenantId: t, cipher, counts, timed } = this.o;
    await timed('households', async () => {
      await db.copyText(stages.households, HOUSEHOLD_COLUMNS, batched(chunk.households, (h, i) => householdLine(t, householdIds[i], h)));
      await this.insertStaged('households', stages.households, HOUSEHOLD_COLUMNS);
    });
    await timed('persons', async () => {
      const lines = batched(chunk.persons, (p, i) => personLine(t, personIds[i], p, householdIds[p.household], cipher));
      await db.copyText(stages.persons, PERSON_COLUMNS, lines);
      await this.insertStaged('persons', stages.persons, PERSON_COLUMNS);
    });
    const events = chunk.persons.flatMap((p, i) => p.events.map((e) => eventLine(t, personIds[i], e)));
    const readings = chunk.persons.flatMap((p, i) => p.temperatures.map((r) => temperatureLine(t, personIds[i], r)));
    await timed('person_events', () => db.copyText('person_events', EVENT_COLUMNS, batched(events, (l) => l)));
    await timed('temperature_readings', () => db.copyText('temperature_readings', TEMPERATURE_COLUMNS, batched(readings, (l) => l)));
    const checks = personIds.length ? await timed('health_checks', () => this.o.checks([personIds[0], personIds[personIds.length - 1]])) : 0;
    counts.households += chunk.households.length;
    counts.persons += chunk.persons.length;
    counts.person_events += events.length;
    counts.temperature_readings += readings.length;
    counts.health_checks += checks;
  }

  /** Stage to table in one transaction that may skip the per-row derivation (migration 0022). */
  private async insertStaged(table: 'households' | 'persons', stage: string, columns: readonly string[]): Promise<void> {
    const client = await this.o.db.ownerPool.connect();
    let failed = false;
    try {
      await client.query(`begin; ${q.bulkDerivation.toQuery().text}; ${q.indexStage(stage).toQuery().text}`);
      await client.query(q.insertStaged(this.o.tenantId, table, stage, columns).toQuery());
      await client.query(`${q.clearStage(stage).toQuery().text}; commit`);
    } catch (err) {
      failed = true;
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      // never reuse a connection after an error (see api/src/db/scope.ts)
      client.release(failed);
    }
  }
}

/** Encodes items lazily and joins them into blocks of lines, so COPY gets few large writes. */
function* batched<T>(items: readonly T[], encode: (item: T, index: number) => string, size = 500): Generator<string> {
  for (let i = 0; i < items.length; i += size) {
    let block = '';
    const end = Math.min(items.length, i + size);
    for (let k = i; k < end; k++) block += encode(items[k], k);
    yield block;
  }
}
