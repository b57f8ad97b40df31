// Client-side heatmap of individual persons (only for roles with person:reveal; the API enforces it).
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { Position } from '../api/types';
import { HEATPOINT_DOMAIN, HEATPOINT_RANGE } from './colors';

export const HEATPOINTS_ID = 'heatpoints';

export interface HeatPointOptions {
  visible: boolean;
}

export function createHeatPointsLayer(points: [number, number, number][], opts: HeatPointOptions) {
  return new HeatmapLayer<[number, number, number]>({
    id: HEATPOINTS_ID,
    data: points,
    visible: opts.visible,
    getPosition: (d) => [d[0], d[1]] as Position,
    getWeight: (d) => d[2],
    radiusPixels: 40,
    intensity: 1,
    threshold: 0.05,
    // Fixed: otherwise the colours are re-stretched to every viewport and the legend lies.
    colorDomain: HEATPOINT_DOMAIN,
    colorRange: HEATPOINT_RANGE,
    aggregation: 'SUM',
  });
}
