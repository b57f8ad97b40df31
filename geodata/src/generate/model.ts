// The whole generated city as a deterministic stream of chunks (households and their persons).
import { gridsOf, layoutCity, type CityLayout } from './city.ts';
import { gridHouseholds, type HouseholdRecord } from './households.ts';
import { PersonFactory, type PersonRecord } from './persons.ts';
import { rngFor, type Rng } from './prng.ts';
import { SIZES, type SizeName, type SizeSpec } from './sizes.ts';

export const DEFAULT_SEED = 20200123;

export interface CityPlan {
  size: SizeSpec;
  seed: number;
  now: Date;
  city: CityLayout;
  householdsPerGrid: number[];
  personsPerGrid: number[];
}

/** Splits `total` over `n` parts with jittered weights; every part gets at least `min` when possible. */
export function allocate(total: number, n: number, rng: Rng, min = 0): number[] {
  const floor = total >= n * min ? min : 0;
  const weights = Array.from({ length: n }, () => 0.5 + rng.next());
  const sum = weights.reduce((a, b) => a + b, 0);
  const rest = total - floor * n;
  const exact = weights.map((w) => (w / sum) * rest);
  const out = exact.map((x) => floor + Math.floor(x));
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let left = total - out.reduce((a, b) => a + b, 0);
  for (let k = 0; left > 0; k++, left--) out[order[k % n][1]]++;
  return out;
}

/**
 * The city's top node takes the tenant's name (the citizens' app shows the tenant's, the wall the
 * node's: one city, one name); the nodes below keep theirs, with the new name in their full names.
 */
function named(city: CityLayout, cityName: string | undefined): CityLayout {
  const root = city.levels[0][0];
  if (!cityName || cityName === root.name) return city;
  const old = root.name;
  for (const level of city.levels) for (const node of level) node.fullName = cityName + node.fullName.slice(old.length);
  root.name = cityName;
  return city;
}

export function planCity(size: SizeName | SizeSpec, seed = DEFAULT_SEED, now = new Date(), cityName?: string): CityPlan {
  const spec = typeof size === 'string' ? SIZES[size] : size;
  const city = named(layoutCity(spec, seed), cityName);
  const grids = gridsOf(city).length;
  const householdsPerGrid = allocate(spec.households, grids, rngFor(seed, 'allocate-households'), 1);
  const personsPerGrid = allocate(spec.persons, grids, rngFor(seed, 'allocate-persons'));
  return { size: spec, seed, now, city, householdsPerGrid, personsPerGrid };
}

export interface Chunk {
  /** Grids gridStart .. gridEnd - 1. */
  gridStart: number;
  gridEnd: number;
  households: HouseholdRecord[];
  /** Persons of the same grids; `household` indexes `households`. */
  persons: PersonRecord[];
}

/** Consecutive grids with about `maxHouseholds` households per chunk; the concatenation never depends on it. */
export function* generateChunks(plan: CityPlan, maxHouseholds = 50_000): Generator<Chunk> {
  const factory = new PersonFactory(plan.city, plan.seed, plan.now);
  const grids = gridsOf(plan.city).length;
  let chunk: Chunk = { gridStart: 0, gridEnd: 0, households: [], persons: [] };
  for (let g = 0; g < grids; g++) {
    const households = gridHouseholds(plan.city, g, plan.householdsPerGrid[g], plan.seed, plan.now);
    const persons = factory.forGrid(g, households, chunk.households.length, plan.personsPerGrid[g]);
    chunk.households.push(...households);
    chunk.persons.push(...persons);
    chunk.gridEnd = g + 1;
    if (chunk.households.length >= maxHouseholds || g === grids - 1) {
      yield chunk;
      chunk = { gridStart: g + 1, gridEnd: g + 1, households: [], persons: [] };
    }
  }
}
