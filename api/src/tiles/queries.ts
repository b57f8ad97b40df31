// All SQL of vector tiles: the tile functions of sql/functions/tiles.sql, the data version, bounds.
import { literal } from '../db/scope.ts';
import { raw, sql, type Sql } from '../db/sql.ts';

export const LAYERS = ['grids', 'households', 'persons', 'tasks'] as const;
export type Layer = (typeof LAYERS)[number];

// Function names come from the fixed layer list, never from input as such.
function fn(layer: Layer, suffix = ''): Sql {
  if (!LAYERS.includes(layer)) throw new Error(`unknown layer ${layer}`);
  return raw(`app.tile_${layer}${suffix}`);
}

/** The MVT of one layer, encoded by PostGIS (server mode: ST_AsMVT needs protobuf). */
export function mvtTile(layer: Layer, z: number, x: number, y: number, params: object): Sql {
  return sql`select ${fn(layer)}(${z}::int, ${x}::int, ${y}::int, ${JSON.stringify(params)}::jsonb) as tile`;
}

/** What one exact feature stands for, so both kinds of a layer carry the same attributes. */
const ONE: Record<Layer, string> = { grids: '{}', households: '{"households": 1}', persons: '{"count": 1}', tasks: '{"count": 1}' };

/**
 * The same features as GeoJSON (WGS-84) with their attributes, for the embedded encoder: exact
 * points with params.exact, per grid otherwise (as the MVT functions choose).
 */
export function tileFeatures(layer: Layer, z: number, x: number, y: number, params: { exact?: boolean }): Sql {
  const perGrid = layer !== 'grids' && !params.exact;
  return sql`select f.id, st_asgeojson(f.geom, 9)::jsonb as geometry,
                    to_jsonb(f) - 'id' - 'geom' || ${perGrid ? '{}' : ONE[layer]}::jsonb as properties
               from ${fn(layer, perGrid ? '_grid_features' : '_features')}(${z}::int, ${x}::int, ${y}::int, ${JSON.stringify(params)}::jsonb) f`;
}

/** The tenant's tile data version, bumped by triggers on every mapped table (0013_tile_versions.sql). */
export function tileVersion(tenantId: number): string {
  // A oneShot statement (every tile request reads it, cached or not: one round trip).
  return `select coalesce((select version from tile_versions where tenant_id = ${literal(tenantId)}::int), 0) as version`;
}

/** Whether PostGIS was built with protobuf, i.e. ST_AsMVT works. */
export const mvtSupport = sql`select postgis_full_version() like '%PROTOBUF%' as supported`;

/** Extent of the jurisdictions the caller sees (row-level security), for TileJSON bounds. */
export function scopeBounds(tenantId: number): Sql {
  return sql`select st_xmin(e) as west, st_ymin(e) as south, st_xmax(e) as east, st_ymax(e) as north
               from (select st_extent(geom) as e from jurisdictions where tenant_id = ${tenantId}) s`;
}
