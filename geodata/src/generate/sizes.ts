// The city sizes the generator knows. Splits are [columns, rows] per level: district, street, community, grid.

export interface SizeSpec {
  name: string;
  splits: readonly (readonly [number, number])[];
  households: number;
  persons: number;
  /** Health checks (doctors' checks and self-reports) generated per person, set-based in SQL. */
  checksPerPerson: number;
  /** Rough extent of the city, west-east and south-north, in kilometres. */
  extentKm: readonly [number, number];
}

export const SIZES = {
  /** For tests: 2 districts x 1 street x 2 communities x 4 grids = 16 grids. */
  tiny: {
    name: 'tiny',
    splits: [[2, 1], [1, 1], [1, 2], [2, 2]],
    households: 240,
    persons: 90,
    checksPerPerson: 2,
    extentKm: [3, 3],
  },
  /** First start of an embedded database: 3 x 2 x 2 x 4 = 48 grids. */
  demo: {
    name: 'demo',
    splits: [[3, 1], [1, 2], [1, 2], [2, 2]],
    households: 3_000,
    persons: 600,
    checksPerPerson: 4,
    extentKm: [6, 8],
  },
  /** Load and scale tests: 10 x 10 x 10 x 10 = 10,000 grids of roughly 300 m; 1M health checks. */
  'city-L': {
    name: 'city-L',
    splits: [[2, 5], [5, 2], [2, 5], [5, 2]],
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
  for (const [a, b] of size.splits) counts.push(counts[counts.length - 1] * a * b);
  return counts;
}
