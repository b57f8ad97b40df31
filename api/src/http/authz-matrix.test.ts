// The authorization matrix, generated from the route table (issue 13): every route declares who may
// call it (a route the lists below do not know fails the test until someone decides), and every
// route that names an object is called by every role of one tenant on an object of another tenant,
// and by a grid worker on an object of another grid: never an answer with the object, never a 5xx,
// and the other tenant's data is byte for byte what it was. Lists read by every role carry none of
// the other tenant's (or grid's) records.
import Router from '@koa/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareRoutes } from '../app.ts';
import { makeResidentId } from '../persons/idnumber.ts';
import { citizenClient } from '../test/citizen.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { Routes, type RouteEntry } from './route.ts';

let t: TestApp;
let a: Fixture;
let b: Fixture;
let table: RouteEntry[];
const ROLES = ['commander', 'street', 'community', 'gridworker', 'gridworker2', 'doctor', 'checkpoint', 'admin', 'secadmin', 'auditor'];
const callers: Record<string, Client> = {};
/** Objects of tenant B (and of grid B of tenant A, for the grid worker of grid A). */
const other: Record<string, number> = {};
const gridB: Record<string, number> = {};
const MARK_B = '乙市专用标记';
const MARK_GRID_B = '二网格专用标记';

/**
 * Routes anyone may call, and routes any signed-in staff user may call, reviewed one by one: the
 * tiles, OGC collections and articles check the layer's, collection's or content's permission
 * themselves; the rest hold nothing personal.
 */
const PUBLIC = new Set([
  'GET /api/health', 'GET /api/openapi.json', 'POST /api/auth/login', 'POST /api/citizen/sms-code', 'POST /api/citizen/login',
  'GET /api/passes/keys', 'GET /api/public/articles', 'GET /api/public/articles/:id', 'GET /api/ogc/api',
]);
const AUTHENTICATED = new Set([
  'POST /api/auth/logout', 'GET /api/auth/me', 'POST /api/auth/password',
  // the caller's own second factor and re-authentication
  'POST /api/auth/step-up', 'POST /api/auth/totp/setup', 'POST /api/auth/totp/enable', 'POST /api/auth/totp/disable',
  'GET /api/tiles/:layer.json', 'GET /api/tiles/:layer/:z/:x/:y',
  'GET /api/articles', 'GET /api/articles/:id', 'GET /api/ogc', 'GET /api/ogc/conformance', 'GET /api/ogc/collections',
  'GET /api/ogc/collections/:collectionId', 'GET /api/ogc/collections/:collectionId/items', 'GET /api/ogc/collections/:collectionId/items/:featureId',
  'GET /api/map/config', 'GET /api/map/basemap.pmtiles',
]);

beforeAll(async () => {
  t = await createTestApp();
  const routes = new Routes(new Router(), t.app);
  declareRoutes(routes, t.app);
  table = routes.table;
  a = await createFixture(t.app.db.ownerPool, 'mxa');
  b = await createFixture(t.app.db.ownerPool, 'mxb');
  for (const r of ROLES) callers[r] = await t.login(`${a.prefix}${r}`);
  callers.citizen = await citizenClient(t, a.code);

  // Tenant B: a person with a check, an alert and notes, a household, a report and its task, an
  // article, and its organisation.
  const bWorker = await t.login(`${b.prefix}gridworker`);
  const bDoctor = await t.login(`${b.prefix}doctor`);
  const bAdmin = await t.login(`${b.prefix}admin`);
  const hh = await bWorker.post('/api/households', { location: b.points.gridA, address: `${MARK_B}路1号` });
  other.household = hh.body.id;
  const p = await bWorker.post('/api/registrations', { kind: 'patrol', person: { name: `${MARK_B}甲`, idNumber: makeResidentId('420111', '1970-05-05', 11, 'male'), location: b.points.gridA, householdId: hh.body.id } });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  other.person = p.body.id;
  other.event = p.body.events[0].id;
  const check = await bDoctor.post(`/api/persons/${other.person}/checks`, { temperature: 38.7, cough: true, description: MARK_B });
  expect(check.status, JSON.stringify(check.body)).toBe(201);
  other.check = check.body.id;
  other.alert = (await bDoctor.get('/api/alerts')).body.items[0].id;
  const bCitizen = await citizenClient(t, b.code);
  const report = await bCitizen.post('/api/citizen/reports', { subjectName: `${MARK_B}乙`, subjectPhone: '13912340000', fever: true, description: MARK_B, location: b.points.gridA, address: `${MARK_B}路2号` });
  expect(report.status, JSON.stringify(report.body)).toBe(201);
  other.report = report.body.id;
  other.task = (await bWorker.get(`/api/reports/${other.report}`)).body.task.id;
  other.referral = (await bWorker.get('/api/tasks?kind=referral')).body.items[0]?.id ?? other.task;
  const bContent = await t.login(`${b.prefix}admin`);
  const article = await bContent.post('/api/articles', { kind: 'news', title: `${MARK_B}新闻`, body: MARK_B });
  other.article = article.body.id;
  other.department = (await bAdmin.get('/api/departments')).body[0].id;
  other.position = (await bAdmin.get('/api/positions')).body[0].id;
  other.role = (await bAdmin.get('/api/roles')).body[0].id;
  other.user = (await bAdmin.get('/api/users')).body.items[0].id;
  other.jurisdiction = b.nodes.gridA;

  // Grid B of tenant A, for the grid worker of grid A.
  const w2 = await t.login(`${a.prefix}gridworker2`);
  const hh2 = await w2.post('/api/households', { location: a.points.gridB, address: `${MARK_GRID_B}路1号` });
  gridB.household = hh2.body.id;
  const p2 = await w2.post('/api/registrations', { kind: 'patrol', person: { name: `${MARK_GRID_B}丙`, idNumber: makeResidentId('420111', '1971-06-06', 13, 'female'), location: a.points.gridB } });
  gridB.person = p2.body.id;
  gridB.event = p2.body.events[0].id;
  const c2 = await (await t.login(`${a.prefix}doctor`)).post(`/api/persons/${gridB.person}/checks`, { temperature: 36.5, description: MARK_GRID_B });
  gridB.check = c2.body.id;
  const citizenA = await citizenClient(t, a.code);
  const r2 = await citizenA.post('/api/citizen/reports', { subjectName: `${MARK_GRID_B}丁`, subjectPhone: '13912340001', fever: true, description: MARK_GRID_B, location: a.points.gridB, address: `${MARK_GRID_B}路2号` });
  gridB.report = r2.body.id;
  gridB.task = (await w2.get(`/api/reports/${gridB.report}`)).body.task.id;
}, 120_000);
afterAll(() => t?.close());

/** Which object a route's :id names, from its first path segment. */
function objectOf(path: string): string | undefined {
  const seg = path.split('/')[2];
  return ({
    persons: path.includes('/imports/') ? undefined : 'person', 'person-events': 'event', households: 'household', tasks: 'task', reports: 'report',
    checks: 'check', alerts: 'alert', articles: 'article', departments: 'department', positions: 'position', roles: 'role', users: 'user',
    jurisdictions: 'jurisdiction',
  } as Record<string, string>)[seg];
}

/** A body that passes validation, so that what answers is the authorization and the scope. */
function bodyFor(method: string, path: string, ids: Record<string, number>): unknown {
  const key = `${method} ${path}`;
  return ({
    'PATCH /api/persons/:id': { nativePlace: '乙地', version: 1 },
    'POST /api/persons/:id/status': { to: 'suspected', reason: '越权', version: 1 },
    'POST /api/persons/:id/notes': { text: '越权' },
    'POST /api/persons/:id/checks': { temperature: 36.5 },
    'POST /api/persons/:id/release': { version: 1 },
    'POST /api/persons/:id/reveal': { fields: ['phone', 'address'], reason: '越权' },
    'POST /api/reports/:id/reveal': { fields: ['subjectPhone'], reason: '越权' },
    'POST /api/tasks/:id/assign': { userId: 1 },
    'POST /api/tasks/:id/verification': { outcome: 'mistaken', reason: '越权' },
    'POST /api/tasks/:id/referral': { outcome: 'excluded', reason: '越权' },
    'POST /api/alerts/:id/acknowledge': undefined,
    'PATCH /api/articles/:id': { title: '越权' },
    'PATCH /api/departments/:id': { name: '越权' },
    'PATCH /api/positions/:id': { name: '越权' },
    'PATCH /api/roles/:id': { name: '越权' },
    'PATCH /api/users/:id': { displayName: '越权' },
    'PATCH /api/jurisdictions/:id': { name: '越权' },
  } as Record<string, unknown>)[key] ?? (method === 'GET' || method === 'DELETE' ? undefined : {});
  void ids;
}

/** Everything of tenant B a write could touch, as one digest. */
async function digestOfB(): Promise<string> {
  const r = await t.app.db.ownerPool.query(
    `select md5(concat_ws('|',
       (select string_agg(concat_ws(',', id, version, status, name, native_place), ';' order by id) from persons where tenant_id = $1),
       (select string_agg(concat_ws(',', id, address), ';' order by id) from households where tenant_id = $1),
       (select string_agg(concat_ws(',', id, state, assignee_user_id, result::text), ';' order by id) from tasks where tenant_id = $1),
       (select string_agg(concat_ws(',', id, acknowledged_at), ';' order by id) from alerts where tenant_id = $1),
       (select string_agg(concat_ws(',', id, title, status), ';' order by id) from articles where tenant_id = $1),
       (select string_agg(concat_ws(',', id, name), ';' order by id) from departments where tenant_id = $1),
       (select string_agg(concat_ws(',', id, name), ';' order by id) from positions where tenant_id = $1),
       (select string_agg(concat_ws(',', id, name), ';' order by id) from roles where tenant_id = $1),
       (select string_agg(concat_ws(',', id, display_name), ';' order by id) from users where tenant_id = $1),
       (select string_agg(concat_ws(',', id, name), ';' order by id) from jurisdictions where tenant_id = $1),
       (select count(*) from person_events where tenant_id = $1), (select count(*) from health_checks where tenant_id = $1))) as d`,
    [b.tenantId],
  );
  return r.rows[0].d;
}

describe('the authorization matrix', () => {
  it('has an explicit rule for every route: a permission of the catalogue, or a reviewed public or signed-in route', () => {
    expect(table.length).toBeGreaterThan(100);
    const unreviewed: string[] = [];
    for (const r of table) {
      const key = `${r.method} ${r.path}`;
      if ('public' in r.access && !PUBLIC.has(key)) unreviewed.push(`${key}: public`);
      if ('authenticated' in r.access && !AUTHENTICATED.has(key)) unreviewed.push(`${key}: any signed-in user`);
    }
    expect(unreviewed).toEqual([]);
  });

  it('never gives one tenant another tenant\'s object, on any route, to any role; nothing of it changes', async () => {
    const before = await digestOfB();
    const leaks: string[] = [];
    let routesTried = 0;
    let refusedAfterValidation = 0;
    for (const r of table) {
      if (!/:id\b/.test(r.path) || 'public' in r.access) continue;
      const kind = objectOf(r.path) ?? (r.path.startsWith('/api/citizen/') ? 'report' : undefined);
      if (!kind || other[kind] === undefined) continue;
      routesTried++;
      const url = r.path.replace(':id', String(other[kind]));
      for (const [who, c] of Object.entries(callers)) {
        const res = await c.request(r.method, url, bodyFor(r.method, r.path, other));
        if (res.status >= 500 || res.status < 400) leaks.push(`${who} ${r.method} ${url}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
        if ([403, 404].includes(res.status)) refusedAfterValidation++;
        if (JSON.stringify(res.body ?? '').includes(MARK_B)) leaks.push(`${who} ${r.method} ${url}: shows tenant B's data`);
      }
    }
    expect(leaks).toEqual([]);
    expect(routesTried).toBeGreaterThan(30);
    // The answers were the authorization's (403/404), not the bodies' validation.
    expect(refusedAfterValidation).toBeGreaterThan(routesTried * Object.keys(callers).length * 0.8);
    expect(await digestOfB()).toBe(before);
  });

  it('keeps a grid worker to their grid on every route that names a person, household, task, report, check or event', async () => {
    const worker = callers.gridworker;
    const leaks: string[] = [];
    let tried = 0;
    for (const r of table) {
      if (!/:id\b/.test(r.path) || 'public' in r.access) continue;
      const kind = objectOf(r.path);
      if (!kind || gridB[kind] === undefined) continue;
      tried++;
      const url = r.path.replace(':id', String(gridB[kind]));
      const res = await worker.request(r.method, url, bodyFor(r.method, r.path, gridB));
      if (res.status >= 500 || res.status < 400 || JSON.stringify(res.body ?? '').includes(MARK_GRID_B)) {
        leaks.push(`${r.method} ${url}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(tried).toBeGreaterThan(15);
  });

  it('lists nothing of another tenant to any role (nor of another grid to a grid worker)', async () => {
    const bbox = '-180,-85,180,85';
    const fill: Record<string, string> = { bbox, near: `${b.points.gridA.lon},${b.points.gridA.lat}`, level: '5', zoom: '12', pageSize: '200', limit: '1000' };
    const leaks: string[] = [];
    let answered = 0;
    const doc = (await callers.admin.get('/api/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean }[] }>> };
    for (const r of table) {
      if (r.method !== 'GET' || /:/.test(r.path) || 'public' in r.access || r.path === '/api/live' || r.path.endsWith('.xlsx')) continue;
      const op = doc.paths[r.path]?.get;
      const qs = new URLSearchParams((op?.parameters ?? []).filter((p) => p.in === 'query' && fill[p.name]).map((p) => [p.name, fill[p.name]])).toString();
      for (const [who, c] of Object.entries(callers)) {
        const res = await c.request('GET', `${r.path}${qs ? `?${qs}` : ''}`);
        if (res.status >= 500) leaks.push(`${who} GET ${r.path}: ${res.status}`);
        if (res.status === 200) answered++;
        const text = JSON.stringify(res.body ?? '');
        if (text.includes(MARK_B)) leaks.push(`${who} GET ${r.path}: tenant B's records`);
        if (who === 'gridworker' && text.includes(MARK_GRID_B)) leaks.push(`gridworker GET ${r.path}: grid B's records`);
      }
    }
    expect(leaks).toEqual([]);
    expect(answered).toBeGreaterThan(100);
    // The markers are there to be found by those who may see them.
    const own = await t.login(`${b.prefix}community`);
    expect(JSON.stringify((await own.get('/api/persons')).body)).toContain(MARK_B);
    expect(JSON.stringify((await callers.gridworker2.get('/api/persons')).body)).toContain(MARK_GRID_B);
  });
});
