// Households of one grid: residential buildings with units and rooms, their entrances along the
// streets that bound the grid (set back from the kerb), as real addresses line streets.
import { gridsOf, metricRingOf, type CityLayout } from './city.ts';
import { insideRing, ringDistance, type Pt } from './geometry.ts';
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
/** Metres between the stairwells of a building along the street, and between buildings. */
const STAIR_M = 7;
const GAP_M = 22;
/** Distance of the first row of buildings from the street, and between rows. */
const SETBACK_M = 16;
const ROW_M = 32;
/** No entrance is closer than this to the grid's boundary (a few metres' offset stays inside). */
export const CLEARANCE_M = 8;

interface Building {
  number: number;
  units: number;
  floors: number;
  doors: number;
}

/**
 * A building whose height suits the grid: where few households share a long street (the outskirts,
 * a small demo city) low-rise blocks line it; in a dense grid a good part are high-rise towers.
 */
function nextBuilding(rng: Rng, number: number, perMetre: number): Building {
  const units = rng.int(1, 4);
  const doors = rng.int(2, 4);
  if (perMetre < 0.03) return { number, units, doors, floors: rng.int(2, 6) };
  const highRise = rng.chance(perMetre < 0.08 ? 0.1 : 0.45);
  return { number, units, doors, floors: highRise ? rng.int(18, 33) : rng.int(5, 9) };
}

/** Walks along the inside of a ring, one row of buildings after another, further in each lap. */
class Frontage {
  private readonly lengths: number[] = [];
  readonly perimeter: number;
  private s: number;
  private walked = 0;

  constructor(private readonly ring: readonly Pt[], rng: Rng) {
    for (let i = 0; i < ring.length; i++) {
      const [a, b] = [ring[i], ring[(i + 1) % ring.length]];
      this.lengths.push(Math.hypot(b[0] - a[0], b[1] - a[1]));
    }
    this.perimeter = this.lengths.reduce((x, y) => x + y, 0);
    this.s = rng.next() * this.perimeter;
  }

  /** The next entrance at least `step` metres further on, or null when no place is left. */
  next(step: number): Pt | null {
    for (let tries = 0; tries < 4 * (this.perimeter / STAIR_M); tries++, step = STAIR_M) {
      this.s += step;
      this.walked += step;
      const setback = SETBACK_M + ROW_M * Math.floor(this.walked / this.perimeter);
      const p = this.inward(this.s % this.perimeter, setback);
      // A corner or a narrow place puts the point near another edge: the next place along.
      if (insideRing(this.ring, p) && ringDistance(this.ring, p) >= Math.max(CLEARANCE_M, 0.75 * setback)) return p;
    }
    return null;
  }

  private inward(s: number, d: number): Pt {
    let i = 0;
    while (s > this.lengths[i] && i < this.lengths.length - 1) s -= this.lengths[i++];
    const [a, b] = [this.ring[i], this.ring[(i + 1) % this.ring.length]];
    const t = this.lengths[i] > 0 ? s / this.lengths[i] : 0;
    const [dx, dy] = [(b[0] - a[0]) / this.lengths[i], (b[1] - a[1]) / this.lengths[i]];
    // counter-clockwise ring: the inside is on the left
    return [a[0] + t * (b[0] - a[0]) - d * dy, a[1] + t * (b[1] - a[1]) + d * dx];
  }
}

/** The point of the ring farthest from its boundary among a sample: where entrances go when the streets are full. */
function innermost(ring: readonly Pt[], rng: Rng): Pt {
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  let best: Pt = ring[0];
  let bestD = -1;
  for (let i = 0; i < 400; i++) {
    const p: Pt = [rng.float(Math.min(...xs), Math.max(...xs)), rng.float(Math.min(...ys), Math.max(...ys))];
    const d = insideRing(ring, p) ? ringDistance(ring, p) : -1;
    if (d > bestD) [best, bestD] = [p, d];
  }
  return best;
}

/** `count` households of grid `gridIndex`, always the same for the same seed and reference time. */
export function gridHouseholds(city: CityLayout, gridIndex: number, count: number, seed: number, now: Date): HouseholdRecord[] {
  const grid = gridsOf(city)[gridIndex];
  const community = city.levels[3][grid.parent];
  const ring = metricRingOf(city, grid);
  const rng = rngFor(seed, 'households', gridIndex);
  const street = `${rng.pick(ROADS)}${rng.int(1, 399)}号`;
  const frontage = new Frontage(ring, rng);
  let fallback: Pt | undefined;
  const out: HouseholdRecord[] = [];
  for (let number = 1; out.length < count; number++) {
    const b = nextBuilding(rng, number, count / frontage.perimeter);
    // one entrance per stairwell (unit and door column); the floors stack above it
    const entrances = Array.from({ length: b.units * b.doors }, (_, k) => {
      const p = frontage.next(k === 0 ? GAP_M : STAIR_M) ?? (fallback ??= innermost(ring, rng));
      return city.map.lonLat(p[0], p[1]);
    });
    for (let unit = 1; unit <= b.units && out.length < count; unit++) {
      for (let floor = 1; floor <= b.floors && out.length < count; floor++) {
        for (let door = 1; door <= b.doors && out.length < count; door++) {
          if (rng.chance(0.3)) continue; // not registered with the community (vacant, unknown)
          const building = `${b.number}栋`;
          const unitName = `${unit}单元`;
          const room = String(floor * 100 + door);
          out.push({
            grid: gridIndex,
            point: entrances[(unit - 1) * b.doors + door - 1],
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
