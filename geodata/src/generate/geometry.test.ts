import { describe, expect, it } from 'vitest';
import { gridsOf, layoutCity, metricRingOf, ringOf, type CityLayout } from './city.ts';
import { insideRing, isSimpleRing, pointEwkbHex, ringArea, ringDistance } from './geometry.ts';
import { CLEARANCE_M, gridHouseholds } from './households.ts';
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

const directed = (ring: readonly number[]) => ring.map((v, i) => `${v}>${ring[(i + 1) % ring.length]}`);

describe.each(cities)('shape of %s', (sizeName, city) => {
  it('has the planned number of nodes with unique codes', () => {
    expect(city.levels.map((l) => l.length)).toEqual(levelCounts(city.size));
    const codes = city.levels.flat().map((n) => n.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const level of city.levels.slice(1)) {
      // districts carry their own GB/T 2260 codes (4201xx); below that, codes extend the parent's
      for (const n of level) expect(n.code.startsWith(n.level === 2 ? '4201' : city.levels[n.level - 2][n.parent].code)).toBe(true);
    }
  });

  it('tiles every parent exactly: children share their inner edges and together run along the parent\'s ring', () => {
    for (let k = 1; k < city.levels.length; k++) {
      const children = new Map<number, string[]>();
      for (const n of city.levels[k]) children.set(n.parent, [...(children.get(n.parent) ?? []), ...directed(n.ring)]);
      city.levels[k - 1].forEach((parent, i) => {
        const edges = new Set(children.get(i));
        // an inner edge appears once in each direction; what is left is the parent's boundary, vertex for vertex
        const outer = [...edges].filter((e) => !edges.has(e.split('>').reverse().join('>')));
        expect(outer.sort()).toEqual(directed(parent.ring).sort());
        expect(edges.size).toBe(children.get(i)!.length);
      });
    }
  });

  it('has simple, counter-clockwise rings whose areas add up', () => {
    for (const level of city.levels) for (const n of level) expect(isSimpleRing(ringOf(city, n)), n.code).toBe(true);
    for (let k = 1; k < city.levels.length; k++) {
      const sums = new Map<number, number>();
      for (const n of city.levels[k]) {
        const area = ringArea(metricRingOf(city, n));
        expect(area).toBeGreaterThan(sizeName === 'city-L' ? 10_000 : 100_000);
        sums.set(n.parent, (sums.get(n.parent) ?? 0) + area);
      }
      city.levels[k - 1].forEach((parent, i) => {
        const area = ringArea(metricRingOf(city, parent));
        expect(Math.abs(sums.get(i)! - area) / area).toBeLessThan(1e-9);
      });
    }
  });

  it('lets no grid straddle a river: every piece of river is an edge between two grids', () => {
    expect(city.rivers).toHaveLength(city.levels[1].length >= 3 ? 2 : 1);
    const edges = new Set(gridsOf(city).flatMap((g) => directed(g.ring)));
    for (const river of city.rivers) {
      expect(river.length).toBeGreaterThan(10);
      for (let i = 0; i + 1 < river.length; i++) {
        expect(edges.has(`${river[i]}>${river[i + 1]}`) && edges.has(`${river[i + 1]}>${river[i]}`)).toBe(true);
      }
    }
  });

  it('places households inside their grid, along its streets', () => {
    const grids = gridsOf(city);
    const sample = sizeName === 'city-L' ? [0, 4321, grids.length - 1] : grids.map((_, i) => i);
    for (const g of sample) {
      const ring = metricRingOf(city, grids[g]);
      for (const h of gridHouseholds(city, g, sizeName === 'city-L' ? 120 : 60, 7, NOW)) {
        const p = city.map.toMetres(h.point);
        expect(insideRing(ring, p)).toBe(true);
        // set back from the street, never in the middle of the block
        expect(ringDistance(ring, p)).toBeGreaterThan(CLEARANCE_M - 0.1);
        expect(ringDistance(ring, p)).toBeLessThan(50);
      }
    }
  });
});

describe('layout', () => {
  it('is the same for the same seed and differs for another', () => {
    const rings = (c: CityLayout) => c.levels.flat().map((n) => ringOf(c, n));
    expect(rings(layoutCity(SIZES.demo, 7))).toEqual(rings(cities[1][1]));
    expect(rings(layoutCity(SIZES.demo, 8))).not.toEqual(rings(cities[1][1]));
  });
});

describe('encodings', () => {
  it('writes little-endian EWKB points with SRID 4326', () => {
    expect(pointEwkbHex([1, 2])).toBe('0101000020e6100000' + '000000000000f03f' + '0000000000000040');
  });
});
