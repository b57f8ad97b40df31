// The embedded fallback encoder: PGlite's PostGIS has no protobuf, so the rows of
// app.tile_<layer>_features are cut and encoded here with the same extent and buffer as ST_AsMVT.
import type { Geometry } from 'geojson';
import geojsonvt from 'geojson-vt';
import vtpbf from 'vt-pbf';

export const EXTENT = 4096;
export const BUFFER = 64;

export interface TileFeature {
  id: number;
  geometry: Geometry;
  properties: Record<string, unknown>;
}

/** Null attributes are left out, as ST_AsMVT leaves them out. */
function withoutNulls(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== null && v !== undefined));
}

/** One MVT layer of tile z/x/y; an empty buffer when no feature falls on the tile (as ST_AsMVT). */
export function encodeTile(layer: string, z: number, x: number, y: number, features: TileFeature[]): Buffer {
  if (features.length === 0) return Buffer.alloc(0);
  const index = geojsonvt(
    {
      type: 'FeatureCollection',
      features: features.map((f) => ({ type: 'Feature', id: f.id, geometry: f.geometry, properties: withoutNulls(f.properties) })),
    },
    // getTile drills down from the shallow index to z only along this tile's ancestors.
    { maxZoom: z, indexMaxZoom: Math.min(z, 5), extent: EXTENT, buffer: BUFFER },
  );
  const tile = index.getTile(z, x, y);
  if (!tile || tile.features.length === 0) return Buffer.alloc(0);
  return Buffer.from(vtpbf.fromGeojsonVt({ [layer]: tile }, { version: 2, extent: EXTENT }));
}
