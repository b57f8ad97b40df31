// WGS-84 → GCJ-02 for data drawn over a GCJ-02 basemap (Chinese commercial and Tianditu-derived tiles).
import gcoord from 'gcoord';
import type { Position } from '../api/types';

export type Project = (p: Position) => Position;
export const identity: Project = (p) => p;
export const toGcj02: Project = (p) => gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02) as Position;
/** GCJ-02 → WGS-84: a point picked on a GCJ-02 basemap, back to the datum the API stores. */
export const fromGcj02: Project = (p) => gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84) as Position;

/** Deep-maps the positions of a GeoJSON geometry (returns the same object when no shift is needed). */
export function projectGeometry<G extends GeoJSON.Geometry>(g: G, project: Project): G {
  if (project === identity) return g;
  const mapCoords = (c: unknown): unknown =>
    typeof (c as number[])[0] === 'number' ? project(c as Position) : (c as unknown[]).map(mapCoords);
  if (g.type === 'GeometryCollection') return { ...g, geometries: g.geometries.map((x) => projectGeometry(x, project)) };
  return { ...g, coordinates: mapCoords((g as GeoJSON.Point).coordinates) } as G;
}
