// Dates and times as a worker reads them on a phone: short, in the phone's time zone. Formatters
// are made once per language: building an Intl formatter per row cost a slow phone ~15 ms a row.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, kind: 'time' | 'timeWithYear' | 'date'): Intl.DateTimeFormat {
  const key = `${locale}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'date'
        ? { year: 'numeric', month: '2-digit', day: '2-digit' }
        : { year: kind === 'timeWithYear' ? 'numeric' : undefined, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false };
    formatters.set(key, (f = new Intl.DateTimeFormat(locale, opts)));
  }
  return f;
}

const toDate = (value: string | number | Date | null | undefined): Date | null => {
  if (value == null) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
};

export function formatTime(value: string | number | Date | null | undefined, locale: string): string {
  const d = toDate(value);
  if (!d) return '';
  return formatter(locale, d.getFullYear() === new Date().getFullYear() ? 'time' : 'timeWithYear').format(d);
}

export function formatDate(value: string | number | Date | null | undefined, locale: string): string {
  const d = toDate(value);
  return d ? formatter(locale, 'date').format(d) : '';
}

/** YYYY-MM-DD of a local date (the API's date filters). */
export function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
