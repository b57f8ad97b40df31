// The deployment's basemap: what the dashboard is told to draw under its layers, and the PMTiles
// archive served from disk in the byte ranges a PMTiles reader asks for (RFC 9110 §14).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type Koa from 'koa';
import type { MapConfig } from '../config.ts';
import { notFound } from '../http/errors.ts';

/** URL of the PMTiles archive; the dashboard reads it with Range requests. */
export const PMTILES_URL = '/api/map/basemap.pmtiles';

const NO_MAP: MapConfig = { basemap: null, gcj02: false };

/** The basemap as the dashboard sees it: never a path on the server. */
export function mapConfigView(config: MapConfig | undefined) {
  const { basemap, gcj02 } = config ?? NO_MAP;
  if (!basemap) return { basemap: null, gcj02 };
  if (basemap.type === 'xyz') return { basemap: { type: 'xyz' as const, url: basemap.url, attribution: basemap.attribution }, gcj02 };
  return { basemap: { type: 'pmtiles' as const, url: PMTILES_URL, attribution: basemap.attribution }, gcj02 };
}

export type RangeRequest = { start: number; end: number } | 'unsatisfiable' | null;

/**
 * The one byte range of a Range header for a file of `size` bytes: inclusive start and end, null
 * for no (or a multi-range, or a non-byte) request, which gets the whole file.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!m) return null;
  if (m[1].includes(',')) return null;
  const spec = /^(\d*)-(\d*)$/.exec(m[1].trim());
  if (!spec || (spec[1] === '' && spec[2] === '')) return 'unsatisfiable';
  if (spec[1] === '') {
    const suffix = Number(spec[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(spec[1]);
  const end = spec[2] === '' ? size - 1 : Math.min(Number(spec[2]), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** A strong validator from size and modification time: a replaced archive gets a new one. */
const etagOf = (size: number, mtimeMs: number) => `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;

/** Writes the archive, or the requested range of it, to the response (HEAD: headers only). */
export async function sendPmtiles(ctx: Koa.Context, config: MapConfig | undefined): Promise<void> {
  const basemap = config?.basemap;
  if (basemap?.type !== 'pmtiles') throw notFound('basemap');
  const file = await stat(basemap.path).catch(() => null);
  if (!file?.isFile()) throw notFound('basemap');
  const etag = etagOf(file.size, file.mtimeMs);
  ctx.set('Accept-Ranges', 'bytes');
  ctx.set('ETag', etag);
  ctx.set('Last-Modified', file.mtime.toUTCString());
  // Authenticated content: cached by the browser only, revalidated by ETag after an hour.
  ctx.set('Cache-Control', 'private, max-age=3600');
  ctx.type = 'application/vnd.pmtiles';
  const ifRange = ctx.get('If-Range');
  const range = ifRange && ifRange !== etag ? null : parseRange(ctx.get('Range') || undefined, file.size);
  ctx.status = 200; // Koa compares validators (ctx.fresh) only for a successful status
  if (range === null && ctx.fresh) {
    ctx.status = 304;
    return;
  }
  if (range === 'unsatisfiable') {
    ctx.set('Content-Range', `bytes */${file.size}`);
    ctx.status = 416;
    ctx.body = { error: { code: 'range_not_satisfiable', message: `the range is not within the ${file.size} bytes of the basemap`, field: 'Range' } };
    return;
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  ctx.status = range ? 206 : 200;
  if (range) ctx.set('Content-Range', `bytes ${start}-${end}/${file.size}`);
  if (ctx.method !== 'HEAD' && end >= start) ctx.body = createReadStream(basemap.path, { start, end });
  ctx.length = end - start + 1;
}
