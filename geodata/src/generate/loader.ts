// Loads the generated city chunk by chunk. Every table is COPYed into a staging table and moved
// into place by one statement in a bulk transaction (bulk.ts); households and persons on the way
// get their grids derived set-based (app.covering_grids). Their ids are reserved first, in
// generation order, so that a chunk's rows can be linked before anything is loaded. On a server
// two chunks load at once on their own connections (the database work is most of the time, and
// this machine class has two cores); embedded mode has one session, so one chunk at a time.
import type { PiiCipher } from '../../../api/src/crypto/pii.ts';
import type { Database } from '../../../api/src/db/database.ts';
import { bulkTransaction, mayUseReplica, type Bulk } from './bulk.ts';
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
  /** Never use replica mode (bulk.ts). */
  rowByRow: boolean;
  /** Health checks per person, generated in `bulk` for each chunk's persons once they are loaded. */
  checks: (bulk: Bulk, persons: readonly [number, number]) => Promise<number>;
}

type Stages = Record<'households' | 'persons' | 'events' | 'readings', string>;

export class ChunkLoader {
  private readonly lanes: { stages: Stages; busy: Promise<void> }[];
  private loaded = 0;
  /** Whether bulk transactions may skip row-by-row checks (bulk.ts); decided by open(). */
  private replica = false;

  constructor(private readonly o: LoaderOptions) {
    const n = o.db.mode === 'server' ? 2 : 1;
    this.lanes = Array.from({ length: n }, (_, i) => ({
      stages: {
        households: `gen_households_${o.tenantId}_${i}`,
        persons: `gen_persons_${o.tenantId}_${i}`,
        events: `gen_events_${o.tenantId}_${i}`,
        readings: `gen_readings_${o.tenantId}_${i}`,
      },
      busy: Promise.resolve(),
    }));
  }

  async open(): Promise<void> {
    this.replica = !this.o.rowByRow && (await mayUseReplica(this.o.db.ownerPool));
    for (const { stages } of this.lanes) {
      await this.o.db.ownerPool.query(q.createStage(stages.households, 'households', HOUSEHOLD_COLUMNS).toQuery());
      await this.o.db.ownerPool.query(q.createStage(stages.persons, 'persons', PERSON_COLUMNS).toQuery());
      await this.o.db.ownerPool.query(q.createStage(stages.events, 'person_events', EVENT_COLUMNS).toQuery());
      await this.o.db.ownerPool.query(q.createStage(stages.readings, 'temperature_readings', TEMPERATURE_COLUMNS).toQuery());
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
    const { rows } = await this.o.db.ownerPool.query<{ first: string; last: string; ids: string[] | null }>(q.reserveIds(table, n).toQuery());
    const { first, ids } = rows[0];
    return ids ? ids.map(Number) : Array.from({ length: n }, (_, i) => Number(first) + i);
  }

  private async loadChunk(stages: Stages, chunk: Chunk, householdIds: number[], personIds: number[]): Promise<void> {
    const { db, tenantId: t, cipher, counts, timed } = this.o;
    await timed('households', async () => {
      await db.copyText(stages.households, HOUSEHOLD_COLUMNS, batched(chunk.households, (h, i) => householdLine(t, householdIds[i], h)));
      await this.insertStaged('households', stages.households, HOUSEHOLD_COLUMNS, householdIds);
    });
    await timed('persons', async () => {
      const lines = batched(chunk.persons, (p, i) => personLine(t, personIds[i], p, householdIds[p.household], cipher));
      await db.copyText(stages.persons, PERSON_COLUMNS, lines);
      await this.insertStaged('persons', stages.persons, PERSON_COLUMNS, personIds);
    });
    const events = chunk.persons.flatMap((p, i) => p.events.map((e) => eventLine(t, personIds[i], e)));
    const readings = chunk.persons.flatMap((p, i) => p.temperatures.map((r) => temperatureLine(t, personIds[i], r)));
    await timed('person_events', () => db.copyText(stages.events, EVENT_COLUMNS, batched(events, (l) => l)));
    await timed('temperature_readings', () => db.copyText(stages.readings, TEMPERATURE_COLUMNS, batched(readings, (l) => l)));
    // the persons' history in one transaction: events and readings from their stages, checks set-based
    const checks = await this.transaction(async (bulk) => {
      await timed('person_events', () => this.moveStaged(bulk, 'person_events', stages.events, EVENT_COLUMNS));
      await timed('temperature_readings', () => this.moveStaged(bulk, 'temperature_readings', stages.readings, TEMPERATURE_COLUMNS));
      if (personIds.length === 0) return 0;
      return timed('health_checks', () => this.o.checks(bulk, [personIds[0], personIds[personIds.length - 1]]));
    });
    counts.households += chunk.households.length;
    counts.persons += chunk.persons.length;
    counts.person_events += events.length;
    counts.temperature_readings += readings.length;
    counts.health_checks += checks;
  }

  /** Stage to table in one bulk transaction (bulk.ts), which ends with the stage emptied. */
  private async insertStaged(table: 'households' | 'persons', stage: string, columns: readonly string[], ids: readonly number[]): Promise<void> {
    await this.transaction(async ({ client, verify }) => {
      await client.query(q.indexStage(stage).toQuery());
      await client.query(q.insertStaged(this.o.tenantId, table, stage, columns).toQuery());
      if (ids.length) await verify(table, [ids[0], ids[ids.length - 1]]);
      await client.query(q.clearStage(stage).toQuery());
    });
  }

  private async moveStaged(bulk: Bulk, table: 'person_events' | 'temperature_readings', stage: string, columns: readonly string[]): Promise<void> {
    const { rows } = await bulk.client.query<{ n: number; min: string | null; max: string | null }>(q.moveStaged(table, stage, columns).toQuery());
    if (rows[0].n > 0) await bulk.verify(table, [Number(rows[0].min), Number(rows[0].max)]);
    await bulk.client.query(q.truncateStage(stage).toQuery());
  }

  private transaction<T>(fn: (bulk: Bulk) => Promise<T>): Promise<T> {
    return bulkTransaction(this.o.db.ownerPool, this.o.tenantId, this.replica, fn);
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
