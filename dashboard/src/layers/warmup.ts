// The real layers on one dummy feature far outside any view, drawn while the first data is on its
// way: their shaders compile then (seconds on software GL), and the data layers that replace them
// under the same ids reuse the compiled models.
import type { Choropleth, Heatmap, Position } from '../api/types';
import { createOutlineLayer } from './boundary';
import { createChoroplethLayer } from './choropleth';
import type { Metric } from './colors';
import { createHexHeatLayer } from './heatmap';

export function warmUpLayers(metric: Metric) {
  const ring = [[0, 0], [0.001, 0], [0.001, 0.001], [0, 0]];
  const node = {
    type: 'Feature' as const,
    geometry: { type: 'MultiPolygon' as const, coordinates: [[ring]] },
    properties: { id: -1, code: '', name: '', level: 5, parentId: null, label: [0, 0] as Position, total: 0, byStatus: {} },
  };
  const fc: Choropleth = { type: 'FeatureCollection', features: [node] };
  const hex: Heatmap = {
    type: 'FeatureCollection', hexagonSizeM: 100, suppressedBelow: null,
    features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { count: 1, weight: 1 } }],
  };
  return [
    createChoroplethLayer(fc, { metric, level: 5, visible: true, fillOpacity: 1 }),
    createHexHeatLayer(hex, { visible: true }),
    createOutlineLayer(fc, { visible: true }),
  ];
}
