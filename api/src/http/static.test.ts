// The front-end apps' static serving: each app's HTML for its client-side routes, hashed assets with a long cache,
// 404 for unknown API paths and missing assets, nothing outside dist.
import { mkdtempSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside, staticFiles } from './static.ts';

const base = mkdtempSync(join(tmpdir(), 'gec-static-'));
const dist = join(base, 'dist');
mkdirSync(join(dist, 'assets'), { recursive: true });
for (const [file, app] of [['index.html', 'signin'], ['command.html', 'command'], ['field.html', 'field'], ['admin.html', 'admin'], ['citizen.html', 'citizen']]) {
  writeFileSync(join(dist, file), `<!doctype html><head><title>${app}</title></head><div id="app" data-app="${app}"></div>`);
}
mkdirSync(join(dist, 'field'));
writeFileSync(join(dist, 'field', 'sw.js'), 'self.addEventListener("fetch", () => {});');
writeFileSync(join(dist, 'assets', 'main-abc123.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
writeFileSync(join(base, 'secret.txt'), 'outside dist');
// A chunk with the build's precompressed twin (its content marked, to tell which one was sent)…
writeFileSync(join(dist, 'assets', 'map-def456.js'), `console.log(${JSON.stringify('y'.repeat(4000))});`);
writeFileSync(join(dist, 'assets', 'map-def456.js.gz'), gzipSync(`console.log(${JSON.stringify('y'.repeat(4000))}, 'precompressed');`));
// …and one whose .gz is older than the file (a rebuild that did not rewrite it): never sent.
writeFileSync(join(dist, 'assets', 'old-0a0a0a.js'), `console.log(${JSON.stringify('z'.repeat(4000))});`);
writeFileSync(join(dist, 'assets', 'old-0a0a0a.js.gz'), gzipSync('stale'));
utimesSync(join(dist, 'assets', 'old-0a0a0a.js.gz'), new Date(2020, 0, 1), new Date(2020, 0, 1));

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
  it('answers each app\'s routes with that app\'s HTML, not cached; the sign-in page for / and unknown paths', async () => {
    const routes: [string, string][] = [
      ['/', 'signin'], ['/login', 'signin'], ['/nowhere', 'signin'],
      ['/command', 'command'], ['/m', 'command'], ['/persons/12', 'command'],
      ['/field', 'field'], ['/field/', 'field'], ['/field/tasks/3', 'field'], ['/fieldwork', 'signin'],
      ['/admin', 'admin'], ['/admin/boundaries/import', 'admin'],
      ['/c', 'citizen'], ['/c/', 'citizen'], ['/c/login', 'citizen'], ['/c/reports/7', 'citizen'], ['/cx', 'signin'],
    ];
    for (const [path, app] of routes) {
      const res = await fetch(url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text(), path).toContain(`data-app="${app}"`);
    }
  });

  it('preloads the field app\'s first answers on its task list only, after the app\'s own files', async () => {
    const preloads = (html: string) => [...html.matchAll(/<link rel="preload" as="fetch" crossorigin href="([^"]+)">/g)].map((m) => m[1]);
    for (const path of ['/field', '/field/', '/field/tasks']) {
      const html = await (await fetch(url + path, { headers: { 'accept-encoding': 'gzip' } })).text();
      expect(preloads(html), path).toEqual(['/api/auth/me', '/api/tasks?mine=true&amp;state=open&amp;pageSize=100']);
      expect(html.indexOf('rel="preload"'), path).toBeLessThan(html.indexOf('</head>'));
    }
    for (const path of ['/field/persons', '/field/tasks/3', '/command', '/']) {
      expect(preloads(await (await fetch(url + path)).text()), path).toEqual([]);
    }
  });

  it('serves the field app\'s service worker from its scope, revalidated on every load', async () => {
    const res = await fetch(`${url}/field/sw.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves hashed assets with a long immutable cache, gzipped when asked', async () => {
    const res = await fetch(`${url}/assets/main-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toContain('console.log');
  });

  it('sends the build\'s precompressed .gz when it is as new as the file, and compresses otherwise', async () => {
    const pre = await fetch(`${url}/assets/map-def456.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(pre.headers.get('content-encoding')).toBe('gzip');
    expect(await pre.text()).toContain('precompressed');
    const stale = await fetch(`${url}/assets/old-0a0a0a.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(stale.headers.get('content-encoding')).toBe('gzip');
    const text = await stale.text();
    expect(text).toContain('zzzz');
    expect(text).not.toContain('stale');
    const plain = await fetch(`${url}/assets/map-def456.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).not.toContain('precompressed');
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
