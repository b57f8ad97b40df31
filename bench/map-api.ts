// Map data API at city scale (issue 4): median and p95 of each map request through the HTTP API
// against the bare SQL it runs (same query, same caller, same row-level security), on city-L in a
// real PostGIS. Not a test. Run:
//   eval "$(.ci/postgis-cluster.sh /tmp/pgdev 55432 | sed 's/^/export /')"
//   npx tsx bench/map-api.ts            # BENCH_SAMPLES=30 BENCH_TENANT=citylbench BENCH_WRITE=1
// It generates city-L (and its 1M health checks) first when the tenant is missing, prints the
// tables and, unless BENCH_WRITE=0, replaces its section of docs/benchmarks.md.
import http from 'node:http';
import { cpus, totalmem } from 'node:os';
import type { Caller } from '../api/src/db/scope.ts';
import { withScope } from '../api/src/db/scope.ts';
import { sql, type Sql } from '../api/src/db/sql.ts';
import { toleranceForZoom, type Bbox } from '../api/src/geo/bbox.ts';
import * as statsQ from '../api/src/stats/queries.ts';
import { ACTIVE_STATUSES, DEFAULT_MIN_COUNT, hexSizeForZoom, OTHER_WEIGHT, STATUS_WEIGHTS } from '../api/src/stats/service.ts';
import * as tilesQ from '../api/src/tiles/queries.ts';
import type { Layer } from '../api/src/tiles/queries.ts';
import { LAYER_MIN_ZOOM } from '../api/src/tiles/service.ts';
import { benchLogin, listen, openBenchCity } from './lib/city.ts';
import { median, p95, prng, tileOf, writeSection } from './lib/measure.ts';
import * as q from './queries.ts';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
/** BENCH_ONLY=tiles,aggregation,knn runs some parts (for development; the goals need all three). */
const ONLY = (process.env.BENCH_ONLY ?? 'tiles,aggregation,knn').split(',');
const part = (name: string) => ONLY.includes(name);
const ZOOMS = [12, 13, 14, 15, 16];
const TILE_LAYERS: Layer[] = ['grids', 'persons', 'households'];

const city = await openBenchCity();
const { app, tenantId } = city;
const server = await listen(app);
const cookie = await benchLogin(server.baseUrl, city.tenantCode, 'commander');
// node:http with keep-alive: undici's fetch added 1–5 ms of client time per request here.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(path: string, as = cookie): Promise<{ status: number; body: Buffer; cache: string | null }> {
  return new Promise((resolve, reject) => {
    http
      .get(server.baseUrl + path, { agent, headers: { cookie: as } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), cache: ((res.headers['x-tile-cache'] ?? res.headers['x-cache']) as string) ?? null }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
const owner = async <T>(s: Sql) => (await app.db.ownerPool.query(s.toQuery())).rows as T[];

async function api(path: string, as = cookie): Promise<{ ms: number; bytes: number; cache: string | null }> {
  const t0 = performance.now();
  const res = await get(path, as);
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.body.toString().slice(0, 200)}`);
  return { ms, bytes: res.body.length, cache: res.cache };
}

const me = JSON.parse((await get('/api/auth/me')).body.toString()) as { userId: number; scope: { path: string }[]; permissions: string[] };
const caller: Caller = { tenantId, userId: me.userId, scopePaths: me.scope.map((s) => s.path) };

/** The bare SQL: the same statement in the same scoped transaction the API opens, timed alone. */
async function bare(s: Sql, as = caller): Promise<number> {
  return withScope(app.db.pool, as, async (tx) => {
    const t0 = performance.now();
    await tx.query(s);
    return performance.now() - t0;
  });
}

interface Row {
  name: string;
  n: number;
  sql: number[];
  api: number[];
  cached?: number[];
  bytes: number[];
}
const rows: Row[] = [];

function summarise(r: Row): string {
  const ratio = median(r.api) / median(r.sql);
  const cols = [
    r.name, String(r.n),
    `${median(r.sql).toFixed(1)} / ${p95(r.sql).toFixed(1)}`,
    `${median(r.api).toFixed(1)} / ${p95(r.api).toFixed(1)}`,
    ratio.toFixed(2),
    r.cached ? `${median(r.cached).toFixed(2)} / ${p95(r.cached).toFixed(2)}` : '',
    r.cached ? `${(median(r.api) / median(r.cached)).toFixed(0)}×` : '',
    `${(median(r.bytes) / 1024).toFixed(1)}`,
  ];
  return `| ${cols.join(' | ')} |`;
}

const HEADER = [
  '| request | samples | bare SQL ms (median / p95) | API ms (median / p95) | API / SQL | cached API ms (median / p95) | cached speed-up | KiB (median) |',
  '|---|---|---|---|---|---|---|---|',
];

// ---- Tiles: SQL, then the API uncached (a fresh data version), then the same tile again (cached).
const grids = await owner<{ lon: number; lat: number }>(q.gridPoints(tenantId));
const rand = prng(20261125);
for (const layer of part('tiles') ? TILE_LAYERS : []) {
  const params = layer === 'grids' ? { counts: me.permissions.includes('person:read') } : {};
  // Below its minimum zoom a point layer is an empty tile and runs no query: nothing to compare.
  for (const z of ZOOMS.filter((zz) => zz >= LAYER_MIN_ZOOM[layer])) {
    const seen = new Set<string>();
    const tiles: [number, number, number][] = [];
    const order = grids.map((g) => ({ g, k: rand() })).sort((a, b) => a.k - b.k).map((x) => x.g);
    for (const g of order) {
      const t = tileOf(g.lon, g.lat, z);
      if (!seen.has(t.join('/'))) tiles.push(t);
      seen.add(t.join('/'));
      if (tiles.length >= SAMPLES) break;
    }
    // Warm the buffers for both sides alike, then make every cached tile stale.
    for (const t of tiles) await bare(tilesQ.mvtTile(layer, ...t, params));
    await owner(q.bumpTileVersion(tenantId));
    const row: Row = { name: `tile ${layer} z${z}`, n: tiles.length, sql: [], api: [], cached: [], bytes: [] };
    for (const t of tiles) {
      row.sql.push(await bare(tilesQ.mvtTile(layer, ...t, params)));
      const miss = await api(`/api/tiles/${layer}/${t.join('/')}`);
      if (miss.cache !== 'miss') throw new Error(`expected a cache miss for ${layer}/${t.join('/')}, got ${miss.cache}`);
      const hit = await api(`/api/tiles/${layer}/${t.join('/')}`);
      if (hit.cache !== 'hit') throw new Error(`expected a cache hit for ${layer}/${t.join('/')}, got ${hit.cache}`);
      row.api.push(miss.ms);
      row.cached!.push(hit.ms);
      row.bytes.push(miss.bytes);
    }
    rows.push(row);
    console.log(summarise(row));
  }
}

// ---- Whole-city aggregation: choropleth per level, hexagon heatmap.
const [ext] = await owner<{ west: number; south: number; east: number; north: number }>(q.cityExtent(tenantId));
const bbox: Bbox = { minLon: ext.west, minLat: ext.south, maxLon: ext.east, maxLat: ext.north };
const bboxParam = [ext.west, ext.south, ext.east, ext.north].map((x) => x.toFixed(6)).join(',');
const reps = Math.max(5, Math.round(SAMPLES / 2));
/** Aggregates are cached by data version too: each API sample follows a version bump (miss), then repeats (hit). */
async function pair(name: string, path: string, s: Sql): Promise<void> {
  await bare(s);
  await api(path);
  const row: Row = { name, n: reps, sql: [], api: [], cached: [], bytes: [] };
  for (let i = 0; i < reps; i++) {
    row.sql.push(await bare(s));
    await owner(q.bumpTileVersion(tenantId));
    const miss = await api(path);
    if (miss.cache !== 'miss') throw new Error(`expected a cache miss for ${path}, got ${miss.cache}`);
    const hit = await api(path);
    if (hit.cache !== 'hit') throw new Error(`expected a cache hit for ${path}, got ${hit.cache}`);
    row.api.push(miss.ms);
    row.cached!.push(hit.ms);
    row.bytes.push(miss.bytes);
  }
  rows.push(row);
  console.log(summarise(row));
}
const CITY_ZOOM = 11;
for (const level of part('aggregation') ? [2, 3, 4, 5] : []) {
  await pair(
    `choropleth level ${level}, whole city`,
    `/api/stats/choropleth?level=${level}&zoom=${CITY_ZOOM}`,
    statsQ.choropleth(tenantId, level, undefined, toleranceForZoom(CITY_ZOOM), { dateBy: 'registered' }, 5000),
  );
}
const k = me.permissions.includes('person:reveal') ? 1 : DEFAULT_MIN_COUNT;
for (const zoom of part('aggregation') ? [CITY_ZOOM, 13] : []) {
  await pair(
    `heatmap z${zoom}, whole city`,
    `/api/stats/heatmap?bbox=${bboxParam}&zoom=${zoom}`,
    statsQ.hexagons(tenantId, bbox, hexSizeForZoom(zoom), ACTIVE_STATUSES, STATUS_WEIGHTS, OTHER_WEIGHT, k),
  );
}

// ---- KNN. Exact positions are for the roles that work in the field (the commander gets 403): the
// community staff, from points spread over their community.
const near = part('knn') ? await (async () => {
  const as = await benchLogin(server.baseUrl, city.tenantCode, 'community');
  const who = JSON.parse((await get('/api/auth/me', as)).body.toString()) as { userId: number; scope: { id: number; path: string }[] };
  const [box] = await owner<{ west: number; south: number; east: number; north: number }>(
    sql`select st_xmin(geom) as west, st_ymin(geom) as south, st_xmax(geom) as east, st_ymax(geom) as north
          from jurisdictions where tenant_id = ${tenantId} and id = ${who.scope[0].id}`);
  return { as, caller: { tenantId, userId: who.userId, scopePaths: who.scope.map((s) => s.path) } as Caller, box };
})() : null;
if (part('knn')) {
  const row: Row = { name: 'nearby households (20 of 1M)', n: SAMPLES, sql: [], api: [], bytes: [] };
  for (let i = 0; i < SAMPLES; i++) {
    const lon = near!.box.west + rand() * (near!.box.east - near!.box.west);
    const lat = near!.box.south + rand() * (near!.box.north - near!.box.south);
    const s = statsQ.nearbyHouseholds(tenantId, lon, lat, 20);
    if (i === 0) await bare(s, near!.caller);
    row.sql.push(await bare(s, near!.caller));
    const r = await api(`/api/nearby/households?near=${lon},${lat}&limit=20`, near!.as);
    row.api.push(r.ms);
    row.bytes.push(r.bytes);
  }
  rows.push(row);
  console.log(summarise(row));
}
if (part('knn') && city.counts.tasks > 0) {
  const row: Row = { name: `nearby tasks (20 of ${city.counts.tasks})`, n: SAMPLES, sql: [], api: [], bytes: [] };
  for (let i = 0; i < SAMPLES; i++) {
    const lon = near!.box.west + rand() * (near!.box.east - near!.box.west);
    const lat = near!.box.south + rand() * (near!.box.north - near!.box.south);
    row.sql.push(await bare(statsQ.nearbyTasks(tenantId, lon, lat, undefined, 20), near!.caller));
    const r = await api(`/api/nearby/tasks?near=${lon},${lat}&limit=20`, near!.as);
    row.api.push(r.ms);
    row.bytes.push(r.bytes);
  }
  rows.push(row);
  console.log(summarise(row));
}

// ---- Goals.
const tileRows = rows.filter((r) => r.name.startsWith('tile'));
const aggRows = rows.filter((r) => /choropleth|heatmap/.test(r.name));
const knnRows = rows.filter((r) => r.name.startsWith('nearby'));
const worst = (rs: Row[]) => (rs.length ? Math.max(...rs.map((r) => median(r.api) / median(r.sql))) : Number.NaN);
const minSpeedup = Math.min(...tileRows.map((r) => median(r.api) / median(r.cached!)));
const goals = [
  `- tiles: worst API / SQL ${worst(tileRows).toFixed(2)} (goal ≤ 1.3) — ${worst(tileRows) <= 1.3 ? 'met' : 'MISSED'}`,
  `- aggregation: worst API / SQL ${worst(aggRows).toFixed(2)} (goal ≤ 1.3) — ${worst(aggRows) <= 1.3 ? 'met' : 'MISSED'}`,
  `- KNN: worst API / SQL ${worst(knnRows).toFixed(2)} (goal ≤ 1.5) — ${worst(knnRows) <= 1.5 ? 'met' : 'MISSED'}`,
  `- cache: smallest uncached / cached ${minSpeedup.toFixed(0)}× (goal ≥ 20×) — ${minSpeedup >= 20 ? 'met' : 'MISSED'}`,
];
console.log(goals.join('\n'));

const date = new Date().toISOString().slice(0, 10);
const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, PostgreSQL ${city.versions.pg} + PostGIS ${city.versions.postgis}`;
const c = city.counts;
const section = [
  `## Map data API vs bare SQL on city-L — ${date}`,
  '',
  `\`npx tsx bench/map-api.ts\` (bench/map-api.ts; DATABASE_URL/DATABASE_OWNER_URL of a cluster from \`.ci/postgis-cluster.sh\`). Machine: ${machine}.`,
  `Data: tenant \`${city.tenantCode}\`, ${c.grids.toLocaleString('en')} grids, ${c.households.toLocaleString('en')} households, ${c.persons.toLocaleString('en')} persons, ${c.health_checks.toLocaleString('en')} health checks, ${c.tasks.toLocaleString('en')} tasks.`,
  'Caller: the bench commander (whole city in scope, `person:read` without `person:reveal`, so heatmap cells under 5 are suppressed).',
  '"Bare SQL" is the same statement in the same scoped transaction (role gec_app, row-level security on), timed alone on the',
  'client; "API" is the whole HTTP request (session lookup, scope, data version, encoding, transfer). Tiles: each sampled tile',
  'is fetched right after its SQL run with a fresh data version (miss), then again (hit from the in-process cache); choropleths',
  'and heatmaps are cached by data version the same way and measured the same way.',
  '',
  ...HEADER,
  ...rows.map(summarise),
  '',
  'Goals (issue 4):',
  '',
  ...goals,
].join('\n');
if (process.env.BENCH_WRITE !== '0') await writeSection('map-api', section);

agent.destroy();
await server.close();
await city.runtime.close();
