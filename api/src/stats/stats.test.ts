// Choropleth, hexagon heatmap with k-suppression, heat points and KNN nearby: scoped by RLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { hexCellAgreement } from './queries.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { hexSizeForZoom } from './service.ts';

let t: TestApp;
let f: Fixture;
let commander: Client;
let workerA: Client;
let workerB: Client;
let cityBbox: string;

const wkt = (p: { lon: number; lat: number }, dLat = 0) => `SRID=4326;POINT(${p.lon} ${p.lat + dLat})`;

async function addPerson(where: { lon: number; lat: number }, status: string, extra: { severity?: string; source?: string; createdAt?: string } = {}) {
  await t.app.db.ownerPool.query(
    `insert into persons (tenant_id, name, source, status, severity, geom, created_at)
     values ($1, '统计测试', $2, $3, $4, $5, coalesce($6::timestamptz, now()))`,
    [f.tenantId, extra.source ?? 'grid_survey', status, extra.severity ?? null, wkt(where), extra.createdAt ?? null],
  );
}

/** What the owner (no RLS) counts under a node: the truth the API must match. */
async function ownerCount(nodeId: number, where = 'true'): Promise<number> {
  const r = await t.app.db.ownerPool.query(
    `select count(*)::int n from persons p join jurisdictions j on j.tenant_id = p.tenant_id and j.id = $2
      where p.tenant_id = $1 and p.grid_path <@ j.path and ${where}`,
    [f.tenantId, nodeId],
  );
  return r.rows[0].n;
}

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'stats');
  const { gridA, gridB, gridC } = f.points;
  // Grid A: six persons in one dwelling (one hexagon at any zoom); grid B two; grid C two.
  await addPerson(gridA, 'confirmed', { severity: 'mild' });
  await addPerson(gridA, 'confirmed', { severity: 'severe', source: 'cdc' });
  await addPerson(gridA, 'suspected');
  await addPerson(gridA, 'watching');
  await addPerson(gridA, 'watching');
  await addPerson(gridA, 'watching', { createdAt: '2026-01-10T12:00:00+08:00' });
  await addPerson(gridB, 'watching');
  await addPerson(gridB, 'suspected', { source: 'cdc' });
  await addPerson(gridC, 'watching');
  await addPerson(gridC, 'cured');
  const own = t.app.db.ownerPool;
  for (const [p, dLat] of [[gridA, 0.002], [gridA, 0.001], [gridA, 0.004], [gridB, 0]] as const) {
    await own.query(`insert into tasks (tenant_id, kind, assignee_jurisdiction_id, geom) values ($1, 'check', $2, $3)`, [f.tenantId, f.nodes.m1, wkt(p, dLat)]);
    await own.query(`insert into households (tenant_id, geom, address) values ($1, $2, '东一社区统计楼')`, [f.tenantId, wkt(p, dLat)]);
  }
  commander = await t.login(`${f.prefix}commander`);
  workerA = await t.login(`${f.prefix}gridworker`);
  workerB = await t.login(`${f.prefix}gridworker2`);
  const c = f.points.gridA;
  cityBbox = `${c.lon - 0.1},${c.lat - 0.3},${c.lon + 0.4},${c.lat + 0.3}`;
});
afterAll(() => t?.close());

const byId = (fc: any) => Object.fromEntries(fc.features.map((x: any) => [x.id, x.properties]));

describe('choropleth', () => {
  it('counts persons per grid exactly as the owner does, by status', async () => {
    const r = await commander.get('/api/stats/choropleth?level=5&zoom=12');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/geo\+json/);
    const props = byId(r.body);
    for (const g of [f.nodes.gridA, f.nodes.gridB, f.nodes.gridC]) expect(props[g].total).toBe(await ownerCount(g));
    expect(props[f.nodes.gridA]).toMatchObject({ total: 6, level: 5, byStatus: { confirmed: 2, suspected: 1, watching: 3 } });
    expect(props[f.nodes.gridC].byStatus).toEqual({ cured: 1, watching: 1 });
    expect(r.body.features[0].geometry.type).toBe('MultiPolygon');
    const districts = byId((await commander.get('/api/stats/choropleth?level=2')).body);
    expect(districts[f.nodes.d1].total).toBe(await ownerCount(f.nodes.d1));
    expect(districts[f.nodes.d1].total).toBe(8);
    expect(districts[f.nodes.d2].total).toBe(2);
  });

  it('filters by status, severity, source and date range', async () => {
    const get = async (q: string) => byId((await commander.get(`/api/stats/choropleth?level=4&${q}`)).body)[f.nodes.m1].total;
    expect(await get('status=confirmed,suspected')).toBe(await ownerCount(f.nodes.m1, `p.status in ('confirmed', 'suspected')`));
    expect(await get('severity=severe')).toBe(1);
    expect(await get('source=cdc')).toBe(2);
    expect(await get('from=2026-01-01&to=2026-01-10')).toBe(1);
    expect(await get('from=2026-01-11&to=2026-01-31')).toBe(0);
  });

  it('keeps the per-grid counts (grid_person_counts) exact through inserts, status changes, moves and deletes', async () => {
    const own = t.app.db.ownerPool;
    const truth = async () =>
      (await own.query(`select grid_path::text as path, status, count(*)::int as n from persons
                         where tenant_id = $1 and grid_path is not null group by 1, 2 order by 1, 2`, [f.tenantId])).rows;
    const kept = async () =>
      (await own.query(`select grid_path::text as path, status, n from grid_person_counts
                         where tenant_id = $1 and n > 0 order by 1, 2`, [f.tenantId])).rows;
    expect(await kept()).toEqual(await truth());
    // One statement inserting several, a status change, a move to another grid, a delete.
    const { gridA, gridB, gridC } = f.points;
    const ids = (await own.query(
      `insert into persons (tenant_id, name, source, status, geom)
       select $1, '计数测试', 'grid_survey', s, g::geometry from (values ('watching', $2), ('suspected', $2), ('watching', $3)) v (s, g)
       returning id`, [f.tenantId, wkt(gridA), wkt(gridB)])).rows.map((r) => r.id);
    expect(await kept()).toEqual(await truth());
    await own.query(`update persons set status = 'confirmed', severity = 'mild' where id = $1`, [ids[1]]);
    await own.query(`update persons set geom = $2 where id = $1`, [ids[2], wkt(gridC)]);
    await own.query(`update persons set name = '计数测试改名' where id = $1`, [ids[0]]); // no count changes
    expect(await kept()).toEqual(await truth());
    // The choropleth with every status named (a pass over the persons) agrees with the kept counts.
    const all = 'watching,suspected,confirmed,cured,dead,released,closed';
    expect(byId((await commander.get(`/api/stats/choropleth?level=5&status=${all}`)).body)).toEqual(byId((await commander.get('/api/stats/choropleth?level=5')).body));
    await own.query(`delete from persons where id = any($1::bigint[])`, [ids]);
    expect(await kept()).toEqual(await truth());
  });

  it('shows a grid worker only their own grid', async () => {
    const r = await workerA.get('/api/stats/choropleth?level=5');
    expect(r.body.features.map((x: any) => x.id)).toEqual([f.nodes.gridA]);
    expect(r.body.features[0].properties.total).toBe(6);
    expect((await workerA.get('/api/stats/choropleth?level=2')).body.features).toEqual([]);
  });
});

describe('hexagon heatmap', () => {
  it('suppresses cells under k for a commander and says so', async () => {
    const r = await commander.get(`/api/stats/heatmap?bbox=${cityBbox}&zoom=14`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.suppressedBelow).toBe(5);
    expect(r.body.hexagonSizeM).toBeCloseTo(hexSizeForZoom(14));
    expect(r.body.features).toHaveLength(1);
    // confirmed 5 + 5, suspected 3, watching 1 + 1 + 1
    expect(r.body.features[0].properties).toEqual({ count: 6, weight: 16 });
    expect(r.body.features[0].geometry.type).toBe('Polygon');
    expect(r.body.features[0].geometry.coordinates[0]).toHaveLength(7);
  });

  it('shows every cell to a grid worker, but only in their grid', async () => {
    const b = await workerB.get(`/api/stats/heatmap?bbox=${cityBbox}&zoom=14`);
    expect(b.body.suppressedBelow).toBeNull();
    expect(b.body.features.map((x: any) => x.properties)).toEqual([{ count: 2, weight: 4 }]);
    const a = await workerA.get(`/api/stats/heatmap?bbox=${cityBbox}&zoom=14&status=watching`);
    expect(a.body.features.map((x: any) => x.properties)).toEqual([{ count: 3, weight: 3 }]);
  });

  it('takes k from the tenant setting', async () => {
    const own = t.app.db.ownerPool;
    await own.query(`update tenants set settings = jsonb_set(settings, '{heatmapMinCount}', '2') where id = $1`, [f.tenantId]);
    try {
      const r = await commander.get(`/api/stats/heatmap?bbox=${cityBbox}&zoom=14`);
      expect(r.body.suppressedBelow).toBe(2);
      expect(r.body.features.map((x: any) => x.properties.count).sort()).toEqual([1, 2, 6].filter((n) => n >= 2));
    } finally {
      await own.query(`update tenants set settings = settings - 'heatmapMinCount' where id = $1`, [f.tenantId]);
    }
  });

  it('gives points only to roles that may see individuals', async () => {
    const denied = await commander.get(`/api/stats/heatmap/points?bbox=${cityBbox}`);
    expect(denied.status).toBe(403);
    const r = await workerA.get(`/api/stats/heatmap/points?bbox=${cityBbox}`);
    expect(r.status).toBe(200);
    expect(r.body.points).toHaveLength(6);
    expect(r.body.points.map((p: number[]) => p[2]).sort()).toEqual([1, 1, 1, 3, 5, 5]);
    expect(r.body.points[0].slice(0, 2)).toEqual([f.points.gridA.lon, f.points.gridA.lat]);
    const audit = await t.app.db.ownerPool.query(`select detail from audit_log where tenant_id = $1 and action = 'stats.heat_points'`, [f.tenantId]);
    expect(audit.rows.map((x) => x.detail.points)).toEqual([6]);
  });

  it('finds each point\'s hexagon arithmetically exactly as ST_HexagonGrid does', async () => {
    const { rows } = await t.app.db.ownerPool.query(hexCellAgreement(1500).toQuery());
    expect(rows[0]).toEqual({ n: 13_500, mismatched: 0 });
  });

  it('bins any extent at any zoom without losing or doubling a person', async () => {
    for (const [bbox, zoom] of [['-180,-85,180,85', 0], [cityBbox, 9], [cityBbox, 22]] as const) {
      const r = await workerA.get(`/api/stats/heatmap?bbox=${bbox}&zoom=${zoom}`);
      expect(r.status, `${zoom} ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.body.features.reduce((n: number, x: any) => n + x.properties.count, 0), String(zoom)).toBe(6);
    }
  });
});

describe('nearby', () => {
  it('orders tasks by distance in metres, within scope', async () => {
    const { lon, lat } = f.points.gridA;
    const r = await workerA.get(`/api/nearby/tasks?near=${lon},${lat}&limit=10`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const d = r.body.items.map((x: any) => x.distanceM);
    expect(d).toHaveLength(3);
    // 0.001° of latitude is about 111 m
    expect(d[0]).toBeGreaterThan(105);
    expect(d[0]).toBeLessThan(115);
    expect(d[1]).toBeCloseTo(2 * d[0], -1);
    expect(d[2]).toBeCloseTo(4 * d[0], -1);
    expect(r.body.items.map((x: any) => x.location.lat)).toEqual([lat + 0.001, lat + 0.002, lat + 0.004]);
    const two = await workerA.get(`/api/nearby/tasks?near=${lon},${lat}&limit=2`);
    expect(two.body.items).toHaveLength(2);
    // Distances from a point of one's choosing would place every task: exact-location roles only.
    const refused = await commander.get(`/api/nearby/tasks?near=${lon},${lat}`);
    expect([refused.status, refused.body.error.message]).toEqual([403, expect.stringMatching(/exact locations/)]);
  });

  it('orders households by distance, for roles that may see exact locations only', async () => {
    const { lon, lat } = f.points.gridB;
    const b = await workerB.get(`/api/nearby/households?near=${lon},${lat}`);
    expect(b.body.items).toHaveLength(1);
    expect(b.body.items[0]).toMatchObject({ address: '东一社区统计楼', location: { lon, lat } });
    expect(b.body.items[0].distanceM).toBeLessThan(0.01);
    const a = await workerA.get(`/api/nearby/households?near=${lon},${lat}`);
    const d = a.body.items.map((x: any) => x.distanceM);
    expect(d.length).toBeGreaterThan(0);
    expect([...d].sort((x: number, y: number) => x - y)).toEqual(d);
    expect((await commander.get(`/api/nearby/households?near=${lon},${lat}`)).status).toBe(403);
  });
});

describe('nearby by the metres shown', () => {
  it('orders tasks and households by geodesic metres, not degrees: 481 m east before 483 m north at 30° N', async () => {
    // A degree of longitude is ~96 km here, one of latitude ~111 km: north is nearer in degrees only.
    const me = { lon: f.points.gridA.lon - 0.02, lat: f.points.gridA.lat - 0.1 };
    const east = `SRID=4326;POINT(${me.lon + 0.00499} ${me.lat})`;
    const north = `SRID=4326;POINT(${me.lon} ${me.lat + 0.00436})`;
    const own = t.app.db.ownerPool;
    const ids: Record<string, number[]> = { tasks: [], households: [] };
    try {
      for (const g of [east, north]) {
        ids.tasks.push((await own.query(`insert into tasks (tenant_id, kind, assignee_jurisdiction_id, geom) values ($1, 'check', $2, $3) returning id`, [f.tenantId, f.nodes.m1, g])).rows[0].id);
        ids.households.push((await own.query(`insert into households (tenant_id, geom, address) values ($1, $2, '东一社区测距楼') returning id`, [f.tenantId, g])).rows[0].id);
      }
      for (const layer of ['tasks', 'households']) {
        const r = await workerA.get(`/api/nearby/${layer}?near=${me.lon},${me.lat}&limit=2`);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.items.map((x: any) => x.id), layer).toEqual(ids[layer]);
        const [e, n] = r.body.items.map((x: any) => x.distanceM);
        expect(e).toBeGreaterThan(470);
        expect(e).toBeLessThan(n);
        expect(n).toBeLessThan(495);
      }
    } finally {
      await own.query('delete from tasks where tenant_id = $1 and id = any($2)', [f.tenantId, ids.tasks]);
      await own.query('delete from households where tenant_id = $1 and id = any($2)', [f.tenantId, ids.households]);
    }
  });
});

describe('bad input', () => {
  it('answers 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/api/stats/choropleth?level=1', 'level'],
      ['/api/stats/choropleth?level=6', 'level'],
      ['/api/stats/choropleth', 'level'],
      ['/api/stats/choropleth?level=5&zoom=30', 'zoom'],
      ['/api/stats/choropleth?level=5&bbox=1,2,3', 'bbox'],
      ['/api/stats/choropleth?level=5&status=sick', 'status'],
      ['/api/stats/choropleth?level=5&from=2026-13-45', 'from'],
      ['/api/stats/choropleth?level=5&from=2026-02-01&to=2026-01-01', 'to'],
      ['/api/stats/heatmap?zoom=14', 'bbox'],
      ['/api/stats/heatmap?bbox=5,5,1,1&zoom=14', 'bbox'],
      [`/api/stats/heatmap?bbox=${'1,1,2,2'}&zoom=-1`, 'zoom'],
      [`/api/stats/heatmap?bbox=1,1,2,2`, 'zoom'],
      ['/api/nearby/tasks?near=114,30&limit=0', 'limit'],
      ['/api/nearby/tasks?near=114,30&limit=1000', 'limit'],
      ['/api/nearby/households?near=200,30', 'near'],
      ['/api/nearby/households?near=114', 'near'],
      ['/api/nearby/households', 'near'],
      // The old separate parameters are gone: one convention for every "near me" list.
      ['/api/nearby/households?lon=114&lat=30', 'near'],
      ['/api/nearby/tasks?near=114,30&lon=114', 'lon'],
    ];
    for (const [path, field] of cases) {
      const r = await workerA.get(path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.field, path).toBe(field);
    }
  });
});

describe('caching by data version', () => {
  it('serves an unchanged choropleth and heatmap from cache, per scope, and a change in the next request', async () => {
    const choro = '/api/stats/choropleth?level=5&zoom=11';
    const heat = `/api/stats/heatmap?bbox=${cityBbox}&zoom=14`;
    for (const path of [choro, heat]) {
      const first = await commander.get(path);
      const again = await commander.get(path);
      expect(again.headers.get('x-cache'), path).toBe('hit');
      expect(again.body, path).toEqual(first.body);
    }
    // Another scope never gets the commander's entry.
    const worker = await workerA.get(choro);
    expect(worker.body.features.map((x: any) => x.id)).toEqual([f.nodes.gridA]);
    const before = byId((await commander.get(choro)).body)[f.nodes.gridB].byStatus.confirmed ?? 0;
    const cellsBefore = (await commander.get(heat)).body.features.reduce((n: number, c: any) => n + c.properties.count, 0);
    await addPerson(f.points.gridB, 'confirmed', { severity: 'mild' });
    const after = await commander.get(choro);
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(byId(after.body)[f.nodes.gridB].byStatus.confirmed).toBe(before + 1);
    const heatAfter = await commander.get(heat);
    expect(heatAfter.headers.get('x-cache')).toBe('miss');
    expect(heatAfter.body.features.reduce((n: number, c: any) => n + c.properties.count, 0)).toBeGreaterThanOrEqual(cellsBefore);
  });
});
