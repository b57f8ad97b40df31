// EXPLAIN ANALYZE of the hot spatial queries as the application role (gec_app, with row-level
// security), to check that RLS keeps the GiST indexes in play. Not a test: run by hand against a
// loaded city, e.g.
//   DATABASE_URL=… DATABASE_OWNER_URL=… npx tsx bench/explain.ts citylbench
import { openDatabase } from '../api/src/db/database.ts';
import { migrate } from '../api/src/db/migrate.ts';
import { withScope, type Caller } from '../api/src/db/scope.ts';
import { sql, type Sql } from '../api/src/db/sql.ts';
import { toleranceForZoom } from '../api/src/geo/bbox.ts';
import * as statsQ from '../api/src/stats/queries.ts';
import { ACTIVE_STATUSES, DEFAULT_MIN_COUNT, hexSizeForZoom, OTHER_WEIGHT, STATUS_WEIGHTS } from '../api/src/stats/service.ts';
import * as tilesQ from '../api/src/tiles/queries.ts';
import { tileOf } from './lib/measure.ts';

const tenantCode = process.argv[2] ?? 'citylbench';
const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, databaseOwnerUrl: process.env.DATABASE_OWNER_URL, poolSize: 2 });
await migrate(db.ownerPool);
const owner = async (q: Sql) => (await db.ownerPool.query(q.toQuery())).rows;
const [tenant] = await owner(sql`select id from tenants where code = ${tenantCode}`);
if (!tenant) throw new Error(`no tenant ${tenantCode}`);
const [city] = await owner(sql`select path::text as path, st_x(label_point) lon, st_y(label_point) lat from jurisdictions where tenant_id = ${tenant.id} and level = 1`);
const [grid] = await owner(sql`select path::text as path, st_x(label_point) lon, st_y(label_point) lat from jurisdictions where tenant_id = ${tenant.id} and level = 5 order by code offset 4321 limit 1`);

const queries: Record<string, (p: { lon: number; lat: number }) => Sql> = {
  'households KNN (10 nearest)': (p) =>
    sql`select id, st_distance(geom::geography, st_setsrid(st_makepoint(${p.lon}, ${p.lat}), 4326)::geography) as m
          from households where tenant_id = ${tenant.id}
         order by geom <-> st_setsrid(st_makepoint(${p.lon}, ${p.lat}), 4326) limit 10`,
  'households in a 1 km box': (p) =>
    sql`select count(*) from households where tenant_id = ${tenant.id}
           and geom && st_makeenvelope(${p.lon - 0.005}, ${p.lat - 0.005}, ${p.lon + 0.005}, ${p.lat + 0.005}, 4326)`,
  'watch list, newest 20': () =>
    sql`select id, name from persons where tenant_id = ${tenant.id} and status = 'watching' order by created_at desc limit 20`,
  // The statements of the map API themselves (api/src/*/queries.ts).
  'API: nearby households (20)': (p) => statsQ.nearbyHouseholds(tenant.id, p.lon + 0.003, p.lat + 0.002, 20),
  'API: choropleth of the grids': () => statsQ.choropleth(tenant.id, 5, undefined, toleranceForZoom(11), { dateBy: 'registered' }, 5000),
  'API: choropleth of the streets': () => statsQ.choropleth(tenant.id, 3, undefined, toleranceForZoom(11), { dateBy: 'registered' }, 5000),
  'API: heatmap z11 over a 10 km box': (p) =>
    statsQ.hexagons(tenant.id, { minLon: p.lon - 0.05, minLat: p.lat - 0.05, maxLon: p.lon + 0.05, maxLat: p.lat + 0.05 }, hexSizeForZoom(11), ACTIVE_STATUSES, STATUS_WEIGHTS, OTHER_WEIGHT, DEFAULT_MIN_COUNT),
  'API: tile grids z13': (p) => tilesQ.mvtTile('grids', ...tileOf(p.lon, p.lat, 13), { counts: true }),
  'API: tile households z15': (p) => tilesQ.mvtTile('households', ...tileOf(p.lon, p.lat, 15), {}),
  'grid containing a point': (p) =>
    sql`select id from jurisdictions where tenant_id = ${tenant.id} and level = 5 and st_covers(geom, st_setsrid(st_makepoint(${p.lon}, ${p.lat}), 4326))`,
};

for (const [who, scope] of [['city commander', city], ['grid worker', grid]] as const) {
  const caller: Caller = { tenantId: tenant.id, userId: null, scopePaths: [scope.path] };
  console.log(`\n### as ${who} (scope ${scope.path})`);
  for (const [name, build] of Object.entries(queries)) {
    const q = build({ lon: grid.lon, lat: grid.lat });
    const plan = await withScope(db.pool, caller, (tx) => tx.rows<{ 'QUERY PLAN': string }>(sql`explain (analyze, costs off) ${q}`));
    const lines = plan.map((r) => r['QUERY PLAN']);
    const indexes = [...new Set(lines.flatMap((l) => /(?:using|Index Scan on) (\w+)/.exec(l)?.[1] ?? []))];
    const time = lines.find((l) => l.startsWith('Execution Time'));
    console.log(`- ${name}: ${time}; indexes: ${indexes.join(', ') || 'NONE (sequential scan)'}`);
    if (process.env.VERBOSE) console.log(lines.map((l) => `    ${l}`).join('\n'));
  }
}
await db.close();
