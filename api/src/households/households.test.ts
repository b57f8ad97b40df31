import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { personBody } from '../test/people.ts';

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'hh');
});
afterAll(() => t?.close());

describe('households', () => {
  it('derives the grid by containment and re-derives it as soon as boundaries change', async () => {
    const w = await t.login(`${f.prefix}community`);
    const h = await w.post('/api/households', { location: f.points.gridB, address: '东一社区解放路8号', building: '3', unit: '2', room: '501' });
    expect(h.status, JSON.stringify(h.body)).toBe(201);
    expect(h.body).toMatchObject({ gridId: f.nodes.gridB, gridName: '第二网格', room: '501' });
    const p = await w.post('/api/persons', { ...personBody(f.points.gridB), location: undefined, householdId: h.body.id });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body.grid.id).toBe(f.nodes.gridB);
    // Move the A/B border east past the household: it now lies in grid A.
    const { ownerPool } = t.app.db;
    const ox = f.points.gridA.lon - 0.05;
    const oy = f.points.gridA.lat - 0.2;
    await ownerPool.query(`update jurisdictions set geom = st_multi(st_makeenvelope($2, $3, $4, $5, 4326)) where tenant_id = $1 and id = $6`, [f.tenantId, ox, oy, ox + 0.16, oy + 0.4, f.nodes.gridA]);
    await ownerPool.query(`update jurisdictions set geom = st_multi(st_makeenvelope($2, $3, $4, $5, 4326)) where tenant_id = $1 and id = $6`, [f.tenantId, ox + 0.16, oy, ox + 0.2, oy + 0.4, f.nodes.gridB]);
    // The boundary update itself re-derived every point; a second pass finds nothing to change.
    const again0 = await ownerPool.query('select * from app.rederive_grids($1)', [f.tenantId]);
    expect(again0.rows[0]).toEqual({ households_changed: 0, persons_changed: 0 });
    const again = await w.get(`/api/households/${h.body.id}`);
    expect(again.body.gridId).toBe(f.nodes.gridA);
    expect((await w.get(`/api/persons/${p.body.id}`)).body.grid.id).toBe(f.nodes.gridA);
    const gridB = await t.login(`${f.prefix}gridworker2`);
    expect((await gridB.get(`/api/persons/${p.body.id}`)).status).toBe(404);
  });

  it('lists by bbox as GeoJSON for roles that may see exact locations; others see a household masked, without its point', async () => {
    const w = await t.login(`${f.prefix}gridworker`);
    const h = await w.post('/api/households', { location: f.points.gridA, address: '东一社区人民路100号6栋1单元302' });
    const c = await t.login(`${f.prefix}commander`);
    const mine = await w.get('/api/households?bbox=-180,-90,180,90');
    expect(mine.body.type).toBe('FeatureCollection');
    for (const feat of mine.body.features) expect(feat.geometry.type).toBe('Point');
    expect(mine.body.features.some((x: any) => x.properties.address === '东一社区人民路100号6栋1单元302')).toBe(true);
    // A bbox narrowed around one household would place it: refused to a commander.
    expect((await c.get('/api/households?bbox=-180,-90,180,90&limit=50')).status).toBe(403);
    const one = await c.get(`/api/households/${h.body.id}`);
    expect(one.body).toMatchObject({ gridId: f.nodes.gridA, location: null, room: null });
    expect(one.body.address).toMatch(/\*\*\*\*$/);
    expect((await w.get('/api/households')).body.error.field).toBe('bbox');
    expect((await c.post('/api/households', { location: f.points.gridA, address: 'x1' })).status).toBe(403);
    expect((await w.post('/api/households', { location: f.points.gridC, address: '西区1号' })).status).toBe(422);
  });
});
