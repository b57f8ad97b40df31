// Control characters (NUL above all, which PostgreSQL cannot store) in any field of any route: a
// 400 that names the field, never a 5xx — for every route of the OpenAPI document, as each kind of
// caller (issue 13, defect 2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenClient } from '../test/citizen.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
const NUL = 'a\u0000b';

interface Operation {
  method: string;
  path: string;
  query: string[];
  body: string[];
}

type Schema = { type?: string; properties?: Record<string, Schema>; allOf?: Schema[]; anyOf?: Schema[]; oneOf?: Schema[] };

/** Names of a JSON body schema's top-level string properties (and of its variants'). */
function stringFields(schema: Schema | undefined): string[] {
  if (!schema) return [];
  const own = Object.entries(schema.properties ?? {}).filter(([, s]) => s.type === 'string').map(([k]) => k);
  const variants = [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(stringFields);
  return [...new Set([...own, ...variants])];
}

async function operations(): Promise<Operation[]> {
  const doc = (await t.client().get('/api/openapi.json')).body as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      body: stringFields(op.requestBody?.content['application/json']?.schema),
    })),
  );
}

/** The operation with every path parameter set (a real id where one is needed is not: the check comes first). */
function request(op: Operation): { url: string; body?: unknown } {
  const path = op.path.replace(/\{[^}]+\}/g, '1');
  const qs = new URLSearchParams(op.query.map((k) => [k, NUL])).toString();
  const url = `${path}${qs ? `?${qs}` : ''}`;
  if (op.method === 'GET' || op.method === 'DELETE') return { url };
  return { url, body: Object.fromEntries((op.body.length ? op.body : ['note']).map((k) => [k, NUL])) };
}

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'ctl');
});

afterAll(async () => {
  await t?.close();
});

describe('control characters in input', () => {
  it('never answer 5xx on any route, for anonymous, staff of every kind and a citizen', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(100);
    const callers: [string, Client][] = [
      ['anonymous', t.client()],
      ...(await Promise.all(['admin', 'commander', 'gridworker', 'doctor', 'checkpoint', 'auditor'].map(async (r) => [r, await t.login(`${f.prefix}${r}`)] as [string, Client]))),
      ['citizen', await citizenClient(t, f.code)],
    ];
    const failures: string[] = [];
    let refusedByField = 0;
    for (const [who, client] of callers) {
      for (const op of ops) {
        if (op.path === '/api/auth/logout' || op.path === '/api/citizen/logout') continue; // would end the session under test
        const { url, body } = request(op);
        const res = await client.request(op.method, url, body);
        if (res.status >= 500) failures.push(`${who} ${op.method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
        if (res.status === 400 && /control characters/.test(res.body?.error?.message ?? '')) refusedByField++;
      }
    }
    expect(failures).toEqual([]);
    expect(refusedByField).toBeGreaterThan(ops.length); // the check ran for most routes a caller may use
  }, 240_000);

  it('name the field, before sign-in and in a search', async () => {
    const anonymous = t.client();
    const login = await anonymous.post('/api/auth/login', { username: `${f.prefix}admin\u0000`, password: 'x' });
    expect([login.status, login.body.error.field]).toEqual([400, 'username']);
    const admin = await t.login(`${f.prefix}admin`);
    const search = await admin.get('/api/persons?q=%00');
    expect([search.status, search.body.error.code, search.body.error.field]).toEqual([400, 'invalid_input', 'q']);
    const nested = await admin.post('/api/persons', { name: '张三', coResidents: [{ name: 'x\u0001' }] });
    expect([nested.status, nested.body.error.field]).toEqual([400, 'coResidents.0.name']);
    const key = await admin.request('POST', '/api/persons', '{"na\\u0000me":"张三"}', { 'content-type': 'application/json' });
    expect([key.status, key.body.error.field]).toEqual([400, 'na?me']);
    // a right-to-left override makes a stored name read differently on every screen (Trojan Source)
    const rlo = await admin.post('/api/persons', { name: '张\u202E三', idNumber: '110101199003070011' });
    expect([rlo.status, rlo.body.error.field]).toEqual([400, 'name']);
    const isolate = await admin.get('/api/persons?q=%E2%81%A6x');
    expect([isolate.status, isolate.body.error.field]).toEqual([400, 'q']);
    // tabs and line breaks are text, not control characters to refuse
    const text = await admin.get('/api/persons?q=%E5%BC%A0%09%0A');
    expect(text.status).toBe(200);
  });
});

describe('numbers in paths and queries', () => {
  it('are read only as decimal digits: "0x10", " 1", "1e1" and "" never name another record', async () => {
    const admin = await t.login(`${f.prefix}admin`);
    for (const id of ['0x10', '%201', '1e1', '0b1', '1%20']) {
      const r = await admin.post(`/api/users/${id}/disable`, {});
      expect([id, r.status, r.body.error.field]).toEqual([id, 400, 'id']);
    }
    const zh = await admin.get('/api/users?departmentId=0x1&page=1', { 'accept-language': 'zh-CN' });
    expect([zh.status, zh.body.error.field, zh.body.error.message]).toEqual([400, 'departmentId', '部门：须为十进制数字']);
    expect((await admin.get('/api/users?page=')).status).toBe(400);
    expect((await admin.get('/api/users?page=2')).status).toBe(200);
    // a tile row keeps its suffix, a coordinate its sign and decimals
    expect((await admin.get('/api/tiles/grids/0/0/0.pbf')).status).toBe(200);
    expect((await admin.get('/api/stats/heatmap?bbox=-1.5,-1.5,1.5,1.5&zoom=3')).status).not.toBe(500);
  });
});
