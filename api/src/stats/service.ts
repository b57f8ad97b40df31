// Rules of the statistics maps: which level, how big a hexagon, who sees individuals, and the
// k-anonymity floor of heatmap cells.
import { writeAudit } from '../audit/audit.ts';
import { requireExactLocations, seesExactLocations } from '../auth/exact-location.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { householdView, type HouseholdRow } from '../households/view.ts';
import { Lru } from '../cache/lru.ts';
import { Memo } from '../cache/memo.ts';
import { oneShot, type Scoped } from '../db/scope.ts';
import { toleranceForZoom, type Bbox } from '../geo/bbox.ts';
import * as q from './queries.ts';

const MAX_NODES = 5000;
const MAX_POINTS = 50_000;

/** Smallest heatmap cell shown to roles without person:reveal; tenants.settings.heatmapMinCount overrides. */
export const DEFAULT_MIN_COUNT = 5;

/**
 * Heatmap weight of a person by status: confirmed 5, suspected 3, watching 1. Any other status
 * (cured, dead, released, closed) weighs 1 and is only counted when asked for by `status`.
 */
export const STATUS_WEIGHTS: Record<string, number> = { confirmed: 5, suspected: 3, watching: 1 };
export const OTHER_WEIGHT = 1;
/** Statuses of a heatmap when the caller names none: the people under active management. */
export const ACTIVE_STATUSES = ['watching', 'suspected', 'confirmed'];

/** Hexagon edge in Web-Mercator metres for an edge of about `px` screen pixels at this zoom. */
export function hexSizeForZoom(zoom: number, px = 40): number {
  const metresPerPixel = 156_543.033_928_040_97 / 2 ** zoom;
  return px * metresPerPixel;
}

/**
 * Whole-city aggregates are the same for every commander of a tenant until its data changes: the
 * JSON text of choropleths and heatmaps is kept per (tenant, scope, request, data version, k).
 */
const aggregates = new Memo(new Lru<string>(1000, 64 * 1024 * 1024, (text) => text.length));
export const scopeKey = (user: Principal) => [...user.scopePaths].sort().join(',');

/** The cached text under `key`, or the text `compute` makes (then kept). */
async function cachedAggregate(key: unknown[], compute: () => Promise<string>): Promise<Aggregate> {
  const { value, cached } = await aggregates.get(JSON.stringify(key), compute);
  return { body: value, cached };
}

/** What cached aggregates are keyed by besides the request: the tenant's data version and heatmap k. */
export async function keyParts(app: AppContext, user: Principal): Promise<{ version: string; k: number | null }> {
  const [row] = await oneShot<{ version: string; k: number | null }>(app.db.pool, q.cacheKeyParts(user.tenantId), user.tenantId);
  return row;
}

export interface Aggregate {
  /** GeoJSON FeatureCollection as JSON text. */
  body: string;
  cached: boolean;
}

/** The FeatureCollection as JSON text, built by PostGIS and sent as it is (megabytes for 10k grids: no parse and re-encode). */
export async function choropleth(app: AppContext, scoped: Scoped, user: Principal, level: number, zoom: number, bbox: Bbox | undefined, filter: q.PersonFilter): Promise<Aggregate> {
  const { version } = await keyParts(app, user);
  return cachedAggregate(['choropleth', user.tenantId, scopeKey(user), level, zoom, bbox ?? null, filter, version], async () => {
    const row = await scoped((tx) =>
      tx.one<{ fc: string }>(q.choropleth(user.tenantId, level, bbox, toleranceForZoom(zoom), filter, MAX_NODES)),
    );
    return row!.fc;
  });
}

interface CellRow {
  i: number;
  j: number;
  n: number;
  weight: number;
  geometry: unknown;
}

export async function heatmap(app: AppContext, scoped: Scoped, user: Principal, bbox: Bbox, zoom: number, status: string[] | undefined): Promise<Aggregate> {
  const reveal = seesExactLocations(user);
  const size = hexSizeForZoom(zoom);
  const parts = await keyParts(app, user);
  const k = reveal ? 1 : (parts.k ?? DEFAULT_MIN_COUNT);
  const statuses = status ?? ACTIVE_STATUSES;
  return cachedAggregate(['heatmap', user.tenantId, scopeKey(user), bbox, zoom, statuses, k, reveal, parts.version], async () => {
    const rows = await scoped((tx) =>
      tx.rows<CellRow>(q.hexagons(user.tenantId, bbox, size, statuses, STATUS_WEIGHTS, OTHER_WEIGHT, Math.max(1, k))),
    );
    return JSON.stringify({
      type: 'FeatureCollection',
      hexagonSizeM: size,
      weights: { ...STATUS_WEIGHTS, other: OTHER_WEIGHT },
      suppressedBelow: reveal ? null : k,
      features: rows.map((r) => ({
        type: 'Feature',
        id: `${r.i}:${r.j}`,
        geometry: r.geometry,
        properties: { count: r.n, weight: r.weight },
      })),
    });
  });
}

export async function heatPoints(app: AppContext, scoped: Scoped, user: Principal, bbox: Bbox, status: string[] | undefined) {
  requireExactLocations(user, 'individual heat points');
  const rows = await scoped((tx) =>
    tx.rows<{ lon: number; lat: number; w: number }>(q.heatPoints(user.tenantId, bbox, status ?? ACTIVE_STATUSES, STATUS_WEIGHTS, OTHER_WEIGHT, MAX_POINTS)),
  );
  // Exact locations of individuals are a reveal: recorded like the other reveals of person:reveal.
  await writeAudit(app.db.pool, {
    tenantId: user.tenantId, userId: user.userId, action: 'stats.heat_points', objectType: 'person', result: 'ok',
    detail: { bbox, status: status ?? ACTIVE_STATUSES, points: rows.length },
  });
  return { points: rows.map((r) => [r.lon, r.lat, r.w]), truncated: rows.length === MAX_POINTS };
}

export interface Near {
  /** The caller's position (near=lon,lat). */
  near: { lon: number; lat: number };
  limit: number;
}

export async function nearbyTasks(app: AppContext, scoped: Scoped, user: Principal, near: Near & { state?: string }) {
  // Distances from a chosen point place what they measure: exact locations only.
  requireExactLocations(user, 'nearest tasks');
  const rows = await scoped((tx) => tx.rows(q.nearbyTasks(user.tenantId, near.near.lon, near.near.lat, near.state, near.limit)));
  return {
    items: rows.map((r) => ({
      id: r.id, kind: r.kind, state: r.state, gridId: r.grid_id, dueAt: r.due_at, createdAt: r.created_at,
      location: { lon: r.lon, lat: r.lat }, distanceM: r.distance_m,
    })),
  };
}

export async function nearbyHouseholds(app: AppContext, scoped: Scoped, user: Principal, near: Near) {
  requireExactLocations(user, 'nearest households');
  const rows = await scoped((tx) =>
    tx.rows<HouseholdRow & { distance_m: number }>(q.nearbyHouseholds(user.tenantId, near.near.lon, near.near.lat, near.limit)));
  return {
    items: rows.map((r) => ({ ...householdView(r, user), distanceM: r.distance_m })),
  };
}
