// Basemap configuration (env validation, /api/map/config) and the PMTiles archive served with Range.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { mapConfigView, parseRange } from './service.ts';

const dir = mkdtempSync(join(tmpdir(), 'gec-map-'));
// Letters after the magic, so the harness (which reads bodies as text, JSON if it parses) can compare bytes.
const CONTENT = `PMTiles${'abcdefghij'.repeat(100)}`;
const SIZE = CONTENT.length;
const archive = join(dir, 'basemap.pmtiles');
writeFileSync(archive, CONTENT);

const env = (vars: Record<string, string>) => ({ DATA_DIR: join(dir, 'data'), ...vars });
const TIANDITU = 'https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=abc';

describe('basemap configuration', () => {
  it('defaults to no basemap in WGS-84', () => {
    expect(loadConfig(env({})).map).toEqual({ basemap: null, gcj02: false });
  });

  it('takes an XYZ/WMTS template or a PMTiles archive, an attribution and the GCJ-02 flag', () => {
    expect(loadConfig(env({ BASEMAP_URL: TIANDITU, BASEMAP_GCJ02: 'true', BASEMAP_ATTRIBUTION: '天地图' })).map).toEqual({
      basemap: { type: 'xyz', url: TIANDITU, attribution: '天地图' },
      gcj02: true,
    });
    expect(loadConfig(env({ BASEMAP_PMTILES: archive })).map).toEqual({ basemap: { type: 'pmtiles', path: archive, attribution: '' }, gcj02: false });
  });

  it('refuses a bad basemap naming the variable', () => {
    const notPmtiles = join(dir, 'not.pmtiles');
    writeFileSync(notPmtiles, 'PK\x03\x04 a zip file');
    const folder = join(dir, 'folder.pmtiles');
    mkdirSync(folder, { recursive: true });
    const cases: [Record<string, string>, RegExp][] = [
      [{ BASEMAP_URL: 'ftp://tiles.example/{z}/{x}/{y}.png' }, /BASEMAP_URL: must be an http\(s\) URL/],
      [{ BASEMAP_URL: 'https://tiles.example/{z}/{x}.png' }, /BASEMAP_URL: must contain \{z\}, \{x\} and \{y\}/],
      [{ BASEMAP_URL: TIANDITU, BASEMAP_PMTILES: archive }, /BASEMAP_PMTILES: set BASEMAP_URL or BASEMAP_PMTILES, not both/],
      [{ BASEMAP_PMTILES: join(dir, 'missing.pmtiles') }, /BASEMAP_PMTILES: cannot read the file: ENOENT/],
      [{ BASEMAP_PMTILES: notPmtiles }, /BASEMAP_PMTILES: not a PMTiles archive/],
      [{ BASEMAP_PMTILES: folder }, /BASEMAP_PMTILES: not a file/],
      [{ BASEMAP_GCJ02: 'yes' }, /BASEMAP_GCJ02:/],
    ];
    for (const [vars, message] of cases) expect(() => loadConfig(env(vars)), JSON.stringify(vars)).toThrow(message);
  });

  it('never shows the dashboard a path on the server', () => {
    expect(mapConfigView({ basemap: { type: 'pmtiles', path: archive, attribution: '© OSM' }, gcj02: true })).toEqual({
      basemap: { type: 'pmtiles', url: '/api/map/basemap.pmtiles', attribution: '© OSM' },
      gcj02: true,
    });
    expect(mapConfigView(undefined)).toEqual({ basemap: null, gcj02: false });
  });
});

describe('Range parsing', () => {
  it('reads one byte range, clamps the end, refuses what lies outside', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=50-1000', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=0-1,5-9', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
    for (const bad of ['bytes=100-', 'bytes=9-5', 'bytes=-0', 'bytes=-', 'bytes=a-b']) expect(parseRange(bad, 100), bad).toBe('unsatisfiable');
  });
});

describe('GET /api/map/basemap.pmtiles', () => {
  let t: TestApp;
  let plain: TestApp;
  let f: Fixture;
  let user: Client;
  const URL = '/api/map/basemap.pmtiles';

  beforeAll(async () => {
    t = await createTestApp({ map: { basemap: { type: 'pmtiles', path: archive, attribution: '© 测试' }, gcj02: true } });
    plain = await createTestApp();
    f = await createFixture(t.app.db.ownerPool, 'map');
    user = await t.login(`${f.prefix}gridworker`);
  });
  afterAll(async () => {
    await t?.close();
    await plain?.close();
  });

  it('tells any signed-in user the basemap', async () => {
    expect((await t.client().get('/api/map/config')).status).toBe(401);
    const r = await user.get('/api/map/config');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ basemap: { type: 'pmtiles', url: URL, attribution: '© 测试' }, gcj02: true });
    const none = await (await plain.login(`${f.prefix}commander`)).get('/api/map/config');
    expect(none.body).toEqual({ basemap: null, gcj02: false });
  });

  it('serves the whole archive, and byte ranges with 206', async () => {
    expect((await t.client().get(URL)).status).toBe(401);
    const all = await user.get(URL);
    expect(all.status).toBe(200);
    expect(all.body).toBe(CONTENT);
    expect(all.headers.get('accept-ranges')).toBe('bytes');
    expect(all.headers.get('content-length')).toBe(String(SIZE));
    expect(all.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    const cases: [string, number, number][] = [['bytes=0-6', 0, 6], ['bytes=100-199', 100, 199], ['bytes=1000-', 1000, SIZE - 1], ['bytes=-5', SIZE - 5, SIZE - 1], ['bytes=990-5000', 990, SIZE - 1]];
    for (const [range, start, end] of cases) {
      const r = await user.request('GET', URL, undefined, { range });
      expect(r.status, range).toBe(206);
      expect(r.body, range).toBe(CONTENT.slice(start, end + 1));
      expect(r.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${SIZE}`);
      expect(r.headers.get('content-length'), range).toBe(String(end - start + 1));
    }
  });

  it('answers 416 to a range outside the archive', async () => {
    for (const range of [`bytes=${SIZE}-`, 'bytes=50-10', 'bytes=x-y']) {
      const r = await user.request('GET', URL, undefined, { range });
      expect(r.status, range).toBe(416);
      expect(r.headers.get('content-range'), range).toBe(`bytes */${SIZE}`);
    }
  });

  it('answers HEAD with the headers only, and revalidates by ETag', async () => {
    const head = await user.request('HEAD', URL);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(SIZE));
    expect(head.body).toBeUndefined();
    const part = await user.request('HEAD', URL, undefined, { range: 'bytes=0-6' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-length')).toBe('7');
    expect(part.headers.get('content-range')).toBe(`bytes 0-6/${SIZE}`);
    const etag = head.headers.get('etag')!;
    // (fetch would add Cache-Control: no-cache to a conditional request; a browser revalidates with max-age=0)
    expect((await user.request('GET', URL, undefined, { 'if-none-match': etag, 'cache-control': 'max-age=0' })).status).toBe(304);
    // A range of an archive that has changed since (another ETag) is the whole new archive.
    const stale = await user.request('GET', URL, undefined, { range: 'bytes=0-6', 'if-range': '"0-0"' });
    expect(stale.status).toBe(200);
    expect(stale.body).toBe(CONTENT);
    expect((await user.request('GET', URL, undefined, { range: 'bytes=0-6', 'if-range': etag })).status).toBe(206);
  });

  it('is not found without a PMTiles basemap', async () => {
    const r = await (await plain.login(`${f.prefix}commander`)).get(URL);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});
