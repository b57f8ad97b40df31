// The city sizes the generator knows. Splits are the children per parent at each level: districts
// of the city, streets of a district, communities of a street, grids of a community.

export interface SizeSpec {
  name: string;
  splits: readonly number[];
  households: number;
  persons: number;
  /** Health checks (doctors' checks and self-reports) generated per person, set-based in SQL. */
  checksPerPerson: number;
  /** Rough extent of the city's outline, west-east and south-north, in kilometres. */
  extentKm: readonly [number, number];
}

export const SIZES = {
  /** For tests: 2 districts x 1 street x 2 communities x 4 grids = 16 grids. */
  tiny: {
    name: 'tiny',
    splits: [2, 1, 2, 4],
    households: 240,
    persons: 90,
    checksPerPerson: 2,
    extentKm: [3, 3],
  },
  /** First start of an embedded database: 3 x 2 x 2 x 4 = 48 grids. */
  demo: {
    name: 'demo',
    splits: [3, 2, 2, 4],
    households: 3_000,
    persons: 600,
    checksPerPerson: 4,
    extentKm: [4.5, 6],
  },
  /** Load and scale tests: 10 x 10 x 10 x 10 = 10,000 grids of roughly 250 m; 1M health checks. */
  'city-L': {
    name: 'city-L',
    splits: [10, 10, 10, 10],
    households: 1_000_000,
    persons: 100_000,
    checksPerPerson: 10,
    extentKm: [30, 30],
  },
} as const satisfies Record<string, SizeSpec>;

export type SizeName = keyof typeof SIZES;

export function isSizeName(name: string): name is SizeName {
  return Object.hasOwn(SIZES, name);
}

/** Number of nodes per level (1 city, then districts, streets, communities, grids). */
export function levelCounts(size: SizeSpec): number[] {
  const counts = [1];
  for (const k of size.splits) counts.push(counts[counts.length - 1] * k);
  return counts;
}
