// The map layers are pure factories with stable ids and fixed colour domains (issue 5): the same
// data and options give a layer with the same id and the same colours whatever else is on screen.
import { describe, expect, it } from 'vitest';
import type { Choropleth, Heatmap } from '../api/types';
import { createFocusLayer, createOutlineLayer, FOCUS_ID, OUTLINES_ID } from './boundary';
import { CHOROPLETH_ID, createChoroplethLayer } from './choropleth';
import { breaksFor, classColor, CLASS_COLORS, hexColor, HEX_BREAKS, HEX_COLORS, HEATPOINT_DOMAIN, METRICS, metricValue } from './colors';
import { createHexHeatLayer, HEATMAP_ID, hexAreaKm2, hexDensity } from './heatmap';
import { createHeatPointsLayer, HEATPOINTS_ID } from './heatpoints';
import { pointInAny, ringSegments } from './geometry';
import { createHexEdgeLayer, HEATMAP_EDGES_ID } from './heatmap';

const square = (x: number, y: number, d = 1): GeoJSON.Polygon => ({
  type: 'Polygon',
  coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]],
});

const choropleth = (counts: Record<string, number>[]): Choropleth =>
  ({
    type: 'FeatureCollection',
    features: counts.map((byStatus, i) => ({
      type: 'Feature',
      id: i + 1,
      geometry: square(114 + i, 30),
      properties: { id: i + 1, code: `c${i}`, name: `网格${i}`, level: 5, parentId: null, label: [114.5 + i, 30.5], total: 0, byStatus },
    })),
  }) as unknown as Choropleth;

describe('colour domains', () => {
  it('has strictly increasing class breaks for every level and metric, one colour more than breaks', () => {
    for (const level of [2, 3, 4, 5]) {
      for (const metric of METRICS) {
        const b = breaksFor(level, metric);
        expect(b.length + 1, `${level} ${metric}`).toBe(CLASS_COLORS.length);
        for (let i = 1; i < b.length; i++) expect(b[i], `${level} ${metric}`).toBeGreaterThan(b[i - 1]);
      }
    }
    expect(HEX_BREAKS.length + 1).toBe(HEX_COLORS.length);
  });

  it('maps a value to the same class whatever the other values are (no re-stretching)', () => {
    const b = breaksFor(5, 'active');
    expect(classColor(0, b)).toEqual(CLASS_COLORS[0]);
    expect(classColor(b[0], b)).toEqual(CLASS_COLORS[1]);
    expect(classColor(b[b.length - 1] * 100, b)).toEqual(CLASS_COLORS[CLASS_COLORS.length - 1]);
    expect(hexColor(0)).toEqual(HEX_COLORS[0]);
    expect(hexColor(HEX_BREAKS[2])).toEqual(HEX_COLORS[3]);
    expect(HEATPOINT_DOMAIN).toEqual([1, 30]);
  });

  it('counts the active metric as watching + suspected + confirmed', () => {
    expect(metricValue({ byStatus: { watching: 2, suspected: 3, confirmed: 4, cured: 9 } } as never, 'active')).toBe(9);
    expect(metricValue({ byStatus: {} } as never, 'confirmed')).toBe(0);
  });
});

describe('layer factories', () => {
  it('give stable ids, and fill each node by its own count on the fixed scale', () => {
    const data = choropleth([{ watching: 0 }, { watching: 7 }, { watching: 500 }]);
    const a = createChoroplethLayer(data, { metric: 'active', level: 5, visible: true });
    const b = createChoroplethLayer(data, { metric: 'active', level: 5, visible: false });
    expect([a.id, b.id]).toEqual([CHOROPLETH_ID, CHOROPLETH_ID]);
    const fill = a.props.getFillColor as unknown as (f: unknown) => number[];
    const breaks = breaksFor(5, 'active');
    expect(data.features.map((f) => fill(f))).toEqual([0, 7, 500].map((v) => classColor(v, breaks)));
    // Another dataset does not change the colour of the same count.
    const other = createChoroplethLayer(choropleth([{ watching: 7 }, { watching: 100000 }]), { metric: 'active', level: 5, visible: true });
    expect((other.props.getFillColor as unknown as (f: unknown) => number[])(choropleth([{ watching: 7 }]).features[0])).toEqual(classColor(7, breaks));
    expect(createOutlineLayer(data, { visible: true }).id).toBe(OUTLINES_ID);
    expect(createFocusLayer([square(114, 30)]).id).toBe(FOCUS_ID);
    expect(createHeatPointsLayer([[114, 30, 5]], { visible: true }).id).toBe(HEATPOINTS_ID);
  });

  it('draws outlines as the ring edges of every polygon, tagged with their node for hovering', () => {
    const segs = ringSegments([
      { geometry: square(0, 0), id: 7 },
      // An unclosed ring with a hole, in a MultiPolygon: the closing edges are added.
      { geometry: { type: 'MultiPolygon', coordinates: [[[[10, 10], [14, 10], [14, 14], [10, 14]], [[11, 11], [12, 11], [12, 12]]]] }, id: 8 },
      { geometry: { type: 'Point', coordinates: [0, 0] }, id: 9 },
    ]);
    expect(segs.filter((s) => s.id === 7)).toHaveLength(4);
    expect(segs.filter((s) => s.id === 8)).toHaveLength(4 + 3);
    expect(segs.filter((s) => s.id === 8).at(-1)).toEqual({ from: [12, 12], to: [11, 11], id: 8 });
    expect(segs.some((s) => s.id === 9)).toBe(false);
    const outline = createOutlineLayer(choropleth([{}, {}]), { visible: true, hoveredId: 2 });
    const color = outline.props.getColor as unknown as (s: { id: number }) => number[];
    expect(color({ id: 2 })).not.toEqual(color({ id: 1 }));
    const hexes = { type: 'FeatureCollection', hexagonSizeM: 100, suppressedBelow: null, features: [{ type: 'Feature', geometry: square(1, 1), properties: { count: 1, weight: 1 } }] } as unknown as Heatmap;
    const edges = createHexEdgeLayer(hexes, { visible: true });
    expect(edges.id).toBe(HEATMAP_EDGES_ID);
    expect(edges.props.data).toHaveLength(4);
  });

  it('colours hexagons by weighted persons per km², so a colour means the same at every zoom', () => {
    const edge = 1000; // Web-Mercator metres
    const heat = (weight: number, size: number): Heatmap =>
      ({ type: 'FeatureCollection', hexagonSizeM: size, suppressedBelow: 5, features: [{ type: 'Feature', id: '0:0', geometry: square(114, 30, 0.001), properties: { count: 10, weight } }] }) as unknown as Heatmap;
    const small = heat(10, edge);
    const big = heat(40, edge * 2); // four times the area, four times the weight: the same density
    expect(hexDensity(big.features[0], big)).toBeCloseTo(hexDensity(small.features[0], small), 6);
    expect(hexAreaKm2(edge, 0)).toBeCloseTo(2.598, 3);
    const layer = createHexHeatLayer(small, { visible: true });
    expect(layer.id).toBe(HEATMAP_ID);
    expect((layer.props.getFillColor as unknown as (f: unknown) => number[])(small.features[0])).toEqual(hexColor(hexDensity(small.features[0], small)));
  });

  it('clips by the viewed nodes with a point-in-polygon test', () => {
    expect(pointInAny(114.5, 30.5, [square(114, 30)])).toBe(true);
    expect(pointInAny(115.5, 30.5, [square(114, 30)])).toBe(false);
  });
});
