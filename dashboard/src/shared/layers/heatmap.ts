// Hexagon heatmap from /api/stats/heatmap: cells filled by weighted persons per km² on a fixed
// domain (density, so a colour means the same at every zoom, although the hexagons grow as the
// map zooms out); k-suppressed cells (when the API marks them) are drawn neutral, without a number.
import { GeoJsonLayer, LineLayer } from '@deck.gl/layers';
import type { Feature, Heatmap, HexProps } from '../api/types';
import { hexColor, SUPPRESSED_COLOR } from './colors';
import { ringSegments, type Segment } from './geometry';

export const HEATMAP_ID = 'heatmap';
export const HEATMAP_EDGES_ID = 'heatmap-edges';

export interface HeatmapOptions {
  visible: boolean;
  /** False while the map moves (see choropleth.ts). */
  pickable?: boolean;
}

/** Ground area of one hexagon in km²: Web-Mercator edge shrunk by cos(latitude) in both directions. */
export function hexAreaKm2(edgeMercatorM: number, lat: number): number {
  const edge = edgeMercatorM * Math.cos((lat * Math.PI) / 180);
  return ((3 * Math.sqrt(3)) / 2) * edge * edge / 1e6;
}

export function hexDensity(f: Feature<HexProps>, data: Heatmap): number {
  const ring = (f.geometry as GeoJSON.Polygon).coordinates?.[0];
  const lat = ring?.length ? ring.reduce((a, p) => a + p[1], 0) / ring.length : 30;
  return f.properties.weight / hexAreaKm2(data.hexagonSizeM, lat);
}

export function createHexHeatLayer(data: Heatmap, opts: HeatmapOptions) {
  return new GeoJsonLayer<HexProps>({
    id: HEATMAP_ID,
    data: data as unknown as GeoJSON.FeatureCollection<GeoJSON.Geometry, HexProps>,
    visible: opts.visible,
    pickable: opts.pickable ?? true,
    // Edges come from createHexEdgeLayer (straight segments: see ringSegments).
    stroked: false,
    filled: true,
    getFillColor: (f: Feature<HexProps>) => (f.properties.suppressed ? SUPPRESSED_COLOR : hexColor(hexDensity(f, data))),
  });
}

const edges = new WeakMap<object, Segment[]>();
/** Faint cell edges, so neighbouring cells of one colour still read as cells. */
export function createHexEdgeLayer(data: Heatmap, opts: { visible: boolean }) {
  let segments = edges.get(data);
  if (!segments) {
    segments = ringSegments(data.features.map((f) => ({ geometry: f.geometry as GeoJSON.Geometry })));
    edges.set(data, segments);
  }
  return new LineLayer<Segment>({
    id: HEATMAP_EDGES_ID,
    data: segments,
    visible: opts.visible,
    pickable: false,
    getSourcePosition: (s) => s.from as [number, number],
    getTargetPosition: (s) => s.to as [number, number],
    getColor: () => [200, 230, 255, 50],
    getWidth: () => 1,
    widthUnits: 'pixels',
  });
}
