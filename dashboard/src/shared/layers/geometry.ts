// Small planar geometry helpers for clipping map data to the viewed jurisdiction.

type Ring = number[][];

function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function polygons(g: GeoJSON.Geometry): Ring[][] {
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  return [];
}

/** Whether [x, y] lies in any of the (multi)polygons (holes respected). */
export function pointInAny(x: number, y: number, geoms: GeoJSON.Geometry[]): boolean {
  for (const g of geoms) {
    for (const poly of polygons(g)) {
      if (poly.length && inRing(x, y, poly[0]) && !poly.slice(1).some((hole) => inRing(x, y, hole))) return true;
    }
  }
  return false;
}

/** Mean of the outer ring's vertices: good enough as the centre of a hexagon. */
export function ringCentre(g: GeoJSON.Geometry): [number, number] | null {
  const ring = polygons(g)[0]?.[0];
  if (!ring?.length) return null;
  const n = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.length - 1 : ring.length;
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += ring[i][0];
    y += ring[i][1];
  }
  return [x / n, y / n];
}

/** One edge of a polygon ring, tagged with the id of its feature (for hover highlighting). */
export interface Segment {
  from: number[];
  to: number[];
  id: number | null;
}

/**
 * Every ring edge of the (multi)polygons as a segment: outlines drawn as straight segments
 * (deck.gl LineLayer) rather than joined paths. At 1–3 pixels a join cannot be seen, and the
 * path shader costs a second of compiling on software GL before the first map appears.
 */
export function ringSegments(items: { geometry: GeoJSON.Geometry; id?: number | null }[]): Segment[] {
  const out: Segment[] = [];
  for (const { geometry, id = null } of items) {
    for (const poly of polygons(geometry)) {
      for (const ring of poly) {
        for (let i = 1; i < ring.length; i++) out.push({ from: ring[i - 1], to: ring[i], id });
        // An unclosed ring still gets its closing edge.
        const a = ring[0];
        const z = ring[ring.length - 1];
        if (ring.length > 2 && (a[0] !== z[0] || a[1] !== z[1])) out.push({ from: z, to: a, id });
      }
    }
  }
  return out;
}
