import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../test/harness.ts';
import { generateCheckTasks } from './jobs.ts';
import { ownerRows, registerPerson, setup, shanghaiDay, staffAt, type Setup } from './test-helpers.ts';
import { moveStatus, versionOf } from '../test/people.ts';

let s: Setup;
let commander: Client;
let otherDoctor: Client;
beforeAll(async () => {
  s = await setup('chr');
  commander = await s.t.login(`${s.f.prefix}commander`);
  otherDoctor = await staffAt(s, 'doctor', s.f.nodes.m2, 'doctor_m2');
});
afterAll(() => s?.t.close());

const ended = () => ({ observationStart: shanghaiDay(-16), observationEnd: shanghaiDay(-2) });
const ongoing = () => ({ observationStart: shanghaiDay(-2), observationEnd: shanghaiDay(12) });
const candidates = async (c: Client = s.doctor) => (await c.get('/api/release-candidates?pageSize=200')).body.items.map((i: any) => i.personId);

describe('release', () => {
  it('lists completed observations without abnormal readings and releases them with the notice', async () => {
    const done = await registerPerson(s, s.f.points.gridA, ended());
    const running = await registerPerson(s, s.f.points.gridA, ongoing());
    const feverish = await registerPerson(s, s.f.points.gridB, ended());
    const confirmed = await registerPerson(s, s.f.points.gridA, { ...ended(), status: 'confirmed', severity: 'mild' });
    // An abnormal reading during observation keeps a person off the list even once back to watching.
    expect((await s.doctor.post(`/api/persons/${feverish.id}/checks`, { temperature: 38.0 })).body.abnormal).toBe(true);
    expect((await moveStatus(s.community, feverish.id, { to: 'watching', reason: '复查正常' })).status).toBe(200);
    // A check task from the last day of observation is still open.
    await generateCheckTasks(s.t.app, s.f.tenantId, new Date(`${shanghaiDay(-3)}T02:00:00Z`));

    const list = await s.doctor.get('/api/release-candidates');
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: any) => i.personId === done.id);
    expect(item).toMatchObject({ name: done.name, status: 'watching', gridName: '第一网格', observationStart: ended().observationStart, observationEnd: ended().observationEnd });
    const ids = await candidates();
    expect(ids).toContain(done.id);
    for (const p of [running, feverish, confirmed]) expect(ids).not.toContain(p.id);
    expect(await candidates(commander)).toContain(done.id);
    expect(await candidates(otherDoctor)).not.toContain(done.id);

    const r = await s.doctor.post(`/api/persons/${done.id}/release`, { noticeNo: 'JC-2026-001', version: await versionOf(s.doctor, done.id) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ personId: done.id, status: 'released', releaseNoticeIssued: true, noticeNo: 'JC-2026-001' });
    const person = (await s.community.get(`/api/persons/${done.id}`)).body;
    expect(person).toMatchObject({ status: 'released', releaseNoticeIssued: true });
    expect(person.events.at(-1)).toMatchObject({
      kind: 'status', fromStatus: 'watching', toStatus: 'released', reason: '观察期满，无异常，解除隔离',
      changes: { release_notice_issued: { from: false, to: true }, noticeNo: 'JC-2026-001' },
    });
    const tasks = await ownerRows(s, `select id, state from tasks where tenant_id = $1 and person_id = $2 and kind = 'check'`, [s.f.tenantId, done.id]);
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((t) => t.state === 'cancelled')).toBe(true);
    const cancelled = async (lang: string) => (await s.doctor.get(`/api/tasks/${tasks[0].id}`, { 'accept-language': lang })).body.history.at(-1);
    expect(await cancelled('zh-CN')).toMatchObject({ kind: 'cancelled', note: '人员已解除隔离' });
    expect(await cancelled('en')).toMatchObject({ kind: 'cancelled', note: 'the person was released' });
    expect(await candidates()).not.toContain(done.id);

    const twice = await s.doctor.post(`/api/persons/${done.id}/release`, { version: await versionOf(s.doctor, done.id) });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('invalid_transition');
  });

  it('refuses persons not eligible with 409 and a reason, changing nothing', async () => {
    const running = await registerPerson(s, s.f.points.gridA, ongoing());
    const feverish = await registerPerson(s, s.f.points.gridA, ended());
    const confirmed = await registerPerson(s, s.f.points.gridA, { ...ended(), status: 'confirmed', severity: 'mild' });
    await s.doctor.post(`/api/persons/${feverish.id}/checks`, { temperature: 36.4, fatigue: true });
    await moveStatus(s.community, feverish.id, { to: 'watching', reason: '复查正常' });

    const early = await s.doctor.post(`/api/persons/${running.id}/release`, { version: await versionOf(s.doctor, running.id) });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'observation_not_complete', field: 'observationEnd' });
    expect(early.body.error.message).toContain(ongoing().observationEnd);
    const abnormal = await s.doctor.post(`/api/persons/${feverish.id}/release`, { version: await versionOf(s.doctor, feverish.id) });
    expect(abnormal.status).toBe(409);
    expect(abnormal.body.error.code).toBe('abnormal_reading');
    const sick = await s.doctor.post(`/api/persons/${confirmed.id}/release`, { version: await versionOf(s.doctor, confirmed.id) });
    expect(sick.status).toBe(409);
    expect(sick.body.error).toMatchObject({ code: 'invalid_transition', field: 'to' });
    for (const p of [running, feverish, confirmed]) {
      expect((await s.community.get(`/api/persons/${p.id}`)).body.releaseNoticeIssued).toBe(false);
    }
  });

  it('checks access, scope and input', async () => {
    const p = await registerPerson(s, s.f.points.gridA, ended());
    expect((await commander.post(`/api/persons/${p.id}/release`, { version: await versionOf(commander, p.id) })).status).toBe(403);
    expect((await otherDoctor.post(`/api/persons/${p.id}/release`, { version: await versionOf(otherDoctor, p.id) })).status).toBe(404);
    expect((await s.doctor.post(`/api/persons/${p.id}/release`, { noticeNo: '', version: await versionOf(s.doctor, p.id) })).body.error.field).toBe('noticeNo');
    expect((await s.doctor.post(`/api/persons/${p.id}/release`, { status: 'released', version: await versionOf(s.doctor, p.id) })).body.error.field).toBe('status');
    expect((await s.doctor.post('/api/persons/x/release', {})).body.error.field).toBe('id');
    expect((await s.doctor.get('/api/release-candidates?page=0')).body.error.field).toBe('page');
    expect((await s.community.get(`/api/persons/${p.id}`)).body.status).toBe('watching');
    expect(await candidates()).toContain(p.id);
  });
});
