// Households of one grid: residential buildings with units and rooms, as points inside the grid.
import { gridsOf, quadOf, type CityLayout } from './city.ts';
import { bilinear, type Pt } from './geometry.ts';
import { ROADS } from './names.ts';
import { rngFor, type Rng } from './prng.ts';

export interface HouseholdRecord {
  /** Index of the grid (in gridsOf(city)) the point was generated in. */
  grid: number;
  point: Pt;
  address: string;
  building: string;
  unit: string;
  room: string;
  createdAt: Date;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Points keep this margin (as a fraction of the grid) from the grid's edges. */
const MARGIN = 0.06;

interface Building {
  number: number;
  units: number;
  floors: number;
  doors: number;
  u: number;
  v: number;
}

function nextBuilding(rng: Rng, number: number): Building {
  const highRise = rng.chance(0.45);
  return {
    number,
    units: rng.int(1, 4),
    floors: highRise ? rng.int(18, 33) : rng.int(5, 9),
    doors: rng.int(2, 4),
    u: rng.float(0.1, 0.86),
    v: rng.float(0.1, 0.9),
  };
}

/** `count` households of grid `gridIndex`, always the same for the same seed and reference time. */
export function gridHouseholds(city: CityLayout, gridIndex: number, count: number, seed: number, now: Date): HouseholdRecord[] {
  const grid = gridsOf(city)[gridIndex];
  const community = city.levels[3][grid.parent];
  const quad = quadOf(city, grid);
  const rng = rngFor(seed, 'households', gridIndex);
  const street = `${rng.pick(ROADS)}${rng.int(1, 399)}号`;
  const out: HouseholdRecord[] = [];
  for (let number = 1; out.length < count; number++) {
    const b = nextBuilding(rng, number);
    for (let unit = 1; unit <= b.units && out.length < count; unit++) {
      const u = Math.min(1 - MARGIN, Math.max(MARGIN, b.u + (unit - 1) * 0.012));
      const point = bilinear(quad, u, b.v);
      for (let floor = 1; floor <= b.floors && out.length < count; floor++) {
        for (let door = 1; door <= b.doors && out.length < count; door++) {
          if (rng.chance(0.3)) continue; // not registered with the community (vacant, unknown)
          const building = `${b.number}栋`;
          const unitName = `${unit}单元`;
          const room = String(floor * 100 + door);
          out.push({
            grid: gridIndex,
            point,
            address: `${community.fullName}${street}${building}${unitName}${room}`,
            building,
            unit: unitName,
            room,
            createdAt: new Date(now.getTime() - 35 * DAY + Math.floor(rng.next() * 96) * HOUR),
          });
        }
      }
    }
  }
  return out;
}
