// Jurisdiction outlines (the viewed nodes, the hovered one brighter) and the focus line around the
// selection. Both are straight segments (LineLayer, see ringSegments): one cheap shader program
// shared with the hexagon edges.
import { LineLayer } from '@deck.gl/layers';
import type { Choropleth } from '../api/types';
import { ringSegments, type Segment } from './geometry';

export const OUTLINES_ID = 'outlines';
export const FOCUS_ID = 'focus';

/** Segments per data object: hovering re-colours the layer without re-cutting the rings. */
const cache = new WeakMap<object, Segment[]>();
export function segmentsOf(data: Choropleth): Segment[] {
  let s = cache.get(data);
  if (!s) {
    s = ringSegments(data.features.map((f) => ({ geometry: f.geometry as GeoJSON.Geometry, id: f.properties.id })));
    cache.set(data, s);
  }
  return s;
}

/** `scale`: screen pixels per design pixel (2 on a 4K wall), so lines keep their visual weight. */
export function createOutlineLayer(data: Choropleth, opts: { visible: boolean; hoveredId?: number | null; scale?: number }) {
  const k = opts.scale ?? 1;
  const hovered = opts.hoveredId ?? null;
  return new LineLayer<Segment>({
    id: OUTLINES_ID,
    data: segmentsOf(data),
    visible: opts.visible,
    pickable: false,
    getSourcePosition: (s) => s.from as [number, number],
    getTargetPosition: (s) => s.to as [number, number],
    getColor: (s) => (hovered !== null && s.id === hovered ? [255, 255, 255, 255] : [120, 210, 255, 190]),
    getWidth: (s) => (hovered !== null && s.id === hovered ? 3 : 1.2) * k,
    widthUnits: 'pixels',
    updateTriggers: { getColor: [hovered], getWidth: [hovered, k] },
  });
}

export function createFocusLayer(geometries: GeoJSON.Geometry[], scale = 1) {
  return new LineLayer<Segment>({
    id: FOCUS_ID,
    data: ringSegments(geometries.map((geometry) => ({ geometry }))),
    pickable: false,
    getSourcePosition: (s) => s.from as [number, number],
    getTargetPosition: (s) => s.to as [number, number],
    // Functions, not constants, like the outlines: a constant is another vertex layout, which
    // software GL compiles as another pipeline.
    getColor: () => [0, 234, 255, 255],
    getWidth: () => 3 * scale,
    widthUnits: 'pixels',
  });
}
