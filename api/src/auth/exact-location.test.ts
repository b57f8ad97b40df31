// The exact-location rule on every surface (issue 13, defect 1): a person's home, the household
// they live in and the point a report about them was made at are seen by the field roles of
// their grid (grid worker, community staff, doctor) and by the assignee of a task about them;
// commanders, street staff and administrators see nothing finer than a grid; others see nothing.
// Every surface that returns locations is read by every role and scanned for those points and the
// full address; exact reads are audited.
import { VectorTile } from '@mapbox/vector-tile';
import ExcelJS from 'exceljs';
import Pbf from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenClient } from '../test/citizen.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { personBody } from '../test/people.ts';

let t: TestApp;
let f: Fixture;
const clients: Record<string, Client> = {};
const secret: { lon: number; lat: number }[] = [];
let address = '';
let ids: { household: number; person: number; report: number; task: number };

const EXACT = ['community', 'gridworker', 'doctor'];
const COARSE = ['commander', 'street', 'admin'];
const NONE = ['checkpoint', 'auditor', 'secadmin'];

/** A point of grid A well away from its centre (where per-grid counts are drawn). */
const near = (dx: number, dy: number) => ({ lon: f.points.gridA.lon + dx, lat: f.points.gridA.lat + dy });

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'xl');
  for (const name of [...EXACT, ...COARSE, ...NONE]) clients[name] = await t.login(`${f.prefix}${name}`);
  const worker = clients.gridworker;
  address = '东一社区精确路77号9栋3单元1202';
  const home = near(0.0123457, 0.0065432);
  const h = await worker.post('/api/households', { location: home, address });
  expect(h.status, JSON.stringify(h.body)).toBe(201);
  const p = await worker.post('/api/persons', { ...personBody(home), address, householdId: h.body.id, location: near(0.0123461, 0.0065429) });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const reportAt = near(-0.0211113, 0.0132221);
  const citizen = await citizenClient(t, f.code);
  const r = await citizen.post('/api/citizen/reports', {
    subjectName: '钱某', subjectPhone: '13912345678', fever: true, temperature: 38.2, description: '发热', location: reportAt, address,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const report = await clients.community.get(`/api/reports/${r.body.id}`);
  secret.push(home, near(0.0123461, 0.0065429), reportAt);
  ids = { household: h.body.id, person: p.body.id, report: r.body.id, task: report.body.task.id };

  // A helper without the reveal right, assigned the task: sees where that task sends them, nothing else.
  const role = await clients.secadmin.post('/api/roles', {
    code: `helper_${Date.now().toString(36)}`, name: '志愿者', permissions: ['jurisdiction:read', 'person:read', 'household:read', 'report:read', 'task:read', 'task:work'],
  });
  expect(role.status, JSON.stringify(role.body)).toBe(201);
  const username = `${f.prefix}helper`;
  const u = await clients.admin.post('/api/users', { username, displayName: '志愿者 钱', scopeIds: [f.nodes.gridA], roleIds: [role.body.id] });
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  const helper = t.client();
  expect((await helper.post('/api/auth/login', { username, password: u.body.temporaryPassword })).status).toBe(200);
  expect((await helper.post('/api/auth/password', { currentPassword: u.body.temporaryPassword, newPassword: 'Helper#2026x' })).status).toBe(204);
  clients.helper = helper;
  const assigned = await clients.community.post(`/api/tasks/${ids.task}/assign`, { userId: u.body.user.id });
  expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
});
afterAll(() => t?.close());

/** Every number pair in a response that lies within ~5 m of a secret point, and whether the full address shows. */
function leaks(body: unknown): { points: number; address: boolean } {
  const numbers: number[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'number') numbers.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(body);
  let points = 0;
  for (const s of secret) if (numbers.some((n) => Math.abs(n - s.lon) < 5e-5) && numbers.some((n) => Math.abs(n - s.lat) < 5e-5)) points++;
  return { points, address: JSON.stringify(body ?? null).includes(address) };
}

/** Features of a tile as lon/lat points. */
function tilePoints(buf: Uint8Array, z: number, x: number, y: number): number[][] {
  const tile = new VectorTile(new Pbf(buf));
  const out: number[][] = [];
  for (const name of Object.keys(tile.layers)) {
    const layer = tile.layers[name];
    for (let i = 0; i < layer.length; i++) {
      const g = layer.feature(i).toGeoJSON(x, y, z).geometry;
      if (g.type === 'Point') out.push(g.coordinates as number[]);
    }
  }
  return out;
}

const tileOf = (p: { lon: number; lat: number }, z: number) => {
  const n = 2 ** z;
  const x = Math.floor(((p.lon + 180) / 360) * n);
  const r = (p.lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [z, x, y] as const;
};

async function workbookValues(buf: Uint8Array): Promise<unknown[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const values: unknown[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => values.push(typeof c.value === 'string' && /^-?\d+\.\d+$/.test(c.value) ? Number(c.value) : c.value))));
  return values;
}

/** Reads one surface as a role: 'exact' (points or address shown), 'coarse' (answered, nothing exact) or 'refused' (4xx). */
async function read(role: string, surface: string): Promise<'exact' | 'coarse' | 'refused'> {
  const c = clients[role];
  const bbox = `${f.points.gridA.lon - 0.05},${f.points.gridA.lat - 0.2},${f.points.gridA.lon + 0.05},${f.points.gridA.lat + 0.2}`;
  const nearQ = `near=${secret[0].lon},${secret[0].lat}`;
  const json = async (path: string) => {
    const r = await c.get(path);
    if (r.status >= 400) return 'refused' as const;
    const l = leaks(r.body);
    return l.points > 0 || l.address ? ('exact' as const) : ('coarse' as const);
  };
  switch (surface) {
    case 'persons': return json('/api/persons?pageSize=200');
    case 'person': return json(`/api/persons/${ids.person}`);
    case 'households': return json(`/api/households?bbox=${bbox}`);
    case 'household': return json(`/api/households/${ids.household}`);
    case 'nearby households': return json(`/api/nearby/households?${nearQ}`);
    case 'ogc households': return json('/api/ogc/collections/households/items?limit=100');
    case 'ogc household': return json(`/api/ogc/collections/households/items/${ids.household}`);
    case 'tasks': return json('/api/tasks?pageSize=200');
    case 'task': return json(`/api/tasks/${ids.task}`);
    case 'tasks nearest first': return json(`/api/tasks?${nearQ}`);
    case 'my tasks nearest first': return json(`/api/tasks?mine=true&${nearQ}`);
    case 'nearby tasks': return json(`/api/nearby/tasks?${nearQ}`);
    case 'nearby check tasks': return json(`/api/checks/tasks/nearby?${nearQ}&kind=check`);
    case 'reports': return json('/api/reports?pageSize=200');
    case 'report': return json(`/api/reports/${ids.report}`);
    case 'heat points': return json(`/api/stats/heatmap/points?bbox=${bbox}`);
    case 'heatmap': return json(`/api/stats/heatmap?bbox=${bbox}&zoom=18`);
    case 'person export':
    case 'report export': {
      const r = await c.bytes(surface === 'person export' ? '/api/persons/export.xlsx' : '/api/reports/export.xlsx');
      if (r.status >= 400) return 'refused';
      const l = leaks(await workbookValues(r.buf));
      return l.points > 0 || l.address ? 'exact' : 'coarse';
    }
    default: {
      // tiles:<layer> at z16 over each secret point
      const layer = surface.slice('tile '.length);
      let seen = false;
      for (const s of secret) {
        const [z, x, y] = tileOf(s, 16);
        const r = await c.bytes(`/api/tiles/${layer}/${z}/${x}/${y}`);
        if (r.status >= 400) return 'refused';
        const buf = r.buf;
        if (buf.length && tilePoints(buf, z, x, y).some(([lon, lat]) => secret.some((p) => Math.abs(lon - p.lon) < 5e-5 && Math.abs(lat - p.lat) < 5e-5))) seen = true;
      }
      return seen ? 'exact' : 'coarse';
    }
  }
}

const SURFACES = [
  'persons', 'person', 'households', 'household', 'nearby households', 'ogc households', 'ogc household',
  'tasks', 'task', 'tasks nearest first', 'my tasks nearest first', 'nearby tasks', 'nearby check tasks', 'reports', 'report', 'heat points', 'heatmap',
  'person export', 'report export', 'tile persons', 'tile households', 'tile tasks',
];

describe('the exact-location rule', () => {
  it('shows exact points and full addresses to the field roles of the grid and to no one else, on every surface', async () => {
    const seen: Record<string, Record<string, string>> = {};
    for (const role of [...EXACT, ...COARSE, ...NONE, 'helper']) {
      seen[role] = {};
      for (const s of SURFACES) seen[role][s] = await read(role, s);
    }
    for (const role of [...COARSE, ...NONE]) {
      const exact = Object.entries(seen[role]).filter(([, v]) => v === 'exact').map(([k]) => k);
      expect(exact, `${role} sees exact locations on`).toEqual([]);
    }
    // The helper sees where their own task sends them (list, detail, their own list nearest
    // first), nothing else.
    const helperExact = Object.entries(seen.helper).filter(([, v]) => v === 'exact').map(([k]) => k);
    expect(helperExact.sort()).toEqual(['my tasks nearest first', 'task', 'tasks']);
    expect(seen.helper['tasks nearest first']).toBe('refused');
    // The field roles do see them (so the scan above can find a leak).
    for (const role of EXACT) {
      for (const s of ['person', 'household', 'task', 'report', 'tile persons', 'tile households', 'tile tasks']) expect(seen[role][s], `${role} on ${s}`).toBe('exact');
    }
    // Commanders still see the picture: counts per grid in tiles, the lists with masked addresses.
    for (const s of ['persons', 'person', 'tasks', 'reports', 'tile persons', 'tile households', 'tile tasks', 'heatmap']) expect(seen.commander[s], `commander on ${s}`).toBe('coarse');
  });

  it('keeps live events free of points and addresses', async () => {
    const rows = await t.app.db.ownerPool.query('select payload from live_events where tenant_id = $1', [f.tenantId]);
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const r of rows.rows) expect(leaks(r.payload)).toEqual({ points: 0, address: false });
  });

  it('audits every exact read, and only those', async () => {
    const audit = async (user: string) =>
      (await t.app.db.ownerPool.query(
        `select a.object_type, count(*)::int n from audit_log a join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
          where a.tenant_id = $1 and a.action = 'location.read' and u.username = $2 group by 1 order by 1`,
        [f.tenantId, `${f.prefix}${user}`],
      )).rows.map((r) => r.object_type);
    expect(await audit('gridworker')).toEqual(expect.arrayContaining(['household', 'households', 'person', 'report', 'task', 'tile:households', 'tile:persons', 'tile:tasks']));
    expect(await audit('commander')).toEqual([]);
    // Tiles come by the dozen: one record per user and layer covers ten minutes of them.
    const tileRows = await t.app.db.ownerPool.query(
      `select count(*)::int n from audit_log a join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
        where a.tenant_id = $1 and a.action = 'location.read' and a.object_type = 'tile:persons' and u.username = $2`,
      [f.tenantId, `${f.prefix}gridworker`],
    );
    expect(tileRows.rows[0].n).toBe(1);
    expect(await audit('helper')).toEqual(['task']);
    // each with the address it came from, whatever the surface
    const withoutIp = await t.app.db.ownerPool.query(
      `select distinct object_type from audit_log where tenant_id = $1 and action = 'location.read' and ip is null`, [f.tenantId]);
    expect(withoutIp.rows).toEqual([]);
  });
});

describe('nearest first without the reveal right', () => {
  it('orders only the tasks assigned to the user personally, with their distances', async () => {
    const r = await clients.helper.get(`/api/tasks?mine=true&near=${secret[0].lon},${secret[0].lat}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.items.map((x: { id: number }) => x.id)).toEqual([ids.task]);
    expect(typeof r.body.items[0].distanceM).toBe('number');
    // The grid worker (reveal right) orders every task of their list.
    const all = await clients.gridworker.get(`/api/tasks?mine=true&near=${secret[0].lon},${secret[0].lat}`);
    expect(all.status).toBe(200);
    // Without task:work, no nearest-first list at all.
    expect((await clients.commander.get(`/api/tasks?mine=true&near=${secret[0].lon},${secret[0].lat}`)).status).toBe(403);
  });
});
