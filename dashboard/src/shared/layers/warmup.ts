// The real layers on one transparent feature at the centre of the first view, drawn while the
// first data is on its way: their shaders and pipelines compile then (seconds on software GL),
// and the data layers that replace them under the same ids reuse the compiled models. The
// feature lies inside the view because software GL (SwiftShader) finishes a pipeline only when
// a primitive reaches the screen. Every shader program of the first view must be here: the
// polygon fill (choropleth, hexagons) and the straight lines (outlines, focus, hexagon edges).
import type { Choropleth, Heatmap, Position } from '../api/types';
import { createOutlineLayer } from './boundary';
import { createChoroplethLayer } from './choropleth';
import type { Metric } from './colors';
import { createHexHeatLayer } from './heatmap';

/** `at`: a point inside the first view; `size`: the feature's width in degrees (a few pixels there). */
export function warmUpLayers(metric: Metric, at: Position = [0, 0], size = 0.001) {
  const [x, y] = at;
  const ring = [[x, y], [x + size, y], [x + size, y + size], [x, y]];
  const node = {
    type: 'Feature' as const,
    geometry: { type: 'MultiPolygon' as const, coordinates: [[ring]] },
    properties: { id: -1, code: '', name: '', level: 5, parentId: null, label: at, total: 0, byStatus: {} },
  };
  const fc: Choropleth = { type: 'FeatureCollection', features: [node] };
  const hex: Heatmap = {
    type: 'FeatureCollection', hexagonSizeM: 100, suppressedBelow: null,
    features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { count: 1, weight: 1 } }],
  };
  // Drawn, but transparent: the same pipelines as the data layers, nothing visible.
  return [
    createChoroplethLayer(fc, { metric, level: 5, visible: true, fillOpacity: 1 }),
    createHexHeatLayer(hex, { visible: true }),
    createOutlineLayer(fc, { visible: true }),
  ].map((layer) => layer.clone({ opacity: 0 }));
}
