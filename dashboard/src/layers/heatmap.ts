// Hexagon heatmap from /api/stats/heatmap: cells filled by weighted persons per km² on a fixed
// domain (density, so a colour means the same at every zoom, although the hexagons grow as the
// map zooms out); k-suppressed cells (when the API marks them) are drawn neutral, without a number.
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature, Heatmap, HexProps } from '../api/types';
import { hexColor, SUPPRESSED_COLOR } from './colors';

export const HEATMAP_ID = 'heatmap';

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
    stroked: true,
    filled: true,
    getFillColor: (f: Feature<HexProps>) => (f.properties.suppressed ? SUPPRESSED_COLOR : hexColor(hexDensity(f, data))),
    getLineColor: [200, 230, 255, 50],
    getLineWidth: 1,
    lineWidthUnits: 'pixels',
  });
}
