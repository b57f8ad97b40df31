// COPY ... FROM STDIN text format: one line per row, tab-separated, \N for null.

/** A cell value; strings are escaped, Buffers become bytea hex, null/undefined become \N. */
export type CopyCell = string | number | boolean | Buffer | Date | null | undefined;

/** Escapes backslash, tab, newline and carriage return as COPY text format requires. */
export function escapeCopyText(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : s;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function encodeCell(v: CopyCell): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return escapeCopyText(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot COPY number ${v}`);
    return String(v);
  }
  if (v instanceof Date) return v.toISOString();
  // bytea hex input '\x..'; the backslash itself is escaped for the COPY layer.
  return '\\\\x' + v.toString('hex');
}

export function copyLine(cells: readonly CopyCell[]): string {
  let line = encodeCell(cells[0]);
  for (let i = 1; i < cells.length; i++) line += '\t' + encodeCell(cells[i]);
  return line + '\n';
}

/** Array literal {a,b} of text elements, quoting any element that needs it. */
export function textArray(items: readonly string[]): string {
  const quoted = items.map((s) => (/^[A-Za-z0-9_.-]+$/.test(s) && s.toUpperCase() !== 'NULL' ? s : `"${s.replace(/[\\"]/g, '\\$&')}"`));
  return `{${quoted.join(',')}}`;
}

/** jsonb input text (escaped by encodeCell like any string). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value);
}
