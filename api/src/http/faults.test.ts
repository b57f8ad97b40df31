// Faults under load (issue 13): residents' phones send self-reports and retry what got no answer
// (same Idempotency-Key, as the field and citizens' outboxes do) while the API's database
// connections are terminated and the API itself is restarted; afterwards every acknowledged
// submission is in the database exactly once. With the database out of reach the API answers 503
// with Retry-After, and it recovers without a restart once the database is back.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LogSmsProvider } from '../citizens/sms.ts';
import { openDatabase } from '../db/database.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { serveApp, Client, type TestApp } from '../test/harness.ts';
import { personBody } from '../test/people.ts';

const server = inject('dbMode') === 'server';
const APP_NAME = `gec_fault_${process.pid}`;
let t: TestApp;
let f: Fixture;
let admin: pg.Pool;

/** The API on its own connections (named, so that only they are terminated). */
async function startApi(secrets?: TestApp['app']['config']['secrets']): Promise<TestApp> {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.searchParams.set('application_name', APP_NAME);
  const db = await openDatabase({ databaseUrl: url.toString(), databaseOwnerUrl: process.env.TEST_DATABASE_OWNER_URL, poolSize: 4 });
  db.mode = 'server';
  return serveApp(db, secrets ? { secrets } : {});
}

beforeAll(async () => {
  if (!server) return;
  t = await startApi();
  f = await createFixture(t.app.db.ownerPool, 'fault');
  admin = new pg.Pool({ connectionString: process.env.TEST_DATABASE_OWNER_URL, max: 1 });
}, 60_000);
afterAll(async () => {
  await t?.close().catch(() => undefined);
  await admin?.end();
});

/** A resident on the watch list, signed in with their phone and bound. */
async function resident(n: number): Promise<{ cookie: string; personId: number }> {
  const worker = await t.login(`${f.prefix}gridworker`);
  const body = personBody(f.points.gridA, { phone: `1357${String(process.pid % 1000).padStart(3, '0')}${String(n).padStart(4, '0')}` });
  const p = await worker.post('/api/persons', body);
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const c = t.client();
  expect((await c.post('/api/citizen/sms-code', { tenant: f.code, phone: body.phone })).status).toBe(202);
  const code = /验证码 (\d{6})/.exec((t.app.sms as LogSmsProvider).lastMessage(body.phone as string) ?? '')?.[1];
  expect((await c.post('/api/citizen/login', { tenant: f.code, phone: body.phone, code })).status).toBe(200);
  expect((await c.post('/api/citizen/bind', { name: body.name, idNumber: body.idNumber })).status).toBe(200);
  return { cookie: c.cookies, personId: p.body.id };
}

describe('faults under load', () => {
  it.runIf(server)('keeps every acknowledged self-report exactly once through terminated connections and an API restart', async () => {
    const phones = await Promise.all(Array.from({ length: 6 }, (_, i) => resident(i)));
    let api = t;
    const acknowledged = new Map<string, number>();
    const answers = new Map<number, number>();
    let stop = false;

    /** One phone: reports one after another; what gets no answer or a 5xx is sent again, same key and body. */
    const phone = async (p: { cookie: string }) => {
      for (let i = 0; i < 12 && !stop; i++) {
        const key = randomUUID();
        const body = { temperature: 36.5, description: `第${i}次`, deviceTime: new Date().toISOString() };
        for (let attempt = 0; attempt < 200; attempt++) {
          const c = new Client(api.baseUrl);
          c.setCookie(p.cookie);
          const r = await c.post('/api/citizen/self-reports', body, { 'Idempotency-Key': key }).catch(() => ({ status: 0, body: null }));
          answers.set(r.status, (answers.get(r.status) ?? 0) + 1);
          if (r.status === 201) {
            acknowledged.set(key, (r.body as { id: number }).id);
            break;
          }
          // the first request's change committed and its answer was lost: acknowledged, no id to show
          if (r.status === 200 && (r.body as { applied?: boolean }).applied) {
            acknowledged.set(key, -1);
            break;
          }
          expect(r.status === 0 || r.status >= 500, `${r.status} ${JSON.stringify(r.body)}`).toBe(true);
          await new Promise((res) => setTimeout(res, 250));
        }
      }
    };

    const load = Promise.all(phones.map(phone));
    await new Promise((r) => setTimeout(r, 300));
    // The database drops every connection of the API (a failover, an administrator, a crash of a backend).
    const killed = await admin.query('select count(pg_terminate_backend(pid))::int n from pg_stat_activity where application_name = $1', [APP_NAME]);
    expect(killed.rows[0].n).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    // The API is restarted (same secrets, a new process in real life): phones keep retrying meanwhile.
    const old = api;
    const closing = old.close();
    api = await startApi(old.app.config.secrets);
    t = api;
    await closing;
    await load;

    console.log('fault answers', JSON.stringify(Object.fromEntries(answers)));
    expect(acknowledged.size).toBe(phones.length * 12);
    const ids = [...acknowledged.values()].filter((id) => id > 0);
    const rows = await admin.query(
      `select count(*)::int n, count(distinct id)::int d from health_checks where tenant_id = $1 and kind = 'self' and person_id = any($2::bigint[])`,
      [f.tenantId, phones.map((p) => p.personId)],
    );
    // Every acknowledged submission once, nothing else: no retry made a second row.
    expect(rows.rows[0]).toEqual({ n: acknowledged.size, d: acknowledged.size });
    const found = await admin.query(`select count(*)::int n from health_checks where tenant_id = $1 and id = any($2::bigint[])`, [f.tenantId, ids]);
    expect(found.rows[0].n).toBe(ids.length);
  }, 180_000);

  it.runIf(server)('answers 503 with Retry-After while the database is out of reach, and recovers by itself', async () => {
    const p = await resident(50);
    const c = new Client(t.baseUrl);
    c.setCookie(p.cookie);
    // Every connection of the API dropped between two requests: the next request is answered anyway.
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [APP_NAME]);
    const after = await c.post('/api/citizen/self-reports', { temperature: 36.4 }, { 'Idempotency-Key': randomUUID() });
    expect([201, 503]).toContain(after.status);
    const again = await c.post('/api/citizen/self-reports', { temperature: 36.4 }, { 'Idempotency-Key': randomUUID() });
    expect(again.status, JSON.stringify(again.body)).toBe(201);

    // A database nobody listens on: 503 with Retry-After, never a 500.
    const down = await openDatabase({ databaseUrl: 'postgres://gec_login:x@127.0.0.1:1/gec_test', databaseOwnerUrl: 'postgres://gec_owner:x@127.0.0.1:1/gec_test', poolSize: 1 });
    down.mode = 'server';
    const dead = await serveApp(down, { secrets: t.app.config.secrets });
    try {
      const d = new Client(dead.baseUrl);
      d.setCookie(p.cookie);
      const r = await d.post('/api/citizen/self-reports', { temperature: 36.4 }, { 'Idempotency-Key': randomUUID() });
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      expect(r.body.error.code).toBe('database_unavailable');
      const login = await d.post('/api/auth/login', { username: `${f.prefix}gridworker`, password: 'x' });
      expect(login.status).toBe(503);
    } finally {
      await dead.close().catch(() => undefined);
    }
  }, 60_000);
});
