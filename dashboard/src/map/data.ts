// Map data for one view: the choropleth of the viewed level and the heatmap of the viewport,
// each request aborted when a newer view replaces it.
import { api, latestOnly, qs } from '../api/client';
import type { Choropleth, HeatPoints, Heatmap, MapConfig } from '../api/types';

export interface View {
  /** minLon,minLat,maxLon,maxLat in WGS-84, clamped to valid ranges. */
  bbox: [number, number, number, number];
  zoom: number;
}

const bboxParam = (b: View['bbox']) => b.map((x) => x.toFixed(5)).join(',');

const choroplethOnly = latestOnly();
const heatOnly = latestOnly();
const pointsOnly = latestOnly();

export function fetchChoropleth(view: View, level: number, from: string, to: string): Promise<Choropleth> {
  const q = qs({ level, zoom: Math.max(0, Math.min(22, Math.floor(view.zoom))), bbox: bboxParam(view.bbox), from, to });
  return choroplethOnly((signal) => api.get<Choropleth>(`/api/stats/choropleth${q}`, signal));
}

export function fetchHeatmap(view: View): Promise<Heatmap> {
  const q = qs({ zoom: Math.max(0, Math.min(22, Math.round(view.zoom))), bbox: bboxParam(view.bbox) });
  return heatOnly((signal) => api.get<Heatmap>(`/api/stats/heatmap${q}`, signal));
}

export function fetchHeatPoints(view: View): Promise<HeatPoints> {
  return pointsOnly((signal) => api.get<HeatPoints>(`/api/stats/heatmap/points${qs({ bbox: bboxParam(view.bbox) })}`, signal));
}

let mapConfig: Promise<MapConfig> | undefined;
/**
 * The deployment's basemap setting, asked once (the router starts it while the map code loads);
 * a server without the endpoint means "no basemap".
 */
export function fetchMapConfig(): Promise<MapConfig> {
  mapConfig ??= api.get<MapConfig>('/api/map/config').catch(() => ({ basemap: null, gcj02: false }));
  return mapConfig;
}
