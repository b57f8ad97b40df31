// One geometry shape for every format: 2-D, converted to WGS-84, rounded, rings closed.
import type * as GeoJSON from 'geojson';
import { BoundaryFileError } from './types.ts';

/** Converts one source coordinate to WGS-84 lon/lat. */
export type PointTransform = (x: number, y: number) => [number, number];

type Position = [number, number];
const DECIMALS = 1e7; // 7 decimals ≈ 1 cm: finer digits are noise of the conversions

/**
 * The geometry in WGS-84 with Z/M dropped, coordinates rounded and polygon rings closed; null for a
 * missing or empty geometry. Points and lines are kept: the validator says why they cannot be boundaries.
 */
export function normalizeGeometry(raw: unknown, toWgs84: PointTransform, index: number): GeoJSON.Geometry | null {
  if (raw == null) return null;
  const g = raw as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  const pos = (p: unknown) => position(p, toWgs84, index);
  switch (g.type) {
    case 'Point':
      return Array.isArray(g.coordinates) && g.coordinates.length ? { type: 'Point', coordinates: pos(g.coordinates) } : null;
    case 'MultiPoint':
    case 'LineString': {
      const coordinates = list(g.coordinates).map(pos);
      return coordinates.length ? ({ type: g.type, coordinates } as GeoJSON.Geometry) : null;
    }
    case 'MultiLineString': {
      const coordinates = list(g.coordinates).map((l) => list(l).map(pos)).filter((l) => l.length);
      return coordinates.length ? { type: 'MultiLineString', coordinates } : null;
    }
    case 'Polygon': {
      const coordinates = rings(g.coordinates, pos);
      return coordinates.length ? { type: 'Polygon', coordinates } : null;
    }
    case 'MultiPolygon': {
      const coordinates = list(g.coordinates).map((p) => rings(p, pos)).filter((p) => p.length);
      return coordinates.length ? { type: 'MultiPolygon', coordinates } : null;
    }
    case 'GeometryCollection': {
      const geometries = list(g.geometries)
        .map((part) => normalizeGeometry(part, toWgs84, index))
        .filter((part): part is GeoJSON.Geometry => part !== null);
      return geometries.length ? { type: 'GeometryCollection', geometries } : null;
    }
    default:
      throw new BoundaryFileError('invalid_geometry', `feature ${index}: unknown geometry type ${JSON.stringify(g.type)}`);
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function rings(value: unknown, pos: (p: unknown) => Position): Position[][] {
  return list(value)
    .map((ring) => closeRing(list(ring).map(pos)))
    .filter((ring) => ring.length);
}

/** GeoJSON and PostGIS want the first vertex repeated at the end; many exports leave it out. */
function closeRing(ring: Position[]): Position[] {
  if (!ring.length) return ring;
  const [first, last] = [ring[0], ring[ring.length - 1]];
  return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, [first[0], first[1]]];
}

function position(p: unknown, toWgs84: PointTransform, index: number): Position {
  const [x, y] = Array.isArray(p) ? p : [];
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
    throw new BoundaryFileError('invalid_geometry', `feature ${index}: a coordinate is not a pair of numbers (${JSON.stringify(p)})`);
  }
  const [lon, lat] = toWgs84(x, y);
  if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
    // Usually projected metres in a file that does not say its CRS, or the wrong .prj.
    throw new BoundaryFileError(
      'coordinates_out_of_range',
      `feature ${index}: coordinate (${x}, ${y}) does not become a longitude/latitude (got ${lon}, ${lat}); the file's coordinate system is not what it says or is not stated`,
      'crs',
      { feature: index, coordinate: `${x}, ${y}`, got: `${lon}, ${lat}` },
    );
  }
  return [round(lon), round(lat)];
}

function round(v: number): number {
  return Math.round(v * DECIMALS) / DECIMALS;
}
