// Names, phone numbers, ages and unique fictional resident IDs.
import { makeResidentId } from '../../../api/src/persons/idnumber.ts';
import { GIVEN_FEMALE, GIVEN_MALE, RELATIONS_FAMILY, RELATIONS_OTHER, SURNAMES } from './names.ts';
import type { Rng } from './prng.ts';

export type Sex = 'male' | 'female';

export function personName(rng: Rng, sex: Sex, surname = rng.pick(SURNAMES)): string {
  const chars = sex === 'male' ? GIVEN_MALE : GIVEN_FEMALE;
  const given = rng.chance(0.3) ? rng.pick(chars) : rng.pick(chars) + rng.pick(chars);
  return surname + given;
}

/** Surname of a Chinese name (two-character compound surnames included). */
export function surnameOf(name: string): string {
  const two = name.slice(0, 2);
  return SURNAMES.includes(two) ? two : name.slice(0, 1);
}

/** Mainland mobile: 1, then 3-9, then nine digits. */
export function mobile(rng: Rng): string {
  return `1${rng.int(3, 9)}${rng.digits(9)}`;
}

const AGE_BANDS: readonly (readonly [readonly [number, number], number])[] = [
  [[0, 14], 10],
  [[15, 29], 19],
  [[30, 44], 25],
  [[45, 59], 25],
  [[60, 79], 17],
  [[80, 95], 4],
];

/** Age in years; `frail` draws from the older bands (severe cases and deaths). */
export function drawAge(rng: Rng, frail: boolean): number {
  const [lo, hi] = frail ? rng.weighted([[[55, 79], 3], [[80, 95], 1]] as const) : rng.weighted(AGE_BANDS);
  return rng.int(lo, hi);
}

const DAY = 86_400_000;

/** A birth date about `age` years before `now`, as YYYY-MM-DD. */
export function birthDateFor(rng: Rng, age: number, now: Date): string {
  const days = Math.floor(age * 365.25) + rng.int(1, 364);
  return new Date(now.getTime() - days * DAY).toISOString().slice(0, 10);
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/**
 * Hands out resident IDs unique per city: the 3-digit sequence counts up per region, birth date
 * and sex (odd for men, even for women), moving to the previous day when a day is full.
 */
export class ResidentIds {
  private readonly used = new Map<string, number>();

  next(region: string, birthDate: string, sex: Sex): { id: string; birthDate: string } {
    for (let date = birthDate; ; date = shiftDate(date, -1)) {
      const key = `${region}${date}${sex}`;
      const k = (this.used.get(key) ?? 0) + 1;
      if (k > 499) continue;
      this.used.set(key, k);
      return { id: makeResidentId(region, date, 2 * k + (sex === 'male' ? 1 : 0), sex), birthDate: date };
    }
  }
}

export interface CoResident {
  name: string;
  relation: string;
}

/** People sharing the dwelling; family members mostly share the surname. */
export function coResidents(rng: Rng, count: number, surname: string): CoResident[] {
  return Array.from({ length: count }, () => {
    const family = rng.chance(0.8);
    const relation = family ? rng.pick(RELATIONS_FAMILY) : rng.pick(RELATIONS_OTHER);
    const sex: Sex = /父|祖父|儿子|孙子|兄弟/.test(relation) ? 'male' : /母|女|姐妹/.test(relation) ? 'female' : rng.pick(['male', 'female'] as const);
    return { name: personName(rng, sex, family ? surname : undefined), relation };
  });
}
