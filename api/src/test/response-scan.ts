// A scan of every response the test suite's servers give (issue 13): a clear resident ID number
// (18 characters with a valid check digit) or a clear mobile number in any JSON answer outside the
// routes made to show them is recorded, and the test app refuses to close while one is recorded.
// Workbooks, tiles and event streams are not JSON and are checked by their own tests.
import type Koa from 'koa';
import { parseResidentId } from '../persons/idnumber.ts';

/** Routes whose purpose is to show clear values (audited): the reveals; and the API's documentation (examples). */
const SHOWS_CLEAR = new Set(['POST /api/persons/:id/reveal', 'POST /api/reports/:id/reveal', 'GET /api/openapi.json']);

const ID = /(?<![0-9A-Za-z*.])(\d{17}[\dXx])(?![0-9A-Za-z])/g;
const PHONE = /(?<![0-9A-Za-z*.])(1[3-9]\d{9})(?![0-9A-Za-z])/g;

export interface Finding {
  route: string;
  status: number;
  kind: 'id number' | 'phone';
  excerpt: string;
}

/** What a JSON text shows in clear. */
export function clearValues(text: string): { kind: Finding['kind']; value: string }[] {
  const out: { kind: Finding['kind']; value: string }[] = [];
  for (const m of text.matchAll(ID)) if (parseResidentId(m[1]).ok) out.push({ kind: 'id number', value: m[1] });
  for (const m of text.matchAll(PHONE)) out.push({ kind: 'phone', value: m[1] });
  return out;
}

/** Middleware placed first: records clear values in JSON answers of routes not made to show them. */
export function responseScanner(findings: Finding[]): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    const body: unknown = ctx.body;
    if (body == null || Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function') return;
    const route = `${ctx.method} ${(ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? ctx.path}`;
    if (SHOWS_CLEAR.has(route)) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    for (const v of clearValues(text)) {
      const at = text.indexOf(v.value);
      findings.push({ route, status: ctx.status, kind: v.kind, excerpt: text.slice(Math.max(0, at - 60), at + v.value.length + 20) });
    }
  };
}
