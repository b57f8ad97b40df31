// Retention of personal data (issue 13): a configurable time after a case ended, the person's
// personal data goes — on the person, the reports about them, their checks and their history's
// texts — and every count the statistics make stays the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '../persons/idnumber.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { moveStatus } from '../test/people.ts';
import { anonymiseEnded } from './jobs.ts';

let t: TestApp;
let f: Fixture;
let worker: Client;
let doctor: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'anon');
  worker = await t.login(`${f.prefix}gridworker`);
  doctor = await t.login(`${f.prefix}doctor`);
});
afterAll(() => t?.close());

const own = (text: string, values: unknown[] = []) => t.app.db.ownerPool.query(text, values);

async function ended(name: string, n: number, to: 'released' | 'closed' | null, daysAgo: number): Promise<number> {
  const home = { lon: f.points.gridA.lon + 0.0091 * n, lat: f.points.gridA.lat + 0.0071 };
  const h = await worker.post('/api/households', { location: home, address: `东一社区留存路${n}号` });
  const r = await worker.post('/api/registrations', {
    kind: 'patrol',
    person: { name, idNumber: makeResidentId('420111', `1975-03-1${n}`, 40 + n, 'female'), phone: `1391234${String(n).padStart(4, '0')}`, address: `东一社区留存路${n}号`, location: home, householdId: h.body.id, nativePlace: '湖北省孝感市' },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const id = r.body.id as number;
  expect((await doctor.post(`/api/persons/${id}/checks`, { temperature: 36.6, description: `${name}在家`, addressDetail: '3栋201' })).status).toBe(201);
  if (to) {
    const moved = await moveStatus(worker, id, { to, reason: `${name}观察期满` });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await own(`update persons set status_changed_at = now() - make_interval(days => $3) where tenant_id = $1 and id = $2`, [f.tenantId, id, daysAgo]);
  }
  return id;
}

const counts = async () =>
  (await own(`select grid_id, status, sex, age, source, count(*)::int n from persons where tenant_id = $1 group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`, [f.tenantId])).rows;

describe('retention', () => {
  it('removes the personal data of cases ended long enough ago, keeps every count, and does it once', async () => {
    const old = await ended('韩旧', 1, 'released', 200);
    const closed = await ended('韩误', 2, 'closed', 400);
    const recent = await ended('韩新', 3, 'released', 20);
    const active = await ended('韩在', 4, null, 0);
    const before = await counts();
    const tiles = (await own(`select * from grid_person_counts where tenant_id = $1 order by grid_path, status`, [f.tenantId])).rows;

    expect(await anonymiseEnded(t.app, f.tenantId)).toBe(2);
    expect(await counts()).toEqual(before);
    expect((await own(`select * from grid_person_counts where tenant_id = $1 order by grid_path, status`, [f.tenantId])).rows).toEqual(tiles);

    const anchorA = (await own(`select st_x(st_pointonsurface(geom)) lon, st_y(st_pointonsurface(geom)) lat from jurisdictions where tenant_id = $1 and id = $2`, [f.tenantId, f.nodes.gridA])).rows[0];
    for (const id of [old, closed]) {
      const p = (await own(`select *, st_x(geom) lon, st_y(geom) lat from persons where tenant_id = $1 and id = $2`, [f.tenantId, id])).rows[0];
      expect(p).toMatchObject({
        name: '已匿名', id_number_enc: null, id_number_hash: null, id_number_masked: null, phone_enc: null, phone_masked: null,
        address: null, household_id: null, birth_date: null, native_place: null, grid_id: f.nodes.gridA,
      });
      expect([p.lon, p.lat]).toEqual([anchorA.lon, anchorA.lat]);
      expect(p.anonymised_at).not.toBeNull();
      const report = (await own(`select subject_name, subject_id_masked, address from reports where tenant_id = $1 and person_id = $2`, [f.tenantId, id])).rows[0];
      expect(report).toEqual({ subject_name: '已匿名', subject_id_masked: null, address: null });
      const check = (await own(`select description, address_detail, temperature from health_checks where tenant_id = $1 and person_id = $2`, [f.tenantId, id])).rows[0];
      expect(check).toMatchObject({ description: null, address_detail: null });
      expect(Number(check.temperature)).toBe(36.6);
      const events = (await own(`select kind, to_status, reason from person_events where tenant_id = $1 and person_id = $2 order by id`, [f.tenantId, id])).rows;
      expect(events.every((e) => e.reason === null)).toBe(true);
      expect(events.map((e) => e.kind)).toContain('status');
    }
    for (const id of [recent, active]) {
      const p = (await own(`select name, id_number_masked, address, anonymised_at from persons where tenant_id = $1 and id = $2`, [f.tenantId, id])).rows[0];
      expect(p.name).toMatch(/^韩/);
      expect(p.id_number_masked).not.toBeNull();
      expect(p.anonymised_at).toBeNull();
    }
    // What a worker with the reveal right now gets for the anonymised person: nothing personal.
    const revealed = await worker.post(`/api/persons/${old}/reveal`, { fields: ['idNumber', 'phone', 'address'], reason: '核查' });
    expect(revealed.body).toEqual({ idNumber: null, phone: null, address: null });

    expect(await anonymiseEnded(t.app, f.tenantId)).toBe(0);
    const audit = (await own(`select detail from audit_log where tenant_id = $1 and action = 'retention.anonymise'`, [f.tenantId])).rows;
    expect(audit).toEqual([{ detail: { persons: 2, afterDays: 180 } }]);
  });

  it('keeps personal data at least 30 days after a case ended, whatever the setting', async () => {
    await expect(own(`select app.anonymise_ended($1, interval '7 days')`, [f.tenantId])).rejects.toThrow(/at least 30 days/);
  });
});
