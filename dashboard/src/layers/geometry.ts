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
