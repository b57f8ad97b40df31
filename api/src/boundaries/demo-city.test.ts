// The demo city passes its own boundary validation: its export, uploaded again through the API,
// is reported with zero errors and zero warnings, and applies as an unchanged version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAccounts, syncPermissions } from '../auth/seed.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { serveApp, type TestApp } from '../test/harness.ts';
import { generateCity } from '../../../geodata/src/generate/index.ts';
import { signIn, type Uploader } from './test-helpers.ts';

let t: TestApp;
let admin: Uploader;
let tenantId: number;

beforeAll(async () => {
  // Its own database: the generator loads with COPY, which the embedded test database's socket
  // does not carry.
  const url = process.env.TEST_DATABASE_URL;
  const db = await openDatabase(url ? { databaseUrl: url, databaseOwnerUrl: process.env.TEST_DATABASE_OWNER_URL ?? url, poolSize: 4 } : { poolSize: 4 });
  await migrate(db.ownerPool);
  await syncPermissions(db.ownerPool);
  t = await serveApp(db);
  const tenantCode = `dv${process.pid}${Date.now().toString(36)}`.slice(0, 39);
  const city = await generateCity(t.app.db, { tenantCode, tenantName: '示范市', size: 'demo', cipher: t.app.cipher, now: new Date('2020-02-15T00:00:00Z') });
  tenantId = city.tenantId;
  await seedDemoAccounts(t.app.db.ownerPool, tenantId, `${tenantCode}.`);
  admin = await signIn(t, `${tenantCode}.admin`);
}, 300_000);

afterAll(async () => {
  if (tenantId) await t.app.db.ownerPool.query('delete from tenants where id = $1', [tenantId]);
  await t?.close();
});

describe('the demo city uploaded again', () => {
  it('validates with zero errors and zero warnings and applies as the same tree', async () => {
    const versions = await admin.client.get('/api/boundaries/versions');
    expect(versions.status).toBe(200);
    const current = versions.body.items.find((v: { current: boolean }) => v.current);
    const exported = await admin.client.get(`/api/boundaries/versions/${current.id}/export`);
    expect(exported.status).toBe(200);
    const nodes = exported.body.features.length;
    // one city, one name: the top node is called as the tenant is
    expect(exported.body.features.filter((f: GeoJSON.Feature) => f.properties!.level === 1).map((f: GeoJSON.Feature) => f.properties!.name)).toEqual(['示范市']);
    expect(nodes).toBeGreaterThan(50);

    const up = await admin.upload(exported.body, { crs: 'wgs84' }, 'demo.geojson');
    expect(up.status).toBe(201);
    const report = up.body.report;
    expect(report.problems).toEqual([]);
    expect(report.counts.errors).toBe(0);
    expect(report.counts.warnings).toBe(0);
    expect(report.file.features).toBe(nodes);
    expect(report.diff).toMatchObject({ added: [], removed: [], renamed: [], moved: [], reshaped: 0 });
    expect(report.impact.households).toEqual({ changeGrid: 0, loseGrid: 0 });
    expect(report.impact.persons).toEqual({ changeGrid: 0, loseGrid: 0 });
    expect(report.canApply).toBe(true);

    const applied = await admin.client.post(`/api/boundaries/imports/${up.body.id}/apply`, {});
    expect(applied.status).toBe(200);
    expect(applied.body.counts.nodes).toBe(nodes);
    expect(applied.body.moved).toEqual({ households: 0, persons: 0 });
  }, 300_000);

  it('reports the hole a removed grid leaves in its community as a gap', async () => {
    const current = (await admin.client.get('/api/boundaries/versions')).body.items.find((v: { current: boolean }) => v.current);
    const fc = (await admin.client.get(`/api/boundaries/versions/${current.id}/export`)).body as GeoJSON.FeatureCollection;
    const grid = fc.features.find((f) => f.properties!.level === 5)!;
    const up = await admin.upload({ ...fc, features: fc.features.filter((f) => f !== grid) }, { crs: 'wgs84' }, 'removed.geojson');
    expect(up.status).toBe(201);
    expect(up.body.report.diff.removed).toEqual([expect.objectContaining({ code: grid.properties!.code })]);
    expect(up.body.report.problems).toEqual([expect.objectContaining({ problem: 'gap', code: grid.properties!.parent_code, severity: 'error' })]);
    expect(up.body.report.canApply).toBe(false);
  }, 300_000);

  it('reports a grid moved 10 m east as overlapping its neighbours and outside its community', async () => {
    const current = (await admin.client.get('/api/boundaries/versions')).body.items.find((v: { current: boolean }) => v.current);
    const fc = (await admin.client.get(`/api/boundaries/versions/${current.id}/export`)).body as GeoJSON.FeatureCollection;
    const grids = fc.features.filter((f) => f.properties!.level === 5);
    const moved = grids[5];
    const shift = (g: GeoJSON.Geometry): GeoJSON.Geometry => JSON.parse(JSON.stringify(g), (k, v) =>
      (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' ? [Math.round((v[0] + 0.0001) * 1e7) / 1e7, v[1]] : v));
    const up = await admin.upload({ ...fc, features: fc.features.map((f) => (f === moved ? { ...f, geometry: shift(f.geometry) } : f)) }, { crs: 'wgs84' }, 'moved.geojson');
    expect(up.status).toBe(201);
    const kinds = new Set((up.body.report.problems as { problem: string }[]).map((p) => p.problem));
    // near-coincident edges everywhere: the overlays the embedded database's GEOS may not survive
    expect([...kinds].sort()).toEqual(['gap', 'outside_parent', 'overlap']);
  }, 300_000);
});
