// Splitting a region into k irregular children: Voronoi cells of spread, jittered seeds, clipped
// to the region on the shared-vertex map (planar.ts).
import { insideRing, ringArea, ringDistance, type Pt } from './geometry.ts';
import { Degenerate, halfKey, type PlanarMap } from './planar.ts';
import type { Rng } from './prng.ts';

const ATTEMPTS = 60;

/**
 * The region's children as counter-clockwise rings of vertex ids, in seed order (north to south,
 * then west to east). Records the cut in the map. One child is the region itself.
 */
export function splitRegion(map: PlanarMap, ring: readonly number[], k: number, rng: Rng): number[][] {
  if (k === 1) return [ring.slice()];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const seeds = spreadSeeds(ring.map((v) => map.metres(v)), k, rng);
    try {
      const cut = map.cut(ring, voronoiChains(map, seeds, ring));
      const faces = mergeSeedless(map, cut.ring, cut.edges, seeds);
      map.commit(cut);
      return faces;
    } catch (err) {
      if (!(err instanceof Degenerate)) throw err;
    }
  }
  throw new Error(`could not split a region into ${k} after ${ATTEMPTS} attempts`);
}

/** k points well inside the ring: k-means of a uniform sample, each moved to a sample point, then jittered. */
export function spreadSeeds(ring: readonly Pt[], k: number, rng: Rng): Pt[] {
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const spacing = Math.sqrt(Math.abs(ringArea(ring)) / k);
  const samples: Pt[] = [];
  for (let tries = 0; samples.length < 30 * k + 60 && tries < 100_000; tries++) {
    const p: Pt = [rng.float(x0, x1), rng.float(y0, y1)];
    if (insideRing(ring, p) && ringDistance(ring, p) > 0.1 * spacing) samples.push(p);
  }
  if (samples.length < k) throw new Error('region too thin to place seeds');
  const centres = kMeans(samples, k, rng);
  const seeds = centres.map((c) => nearest(samples, c));
  return seeds
    .map((s, i) => jitter(ring, s, seeds, i, spacing, rng))
    .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

function kMeans(samples: readonly Pt[], k: number, rng: Rng): Pt[] {
  const n = samples.length;
  const centres: Pt[] = [samples[Math.floor(rng.next() * n)]];
  // k-means++: each next centre drawn in proportion to the squared distance to the nearest one
  const d2 = new Float64Array(n).fill(Infinity);
  while (centres.length < k) {
    const c = centres[centres.length - 1];
    let total = 0;
    for (let i = 0; i < n; i++) {
      d2[i] = Math.min(d2[i], (samples[i][0] - c[0]) ** 2 + (samples[i][1] - c[1]) ** 2);
      total += d2[i];
    }
    let r = rng.next() * total;
    let pick = 0;
    while (pick < n - 1 && (r -= d2[pick]) > 0) pick++;
    centres.push(samples[pick]);
  }
  const sum = new Float64Array(3 * k);
  for (let round = 0; round < 8; round++) {
    sum.fill(0);
    for (const p of samples) {
      const c = 3 * nearestIndex(centres, p);
      sum[c] += p[0];
      sum[c + 1] += p[1];
      sum[c + 2]++;
    }
    for (let i = 0; i < k; i++) if (sum[3 * i + 2] > 0) centres[i] = [sum[3 * i] / sum[3 * i + 2], sum[3 * i + 1] / sum[3 * i + 2]];
  }
  return centres;
}

function nearestIndex(points: readonly Pt[], p: Pt): number {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < points.length; i++) {
    const d = (p[0] - points[i][0]) ** 2 + (p[1] - points[i][1]) ** 2;
    if (d < bestD) [best, bestD] = [i, d];
  }
  return best;
}

function nearest(points: readonly Pt[], p: Pt): Pt {
  return points[nearestIndex(points, p)];
}

/** Moves a seed up to a third of the spacing, staying inside and away from the other seeds. */
function jitter(ring: readonly Pt[], s: Pt, seeds: readonly Pt[], i: number, spacing: number, rng: Rng): Pt {
  for (let tries = 0; tries < 6; tries++) {
    const angle = rng.next() * 2 * Math.PI;
    const r = rng.next() * spacing / 3;
    const p: Pt = [s[0] + r * Math.cos(angle), s[1] + r * Math.sin(angle)];
    const clear = seeds.every((o, j) => j === i || Math.hypot(o[0] - p[0], o[1] - p[1]) > 0.45 * spacing);
    if (clear && insideRing(ring, p) && ringDistance(ring, p) > 0.12 * spacing) return p;
  }
  return s;
}

/**
 * The Voronoi edges of the seeds as two-vertex chains: each pair's bisector clipped by the other
 * seeds' half-planes. A Voronoi vertex is made once per seed triple, so edges meet exactly;
 * unbounded edges end far outside the region.
 */
export function voronoiChains(map: PlanarMap, seeds: readonly Pt[], ring: readonly number[]): number[][] {
  const xs = ring.map((v) => map.x[v]);
  const ys = ring.map((v) => map.y[v]);
  const far = 4 * Math.hypot(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const vertices = new Map<string, number>();
  const vertex = (i: number, j: number, m: number) => {
    const [a, b, c] = [i, j, m].sort((p, q) => p - q);
    const key = `${a},${b},${c}`;
    let v = vertices.get(key);
    if (v === undefined) {
      const [x, y] = circumcentre(seeds[a], seeds[b], seeds[c]);
      v = map.add(x, y);
      vertices.set(key, v);
    }
    return v;
  };
  const chains: number[][] = [];
  for (let i = 0; i < seeds.length; i++) {
    for (let j = i + 1; j < seeds.length; j++) {
      const [si, sj] = [seeds[i], seeds[j]];
      const mid: Pt = [(si[0] + sj[0]) / 2, (si[1] + sj[1]) / 2];
      const len = Math.hypot(sj[0] - si[0], sj[1] - si[1]);
      const dir: Pt = [-(sj[1] - si[1]) / len, (sj[0] - si[0]) / len];
      let [lo, hi, loBy, hiBy] = [-far, far, -1, -1];
      for (let m = 0; m < seeds.length && lo < hi; m++) {
        if (m === i || m === j) continue;
        // |x - si| <= |x - sm| along x = mid + t dir  <=>  a t <= b
        const e: Pt = [seeds[m][0] - si[0], seeds[m][1] - si[1]];
        const a = 2 * (dir[0] * e[0] + dir[1] * e[1]);
        const b = seeds[m][0] ** 2 + seeds[m][1] ** 2 - si[0] ** 2 - si[1] ** 2 - 2 * (mid[0] * e[0] + mid[1] * e[1]);
        if (Math.abs(a) < 1e-12) {
          if (b < 0) hi = lo;
        } else if (a > 0 && b / a < hi) [hi, hiBy] = [b / a, m];
        else if (a < 0 && b / a > lo) [lo, loBy] = [b / a, m];
      }
      if (lo >= hi) continue;
      const end = (t: number, by: number) => (by >= 0 ? vertex(i, j, by) : map.add(mid[0] + t * dir[0], mid[1] + t * dir[1]));
      chains.push([end(lo, loBy), end(hi, hiBy)]);
    }
  }
  return chains;
}

function circumcentre(a: Pt, b: Pt, c: Pt): Pt {
  const bx = b[0] - a[0];
  const by = b[1] - a[1];
  const cx = c[0] - a[0];
  const cy = c[1] - a[1];
  const d = 2 * (bx * cy - by * cx);
  if (Math.abs(d) < 1e-9) throw new Degenerate('collinear seeds');
  const b2 = bx * bx + by * by;
  const c2 = cx * cx + cy * cy;
  return [a[0] + (cy * b2 - by * c2) / d, a[1] + (bx * c2 - cx * b2) / d];
}

/**
 * The faces of the cut, one per seed: a piece of a Voronoi cell cut off from its seed by the
 * region's shape joins the neighbour it shares the longest boundary with.
 */
function mergeSeedless(map: PlanarMap, ring: readonly number[], edges: [number, number][], seeds: readonly Pt[]): number[][] {
  let internal = edges;
  for (;;) {
    const faces = map.faces(ring, internal);
    const owner = faces.map((f) => {
      const pts = f.map((v) => map.metres(v));
      const inside = seeds.flatMap((s, i) => (insideRing(pts, s) ? [i] : []));
      if (inside.length > 1) throw new Degenerate('two seeds in one face');
      return inside.length ? inside[0] : -1;
    });
    const lost = owner.indexOf(-1);
    if (lost < 0) {
      if (faces.length !== seeds.length) throw new Degenerate('a seed without a face');
      const bySeed: number[][] = [];
      faces.forEach((f, i) => (bySeed[owner[i]] = f));
      return bySeed;
    }
    const faceOf = new Map<number, number>();
    faces.forEach((f, i) => f.forEach((v, k) => faceOf.set(halfKey(v, f[(k + 1) % f.length]), i)));
    const shared = new Map<number, number>();
    const f = faces[lost];
    f.forEach((v, k) => {
      const w = f[(k + 1) % f.length];
      const other = faceOf.get(halfKey(w, v));
      if (other !== undefined) shared.set(other, (shared.get(other) ?? 0) + Math.hypot(map.x[w] - map.x[v], map.y[w] - map.y[v]));
    });
    if (shared.size === 0) throw new Degenerate('a lone piece');
    const [into] = [...shared].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
    internal = internal.filter(([a, b]) => {
      const sides = [faceOf.get(halfKey(a, b)), faceOf.get(halfKey(b, a))];
      return !(sides.includes(lost) && sides.includes(into));
    });
  }
}
