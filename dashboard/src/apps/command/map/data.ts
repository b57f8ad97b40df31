// Map data for one view: the choropleth of the viewed level and the heatmap of the viewport,
// each request aborted when a newer view replaces it.
import { api, latestOnly, qs } from '@shared/api/client';
import type { Choropleth, HeatPoints, Heatmap } from '@shared/api/types';
import { choroplethZoom, containsBox, heatmapZoom } from './view';

export interface View {
  /** minLon,minLat,maxLon,maxLat in WGS-84, clamped to valid ranges. */
  bbox: [number, number, number, number];
  zoom: number;
}

const bboxParam = (b: View['bbox']) => b.map((x) => x.toFixed(5)).join(',');

const choroplethOnly = latestOnly();
const heatOnly = latestOnly();
const pointsOnly = latestOnly();

const choroplethUrl = (view: View, level: number, from: string, to: string) =>
  `/api/stats/choropleth${qs({ level, zoom: choroplethZoom(view.zoom), bbox: bboxParam(view.bbox), from, to })}`;
const heatmapUrl = (view: View) => `/api/stats/heatmap${qs({ zoom: heatmapZoom(view.zoom), bbox: bboxParam(view.bbox) })}`;

export function fetchChoropleth(view: View, level: number, from: string, to: string): Promise<Choropleth> {
  return choroplethOnly((signal) => api.get<Choropleth>(choroplethUrl(view, level, from, to), signal));
}

export function fetchHeatmap(view: View): Promise<Heatmap> {
  return heatOnly((signal) => api.get<Heatmap>(heatmapUrl(view), signal));
}

export function fetchHeatPoints(view: View): Promise<HeatPoints> {
  return pointsOnly((signal) => api.get<HeatPoints>(`/api/stats/heatmap/points${qs({ bbox: bboxParam(view.bbox) })}`, signal));
}

/** What one view of the map asks for, apart from its box: views with the same key get the same data if their boxes hold the same nodes and persons. */
export interface ViewRequest {
  /** Viewed node id, '' for the scope root(s) */
  node: string;
  level: number;
  from: string;
  to: string;
  tick: number;
  zoom: number;
  /** Zoom of the heat cells (heatZoomFor), or null when the heatmap is off */
  heatZoom: number | null;
}

const requestKey = (r: ViewRequest) =>
  JSON.stringify([r.node, r.level, r.from, r.to, r.tick, choroplethZoom(r.zoom), r.heatZoom === null ? null : heatmapZoom(r.heatZoom)]);

interface Primed {
  key: string;
  bbox: View['bbox'];
  at: number;
  choropleth: Promise<Choropleth>;
  heatmap: Promise<Heatmap> | null;
}
let primed: Primed | null = null;
/** Settles when the last primed requests have (answered or failed). */
let primedDone: Promise<unknown> = Promise.resolve();
/** A primed answer older than this is not used (live events may have changed the counts since). */
const PRIMED_FOR_MS = 20_000;

/**
 * Asks for the first view's choropleth and heatmap before the map exists, for the box of the
 * scope's bounds. The map's fitted view shows that whole box (and only padding around it, where
 * the scope has neither nodes nor persons), so when its request has the same key its data is the
 * same and takePrimed hands these answers over instead of asking again.
 */
export function primeView(bbox: View['bbox'], request: ViewRequest): void {
  const key = requestKey(request);
  // Asked already (the router primes /command, then the view itself): not twice.
  if (primed && primed.key === key && primed.bbox.every((x, i) => x === bbox[i])) return;
  const settle = <T>(p: Promise<T>) => (p.catch(() => undefined), p);
  primed = {
    key,
    bbox,
    at: performance.now(),
    // Not through the map's latest-only wrappers: priming must never abort a request the map made.
    choropleth: settle(api.get<Choropleth>(choroplethUrl({ bbox, zoom: request.zoom }, request.level, request.from, request.to))),
    heatmap: request.heatZoom === null ? null : settle(api.get<Heatmap>(heatmapUrl({ bbox, zoom: request.heatZoom }))),
  };
  primedDone = Promise.allSettled([primed.choropleth, primed.heatmap]);
}

/**
 * Resolves when the first view's primed requests have been answered, or after `maxMs`: the
 * panels' summary is asked for then, so that the database computes the map's first view without
 * the summary's pass over the same persons competing for the same cores.
 */
export function primedSettled(maxMs: number): Promise<void> {
  return Promise.race([primedDone.then(() => undefined), new Promise<void>((r) => setTimeout(r, maxMs))]);
}

/** The primed answers, once, if they were asked for the same request and the view shows all of their box. */
export function takePrimed(viewBbox: View['bbox'], request: ViewRequest): Omit<Primed, 'key' | 'bbox' | 'at'> | null {
  const p = primed;
  primed = null;
  if (!p || p.key !== requestKey(request) || performance.now() - p.at > PRIMED_FOR_MS || !containsBox(viewBbox, p.bbox)) return null;
  return { choropleth: p.choropleth, heatmap: p.heatmap };
}
