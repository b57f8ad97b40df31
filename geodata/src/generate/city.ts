// The jurisdiction tree of a generated city: geometry from the city's shape (shape.ts), plausible
// names and codes.
import type { Pt } from './geometry.ts';
import { CITY, COMMUNITY_SUFFIXES, COMMUNITY_WORDS, DISTRICTS, STREET_WORDS } from './names.ts';
import type { PlanarMap } from './planar.ts';
import { rngFor, type Rng } from './prng.ts';
import { shapeCity } from './shape.ts';
import type { SizeSpec } from './sizes.ts';

export const CITY_CENTER: Pt = [114.3, 30.59];

export interface JurisdictionNode {
  /** 1 city, 2 district, 3 street, 4 community, 5 grid. */
  level: number;
  code: string;
  name: string;
  /** Names from the city down to this node: the address prefix. */
  fullName: string;
  /** Index of the parent in the previous level, -1 for the city. */
  parent: number;
  /** Counter-clockwise ring of vertex ids of city.map, shared exactly with the neighbours. */
  ring: number[];
  /** GB/T 2260 code of the district the node lies in (the city's for the city). */
  regionCode: string;
}

export interface CityLayout {
  size: SizeSpec;
  map: PlanarMap;
  /** levels[0] = [city], levels[1] districts, ... levels[4] grids. */
  levels: JurisdictionNode[][];
  /** The rivers inside the city as chains of vertex ids; every grid lies on one side. */
  rivers: number[][];
}

export function gridsOf(city: CityLayout): JurisdictionNode[] {
  return city.levels[city.levels.length - 1];
}

/** The node's ring in longitude/latitude (open: the first vertex is not repeated). */
export function ringOf(city: CityLayout, node: JurisdictionNode): Pt[] {
  return node.ring.map((v) => city.map.degrees(v));
}

/** The node's ring in metres east and north of the city centre. */
export function metricRingOf(city: CityLayout, node: JurisdictionNode): Pt[] {
  return node.ring.map((v) => city.map.metres(v));
}

export function riversOf(city: CityLayout): Pt[][] {
  return city.rivers.map((chain) => chain.map((v) => city.map.degrees(v)));
}

export function layoutCity(size: SizeSpec, seed: number): CityLayout {
  if (size.splits.length !== 4) throw new Error(`size ${size.name}: expected 4 levels of splits`);
  if (size.splits[0] > DISTRICTS.length) throw new Error(`size ${size.name}: at most ${DISTRICTS.length} districts`);
  const shape = shapeCity(size, CITY_CENTER, seed);
  const { map } = shape;
  const rng = rngFor(seed, 'city');
  const city: JurisdictionNode = {
    level: 1, code: CITY.code, name: CITY.name, fullName: CITY.name, parent: -1, ring: map.expand(shape.levels[0][0].ring), regionCode: CITY.code,
  };
  const levels: JurisdictionNode[][] = [[city]];
  const streetNames = rng.shuffled(STREET_WORDS);
  for (let level = 2; level <= 5; level++) {
    const parents = levels[level - 2];
    const siblings = new Map<number, number>();
    const used = new Map<number, Set<string>>();
    levels.push(
      shape.levels[level - 1].map((shaped, index) => {
        const parent = parents[shaped.parent];
        const nth = (siblings.get(shaped.parent) ?? 0) + 1;
        siblings.set(shaped.parent, nth);
        const taken = used.get(shaped.parent) ?? new Set<string>();
        used.set(shaped.parent, taken);
        const { code, name } = nodeName(level, index, nth, parent, streetNames, taken, rng);
        return {
          level, code, name, fullName: parent.fullName + name, parent: shaped.parent, ring: map.expand(shaped.ring),
          regionCode: level === 2 ? code : parent.regionCode,
        };
      }),
    );
  }
  const rivers = shape.rivers.map((chain) => chain.slice(0, -1).flatMap((v, i) => map.expandEdge(v, chain[i + 1]).slice(0, -1)).concat(chain.slice(-1)));
  return { size, map, levels, rivers };
}

function nodeName(
  level: number, index: number, nth: number, parent: JurisdictionNode, streetNames: string[], taken: Set<string>, rng: Rng,
): { code: string; name: string } {
  const code = level === 2 ? DISTRICTS[index].code : parent.code + String(nth).padStart(3, '0');
  if (level === 2) return { code, name: DISTRICTS[index].name };
  if (level === 3) {
    const word = streetNames[index % streetNames.length];
    const round = Math.floor(index / streetNames.length);
    return { code, name: `${word}${round > 0 ? round + 1 : ''}街道` };
  }
  if (level === 4) return { code, name: uniqueCommunityName(rng, taken) };
  return { code, name: `第${nth}网格` };
}

function uniqueCommunityName(rng: Rng, taken: Set<string>): string {
  for (let attempt = 0; ; attempt++) {
    const name = rng.pick(COMMUNITY_WORDS) + (attempt < 50 ? rng.pick(COMMUNITY_SUFFIXES) : String(attempt)) + '社区';
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}
