// The whole business flow of §3.2, end to end through HTTP: citizen report → task for the right
// grid's worker → verification registers the person → check tasks → an abnormal check → suspected
// and a referral → later a clean observation → release → the pass is issued again.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCheckTasks } from '../checks/jobs.ts';
import { makeResidentId } from '../persons/idnumber.ts';
import { citizenClient, newPhone } from '../test/citizen.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { versionOf } from '../test/people.ts';

let t: TestApp;
let f: Fixture;
let users: Record<string, number>;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'flow');
  const rows = await t.app.db.ownerPool.query('select id, username from users where tenant_id = $1', [f.tenantId]);
  users = Object.fromEntries(rows.rows.map((r) => [r.username.slice(f.prefix.length), r.id]));
});
afterAll(() => t?.close());

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('the flow of §3.2', () => {
  it('runs from a citizen report to a released resident holding a pass again', async () => {
    const phone = newPhone();
    const idNumber = makeResidentId('420106', '1985-06-15', 321, 'female');
    const name = '林小梅';
    const home = { lon: f.points.gridB.lon + 0.002, lat: f.points.gridB.lat + 0.003 };
    const resident: Client = await citizenClient(t, f.code, phone);
    const worker = await t.login(`${f.prefix}gridworker2`); // grid B
    const doctor = await t.login(`${f.prefix}doctor`);
    const community = await t.login(`${f.prefix}community`);

    // 1. A citizen reports themself with a fever.
    const report = await resident.post('/api/citizen/reports', {
      subjectName: name, subjectPhone: phone, fever: true, temperature: 37.8, location: home, address: '东一社区12栋3单元502',
    }, { 'idempotency-key': `flow-report-${process.pid}` });
    expect(report.status, JSON.stringify(report.body)).toBe(201);

    // 2. The verification task goes to the worker of grid B, nearest first from where they stand.
    const tasks = await worker.get(`/api/tasks?mine=true&kind=verification&near=${home.lon},${home.lat}`);
    const task = tasks.body.items.find((x: any) => x.reportId === report.body.id);
    expect(task).toMatchObject({ state: 'open', assignee: { userId: users.gridworker2 } });
    expect(task.distanceM).toBeLessThan(5);
    expect((await (await t.login(`${f.prefix}gridworker`)).get(`/api/tasks/${task.id}`)).status).toBe(404);

    // 3. The home visit registers her onto the watch list.
    const verified = await worker.post(`/api/tasks/${task.id}/verification`, {
      outcome: 'register', reason: '入户核实属实', person: { name, idNumber, phone, observationMode: 'home', observationStart: day(0), observationEnd: day(13) },
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    const personId = verified.body.personId;
    expect((await worker.get(`/api/persons/${personId}`)).body).toMatchObject({ status: 'watching', source: 'citizen_report', grid: { id: f.nodes.gridB } });
    expect((await resident.get(`/api/citizen/reports/${report.body.id}`)).body.state).toBe('registered');

    // While on the watch list she gets no pass; she binds her identity to report herself.
    const refused = await resident.post('/api/citizen/pass', { name, idNumber });
    expect(refused.status).toBe(409);
    expect((await resident.post('/api/citizen/bind', { name, idNumber })).body).toEqual({ personId });

    // 4. The job turns the check rules into check tasks for the community's doctor.
    await generateCheckTasks(t.app, f.tenantId);
    const nearby = await doctor.get(`/api/checks/tasks/nearby?near=${home.lon},${home.lat}`);
    expect(nearby.status, JSON.stringify(nearby.body)).toBe(200);
    const check = (nearby.body.items ?? nearby.body).find((x: any) => x.personId === personId);
    expect(check).toBeTruthy();

    // 5. The doctor measures 38.6 °C: suspected, a referral task and an alert.
    const abnormal = await doctor.post(`/api/persons/${personId}/checks`, { temperature: 38.6, cough: true, taskId: check.id, description: '咳嗽，发热' });
    expect(abnormal.status, JSON.stringify(abnormal.body)).toBe(201);
    const suspected = await doctor.get(`/api/persons/${personId}`);
    expect(suspected.body.status).toBe('suspected');
    expect(suspected.body.events.at(-1)).toMatchObject({ kind: 'status', fromStatus: 'watching', toStatus: 'suspected' });
    const referrals = await community.get('/api/tasks?kind=referral');
    const referral = referrals.body.items.find((x: any) => x.personId === personId);
    expect(referral).toBeTruthy();
    const alerts = await community.get('/api/alerts');
    expect((alerts.body.items ?? alerts.body).some((a: any) => a.personId === personId)).toBe(true);

    // 6. The hospital rules it out: the referral is answered and she returns to home observation,
    //    which later ends clean.
    const excluded = await doctor.post(`/api/tasks/${referral.id}/referral`, { outcome: 'excluded', reason: '核酸阴性，排除疑似' });
    expect(excluded.status, JSON.stringify(excluded.body)).toBe(200);
    expect(excluded.body.statusChange).toEqual({ from: 'suspected', to: 'watching' });
    expect((await community.get(`/api/tasks/${referral.id}`)).body.state).toBe('done');
    // Time passes: the abnormal reading now lies before a new 14-day observation that has ended.
    await t.app.db.ownerPool.query(`update health_checks set created_at = now() - interval '20 days' where tenant_id = $1 and person_id = $2`, [f.tenantId, personId]);
    expect((await worker.patch(`/api/persons/${personId}`, { observationStart: day(-14), observationEnd: day(0), reason: '重新开始居家观察', version: await versionOf(worker, personId) })).status).toBe(200);
    const clean = await resident.post('/api/citizen/self-reports', { temperature: 36.5, location: home, addressDetail: '12栋3单元502' });
    expect(clean.status, JSON.stringify(clean.body)).toBe(201);
    expect((await doctor.get(`/api/persons/${personId}`)).body.status).toBe('watching');

    // 7. She is on the release list and is released with the notice.
    const candidates = await community.get('/api/release-candidates');
    expect(candidates.body.items.map((c: any) => c.personId)).toContain(personId);
    const released = await community.post(`/api/persons/${personId}/release`, { noticeNo: 'JC-2026-001', version: await versionOf(community, personId) });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    const after = await community.get(`/api/persons/${personId}`);
    expect(after.body).toMatchObject({ status: 'released', releaseNoticeIssued: true });

    // 8. The pass is issued again and verifies offline with the tenant's public key.
    expect((await resident.post('/api/citizen/pass', { name, idNumber })).status).toBe(201);
    const pass = await resident.get('/api/citizen/pass');
    expect(pass.status).toBe(200);
    const jwks = await t.client().get(`/api/passes/keys?tenant=${f.code}`);
    const { payload } = await jwtVerify(pass.body.token, createLocalJWKSet(jwks.body));
    expect(payload.tid).toBe(f.tenantId);
    const checkpoint = await t.login(`${f.prefix}checkpoint`);
    const scan = await checkpoint.post('/api/passes/scan', { token: pass.body.token, temperature: 36.4, place: '东一社区南门' });
    expect(scan.status, JSON.stringify(scan.body)).toBe(201);
    expect(scan.body.result).toBe('allowed');

    // The whole history is kept on the person.
    expect(after.body.events.map((e: any) => e.toStatus).filter(Boolean)).toEqual(['watching', 'suspected', 'watching', 'released']);
  });
});
