// Distances as a worker reads them (no datum conversion needed: both points are WGS-84). Apart
// from the map-app links so the task list does not carry gcoord.

/** Great-circle distance in metres (haversine): for showing distances to queued or cached items. */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** Metres below a kilometre, else kilometres to one decimal (no Intl: see ../format.ts). */
export function formatDistance(m: number | null | undefined): string {
  if (m == null || !Number.isFinite(m)) return '';
  if (m < 1000) return `${Math.round(m)} m`;
  return `${Number((m / 1000).toFixed(1))} km`;
}
