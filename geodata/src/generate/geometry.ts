// Planar helpers on lon/lat pairs (SRID 4326) and their WKT / EWKB encodings.

export type Pt = readonly [number, number];
/** Corners counter-clockwise: south-west, south-east, north-east, north-west. */
export type Quad = readonly [Pt, Pt, Pt, Pt];

export function lerp(a: Pt, b: Pt, t: number): Pt {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

/** Bilinear interpolation inside a quad; u runs west to east, v south to north. */
export function bilinear(q: Quad, u: number, v: number): Pt {
  const [p00, p10, p11, p01] = q;
  const w00 = (1 - u) * (1 - v);
  const w10 = u * (1 - v);
  const w11 = u * v;
  const w01 = (1 - u) * v;
  return [
    w00 * p00[0] + w10 * p10[0] + w11 * p11[0] + w01 * p01[0],
    w00 * p00[1] + w10 * p10[1] + w11 * p11[1] + w01 * p01[1],
  ];
}

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

function cross(o: Pt, a: Pt, b: Pt): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** True when every turn of the open ring is strictly to the left (strictly convex, counter-clockwise). */
export function isConvexCcw(ring: readonly Pt[]): boolean {
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    if (cross(ring[i], ring[(i + 1) % n], ring[(i + 2) % n]) <= 0) return false;
  }
  return true;
}

/** True when p is strictly inside a counter-clockwise convex ring. */
export function insideConvex(ring: readonly Pt[], p: Pt): boolean {
  const n = ring.length;
  for (let i = 0; i < n; i++) if (cross(ring[i], ring[(i + 1) % n], p) <= 0) return false;
  return true;
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

const POINT_HEADER = '0101000020e6100000'; // little endian, Point with SRID, 4326

/** Hex EWKB of a point, exact to the bit and cheap for PostGIS to read in COPY. */
export function pointEwkbHex(p: Pt): string {
  const buf = Buffer.allocUnsafe(16);
  buf.writeDoubleLE(p[0], 0);
  buf.writeDoubleLE(p[1], 8);
  return POINT_HEADER + buf.toString('hex');
}
