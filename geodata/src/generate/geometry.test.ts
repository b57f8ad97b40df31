import { describe, expect, it } from 'vitest';
import { gridsOf, layoutCity, quadOf, ringOf, type CityLayout } from './city.ts';
import { insideConvex, isConvexCcw, pointEwkbHex, ringArea } from './geometry.ts';
import { gridHouseholds } from './households.ts';
import { Rng, rngFor } from './prng.ts';
import { SIZES, levelCounts } from './sizes.ts';

const NOW = new Date('2020-02-15T00:00:00Z');
const cities: [string, CityLayout][] = (['tiny', 'demo', 'city-L'] as const).map((s) => [s, layoutCity(SIZES[s], 7)]);

describe('prng', () => {
  it('repeats a seed and separates streams', () => {
    const a = rngFor(1, 'x');
    const b = rngFor(1, 'x');
    const seqA = Array.from({ length: 5 }, () => a.uint32());
    expect(Array.from({ length: 5 }, () => b.uint32())).toEqual(seqA);
    const c = rngFor(1, 'y');
    expect(Array.from({ length: 5 }, () => c.uint32())).not.toEqual(seqA);
  });

  it('is roughly uniform', () => {
    const r = new Rng(42);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(r.next() * 10)]++;
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });
});

describe.each(cities)('lattice of %s', (sizeName, city) => {
  it('has the planned number of nodes with unique codes', () => {
    expect(city.levels.map((l) => l.length)).toEqual(levelCounts(city.size));
    const codes = city.levels.flat().map((n) => n.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const level of city.levels.slice(1)) {
      // districts carry their own GB/T 2260 codes (4201xx); below that, codes extend the parent's
      for (const n of level) expect(n.code.startsWith(n.level === 2 ? '4201' : city.levels[n.level - 2][n.parent].code)).toBe(true);
    }
  });

  it('children tile their parent: areas sum up exactly, rings are counter-clockwise', () => {
    for (let k = 1; k < city.levels.length; k++) {
      const sums = new Map<number, number>();
      for (const n of city.levels[k]) {
        const area = ringArea(ringOf(city, n));
        expect(area).toBeGreaterThan(0);
        sums.set(n.parent, (sums.get(n.parent) ?? 0) + area);
      }
      city.levels[k - 1].forEach((parent, i) => {
        const area = ringArea(ringOf(city, parent));
        expect(Math.abs((sums.get(i) ?? 0) - area) / area).toBeLessThan(1e-9);
      });
    }
  });

  it('every node is a convex quadrilateral and grids are exactly their quads', () => {
    for (const n of city.levels.flat()) expect(isConvexCcw(quadOf(city, n))).toBe(true);
    for (const g of gridsOf(city)) expect(ringOf(city, g)).toEqual([...quadOf(city, g)]);
  });

  it('sibling grids share exact vertices', () => {
    const seen = new Map<string, number>();
    for (const g of gridsOf(city)) for (const p of ringOf(city, g)) seen.set(`${p[0]},${p[1]}`, (seen.get(`${p[0]},${p[1]}`) ?? 0) + 1);
    const { width, height } = city.lattice;
    expect(seen.size).toBe((width + 1) * (height + 1));
  });

  it('places households strictly inside their grid', () => {
    const grids = gridsOf(city);
    const sample = sizeName === 'city-L' ? [0, 4321, grids.length - 1] : grids.map((_, i) => i);
    for (const g of sample) {
      const quad = quadOf(city, grids[g]);
      for (const h of gridHouseholds(city, g, 120, 7, NOW)) expect(insideConvex(quad, h.point)).toBe(true);
    }
  });
});

describe('encodings', () => {
  it('writes little-endian EWKB points with SRID 4326', () => {
    expect(pointEwkbHex([1, 2])).toBe('0101000020e6100000' + '000000000000f03f' + '0000000000000040');
  });
});
