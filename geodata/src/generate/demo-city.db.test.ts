// The demo city in PostGIS: its boundaries pass the checks a boundary import makes, and the grids
// its points got from the bulk path are the ones the per-row trigger gives.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PiiCipher } from '../../../api/src/crypto/pii.ts';
import { openDatabase, type Database } from '../../../api/src/db/database.ts';
import { migrate } from '../../../api/src/db/migrate.ts';
import { withScope } from '../../../api/src/db/scope.ts';
import { sql } from '../../../api/src/db/sql.ts';
import { CITY_CENTER, gridsOf, riversOf } from './city.ts';
import { lineStringEwkt } from './geometry.ts';
import { generateCity, type GenerateResult } from './index.ts';
import { DEFAULT_SEED, planCity } from './model.ts';

const NOW = new Date('2020-02-15T00:00:00Z');
const cipher = new PiiCipher({ fieldKey: randomBytes(32), lookupKey: randomBytes(32) });
const plan = planCity('demo', DEFAULT_SEED, NOW);
const tenantCode = `demo${process.pid}${Date.now().toString(36)}`.slice(0, 39);
/** Square metres below which a gap, an overlap or a part outside the parent is only rounding. */
const TOLERANCE_M2 = 0.01;

let db: Database;
let result: GenerateResult;
const q = async <T = any>(text: string, values: unknown[] = [result.tenantId]): Promise<T[]> => (await db.ownerPool.query(text, values)).rows;

/** Runs fn in an owner transaction that is rolled back. */
async function rolledBack(fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
  const c = await db.ownerPool.connect();
  try {
    await c.query('begin');
    await fn(c);
  } finally {
    await c.query('rollback');
    c.release();
  }
}

const GRIDS_OF = {
  households: 'select id, grid_id, grid_path::text as grid_path from households where tenant_id = $1 order by id',
  persons: 'select id, grid_id, grid_path::text as grid_path from persons where tenant_id = $1 order by id',
};

/** Every point of the tenant derived again by the per-row trigger (an update of geom fires it). */
async function perRow(c: pg.PoolClient, table: 'households' | 'persons') {
  await c.query(`update ${table} set geom = geom where tenant_id = $1`, [result.tenantId]);
  return (await c.query(GRIDS_OF[table], [result.tenantId])).rows;
}

/** Counts kept by the statement triggers, against a fresh count. */
async function countsAgree(c: pg.PoolClient | pg.Pool): Promise<void> {
  const t = [result.tenantId];
  const kept = (await c.query('select grid_id, households as n from grid_household_counts where tenant_id = $1 and households > 0 order by 1', t)).rows;
  const fresh = (await c.query('select grid_id, count(*)::int as n from households where tenant_id = $1 and grid_id is not null group by 1 order by 1', t)).rows;
  expect(kept).toEqual(fresh);
  const keptP = (await c.query('select grid_path::text as p, status, n from grid_person_counts where tenant_id = $1 and n > 0 order by 1, 2', t)).rows;
  const freshP = (await c.query(
    'select grid_path::text as p, status, count(*)::int as n from persons where tenant_id = $1 and grid_path is not null group by 1, 2 order by 1, 2', t,
  )).rows;
  expect(keptP).toEqual(freshP);
}

beforeAll(async () => {
  const url = process.env.TEST_DATABASE_URL;
  db = await openDatabase(url ? { databaseUrl: url, databaseOwnerUrl: process.env.TEST_DATABASE_OWNER_URL ?? url, poolSize: 2 } : { poolSize: 2 });
  await migrate(db.ownerPool);
  result = await generateCity(db, { tenantCode, tenantName: '示范市', size: 'demo', cipher, now: NOW });
}, 300_000);

afterAll(async () => {
  if (result) await db.ownerPool.query('delete from tenants where id = $1', [result.tenantId]);
  await db?.close();
});

describe('the demo city\'s boundaries in PostGIS', () => {
  it('are valid single polygons without holes, each with its label inside', async () => {
    const [row] = await q(
      `select count(*)::int as nodes,
              count(*) filter (where not st_isvalid(geom) or st_numgeometries(geom) <> 1
                                 or st_numinteriorrings(st_geometryn(geom, 1)) <> 0 or not st_contains(geom, label_point))::int as bad
         from jurisdictions where tenant_id = $1`,
    );
    expect(row).toEqual({ nodes: plan.city.levels.flat().length, bad: 0 });
  });

  it('has no overlap between siblings', async () => {
    const [row] = await q(
      `select count(*)::int as touching, coalesce(max(st_area(st_intersection(a.geom, b.geom)::geography)), 0) as overlap,
              count(*) filter (where st_overlaps(a.geom, b.geom))::int as overlapping
         from jurisdictions a
         join jurisdictions b on b.tenant_id = a.tenant_id and b.parent_id = a.parent_id and b.id > a.id and st_intersects(a.geom, b.geom)
        where a.tenant_id = $1`,
    );
    expect(row.touching).toBeGreaterThan(60);
    expect(row.overlapping).toBe(0);
    expect(row.overlap).toBeLessThan(TOLERANCE_M2);
  });

  it('leaves no gap in a parent and no child outside it', async () => {
    // Measured through intersections: the embedded PostGIS (GEOS 3.14 in WebAssembly) aborts on
    // ST_Difference of some polygons with an equal polygon of the other orientation, which is what
    // a parent and the union of its children are.
    const rows = await q<{ gap: number; outside: number }>(
      `select abs(st_area(p.geom::geography) - st_area(st_intersection(p.geom, st_union(c.geom))::geography)) as gap,
              max(abs(st_area(c.geom::geography) - st_area(st_intersection(c.geom, p.geom)::geography))) as outside
         from jurisdictions p join jurisdictions c on c.tenant_id = p.tenant_id and c.parent_id = p.id
        where p.tenant_id = $1 group by p.id, p.geom`,
    );
    expect(rows).toHaveLength(plan.city.levels.slice(0, 4).flat().length);
    for (const r of rows) {
      expect(r.gap).toBeLessThan(TOLERANCE_M2);
      expect(r.outside).toBeLessThan(TOLERANCE_M2);
    }
  });

  it('has no slivers: every node is large and compact enough', async () => {
    const [row] = await q(
      `select min(area_m2) as smallest, min(4 * pi() * area_m2 / st_perimeter(geom::geography) ^ 2) as least_compact
         from jurisdictions where tenant_id = $1`,
    );
    expect(row.smallest).toBeGreaterThan(50_000);
    expect(row.least_compact).toBeGreaterThan(0.15);
  });

  it('has unique codes, each under its parent\'s', async () => {
    const [row] = await q(
      `select count(*)::int as n, count(distinct c.code)::int as codes,
              count(*) filter (where c.level > 2 and not starts_with(c.code, p.code))::int as stray
         from jurisdictions c left join jurisdictions p on p.tenant_id = c.tenant_id and p.id = c.parent_id
        where c.tenant_id = $1`,
    );
    expect(row).toEqual({ n: row.codes, codes: row.codes, stray: 0 });
  });

  it('lets no node cross a river: rivers run along boundaries', async () => {
    const rivers = riversOf(plan.city);
    expect(rivers).toHaveLength(2);
    for (const river of rivers) {
      const [row] = await q(
        `select count(*) filter (where st_relate(geom, $2::geometry, 'T********'))::int as crossed,
                count(*) filter (where level = 5 and st_intersects(geom, $2::geometry))::int as along
           from jurisdictions where tenant_id = $1 and level > 1`,
        [result.tenantId, lineStringEwkt(river)],
      );
      expect(row.crossed).toBe(0);
      expect(row.along).toBeGreaterThan(2);
    }
  });
});

describe('grids derived in bulk', () => {
  it('are the per-row trigger\'s for every household and person', async () => {
    const bulk = { households: await q(GRIDS_OF.households), persons: await q(GRIDS_OF.persons) };
    expect(bulk.households).toHaveLength(plan.size.households);
    expect(bulk.households.every((h) => h.grid_id !== null)).toBe(true);
    await rolledBack(async (c) => {
      expect(await perRow(c, 'households')).toEqual(bulk.households);
      expect(await perRow(c, 'persons')).toEqual(bulk.persons);
    });
  });

  it('keep the counts per grid equal to a fresh count', async () => {
    await countsAgree(db.ownerPool);
  });

  it('take the lowest grid on a shared vertex and none outside the city, as the per-row trigger does', async () => {
    // a vertex of three grids, not on the city's outline
    const seen = new Map<number, number>();
    for (const g of gridsOf(plan.city)) for (const v of g.ring) seen.set(v, (seen.get(v) ?? 0) + 1);
    const vertex = [...seen].find(([, n]) => n >= 3)![0];
    const [lon, lat] = plan.city.map.degrees(vertex);
    await rolledBack(async (c) => {
      const t = result.tenantId;
      await c.query(
        `insert into households (tenant_id, geom, address) values
           ($1, st_setsrid(st_point($2, $3), 4326), 'vertex'), ($1, st_setsrid(st_point($4, $5), 4326), 'outside')`,
        [t, lon, lat, CITY_CENTER[0] + 1, CITY_CENTER[1] + 1],
      );
      const perRowGrids = (await c.query(GRIDS_OF.households, [t])).rows;
      const added = perRowGrids.slice(-2);
      const lowest = (await c.query(
        `select min(id) as id from jurisdictions where tenant_id = $1 and level = 5 and st_covers(geom, st_setsrid(st_point($2, $3), 4326))`, [t, lon, lat],
      )).rows[0].id;
      expect(added.map((h) => h.grid_id)).toEqual([lowest, null]);
      // forget every grid without the trigger (this owner session may skip it), then derive set-based
      await c.query(`select set_config('app.bulk_derivation', 'on', true)`);
      await c.query('update households set grid_id = null, grid_path = null where tenant_id = $1', [t]);
      expect((await c.query('select count(*)::int as n from households where tenant_id = $1 and grid_id is not null', [t])).rows[0].n).toBe(0);
      await c.query(`select set_config('app.bulk_derivation', '', true)`);
      const [changed] = (await c.query('select * from app.rederive_grids($1)', [t])).rows;
      expect(Number(changed.households_changed)).toBe(plan.size.households + 1);
      expect((await c.query(GRIDS_OF.households, [t])).rows).toEqual(perRowGrids);
      await countsAgree(c);
    });
  });

  it('are derived again set-based when the grids move, as the per-row trigger would, counts included', async () => {
    await rolledBack(async (c) => {
      const t = result.tenantId;
      const before = (await c.query(GRIDS_OF.households, [t])).rows;
      // about 40 m east and 20 m north: points near the edges change grid (the update re-derives, 0012)
      await c.query('update jurisdictions set geom = st_translate(geom, 0.0004, 0.0002) where tenant_id = $1 and level = 5', [t]);
      const moved = { households: (await c.query(GRIDS_OF.households, [t])).rows, persons: (await c.query(GRIDS_OF.persons, [t])).rows };
      expect(moved.households.filter((h, i) => h.grid_id !== before[i].grid_id).length).toBeGreaterThan(10);
      await countsAgree(c);
      expect((await c.query('select * from app.rederive_grids($1)', [t])).rows[0]).toEqual({ households_changed: 0, persons_changed: 0 });
      expect(await perRow(c, 'households')).toEqual(moved.households);
      expect(await perRow(c, 'persons')).toEqual(moved.persons);
    });
  });
});

describe('the per-row derivation', () => {
  const caller = async () => ({
    tenantId: result.tenantId,
    userId: null,
    scopePaths: [(await q<{ path: string }>('select path::text as path from jurisdictions where tenant_id = $1 and level = 1'))[0].path],
  });
  const grids = async () => q<{ id: number; path: string }>('select id, path::text as path from jurisdictions where tenant_id = $1 and level = 5 order by id');

  it('cannot be skipped by the application role, not even after app.rederive_grids', async () => {
    const [a, b] = await grids();
    const [inA] = await q<{ lon: number; lat: number }>(
      'select st_x(h.geom) as lon, st_y(h.geom) as lat from households h where h.tenant_id = $1 and h.grid_id = $2 limit 1', [result.tenantId, a.id],
    );
    const seen = await withScope(db.pool, await caller(), async (tx) => {
      await tx.query(sql`select set_config('app.bulk_derivation', 'on', true)`);
      const skip = (await tx.one<{ skip: boolean }>(sql`select app.may_skip_derivation() as skip`))!.skip;
      const inserted = (await tx.one<{ id: number; grid_id: number; grid_path: string }>(
        sql`insert into households (tenant_id, geom, address)
            values (${result.tenantId}, st_setsrid(st_point(${inA.lon}, ${inA.lat}), 4326), 'app') returning id, grid_id, grid_path::text`,
      ))!;
      // a wrong grid written by the app is replaced by the derived one
      const updated = (await tx.one<{ grid_id: number }>(
        sql`update households set grid_id = ${b.id}, grid_path = ${b.path}::ltree where tenant_id = ${result.tenantId} and id = ${inserted.id} returning grid_id`,
      ))!;
      await tx.query(sql`select * from app.rederive_grids(${result.tenantId})`);
      const after = (await tx.one<{ grid_id: number }>(
        sql`insert into households (tenant_id, geom, address)
            values (${result.tenantId}, st_setsrid(st_point(${inA.lon}, ${inA.lat}), 4326), 'app') returning grid_id`,
      ))!;
      throw Object.assign(new Error('roll back'), { seen: { skip, inserted, updated, after } });
    }).catch((err) => err.seen ?? err);
    expect(seen).toEqual({
      skip: false,
      inserted: { id: expect.any(Number), grid_id: a.id, grid_path: a.path },
      updated: { grid_id: a.id },
      after: { grid_id: a.id },
    });
  });

  it('runs for the owner too unless the owner asks for the bulk path', async () => {
    const [a] = await grids();
    await rolledBack(async (c) => {
      const [h] = (await c.query(
        `insert into households (tenant_id, geom, address)
         select tenant_id, geom, 'owner' from households where tenant_id = $1 and grid_id = $2 limit 1 returning grid_id`, [result.tenantId, a.id],
      )).rows;
      expect(h.grid_id).toBe(a.id);
      expect((await c.query('select app.may_skip_derivation() as skip')).rows[0].skip).toBe(true);
    });
  });
});
