// A person's effective observation period: their own dates, or those the check and release jobs
// count from the day of registration for the tenant's observation days (a field app showed "—").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson, setup, shanghaiDay, type Setup } from '../checks/test-helpers.ts';
import { versionOf } from '../test/people.ts';

let s: Setup;
beforeAll(async () => {
  s = await setup('obs');
});
afterAll(() => s?.t.close());

const noDates = { observationStart: undefined, observationEnd: undefined };
const periodOf = async (id: number) => (await s.worker.get(`/api/persons/${id}`)).body.observationPeriod;

describe('observation period', () => {
  it('counts a newly registered person from the registration day for the tenant\'s days, as the release job does', async () => {
    const p = await registerPerson(s, s.f.points.gridA, noDates);
    const person = (await s.worker.get(`/api/persons/${p.id}`)).body;
    expect(person).toMatchObject({ observationStart: null, observationEnd: null });
    expect(person.observationPeriod).toEqual({ start: shanghaiDay(0), end: shanghaiDay(14), startDefault: true, endDefault: true, defaultDays: 14 });
    // The release job refuses them until the end it counts: the same date.
    const early = await s.community.post(`/api/persons/${p.id}/release`, { reason: '观察期满', version: await versionOf(s.community, p.id) });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain(person.observationPeriod.end);
  });

  it('follows the tenant\'s observation days and takes the person\'s own dates where they have them', async () => {
    const set = await s.admin.request('PUT', '/api/settings/overdue-release', { selfReportOverdueHours: 24, referralDueHours: 2, observationDays: 10 });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const none = await registerPerson(s, s.f.points.gridA, noDates);
    expect(await periodOf(none.id)).toEqual({ start: shanghaiDay(0), end: shanghaiDay(10), startDefault: true, endDefault: true, defaultDays: 10 });
    const started = await registerPerson(s, s.f.points.gridA, { observationStart: '2026-11-20', observationEnd: undefined });
    expect(await periodOf(started.id)).toEqual({ start: '2026-11-20', end: '2026-11-30', startDefault: false, endDefault: true, defaultDays: 10 });
    const own = await registerPerson(s, s.f.points.gridA, { observationStart: '2026-11-20', observationEnd: '2026-12-04' });
    expect(await periodOf(own.id)).toEqual({ start: '2026-11-20', end: '2026-12-04', startDefault: false, endDefault: false, defaultDays: 10 });
  });
});
