// GET /api/stats/summary: counts, trends and breakdowns on a known history, scoped by RLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { personBody } from '../test/people.ts';
import { resolveRange, todayCst } from './summary.ts';

let t: TestApp;
let f: Fixture;
let commander: Client;
let street: Client;

type Point = { lon: number; lat: number };
const wkt = (p: Point) => `SRID=4326;POINT(${p.lon} ${p.lat})`;

/**
 * A person with a history: [status, at] steps, the first being the registration. Severity
 * changes of a confirmed case are steps with the same status.
 */
async function addPerson(where: Point, steps: [string, string][], route: string | null = null): Promise<number> {
  const own = t.app.db.ownerPool;
  const [status, lastAt] = steps[steps.length - 1];
  const id = (await own.query(
    `insert into persons (tenant_id, name, source, status, severity, infection_route, geom, created_at, status_changed_at)
     values ($1, '汇总测试', 'cdc', $2, $3, $4, $5, $6, $7) returning id`,
    [f.tenantId, status, status === 'confirmed' ? 'severe' : null, route, wkt(where), steps[0][1], lastAt],
  )).rows[0].id;
  for (const [i, [to, at]] of steps.entries()) {
    const from = i === 0 ? null : steps[i - 1][0];
    await own.query(
      `insert into person_events (tenant_id, person_id, kind, at, from_status, to_status) values ($1, $2, $3, $4, $5, $6)`,
      [f.tenantId, id, i === 0 ? 'created' : 'status', at, from, to],
    );
  }
  return id;
}

const cst = (day: string, time = '12:00') => `${day}T${time}:00+08:00`;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'summary');
  const { gridA, gridB, gridC } = f.points;
  const own = t.app.db.ownerPool;
  const p1 = await addPerson(gridA, [['watching', cst('2026-02-20')], ['suspected', cst('2026-03-01')], ['confirmed', cst('2026-03-02')], ['cured', cst('2026-03-04')]], 'imported');
  const p2 = await addPerson(gridA, [['suspected', cst('2026-03-01')], ['confirmed', cst('2026-03-03')], ['confirmed', cst('2026-03-04')]], 'local_contact');
  // 07:00 in Beijing is still the previous day in UTC: counted on the local day.
  await addPerson(gridB, [['watching', cst('2026-03-03', '07:00')]]);
  const p4 = await addPerson(gridC, [['confirmed', cst('2026-02-25')], ['dead', cst('2026-03-05', '23:59')]]);
  await addPerson(gridC, [['watching', cst('2026-03-06', '00:00')]]);
  await addPerson(gridB, [['watching', cst('2026-02-01')], ['released', cst('2026-02-15')]]);
  for (const p of [gridA, gridA, gridC]) await own.query(`insert into households (tenant_id, geom, address) values ($1, $2, '汇总楼')`, [f.tenantId, wkt(p)]);
  for (const [p, state] of [[gridA, 'open'], [gridB, 'done'], [gridC, 'open']] as const) {
    await own.query(`insert into tasks (tenant_id, kind, assignee_jurisdiction_id, geom, state) values ($1, 'check', $2, $3, $4)`, [f.tenantId, f.nodes.m1, wkt(p), state]);
  }
  await own.query(`insert into alerts (tenant_id, person_id, kind) values ($1, $2, 'abnormal_reading')`, [f.tenantId, p2]);
  await own.query(`insert into alerts (tenant_id, person_id, kind, acknowledged_at) values ($1, $2, 'abnormal_reading', now())`, [f.tenantId, p1]);
  await own.query(`insert into alerts (tenant_id, person_id, kind) values ($1, $2, 'abnormal_reading')`, [f.tenantId, p4]);
  commander = await t.login(`${f.prefix}commander`);
  street = await t.login(`${f.prefix}street`);
});
afterAll(() => t?.close());

const RANGE = 'from=2026-03-01&to=2026-03-05';
const counts = (c: Partial<Record<string, number>>) => ({ watching: 0, suspected: 0, confirmed: 0, cured: 0, dead: 0, released: 0, closed: 0, ...c });

describe('summary of the city', () => {
  it('counts persons by current status, the overview and the routes of the cases', async () => {
    const r = await commander.get(`/api/stats/summary?${RANGE}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.node).toEqual({ id: f.nodes.city, name: '测试市', level: 1, parentId: null });
    expect(r.body.range).toEqual({ from: '2026-03-01', to: '2026-03-05' });
    expect(r.body.counts).toEqual(counts({ watching: 2, confirmed: 1, cured: 1, dead: 1, released: 1 }));
    expect(r.body.overview).toEqual({ persons: 6, households: 3, grids: 3, openTasks: 2, openAlerts: 2, newInRange: 2 });
    expect(r.body.byRoute).toEqual([
      { route: 'imported', count: 1 },
      { route: 'local_contact', count: 1 },
      { route: 'cluster', count: 0 },
      { route: 'unknown', count: 0 },
      { route: 'unspecified', count: 1 },
    ]);
  });

  it('gives every day of the range, entries into each status that day and running totals with earlier history', async () => {
    const r = await commander.get(`/api/stats/summary?${RANGE}`);
    expect(r.body.daily).toEqual([
      { day: '2026-03-01', registered: 1, suspected: 2, confirmed: 0, cured: 0, dead: 0 },
      { day: '2026-03-02', registered: 0, suspected: 0, confirmed: 1, cured: 0, dead: 0 },
      { day: '2026-03-03', registered: 1, suspected: 0, confirmed: 1, cured: 0, dead: 0 },
      // the severity change of a confirmed case that day is not a new confirmed case
      { day: '2026-03-04', registered: 0, suspected: 0, confirmed: 0, cured: 1, dead: 0 },
      { day: '2026-03-05', registered: 0, suspected: 0, confirmed: 0, cured: 0, dead: 1 },
    ]);
    // one case was registered confirmed before the range
    expect(r.body.cumulative).toEqual([
      { day: '2026-03-01', confirmed: 1, cured: 0, dead: 0, suspected: 2 },
      { day: '2026-03-02', confirmed: 2, cured: 0, dead: 0, suspected: 2 },
      { day: '2026-03-03', confirmed: 3, cured: 0, dead: 0, suspected: 2 },
      { day: '2026-03-04', confirmed: 3, cured: 1, dead: 0, suspected: 2 },
      { day: '2026-03-05', confirmed: 3, cured: 1, dead: 1, suspected: 2 },
    ]);
    const one = await commander.get('/api/stats/summary?from=2026-03-06&to=2026-03-06');
    expect(one.body.daily).toEqual([{ day: '2026-03-06', registered: 1, suspected: 0, confirmed: 0, cured: 0, dead: 0 }]);
    expect(one.body.cumulative).toEqual([{ day: '2026-03-06', confirmed: 3, cured: 1, dead: 1, suspected: 2 }]);
  });

  it('breaks the node down into its children, largest first', async () => {
    const r = await commander.get(`/api/stats/summary?${RANGE}`);
    expect(r.body.byJurisdiction).toEqual([
      { id: f.nodes.d1, name: '东区', level: 2, counts: counts({ watching: 1, confirmed: 1, cured: 1, released: 1 }), total: 4 },
      { id: f.nodes.d2, name: '西区', level: 2, counts: counts({ watching: 1, dead: 1 }), total: 2 },
    ]);
  });

  it('summarises a chosen node and only its subtree', async () => {
    const r = await commander.get(`/api/stats/summary?node=${f.nodes.d2}&${RANGE}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.node).toEqual({ id: f.nodes.d2, name: '西区', level: 2, parentId: f.nodes.city });
    expect(r.body.counts).toEqual(counts({ watching: 1, dead: 1 }));
    expect(r.body.overview).toEqual({ persons: 2, households: 1, grids: 1, openTasks: 1, openAlerts: 1, newInRange: 0 });
    expect(r.body.byJurisdiction.map((j: any) => [j.id, j.total])).toEqual([[f.nodes.s2, 2]]);
    expect(r.body.byRoute.find((x: any) => x.route === 'unspecified').count).toBe(1);
    expect(r.body.daily.map((d: any) => d.dead)).toEqual([0, 0, 0, 0, 1]);
    expect(r.body.cumulative.map((d: any) => d.confirmed)).toEqual([1, 1, 1, 1, 1]);
    const grid = await commander.get(`/api/stats/summary?node=${f.nodes.gridA}&${RANGE}`);
    expect(grid.body.counts).toEqual(counts({ confirmed: 1, cured: 1 }));
    expect(grid.body.byJurisdiction).toEqual([]);
    expect(grid.body.overview).toMatchObject({ persons: 2, households: 2, grids: 1, openTasks: 1, openAlerts: 1 });
  });

  it('defaults to the last 30 days ending today (China Standard Time)', async () => {
    const r = await commander.get('/api/stats/summary');
    expect(r.status).toBe(200);
    expect(r.body.range.to).toBe(todayCst());
    expect(r.body.daily).toHaveLength(30);
    expect(r.body.daily[0].day).toBe(r.body.range.from);
    expect(r.body.cumulative[29]).toEqual({ day: todayCst(), confirmed: 3, cured: 1, dead: 1, suspected: 2 });
    expect(resolveRange(undefined, '2026-03-05')).toEqual({ from: '2026-02-04', to: '2026-03-05' });
    expect(resolveRange('2025-03-05', '2026-03-05')).toEqual({ from: '2025-03-05', to: '2026-03-05' });
  });
});

describe('who may see what', () => {
  it('refuses roles without dashboard:view', async () => {
    for (const who of ['gridworker', 'doctor', 'checkpoint']) {
      const r = await (await t.login(`${f.prefix}${who}`)).get('/api/stats/summary');
      expect(r.status, who).toBe(403);
    }
    expect((await t.client().get('/api/stats/summary')).status).toBe(401);
    expect((await (await t.login(`${f.prefix}community`)).get('/api/stats/summary')).status).toBe(200);
    expect((await (await t.login(`${f.prefix}admin`)).get('/api/stats/summary')).status).toBe(200);
  });

  it('shows a street only its own subtree: another street, or anything above, is not found', async () => {
    const r = await street.get(`/api/stats/summary?${RANGE}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.node.id).toBe(f.nodes.s1);
    expect(r.body.counts).toEqual(counts({ watching: 1, confirmed: 1, cured: 1, released: 1 }));
    expect(r.body.byJurisdiction.map((j: any) => [j.id, j.total])).toEqual([[f.nodes.m1, 4]]);
    expect(r.body.overview).toEqual({ persons: 4, households: 2, grids: 2, openTasks: 1, openAlerts: 1, newInRange: 2 });
    expect(r.body.cumulative[4]).toEqual({ day: '2026-03-05', confirmed: 2, cured: 1, dead: 0, suspected: 2 });
    for (const node of [f.nodes.s2, f.nodes.d2, f.nodes.gridC, f.nodes.d1, f.nodes.city]) {
      const out = await street.get(`/api/stats/summary?node=${node}`);
      expect(out.status, String(node)).toBe(404);
    }
    expect((await street.get(`/api/stats/summary?node=${f.nodes.gridB}&${RANGE}`)).body.counts).toEqual(counts({ watching: 1, released: 1 }));
  });

  it('sums several scope roots with node null and lists the roots themselves', async () => {
    const own = t.app.db.ownerPool;
    const user = (await own.query(`select id from users where tenant_id = $1 and username = $2`, [f.tenantId, `${f.prefix}street`])).rows[0].id;
    await own.query(`insert into user_scopes (tenant_id, user_id, jurisdiction_id) values ($1, $2, $3), ($1, $2, $4)`, [f.tenantId, user, f.nodes.gridC, f.nodes.gridA]);
    try {
      const two = await t.login(`${f.prefix}street`);
      const r = await two.get(`/api/stats/summary?${RANGE}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.node).toBeNull();
      // gridA lies inside s1, so the roots are s1 and gridC
      expect(r.body.byJurisdiction.map((j: any) => [j.id, j.level, j.total])).toEqual([[f.nodes.s1, 3, 4], [f.nodes.gridC, 5, 2]]);
      expect(r.body.overview).toMatchObject({ persons: 6, grids: 3, households: 3 });
      expect((await two.get(`/api/stats/summary?node=${f.nodes.gridC}`)).status).toBe(200);
      expect((await two.get(`/api/stats/summary?node=${f.nodes.m2}`)).status).toBe(404);
    } finally {
      await own.query(`delete from user_scopes where tenant_id = $1 and user_id = $2 and jurisdiction_id in ($3, $4)`, [f.tenantId, user, f.nodes.gridC, f.nodes.gridA]);
    }
  });
});

describe('household counts', () => {
  it('follow households created through the API, moved and deleted', async () => {
    const community = await t.login(`${f.prefix}community`);
    const households = async () => (await commander.get(`/api/stats/summary?node=${f.nodes.gridB}`)).body.overview.households;
    expect(await households()).toBe(0);
    const created = await community.post('/api/households', { address: '汇总新楼', location: f.points.gridB });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(await households()).toBe(1);
    const own = t.app.db.ownerPool;
    await own.query(`update households set geom = $3 where tenant_id = $1 and id = $2`, [f.tenantId, created.body.id, wkt(f.points.gridC)]);
    expect(await households()).toBe(0);
    expect((await commander.get(`/api/stats/summary?node=${f.nodes.gridC}`)).body.overview.households).toBe(2);
    await own.query(`delete from households where tenant_id = $1 and id = $2`, [f.tenantId, created.body.id]);
    expect((await commander.get(`/api/stats/summary?node=${f.nodes.gridC}`)).body.overview.households).toBe(1);
    const truth = await own.query(`select count(*)::int n from households where tenant_id = $1`, [f.tenantId]);
    expect((await commander.get('/api/stats/summary')).body.overview.households).toBe(truth.rows[0].n);
  });

  it('let a tenant with households and grids be deleted, and a grid too', async () => {
    const own = t.app.db.ownerPool;
    const g = await createFixture(own, 'sumdel');
    for (const p of [g.points.gridA, g.points.gridB, g.points.gridC]) await own.query(`insert into households (tenant_id, geom, address) values ($1, $2, '删除楼')`, [g.tenantId, wkt(p)]);
    await own.query(`delete from jurisdictions where tenant_id = $1 and id = $2`, [g.tenantId, g.nodes.gridB]);
    const left = await own.query(`select grid_id::int, households from grid_household_counts where tenant_id = $1 order by grid_id`, [g.tenantId]);
    expect(left.rows).toEqual([{ grid_id: g.nodes.gridA, households: 1 }, { grid_id: g.nodes.gridC, households: 1 }]);
    await own.query(`delete from tenants where id = $1`, [g.tenantId]);
    expect((await own.query(`select count(*)::int n from grid_household_counts where tenant_id = $1`, [g.tenantId])).rows[0].n).toBe(0);
  });
});

describe('bad input', () => {
  it('answers 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['from=2026-02-30', 'from'],
      ['from=yesterday', 'from'],
      ['to=2026-13-01', 'to'],
      ['from=2026-03-05&to=2026-03-01', 'to'],
      ['from=2099-01-01', 'from'],
      ['from=2025-01-01&to=2026-03-01', 'from'],
      ['node=abc', 'node'],
      ['node=0', 'node'],
      ['node=1.5', 'node'],
      ['level=2', 'level'],
    ];
    for (const [query, field] of cases) {
      const r = await commander.get(`/api/stats/summary?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.error.field, query).toBe(field);
    }
    expect((await commander.get('/api/stats/summary?node=999999999')).status).toBe(404);
  });
});

describe('kept counts', () => {
  it('answer alike while the data is the same (kept in memory), and count a change at once: persons by the data version, open tasks and alerts read each time', async () => {
    const own = t.app.db.ownerPool;
    const read = async () => (await commander.get(`/api/stats/summary?${RANGE}`)).body;
    const before = await read();
    expect(await read()).toEqual(before);
    // an alert acknowledged and a task closed (no person changes) show at once
    await own.query(`update alerts set acknowledged_at = now() where tenant_id = $1 and id = (select min(id) from alerts where tenant_id = $1 and acknowledged_at is null)`, [f.tenantId]);
    await own.query(`update tasks set state = 'done' where tenant_id = $1 and id = (select min(id) from tasks where tenant_id = $1 and state = 'open')`, [f.tenantId]);
    const closed = await read();
    expect(closed.overview).toMatchObject({ openAlerts: before.overview.openAlerts - 1, openTasks: before.overview.openTasks - 1 });
    // a person registered through the API counts at once, here and in the grid's street breakdown
    const worker = await t.login(`${f.prefix}gridworker`);
    const created = await worker.post('/api/persons', personBody(f.points.gridA));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const after = await read();
    expect(after.counts.watching).toBe(before.counts.watching + 1);
    expect(after.overview.persons).toBe(before.overview.persons + 1);
  });
});
