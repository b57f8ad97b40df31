// GeoJSON: a FeatureCollection, one Feature or a bare geometry, with the old `crs` member honoured.
import { crsFromEpsg, crsFromName, unsupportedCrs, type SourceCrs } from './crs.ts';
import { BoundaryFileError } from './types.ts';
import type { SourceFile, SourceFeature } from './source.ts';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

export function readGeoJson(text: string): SourceFile {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new BoundaryFileError('invalid_json', `the file looks like JSON but cannot be read: ${(e as Error).message}`, 'file', { detail: (e as Error).message });
  }
  const doc = (root ?? {}) as { type?: unknown; features?: unknown; crs?: unknown };
  return { format: 'geojson', crs: declaredCrs(doc.crs), features: featuresOf(doc) };
}

function featuresOf(doc: { type?: unknown; features?: unknown }): SourceFeature[] {
  if (doc.type === 'FeatureCollection' && Array.isArray(doc.features)) return doc.features.map(asSourceFeature);
  if (doc.type === 'Feature') return [asSourceFeature(doc)];
  if (typeof doc.type === 'string' && GEOMETRY_TYPES.has(doc.type)) return [{ properties: {}, geometry: doc }];
  throw new BoundaryFileError('unknown_format', 'the file is JSON but not GeoJSON (no FeatureCollection, Feature or geometry)');
}

function asSourceFeature(f: unknown, index = 0): SourceFeature {
  const feature = (f ?? {}) as { type?: unknown; properties?: unknown; geometry?: unknown };
  if (feature.type !== 'Feature') {
    throw new BoundaryFileError('invalid_geojson', `feature ${index} is not a GeoJSON Feature`, 'file', { feature: index });
  }
  const properties = feature.properties && typeof feature.properties === 'object' ? (feature.properties as Record<string, unknown>) : {};
  return { properties, geometry: feature.geometry ?? null };
}

/**
 * The `crs` member of GeoJSON 2008 (dropped by RFC 7946, still written by GDAL and ArcGIS):
 * `{type: "name", properties: {name: "urn:ogc:def:crs:EPSG::4547"}}` or `{type: "EPSG", properties: {code: 4547}}`.
 * Without it, coordinates are WGS-84 longitude/latitude.
 */
function declaredCrs(member: unknown): SourceCrs | null {
  if (member == null) return null;
  const { type, properties } = member as { type?: unknown; properties?: { name?: unknown; code?: unknown } };
  if (type === 'name' && typeof properties?.name === 'string') return crsFromName(properties.name);
  if (type === 'EPSG' && properties?.code != null) {
    const crs = crsFromEpsg(Number(properties.code));
    if (!crs) throw unsupportedCrs(`EPSG:${properties.code}`);
    return crs;
  }
  throw unsupportedCrs(JSON.stringify(member));
}
