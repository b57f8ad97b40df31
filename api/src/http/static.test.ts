// The dashboard's static serving: SPA shell for app routes, hashed assets with a long cache,
// 404 for unknown API paths and missing assets, nothing outside dist.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside, staticFiles } from './static.ts';

const base = mkdtempSync(join(tmpdir(), 'gec-static-'));
const dist = join(base, 'dist');
mkdirSync(join(dist, 'assets'), { recursive: true });
writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="app"></div>');
writeFileSync(join(dist, 'assets', 'main-abc123.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
writeFileSync(join(base, 'secret.txt'), 'outside dist');

let server: ReturnType<Koa['listen']>;
let url = '';

beforeAll(async () => {
  const app = new Koa();
  app.use(staticFiles({ dist }));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: { code: 'not_found' } };
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('dashboard static serving', () => {
  it('serves the app shell for / and for SPA routes, not cached', async () => {
    for (const path of ['/', '/command', '/m', '/persons/12', '/login']) {
      const res = await fetch(url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  it('serves hashed assets with a long immutable cache, gzipped when asked', async () => {
    const res = await fetch(`${url}/assets/main-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toContain('console.log');
  });

  it('answers 404 for unknown API paths and missing assets instead of the shell', async () => {
    expect((await fetch(`${url}/api/nope`)).status).toBe(404);
    expect((await fetch(`${url}/assets/missing-000.js`)).status).toBe(404);
    expect((await fetch(`${url}/favicon.ico`)).status).toBe(404);
  });

  it('never serves a file outside dist', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%5csecret.txt']) {
      const res = await fetch(url + path);
      expect(await res.text(), path).not.toContain('outside dist');
    }
    expect(resolveInside(dist, '/../secret.txt')).toBeUndefined();
    expect(resolveInside(dist, '/%2e%2e/secret.txt')).toBeUndefined();
    expect(resolveInside(dist, '/.env')).toBeUndefined();
    expect(resolveInside(dist, '/assets/main-abc123.js')).toBe(join(dist, 'assets', 'main-abc123.js'));
  });

  it('still serves the API docs page', async () => {
    const res = await fetch(`${url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});
