// The jurisdiction tree of a generated city: geometry from the lattice, plausible names and codes.
import type { Pt, Quad } from './geometry.ts';
import { subdivide, type Cell, type Lattice } from './lattice.ts';
import { CITY, COMMUNITY_SUFFIXES, COMMUNITY_WORDS, DISTRICTS, STREET_WORDS } from './names.ts';
import { rngFor, type Rng } from './prng.ts';
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
  cell: Cell;
  /** GB/T 2260 code of the district the node lies in (the city's for the city). */
  regionCode: string;
}

export interface CityLayout {
  size: SizeSpec;
  lattice: Lattice;
  /** levels[0] = [city], levels[1] districts, ... levels[4] grids. */
  levels: JurisdictionNode[][];
}

export function gridsOf(city: CityLayout): JurisdictionNode[] {
  return city.levels[city.levels.length - 1];
}

export function ringOf(city: CityLayout, node: JurisdictionNode): Pt[] {
  return city.lattice.ring(node.cell);
}

export function quadOf(city: CityLayout, node: JurisdictionNode): Quad {
  return city.lattice.corners(node.cell);
}

/** A convex, slightly irregular quadrilateral of the given extent around the city centre. */
function cityQuad(size: SizeSpec, rng: Rng): Quad {
  const [cx, cy] = CITY_CENTER;
  const kmPerLon = 111.32 * Math.cos((cy * Math.PI) / 180);
  const kmPerLat = 110.57;
  const hx = size.extentKm[0] / 2 / kmPerLon;
  const hy = size.extentKm[1] / 2 / kmPerLat;
  const j = () => rng.float(-0.06, 0.06);
  return [
    [cx - hx * (1 + j()), cy - hy * (1 + j())],
    [cx + hx * (1 + j()), cy - hy * (1 + j())],
    [cx + hx * (1 + j()), cy + hy * (1 + j())],
    [cx - hx * (1 + j()), cy + hy * (1 + j())],
  ];
}

export function layoutCity(size: SizeSpec, seed: number): CityLayout {
  if (size.splits.length !== 4) throw new Error(`size ${size.name}: expected 4 levels of splits`);
  const rng = rngFor(seed, 'city');
  const { lattice, levels: cells } = subdivide(cityQuad(size, rng), size.splits, rngFor(seed, 'lattice'));
  if (cells[1].length > DISTRICTS.length) throw new Error(`size ${size.name}: at most ${DISTRICTS.length} districts`);
  const city: JurisdictionNode = {
    level: 1, code: CITY.code, name: CITY.name, fullName: CITY.name, parent: -1, cell: cells[0][0], regionCode: CITY.code,
  };
  const levels: JurisdictionNode[][] = [[city]];
  const streetNames = rng.shuffled(STREET_WORDS);
  for (let level = 2; level <= 5; level++) {
    const parents = levels[level - 2];
    const siblings = new Map<number, number>();
    const used = new Map<number, Set<string>>();
    levels.push(
      cells[level - 1].map((cell, index) => {
        const parent = parents[cell.parent];
        const nth = (siblings.get(cell.parent) ?? 0) + 1;
        siblings.set(cell.parent, nth);
        const taken = used.get(cell.parent) ?? new Set<string>();
        used.set(cell.parent, taken);
        const { code, name } = nodeName(level, index, nth, parent, streetNames, taken, rng);
        return {
          level, code, name, fullName: parent.fullName + name, parent: cell.parent, cell,
          regionCode: level === 2 ? code : parent.regionCode,
        };
      }),
    );
  }
  return { size, lattice, levels };
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
