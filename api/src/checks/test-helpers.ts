// Shared set-up of the checks test files: a tenant, its staff, bound residents and sample images.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { LogSmsProvider } from '../citizens/sms.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { personBody } from '../test/people.ts';

export interface Setup {
  t: TestApp;
  f: Fixture;
  doctor: Client;
  worker: Client;
  /** Community staff of the first community (grids A and B): registers persons there. */
  community: Client;
  admin: Client;
  dataDir: string;
}

export async function setup(label: string): Promise<Setup> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gec-checks-'));
  const t = await createTestApp({ dataDir });
  const f = await createFixture(t.app.db.ownerPool, label);
  const [doctor, worker, community, admin] = await Promise.all(
    ['doctor', 'gridworker', 'community', 'admin'].map((u) => t.login(`${f.prefix}${u}`)),
  );
  return { t, f, doctor, worker, community, admin, dataDir };
}

/** A second user with the given role's position, scoped to another node (e.g. the other community). */
export async function staffAt(s: Setup, role: string, nodeId: number, name: string): Promise<Client> {
  const owner = s.t.app.db.ownerPool;
  const username = `${s.f.prefix}${name}`;
  await owner.query(
    `with u as (insert into users (tenant_id, username, display_name, password_hash, is_demo)
                select tenant_id, $2, $2, password_hash, true from users where tenant_id = $1 and username = $3 returning id),
          pos as (select up.position_id from user_positions up join users x on x.tenant_id = up.tenant_id and x.id = up.user_id
                   where x.tenant_id = $1 and x.username = $3),
          a as (insert into user_positions (tenant_id, user_id, position_id) select $1, u.id, pos.position_id from u, pos)
     insert into user_scopes (tenant_id, user_id, jurisdiction_id) select $1, id, $4 from u`,
    [s.f.tenantId, username, `${s.f.prefix}${role}`, nodeId],
  );
  return s.t.login(username);
}

export async function registerPerson(s: Setup, at: { lon: number; lat: number }, extra: Record<string, unknown> = {}, by: Client = s.community) {
  const body = personBody(at, extra);
  const r = await by.post('/api/persons', body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { ...body, id: r.body.id as number };
}

let n = 0;
const phoneOf = () => `136${String(process.pid % 10000).padStart(4, '0')}${String(n++).padStart(4, '0')}`;

export async function citizen(s: Setup, phone = phoneOf()): Promise<Client> {
  const c = s.t.client();
  expect((await c.post('/api/citizen/sms-code', { tenant: s.f.code, phone })).status).toBe(202);
  const code = /验证码 (\d{6})/.exec((s.t.app.sms as LogSmsProvider).lastMessage(phone) ?? '')?.[1];
  const r = await c.post('/api/citizen/login', { tenant: s.f.code, phone, code });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return c;
}

/** A resident on the watch list with a citizen account bound to them. */
export async function boundResident(s: Setup, at: { lon: number; lat: number }, extra: Record<string, unknown> = {}) {
  const person = await registerPerson(s, at, extra);
  const c = await citizen(s, person.phone);
  const b = await c.post('/api/citizen/bind', { name: person.name, idNumber: person.idNumber });
  expect(b.status, JSON.stringify(b.body)).toBe(200);
  return { person, c };
}

/** A 1×1 PNG and the first bytes of a JPEG and a WebP: enough for detection by content. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(64, 7)]);
export const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([36, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(32, 1)]);

export const ownerRows = async (s: Setup, text: string, values: unknown[] = []) => (await s.t.app.db.ownerPool.query(text, values)).rows;

/** YYYY-MM-DD of today in Shanghai, shifted by days. */
export function shanghaiDay(offsetDays = 0, from = new Date()): string {
  const d = new Date(from.getTime() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
}
