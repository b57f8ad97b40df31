// The map's first view, worked out without the map: the zoom maplibre's fitBounds will choose for
// the scope's bounds in a container of a known size. With it the view's data can be asked for
// while the map code (2.4 MB) is still loading; MapView uses the answers if its fitted view turns
// out to need the same requests (see data.ts primeView).

export type LngLatBounds = [[number, number], [number, number]];
export interface Padding {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Highest zoom a fit goes to (a single grid or household fills the map at about 17). */
export const FIT_MAX_ZOOM = 17;
/** maplibre's tile size: the world is 512 px wide at zoom 0. */
const WORLD_PX = 512;

/** fitBounds padding that keeps the selection clear of the panels (if the map is big enough for it). */
export function paddingFor(width: number, height: number, pad: Padding = { top: 16, right: 16, bottom: 16, left: 16 }): number | Padding {
  const room = { top: pad.top + 30, right: pad.right + 30, bottom: pad.bottom + 30, left: pad.left + 30 };
  // A padding larger than the map would make fitBounds refuse to move.
  const fits = room.left + room.right < width - 50 && room.top + room.bottom < height - 50;
  return fits ? room : 10;
}

const mercatorX = (lng: number) => (180 + lng) / 360;
const mercatorY = (lat: number) => (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;

/**
 * The zoom of maplibre's `fitBounds(bounds, { padding, maxZoom })` (no bearing, no offset) in a
 * container of width × height CSS pixels: the largest zoom at which the bounds fit inside the
 * padded box. Tested against maplibre in the browser test.
 */
export function fitZoom(bounds: LngLatBounds, width: number, height: number, padding: number | Padding, maxZoom = FIT_MAX_ZOOM): number {
  const p = typeof padding === 'number' ? { top: padding, right: padding, bottom: padding, left: padding } : padding;
  const dx = Math.abs(mercatorX(bounds[1][0]) - mercatorX(bounds[0][0])) * WORLD_PX;
  const dy = Math.abs(mercatorY(bounds[0][1]) - mercatorY(bounds[1][1])) * WORLD_PX;
  const scaleX = (width - p.left - p.right) / dx;
  const scaleY = (height - p.top - p.bottom) / dy;
  return Math.min(Math.log2(Math.min(scaleX, scaleY)), maxZoom);
}

/** Zoom of the heat cells: design-sized on a 4K wall, and one step finer on the phone's small map. */
export function heatZoomFor(zoom: number, pixelScale = 1, compact = false): number {
  return zoom - Math.log2(Math.max(1, pixelScale)) + (compact ? 1 : 0);
}

const clampZoom = (z: number) => Math.max(0, Math.min(22, z));
/** The whole zoom a choropleth request is made for (its simplification). */
export const choroplethZoom = (zoom: number) => clampZoom(Math.floor(zoom));
/** The whole zoom a heatmap request is made for (its cell size). */
export const heatmapZoom = (zoom: number) => clampZoom(Math.round(zoom));

/** Whether box a ([w, s, e, n]) contains box b. */
export function containsBox(a: readonly number[], b: readonly number[], eps = 1e-9): boolean {
  return a[0] <= b[0] + eps && a[1] <= b[1] + eps && a[2] >= b[2] - eps && a[3] >= b[3] - eps;
}
