// Fixed colour domains: a colour means the same number whatever the viewport, so the legend never lies.
import type { ChoroplethProps, Counts } from '../api/types';

export type Rgba = [number, number, number, number];

export const STATUS_COLORS: Record<keyof Counts, string> = {
  confirmed: '#ff4d4f',
  suspected: '#ffa940',
  watching: '#36cfc9',
  cured: '#73d13d',
  dead: '#8c8c8c',
  released: '#597ef7',
  closed: '#b37feb',
};

export type Metric = 'active' | 'confirmed' | 'suspected' | 'watching';
export const METRICS: Metric[] = ['active', 'confirmed', 'suspected', 'watching'];

export function metricValue(p: Pick<ChoroplethProps, 'byStatus'>, metric: Metric): number {
  const c = p.byStatus;
  if (metric === 'active') return (c.watching ?? 0) + (c.suspected ?? 0) + (c.confirmed ?? 0);
  return c[metric] ?? 0;
}

/**
 * Class breaks per jurisdiction level (2 district … 5 grid) and metric. A district holds a few
 * hundred grids' worth of people, so its breaks are larger; within a level they never move.
 */
const BASE_BREAKS: Record<number, number[]> = {
  2: [1, 50, 200, 500, 1000],
  3: [1, 20, 50, 150, 400],
  4: [1, 10, 25, 60, 150],
  5: [1, 5, 10, 20, 40],
};
const METRIC_SCALE: Record<Metric, number> = { active: 1, watching: 1, suspected: 0.25, confirmed: 0.25 };

export function breaksFor(level: number, metric: Metric): number[] {
  const base = BASE_BREAKS[Math.min(5, Math.max(2, level))];
  const k = METRIC_SCALE[metric];
  const out: number[] = [];
  for (const b of base) {
    const v = Math.max(1, Math.round(b * k));
    out.push(out.length && v <= out[out.length - 1] ? out[out.length - 1] + 1 : v);
  }
  return out;
}

/**
 * Choropleth ramp in blues (the heatmap above it is warm, so the two read apart): 0 is nearly
 * the background, then deeper to brighter blue as the count grows.
 */
export const CLASS_COLORS: Rgba[] = [
  [22, 44, 74, 150],
  [22, 70, 120, 175],
  [24, 98, 160, 190],
  [30, 128, 196, 200],
  [70, 164, 222, 210],
  [140, 205, 245, 220],
];

export function classColor(value: number, breaks: number[]): Rgba {
  let i = 0;
  while (i < breaks.length && value >= breaks[i]) i++;
  return CLASS_COLORS[i];
}

/**
 * Hexagon heat: fixed domain of weighted persons per km² (weights confirmed 5, suspected 3,
 * watching 1), roughly logarithmic from a sparse suburb to a dense outbreak block.
 */
export const HEX_BREAKS = [5, 10, 25, 50, 100, 250];
/** Magma-like and increasingly opaque: sparse cells tint the map purple, hot spots glow yellow-white. */
export const HEX_COLORS: Rgba[] = [
  [80, 18, 123, 80],
  [129, 37, 129, 115],
  [181, 54, 122, 145],
  [229, 80, 100, 170],
  [251, 135, 97, 190],
  [254, 194, 135, 210],
  [252, 253, 191, 230],
];
export const SUPPRESSED_COLOR: Rgba = [150, 150, 160, 60];

export function hexColor(weight: number): Rgba {
  let i = 0;
  while (i < HEX_BREAKS.length && weight >= HEX_BREAKS[i]) i++;
  return HEX_COLORS[i];
}

/** HeatmapLayer: weights summed per pixel kernel; the domain is fixed for the same reason. */
export const HEATPOINT_DOMAIN: [number, number] = [1, 30];
export const HEATPOINT_RANGE: [number, number, number][] = [
  [65, 182, 196],
  [127, 205, 187],
  [199, 233, 180],
  [254, 217, 118],
  [253, 141, 60],
  [227, 26, 28],
];

export const rgbaCss = ([r, g, b, a]: Rgba) => `rgba(${r},${g},${b},${(a / 255).toFixed(2)})`;
