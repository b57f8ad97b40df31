// The person register of one grid: identity, health, trajectory, management and status history.
import { ageOn } from '../../../api/src/persons/idnumber.ts';
import { gridsOf, type CityLayout } from './city.ts';
import type { Pt } from './geometry.ts';
import type { HouseholdRecord } from './households.ts';
import { CITY, DISTRICTS, HOSPITALS, HOTELS } from './names.ts';
import { birthDateFor, coResidents, drawAge, mobile, personName, ResidentIds, surnameOf, type CoResident, type Sex } from './people.ts';
import { rngFor, type Rng } from './prng.ts';
import { drawOutcome, FORCED_OUTCOMES, temperatures, timeline, type EventRecord, type Outcome, type Severity, type Status, type TemperatureRecord } from './timeline.ts';
import { arrival, dateOf, drawArrivalCategory, SOURCE_REASONS, type Arrival, type Source } from './trajectory.ts';

export type Condition = 'none' | 'fever' | 'cough' | 'vomiting' | 'diarrhoea' | 'rash' | 'headache' | 'other';

export interface PersonRecord extends Arrival {
  /** Index of the household in the chunk's household list. */
  household: number;
  grid: number;
  point: Pt;
  address: string;
  name: string;
  idNumber: string;
  sex: Sex;
  birthDate: string;
  age: number;
  nativePlace: string;
  phone: string;
  emergencyPhone: string;
  conditions: Condition[];
  conditionNote: string | null;
  postReleaseState: 'centralized_treatment' | 'free' | null;
  isolationConfirmedAt: Date | null;
  observationStart: string;
  observationEnd: string;
  wuhanHistory: boolean;
  hubeiHistory: boolean;
  contactWithExposed: boolean;
  wildAnimalContact: boolean;
  wetMarketVisit: boolean;
  infectionRoute: 'imported' | 'local_contact' | 'cluster' | 'unknown' | null;
  source: Source;
  noticeSigned: boolean;
  homeGuideGiven: boolean;
  enterpriseManaged: boolean;
  handoverPerson: string | null;
  isolationStartEvidence: string | null;
  observationMode: 'home' | 'centralized';
  observationPlace: string;
  centralizedRoomNo: string | null;
  housingType: 'owned' | 'rented' | 'dormitory' | 'hotel' | 'other';
  coResidentCount: number;
  coResidents: CoResident[];
  /** The shape the API stores (persons/schema.ts): the inspector's name and when they arrived. */
  inspectorAttendance: { name: string; at: string }[];
  visitContact: string;
  releaseNoticeIssued: boolean;
  status: Status;
  severity: Severity | null;
  statusChangedAt: Date;
  createdAt: Date;
  events: EventRecord[];
  temperatures: TemperatureRecord[];
}

const SYMPTOM_LABELS: Record<Condition, string> = {
  none: '无', fever: '发热', cough: '咳嗽', vomiting: '呕吐', diarrhoea: '腹泻', rash: '皮疹', headache: '头痛', other: '乏力',
};
const SICK: readonly Status[] = ['suspected', 'confirmed', 'dead'];
const TERMINAL: readonly Status[] = ['cured', 'dead', 'released', 'closed'];
const DAY = 86_400_000;

function drawConditions(rng: Rng, status: Status): Condition[] {
  if (SICK.includes(status)) {
    const extra = (['cough', 'headache', 'diarrhoea', 'vomiting', 'other'] as const).filter(() => rng.chance(0.35));
    return ['fever', ...(status === 'suspected' || rng.chance(0.8) ? (['cough'] as const) : []), ...extra.filter((c) => c !== 'cough')];
  }
  if (status === 'watching' && rng.chance(0.12)) return [rng.pick(['cough', 'headache', 'rash', 'other', 'fever'] as const)];
  return ['none'];
}

function observation(rng: Rng, outcome: Outcome, district: string): Pick<PersonRecord, 'observationMode' | 'observationPlace' | 'centralizedRoomNo'> {
  if (outcome.status === 'confirmed' || outcome.status === 'dead' || outcome.status === 'cured') {
    return { observationMode: 'centralized', observationPlace: rng.pick(HOSPITALS), centralizedRoomNo: null };
  }
  const centralized = outcome.status === 'suspected' ? rng.chance(0.7) : rng.chance(0.15);
  if (!centralized) return { observationMode: 'home', observationPlace: '居家', centralizedRoomNo: null };
  const place = `${district}${rng.pick(HOTELS)}集中隔离点`;
  return { observationMode: 'centralized', observationPlace: place, centralizedRoomNo: `${rng.int(2, 12)}${String(rng.int(1, 30)).padStart(2, '0')}` };
}

/** Builds the persons of one grid in order; state carries unique IDs and the forced outcomes across grids. */
export class PersonFactory {
  private readonly ids = new ResidentIds();
  private serial = 0;

  constructor(
    private readonly city: CityLayout,
    private readonly seed: number,
    private readonly now: Date,
  ) {}

  /** `count` persons living in `households` (all of grid `gridIndex`, starting at `offset` in the chunk). */
  forGrid(gridIndex: number, households: HouseholdRecord[], offset: number, count: number): PersonRecord[] {
    const rng = rngFor(this.seed, 'persons', gridIndex);
    const grid = gridsOf(this.city)[gridIndex];
    const worker = personName(rngFor(this.seed, 'worker', gridIndex), 'female');
    const out: PersonRecord[] = [];
    for (let k = 0; k < count; k++) {
      const outcome = this.serial < FORCED_OUTCOMES.length ? FORCED_OUTCOMES[this.serial] : drawOutcome(rng);
      this.serial++;
      const h = rng.int(0, households.length - 1);
      out.push(this.person(rng, outcome, grid.regionCode, worker, offset + h, households[h]));
    }
    return out;
  }

  private person(rng: Rng, outcome: Outcome, region: string, worker: string, household: number, home: HouseholdRecord): PersonRecord {
    const sex: Sex = rng.chance(0.5) ? 'male' : 'female';
    const frail = outcome.status === 'dead' || outcome.severity === 'critical' || (outcome.severity === 'severe' && rng.chance(0.6));
    const idRegion = rng.chance(0.5) ? region : rng.pick(DISTRICTS).code;
    const { id, birthDate } = this.ids.next(idRegion, birthDateFor(rng, drawAge(rng, frail), this.now), sex);
    const name = personName(rng, sex);
    const category = drawArrivalCategory(rng);
    const source: Source = rng.weighted(category === 'resident' ? RESIDENT_SOURCES : ARRIVAL_SOURCES);
    const { createdAt, events } = timeline(rng, outcome, this.now, SOURCE_REASONS[source]);
    const trip = arrival(rng, category, createdAt);
    const statusChangedAt = events[events.length - 1].at;
    const conditions = drawConditions(rng, outcome.status);
    const febrile = conditions.includes('fever');
    const obs = observation(rng, outcome, districtName(region));
    const coCount = rng.weighted([[0, 15], [1, 25], [2, 30], [3, 18], [4, 9], [5, 3]] as const);
    const confirmedEver = ['confirmed', 'cured', 'dead'].includes(outcome.status);
    const wuhan = category === 'resident' || rng.chance(0.4);
    const readingsEnd = TERMINAL.includes(outcome.status) ? statusChangedAt : this.now;
    return {
      household, grid: home.grid, point: home.point, address: home.address,
      name, idNumber: id, sex, birthDate, age: ageOn(birthDate, this.now),
      nativePlace: `${CITY.province}${CITY.name}${districtName(idRegion)}`,
      phone: mobile(rng), emergencyPhone: mobile(rng),
      conditions, conditionNote: conditions[0] === 'none' ? null : conditionNote(rng, conditions, febrile),
      postReleaseState: outcome.status === 'confirmed' ? 'centralized_treatment' : outcome.status === 'released' || outcome.status === 'cured' ? 'free' : null,
      isolationConfirmedAt: rng.chance(0.9) ? new Date(createdAt.getTime() + rng.int(30, 720) * 60_000) : null,
      observationStart: dateOf(createdAt),
      observationEnd: dateOf(new Date(createdAt.getTime() + 14 * DAY)),
      ...trip,
      wuhanHistory: wuhan,
      hubeiHistory: wuhan || rng.chance(0.3),
      contactWithExposed: source === 'close_contact' || rng.chance(SICK.includes(outcome.status) || confirmedEver ? 0.4 : 0.05),
      wildAnimalContact: rng.chance(0.01),
      wetMarketVisit: rng.chance(confirmedEver ? 0.15 : 0.04),
      infectionRoute: confirmedEver ? (trip.arrivalCategory === 'resident' ? rng.pick(['local_contact', 'cluster', 'unknown'] as const) : 'imported') : null,
      source,
      noticeSigned: rng.chance(0.93),
      homeGuideGiven: obs.observationMode === 'home' && rng.chance(0.9),
      enterpriseManaged: source === 'enterprise' || (trip.arrivalCategory === 'returning_worker' && rng.chance(0.3)),
      handoverPerson: rng.chance(0.6) ? worker : null,
      isolationStartEvidence: rng.chance(0.9) ? (obs.observationMode === 'home' ? '社区签发居家隔离告知书' : '集中隔离点入住登记表') : null,
      ...obs,
      housingType: rng.weighted(trip.arrivalCategory === 'returning_worker' ? WORKER_HOUSING : HOUSING),
      coResidentCount: coCount,
      coResidents: coResidents(rng, coCount, surnameOf(name)),
      inspectorAttendance: attendance(rng, createdAt, readingsEnd, worker),
      visitContact: rng.pick(['网格员每日电话随访', '社区医生上门随访', '微信群每日健康打卡', '三人小组上门随访']),
      releaseNoticeIssued: outcome.status === 'released',
      status: outcome.status, severity: outcome.severity, statusChangedAt, createdAt, events,
      temperatures: temperatures(rng, createdAt, readingsEnd, febrile && outcome.status !== 'released', worker),
    };
  }
}

function districtName(code: string): string {
  return DISTRICTS.find((d) => d.code === code)?.name ?? '';
}

function conditionNote(rng: Rng, conditions: Condition[], febrile: boolean): string {
  const labels = conditions.map((c) => SYMPTOM_LABELS[c]).join('、');
  return febrile ? `${labels}，最高体温${rng.float(37.5, 39.5).toFixed(1)}℃` : `自述${labels}`;
}

function attendance(rng: Rng, from: Date, to: Date, inspector: string): { name: string; at: string }[] {
  const days = Math.max(1, Math.min(3, Math.floor((to.getTime() - from.getTime()) / DAY)));
  // (the hour from the day's index, not the generator: the rest of the city stays as it was)
  return Array.from({ length: rng.int(0, days) }, (_, i) => ({
    name: inspector,
    at: `${dateOf(new Date(from.getTime() + (i + 1) * DAY))}T${String(9 + (i % 3)).padStart(2, '0')}:00:00+08:00`,
  }));
}

const RESIDENT_SOURCES: readonly (readonly [Source, number])[] = [
  ['grid_survey', 34], ['three_person_team', 18], ['self_declared', 14], ['close_contact', 12], ['cdc', 8],
  ['citizen_report', 5], ['doctor_survey', 5], ['enterprise', 2], ['other', 2],
];
const ARRIVAL_SOURCES: readonly (readonly [Source, number])[] = [
  ['checkpoint', 35], ['self_declared', 25], ['grid_survey', 15], ['enterprise', 12], ['cdc', 8], ['other', 5],
];
const HOUSING: readonly (readonly [PersonRecord['housingType'], number])[] = [
  ['owned', 58], ['rented', 28], ['dormitory', 5], ['hotel', 3], ['other', 6],
];
const WORKER_HOUSING: readonly (readonly [PersonRecord['housingType'], number])[] = [
  ['owned', 20], ['rented', 45], ['dormitory', 28], ['hotel', 4], ['other', 3],
];
