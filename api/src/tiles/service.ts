// Vector tiles in the caller's scope: which layers a role may read, the engine (PostGIS ST_AsMVT
// on a server, the fallback encoder in embedded mode), ETags from the tenant's data version and an
// in-process LRU of encoded tiles keyed by everything the tile depends on.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Permission } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import { auditExactTile, seesExactLocations } from '../auth/exact-location.ts';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/database.ts';
import { oneShot, type Tx, type Scoped } from '../db/scope.ts';
import { forbidden } from '../http/errors.ts';
import { Lru } from '../cache/lru.ts';
import { encodeTile, type TileFeature } from './encode.ts';
import * as q from './queries.ts';
import type { Layer } from './queries.ts';

export type Engine = 'postgis' | 'fallback';

export const LAYER_PERMISSION: Record<Layer, Permission> = {
  grids: 'jurisdiction:read',
  households: 'household:read',
  persons: 'person:read',
  tasks: 'task:read',
};

/** Attributes of each layer, for TileJSON vector_layers. */
export const LAYER_FIELDS: Record<Layer, Record<string, string>> = {
  grids: {
    name: 'String',
    watching: 'Number',
    suspected: 'Number',
    confirmed: 'Number',
    cured: 'Number',
    dead: 'Number',
    released: 'Number',
    closed: 'Number',
  },
  households: { persons: 'Number', households: 'Number' },
  persons: { status: 'String', severity: 'String', count: 'Number' },
  tasks: { kind: 'String', state: 'String', count: 'Number' },
};

export const MAX_ZOOM = 22;

/**
 * The lowest zoom each layer is drawn at. Below it a tile is empty (200, no features) and no query
 * runs: on city-L one z12 tile of households is 80k points, 1.4 MB and a second of PostGIS
 * (docs/benchmarks.md); the map shows grids, choropleths and heatmaps at those zooms instead.
 */
export const LAYER_MIN_ZOOM: Record<Layer, number> = { grids: 0, households: 14, persons: 12, tasks: 10 };

const LAYER_ZH: Record<Layer, string> = { grids: '网格', households: '住户', persons: '人员', tasks: '任务' };

export function assertLayerAccess(user: Principal, layer: Layer): void {
  const needed = LAYER_PERMISSION[layer];
  if (!user.permissions.includes(needed)) throw forbidden(`permission ${needed} required for layer ${layer}`).withZh(`没有查看${LAYER_ZH[layer]}图层的权限（需要 ${needed}）`);
}

/**
 * Layer parameters that follow from the caller's permissions: person counts need person:read;
 * points of persons, households and tasks need the exact-location right, without which they are
 * counted per grid at a point inside it.
 */
export function paramsFor(user: Principal, layer: Layer): Record<string, unknown> {
  return layer === 'grids' ? { counts: user.permissions.includes('person:read') } : { exact: seesExactLocations(user) };
}

// Detected once per database handle: a server PostGIS without protobuf also gets the fallback.
const engines = new WeakMap<Database, Promise<Engine>>();

export function engineOf(db: Database): Promise<Engine> {
  let e = engines.get(db);
  if (!e) {
    e = db.mode === 'embedded'
      ? Promise.resolve('fallback')
      : db.pool.query(q.mvtSupport.toQuery()).then(
          (r) => (r.rows[0]?.supported ? 'postgis' : 'fallback') as Engine,
          () => 'fallback' as Engine,
        );
    engines.set(db, e);
  }
  return e;
}

/** Renders one tile with the given engine inside the caller's transaction. */
export async function renderTile(tx: Tx, engine: Engine, layer: Layer, z: number, x: number, y: number, params: object): Promise<Buffer> {
  if (engine === 'postgis') {
    const row = await tx.one<{ tile: Buffer | null }>(q.mvtTile(layer, z, x, y, params));
    return row?.tile ?? Buffer.alloc(0);
  }
  const features = await tx.rows<TileFeature>(q.tileFeatures(layer, z, x, y, params));
  return encodeTile(layer, z, x, y, features);
}

const gzip = promisify(gzipCallback);

/** Encoded tiles and their gzip coding (key suffix `|gzip`): 5,000 or 64 MB at most. */
const cache = new Lru<Buffer>(5000, 64 * 1024 * 1024, (b) => b.length);

export interface TileResult {
  etag: string;
  /** Undefined when the client's ETag still matches (304). */
  body?: Buffer;
  /** Whether body is gzip-coded (only when asked for, and never for an empty tile). */
  gzipped?: boolean;
  cached: boolean;
}

/**
 * The tile for the caller. Row-level security depends only on tenant and scope paths, so the key
 * holds those (not the user) plus the permission-derived params and the tenant's data version:
 * any write to the mapped tables bumps the version, so a changed tile is never served stale.
 * Both codings share the weak ETag: they are the same tile (RFC 9110 §8.8.1), so a 304 holds
 * whichever the client kept.
 */
export async function getTile(
  app: AppContext, scoped: Scoped, user: Principal, layer: Layer, z: number, x: number, y: number, ifNoneMatch?: string, acceptsGzip = false, ip: string | null = null,
): Promise<TileResult> {
  assertLayerAccess(user, layer);
  if (z < LAYER_MIN_ZOOM[layer]) return { etag: `W/"below-minzoom-${layer}"`, body: Buffer.alloc(0), cached: true };
  const engine = await engineOf(app.db);
  const params = paramsFor(user, layer);
  // The version and the cache first: a cached tile (or a 304) costs one round trip, no transaction.
  const [{ version }] = await oneShot<{ version: string }>(app.db.pool, q.tileVersion(user.tenantId), user.tenantId);
  const scope = [...user.scopePaths].sort().join(',');
  const key = [user.tenantId, scope, layer, JSON.stringify(params), `${z}/${x}/${y}`, version, engine].join('|');
  const etag = `W/"${version}-${createHash('sha256').update(key).digest('base64url').slice(0, 22)}"`;
  if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) return { etag, cached: true };
  const hit = cache.get(key);
  const body = hit ?? (await scoped((tx) => renderTile(tx, engine, layer, z, x, y, params)));
  if (!hit) cache.set(key, body);
  // A tile of exact points read (a 304 above shows nothing new): who, which layer, where.
  if (params.exact && body.length > 0) await auditExactTile(app, user, layer, `${z}/${x}/${y}`, ip);
  if (!acceptsGzip || body.length === 0) return { etag, body, cached: Boolean(hit) };
  const gzKey = `${key}|gzip`;
  const gzHit = cache.get(gzKey);
  const gzipped = gzHit ?? (await gzip(body));
  if (!gzHit) cache.set(gzKey, gzipped);
  return { etag, body: gzipped, gzipped: true, cached: Boolean(gzHit) };
}

function etagMatches(header: string, etag: string): boolean {
  const bare = (s: string) => s.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

export interface TileJson {
  tilejson: '3.0.0';
  name: string;
  scheme: 'xyz';
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  vector_layers: { id: string; fields: Record<string, string>; minzoom: number; maxzoom: number; description: string }[];
}

const DESCRIPTIONS: Record<Layer, string> = {
  grids: 'Grid polygons with person counts by status',
  households: 'Households with the number of persons',
  persons: 'Persons with status and severity (no personal data)',
  tasks: 'Tasks with kind and state',
};

/** TileJSON 3.0.0 of one layer; bounds are the extent of the jurisdictions the caller sees. */
export async function tileJson(app: AppContext, scoped: Scoped, user: Principal, layer: Layer, origin: string): Promise<TileJson> {
  assertLayerAccess(user, layer);
  const b = await scoped((tx) =>
    tx.one<{ west: number | null; south: number | null; east: number | null; north: number | null }>(q.scopeBounds(user.tenantId)),
  );
  const bounds: [number, number, number, number] =
    b && b.west != null ? [b.west, b.south!, b.east!, b.north!] : [-180, -85.051129, 180, 85.051129];
  return {
    tilejson: '3.0.0',
    name: `gec-${layer}`,
    scheme: 'xyz',
    tiles: [`${origin}/api/tiles/${layer}/{z}/{x}/{y}`],
    minzoom: LAYER_MIN_ZOOM[layer],
    maxzoom: MAX_ZOOM,
    bounds,
    vector_layers: [{ id: layer, fields: LAYER_FIELDS[layer], minzoom: LAYER_MIN_ZOOM[layer], maxzoom: MAX_ZOOM, description: DESCRIPTIONS[layer] }],
  };
}
