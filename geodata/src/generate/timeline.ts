// Each person's path to their current status: the 'created' and 'status' events, and temperatures.
import type { Rng } from './prng.ts';

export type Status = 'watching' | 'suspected' | 'confirmed' | 'cured' | 'dead' | 'released' | 'closed';
export type Severity = 'mild' | 'severe' | 'critical';

export interface Outcome {
  status: Status;
  severity: Severity | null;
}

export const STATUSES: readonly Status[] = ['watching', 'suspected', 'confirmed', 'cured', 'dead', 'released', 'closed'];

/** The first persons of a city take these outcomes, so even the smallest city shows every status. */
export const FORCED_OUTCOMES: readonly Outcome[] = [
  { status: 'watching', severity: null },
  { status: 'suspected', severity: null },
  { status: 'confirmed', severity: 'mild' },
  { status: 'confirmed', severity: 'severe' },
  { status: 'confirmed', severity: 'critical' },
  { status: 'cured', severity: null },
  { status: 'dead', severity: null },
  { status: 'released', severity: null },
  { status: 'closed', severity: null },
];

const OUTCOME_WEIGHTS: readonly (readonly [Outcome, number])[] = [
  [{ status: 'watching', severity: null }, 62],
  [{ status: 'suspected', severity: null }, 7],
  [{ status: 'confirmed', severity: 'mild' }, 5.5],
  [{ status: 'confirmed', severity: 'severe' }, 2.5],
  [{ status: 'confirmed', severity: 'critical' }, 1],
  [{ status: 'cured', severity: null }, 6],
  [{ status: 'dead', severity: null }, 0.6],
  [{ status: 'released', severity: null }, 12.4],
  [{ status: 'closed', severity: null }, 3],
];

export function drawOutcome(rng: Rng): Outcome {
  return rng.weighted(OUTCOME_WEIGHTS);
}

export interface EventRecord {
  kind: 'created' | 'status';
  at: Date;
  fromStatus: Status | null;
  toStatus: Status;
  fromSeverity: Severity | null;
  toSeverity: Severity | null;
  reason: string;
}

const REASONS = {
  suspected: ['出现发热症状，转为疑似病例', '发热伴干咳，送发热门诊留观', 'CT影像提示病毒性肺炎，列为疑似病例'],
  confirmed: ['核酸检测阳性，确诊', '两次核酸检测阳性，确诊', '临床诊断病例，确诊'],
  severe: ['病情加重，转为重症', '呼吸困难加重，转为重症'],
  critical: ['血氧饱和度持续下降，转为危重症', '转入ICU救治，危重症'],
  cured: ['连续两次核酸检测阴性，治愈出院', '症状消失，核酸转阴，治愈出院'],
  dead: ['经全力抢救无效死亡'],
  released: ['医学观察期满14天，无异常，解除观察'],
  closed: ['重复登记，予以关闭', '信息核实有误，予以关闭', '已离开本辖区，转出关闭'],
} as const;

interface Leg {
  to: Outcome;
  hours: readonly [number, number];
  reasons: readonly string[];
}

const WATCHING: Outcome = { status: 'watching', severity: null };
const SUSPECTED: Outcome = { status: 'suspected', severity: null };
const confirmed = (severity: Severity): Outcome => ({ status: 'confirmed', severity });
const plain = (status: Status): Outcome => ({ status, severity: null });

/** From registration to a confirmed case of `target` severity, worsening step by step. */
function toConfirmed(rng: Rng, target: Severity): { start: Outcome; legs: Leg[] } {
  const start = rng.chance(0.5) ? WATCHING : SUSPECTED;
  const legs: Leg[] = start === WATCHING ? [{ to: SUSPECTED, hours: [12, 72], reasons: REASONS.suspected }] : [];
  const order: Severity[] = ['mild', 'severe', 'critical'];
  let first = target === 'mild' ? 'mild' : rng.chance(0.5) ? order[order.indexOf(target) - 1] : target;
  legs.push({ to: confirmed(first), hours: [12, 72], reasons: REASONS.confirmed });
  while (first !== target) {
    first = order[order.indexOf(first) + 1];
    legs.push({ to: confirmed(first), hours: [24, 96], reasons: REASONS[first as 'severe' | 'critical'] });
  }
  return { start, legs };
}

function pathTo(rng: Rng, outcome: Outcome): { start: Outcome; legs: Leg[] } {
  switch (outcome.status) {
    case 'watching':
      return { start: WATCHING, legs: [] };
    case 'suspected':
      return rng.chance(0.3)
        ? { start: SUSPECTED, legs: [] }
        : { start: WATCHING, legs: [{ to: SUSPECTED, hours: [12, 96], reasons: REASONS.suspected }] };
    case 'confirmed':
      return toConfirmed(rng, outcome.severity ?? 'mild');
    case 'cured': {
      const path = toConfirmed(rng, rng.chance(0.75) ? 'mild' : 'severe');
      path.legs.push({ to: plain('cured'), hours: [168, 336], reasons: REASONS.cured });
      return path;
    }
    case 'dead': {
      const path = toConfirmed(rng, 'critical');
      path.legs.push({ to: plain('dead'), hours: [48, 240], reasons: REASONS.dead });
      return path;
    }
    case 'released':
      return { start: WATCHING, legs: [{ to: plain('released'), hours: [336, 360], reasons: REASONS.released }] };
    case 'closed':
      return { start: WATCHING, legs: [{ to: plain('closed'), hours: [2, 72], reasons: REASONS.closed }] };
  }
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Every person was registered within this many hours before the reference time. */
const WINDOW_HOURS = 27 * 24;

export interface Timeline {
  createdAt: Date;
  events: EventRecord[];
}

/** Strictly increasing events ending at the outcome, all within the four weeks before `now`. */
export function timeline(rng: Rng, outcome: Outcome, now: Date, createdReason: string): Timeline {
  const { start, legs } = pathTo(rng, outcome);
  const gaps = legs.map((leg) => Math.round(rng.float(leg.hours[0], leg.hours[1]) * 60) * MINUTE);
  const total = gaps.reduce((a, b) => a + b, 0);
  const slack = legs.length === 0 ? rng.float(2, 13 * 24) : rng.float(1, Math.max(1, WINDOW_HOURS - total / HOUR));
  const createdAt = new Date(Math.floor((now.getTime() - total - slack * HOUR) / MINUTE) * MINUTE);
  const events: EventRecord[] = [
    { kind: 'created', at: createdAt, fromStatus: null, toStatus: start.status, fromSeverity: null, toSeverity: start.severity, reason: createdReason },
  ];
  let at = createdAt.getTime();
  let from = start;
  legs.forEach((leg, i) => {
    at += gaps[i];
    events.push({
      kind: 'status', at: new Date(at), fromStatus: from.status, toStatus: leg.to.status,
      fromSeverity: from.severity, toSeverity: leg.to.severity, reason: rng.pick(leg.reasons),
    });
    from = leg.to;
  });
  return { createdAt, events };
}

export interface TemperatureRecord {
  kind: 'self' | 'measured';
  celsius: number;
  measuredBy: string | null;
  takenAt: Date;
  recordedAt: Date;
}

/** One to four readings between `from` and `to`; febrile persons read 37.3-39.5, others 36.0-37.2. */
export function temperatures(rng: Rng, from: Date, to: Date, febrile: boolean, worker: string): TemperatureRecord[] {
  const n = rng.int(1, 4);
  const span = Math.max(MINUTE, to.getTime() - from.getTime());
  const times = Array.from({ length: n }, () => from.getTime() + Math.floor((rng.next() * span) / MINUTE) * MINUTE).sort((a, b) => a - b);
  return times.map((t) => {
    const measured = rng.chance(0.45);
    const fever = febrile && rng.chance(0.8);
    const celsius = Math.round((fever ? rng.float(37.3, 39.5) : rng.float(36.0, 37.2)) * 10) / 10;
    return {
      kind: measured ? 'measured' : 'self',
      celsius,
      measuredBy: measured ? worker : null,
      takenAt: new Date(t),
      recordedAt: new Date(Math.min(to.getTime(), t + rng.int(0, 30) * MINUTE)),
    };
  });
}
