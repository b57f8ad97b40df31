import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { levelForZoom, nest } from './routes.ts';

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'jur');
});
afterAll(() => t?.close());

describe('jurisdictions', () => {
  it('gives the commander the whole tree, nested', async () => {
    const c = await t.login(`${f.prefix}commander`);
    const r = await c.get('/api/jurisdictions/tree');
    expect(r.body.roots).toHaveLength(1);
    const city = r.body.roots[0];
    expect(city.id).toBe(f.nodes.city);
    expect(city.children.map((d: any) => d.name)).toEqual(['东区', '西区']);
    expect(city.children[0].children[0].children[0].children.map((g: any) => g.id)).toEqual([f.nodes.gridA, f.nodes.gridB]);
    const shallow = await c.get('/api/jurisdictions/tree?maxLevel=2');
    expect(shallow.body.roots[0].children.every((d: any) => d.children.length === 0)).toBe(true);
  });

  it('serves boundaries as GeoJSON polygons by level and bbox', async () => {
    const c = await t.login(`${f.prefix}commander`);
    const all = await c.get('/api/jurisdictions/geojson?level=5');
    expect(all.headers.get('content-type')).toMatch(/geo\+json/);
    expect(all.body.type).toBe('FeatureCollection');
    expect(all.body.features).toHaveLength(3);
    for (const feat of all.body.features) {
      expect(feat.geometry.type).toBe('MultiPolygon');
      expect(feat.properties.level).toBe(5);
    }
    const p = f.points.gridC;
    const bbox = `${p.lon - 0.01},${p.lat - 0.01},${p.lon + 0.01},${p.lat + 0.01}`;
    const near = await c.get(`/api/jurisdictions/geojson?level=5&bbox=${bbox}`);
    expect(near.body.features.map((x: any) => x.id)).toEqual([f.nodes.gridC]);
    const byZoom = await c.get('/api/jurisdictions/geojson?zoom=9');
    expect(byZoom.body.features.every((x: any) => x.properties.level === 2)).toBe(true);
    const node = await c.get(`/api/jurisdictions/${f.nodes.gridA}`);
    expect(node.body).toMatchObject({ id: f.nodes.gridA, level: 5, parentId: f.nodes.m1, geometry: { type: 'MultiPolygon' } });
    expect(node.body.areaM2).toBeGreaterThan(1e8);
    expect(node.body.persons).not.toBeNull();
    // The dashboard needs only the boundary: the count can be left out.
    const bare = await c.get(`/api/jurisdictions/${f.nodes.gridA}?persons=false`);
    expect(bare.body).toMatchObject({ id: f.nodes.gridA, geometry: node.body.geometry, persons: null });
    const bad = await c.get(`/api/jurisdictions/${f.nodes.gridA}?persons=no`);
    expect([bad.status, bad.body.error.field]).toEqual([400, 'persons']);
  });

  it('rejects bad bbox and zoom naming the field', async () => {
    const c = await t.login(`${f.prefix}commander`);
    for (const [q, field] of [['bbox=1,2,3', 'bbox'], ['bbox=5,5,1,1', 'bbox'], ['bbox=-200,0,0,1', 'bbox'], ['zoom=30', 'zoom'], ['level=9', 'level']]) {
      const r = await c.get(`/api/jurisdictions/geojson?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.field, q).toBe(field);
    }
  });
});

describe('pure helpers', () => {
  it('nests rows and promotes nodes whose parent is out of scope', () => {
    const roots = nest([
      { id: 5, parent_id: 2, code: 'a', name: 'A', level: 5 },
      { id: 6, parent_id: 2, code: 'b', name: 'B', level: 5 },
    ]);
    expect(roots.map((r) => r.id)).toEqual([5, 6]);
    expect(levelForZoom(8)).toBe(2);
    expect(levelForZoom(15)).toBe(5);
  });
});
