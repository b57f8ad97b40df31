import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateCheckTasks } from './jobs.ts';
import { ownerRows, registerPerson, setup, type Setup } from './test-helpers.ts';
import { moveStatus, versionOf } from '../test/people.ts';

let s: Setup;
beforeAll(async () => {
  s = await setup('chj');
});
afterAll(() => s?.t.close());

// 09:30 in Shanghai on 22 November 2026; the default rules check at 09:00 and 15:00.
// 07:30 in Shanghai: before the day's first slot (09:00)
const NOV22 = new Date('2026-11-21T23:30:00Z');
const day = (d: number) => new Date(NOV22.getTime() + d * 86_400_000);

const checkTasksOf = (personIds: number[]) =>
  ownerRows(s, `select person_id, dedupe_key, due_at, state, assignee_jurisdiction_id, grid_id from tasks
                 where tenant_id = $1 and kind = 'check' and person_id = any($2) order by dedupe_key`, [s.f.tenantId, personIds]);

describe('check task generation', () => {
  it('creates each check task once, whether run twice in a row or twice at the same time', async () => {
    const a = await registerPerson(s, s.f.points.gridA);
    const b = await registerPerson(s, s.f.points.gridB);
    const confirmed = await registerPerson(s, s.f.points.gridA, { status: 'confirmed', severity: 'mild' });
    const over = await registerPerson(s, s.f.points.gridA, { observationStart: '2026-11-01', observationEnd: '2026-11-15' });
    const ids = [a.id, b.id, confirmed.id, over.id];

    const [one, two] = await Promise.all([generateCheckTasks(s.t.app, s.f.tenantId, NOV22), generateCheckTasks(s.t.app, s.f.tenantId, NOV22)]);
    const created = one[0].created + two[0].created;
    expect(created).toBe(4);
    const tasks = await checkTasksOf(ids);
    expect(tasks.map((t) => t.dedupe_key)).toEqual([
      `check:${a.id}:2026-11-22:1`, `check:${a.id}:2026-11-22:2`, `check:${b.id}:2026-11-22:1`, `check:${b.id}:2026-11-22:2`,
    ].sort());
    // Slots are local times of the tenant: 09:00 and 15:00 in Shanghai.
    expect(tasks.filter((t) => t.person_id === a.id).map((t) => t.due_at.toISOString())).toEqual(['2026-11-22T01:00:00.000Z', '2026-11-22T07:00:00.000Z']);
    // Placed at the person, assigned to their community (the parent of the grid).
    expect(new Set(tasks.map((t) => t.assignee_jurisdiction_id))).toEqual(new Set([s.f.nodes.m1]));
    expect(tasks.find((t) => t.person_id === b.id)!.grid_id).toBe(s.f.nodes.gridB);

    const again = await generateCheckTasks(s.t.app, s.f.tenantId, NOV22);
    expect(again[0]).toMatchObject({ skipped: false, created: 0 });
    expect(await checkTasksOf(ids)).toHaveLength(4);
    expect((await generateCheckTasks(s.t.app, s.f.tenantId, day(1)))[0].created).toBe(4);
  });

  it('makes a slot whose time has passed only when it is the day\'s last: one check to do, not every slot already overdue', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    const at = (hhmm: string) => new Date(`2026-11-30T${hhmm}:00+08:00`);
    // 09:30: the 09:00 slot has passed, 15:00 is still to come
    await generateCheckTasks(s.t.app, s.f.tenantId, at('09:30'));
    expect((await checkTasksOf([p.id])).map((t) => t.dedupe_key)).toEqual([`check:${p.id}:2026-11-30:2`]);
    // the next day, a first run in the evening: every slot has passed, the last is made
    const q = await registerPerson(s, s.f.points.gridB);
    await generateCheckTasks(s.t.app, s.f.tenantId, new Date('2026-12-01T18:24:00+08:00'));
    expect((await checkTasksOf([q.id])).filter((t) => t.dedupe_key.includes('2026-12-01')).map((t) => t.dedupe_key)).toEqual([`check:${q.id}:2026-12-01:2`]);
    // an early run makes both
    await generateCheckTasks(s.t.app, s.f.tenantId, new Date('2026-12-02T00:05:00+08:00'));
    expect((await checkTasksOf([q.id])).filter((t) => t.dedupe_key.includes('2026-12-02'))).toHaveLength(2);
  });

  it('stops when the observation period ends and cancels tasks of persons no longer observed', async () => {
    const p = await registerPerson(s, s.f.points.gridA, { observationStart: '2026-11-20', observationEnd: '2026-11-24' });
    const q = await registerPerson(s, s.f.points.gridB);
    await generateCheckTasks(s.t.app, s.f.tenantId, day(1)); // 23 Nov: inside both windows
    expect(await checkTasksOf([p.id])).toHaveLength(2);
    await generateCheckTasks(s.t.app, s.f.tenantId, day(2)); // 24 Nov: p's window [20, 24) is over
    expect((await checkTasksOf([p.id])).map((t) => t.dedupe_key)).toEqual([`check:${p.id}:2026-11-23:1`, `check:${p.id}:2026-11-23:2`]);
    expect(await checkTasksOf([q.id])).toHaveLength(4);

    // Leaving the checked statuses cancels the open check tasks at the next run.
    expect((await moveStatus(s.community, q.id, { to: 'closed', reason: '误报' })).status).toBe(200);
    const run = await generateCheckTasks(s.t.app, s.f.tenantId, day(2));
    expect(run[0].cancelled).toBeGreaterThanOrEqual(4);
    expect((await checkTasksOf([q.id])).map((t) => t.state)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    // Shortening the observation cancels the tasks due after the new end.
    expect((await s.community.patch(`/api/persons/${p.id}`, { observationEnd: '2026-11-23', version: await versionOf(s.community, p.id) })).status).toBe(200);
    await generateCheckTasks(s.t.app, s.f.tenantId, day(2));
    expect((await checkTasksOf([p.id])).map((t) => t.state)).toEqual(['cancelled', 'cancelled']);
  });

  it('follows the rules: statuses and check times of the tenant', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    const suspected = await registerPerson(s, s.f.points.gridA, { status: 'suspected' });
    const rules = (await s.admin.get('/api/check-rules')).body;
    const put = await s.admin.request('PUT', '/api/check-rules', { ...rules, statuses: ['watching'], checkTimes: ['08:00', '12:00', '18:00'], checksPerDay: undefined, updatedAt: undefined });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ checksPerDay: 3, checkTimes: ['08:00', '12:00', '18:00'] });
    await generateCheckTasks(s.t.app, s.f.tenantId, day(5));
    expect((await checkTasksOf([p.id])).map((t) => t.due_at.toISOString())).toEqual(
      ['2026-11-27T00:00:00.000Z', '2026-11-27T04:00:00.000Z', '2026-11-27T10:00:00.000Z']);
    expect(await checkTasksOf([suspected.id])).toHaveLength(0);
    expect((await s.admin.request('PUT', '/api/check-rules', { ...rules, checksPerDay: undefined, updatedAt: undefined })).status).toBe(200);
  });

  // PGlite has one session: a transaction held elsewhere would block the job rather than race it.
  it.runIf(inject('dbMode') === 'server')('skips a tenant whose lock another instance holds', async () => {
    const p = await registerPerson(s, s.f.points.gridA);
    const other = await s.t.app.db.ownerPool.connect();
    try {
      await other.query('begin');
      await other.query('select pg_advisory_xact_lock(7301009, $1)', [s.f.tenantId]);
      expect((await generateCheckTasks(s.t.app, s.f.tenantId, day(7)))[0]).toMatchObject({ skipped: true, created: 0 });
      expect(await checkTasksOf([p.id])).toHaveLength(0);
    } finally {
      await other.query('rollback');
      other.release();
    }
    expect((await generateCheckTasks(s.t.app, s.f.tenantId, day(7)))[0]).toMatchObject({ skipped: false });
    expect(await checkTasksOf([p.id])).toHaveLength(2);
  });

  it('runs for every tenant when no tenant is named', async () => {
    // A day nobody is observed on, so other test files' tenants get no tasks from this run.
    const runs = await generateCheckTasks(s.t.app, undefined, new Date('1990-01-01T00:00:00Z'));
    expect(runs.map((r) => r.tenantId)).toContain(s.f.tenantId);
    expect(runs.every((r) => !r.error)).toBe(true);
  });
});
