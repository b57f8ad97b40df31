// A scan of every response the test suite's servers give (issue 13): a clear resident ID number
// (18 characters with a valid check digit) or a clear mobile number in any answer outside the
// routes made to show them is recorded, and the test app refuses to close while one is recorded.
// JSON and text answers, workbooks (every cell, read back with exceljs as they stream out), vector
// tiles (their strings) and event streams (each event as it is written) are scanned.
import { Readable, Transform } from 'node:stream';
import type Koa from 'koa';
// exceljs itself, not api/src/excel/exceljs.ts: the harness loads this module first, and the
// reader's fix (for split Chinese characters) does not matter to a scan for digits.
import ExcelJS from 'exceljs';
import type { Principal } from '../auth/principal.ts';
import { parseResidentId } from '../persons/idnumber.ts';

/**
 * Routes whose purpose is to show clear values: the reveals (audited); the API's documentation and
 * the Excel templates (made-up examples); an import's error report (the uploader's own rows, sent
 * back to be corrected).
 */
const SHOWS_CLEAR = new Set([
  'POST /api/persons/:id/reveal', 'POST /api/reports/:id/reveal', 'GET /api/openapi.json',
  'GET /api/persons/template.xlsx', 'GET /api/users/template.xlsx', 'GET /api/persons/imports/:id/errors.xlsx',
]);
/** Exports show clear values to holders of person:reveal only (audited). */
const CLEAR_FOR_REVEAL = new Set(['GET /api/persons/export.xlsx', 'GET /api/reports/export.xlsx']);

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Scans of streamed workbooks still running: the app waits for them before it closes. */
export const pendingScans = new Set<Promise<void>>();

const ID = /(?<![0-9A-Za-z*.])(\d{17}[\dXx])(?![0-9A-Za-z])/g;
const PHONE = /(?<![0-9A-Za-z*.])(1[3-9]\d{9})(?![0-9A-Za-z])/g;

export interface Finding {
  route: string;
  status: number;
  kind: 'id number' | 'phone' | 'unreadable workbook';
  excerpt: string;
}

/** What a JSON text shows in clear. */
export function clearValues(text: string): { kind: Finding['kind']; value: string }[] {
  const out: { kind: Finding['kind']; value: string }[] = [];
  for (const m of text.matchAll(ID)) if (parseResidentId(m[1]).ok) out.push({ kind: 'id number', value: m[1] });
  for (const m of text.matchAll(PHONE)) out.push({ kind: 'phone', value: m[1] });
  return out;
}

/** Every cell of a workbook as text (exceljs's streaming reader, as the import reads uploads). */
async function workbookText(buf: Buffer): Promise<string> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buf]), { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'emit' });
  const parts: string[] = [];
  for await (const sheet of reader) {
    for await (const row of sheet as unknown as AsyncIterable<{ values: unknown[] }>) {
      for (const v of row.values) if (v != null) parts.push(typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
  }
  return parts.join('\n');
}

/** Middleware placed first: records clear values in the answers of routes not made to show them. */
export function responseScanner(findings: Finding[]): Koa.Middleware {
  const recorder = (route: string, status: number) => (text: string) => {
    for (const v of clearValues(text)) {
      const at = text.indexOf(v.value);
      findings.push({ route, status, kind: v.kind, excerpt: text.slice(Math.max(0, at - 60), at + v.value.length + 20) });
    }
  };
  return async (ctx, next) => {
    const routeOf = () => `${ctx.method} ${(ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? ctx.path}`;
    watchEventStream(ctx, () => recorder(routeOf(), ctx.status));
    await next();
    const body: unknown = ctx.body;
    if (body == null) return;
    const route = routeOf();
    if (SHOWS_CLEAR.has(route)) return;
    if (CLEAR_FOR_REVEAL.has(route) && (ctx.state.user as Principal | undefined)?.permissions.includes('person:reveal')) return;
    const status = ctx.status;
    const record = recorder(route, status);
    const isStream = typeof (body as { pipe?: unknown }).pipe === 'function';
    if (ctx.response.type === XLSX && (isStream || Buffer.isBuffer(body))) {
      // Read back what the client receives, as it passes.
      const chunks: Buffer[] = [];
      const scan = (buf: Buffer) => {
        // a workbook the scan cannot read is a finding too: a scan that silently read nothing proves nothing
        const p = workbookText(buf).then(record, (err: Error) => {
          findings.push({ route, status, kind: 'unreadable workbook', excerpt: err.message });
        }).finally(() => pendingScans.delete(p));
        pendingScans.add(p);
      };
      if (Buffer.isBuffer(body)) return scan(body);
      const tee = new Transform({
        transform(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb(null, chunk); },
        flush(cb) { scan(Buffer.concat(chunks)); cb(); },
      });
      (body as Readable).on('error', (err) => tee.destroy(err));
      ctx.body = (body as Readable).pipe(tee);
      return;
    }
    if (isStream) return; // event streams, files
    if (Buffer.isBuffer(body)) {
      // vector tiles keep their strings as UTF-8; photos and other binaries are not scanned
      if (ctx.response.type === 'application/vnd.mapbox-vector-tile') record(body.toString('utf8'));
      return;
    }
    record(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

/**
 * Event streams are written to the socket by their route (not through ctx.body): each complete
 * event (up to its blank line) is scanned as it is written, whatever the connection does after.
 */
function watchEventStream(ctx: Koa.Context, recorder: () => (text: string) => void): void {
  const res = ctx.res;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  let record: ((text: string) => void) | undefined;
  let pending = '';
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream') && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) {
      record ??= recorder();
      pending += chunk.toString();
      const end = pending.lastIndexOf('\n\n');
      if (end >= 0) {
        record(pending.slice(0, end));
        pending = pending.slice(end + 2);
      }
    }
    return write(chunk, ...rest);
  }) as typeof res.write;
}
