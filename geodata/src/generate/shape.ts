// The shape of a generated city: an irregular outline, one or two rivers that split it into banks,
// and the districts, streets, communities and grids as Voronoi regions inside their parent, all on
// one shared-vertex map (planar.ts), so that every node is exactly the union of its children and
// no node straddles a river.
import type { Pt } from './geometry.ts';
import { Degenerate, PlanarMap, type Cut } from './planar.ts';
import { rngFor, type Rng } from './prng.ts';
import type { SizeSpec } from './sizes.ts';
import { splitRegion } from './voronoi.ts';

export interface ShapeNode {
  /** Index of the parent in the previous level, -1 for the city. */
  parent: number;
  /** Ring of vertex ids when the node was made; expand it for the final ring. */
  ring: number[];
}

export interface CityShape {
  map: PlanarMap;
  levels: ShapeNode[][];
  /** Each river inside the city as a chain of vertex ids (expand its edges for the final chain). */
  rivers: number[][];
}

const OUTLINE_VERTICES = 96;
const ATTEMPTS = 40;

export function shapeCity(size: SizeSpec, centre: Pt, seed: number): CityShape {
  const map = new PlanarMap(centre);
  const radii: Pt = [size.extentKm[0] * 560, size.extentKm[1] * 560];
  const city = outline(map, radii, rngFor(seed, 'outline'));
  const districts = size.splits[0];
  const { banks, rivers } = splitByRivers(map, city, radii, districts >= 3 ? 2 : 1, rngFor(seed, 'rivers'));
  const levels: ShapeNode[][] = [[{ parent: -1, ring: city }]];
  const perBank = shareByArea(banks.map((b) => map.area(b)), districts);
  levels.push(banks.flatMap((bank, b) => splitRegion(map, map.expand(bank), perBank[b], rngFor(seed, 'district', b)).map((ring) => ({ parent: 0, ring }))));
  for (let level = 1; level < size.splits.length; level++) {
    const k = size.splits[level];
    levels.push(
      levels[level].flatMap((node, index) =>
        splitRegion(map, map.expand(node.ring), k, rngFor(seed, 'split', level, index)).map((ring) => ({ parent: index, ring })),
      ),
    );
  }
  return { map, levels, rivers };
}

/** A star-shaped ring of slowly varying radius around the centre (counter-clockwise). */
function outline(map: PlanarMap, [rx, ry]: Pt, rng: Rng): number[] {
  const waves = [2, 3, 4, 5, 7].map((k) => ({ k, amp: rng.float(0.02, 0.1) / Math.sqrt(k - 1), phase: rng.float(0, 2 * Math.PI) }));
  const ring: number[] = [];
  for (let i = 0; i < OUTLINE_VERTICES; i++) {
    const a = (2 * Math.PI * i) / OUTLINE_VERTICES;
    const r = 1 + waves.reduce((s, w) => s + w.amp * Math.cos(w.k * a + w.phase), 0) + rng.float(-0.012, 0.012);
    ring.push(map.add(rx * r * Math.cos(a), ry * r * Math.sin(a)));
  }
  return ring;
}

/**
 * The banks of the city: a main river crossing it south-west to north-east (as the Yangtze
 * crosses Wuhan) and, with `count` 2, a tributary joining it (as the Han joins it there).
 */
function splitByRivers(map: PlanarMap, city: number[], radii: Pt, count: number, rng: Rng): { banks: number[][]; rivers: number[][] } {
  const r = Math.max(...radii);
  const total = map.area(city);
  const main = attempt(() => {
    const heading = rng.float(0.3, 0.85);
    const offset: Pt = [rng.float(-0.08, 0.08) * radii[0], rng.float(-0.08, 0.08) * radii[1]];
    const chain = meander(map, offset, heading, -1.6 * r, 1.6 * r, r, rng);
    return { ...cutInto(map, city, chain, 0.3 * total), heading };
  });
  let banks = main.faces;
  const rivers = [main.river];
  if (count < 2) return { banks, rivers };
  const inside = rivers[0];
  const tributary = attempt(() => {
    const at = inside[Math.floor(inside.length * rng.float(0.4, 0.6))];
    const heading = main.heading + Math.PI - rng.float(1.25, 1.75);
    const chain = [at, ...meander(map, map.metres(at), heading, 0, 1.8 * r, r, rng).slice(1)];
    const step: Pt = map.metres(chain[1]);
    const bank = banks.findIndex((b) => insideMetres(map, b, step));
    if (bank < 0) throw new Degenerate('tributary starts outside');
    return { ...cutInto(map, banks[bank], chain, 0.2 * total, new Set(rivers[0])), bank };
  });
  banks = banks.flatMap((b, i) => (i === tributary.bank ? tributary.faces : [b]));
  rivers.push(tributary.river);
  return { banks, rivers };
}

function attempt<T>(make: () => T): T {
  for (let i = 0; i < ATTEMPTS; i++) {
    try {
      return make();
    } catch (err) {
      if (!(err instanceof Degenerate)) throw err;
    }
  }
  throw new Error(`no river fits the outline after ${ATTEMPTS} attempts`);
}

/** A river's centre line from `from` to `to` metres along the heading, swinging side to side; vertices every ~1/24 radius. */
function meander(map: PlanarMap, origin: Pt, heading: number, from: number, to: number, r: number, rng: Rng): number[] {
  const dir: Pt = [Math.cos(heading), Math.sin(heading)];
  const side: Pt = [-dir[1], dir[0]];
  const swings = [
    { amp: rng.float(0.05, 0.09) * r, wave: rng.float(0.9, 1.3) * r, phase: rng.float(0, 2 * Math.PI) },
    { amp: rng.float(0.01, 0.03) * r, wave: rng.float(0.3, 0.45) * r, phase: rng.float(0, 2 * Math.PI) },
  ];
  const steps = Math.ceil(((to - from) / r) * 24);
  const chain: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const u = from + ((to - from) * i) / steps;
    // a tributary leaves its confluence straight, so that it does not fold back onto the main river
    const ease = from === 0 ? Math.min(1, u / (0.25 * r)) : 1;
    const w = ease * swings.reduce((s, k) => s + k.amp * Math.sin((2 * Math.PI * u) / k.wave + k.phase), 0);
    chain.push(map.add(origin[0] + u * dir[0] + w * side[0], origin[1] + u * dir[1] + w * side[1]));
  }
  return chain;
}

/**
 * Cuts a ring in two along a river, each side at least `minArea` m² (banks of very different sizes
 * would hold districts of very different sizes); returns the two sides and the river inside.
 */
function cutInto(map: PlanarMap, ring: number[], chain: number[], minArea: number, mainRiver = new Set<number>()): { river: number[]; faces: number[][] } {
  const cut = map.cut(ring, [chain]);
  // a tributary ends where it meets the main river, and leaves the city across the outline only
  if (cut.splits.some(([a, b]) => mainRiver.has(a) && mainRiver.has(b))) throw new Degenerate('tributary crosses the main river');
  const faces = map.faces(cut.ring, cut.edges);
  if (faces.length !== 2) throw new Degenerate(`river made ${faces.length} pieces`);
  if (faces.some((f) => map.area(f) < minArea)) throw new Degenerate('banks too unequal');
  const river = chainOf(cut);
  map.commit(cut);
  return { river, faces };
}

/** The internal edges of a river's cut as one chain (they come in order along the river). */
function chainOf(cut: Cut): number[] {
  const chain = [cut.edges[0][0]];
  for (const [a, b] of cut.edges) {
    if (a !== chain[chain.length - 1]) throw new Degenerate('river leaves and re-enters the city');
    chain.push(b);
  }
  return chain;
}

function insideMetres(map: PlanarMap, ring: number[], p: Pt): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = map.metres(ring[i]);
    const [xj, yj] = map.metres(ring[j]);
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Splits `total` over parts in proportion to their areas (largest remainder), at least one each. */
export function shareByArea(areas: readonly number[], total: number): number[] {
  if (total < areas.length) throw new Error(`${total} districts cannot fill ${areas.length} banks`);
  const sum = areas.reduce((a, b) => a + b, 0);
  const exact = areas.map((a) => 1 + ((total - areas.length) * a) / sum);
  const out = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; out.reduce((a, b) => a + b, 0) < total; k++) out[order[k][1]]++;
  return out;
}
