// Jurisdiction choropleth: nodes of the viewed level filled by a status count on a fixed class scale.
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Choropleth, Feature, ChoroplethProps } from '../api/types';
import { breaksFor, classColor, metricValue, type Metric } from './colors';

export interface ChoroplethOptions {
  metric: Metric;
  level: number;
  visible: boolean;
  /** False while the map moves: no picking pass (a full-screen render) on every pointer move. */
  pickable?: boolean;
  /** Fill fades when points (households, tasks) are shown underneath at high zoom. */
  fillOpacity?: number;
}

export const CHOROPLETH_ID = 'choropleth';

export function createChoroplethLayer(data: Choropleth, opts: ChoroplethOptions) {
  const breaks = breaksFor(opts.level, opts.metric);
  return new GeoJsonLayer<ChoroplethProps>({
    id: CHOROPLETH_ID,
    data: data as unknown as GeoJSON.FeatureCollection<GeoJSON.Geometry, ChoroplethProps>,
    visible: opts.visible,
    pickable: opts.pickable ?? true,
    // Outlines come from the outlines layer, drawn above the heatmap.
    stroked: false,
    filled: true,
    opacity: opts.fillOpacity ?? 1,
    getFillColor: (f: Feature<ChoroplethProps>) => classColor(metricValue(f.properties, opts.metric), breaks),
    updateTriggers: { getFillColor: [opts.metric, opts.level] },
  });
}
