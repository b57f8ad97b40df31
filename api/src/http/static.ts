// Serves a fixed set of files (the minimal dashboard page and the API docs assets); never a path from input.
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type Koa from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

const root = resolve(import.meta.dirname, '../../..');
const swagger = resolve(root, 'node_modules/swagger-ui-dist');

/** URL → file on disk: exactly these. */
const FILES: Record<string, string> = {
  '/': resolve(root, 'dashboard/index.html'),
  '/api/docs': resolve(import.meta.dirname, 'docs.html'),
  '/api/docs/swagger-ui.css': resolve(swagger, 'swagger-ui.css'),
  '/api/docs/swagger-ui-bundle.js': resolve(swagger, 'swagger-ui-bundle.js'),
  '/api/docs/favicon-32x32.png': resolve(swagger, 'favicon-32x32.png'),
};

export function staticFiles(): Koa.Middleware {
  const cache = new Map<string, Buffer>();
  return async (ctx, next) => {
    const file = ctx.method === 'GET' || ctx.method === 'HEAD' ? FILES[ctx.path] : undefined;
    if (!file) return next();
    let body = cache.get(file);
    if (!body) {
      body = await readFile(file);
      cache.set(file, body);
    }
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = body;
  };
}
