// The `datetime` parameter of OGC API – Features (17-069r4 §7.15.4): an RFC 3339 instant or an
// interval `start/end` whose open end is `..` or empty. Parsed here, applied in SQL (queries.ts).
// An instant covers the precision it is written with: a date its day, a date-time its second.

/** One end of the filter: an instant and the precision it was written with. */
export interface TimeBound {
  /** RFC 3339 text PostgreSQL reads as timestamptz (a bare date becomes its UTC midnight). */
  at: string;
  /** An interval literal: the instant covers `[at, at + span)`, e.g. a date its whole day. */
  span: string;
  /** Milliseconds since the epoch of `at` and of `at + span`, to check an interval's order. */
  ms: number;
  endMs: number;
}

/** Features whose time is at or after `from.at` and before `to.at + to.span`; no ends = any time. */
export interface TimeFilter {
  from?: TimeBound;
  to?: TimeBound;
}

// RFC 3339 date-time, plus ISO 8601 reduced precision: a bare date, and the forms GDAL's OAPIF
// driver writes for a -where on a date field (`2026-01-01T`, `2026-01-01T10Z`, `2026-01-01T10:30Z`).
// A time always needs its zone: a local time would be a guess.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](?:(\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?([Zz]|[+-]\d{2}:\d{2}))?)?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (year: number, month: number) => (month === 2 && isLeap(year) ? 29 : DAYS[month - 1]);

/** How long an instant lasts at the precision it is written with, as SQL and in milliseconds. */
function spanOf(hour: string | undefined, minute: string | undefined, second: string | undefined, frac: string): [string, number] {
  if (hour === undefined) return ['1 day', 86_400_000];
  if (minute === undefined) return ['1 hour', 3_600_000];
  if (second === undefined) return ['1 minute', 60_000];
  const digits = Math.min(frac.length - 1, 6); // PostgreSQL keeps microseconds
  return digits > 0 ? [`${10 ** -digits} seconds`, 10 ** (3 - digits)] : ['1 second', 1000];
}

/** An instant (see INSTANT) as a bound, or undefined when malformed or not a real date. */
export function parseInstant(text: string): TimeBound | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, hh, mi, ss, frac = '', zone = 'Z'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, hh ?? '0', mi ?? '0', ss ?? '0'].map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  // Second 60 is a leap second in RFC 3339; PostgreSQL and Date.UTC roll it into the next minute.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const [oh, om] = zone.slice(1).split(':').map(Number);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  utc.setUTCFullYear(year); // Date.UTC reads years 0–99 as 1900–1999
  const ms = utc.getTime() - offsetMinutes * 60_000 + Math.floor(Number(`0${frac || '.0'}`) * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const at = `${y}-${mo}-${d}T${pad(hour)}:${pad(minute)}:${pad(second)}${frac}${zone.toUpperCase()}`;
  const [span, spanMs] = spanOf(hh, mi, ss, frac);
  return { at, span, ms, endMs: ms + spanMs };
}

const OPEN = new Set(['..', '']);

/** The filter of a `datetime` value, or a message saying what is wrong with it. */
export function parseDatetime(value: string): TimeFilter | string {
  const parts = value.split('/');
  if (parts.length > 2) return 'must be an instant or one interval start/end';
  if (parts.length === 1) {
    const at = parseInstant(value);
    return at ? { from: at, to: at } : 'must be an RFC 3339 date-time such as 2026-01-01T00:00:00Z, or an interval';
  }
  const [start, end] = parts;
  const from = OPEN.has(start) ? undefined : parseInstant(start);
  const to = OPEN.has(end) ? undefined : parseInstant(end);
  if ((!OPEN.has(start) && !from) || (!OPEN.has(end) && !to)) {
    return 'each end of an interval must be an RFC 3339 date-time or .. (open)';
  }
  if (from && to && from.ms >= to.endMs) return 'the interval ends before it starts';
  return { from, to };
}
