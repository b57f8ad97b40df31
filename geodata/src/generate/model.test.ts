import { describe, expect, it } from 'vitest';
import { ageOn, isMobilePhone, parseResidentId } from '../../../api/src/persons/idnumber.ts';
import { PLAIN_FIELDS } from '../../../api/src/persons/schema.ts';
import { copyLine, textArray } from './copy.ts';
import { allocate, generateChunks, planCity } from './model.ts';
import type { PersonRecord } from './persons.ts';
import { Rng } from './prng.ts';
import { STATUSES } from './timeline.ts';

const NOW = new Date('2020-02-15T00:00:00Z');
const DAY = 86_400_000;

function all(size: 'tiny' | 'demo' | 'city-L', seed: number, chunkHouseholds?: number) {
  const plan = planCity(size, seed, NOW);
  const chunks = [...generateChunks(plan, chunkHouseholds)];
  return { plan, households: chunks.flatMap((c) => c.households), persons: chunks.flatMap((c) => c.persons), chunks };
}

describe('generated city', () => {
  const demo = all('demo', 11);

  it('is the same for the same seed and reference time, whatever the chunking', () => {
    const again = all('demo', 11, 700);
    expect(again.chunks.length).toBeGreaterThan(demo.chunks.length);
    expect(again.households).toEqual(demo.households);
    expect(again.persons.map(({ household, ...p }) => p)).toEqual(demo.persons.map(({ household, ...p }) => p));
    expect(all('demo', 12).persons.map((p) => p.idNumber)).not.toEqual(demo.persons.map((p) => p.idNumber));
  });

  it('has the planned sizes and every status', () => {
    expect(demo.households).toHaveLength(3000);
    expect(demo.persons).toHaveLength(600);
    const tiny = all('tiny', 1);
    expect(new Set(tiny.persons.map((p) => p.status))).toEqual(new Set(STATUSES));
    expect(new Set(tiny.persons.map((p) => p.severity))).toEqual(new Set([null, 'mild', 'severe', 'critical']));
  });

  it('gives valid, unique resident IDs consistent with sex, birth date and age', () => {
    for (const p of demo.persons) {
      const parsed = parseResidentId(p.idNumber, NOW);
      expect(parsed, p.idNumber).toMatchObject({ ok: true, info: { sex: p.sex, birthDate: p.birthDate } });
      expect(p.idNumber.slice(0, 4)).toBe('4201');
      expect(p.age).toBe(ageOn(p.birthDate, NOW));
      expect(isMobilePhone(p.phone) && isMobilePhone(p.emergencyPhone)).toBe(true);
    }
    expect(new Set(demo.persons.map((p) => p.idNumber)).size).toBe(600);
  });

  it('writes the structured fields in the shapes the API stores and exports', () => {
    const visited = demo.persons.filter((p) => p.inspectorAttendance.length);
    expect(visited.length).toBeGreaterThan(0);
    for (const p of visited) expect(PLAIN_FIELDS.inspectorAttendance.schema.safeParse(p.inspectorAttendance).success, JSON.stringify(p.inspectorAttendance)).toBe(true);
    for (const p of demo.persons) expect(PLAIN_FIELDS.coResidents.schema.safeParse(p.coResidents).success, JSON.stringify(p.coResidents)).toBe(true);
  });

  it('links persons to households of their own grid', () => {
    for (const c of demo.chunks) for (const p of c.persons) expect(c.households[p.household]).toMatchObject({ grid: p.grid, point: p.point, address: p.address });
  });

  it('tells each person\'s history in order, ending at the current status', () => {
    for (const p of demo.persons) checkHistory(p);
  });

  it('keeps resident IDs unique in city-L', () => {
    const ids = new Set<string>();
    let n = 0;
    for (const c of generateChunks(planCity('city-L', 3, NOW))) for (const p of c.persons) (ids.add(p.idNumber), n++);
    expect(n).toBe(100_000);
    expect(ids.size).toBe(n);
  }, 120_000);
});

function checkHistory(p: PersonRecord) {
  const [created, ...changes] = p.events;
  expect(created).toMatchObject({ kind: 'created', fromStatus: null, at: p.createdAt });
  expect(p.createdAt.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 28 * DAY);
  let prev = created;
  for (const e of changes) {
    expect(e.kind).toBe('status');
    expect(e.at.getTime()).toBeGreaterThan(prev.at.getTime());
    expect([e.fromStatus, e.fromSeverity]).toEqual([prev.toStatus, prev.toSeverity]);
    expect(e.toStatus === 'confirmed').toBe(e.toSeverity !== null);
    prev = e;
  }
  expect([prev.toStatus, prev.toSeverity, prev.at]).toEqual([p.status, p.severity, p.statusChangedAt]);
  expect(p.statusChangedAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
  if (p.status === 'released') expect(p.statusChangedAt.getTime() - p.createdAt.getTime()).toBeGreaterThanOrEqual(14 * DAY);
  expect(p.temperatures.length).toBeGreaterThan(0);
  for (const t of p.temperatures) {
    expect(t.celsius).toBeGreaterThanOrEqual(36);
    expect(t.celsius).toBeLessThanOrEqual(39.5);
    expect(t.takenAt.getTime()).toBeGreaterThanOrEqual(p.createdAt.getTime());
    expect(t.takenAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
    expect(t.kind === 'measured').toBe(t.measuredBy !== null);
    if (!p.conditions.includes('fever')) expect(t.celsius).toBeLessThan(37.3);
  }
  expect(p.coResidents).toHaveLength(p.coResidentCount);
  expect(p.releaseNoticeIssued).toBe(p.status === 'released');
}

describe('allocate', () => {
  it('splits a total exactly, with a minimum per part', () => {
    const parts = allocate(3000, 48, new Rng(1), 1);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(Math.min(...parts)).toBeGreaterThanOrEqual(1);
    expect(allocate(5, 10, new Rng(1), 1).reduce((a, b) => a + b, 0)).toBe(5);
  });
});

describe('COPY text encoding', () => {
  it('escapes text, writes nulls, booleans, bytea and arrays', () => {
    const line = copyLine(['a\tb\\c\nd\re', null, true, 3.5, Buffer.from([0, 255]), textArray(['none', 'a b']), new Date(0)]);
    expect(line).toBe('a\\tb\\\\c\\nd\\re\t\\N\tt\t3.5\t\\\\x00ff\t{none,"a b"}\t1970-01-01T00:00:00.000Z\n');
  });
});
