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

/** Sequential ramp, dark-theme friendly: 0 is a faint blue-grey, then yellow → deep red. */
export const CLASS_COLORS: Rgba[] = [
  [40, 70, 110, 90],
  [255, 237, 160, 150],
  [254, 178, 76, 165],
  [253, 110, 60, 180],
  [227, 26, 28, 195],
  [160, 0, 38, 210],
];

export function classColor(value: number, breaks: number[]): Rgba {
  let i = 0;
  while (i < breaks.length && value >= breaks[i]) i++;
  return CLASS_COLORS[i];
}

/** Hexagon heat: fixed domain of summed status weights (confirmed 5, suspected 3, watching 1). */
export const HEX_BREAKS = [1, 5, 10, 20, 40, 80];
export const HEX_COLORS: Rgba[] = [
  [49, 54, 149, 120],
  [69, 117, 180, 150],
  [116, 173, 209, 170],
  [254, 224, 144, 190],
  [253, 174, 97, 205],
  [244, 109, 67, 220],
  [215, 48, 39, 235],
];
export const SUPPRESSED_COLOR: Rgba = [128, 128, 140, 70];

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
