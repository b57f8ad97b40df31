// Planar helpers (on lon/lat pairs or local metres) and the WKT / EWKB encodings of the generator.

export type Pt = readonly [number, number];

/** Signed shoelace area of an open ring, relative to its first vertex to keep precision. */
export function ringArea(ring: readonly Pt[]): number {
  const [x0, y0] = ring[0];
  let twice = 0;
  for (let i = 1; i + 1 < ring.length; i++) {
    const ax = ring[i][0] - x0;
    const ay = ring[i][1] - y0;
    const bx = ring[i + 1][0] - x0;
    const by = ring[i + 1][1] - y0;
    twice += ax * by - bx * ay;
  }
  return twice / 2;
}

/** Even-odd test: true when p is inside the open ring (points on the boundary may go either way). */
export function insideRing(ring: readonly Pt[], p: Pt): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Distance from p to the segment a-b. */
export function segmentDistance(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** Distance from p to the boundary of the open ring. */
export function ringDistance(ring: readonly Pt[], p: Pt): number {
  let best = Infinity;
  for (let i = 0; i < ring.length; i++) best = Math.min(best, segmentDistance(p, ring[i], ring[(i + 1) % ring.length]));
  return best;
}

/** Parameters (t along a-b, s along c-d) where the two segments' lines meet; null when parallel. */
export function lineParams(a: Pt, b: Pt, c: Pt, d: Pt): { t: number; s: number } | null {
  const rx = b[0] - a[0];
  const ry = b[1] - a[1];
  const sx = d[0] - c[0];
  const sy = d[1] - c[1];
  const den = rx * sy - ry * sx;
  if (Math.abs(den) <= 1e-12 * Math.hypot(rx, ry) * Math.hypot(sx, sy)) return null;
  const qx = c[0] - a[0];
  const qy = c[1] - a[1];
  return { t: (qx * sy - qy * sx) / den, s: (qx * ry - qy * rx) / den };
}

/** True when the open ring has no repeated vertex and no two non-adjacent edges touch. */
export function isSimpleRing(ring: readonly Pt[]): boolean {
  const n = ring.length;
  if (n < 3) return false;
  const seen = new Set(ring.map((p) => `${p[0]},${p[1]}`));
  if (seen.size !== n) return false;
  for (let i = 0; i < n; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % n];
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsTouch(a, b, ring[j], ring[(j + 1) % n])) return false;
    }
  }
  return true;
}

function orient(a: Pt, b: Pt, c: Pt): number {
  return Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
}

function onSegment(a: Pt, b: Pt, p: Pt): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

/** Segments a-b and c-d share at least one point (exact orientation signs on the given doubles). */
export function segmentsTouch(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 * o2 < 0 && o3 * o4 < 0) return true;
  return (o1 === 0 && onSegment(a, b, c)) || (o2 === 0 && onSegment(a, b, d)) || (o3 === 0 && onSegment(c, d, a)) || (o4 === 0 && onSegment(c, d, b));
}

/** Shortest round-trip decimal form, so PostGIS parses back the very same doubles. */
function coord(p: Pt): string {
  return `${p[0]} ${p[1]}`;
}

/** SRID=4326;MULTIPOLYGON(((...))) of one open ring (the closing vertex is added). */
export function multiPolygonEwkt(ring: readonly Pt[]): string {
  const closed = [...ring, ring[0]].map(coord).join(',');
  return `SRID=4326;MULTIPOLYGON(((${closed})))`;
}

/** SRID=4326;LINESTRING(...) of a polyline. */
export function lineStringEwkt(line: readonly Pt[]): string {
  return `SRID=4326;LINESTRING(${line.map(coord).join(',')})`;
}

const POINT_HEADER = '0101000020e6100000'; // little endian, Point with SRID, 4326

/** Hex EWKB of a point, exact to the bit and cheap for PostGIS to read in COPY. */
export function pointEwkbHex(p: Pt): string {
  const buf = Buffer.allocUnsafe(16);
  buf.writeDoubleLE(p[0], 0);
  buf.writeDoubleLE(p[1], 8);
  return POINT_HEADER + buf.toString('hex');
}
