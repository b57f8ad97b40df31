// Hierarchical subdivision of a convex quad on one global vertex lattice.
//
// Every level splits each parent cell into an a x b block of child cells. All levels live on the
// finest lattice (A x B cells, A and B the products of the a's and b's), and each lattice vertex is
// computed exactly once, by the coarsest level where it appears:
//   - on a parent's edge: linear interpolation between that edge's two corners;
//   - inside a parent: bilinear interpolation of the parent's corners, jittered.
// Neighbours therefore share bit-identical vertices, and the ring of a cell at any level is the
// chain of finest vertices along its boundary, so children tile their parent exactly.
import { bilinear, lerp, type Pt, type Quad } from './geometry.ts';
import type { Rng } from './prng.ts';

/** A block of finest lattice cells: columns i0..i1, rows j0..j1 (vertex indices). */
export interface Cell {
  i0: number;
  j0: number;
  i1: number;
  j1: number;
  /** Index of the parent cell in the previous level, -1 for the root. */
  parent: number;
}

export class Lattice {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  private readonly done: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    const n = (width + 1) * (height + 1);
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.done = new Uint8Array(n);
  }

  private at(i: number, j: number): number {
    return j * (this.width + 1) + i;
  }

  has(i: number, j: number): boolean {
    return this.done[this.at(i, j)] === 1;
  }

  set(i: number, j: number, p: Pt): void {
    const k = this.at(i, j);
    this.xs[k] = p[0];
    this.ys[k] = p[1];
    this.done[k] = 1;
  }

  point(i: number, j: number): Pt {
    const k = this.at(i, j);
    return [this.xs[k], this.ys[k]];
  }

  corners(c: Cell): Quad {
    return [this.point(c.i0, c.j0), this.point(c.i1, c.j0), this.point(c.i1, c.j1), this.point(c.i0, c.j1)];
  }

  /** Counter-clockwise open ring through every finest vertex on the cell's boundary. */
  ring(c: Cell): Pt[] {
    const out: Pt[] = [];
    for (let i = c.i0; i < c.i1; i++) out.push(this.point(i, c.j0));
    for (let j = c.j0; j < c.j1; j++) out.push(this.point(c.i1, j));
    for (let i = c.i1; i > c.i0; i--) out.push(this.point(i, c.j1));
    for (let j = c.j1; j > c.j0; j--) out.push(this.point(c.i0, j));
    return out;
  }
}

export interface Subdivision {
  lattice: Lattice;
  /** levels[0] is the root cell; levels[k] holds the cells of level k+1, grouped by parent. */
  levels: Cell[][];
}

/**
 * Subdivides `root` by the given [a, b] splits, level after level. `jitter` is the largest shift
 * of an interior vertex as a fraction of a child cell (below 0.25 keeps children convex).
 */
export function subdivide(root: Quad, splits: readonly (readonly [number, number])[], rng: Rng, jitter = 0.18): Subdivision {
  const width = splits.reduce((w, [a]) => w * a, 1);
  const height = splits.reduce((h, [, b]) => h * b, 1);
  const lattice = new Lattice(width, height);
  lattice.set(0, 0, root[0]);
  lattice.set(width, 0, root[1]);
  lattice.set(width, height, root[2]);
  lattice.set(0, height, root[3]);
  const levels: Cell[][] = [[{ i0: 0, j0: 0, i1: width, j1: height, parent: -1 }]];
  for (const [a, b] of splits) {
    const children: Cell[] = [];
    levels[levels.length - 1].forEach((parent, index) => {
      placeVertices(lattice, parent, a, b, rng, jitter);
      children.push(...childCells(parent, index, a, b));
    });
    levels.push(children);
  }
  return { lattice, levels };
}

function placeVertices(lattice: Lattice, parent: Cell, a: number, b: number, rng: Rng, jitter: number): void {
  const si = (parent.i1 - parent.i0) / a;
  const sj = (parent.j1 - parent.j0) / b;
  const q = lattice.corners(parent);
  for (let j = 0; j <= b; j++) {
    for (let i = 0; i <= a; i++) {
      const gi = parent.i0 + i * si;
      const gj = parent.j0 + j * sj;
      if (lattice.has(gi, gj)) continue;
      lattice.set(gi, gj, vertexPosition(q, i, j, a, b, rng, jitter));
    }
  }
}

function vertexPosition(q: Quad, i: number, j: number, a: number, b: number, rng: Rng, jitter: number): Pt {
  if (j === 0) return lerp(q[0], q[1], i / a);
  if (j === b) return lerp(q[3], q[2], i / a);
  if (i === 0) return lerp(q[0], q[3], j / b);
  if (i === a) return lerp(q[1], q[2], j / b);
  const u = i / a + (rng.next() * 2 - 1) * (jitter / a);
  const v = j / b + (rng.next() * 2 - 1) * (jitter / b);
  return bilinear(q, u, v);
}

/** Children in row-major order (south to north rows, west to east within a row). */
function childCells(parent: Cell, index: number, a: number, b: number): Cell[] {
  const si = (parent.i1 - parent.i0) / a;
  const sj = (parent.j1 - parent.j0) / b;
  const out: Cell[] = [];
  for (let j = 0; j < b; j++) {
    for (let i = 0; i < a; i++) {
      const i0 = parent.i0 + i * si;
      const j0 = parent.j0 + j * sj;
      out.push({ i0, j0, i1: i0 + si, j1: j0 + sj, parent: index });
    }
  }
  return out;
}
