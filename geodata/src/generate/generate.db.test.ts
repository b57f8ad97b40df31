// One database test: a tiny city loaded into PostGIS, checked by PostGIS itself.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../api/src/auth/seed.ts';
import { verifyPassword } from '../../../api/src/auth/password.ts';
import { PiiCipher } from '../../../api/src/crypto/pii.ts';
import { openDatabase, type Database } from '../../../api/src/db/database.ts';
import { migrate } from '../../../api/src/db/migrate.ts';
import { gridsOf } from './city.ts';
import { generateCity, SIZES, type GenerateResult } from './index.ts';
import { generateChunks, planCity } from './model.ts';
import { recorderRows } from './staff.ts';
import { idNumberHashInput, phoneHashInput } from './rows.ts';
import { STATUSES } from './timeline.ts';

const NOW = new Date('2020-02-15T00:00:00Z');
const SEED = 5;
const cipher = new PiiCipher({ fieldKey: randomBytes(32), lookupKey: randomBytes(32) });
const plan = planCity('tiny', SEED, NOW);
const chunks = [...generateChunks(plan)];
const households = chunks.flatMap((c) => c.households);
const persons = chunks.flatMap((c) => c.persons);
const tenantCode = `gen${process.pid}${Date.now().toString(36)}`.slice(0, 39);

let db: Database;
let result: GenerateResult;
const q = async <T = any>(text: string, values: unknown[] = [result.tenantId]): Promise<T[]> => (await db.ownerPool.query(text, values)).rows;

beforeAll(async () => {
  // A server database when the run has one (COPY works over its socket); otherwise PGlite in memory.
  const url = process.env.TEST_DATABASE_URL;
  db = await openDatabase(url ? { databaseUrl: url, databaseOwnerUrl: process.env.TEST_DATABASE_OWNER_URL ?? url, poolSize: 2 } : { poolSize: 2 });
  await migrate(db.ownerPool);
  result = await generateCity(db, { tenantCode, tenantName: '生成测试市', size: 'tiny', seed: SEED, cipher, now: NOW });
});

afterAll(async () => {
  if (result) await db.ownerPool.query('delete from tenants where id = $1', [result.tenantId]);
  await db?.close();
});

describe('generateCity into PostGIS', () => {
  it('loads every table with the generated counts', () => {
    expect(result.counts).toEqual({
      jurisdictions: plan.city.levels.flat().length,
      users: plan.city.levels[3].length,
      households: households.length,
      persons: persons.length,
      person_events: persons.reduce((n, p) => n + p.events.length, 0),
      temperature_readings: persons.reduce((n, p) => n + p.temperatures.length, 0),
      health_checks: persons.length * SIZES.tiny.checksPerPerson,
    });
  });

  it('gives every person its health checks, none in the future, abnormal exactly when feverish or symptomatic', async () => {
    const [row] = await q<{ persons: number; min: number; max: number; future: number; inconsistent: number; doctor: number }>(
      `select count(distinct person_id)::int as persons,
              min(n)::int as min, max(n)::int as max,
              sum(future)::int as future, sum(inconsistent)::int as inconsistent, sum(doctor)::int as doctor
         from (select person_id, count(*) as n,
                      count(*) filter (where created_at > $2) as future,
                      count(*) filter (where abnormal <> (temperature >= 37.3 or fever or cough or fatigue)) as inconsistent,
                      count(*) filter (where kind = 'doctor') as doctor
                 from health_checks where tenant_id = $1 group by person_id) c`,
      [result.tenantId, NOW],
    );
    const k = SIZES.tiny.checksPerPerson;
    expect(row).toEqual({ persons: persons.length, min: k, max: k, future: 0, inconsistent: 0, doctor: persons.length * Math.ceil(k / 2) });
  });

  it('records every doctor check by the generated doctor of the person\'s community, a staff user who cannot sign in', async () => {
    const [row] = await q<{ doctor: number; own: number; self: number }>(
      `select count(*) filter (where h.kind = 'doctor')::int as doctor,
              count(*) filter (where h.kind = 'doctor' and u.username = 'doctor.' || c.code and us.jurisdiction_id = c.id)::int as own,
              count(*) filter (where h.kind = 'self' and h.recorder_user_id is not null)::int as self
         from health_checks h
         join persons p on p.tenant_id = h.tenant_id and p.id = h.person_id
         join jurisdictions g on g.tenant_id = p.tenant_id and g.id = p.grid_id
         join jurisdictions c on c.tenant_id = g.tenant_id and c.id = g.parent_id
         left join users u on u.tenant_id = h.tenant_id and u.id = h.recorder_user_id
         left join user_scopes us on us.tenant_id = u.tenant_id and us.user_id = u.id
        where h.tenant_id = $1`,
    );
    expect(row.doctor).toBe(persons.length * Math.ceil(SIZES.tiny.checksPerPerson / 2));
    expect(row).toEqual({ doctor: row.doctor, own: row.doctor, self: 0 });
    const users = await q<{ username: string; display_name: string; password_hash: string; positions: number }>(
      `select u.username, u.display_name, u.password_hash,
              (select count(*)::int from user_positions up where up.tenant_id = u.tenant_id and up.user_id = u.id) as positions
         from users u where u.tenant_id = $1 order by u.username`,
    );
    // Deterministic: the stored doctors are the ones the plan and the seed give.
    const ids = await q<{ id: number; code: string }>('select id, code from jurisdictions where tenant_id = $1 and level = 4');
    const idOf = new Map(ids.map((r) => [r.code, Number(r.id)]));
    const planned = recorderRows(plan.city, plan.city.levels[3].map((c) => idOf.get(c.code)!), SEED);
    expect(users.map((u) => [u.username, u.display_name])).toEqual(planned.map((r) => [r.username, r.display_name]).sort((a, b) => a[0].localeCompare(b[0])));
    for (const u of users) {
      expect(u.positions).toBe(0);
      expect(await verifyPassword(u.password_hash, DEMO_PASSWORD)).toBe(false);
    }
  });

  it('refuses an existing tenant code', async () => {
    await expect(generateCity(db, { tenantCode, tenantName: 'x', size: 'tiny', cipher, now: NOW })).rejects.toThrow(/already exists/);
  });

  it('derives each household\'s grid by containment: the grid it was generated in', async () => {
    const rows = await q<{ code: string | null }>(
      `select j.code from households h left join jurisdictions j on j.tenant_id = h.tenant_id and j.id = h.grid_id
        where h.tenant_id = $1 order by h.id`,
    );
    const grids = gridsOf(plan.city);
    expect(rows.map((r) => r.code)).toEqual(households.map((h) => grids[h.grid].code));
  });

  it('places persons at their household, in its grid', async () => {
    const [row] = await q(
      `select count(*)::int as n, count(*) filter (where p.grid_id is distinct from h.grid_id or not st_equals(p.geom, h.geom))::int as bad
         from persons p join households h on h.tenant_id = p.tenant_id and h.id = p.household_id where p.tenant_id = $1`,
    );
    expect(row).toEqual({ n: persons.length, bad: 0 });
  });

  it('tiles every parent with its children: union equals parent, siblings never overlap', async () => {
    const unions = await q<{ level: number; diff: number; area: number }>(
      `select p.level, st_area(st_symdifference(st_union(c.geom), p.geom)) as diff, st_area(p.geom) as area
         from jurisdictions p join jurisdictions c on c.tenant_id = p.tenant_id and c.parent_id = p.id
        where p.tenant_id = $1 group by p.id, p.level, p.geom`,
    );
    expect(unions.map((u) => u.level).sort()).toContain(4);
    for (const u of unions) expect(u.diff / u.area).toBeLessThan(1e-9);
    const [overlaps] = await q(
      `select count(*)::int as n from jurisdictions a join jurisdictions b
           on b.tenant_id = a.tenant_id and b.level = a.level and b.id > a.id and a.geom && b.geom
        where a.tenant_id = $1 and (st_overlaps(a.geom, b.geom) or st_area(st_intersection(a.geom, b.geom)) > 1e-15)`,
    );
    expect(overlaps.n).toBe(0);
    const [derived] = await q(
      `select count(*) filter (where nlevel(path) <> level or not st_covers(geom, label_point) or area_m2 <= 0)::int as bad
         from jurisdictions where tenant_id = $1`,
    );
    expect(derived.bad).toBe(0);
  });

  it('has every status, with the generated counts', async () => {
    const rows = await q<{ status: string; n: number }>(
      'select status, count(*)::int as n from persons where tenant_id = $1 group by status',
    );
    const expected = Object.fromEntries(STATUSES.map((s) => [s, persons.filter((p) => p.status === s).length]));
    expect(Object.fromEntries(rows.map((r) => [r.status, r.n]))).toEqual(expected);
    for (const s of STATUSES) expect(expected[s]).toBeGreaterThan(0);
  });

  it('ends every person\'s event history at their current status', async () => {
    const [row] = await q(
      `select count(*)::int as bad from persons p
         join lateral (select e.to_status, e.to_severity, e.at from person_events e
                        where e.tenant_id = p.tenant_id and e.person_id = p.id order by e.at desc, e.id desc limit 1) l on true
        where p.tenant_id = $1 and (l.to_status <> p.status or l.to_severity is distinct from p.severity or l.at <> p.status_changed_at)`,
    );
    expect(row.bad).toBe(0);
  });

  it('stores ID numbers and phones only encrypted, with lookup hash and mask', async () => {
    const rows = await q<{ text: string }>(
      `select p::text as text from persons p where p.tenant_id = $1
        union all select e::text from person_events e where e.tenant_id = $1
        union all select h::text from households h where h.tenant_id = $1`,
    );
    const all = rows.map((r) => r.text).join('\n');
    for (const p of persons) {
      expect(all).not.toContain(p.idNumber);
      expect(all).not.toContain(p.phone);
      expect(all).not.toContain(p.emergencyPhone);
    }
    const stored = await q<{ id_number_enc: Buffer; id_number_hash: Buffer; id_number_masked: string; phone_enc: Buffer; phone_hash: Buffer }>(
      'select id_number_enc, id_number_hash, id_number_masked, phone_enc, phone_hash from persons where tenant_id = $1 order by id',
    );
    stored.forEach((s, i) => {
      expect(cipher.decrypt(s.id_number_enc)).toBe(persons[i].idNumber);
      // the API's hash inputs: search by ID number or phone finds generated persons
      expect(s.id_number_hash.equals(cipher.lookupHash(`resident_id:${persons[i].idNumber}`))).toBe(true);
      expect(s.id_number_hash.equals(cipher.lookupHash(idNumberHashInput(persons[i].idNumber)))).toBe(true);
      expect(s.phone_hash.equals(cipher.lookupHash(phoneHashInput(persons[i].phone)))).toBe(true);
      expect(s.id_number_masked).toBe(persons[i].idNumber.slice(0, 3) + '*'.repeat(11) + persons[i].idNumber.slice(-4));
      expect(cipher.decrypt(s.phone_enc)).toBe(persons[i].phone);
    });
  });
});
