// Serves the built front-end apps (dashboard/dist: each app's HTML for its client-side routes, hashed
// assets with a long cache) and a fixed set of API docs files. A path from input is only ever resolved inside dist.
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type Koa from 'koa';
import { pageFor, preloadsFor } from '../../../dashboard/pages.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);

const root = resolve(import.meta.dirname, '../../..');
const swagger = resolve(root, 'node_modules/swagger-ui-dist');
export const DEFAULT_DIST = resolve(root, 'dashboard/dist');

/** API docs: URL → file on disk, exactly these. */
const API_FILES: Record<string, string> = {
  '/api/docs': resolve(import.meta.dirname, 'docs.html'),
  '/api/docs/swagger-ui.css': resolve(swagger, 'swagger-ui.css'),
  '/api/docs/swagger-ui-bundle.js': resolve(swagger, 'swagger-ui-bundle.js'),
  '/api/docs/favicon-32x32.png': resolve(swagger, 'favicon-32x32.png'),
  '/api/docs/init.js': resolve(import.meta.dirname, 'docs-init.js'),
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Dashboard not built</title>
<p>The dashboard has not been built. Run <code>npm run build:dashboard</code> (or <code>npm start</code>, which builds it).</p>`;

const gzip = promisify(gzipCb);

interface Cached {
  mtimeMs: number;
  body: Buffer;
  /** The gzip of body: the build's `<file>.gz` if it is as new as the file, else compressed once here (off the event loop). */
  gzip?: Promise<Buffer>;
  /** The HTML shell with preload links, by the list of URLs (see withPreloads). */
  variants?: Map<string, Cached>;
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The shell with the page's preloads as the last links of its head, after the app's own files:
 * the browser opens six connections to a host and gives them out in the order it finds requests,
 * so the code (the bigger downloads) starts first and the small answers take the remaining
 * connections. Sent first (as a `Link` header), they held up the code by another round trip.
 * `crossorigin`: the credentials mode of a plain same-origin fetch(), or the app's request for the
 * same URL would not take the preloaded answer.
 */
function withPreloads(shell: Cached, urls: string[]): Cached {
  const key = urls.join('\n');
  shell.variants ??= new Map();
  let variant = shell.variants.get(key);
  if (!variant) {
    const links = urls.map((u) => `<link rel="preload" as="fetch" crossorigin href="${attr(u)}">`).join('\n    ');
    const body = Buffer.from(shell.body.toString('utf8').replace('</head>', `  ${links}\n  </head>`));
    variant = { mtimeMs: shell.mtimeMs, body, gzip: gzip(body) };
    shell.variants.set(key, variant);
  }
  return variant;
}

/** The build writes `<file>.gz` next to each large asset (vite.config.ts): read it rather than compress 2 MB on a request. */
async function gzipOf(file: string, entry: Cached): Promise<Buffer> {
  const pre = await stat(`${file}.gz`).catch(() => undefined);
  if (pre?.isFile() && pre.mtimeMs >= entry.mtimeMs) return readFile(`${file}.gz`);
  return gzip(entry.body);
}

/** The file under `dir` that a URL path names, or undefined if it would leave `dir` or is hidden. */
export function resolveInside(dir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((part) => part.startsWith('.'))) return undefined;
  const file = resolve(dir, `.${decoded}`);
  return file.startsWith(dir + sep) ? file : undefined;
}

export interface StaticOptions {
  /** The built dashboard (default dashboard/dist); tests point it at a fixture. */
  dist?: string;
}

export function staticFiles(options: StaticOptions = {}): Koa.Middleware {
  const dist = resolve(options.dist ?? DEFAULT_DIST);
  const cache = new Map<string, Cached>();

  /** Reads a file (cached until its mtime changes); undefined when it is not a regular file. */
  async function load(file: string): Promise<Cached | undefined> {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === info.mtimeMs) return hit;
    const entry: Cached = { mtimeMs: info.mtimeMs, body: await readFile(file) };
    cache.set(file, entry);
    return entry;
  }

  async function send(ctx: Koa.Context, file: string, entry: Cached, cacheControl: string): Promise<void> {
    const ext = extname(file);
    ctx.type = TYPES[ext] ?? 'application/octet-stream';
    ctx.set('Cache-Control', cacheControl);
    ctx.vary('Accept-Encoding');
    if (COMPRESSIBLE.has(ext) && entry.body.length > 1024 && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      entry.gzip ??= gzipOf(file, entry);
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = await entry.gzip;
      return;
    }
    ctx.body = entry.body;
  }

  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const path = ctx.path;
    if (path === '/api' || path.startsWith('/api/')) {
      const file = API_FILES[path];
      const entry = file ? await load(file) : undefined;
      if (!file || !entry) return next();
      return send(ctx, file, entry, 'no-cache');
    }
    const file = path === '/' ? undefined : resolveInside(dist, path);
    const entry = file ? await load(file) : undefined;
    if (file && entry) {
      // Vite names assets by content hash: they never change under the same name.
      const immutable = path.startsWith('/assets/');
      return send(ctx, file, entry, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    }
    // A missing asset (or any path with an extension) is a 404, not the app shell.
    if (path.startsWith('/assets/') || extname(path)) return next();
    const index = resolve(dist, pageFor(path));
    const shell = await load(index);
    if (!shell) {
      ctx.status = 503;
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = NOT_BUILT;
      return;
    }
    const preloads = preloadsFor(path);
    return send(ctx, index, preloads.length ? withPreloads(shell, preloads) : shell, 'no-cache');
  };
}
