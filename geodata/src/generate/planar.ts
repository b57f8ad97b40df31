// A planar subdivision on shared vertices: the geometry of the generated city (city.ts).
//
// A region is a ring of vertex ids. Cutting a region inserts vertices on its edges, and the
// insertion is recorded on the edge itself, so the region on the other side of that edge gets the
// very same vertex when its ring is expanded. Neighbours therefore share exact vertices, and the
// children of a region are exactly the faces of its ring and its cuts: no gap, no overlap, no
// coordinate computed twice. Coordinates are rounded once, when a vertex is made (7 decimals, as
// boundary imports round them). A construction that comes within EPS_M metres of a degenerate
// case throws Degenerate, and the caller retries with new randomness.
import { insideRing, lineParams, ringDistance, segmentDistance, type Pt } from './geometry.ts';

/** Closest approach, in metres, tolerated between a cut and an unrelated vertex or edge. */
export const EPS_M = 0.5;

export class Degenerate extends Error {}

const SPAN = 2 ** 26;
const edgeKey = (a: number, b: number) => (a < b ? a * SPAN + b : b * SPAN + a);
const halfKey = (a: number, b: number) => a * SPAN + b;

export const roundCoord = (v: number) => Math.round(v * 1e7) / 1e7;

/** A region's ring with a cut applied, and what to record once the cut is accepted. */
export interface Cut {
  ring: number[];
  /** Internal edges, as pairs of vertex ids, in the order of the chains. */
  edges: [number, number][];
  splits: [number, number, number][];
}

export class PlanarMap {
  readonly lon: number[] = [];
  readonly lat: number[] = [];
  /** Local metres east and north of the origin, computed from the rounded degrees. */
  readonly x: number[] = [];
  readonly y: number[] = [];
  private readonly kx: number;
  private readonly ky = 110_574;
  private readonly splits = new Map<number, number>();

  constructor(readonly origin: Pt) {
    this.kx = 111_320 * Math.cos((origin[1] * Math.PI) / 180);
  }

  /** Rounded longitude/latitude of local metres. */
  lonLat(x: number, y: number): Pt {
    return [roundCoord(this.origin[0] + x / this.kx), roundCoord(this.origin[1] + y / this.ky)];
  }

  /** Local metres of a longitude/latitude. */
  toMetres(p: Pt): Pt {
    return [(p[0] - this.origin[0]) * this.kx, (p[1] - this.origin[1]) * this.ky];
  }

  /** A new vertex at local metres (x, y); returns its id. */
  add(x: number, y: number): number {
    const [lon, lat] = this.lonLat(x, y);
    this.lon.push(lon);
    this.lat.push(lat);
    const [x1, y1] = this.toMetres([lon, lat]);
    this.x.push(x1);
    this.y.push(y1);
    return this.lon.length - 1;
  }

  metres(v: number): Pt {
    return [this.x[v], this.y[v]];
  }

  degrees(v: number): Pt {
    return [this.lon[v], this.lat[v]];
  }

  /** The ring through every vertex inserted on its edges so far. */
  expand(ring: readonly number[]): number[] {
    const out: number[] = [];
    for (let i = 0; i < ring.length; i++) this.walk(ring[i], ring[(i + 1) % ring.length], out);
    return out;
  }

  /** The vertices of edge a-b as it is now, a first and b last. */
  expandEdge(a: number, b: number): number[] {
    const out: number[] = [];
    this.walk(a, b, out);
    out.push(b);
    return out;
  }

  private walk(a: number, b: number, out: number[]): void {
    const v = this.splits.get(edgeKey(a, b));
    if (v === undefined) {
      out.push(a);
      return;
    }
    this.walk(a, v, out);
    this.walk(v, b, out);
  }

  commit(cut: Cut): void {
    for (const [a, b, v] of cut.splits) {
      const k = edgeKey(a, b);
      if (this.splits.has(k)) throw new Error(`edge ${a}-${b} split twice`);
      this.splits.set(k, v);
    }
  }

  /**
   * Cuts an expanded ring with chains of vertex ids. A chain's vertices lie inside or outside the
   * region; only its end vertices may be vertices of the ring. Chains meet only at shared vertices.
   */
  cut(ring: readonly number[], chains: readonly (readonly number[])[]): Cut {
    const n = ring.length;
    const pts = ring.map((v) => this.metres(v));
    const onRing = new Set(ring);
    const inserts: { s: number; v: number }[][] = ring.map(() => []);
    const edges: [number, number][] = [];
    for (const chain of chains) {
      for (const v of chain) if (!onRing.has(v) && ringDistance(pts, this.metres(v)) < EPS_M) throw new Degenerate('vertex near the ring');
      for (let k = 0; k + 1 < chain.length; k++) edges.push(...this.cutSegment(ring, pts, chain[k], chain[k + 1], inserts));
    }
    const out: number[] = [];
    const splits: [number, number, number][] = [];
    for (let i = 0; i < n; i++) {
      const b = ring[(i + 1) % n];
      let a = ring[i];
      out.push(a);
      for (const { v } of inserts[i].sort((p, q) => p.s - q.s)) {
        splits.push([a, b, v]);
        out.push(v);
        a = v;
      }
    }
    return { ring: out, edges, splits };
  }

  private cutSegment(ring: readonly number[], pts: Pt[], p: number, q: number, inserts: { s: number; v: number }[][]): [number, number][] {
    const pp = this.metres(p);
    const pq = this.metres(q);
    const len = Math.hypot(pq[0] - pp[0], pq[1] - pp[1]);
    if (len < EPS_M) throw new Degenerate('short segment');
    const hits: { t: number; v: number }[] = [];
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i];
      const b = ring[(i + 1) % ring.length];
      const pa = pts[i];
      const pb = pts[(i + 1) % ring.length];
      if (a !== p && a !== q && segmentDistance(pa, pp, pq) < EPS_M) throw new Degenerate('ring vertex near a cut');
      if (a === p || a === q || b === p || b === q) continue;
      const at = lineParams(pp, pq, pa, pb);
      if (!at || at.t <= 0 || at.t >= 1 || at.s <= 0 || at.s >= 1) continue;
      const v = this.add(pp[0] + at.t * (pq[0] - pp[0]), pp[1] + at.t * (pq[1] - pp[1]));
      hits.push({ t: at.t, v });
      inserts[i].push({ s: at.s, v });
    }
    hits.sort((u, w) => u.t - w.t);
    const stops = [p, ...hits.map((h) => h.v), q];
    const inside: [number, number][] = [];
    for (let k = 0; k + 1 < stops.length; k++) {
      const u = this.metres(stops[k]);
      const w = this.metres(stops[k + 1]);
      if (Math.hypot(w[0] - u[0], w[1] - u[1]) < EPS_M) throw new Degenerate('crossings too close');
      if (insideRing(pts, [(u[0] + w[0]) / 2, (u[1] + w[1]) / 2])) inside.push([stops[k], stops[k + 1]]);
    }
    return inside;
  }

  /** Bounded faces (counter-clockwise rings of vertex ids) of a ring and its internal edges. */
  faces(ring: readonly number[], edges: readonly (readonly [number, number])[]): number[][] {
    const adj = new Map<number, number[]>();
    const link = (a: number, b: number) => {
      if (!adj.has(a)) adj.set(a, []);
      adj.get(a)!.push(b);
    };
    for (let i = 0; i < ring.length; i++) {
      link(ring[i], ring[(i + 1) % ring.length]);
      link(ring[(i + 1) % ring.length], ring[i]);
    }
    for (const [a, b] of edges) {
      link(a, b);
      link(b, a);
    }
    const position = new Map<number, number>();
    for (const [v, around] of adj) {
      const angle = new Map(around.map((w) => [w, Math.atan2(this.y[w] - this.y[v], this.x[w] - this.x[v])]));
      around.sort((a, b) => angle.get(a)! - angle.get(b)!);
      around.forEach((w, i) => {
        if (i > 0 && angle.get(w)! - angle.get(around[i - 1])! < 1e-9) throw new Degenerate('edges on top of each other');
        position.set(halfKey(v, w), i);
      });
    }
    const seen = new Set<number>();
    const bounded: number[][] = [];
    let outer = 0;
    for (const [u, around] of adj) {
      for (const v of around) {
        if (seen.has(halfKey(u, v))) continue;
        const face: number[] = [];
        let [a, b] = [u, v];
        do {
          seen.add(halfKey(a, b));
          face.push(a);
          const next = adj.get(b)!;
          const c = next[(position.get(halfKey(b, a))! - 1 + next.length) % next.length];
          [a, b] = [b, c];
        } while (a !== u || b !== v);
        if (new Set(face).size !== face.length) throw new Degenerate('face touches itself');
        if (this.area(face) > 0) bounded.push(face);
        else outer++;
      }
    }
    if (outer !== 1) throw new Degenerate('cut left a piece disconnected');
    return bounded;
  }

  /** Signed area in square metres. */
  area(ring: readonly number[]): number {
    let twice = 0;
    const [x0, y0] = this.metres(ring[0]);
    for (let i = 1; i + 1 < ring.length; i++) {
      twice += (this.x[ring[i]] - x0) * (this.y[ring[i + 1]] - y0) - (this.x[ring[i + 1]] - x0) * (this.y[ring[i]] - y0);
    }
    return twice / 2;
  }
}

export { edgeKey, halfKey };
