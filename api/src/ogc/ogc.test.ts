import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../auth/seed.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
const idsA: number[] = [];
const idsB: number[] = [];

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'ogc');
  const a = await t.login(`${f.prefix}gridworker`);
  const b = await t.login(`${f.prefix}gridworker2`);
  for (let i = 0; i < 5; i++) {
    const at = { lon: f.points.gridA.lon + i * 0.001, lat: f.points.gridA.lat };
    const r = await a.post('/api/households', { location: at, address: `东一社区人民路${i + 1}号3栋2单元50${i}` });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    idsA.push(r.body.id);
  }
  for (let i = 0; i < 3; i++) {
    const r = await b.post('/api/households', { location: f.points.gridB, address: `东一社区解放路${i + 1}号` });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    idsB.push(r.body.id);
  }
});
afterAll(() => t?.close());

/** Follows `next` links from the first page; returns every feature id in order and the pages. */
async function walk(c: Client, path: string): Promise<{ ids: number[]; pages: any[] }> {
  const ids: number[] = [];
  const pages: any[] = [];
  let url: string | undefined = path;
  while (url) {
    const r: { status: number; body: any; headers: Headers } = await c.get(url);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    pages.push(r.body);
    ids.push(...r.body.features.map((x: any) => x.id));
    const next: { href: string } | undefined = r.body.links.find((l: any) => l.rel === 'next');
    url = next ? new URL(next.href).pathname + new URL(next.href).search : undefined;
    expect(pages.length).toBeLessThan(50);
  }
  return { ids, pages };
}

function expectValidFeature(feat: any, geometryType: string) {
  expect(feat.type).toBe('Feature');
  expect(Number.isInteger(feat.id)).toBe(true);
  expect(feat.geometry.type).toBe(geometryType);
  expect(Array.isArray(feat.geometry.coordinates)).toBe(true);
  expect(typeof feat.properties).toBe('object');
}

describe('OGC API – Features', () => {
  it('serves landing page, conformance and the collections the caller may read', async () => {
    const c = await t.login(`${f.prefix}commander`);
    const landing = await c.get('/api/ogc');
    expect(landing.status).toBe(200);
    const rels = Object.fromEntries(landing.body.links.map((l: any) => [l.rel, l]));
    expect(new URL(rels['service-desc'].href).pathname).toBe('/api/openapi.json');
    expect(new URL(rels.conformance.href).pathname).toBe('/api/ogc/conformance');
    expect(new URL(rels.data.href).pathname).toBe('/api/ogc/collections');
    const conf = await c.get('/api/ogc/conformance');
    expect(conf.body.conformsTo).toEqual(expect.arrayContaining([
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
    ]));
    const cols = await c.get('/api/ogc/collections');
    const ids = cols.body.collections.map((x: any) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['grids', 'households']));
    const grids = cols.body.collections.find((x: any) => x.id === 'grids');
    expect(grids.links.find((l: any) => l.rel === 'items').type).toBe('application/geo+json');
    expect(grids.extent.spatial.bbox[0]).toHaveLength(4);
    expect((await c.get('/api/ogc/collections/households')).body.id).toBe('households');
    expect((await c.get('/api/ogc/collections/nope')).status).toBe(404);
    expect((await t.client().get('/api/ogc/collections')).status).toBe(401);
  });

  it('walks a collection with `next` links, every feature exactly once', async () => {
    const c = await t.login(`${f.prefix}commander`);
    const { ids, pages } = await walk(c, '/api/ogc/collections/households/items?limit=3');
    expect(pages).toHaveLength(3);
    expect(ids).toHaveLength(new Set(ids).size);
    expect([...ids].sort((x, y) => x - y)).toEqual([...idsA, ...idsB].sort((x, y) => x - y));
    for (const p of pages) {
      expect(p.type).toBe('FeatureCollection');
      expect(p.numberMatched).toBe(8);
      expect(p.numberReturned).toBe(p.features.length);
      expect(Date.parse(p.timeStamp)).not.toBeNaN();
      expect(p.links.find((l: any) => l.rel === 'self')).toBeDefined();
      for (const feat of p.features) {
        expectValidFeature(feat, 'Point');
        expect(feat.properties.address).toMatch(/\*\*\*\*$/); // commander may not reveal
      }
    }
    const grids = await walk(c, '/api/ogc/collections/grids/items?limit=1');
    expect(grids.ids.sort()).toEqual([f.nodes.gridA, f.nodes.gridB, f.nodes.gridC].sort());
    for (const p of grids.pages) for (const feat of p.features) expectValidFeature(feat, 'MultiPolygon');
    const one = await c.get(`/api/ogc/collections/grids/items/${f.nodes.gridB}`);
    expect(one.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expectValidFeature(one.body, 'MultiPolygon');
    expect(one.body.properties.name).toBe('第二网格');
  });

  it('limits items to the caller\'s jurisdiction, by cookie or bearer token', async () => {
    const login = await fetch(`${t.baseUrl}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `${f.prefix}gridworker`, password: DEMO_PASSWORD }),
    });
    const token = /gec_session=([^;]+)/.exec(login.headers.getSetCookie().join('; '))![1];
    const bearer = async (path: string) => {
      const r = await fetch(`${t.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: r.status, body: (await r.json()) as any };
    };
    const hh = await bearer('/api/ogc/collections/households/items?limit=1000');
    expect(hh.status).toBe(200);
    expect(hh.body.features.map((x: any) => x.id).sort()).toEqual([...idsA].sort());
    expect(hh.body.numberMatched).toBe(5);
    expect(hh.body.links.some((l: any) => l.rel === 'next')).toBe(false);
    expect(hh.body.features[0].properties.address).not.toMatch(/\*\*\*\*$/); // grid workers may reveal
    const grids = await bearer('/api/ogc/collections/grids/items');
    expect(grids.body.features.map((x: any) => x.id)).toEqual([f.nodes.gridA]);
    expect((await bearer(`/api/ogc/collections/households/items/${idsB[0]}`)).status).toBe(404);
    expect((await bearer(`/api/ogc/collections/grids/items/${f.nodes.gridB}`)).status).toBe(404);
    expect((await bearer(`/api/ogc/collections/households/items/${idsA[0]}`)).status).toBe(200);
    // bbox around grid B only: nothing of grid A's worker is there
    const bx = `${f.points.gridB.lon - 0.01},${f.points.gridB.lat - 0.01},${f.points.gridB.lon + 0.01},${f.points.gridB.lat + 0.01}`;
    expect((await bearer(`/api/ogc/collections/households/items?bbox=${bx}`)).body.numberMatched).toBe(0);
    const c = await t.login(`${f.prefix}commander`);
    const inB = await c.get(`/api/ogc/collections/households/items?bbox=${bx}`);
    expect(inB.body.features.map((x: any) => x.id).sort()).toEqual([...idsB].sort());
  });

  it('refuses a bad bbox or limit naming the field', async () => {
    const c = await t.login(`${f.prefix}commander`);
    for (const [query, field] of [['bbox=1,2,3', 'bbox'], ['bbox=5,5,1,1', 'bbox'], ['limit=0', 'limit'], ['limit=1001', 'limit'], ['limit=x', 'limit'], ['offset=-1', 'offset']]) {
      const r = await c.get(`/api/ogc/collections/grids/items?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.error.field, query).toBe(field);
    }
  });
});
