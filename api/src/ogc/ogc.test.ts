import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../auth/seed.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { parseDatetime } from './datetime.ts';
import { Collection, Collections, ConfClasses, Feature, FeatureCollection, LandingPage, MAX_LIMIT } from './schemas.ts';

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
    expect(new URL(rels['service-desc'].href).pathname).toBe('/api/ogc/api');
    expect(rels['service-desc'].type).toBe('application/vnd.oai.openapi+json;version=3.0');
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
    // Households are homes: only for callers who may see exact locations (a commander may not).
    expect(ids).toContain('grids');
    expect(ids).not.toContain('households');
    expect((await c.get('/api/ogc/collections/households')).status).toBe(403);
    expect((await c.get('/api/ogc/collections/households/items')).status).toBe(403);
    const community = await t.login(`${f.prefix}community`);
    expect((await community.get('/api/ogc/collections')).body.collections.map((x: any) => x.id)).toEqual(expect.arrayContaining(['grids', 'households']));
    const grids = cols.body.collections.find((x: any) => x.id === 'grids');
    expect(grids.links.find((l: any) => l.rel === 'items').type).toBe('application/geo+json');
    expect(grids.extent.spatial.bbox[0]).toHaveLength(4);
    expect((await community.get('/api/ogc/collections/households')).body.id).toBe('households');
    expect((await c.get('/api/ogc/collections/nope')).status).toBe(404);
    expect((await t.client().get('/api/ogc/collections')).status).toBe(401);
  });

  it('walks a collection with `next` links, every feature exactly once', async () => {
    const c = await t.login(`${f.prefix}commander`);
    const community = await t.login(`${f.prefix}community`);
    const { ids, pages } = await walk(community, '/api/ogc/collections/households/items?limit=3');
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
        expect(feat.properties.address).not.toMatch(/\*\*\*\*$/); // community staff see the homes of their grids
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
    const c = await t.login(`${f.prefix}community`);
    const inB = await c.get(`/api/ogc/collections/households/items?bbox=${bx}`);
    expect(inB.body.features.map((x: any) => x.id).sort()).toEqual([...idsB].sort());
  });

  it('refuses a bad bbox or limit naming the field', async () => {
    const c = await t.login(`${f.prefix}commander`);
    for (const [query, field] of [
      ['bbox=1,2,3', 'bbox'], ['bbox=5,5,1,1', 'bbox'], ['bbox=1,2,3,4,5', 'bbox'], ['bbox=1,2,3,4,5,6,7', 'bbox'], ['bbox=1,2,x,4,5,6', 'bbox'],
      ['bbox=5,5,0,1,1,10', 'bbox'], ['limit=0', 'limit'], ['limit=-3', 'limit'], ['limit=x', 'limit'], ['limit=2.5', 'limit'], ['offset=-1', 'offset'],
    ]) {
      const r = await c.get(`/api/ogc/collections/grids/items?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.error.field, query).toBe(field);
    }
  });
});

describe('what the conformance classes promise (as GDAL reads them)', () => {
  it('caps a limit above the maximum instead of refusing it, with `next` links that still walk everything', async () => {
    const g = await createFixture(t.app.db.ownerPool, 'ogccap');
    const { lon, lat } = g.points.gridA;
    await t.app.db.ownerPool.query(
      `insert into households (tenant_id, geom, address)
       select $1, st_setsrid(st_makepoint($2 + (i % 40) * 0.001, $3), 4326), '人民路' || i || '号' from generate_series(1, $4::int) i`,
      [g.tenantId, lon - 0.02, lat, MAX_LIMIT + 5],
    );
    const c = await t.login(`${g.prefix}community`);
    const { ids, pages } = await walk(c, '/api/ogc/collections/households/items?limit=5000'); // ogr2ogr -oo PAGE_SIZE=5000
    expect(pages.map((p) => p.numberReturned)).toEqual([MAX_LIMIT, 5]);
    expect(new Set(ids).size).toBe(MAX_LIMIT + 5);
    const rel = (p: any, r: string) => new URL(p.links.find((l: any) => l.rel === r).href).searchParams;
    expect(rel(pages[0], 'self').get('limit')).toBe(String(MAX_LIMIT));
    expect(rel(pages[0], 'next').get('limit')).toBe(String(MAX_LIMIT));
    expect(rel(pages[0], 'next').get('offset')).toBe(String(MAX_LIMIT));
    expect(pages[1].links.some((l: any) => l.rel === 'next')).toBe(false);
    expect(pages[0].numberMatched).toBe(MAX_LIMIT + 5);
  });

  it('filters households by datetime on createdAt, and says so in the collection', async () => {
    const c = await t.login(`${f.prefix}community`);
    const at = async (id: number, ts: string) => t.app.db.ownerPool.query('update households set created_at = $1 where id = $2', [ts, id]);
    await at(idsA[0], '2025-06-01T10:00:00.250Z');
    await at(idsA[1], '2026-01-01T00:00:00.500Z');
    await at(idsA[2], '2026-03-01T00:00:00Z');
    const ids = async (datetime: string, extra = '') => {
      const r = await c.get(`/api/ogc/collections/households/items?datetime=${encodeURIComponent(datetime)}${extra}`);
      expect(r.status, `${datetime} ${JSON.stringify(r.body)}`).toBe(200);
      return r.body.features.map((x: any) => x.id).sort((a: number, b: number) => a - b);
    };
    expect(await ids('2025-06-01T10:00:00Z')).toEqual([idsA[0]]); // an instant covers its second
    expect(await ids('2025-06-01T18:00:00+08:00')).toEqual([idsA[0]]);
    expect(await ids('2025-06-01t10:00:00.2z')).toEqual([idsA[0]]);
    expect(await ids('2025-06-01T10:00:00.3Z')).toEqual([]);
    expect(await ids('2025-06-01')).toEqual([idsA[0]]); // a bare date: its UTC day
    // What GDAL 3.6 sends for -where "createdAt >= '2025/06/01'" (and with hours or minutes).
    expect(await ids('2025-06-01T/..')).toContain(idsA[0]);
    expect(await ids('../2025-06-01T')).toEqual([idsA[0]]);
    expect(await ids('2025-06-01T10Z')).toEqual([idsA[0]]);
    expect(await ids('2025-06-01T09:59Z')).toEqual([]);
    expect(await ids('2025-06-01T10:00Z/2025-06-01T10:00Z')).toEqual([idsA[0]]);
    expect(await ids('2025-06-01T10Z/2025-06-01')).toEqual([idsA[0]]); // ends with the day it names
    expect(await ids('../2026-01-01T00:00:00Z')).toEqual([idsA[0], idsA[1]]);
    expect(await ids('/2025-12-31T23:59:59Z')).toEqual([idsA[0]]);
    expect(await ids('2026-01-01T00:00:01Z/2026-06-01T00:00:00Z')).toEqual([idsA[2]]);
    const openEnd = await ids('2026-01-01T00:00:01Z/..');
    expect(openEnd).toContain(idsA[2]);
    expect(openEnd).not.toContain(idsA[0]);
    expect(openEnd).not.toContain(idsA[1]);
    expect(await ids('../..')).toHaveLength(8);
    // The filter travels in the page links.
    const { ids: walked } = await walk(c, `/api/ogc/collections/households/items?limit=1&datetime=${encodeURIComponent('../2026-01-01T00:00:00Z')}`);
    expect(walked.sort((a, b) => a - b)).toEqual([idsA[0], idsA[1]]);
    const one = await c.get(`/api/ogc/collections/households/items/${idsA[0]}`);
    expect(one.body.properties.createdAt).toBe('2025-06-01T10:00:00.250Z');
    const col = (await c.get('/api/ogc/collections/households')).body;
    expect(col.description).toMatch(/createdAt/);
    expect(col.extent.temporal.interval[0][0]).toBe('2025-06-01T10:00:00.250Z');
    expect(col.extent.temporal.trs).toBe('http://www.opengis.net/def/uom/ISO-8601/0/Gregorian');
    // Boundaries have no time property: datetime is accepted and ignored.
    const grids = await c.get('/api/ogc/collections/grids/items?datetime=2000-01-01T00:00:00Z');
    expect(grids.status).toBe(200);
    expect(grids.body.numberMatched).toBe(2); // the community's grids A and B
    expect((await c.get('/api/ogc/collections/grids')).body.extent.temporal).toBeUndefined();
  });

  it('refuses a malformed datetime naming it', async () => {
    const c = await t.login(`${f.prefix}commander`);
    for (const bad of [
      'yesterday', '2026-01-01T00:00:00', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2025-02-29', '2026-01-01T24:00:00Z',
      '2026-01-01T00:00:00+25:00', '2026-01-01 00:00:00Z', '2026-01-02T00:00:00Z/2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z/x',
      'a/b/c', '../2026-01-01T00:00:00Z/..', '2026-1-1T00:00:00Z', '2026-01-01T10', '2026-01-01T10:30', '0000-01-01',
    ]) {
      for (const col of ['households', 'grids']) {
        const r = await c.get(`/api/ogc/collections/${col}/items?datetime=${encodeURIComponent(bad)}`);
        expect(r.status, `${col} ${bad}`).toBe(400);
        expect(r.body.error.field, bad).toBe('datetime');
      }
    }
    expect(parseDatetime('2024-02-29')).toMatchObject({ from: { at: '2024-02-29T00:00:00Z', span: '1 day' } });
    expect(parseDatetime('2026-01-01T00:00:00.123Z')).toMatchObject({ to: { span: '0.001 seconds' } });
    expect(parseDatetime('2026-01-01T08Z/..')).toMatchObject({ from: { at: '2026-01-01T08:00:00Z', span: '1 hour' } });
    expect(parseDatetime('0099-01-01T00:00:00Z/..')).toMatchObject({ from: { ms: Date.parse('0099-01-01T00:00:00.000Z') } }); // not 1999
  });

  it('accepts a bbox with heights (6 numbers) and ignores the heights', async () => {
    const c = await t.login(`${f.prefix}community`);
    const { lon, lat } = f.points.gridB;
    const six = await c.get(`/api/ogc/collections/households/items?bbox=${lon - 0.01},${lat - 0.01},-50,${lon + 0.01},${lat + 0.01},8848`);
    expect(six.status, JSON.stringify(six.body)).toBe(200);
    expect(six.body.features.map((x: any) => x.id).sort()).toEqual([...idsB].sort());
    const grids = await c.get(`/api/ogc/collections/grids/items?bbox=${lon - 0.001},${lat - 0.001},0,${lon + 0.001},${lat + 0.001},0`);
    expect(grids.body.features.map((x: any) => x.id)).toEqual([f.nodes.gridB]);
    // The page links carry the bbox on without the heights, which change nothing.
    expect(new URL(six.body.links[0].href).searchParams.get('bbox')!.split(',')).toHaveLength(4);
  });

  it('serves its OpenAPI definition as advertised, with a schema for every OGC response', async () => {
    const c = await t.login(`${f.prefix}community`);
    const landing = await c.get('/api/ogc');
    const desc = landing.body.links.find((l: any) => l.rel === 'service-desc');
    const r = await fetch(desc.href, { headers: { accept: 'application/vnd.oai.openapi+json;version=3.0, application/json' } });
    expect(r.status).toBe(200);
    // GDAL compares the parameters token by token; charset is allowed but not needed.
    expect(r.headers.get('content-type')!.split(/;\s*/).filter((x) => !x.startsWith('charset')).join(';')).toBe(desc.type);
    const doc: any = await r.json();
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(doc.servers[0].url).toBe('/api/ogc');
    const schemaOf = (path: string, type = 'application/json', status = '200') =>
      doc.paths[path].get.responses[status].content[type].schema.$ref.replace('#/components/schemas/', '');
    expect(schemaOf('/')).toBe('LandingPage');
    expect(schemaOf('/conformance')).toBe('ConfClasses');
    expect(schemaOf('/collections')).toBe('Collections');
    expect(schemaOf('/collections/{collectionId}')).toBe('Collection');
    expect(schemaOf('/collections/{collectionId}/items', 'application/geo+json')).toBe('FeatureCollectionGeoJSON');
    expect(schemaOf('/collections/{collectionId}/items/{featureId}', 'application/geo+json')).toBe('FeatureGeoJSON');
    expect(schemaOf('/collections/{collectionId}/items', 'application/json', '400')).toBe('Exception');
    for (const name of ['LandingPage', 'ConfClasses', 'Collections', 'Collection', 'FeatureCollectionGeoJSON', 'FeatureGeoJSON', 'Exception']) {
      expect(doc.components.schemas[name]?.type, name).toBe('object');
    }
    // GDAL looks the items parameters up under this path (relative to the landing page).
    const params = Object.fromEntries(doc.paths['/collections/{collectionId}/items'].get.parameters.map((p: any) => [p.name, p]));
    expect(Object.keys(params)).toEqual(expect.arrayContaining(['bbox', 'datetime', 'limit']));
    expect(params.limit.schema).toMatchObject({ minimum: 1, maximum: MAX_LIMIT });
    // And the responses are what the schemas say.
    LandingPage.parse(landing.body);
    ConfClasses.parse((await c.get('/api/ogc/conformance')).body);
    Collections.parse((await c.get('/api/ogc/collections')).body);
    Collection.parse((await c.get('/api/ogc/collections/households')).body);
    FeatureCollection.parse((await c.get('/api/ogc/collections/grids/items')).body);
    FeatureCollection.parse((await c.get('/api/ogc/collections/households/items')).body);
    Feature.parse((await c.get(`/api/ogc/collections/households/items/${idsA[0]}`)).body);
  });

  it('publishes every boundary level, scoped to the caller\'s subtree, with parent codes', async () => {
    const code = (k: string) => `${f.code}-${k}`;
    const levels = async (c: Client) => {
      const out: Record<string, { id: number; code: string; level: number; parentCode: string | null }[]> = {};
      for (const col of ['cities', 'districts', 'streets', 'communities', 'grids']) {
        const r = await c.get(`/api/ogc/collections/${col}/items`);
        expect(r.status, col).toBe(200);
        for (const feat of r.body.features) expectValidFeature(feat, 'MultiPolygon');
        out[col] = r.body.features.map((x: any) => ({ id: x.id, code: x.properties.code, level: x.properties.level, parentCode: x.properties.parentCode }));
      }
      return out;
    };
    const commander = await t.login(`${f.prefix}commander`);
    expect((await commander.get('/api/ogc/collections')).body.collections.map((x: any) => x.id))
      .toEqual(expect.arrayContaining(['cities', 'districts', 'streets', 'communities', 'grids']));
    const all = await levels(commander);
    expect(all.cities).toEqual([{ id: f.nodes.city, code: code('city'), level: 1, parentCode: null }]);
    expect(all.districts.map((x) => [x.code, x.level, x.parentCode])).toEqual([[code('d1'), 2, code('city')], [code('d2'), 2, code('city')]]);
    expect(all.streets.map((x) => x.parentCode)).toEqual([code('d1'), code('d2')]);
    expect(all.grids.map((x) => [x.code, x.parentCode])).toEqual([[code('ga'), code('m1')], [code('gb'), code('m1')], [code('gc'), code('m2')]]);
    const city = await commander.get(`/api/ogc/collections/cities/items/${f.nodes.city}`);
    expect(city.body.properties).toMatchObject({ code: code('city'), name: '测试市', level: 1, parentCode: null });

    // Community staff of m1 see m1 and its grids; its street (their parent) stays hidden, code too.
    const community = await t.login(`${f.prefix}community`);
    const mine = await levels(community);
    expect(mine.cities).toEqual([]);
    expect(mine.districts).toEqual([]);
    expect(mine.streets).toEqual([]);
    expect(mine.communities).toEqual([{ id: f.nodes.m1, code: code('m1'), level: 4, parentCode: null }]);
    expect(mine.grids.map((x) => [x.code, x.parentCode])).toEqual([[code('ga'), code('m1')], [code('gb'), code('m1')]]);
    expect((await community.get(`/api/ogc/collections/cities/items/${f.nodes.city}`)).status).toBe(404);
    expect((await community.get(`/api/ogc/collections/communities/items/${f.nodes.m2}`)).status).toBe(404);
    const worker = await levels(await t.login(`${f.prefix}gridworker`));
    expect(worker.grids).toEqual([{ id: f.nodes.gridA, code: code('ga'), level: 5, parentCode: null }]);
  });
});
