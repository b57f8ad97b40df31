// Referral tasks (转诊) can be closed: by a doctor's check, by the hospital's answer, and by a status
// that answers them (confirmed, cured, dead, released, closed) whichever path sets it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCheckTasks } from '../checks/jobs.ts';
import { ownerRows, registerPerson, setup, shanghaiDay, staffAt, type Setup } from '../checks/test-helpers.ts';
import { moveStatus, versionOf } from '../test/people.ts';

let s: Setup;
beforeAll(async () => {
  s = await setup('ref');
});
afterAll(() => s?.t.close());

/** A person on the watch list whose abnormal reading made them suspected and opened a referral. */
async function referred(at = s.f.points.gridA, extra: Record<string, unknown> = {}) {
  const p = await registerPerson(s, at, extra);
  const r = await s.doctor.post(`/api/persons/${p.id}/checks`, { temperature: 38.4, cough: true });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { person: p, referralId: r.body.escalation.referralTaskId as number };
}
const taskRow = async (id: number) => (await ownerRows(s, 'select state, result, done_by from tasks where tenant_id = $1 and id = $2', [s.f.tenantId, id]))[0];
const personOf = async (id: number) => (await s.community.get(`/api/persons/${id}`)).body;
/** Another open referral of the person (as an earlier reading would have left). */
const extraReferral = async (personId: number) =>
  (await ownerRows(s, `insert into tasks (tenant_id, kind, person_id, assignee_jurisdiction_id, geom)
                        select tenant_id, 'referral', id, $3, geom from persons where tenant_id = $1 and id = $2 returning id`,
  [s.f.tenantId, personId, s.f.nodes.m1]))[0].id as number;
const answer = (id: number, body: Record<string, unknown>, headers?: Record<string, string>) => s.doctor.post(`/api/tasks/${id}/referral`, body, headers);

describe('a doctor\'s check on a referral', () => {
  it('completes the open referral task it names (it was refused as "not a check task")', async () => {
    const { person, referralId } = await referred();
    const visit = await s.doctor.post(`/api/persons/${person.id}/checks`, { temperature: 36.8, taskId: referralId, description: '上门复查' });
    expect(visit.status, JSON.stringify(visit.body)).toBe(201);
    expect(await taskRow(referralId)).toMatchObject({ state: 'done', result: { checkId: visit.body.id } });
    const other = await referred(s.f.points.gridB);
    const wrong = await s.doctor.post(`/api/persons/${person.id}/checks`, { temperature: 36.8, taskId: other.referralId });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.field).toBe('taskId');
  });
});

describe('POST /api/tasks/:id/referral', () => {
  it('admitted: a suspected case stays suspected, the task is done with the hospital; a second answer is 409', async () => {
    const { person, referralId } = await referred();
    const r = await answer(referralId, { outcome: 'admitted', hospital: '金银潭医院', reason: '发热门诊收治' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ taskId: referralId, outcome: 'admitted', personId: person.id, status: 'suspected', statusChange: null });
    expect(await taskRow(referralId)).toMatchObject({ state: 'done', result: { outcome: 'admitted', hospital: '金银潭医院', reason: '发热门诊收治' } });
    const again = await answer(referralId, { outcome: 'excluded', reason: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.error.field).toBe('id');
    const live = await ownerRows(s, `select payload from live_events where tenant_id = $1 and type = 'task_done' and (payload->>'taskId')::bigint = $2`, [s.f.tenantId, referralId]);
    expect(live).toHaveLength(1);
    const audit = await ownerRows(s, `select detail from audit_log where tenant_id = $1 and action = 'task.referral' and object_id = $2`, [s.f.tenantId, String(referralId)]);
    expect(audit[0].detail).toMatchObject({ outcome: 'admitted', personId: person.id });
  });

  it('admitted: a person back on the watch list becomes suspected through the status machine', async () => {
    const { person, referralId } = await referred();
    expect((await moveStatus(s.community, person.id, { to: 'watching', reason: '复测正常' })).status).toBe(200);
    // Watching answers nothing: the referral stays open.
    expect((await taskRow(referralId)).state).toBe('open');
    const r = await answer(referralId, { outcome: 'admitted', hospital: '协和医院', reason: '留观' });
    expect(r.body).toMatchObject({ status: 'suspected', statusChange: { from: 'watching', to: 'suspected' } });
    expect((await personOf(person.id)).events.at(-1)).toMatchObject({ kind: 'status', fromStatus: 'watching', toStatus: 'suspected', reason: expect.stringMatching(/已收治（协和医院）：留观/) });
  });

  it('confirmed: a confirmed case with its severity, and the person\'s other open referrals closed', async () => {
    const { person, referralId } = await referred();
    const older = await extraReferral(person.id);
    expect((await answer(referralId, { outcome: 'confirmed', hospital: '金银潭医院', reason: '核酸阳性' })).body.error.field).toBe('severity');
    expect((await answer(referralId, { outcome: 'confirmed', severity: 'mild', reason: '核酸阳性' })).body.error.field).toBe('hospital');
    expect((await answer(referralId, { outcome: 'excluded', severity: 'mild', reason: 'x' })).body.error.field).toBe('severity');
    expect((await taskRow(referralId)).state).toBe('open');
    const r = await answer(referralId, { outcome: 'confirmed', hospital: '金银潭医院', severity: 'severe', reason: '核酸阳性' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'confirmed', severity: 'severe', statusChange: { from: 'suspected', to: 'confirmed' }, referralsClosed: [older] });
    expect(await personOf(person.id)).toMatchObject({ status: 'confirmed', severity: 'severe' });
    expect(await taskRow(referralId)).toMatchObject({ state: 'done', result: { outcome: 'confirmed', severity: 'severe' } });
    expect(await taskRow(older)).toMatchObject({ state: 'done', result: { resolvedBy: 'status', status: 'confirmed' } });
    // the histories say it in words, not codes
    const notes = async (id: number, lang = 'zh-CN') =>
      (await s.doctor.get(`/api/tasks/${id}`, { 'accept-language': lang })).body.history.map((h: { note?: string }) => h.note ?? '');
    expect((await notes(referralId)).at(-1)).toBe('医院确诊：金银潭医院：重症：核酸阳性');
    expect((await notes(older)).at(-1)).toBe('人员状态变为确诊');
    // and in the language the app asks for (free texts stay as written)
    expect((await notes(referralId, 'en')).at(-1)).toBe('confirmed by the hospital: 金银潭医院: severe: 核酸阳性');
    expect((await notes(older, 'en-GB,en;q=0.9')).at(-1)).toBe('status became confirmed');
  });

  it('excluded: a suspected case returns to the watch list; a confirmed case cannot be excluded (409)', async () => {
    const { person, referralId } = await referred();
    const r = await answer(referralId, { outcome: 'excluded', reason: '两次核酸阴性' });
    expect(r.body).toMatchObject({ status: 'watching', statusChange: { from: 'suspected', to: 'watching' } });
    expect((await personOf(person.id)).status).toBe('watching');

    const c = await referred();
    await extraReferral(c.person.id);
    expect((await moveStatus(s.community, c.person.id, { to: 'confirmed', severity: 'mild', reason: '确诊' })).status).toBe(200);
    const open = await ownerRows(s, `select id from tasks where tenant_id = $1 and person_id = $2 and kind = 'referral' and state = 'open'`, [s.f.tenantId, c.person.id]);
    expect(open).toEqual([]);
    const late = await extraReferral(c.person.id);
    const refused = await answer(late, { outcome: 'excluded', reason: '误报' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'invalid_transition', field: 'outcome' });
    expect((await taskRow(late)).state).toBe('open');
  });

  it('refuses a task that is not a referral, and tasks outside scope', async () => {
    // Under observation today (personBody's fixed dates ended on 2026-12-04), so today's check tasks are made.
    const p = await registerPerson(s, s.f.points.gridA, { observationStart: shanghaiDay(-2), observationEnd: shanghaiDay(12) });
    await generateCheckTasks(s.t.app, s.f.tenantId, new Date(`${shanghaiDay(0)}T01:00:00Z`));
    const [check] = await ownerRows(s, `select id from tasks where tenant_id = $1 and person_id = $2 and kind = 'check' limit 1`, [s.f.tenantId, p.id]);
    const r = await answer(check.id, { outcome: 'excluded', reason: 'x' });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/not a referral/);
    expect((await answer(999_999_999, { outcome: 'excluded', reason: 'x' })).status).toBe(404);
    const { referralId } = await referred();
    const elsewhere = await staffAt(s, 'doctor', s.f.nodes.m2, 'doctor_m2');
    expect((await elsewhere.post(`/api/tasks/${referralId}/referral`, { outcome: 'excluded', reason: 'x' })).status).toBe(404);
    expect((await s.admin.post(`/api/tasks/${referralId}/referral`, { outcome: 'excluded', reason: 'x' })).status).toBe(403);
    expect((await taskRow(referralId)).state).toBe('open');
  });

  it('is retry-safe: the same Idempotency-Key replays the answer instead of a 409', async () => {
    const { referralId } = await referred();
    const headers = { 'Idempotency-Key': `ref-${referralId}-retry` };
    const body = { outcome: 'admitted', hospital: '金银潭医院', reason: '收治' };
    const first = await answer(referralId, body, headers);
    const second = await answer(referralId, body, headers);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
  });
});

describe('a final status closes open referrals, whichever path sets it', () => {
  it('POST /api/persons/:id/status to closed (and it is retry-safe)', async () => {
    const { person, referralId } = await referred();
    const headers = { 'Idempotency-Key': `status-${person.id}-closed` };
    const body = { to: 'closed', reason: '情况有误', version: await versionOf(s.community, person.id) };
    const first = await s.community.post(`/api/persons/${person.id}/status`, body, headers);
    const second = await s.community.post(`/api/persons/${person.id}/status`, body, headers);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await personOf(person.id)).events.filter((e: any) => e.toStatus === 'closed')).toHaveLength(1);
    expect(await taskRow(referralId)).toMatchObject({ state: 'done', result: { resolvedBy: 'status', status: 'closed' } });
  });

  it('POST /api/persons/:id/release', async () => {
    const p = await registerPerson(s, s.f.points.gridA, { observationStart: shanghaiDay(-16), observationEnd: shanghaiDay(-2) });
    const referral = await extraReferral(p.id);
    const r = await s.community.post(`/api/persons/${p.id}/release`, { noticeNo: 'JC-9', version: await versionOf(s.community, p.id) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await taskRow(referral)).toMatchObject({ state: 'done', result: { resolvedBy: 'status', status: 'released' } });
  });
});
