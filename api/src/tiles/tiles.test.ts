// Vector tiles: decoded features and attributes, scoping, both encoders, ETags and freshness.
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { withTenantScope } from '../db/scope.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { personBody, moveStatus } from '../test/people.ts';
import { LAYERS } from './queries.ts';
import { engineOf, renderTile } from './service.ts';

let t: TestApp;
let f: Fixture;
let workerA: Client;
const cookies: Record<string, string> = {};
const ids = { personA: 0, personB: 0, householdA: 0, householdB: 0, taskA: 0, taskB: 0 };

/** The tile containing a point (slippy-map numbering). */
function tileOf(p: { lon: number; lat: number }, z: number): [number, number, number] {
  const n = 2 ** z;
  const rad = (p.lat * Math.PI) / 180;
  return [z, Math.floor(((p.lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

interface Decoded {
  [layer: string]: Map<number, { props: Record<string, unknown>; point: { x: number; y: number } }>;
}

function decode(buf: Uint8Array): Decoded {
  const tile = new VectorTile(new Pbf(buf));
  const out: Decoded = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    out[name] = new Map();
    for (let i = 0; i < layer.length; i++) {
      const feat = layer.feature(i);
      const p = feat.loadGeometry()[0][0];
      out[name].set(Number(feat.id), { props: { ...feat.properties }, point: { x: p.x, y: p.y } });
    }
  }
  return out;
}

async function get(who: string, path: string, headers: Record<string, string> = {}) {
  const r = await fetch(t.baseUrl + path, { headers: { cookie: cookies[who], ...headers } });
  const buf = new Uint8Array(await r.arrayBuffer());
  const json = r.headers.get('content-type')?.includes('json') ? JSON.parse(Buffer.from(buf).toString()) : undefined;
  return { status: r.status, headers: r.headers, buf, json };
}

/** A GET whose body arrives as sent (fetch would undo the content coding). */
function raw(who: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(t.baseUrl + path, { headers: { cookie: cookies[who], ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

async function tile(who: string, layer: string, [z, x, y]: [number, number, number], headers: Record<string, string> = {}) {
  const r = await get(who, `/api/tiles/${layer}/${z}/${x}/${y}`, headers);
  expect(r.status, JSON.stringify(r.json)).toBeLessThan(400);
  return { ...r, layers: r.status === 200 ? decode(r.buf) : {} };
}

async function insertTask(point: { lon: number; lat: number }, grid: number): Promise<number> {
  const r = await t.app.db.ownerPool.query(
    `insert into tasks (tenant_id, kind, assignee_jurisdiction_id, geom) values ($1, 'check', $2, st_setsrid(st_makepoint($3, $4), 4326)) returning id`,
    [f.tenantId, grid, point.lon, point.lat],
  );
  return r.rows[0].id;
}

let CITY: [number, number, number];
/** Point layers are drawn from zoom 14 (households; persons 12, tasks 10): tiles at each point. */
const DEEP = 14;

/** The features of one layer over the deep tiles of the three fixture points, merged. */
async function across(who: string, layer: string) {
  const merged: Decoded[string] = new Map();
  for (const p of [f.points.gridA, f.points.gridB, f.points.gridC]) {
    for (const [id, feat] of (await tile(who, layer, tileOf(p, DEEP))).layers[layer] ?? []) merged.set(id, feat);
  }
  return merged;
}

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'tile');
  const { DEMO_PASSWORD } = await import('../auth/seed.ts');
  for (const who of ['gridworker', 'gridworker2', 'community', 'commander', 'checkpoint']) {
    const r = await fetch(`${t.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: f.prefix + who, password: DEMO_PASSWORD }),
    });
    expect(r.status).toBe(200);
    cookies[who] = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  }
  workerA = await t.login(`${f.prefix}gridworker`);
  const workerB = await t.login(`${f.prefix}gridworker2`);
  ids.householdA = (await workerA.post('/api/households', { location: f.points.gridA, address: '东一社区1号楼' })).body.id;
  ids.householdB = (await workerB.post('/api/households', { location: f.points.gridB, address: '东一社区2号楼' })).body.id;
  const a = await workerA.post('/api/persons', personBody(f.points.gridA, { householdId: ids.householdA }));
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  ids.personA = a.body.id;
  ids.personB = (await workerB.post('/api/persons', personBody(f.points.gridB))).body.id;
  ids.taskA = await insertTask(f.points.gridA, f.nodes.gridA);
  ids.taskB = await insertTask(f.points.gridB, f.nodes.gridB);
  // At zoom 4 the whole fixture city lies on one tile.
  CITY = tileOf(f.points.gridA, 4);
  expect(tileOf(f.points.gridC, 4)).toEqual(CITY);
});
afterAll(() => t?.close());

describe('tile contents', () => {
  it('the community staff see every layer of their grids with its attributes at the points themselves, and no personal data', async () => {
    const persons = await across('community', 'persons');
    expect([...persons.keys()].sort((a, b) => a - b)).toEqual([ids.personA, ids.personB]);
    for (const p of persons.values()) expect(Object.keys(p.props).sort()).toEqual(['count', 'status']); // severity null: left out
    expect(persons.get(ids.personA)!.props).toEqual({ status: 'watching', count: 1 });
    const households = await across('community', 'households');
    expect(households.get(ids.householdA)!.props).toEqual({ persons: 1, households: 1 });
    expect(households.get(ids.householdB)!.props).toEqual({ persons: 0, households: 1 });
    const tasks = await across('community', 'tasks');
    expect(tasks.get(ids.taskA)!.props).toEqual({ kind: 'check', state: 'open', count: 1 });
    expect(tasks.has(ids.taskB)).toBe(true);
  });

  it('a commander sees the whole city, persons, households and tasks counted per grid at a point inside it', async () => {
    const grids = (await tile('commander', 'grids', CITY)).layers.grids;
    expect([...grids.keys()].sort((a, b) => a - b)).toEqual([f.nodes.gridA, f.nodes.gridB, f.nodes.gridC]);
    expect(grids.get(f.nodes.gridA)!.props).toMatchObject({ name: '第一网格', watching: 1, suspected: 0, confirmed: 0 });
    expect(grids.get(f.nodes.gridC)!.props).toMatchObject({ name: '第三网格', watching: 0 });
    // Feature ids: the grid id shifted by 4 bits, the status's place (watching = 1) below.
    const persons = await across('commander', 'persons');
    expect([...persons.keys()].sort((a, b) => a - b)).toEqual([f.nodes.gridA * 16 + 1, f.nodes.gridB * 16 + 1]);
    for (const p of persons.values()) expect(p.props).toEqual({ status: 'watching', count: 1 });
    const households = await across('commander', 'households');
    expect([...households.keys()].sort((a, b) => a - b)).toEqual([f.nodes.gridA, f.nodes.gridB]);
    expect(households.get(f.nodes.gridA)!.props).toEqual({ persons: 1, households: 1 });
    expect(households.get(f.nodes.gridB)!.props).toEqual({ persons: 0, households: 1 });
    const tasks = await across('commander', 'tasks');
    expect([...tasks.values()].map((x) => x.props)).toEqual([{ kind: 'check', state: 'open', count: 1 }, { kind: 'check', state: 'open', count: 1 }]);
    expect(tasks.has(ids.taskA)).toBe(false);
  });

  it('a grid worker sees only their own grid in every layer', async () => {
    const only = async (who: string, layer: string, expected: number[]) => {
      const l = layer === 'grids' ? (await tile(who, layer, CITY)).layers[layer] : await across(who, layer);
      expect([...(l?.keys() ?? [])], `${who} ${layer}`).toEqual(expected);
    };
    await only('gridworker', 'grids', [f.nodes.gridA]);
    await only('gridworker', 'persons', [ids.personA]);
    await only('gridworker', 'households', [ids.householdA]);
    await only('gridworker', 'tasks', [ids.taskA]);
    await only('gridworker2', 'grids', [f.nodes.gridB]);
    await only('gridworker2', 'persons', [ids.personB]);
    await only('gridworker2', 'households', [ids.householdB]);
    await only('gridworker2', 'tasks', [ids.taskB]);
  });

  it('places a point on its pixel of a deep tile', async () => {
    const at = tileOf(f.points.gridA, 14);
    const p = (await tile('community', 'persons', at)).layers.persons.get(ids.personA)!;
    const n = 2 ** 14;
    const rad = (f.points.gridA.lat * Math.PI) / 180;
    const px = (((f.points.gridA.lon + 180) / 360) * n - at[1]) * 4096;
    const py = (((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n - at[2]) * 4096;
    expect(Math.abs(p.point.x - px)).toBeLessThanOrEqual(1);
    expect(Math.abs(p.point.y - py)).toBeLessThanOrEqual(1);
  });
});

describe('the two encoders', () => {
  const server = inject('dbMode') === 'server';

  it.runIf(server)('PostGIS ST_AsMVT and the fallback encoder give the same layers, ids, attributes and points', async () => {
    expect(await engineOf(t.app.db)).toBe('postgis'); // what the routes serve here
    for (const [at, params] of [[CITY, { counts: true }], [tileOf(f.points.gridA, 12), { counts: true }], [tileOf(f.points.gridA, 12), { exact: true }]] as const) {
      for (const layer of LAYERS) {
        const [mvt, fallback] = await withTenantScope(t.app.db.pool, f.tenantId, async (tx) => [
          decode(await renderTile(tx, 'postgis', layer, ...at, params)),
          decode(await renderTile(tx, 'fallback', layer, ...at, params)),
        ]);
        expect(Object.keys(fallback), `${layer} ${at}`).toEqual(Object.keys(mvt));
        const a = mvt[layer];
        const b = fallback[layer];
        expect(a?.size, `${layer} ${at}`).toBeGreaterThan(0);
        expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
        for (const [id, feat] of a) {
          expect(b.get(id)!.props, `${layer} ${id}`).toEqual(feat.props);
          if (layer !== 'grids') {
            expect(Math.abs(b.get(id)!.point.x - feat.point.x)).toBeLessThanOrEqual(1);
            expect(Math.abs(b.get(id)!.point.y - feat.point.y)).toBeLessThanOrEqual(1);
          }
        }
      }
    }
  });

  it.runIf(!server)('embedded mode serves the fallback encoding of the same scoped features', async () => {
    expect(await engineOf(t.app.db)).toBe('fallback');
    const at = tileOf(f.points.gridA, DEEP);
    const viaHttp = (await tile('commander', 'persons', at)).layers;
    const direct = await withTenantScope(t.app.db.pool, f.tenantId, async (tx) => decode(await renderTile(tx, 'fallback', 'persons', ...at, {})));
    expect(direct.persons.size).toBeGreaterThan(0);
    expect([...direct.persons.keys()].sort()).toEqual([...viaHttp.persons.keys()].sort());
  });
});

describe('caching and freshness', () => {
  it('answers If-None-Match with 304 and serves an unchanged tile from cache', async () => {
    const A = tileOf(f.points.gridA, DEEP);
    const first = await tile('commander', 'households', A);
    expect(first.layers.households.size).toBeGreaterThan(0);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const again = await tile('commander', 'households', A);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('x-tile-cache')).toBe('hit');
    expect(Buffer.from(again.buf).equals(Buffer.from(first.buf))).toBe(true);
    const notModified = await tile('commander', 'households', A, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    // Another scope gets another ETag for the same tile.
    expect((await tile('gridworker', 'households', A)).headers.get('etag')).not.toBe(etag);
  });

  it('shows a status change in the next request', async () => {
    const A = tileOf(f.points.gridA, DEEP);
    const before = await tile('commander', 'persons', A);
    const etag = before.headers.get('etag')!;
    const r = await moveStatus(workerA, ids.personA, { to: 'suspected', reason: '发热' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const after = await tile('commander', 'persons', A, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(after.layers.persons.get(f.nodes.gridA * 16 + 2)!.props).toEqual({ status: 'suspected', count: 1 });
    expect((await tile('community', 'persons', A)).layers.persons.get(ids.personA)!.props.status).toBe('suspected');
    const grid = (await tile('commander', 'grids', CITY)).layers.grids.get(f.nodes.gridA)!.props;
    expect(grid).toMatchObject({ watching: 0, suspected: 1 });
  });

  it('shows a new report and its verification task in the next request', async () => {
    const A = tileOf(f.points.gridA, DEEP);
    const before = await tile('gridworker', 'tasks', A);
    const etag = before.headers.get('etag')!;
    const report = await t.app.db.ownerPool.query(
      `insert into reports (tenant_id, kind, subject_name, geom) values ($1, 'patrol', '王某', st_setsrid(st_makepoint($2, $3), 4326)) returning id`,
      [f.tenantId, f.points.gridA.lon, f.points.gridA.lat],
    );
    const task = await t.app.db.ownerPool.query(
      `insert into tasks (tenant_id, kind, report_id, assignee_jurisdiction_id, geom)
       select tenant_id, 'verification', id, $3, geom from reports where tenant_id = $1 and id = $2 returning id`,
      [f.tenantId, report.rows[0].id, f.nodes.gridA],
    );
    const after = await tile('gridworker', 'tasks', A, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.layers.tasks.get(task.rows[0].id)!.props).toEqual({ kind: 'verification', state: 'open', count: 1 });
  });
});

describe('validation, permissions and TileJSON', () => {
  it('refuses a bad layer, zoom or tile index with 400 naming the field', async () => {
    for (const [path, field] of [
      ['/api/tiles/grids/23/0/0', 'z'],
      ['/api/tiles/grids/-1/0/0', 'z'],
      ['/api/tiles/grids/2/4/0', 'x'],
      ['/api/tiles/grids/2/0/4', 'y'],
      ['/api/tiles/grids/2/0/-1', 'y'],
      ['/api/tiles/grids/2/a/0', 'x'],
      ['/api/tiles/roads/2/0/0', 'layer'],
      ['/api/tiles/grids/2/0/0.png', 'y'],
      ['/api/tiles/grids/2/0/0.pbf.pbf', 'y'],
      ['/api/tiles/grids/2/0/4.pbf', 'y'],
    ]) {
      const r = await get('commander', path);
      expect(r.status, path).toBe(400);
      expect(r.json.error.field, path).toBe(field);
    }
  });

  it('refuses layers the role may not read with 403', async () => {
    for (const layer of ['persons', 'households', 'tasks']) {
      expect((await get('checkpoint', `/api/tiles/${layer}/${CITY.join('/')}`)).status, layer).toBe(403);
      expect((await get('checkpoint', `/api/tiles/${layer}.json`)).status, layer).toBe(403);
    }
    // A checkpoint may see grids but not the person counts (person:read).
    const grids = (await tile('checkpoint', 'grids', CITY)).layers.grids;
    expect(grids.size).toBeGreaterThan(0);
    for (const g of grids.values()) expect(Object.keys(g.props)).toEqual(['name']);
    expect((await fetch(`${t.baseUrl}/api/tiles/grids/0/0/0`)).status).toBe(401);
  });

  it('serves point layers only from their minimum zoom: an empty tile below it', async () => {
    for (const [layer, min] of [['households', 14], ['persons', 12], ['tasks', 10]] as const) {
      const below = await tile('commander', layer, tileOf(f.points.gridA, min - 1));
      expect(below.status, layer).toBe(200);
      expect(below.buf.length, layer).toBe(0);
      const at = await tile('commander', layer, tileOf(f.points.gridA, min));
      expect(at.layers[layer]?.size, layer).toBeGreaterThan(0);
    }
  });

  it('describes a layer with TileJSON 3.0.0', async () => {
    const r = await get('commander', '/api/tiles/persons.json');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ tilejson: '3.0.0', minzoom: 12, maxzoom: 22, vector_layers: [{ id: 'persons', minzoom: 12, fields: { status: 'String', severity: 'String' } }] });
    expect(r.json.tiles[0]).toBe(`${t.baseUrl}/api/tiles/persons/{z}/{x}/{y}`);
    const [w, s, e, n] = r.json.bounds;
    expect(w).toBeCloseTo(f.points.gridA.lon - 0.05, 6);
    expect(e).toBeCloseTo(f.points.gridA.lon + 0.35, 6);
    expect([s, n]).toEqual([30, 30.4]);
  });
});

describe('what tile clients send', () => {
  it('serves the same tile with a .pbf or .mvt suffix', async () => {
    const [z, x, y] = CITY;
    const plain = await raw('commander', `/api/tiles/grids/${z}/${x}/${y}`, { 'accept-encoding': 'identity' });
    expect(decode(plain.body).grids.size).toBe(3);
    for (const ext of ['pbf', 'mvt']) {
      const r = await raw('commander', `/api/tiles/grids/${z}/${x}/${y}.${ext}`, { 'accept-encoding': 'identity' });
      expect(r.status, ext).toBe(200);
      expect(r.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
      expect(r.headers.etag, ext).toBe(plain.headers.etag);
      expect(r.body.equals(plain.body), ext).toBe(true);
    }
  });

  it('gzips a tile when the client accepts gzip, keeps the compressed bytes, and still answers 304', async () => {
    const path = `/api/tiles/households/${tileOf(f.points.gridA, DEEP).join('/')}.pbf`;
    const plain = await raw('commander', path, { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/i);
    expect(plain.body.length).toBeGreaterThan(0);
    const gz = await raw('commander', path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/i);
    expect(gz.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(decode(gunzipSync(gz.body)).households.has(f.nodes.gridA)).toBe(true);
    expect(gz.headers.etag).toBe(plain.headers.etag); // one weak validator for the same tile
    const again = await raw('commander', path, { 'accept-encoding': 'gzip' });
    expect(again.headers['x-tile-cache']).toBe('hit');
    expect(again.body.equals(gz.body)).toBe(true);
    const notModified = await raw('commander', path, { 'accept-encoding': 'gzip', 'if-none-match': String(gz.headers.etag) });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers.vary).toMatch(/Accept-Encoding/i);
    expect(notModified.headers.etag).toBe(gz.headers.etag);
    // gzip refused by q=0, and an empty tile, go out uncoded.
    expect((await raw('commander', path, { 'accept-encoding': 'gzip;q=0, identity' })).headers['content-encoding']).toBeUndefined();
    const empty = await raw('commander', `/api/tiles/households/${tileOf(f.points.gridA, 10).join('/')}`, { 'accept-encoding': 'gzip' });
    expect(empty.status).toBe(200);
    expect(empty.body.length).toBe(0);
    expect(empty.headers['content-encoding']).toBeUndefined();
  });
});
