// Hexagon heatmap from /api/stats/heatmap: cells filled by summed status weight on a fixed domain;
// k-suppressed cells (when the API marks them) are drawn neutral, without a number.
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature, Heatmap, HexProps } from '../api/types';
import { hexColor, SUPPRESSED_COLOR } from './colors';

export const HEATMAP_ID = 'heatmap';

export interface HeatmapOptions {
  visible: boolean;
}

export function createHexHeatLayer(data: Heatmap, opts: HeatmapOptions) {
  return new GeoJsonLayer<HexProps>({
    id: HEATMAP_ID,
    data: data as unknown as GeoJSON.FeatureCollection<GeoJSON.Geometry, HexProps>,
    visible: opts.visible,
    pickable: true,
    stroked: true,
    filled: true,
    getFillColor: (f: Feature<HexProps>) => (f.properties.suppressed ? SUPPRESSED_COLOR : hexColor(f.properties.weight)),
    getLineColor: [255, 255, 255, 40],
    getLineWidth: 1,
    lineWidthUnits: 'pixels',
  });
}
