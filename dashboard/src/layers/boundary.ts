// Outlines drawn above the heatmap: the viewed nodes' boundaries and, brighter, the node in focus.
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Choropleth } from '../api/types';

export const OUTLINES_ID = 'outlines';
export const FOCUS_ID = 'focus';

/** `scale`: screen pixels per design pixel (2 on a 4K wall), so lines keep their visual weight. */
export function createOutlineLayer(data: Choropleth, opts: { visible: boolean; hoveredId?: number | null; scale?: number }) {
  const k = opts.scale ?? 1;
  return new GeoJsonLayer({
    id: OUTLINES_ID,
    data: data as unknown as GeoJSON.FeatureCollection,
    visible: opts.visible,
    filled: false,
    stroked: true,
    pickable: false,
    getLineColor: (f: GeoJSON.Feature) => (f.properties?.id === opts.hoveredId ? [255, 255, 255, 255] : [120, 210, 255, 190]),
    getLineWidth: (f: GeoJSON.Feature) => (f.properties?.id === opts.hoveredId ? 3 : 1.2) * k,
    lineWidthUnits: 'pixels',
    updateTriggers: { getLineColor: [opts.hoveredId], getLineWidth: [opts.hoveredId, k] },
  });
}

export function createFocusLayer(geometries: GeoJSON.Geometry[], scale = 1) {
  return new GeoJsonLayer({
    id: FOCUS_ID,
    data: { type: 'FeatureCollection', features: geometries.map((geometry) => ({ type: 'Feature', geometry, properties: {} })) } as GeoJSON.FeatureCollection,
    filled: false,
    stroked: true,
    pickable: false,
    getLineColor: [0, 234, 255, 255],
    getLineWidth: 3 * scale,
    lineWidthUnits: 'pixels',
  });
}
