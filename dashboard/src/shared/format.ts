// Dates and times as read on a phone (the field and citizens' apps): short, numeric, in the phone's time zone, the
// same in both languages (MM-DD HH:mm; the year only when it is not this one). Built from the
// date's fields rather than with Intl.DateTimeFormat: its first formatter cost a throttled phone
// 65–140 ms of the task list's first screen (bench/field.ts, BENCH_PROFILE=1).

const pad = (n: number) => String(n).padStart(2, '0');

const toDate = (value: string | number | Date | null | undefined): Date | null => {
  if (value == null) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** YYYY-MM-DD of a local date (also the API's date filters). */
export function isoDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function formatTime(value: string | number | Date | null | undefined, now: Date = new Date()): string {
  const d = toDate(value);
  if (!d) return '';
  const day = d.getFullYear() === now.getFullYear() ? `${pad(d.getMonth() + 1)}-${pad(d.getDate())}` : isoDay(d);
  return `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDate(value: string | number | Date | null | undefined): string {
  const d = toDate(value);
  return d ? isoDay(d) : '';
}

/** A grid as lists show it: with its community, since grids are named 第1网格 in every community. */
export function gridLabel(grid: { name: string; communityName?: string | null } | null | undefined): string {
  if (!grid) return '—';
  return grid.communityName ? `${grid.communityName} ${grid.name}` : grid.name;
}
