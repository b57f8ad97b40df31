// Applying imports as versions: points follow their new grids, kept codes keep their ids, accounts
// and tasks of removed nodes are reassigned, a failure part-way changes nothing, rollback, export.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../db/sql.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { personBody } from '../test/people.ts';
import { applyHooks } from './apply.ts';
import { box, edit, feature, fixtureTree, originOf, signIn, tableCounts, type FC, type Uploader } from './test-helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());
afterEach(() => {
  delete applyHooks.afterTree;
});

const owner = () => t.app.db.ownerPool;

interface City {
  f: Fixture;
  admin: Uploader;
  tree: FC;
  c: (k: string) => string;
  ox: number;
  oy: number;
}

async function city(label: string): Promise<City> {
  const f = await createFixture(owner(), label);
  return { f, admin: await signIn(t, `${f.prefix}admin`), tree: fixtureTree(f), c: (k) => `${f.code}-${k}`, ...originOf(f) };
}

async function addHousehold(f: Fixture, lon: number, lat: number): Promise<number> {
  const r = await owner().query(
    `insert into households (tenant_id, geom, address) values ($1, st_setsrid(st_point($2, $3), 4326), '测试路1号') returning id`, [f.tenantId, lon, lat]);
  return r.rows[0].id;
}

const gridOfHousehold = async (f: Fixture, id: number) =>
  (await owner().query(`select j.code, h.grid_path::text as path from households h left join jurisdictions j on j.tenant_id = h.tenant_id and j.id = h.grid_id
                          where h.tenant_id = $1 and h.id = $2`, [f.tenantId, id])).rows[0] as { code: string | null; path: string | null };
const gridOfPerson = async (f: Fixture, id: number) =>
  (await owner().query(`select j.code from persons p left join jurisdictions j on j.tenant_id = p.tenant_id and j.id = p.grid_id
                          where p.tenant_id = $1 and p.id = $2`, [f.tenantId, id])).rows[0].code as string | null;
const treeOf = async (f: Fixture) =>
  (await owner().query(`select j.id, j.code, j.name, j.level, p.code as parent, j.path::text as path, st_astext(j.geom) as wkt
                          from jurisdictions j left join jurisdictions p on p.tenant_id = j.tenant_id and p.id = j.parent_id
                         where j.tenant_id = $1 order by j.code`, [f.tenantId])).rows;
const tileVersion = async (f: Fixture) =>
  Number((await owner().query('select version from tile_versions where tenant_id = $1', [f.tenantId])).rows[0]?.version ?? 0);

async function validated(x: City, fc: FC, fields: Record<string, string> = {}) {
  const r = await x.admin.upload(fc, fields);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: number; status: string; report: any };
}

/** Grid B split in two: B keeps its west half, a new grid D takes the east half. */
const splitB = (x: City) =>
  edit(x.tree, { [x.c('gb')]: { geometry: box(x.ox + 0.1, x.oy, x.ox + 0.15, x.oy + 0.4) } }, [
    feature(x.c('gd'), '第四网格', 5, x.c('m1'), box(x.ox + 0.15, x.oy, x.ox + 0.2, x.oy + 0.4)),
  ]);

describe('applying an import', () => {
  it('moves households and persons to their new grids, keeps ids, refreshes counts, tiles and dashboards', async () => {
    const x = await city('ba');
    const h = await addHousehold(x.f, x.ox + 0.17, x.oy + 0.2);
    const stay = await addHousehold(x.f, x.ox + 0.12, x.oy + 0.2);
    const p = await x.admin.client.post('/api/persons', personBody({ lon: x.ox + 0.17, lat: x.oy + 0.1 }));
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect((await gridOfHousehold(x.f, h)).code).toBe(x.c('gb'));
    const tiles = await tileVersion(x.f);

    const { id, report } = await validated(x, splitB(x));
    expect(report.problems).toEqual([]);
    expect(report.diff).toMatchObject({ added: [{ code: x.c('gd'), name: '第四网格', level: 5 }], removed: [], reshaped: 1 });
    expect(report.impact.households).toEqual({ changeGrid: 1, loseGrid: 0 });
    expect(report.impact.persons).toEqual({ changeGrid: 1, loseGrid: 0 });

    const r = await x.admin.client.post(`/api/boundaries/imports/${id}/apply`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ number: 2, counts: { nodes: 11, byLevel: { 1: 1, 2: 2, 3: 2, 4: 2, 5: 4 } } });
    expect(r.body.moved.households).toBeGreaterThanOrEqual(1);
    expect(r.body.moved.persons).toBeGreaterThanOrEqual(1);

    const after = await treeOf(x.f);
    expect(after.find((n) => n.code === x.c('gb')).id).toBe(x.f.nodes.gridB);
    const d = after.find((n) => n.code === x.c('gd'));
    const m1 = after.find((n) => n.code === x.c('m1'));
    expect(d.path).toBe(`${m1.path}.j${d.id}`);
    expect(await gridOfHousehold(x.f, h)).toEqual({ code: x.c('gd'), path: d.path });
    expect((await gridOfHousehold(x.f, stay)).code).toBe(x.c('gb'));
    expect(await gridOfPerson(x.f, p.body.id)).toBe(x.c('gd'));
    const counts = await owner().query('select grid_id, households from grid_household_counts where tenant_id = $1 and grid_id = $2', [x.f.tenantId, d.id]);
    expect(counts.rows[0].households).toBe(1);
    expect(await tileVersion(x.f)).toBeGreaterThan(tiles);
    const live = await owner().query(`select payload from live_events where tenant_id = $1 and type = 'boundaries_changed'`, [x.f.tenantId]);
    expect(live.rows).toEqual([{ payload: { versionId: r.body.versionId, number: 2, source: 'import' } }]);
    // The grid worker of B, still scoped to B, sees the person no more; the community sees it.
    const community = await t.login(`${x.f.prefix}community`);
    expect((await community.get(`/api/persons/${p.body.id}`)).body.grid.id).toBe(d.id);
    expect((await (await t.login(`${x.f.prefix}gridworker2`)).get(`/api/persons/${p.body.id}`)).status).toBe(404);

    const versions = (await x.admin.client.get('/api/boundaries/versions')).body.items;
    expect(versions.map((v: any) => [v.number, v.source, v.current])).toEqual([[2, 'import', true], [1, 'initial', false]]);
    expect(versions[0]).toMatchObject({ importId: id, createdBy: `${x.f.prefix}admin`, diff: { added: 1, removed: 0, renamed: 0, moved: 0, reshaped: 1 } });
    expect(versions[1]).toMatchObject({ diff: null, counts: { nodes: 10 }, createdBy: null });
    expect((await x.admin.client.get(`/api/boundaries/imports/${id}`)).body).toMatchObject({ status: 'applied', report: { canApply: false } });
    const again = await x.admin.client.post(`/api/boundaries/imports/${id}/apply`, {});
    expect([again.status, again.body.error.code, again.body.error.field]).toEqual([409, 'import_applied', 'id']);
    const audit = await owner().query(`select action, result from audit_log where tenant_id = $1 and action like 'boundary.%' order by id`, [x.f.tenantId]);
    expect(audit.rows.map((a) => `${a.action}:${a.result}`)).toEqual(['boundary.import:ok', 'boundary.apply:ok', 'boundary.apply:error']);
  });

  it('leaves the tree, the points and the versions as they were when the apply fails part-way', async () => {
    const x = await city('bf');
    const h = await addHousehold(x.f, x.ox + 0.17, x.oy + 0.2);
    const { id } = await validated(x, splitB(x));
    const tree = await treeOf(x.f);
    const counts = await tableCounts(t, x.f.tenantId);
    let reached = false;
    applyHooks.afterTree = async (tx) => {
      // The tree has changed and the household was re-derived inside the transaction…
      const inside = await tx.rows<{ code: string }>(
        sql`select j.code from households h join jurisdictions j on j.tenant_id = h.tenant_id and j.id = h.grid_id where h.tenant_id = ${x.f.tenantId} and h.id = ${h}`);
      expect(inside[0].code).toBe(x.c('gd'));
      reached = true;
      throw new Error('injected failure');
    };
    const r = await x.admin.client.post(`/api/boundaries/imports/${id}/apply`, {});
    expect(r.status).toBe(500);
    expect(reached).toBe(true);
    // …and none of it was kept.
    expect(await treeOf(x.f)).toEqual(tree);
    expect((await gridOfHousehold(x.f, h)).code).toBe(x.c('gb'));
    expect(await tableCounts(t, x.f.tenantId)).toEqual(counts);
    expect((await x.admin.client.get('/api/boundaries/versions')).body.items).toHaveLength(1);
    expect((await x.admin.client.get(`/api/boundaries/imports/${id}`)).body.status).toBe('valid');
    delete applyHooks.afterTree;
    const ok = await x.admin.client.post(`/api/boundaries/imports/${id}/apply`, {});
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await gridOfHousehold(x.f, h)).code).toBe(x.c('gd'));
  });

  it('reassigns accounts of removed nodes as told, and their tasks to the nearest node that stays', async () => {
    const x = await city('br');
    // Grid B removed: grid A covers the whole community.
    const fc = edit(x.tree, { [x.c('gb')]: null, [x.c('ga')]: { geometry: box(x.ox, x.oy, x.ox + 0.2, x.oy + 0.4) } });
    const task = await owner().query(
      `insert into tasks (tenant_id, kind, assignee_jurisdiction_id, geom) values ($1, 'verification', $2, st_setsrid(st_point($3, $4), 4326)) returning id`,
      [x.f.tenantId, x.f.nodes.gridB, x.ox + 0.15, x.oy + 0.2]);
    const { id, report } = await validated(x, fc);
    expect(report.diff.removed).toEqual([{ code: x.c('gb'), name: '第二网格', level: 5 }]);
    const worker2 = (await owner().query('select id, display_name from users where tenant_id = $1 and username = $2', [x.f.tenantId, `${x.f.prefix}gridworker2`])).rows[0];
    // named by person and by node, as the console shows them
    expect(report.pinned).toEqual({
      users: [{ id: worker2.id, username: `${x.f.prefix}gridworker2`, displayName: worker2.display_name, code: x.c('gb'), nodeName: '第二网格' }],
      openTasks: 1, rules: 0,
    });

    const refused = await x.admin.client.post(`/api/boundaries/imports/${id}/apply`, {});
    expect([refused.status, refused.body.error.code, refused.body.error.field]).toEqual([409, 'accounts_pinned', 'reassign']);
    const badCode = await x.admin.client.post(`/api/boundaries/imports/${id}/apply`, { reassign: [{ userId: worker2.id, code: x.c('gb') }] });
    expect([badCode.status, badCode.body.error.field]).toEqual([400, 'reassign.0.code']);
    const ok = await x.admin.client.post(`/api/boundaries/imports/${id}/apply`, { reassign: [{ userId: worker2.id, code: x.c('ga') }] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const scope = await owner().query('select j.code from user_scopes s join jurisdictions j on j.tenant_id = s.tenant_id and j.id = s.jurisdiction_id where s.tenant_id = $1 and s.user_id = $2', [x.f.tenantId, worker2.id]);
    expect(scope.rows).toEqual([{ code: x.c('ga') }]);
    const moved = await owner().query('select assignee_jurisdiction_id, grid_id from tasks where tenant_id = $1 and id = $2', [x.f.tenantId, task.rows[0].id]);
    expect(moved.rows[0]).toEqual({ assignee_jurisdiction_id: x.f.nodes.m1, grid_id: x.f.nodes.gridA });
  });

  it('moves a subtree: the community keeps its id, its grids and their points get the new path', async () => {
    const x = await city('bm');
    const h = await addHousehold(x.f, x.ox + 0.3, x.oy + 0.2);
    const p = await x.admin.client.post('/api/persons', personBody({ lon: x.ox + 0.3, lat: x.oy + 0.1 }));
    expect(p.status).toBe(201);
    // A new street s3 replaces s2 in district d2, and community m2 moves under it.
    const fc = edit(x.tree, { [x.c('s2')]: null, [x.c('m2')]: { properties: { parent_code: x.c('s3') } } }, [
      feature(x.c('s3'), '西二街道', 3, x.c('d2'), box(x.ox + 0.2, x.oy, x.ox + 0.4, x.oy + 0.4)),
    ]);
    const { id, report } = await validated(x, fc);
    expect(report.problems).toEqual([]);
    expect(report.diff).toMatchObject({
      added: [{ code: x.c('s3') }], removed: [{ code: x.c('s2') }], moved: [{ code: x.c('m2'), fromParent: x.c('s2'), toParent: x.c('s3') }],
    });
    expect((await x.admin.client.post(`/api/boundaries/imports/${id}/apply`, {})).status).toBe(200);
    const after = await treeOf(x.f);
    const s3 = after.find((n) => n.code === x.c('s3'));
    const m2 = after.find((n) => n.code === x.c('m2'));
    const gc = after.find((n) => n.code === x.c('gc'));
    expect(m2.id).toBe(x.f.nodes.m2);
    expect(m2.path).toBe(`${s3.path}.j${m2.id}`);
    expect(gc.path).toBe(`${m2.path}.j${gc.id}`);
    expect(await gridOfHousehold(x.f, h)).toEqual({ code: x.c('gc'), path: gc.path });
    const person = await owner().query('select grid_path::text as path from persons where tenant_id = $1 and id = $2', [x.f.tenantId, p.body.id]);
    expect(person.rows[0].path).toBe(gc.path);
    const counts = await owner().query('select sum(n)::int as n from grid_person_counts where tenant_id = $1 and grid_path = $2', [x.f.tenantId, gc.path]);
    expect(counts.rows[0].n).toBe(1);
  });

  it('refuses while errors remain or warnings are not accepted, and once another import was applied', async () => {
    const x = await city('bw');
    const overlap = await validated(x, edit(x.tree, { [x.c('ga')]: { geometry: box(x.ox, x.oy, x.ox + 0.11, x.oy + 0.4) } }));
    const e = await x.admin.client.post(`/api/boundaries/imports/${overlap.id}/apply`, { acceptWarnings: true });
    expect([e.status, e.body.error.code]).toEqual([409, 'import_invalid']);
    const sliver = await validated(x, x.tree, { sliverM2: '1e9' });
    expect(sliver.report.counts.warnings).toBeGreaterThan(0);
    const w = await x.admin.client.post(`/api/boundaries/imports/${sliver.id}/apply`, {});
    expect([w.status, w.body.error.code, w.body.error.field]).toEqual([409, 'warnings_not_accepted', 'acceptWarnings']);
    const other = await validated(x, splitB(x));
    expect((await x.admin.client.post(`/api/boundaries/imports/${sliver.id}/apply`, { acceptWarnings: true })).status).toBe(200);
    const stale = await x.admin.client.post(`/api/boundaries/imports/${other.id}/apply`, {});
    expect([stale.status, stale.body.error.code]).toEqual([409, 'import_superseded']);
    expect((await x.admin.client.get(`/api/boundaries/imports/${other.id}`)).body).toMatchObject({ status: 'superseded', report: { canApply: false } });
  });
});

describe('versions', () => {
  it('rolls back to an earlier version as a new version, points following', async () => {
    const x = await city('bb');
    const h = await addHousehold(x.f, x.ox + 0.17, x.oy + 0.2);
    const { id } = await validated(x, splitB(x));
    expect((await x.admin.client.post(`/api/boundaries/imports/${id}/apply`, {})).status).toBe(200);
    const [v2, v1] = (await x.admin.client.get('/api/boundaries/versions')).body.items;
    const same = await x.admin.client.post(`/api/boundaries/versions/${v2.id}/rollback`, {});
    expect([same.status, same.body.error.code]).toEqual([409, 'version_current']);
    const r = await x.admin.client.post(`/api/boundaries/versions/${v1.id}/rollback`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ number: 3, counts: { nodes: 10 }, moved: { households: 1 } });
    expect((await gridOfHousehold(x.f, h)).code).toBe(x.c('gb'));
    expect((await treeOf(x.f)).map((n) => n.code)).not.toContain(x.c('gd'));
    const items = (await x.admin.client.get('/api/boundaries/versions')).body.items;
    expect(items.map((v: any) => [v.number, v.source, v.current])).toEqual([[3, 'rollback', true], [2, 'import', false], [1, 'initial', false]]);
    expect(items[0].diff).toEqual({ added: 0, removed: 1, renamed: 0, moved: 0, reshaped: 1 });
    // Every version stays readable: version 2 still exports grid D.
    const v2export = await x.admin.client.get(`/api/boundaries/versions/${v2.id}/export`);
    expect(v2export.body.features.map((g: any) => g.properties.code)).toContain(x.c('gd'));
  });

  it('exports a version that uploads again with no problem and no change', async () => {
    const x = await city('be');
    const [current] = (await x.admin.client.get('/api/boundaries/versions')).body.items;
    const r = await x.admin.client.get(`/api/boundaries/versions/${current.id}/export`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/geo\+json/);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="boundaries-v1.geojson"');
    expect(r.body.features[0].properties).toEqual({ code: x.c('city'), name: '测试市', level: 1, parent_code: null });
    expect(r.body.features).toHaveLength(10);
    const again = await x.admin.upload(Buffer.from(JSON.stringify(r.body)), {}, 'boundaries-v1.geojson');
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.report.counts.errors).toBe(0);
    expect(again.body.report.problems).toEqual([]);
    expect(again.body.report.diff).toEqual({ added: [], removed: [], renamed: [], moved: [], reshaped: 0 });
  });
});
