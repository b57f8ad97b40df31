// Jurisdiction scoping and tenant isolation, through the API and at the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { recordingPool } from '../test/recording-pool.ts';
import { personBody, moveStatus, versionOf } from '../test/people.ts';
import { withScope, withoutCaller } from './scope.ts';
import { sql } from './sql.ts';

let t: TestApp;
let x: Fixture;
let y: Fixture;
let workerA: Client;
let workerB: Client;
let street: Client;
let personA: number;
let personB: number;
let householdB: number;
let eventB: number;

beforeAll(async () => {
  t = await createTestApp();
  x = await createFixture(t.app.db.ownerPool, 'scx');
  y = await createFixture(t.app.db.ownerPool, 'scy');
  workerA = await t.login(`${x.prefix}gridworker`);
  workerB = await t.login(`${x.prefix}gridworker2`);
  street = await t.login(`${x.prefix}street`);
  const a = await workerA.post('/api/persons', personBody(x.points.gridA));
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  personA = a.body.id;
  const b = await workerB.post('/api/persons', personBody(x.points.gridB));
  expect(b.status, JSON.stringify(b.body)).toBe(201);
  personB = b.body.id;
  eventB = b.body.events[0].id;
  const h = await workerB.post('/api/households', { location: x.points.gridB, address: '东一社区8号楼' });
  expect(h.status, JSON.stringify(h.body)).toBe(201);
  householdB = h.body.id;
});
afterAll(() => t?.close());

describe('a grid worker of grid A', () => {
  it('gets 404 for a person, household and event of grid B by id', async () => {
    expect((await workerA.get(`/api/persons/${personB}`)).status).toBe(404);
    expect((await workerA.get(`/api/households/${householdB}`)).status).toBe(404);
    expect((await workerA.get(`/api/person-events/${eventB}`)).status).toBe(404);
    expect((await workerB.get(`/api/person-events/${eventB}`)).status).toBe(200);
  });

  it('never sees grid B in lists or GeoJSON', async () => {
    const list = await workerA.get('/api/persons?pageSize=200');
    expect(list.body.items.map((p: any) => p.id)).toContain(personA);
    expect(list.body.items.map((p: any) => p.id)).not.toContain(personB);
    expect(list.body.items.every((p: any) => p.grid.id === x.nodes.gridA)).toBe(true);
    const geo = await workerA.get('/api/jurisdictions/geojson?level=5');
    expect(geo.body.features.map((f: any) => f.id)).toEqual([x.nodes.gridA]);
    const tree = await workerA.get('/api/jurisdictions/tree');
    expect(tree.body.roots).toEqual([{ id: x.nodes.gridA, code: `${x.code}-ga`, name: '第一网格', level: 5, children: [] }]);
    const hh = await workerA.get(`/api/households?bbox=-180,-90,180,90`);
    expect(hh.body.features.map((f: any) => f.id)).not.toContain(householdB);
    expect((await workerA.get(`/api/jurisdictions/${x.nodes.gridB}`)).status).toBe(404);
    expect((await workerA.get(`/api/persons?jurisdictionId=${x.nodes.gridB}`)).status).toBe(404);
  });

  it('cannot update, transition, reveal or register into grid B', async () => {
    expect((await workerA.patch(`/api/persons/${personB}`, { nativePlace: '武汉市', version: 1 })).status).toBe(404);
    expect((await workerA.post(`/api/persons/${personB}/status`, { to: 'suspected', reason: 'x', version: 1 })).status).toBe(404);
    expect((await workerA.post(`/api/persons/${personB}/reveal`, { fields: ['phone'], reason: 'x' })).status).toBe(404);
    const moved = await workerA.patch(`/api/persons/${personA}`, { location: x.points.gridB, version: await versionOf(workerA, personA) });
    expect(moved.status).toBe(422);
    expect(moved.body.error.field).toBe('location');
    const reg = await workerA.post('/api/persons', personBody(x.points.gridB));
    expect(reg.status).toBe(422);
    const check = await t.app.db.ownerPool.query('select count(*)::int n, max(version) v from persons where tenant_id = $1 and id = $2', [x.tenantId, personB]);
    expect(check.rows[0].v).toBe(1);
  });
});

describe('a street commander', () => {
  it('sees both grids of the street and nothing of the other street', async () => {
    const list = await street.get('/api/persons?pageSize=200');
    const ids = list.body.items.map((p: any) => p.id);
    expect(ids).toEqual(expect.arrayContaining([personA, personB]));
    expect((await street.get(`/api/persons/${personB}`)).status).toBe(200);
    const geo = await street.get('/api/jurisdictions/geojson?level=5');
    expect(geo.body.features.map((f: any) => f.id).sort()).toEqual([x.nodes.gridA, x.nodes.gridB].sort());
  });
});

describe('tenants', () => {
  it('a user of tenant Y sees nothing of tenant X', async () => {
    const commanderY = await t.login(`${y.prefix}commander`);
    expect((await commanderY.get(`/api/persons/${personA}`)).status).toBe(404);
    expect((await commanderY.get(`/api/households/${householdB}`)).status).toBe(404);
    expect((await commanderY.get(`/api/jurisdictions/${x.nodes.city}`)).status).toBe(404);
    const list = await commanderY.get('/api/persons?pageSize=200');
    expect(list.body.items.map((p: any) => p.id)).not.toContain(personA);
    const geo = await commanderY.get('/api/jurisdictions/geojson?level=1');
    expect(geo.body.features.map((f: any) => f.id)).toEqual([y.nodes.city]);
  });

  it('even a forged caller with tenant X\'s paths but tenant Y\'s id sees nothing', async () => {
    const paths = (await t.app.db.ownerPool.query('select path::text p from jurisdictions where tenant_id = $1 and level = 1', [x.tenantId])).rows.map((r) => r.p);
    const n = await withScope(t.app.db.pool, { tenantId: y.tenantId, userId: null, scopePaths: paths }, (tx) =>
      tx.one<{ n: number }>(sql`select count(*)::int as n from persons where tenant_id = ${x.tenantId}`));
    expect(n!.n).toBe(0);
  });
});

describe('row-level security behind the query layer', () => {
  it('returns no rows when no caller is set', async () => {
    const counts = await withoutCaller(t.app.db.pool, (tx) =>
      tx.one(sql`select (select count(*) from persons)::int p, (select count(*) from households)::int h,
                        (select count(*) from jurisdictions)::int j, (select count(*) from person_events)::int e,
                        (select count(*) from users)::int u, (select count(*) from audit_log)::int a`));
    expect(counts).toEqual({ p: 0, h: 0, j: 0, e: 0, u: 0, a: 0 });
    const owner = await t.app.db.ownerPool.query('select count(*)::int n from persons where tenant_id = $1', [x.tenantId]);
    expect(owner.rows[0].n).toBeGreaterThanOrEqual(2);
  });

  it('refuses a direct write of a row outside the caller\'s scope even without the service checks', async () => {
    const paths = (await t.app.db.ownerPool.query('select path::text p from jurisdictions where tenant_id = $1 and id = $2', [x.tenantId, x.nodes.gridA])).rows.map((r) => r.p);
    const caller = { tenantId: x.tenantId, userId: null, scopePaths: paths };
    await expect(withScope(t.app.db.pool, caller, (tx) =>
      tx.query(sql`insert into households (tenant_id, geom, address) values (${x.tenantId}, st_setsrid(st_makepoint(${x.points.gridB.lon}, ${x.points.gridB.lat}), 4326), 'outside')`),
    )).rejects.toThrow(/row-level security/);
    const upd = await withScope(t.app.db.pool, caller, (tx) => tx.query(sql`update persons set name = 'hacked' where tenant_id = ${x.tenantId} and id = ${personB}`));
    expect(upd.command).toBe('UPDATE');
    expect(upd.rowCount).toBe(0);
    // The grid is derived, never typed: writing another grid id is overwritten by containment.
    await withScope(t.app.db.pool, caller, (tx) => tx.query(sql`update persons set grid_id = ${x.nodes.gridB} where tenant_id = ${x.tenantId} and id = ${personA}`));
    const g = await t.app.db.ownerPool.query('select grid_id from persons where tenant_id = $1 and id = $2', [x.tenantId, personA]);
    expect(g.rows[0].grid_id).toBe(x.nodes.gridA);
  });
});

describe('how a transaction reaches the database', () => {
  const caller = () => ({ tenantId: x.tenantId, userId: null, scopePaths: [] as string[] });

  it('reads the values of a first statement sent inline with its begin exactly as the same statement sent with parameters', async () => {
    const probe = (a: unknown[]) => sql`select ${a[0]}::bytea as b, ${a[1]}::int[] as ints, ${a[2]}::text[] as texts, ${a[3]}::timestamptz as at,
      ${a[4]}::jsonb as doc, ${a[5]}::boolean as flag, ${a[6]}::float8 as num, ${a[7]}::text as nothing, ${a[8]} as plain, ${a[9]}::int as lim`;
    const values = [Buffer.from([0, 1, 0xfe, 0x5c]), [1, 2, 3], ['a\'b', 'c"d', 'e\\f', '{}', ''], new Date('2026-12-02T08:00:00Z'),
      JSON.stringify({ q: "it's", back: '\\', zh: '发热' }), true, 36.75, null, "O'Brien \\ 张三", 5];
    // First statement (inline with begin), then the same as a second statement (parameters).
    const [inline, params] = await withScope(t.app.db.pool, caller(), async (tx) => [await tx.one(probe(values)), await tx.one(probe(values))]);
    expect(inline).toEqual(params);
    expect(inline!.plain).toBe("O'Brien \\ 张三");
    expect(inline!.texts).toEqual(['a\'b', 'c"d', 'e\\f', '{}', '']);
  });

  it('sends a value too large or with a NUL as a parameter, so the database names the NUL', async () => {
    const big = 'x'.repeat(40_000);
    const r = await withScope(t.app.db.pool, caller(), (tx) => tx.one<{ n: number }>(sql`select length(${big}::text) as n`));
    expect(r!.n).toBe(40_000);
    await expect(withScope(t.app.db.pool, caller(), (tx) => tx.one(sql`select ${'a\0b'}::text as t`))).rejects.toMatchObject({ code: '22021' });
  });

  it('commits nothing when a statement left for the commit fails, and opens no transaction for a caller that sends nothing', async () => {
    const name = `atcommit-${Date.now()}`;
    await expect(withScope(t.app.db.pool, { ...caller(), scopePaths: (await t.app.db.ownerPool.query('select path::text p from jurisdictions where tenant_id = $1 and id = $2', [x.tenantId, x.nodes.gridA])).rows.map((r) => r.p) }, async (tx) => {
      await tx.query(sql`update persons set name = ${name} where tenant_id = ${x.tenantId} and id = ${personA}`);
      tx.atCommit('select 1 / 0');
    })).rejects.toMatchObject({ code: '22012' });
    const after = await t.app.db.ownerPool.query('select name from persons where tenant_id = $1 and id = $2', [x.tenantId, personA]);
    expect(after.rows[0].name).not.toBe(name);
    // What reaches a connection: nothing for a transaction without statements; begin, the caller and
    // the commit's statements in one query for one with only those.
    const { pool: recording, sent } = recordingPool(t.app.db.pool);
    expect(await withScope(recording, caller(), async () => 7)).toBe(7);
    expect(sent).toEqual([]);
    expect(await withScope(recording, caller(), async (tx) => {
      tx.atCommit('select 1');
      return 8;
    })).toBe(8);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^begin; set local role gec_app; .*; select 1; commit$/);
  });
});
