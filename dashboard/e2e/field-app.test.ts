// The field app on phones (390×844, touch, a position set by the test) against the real API on the
// test database with a generated demo city: the grid worker's flow from a citizen's report to a
// registered person, the doctor's abnormal check with a photo and its referral, the checkpoint's scan
// (camera, valid and revoked) and registration, the offline outbox across a reload, navigation
// links, scopes, and the English switch. Screenshots go to test-artifacts/field-*.png.
import gcoordModule from 'gcoord';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { citizenClient } from '../../api/src/test/citizen.ts';
import type { Client } from '../../api/src/test/harness.ts';
import { makeResidentId } from '../../api/src/persons/idnumber.ts';
import type { Browser } from './support/browser.ts';
import { fieldPlaces, launchPhone, qrPng, signInField, type FieldPlaces } from './support/field.ts';
import { byTestId, saveScreenshot, waitFor, watchErrors } from './support/page.ts';
import { startStack, type Stack } from './support/stack.ts';

const LONG = 240_000;
// gcoord's CommonJS default export, typed as the module by its .d.ts (as api/src/geo/point.ts does).
const gcoord = gcoordModule as unknown as typeof gcoordModule.default;

let stack: Stack;
let places: FieldPlaces;
let citizen: Client;
const open: Browser[] = [];

beforeAll(async () => {
  stack = await startStack();
  places = await fieldPlaces(stack);
  citizen = await citizenClient(stack.t, stack.city.code);
}, 600_000);

afterAll(async () => {
  for (const b of open) await b.close();
  await stack?.close();
});

async function phone(position = places.gridA, cameraQr?: string): Promise<{ page: Page; errors: string[]; browser: Browser }> {
  const browser = await launchPhone({ position, cameraQr });
  open.push(browser);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  return { page, errors: watchErrors(page), browser };
}

function onFailure(name: string, page: () => Page | undefined, errors: () => string[]): void {
  onTestFailed(async () => {
    const p = page();
    if (p) await saveScreenshot(p, `failed-field-${name}.png`).catch(() => {});
    // The service worker's state: an offline test waits for it to control the page.
    const worker = await p
      ?.evaluate(async () => {
        const reg = await navigator.serviceWorker.getRegistration('/field/');
        return JSON.stringify({ controller: !!navigator.serviceWorker.controller, installing: reg?.installing?.state, waiting: reg?.waiting?.state, active: reg?.active?.state });
      })
      .catch((err) => String(err));
    console.error(`[e2e field ${name}] url ${p?.url()} service worker ${worker}\n${errors().slice(-30).join('\n')}`);
  });
}

/** A citizen's report at a point: the verification task it made, read back as the commander sees it. */
async function fileReport(at: { lon: number; lat: number }, name: string): Promise<{ reportId: number; taskId: number }> {
  const r = await citizen.post('/api/citizen/reports', {
    subjectName: name, subjectPhone: '13912345678', fever: true, cough: true, temperature: 38.4,
    description: '邻居连续两天发热咳嗽', location: at, address: '示范市东一社区 5 号楼 2 单元 301',
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const commander = await stack.login('commander');
  const staff = await commander.get(`/api/reports/${r.body.id}`);
  return { reportId: r.body.id, taskId: staff.body.task.id };
}

/** Waits until the field app has kept a read on the phone (its IndexedDB cache). */
async function waitForKept(page: Page, key: string, timeout = 60_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const kept = await page.evaluate(
      (k) =>
        new Promise<boolean>((resolve) => {
          const open = indexedDB.open('gec-field');
          open.onsuccess = () => {
            const get = open.result.transaction('cache').objectStore('cache').getAllKeys();
            get.onsuccess = () => resolve(get.result.some((x) => String(x).endsWith(`:${k}`)));
          };
          open.onerror = () => resolve(false);
        }),
      key,
    );
    if (kept) return;
    if (Date.now() > deadline) throw new Error(`the app did not keep ${key} on the phone within ${timeout} ms`);
    await page.waitForTimeout(100);
  }
}

const sleepFrames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

describe('grid worker', () => {
  let page: Page | undefined;
  let errors: string[] = [];
  /** The worker's phone of the first test, or a new one signed in (a test alone, or after a failure). */
  async function workerPage(): Promise<Page> {
    if (!page) {
      ({ page, errors } = await phone());
      await signInField(page, stack, 'gridworker');
    }
    return page;
  }

  it('takes a citizen report from the task list to a registered person, with links that open the map apps', { timeout: LONG }, async () => {
    onFailure('worker-flow', () => page, () => errors);
    const commander = await stack.login('commander');
    const watchingBefore = (await commander.get('/api/stats/summary')).body.counts.watching as number;
    const { taskId } = await fileReport(places.gridA, '王建国');
    ({ page, errors } = await phone());
    await signInField(page, stack, 'gridworker');
    await saveScreenshot(page, 'field-worker-home.png');

    // The task is listed, nearest first, with a distance of metres from the phone.
    const row = byTestId(page, `task-${taskId}`);
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    expect(Number(await row.getAttribute('data-distance'))).toBeLessThan(50);
    await saveScreenshot(page, 'field-worker-tasks.png');

    // The map of the same tasks.
    await byTestId(page, 'tasks-toggle-map').click();
    await waitFor(page, `document.querySelector('[data-testid="task-map"]')?.dataset.ready === 'true'`);
    await saveScreenshot(page, 'field-worker-map.png');
    await byTestId(page, 'tasks-toggle-map').click();

    await row.click();
    await byTestId(page, 'task-detail').waitFor();
    expect(await byTestId(page, 'task-report').innerText()).toContain('139****5678');
    // Navigation links carry the home converted for each app: GCJ-02 for Amap and Tencent, BD-09 for Baidu.
    const [glon, glat] = gcoord.transform([places.gridA.lon, places.gridA.lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
    const [blon, blat] = gcoord.transform([places.gridA.lon, places.gridA.lat], gcoord.WGS84, gcoord.BD09) as [number, number];
    const amap = new URL((await byTestId(page, 'nav-amap').getAttribute('href'))!);
    const [alon, alat] = amap.searchParams.get('to')!.split(',').map(Number);
    expect(alon).toBeCloseTo(glon, 5);
    expect(alat).toBeCloseTo(glat, 5);
    expect(amap.searchParams.get('coordinate')).toBe('gaode');
    const baidu = decodeURIComponent((await byTestId(page, 'nav-baidu').getAttribute('href'))!);
    const [bl, bn] = /latlng:([\d.]+),([\d.]+)/.exec(baidu)!.slice(1).map(Number);
    expect(bl).toBeCloseTo(blat, 5);
    expect(bn).toBeCloseTo(blon, 5);
    const tencent = new URL((await byTestId(page, 'nav-tencent').getAttribute('href'))!);
    const [tlat, tlon] = tencent.searchParams.get('tocoord')!.split(',').map(Number);
    expect(tlat).toBeCloseTo(glat, 5);
    expect(tlon).toBeCloseTo(glon, 5);
    expect(await byTestId(page, 'nav-geo').getAttribute('href')).toContain(`geo:${places.gridA.lat.toFixed(6).replace(/0+$/, '')}`);
    await saveScreenshot(page, 'field-worker-task.png');

    // Verification: register. The form starts from the report (name, symptoms).
    await byTestId(page, 'task-verify').click();
    await byTestId(page, 'person-form').waitFor();
    // The form starts from the report: the name the citizen gave.
    await waitFor(page, `document.querySelector('[data-field="name"] input')?.value === '王建国'`);
    await page.locator('[data-field="age"] input').fill('46');
    await saveScreenshot(page, 'field-worker-verify.png');
    for (let i = 0; i < 4; i++) await byTestId(page, 'form-next').click();
    await byTestId(page, 'field-location').waitFor();
    await byTestId(page, 'use-position').click();
    await byTestId(page, `household-${places.household.id}`).click();
    await saveScreenshot(page, 'field-worker-residence.png');
    // The form's check of the draft as the worker typed must not be sent once the form is (the
    // person would exist by then: a 409 in the console).
    let checksAfterSend = 0;
    await byTestId(page, `household-${places.household.id}`).click(); // a change just before sending
    await byTestId(page, 'form-submit').click();
    page.on('request', (r) => {
      if (r.url().endsWith('/api/persons/validate')) checksAfterSend++;
    });

    // The registered person opens: on the watch list, with the report's symptoms.
    await byTestId(page, 'person-detail').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(600);
    expect(checksAfterSend).toBe(0);
    expect(await byTestId(page, 'person-name').innerText()).toBe('王建国');
    expect(await page.locator('[data-testid="person-detail"] [data-testid="status-tag"]').first().getAttribute('data-status')).toBe('watching');
    expect(await byTestId(page, 'person-conditions').innerText()).toContain('发热');
    // Registered without dates of observation: the period the jobs count, from today by default (it read "—").
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const observation = await byTestId(page, 'person-observation').innerText();
    expect(observation).toContain(`${today} – `);
    expect(observation).toMatch(/默认：自登记之日起 \d+ 天/);
    await saveScreenshot(page, 'field-worker-person.png');

    // The server agrees: the task is done and the person is registered (once), with the report's phone.
    const worker = await stack.login('gridworker');
    const task = await worker.get(`/api/tasks/${taskId}`);
    expect(task.body.state).toBe('done');
    const person = await worker.get(`/api/persons/${task.body.personId}`);
    expect(person.body).toMatchObject({ name: '王建国', status: 'watching', phone: '139****5678', householdId: places.household.id });
    // …and reaches the command center's counts.
    expect((await commander.get('/api/stats/summary')).body.counts.watching).toBe(watchingBefore + 1);
    // Not errors: the sign-in's 401s, and the answers the page asked for early that a navigation cut off.
    expect(errors.filter((e) => !/favicon|401 \(Unauthorized\)|net::ERR_ABORTED/.test(e))).toEqual([]);
  });

  it('changes a status the status machine allows and keeps a follow-up note in the history', { timeout: LONG }, async () => {
    onFailure('worker-status', () => page, () => errors);
    await workerPage();
    const worker = await stack.login('gridworker');
    const list = await worker.get('/api/persons?status=watching&pageSize=1');
    const id = list.body.items[0].id as number;
    await page!.goto(`${stack.baseUrl}/field/persons/${id}`);
    await byTestId(page!, 'person-add-note').click();
    await byTestId(page!, 'note-text').locator('textarea').fill('已电话联系，居家未外出');
    await byTestId(page!, 'note-submit').click();
    await waitFor(page!, `!!document.querySelector('[data-testid="person-events"] [data-kind="note"]')`);
    await byTestId(page!, 'person-change-status').click();
    await byTestId(page!, 'to-suspected').click();
    await byTestId(page!, 'status-reason').locator('textarea').fill('出现发热症状');
    await saveScreenshot(page!, 'field-worker-status.png');
    await byTestId(page!, 'status-submit').click();
    await waitFor(page!, `document.querySelector('[data-testid="person-detail"] [data-testid="status-tag"]')?.dataset.status === 'suspected'`);
    const after = await worker.get(`/api/persons/${id}`);
    expect(after.body.status).toBe('suspected');
    expect(after.body.events.filter((e: { kind: string }) => e.kind === 'note')).toHaveLength(1);
  });

  it('shows a badge for a task arriving over the live feed while the worker is elsewhere in the app', { timeout: LONG }, async () => {
    onFailure('worker-badge', () => page, () => errors);
    await workerPage();
    await page!.goto(`${stack.baseUrl}/field/me`);
    await byTestId(page!, 'me-view').waitFor();
    await sleepFrames(page!);
    await fileReport(places.gridAInside, '李秀英');
    await waitFor(page!, `!!document.querySelector('[data-testid="tab-tasks"] .van-badge')`, 30_000);
    // The guidance the city published, and where the worker works by name.
    expect(await byTestId(page!, 'articles').innerText()).toContain('居家隔离观察须知');
    await waitFor(page!, `/网格/.test(document.querySelector('[data-testid="me-scope"]')?.textContent ?? '')`);
    expect(await byTestId(page!, 'me-roles').innerText()).toContain('网格员');
    await saveScreenshot(page!, 'field-worker-me.png');
  });

  it('keeps each worker to their own grid', { timeout: LONG }, async () => {
    const { taskId } = await fileReport(places.gridA, '赵大海');
    const other = await phone(places.gridB);
    await signInField(other.page, stack, 'gridworker2');
    await byTestId(other.page, 'tasks-view').waitFor();
    await sleepFrames(other.page);
    expect(await byTestId(other.page, `task-${taskId}`).count()).toBe(0);
    await other.page.goto(`${stack.baseUrl}/field/tasks/${taskId}`);
    await waitFor(other.page, `/未找到|not found/i.test(document.body.innerText)`);
  });

  it('asks for its first screen once: the page preloads who is signed in and the open tasks, and the app takes those answers', { timeout: LONG }, async () => {
    const { taskId } = await fileReport(places.gridA, '孙小梅');
    await workerPage();
    const asked: string[] = [];
    const onRequest = (r: { url(): string }) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/')) asked.push(u.pathname + u.search);
    };
    page!.on('request', onRequest);
    try {
      await page!.goto(`${stack.baseUrl}/field/tasks`);
      await byTestId(page!, `task-${taskId}`).waitFor({ timeout: 60_000 });
      await sleepFrames(page!);
    } finally {
      page!.off('request', onRequest);
    }
    expect(asked.filter((x) => x === '/api/auth/me')).toHaveLength(1);
    expect(asked.filter((x) => x === '/api/tasks?mine=true&state=open&pageSize=100')).toHaveLength(1);
    // …and that one request was the page's preload, not the app's own.
    const initiators = await page!.evaluate(() =>
      performance.getEntriesByType('resource').filter((e) => /\/api\/(auth\/me|tasks\?mine=true&state=open&pageSize=100)$/.test(e.name)).map((e) => (e as PerformanceResourceTiming).initiatorType));
    expect(initiators).toEqual(['link', 'link']);
  });

  it('speaks English on request', { timeout: LONG }, async () => {
    await workerPage();
    await page!.goto(`${stack.baseUrl}/field/me`);
    await byTestId(page!, 'lang-switch').getByText('English').click();
    await waitFor(page!, `/Sign out/.test(document.body.innerText) && /Tasks/.test(document.body.innerText)`);
    await saveScreenshot(page!, 'field-worker-me-en.png');
    await byTestId(page!, 'lang-switch').getByText('中文').click();
  });
});

describe('community doctor', () => {
  let page: Page | undefined;
  let errors: string[] = [];

  it('records an abnormal check with a photo: suspected, referral task, alert — then closes the referral', { timeout: LONG }, async () => {
    onFailure('doctor', () => page, () => errors);
    // A person under observation in the doctor's community, with today's check task.
    const worker = await stack.login('gridworker');
    const reg = await worker.post('/api/registrations', {
      kind: 'patrol',
      person: { name: '孙丽', idNumber: makeResidentId('420106', '1988-04-12', 7, 'female'), phone: '13711112222', location: places.gridA },
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const personId = reg.body.id as number;
    const { generateCheckTasks } = await import('../../api/src/checks/jobs.ts');
    await generateCheckTasks(stack.t.app, stack.city.tenantId);
    const doctor = await stack.login('doctor');
    const tasks = await doctor.get(`/api/tasks?mine=true&kind=check&pageSize=200`);
    const check = tasks.body.items.find((x: { personId: number }) => x.personId === personId);
    expect(check, 'a check task for the new person').toBeTruthy();

    ({ page, errors } = await phone());
    await signInField(page, stack, 'doctor');
    await byTestId(page, `task-${check.id}`).waitFor({ timeout: 60_000 });
    await saveScreenshot(page, 'field-doctor-tasks.png');
    await byTestId(page, 'tasks-toggle-map').click();
    await waitFor(page, `document.querySelector('[data-testid="task-map"]')?.dataset.ready === 'true'`);
    await saveScreenshot(page, 'field-doctor-map.png');
    await byTestId(page, 'tasks-toggle-map').click();
    await byTestId(page, `task-${check.id}`).click();
    await byTestId(page, 'task-check').click();
    await byTestId(page, 'check-form').waitFor();
    await byTestId(page, 'check-temperature').locator('input').fill('38.6');
    await byTestId(page, 'check-cough').click();
    await byTestId(page, 'check-description').locator('textarea').fill('咽痛，体温偏高');
    await byTestId(page, 'check-photo').locator('input[type=file]').setInputFiles({ name: 'thermometer.png', mimeType: 'image/png', buffer: await qrPng('thermometer 38.6') });
    await waitFor(page, `document.querySelector('[data-testid="check-form"]')?.dataset.photo === 'ready'`);
    await saveScreenshot(page, 'field-doctor-check.png');
    await byTestId(page, 'check-submit').click();
    await byTestId(page, 'check-result').waitFor({ timeout: 60_000 });
    expect(await byTestId(page, 'check-result').getAttribute('data-abnormal')).toBe('true');
    await byTestId(page, 'escalation-status').waitFor();
    await byTestId(page, 'escalation-referral').waitFor();
    await byTestId(page, 'escalation-alert').waitFor();
    await saveScreenshot(page, 'field-doctor-result.png');

    const checks = await doctor.get(`/api/checks?personId=${personId}`);
    expect(checks.body.items).toHaveLength(1);
    expect(checks.body.items[0]).toMatchObject({ temperature: 38.6, abnormal: true, taskId: check.id });
    expect(checks.body.items[0].photoId).toBeTruthy();
    const photo = await doctor.get(`/api/files/${checks.body.items[0].photoId}`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');

    // The referral appears in the doctor's list and is closed with its outcome.
    const referral = (await doctor.get(`/api/tasks?mine=true&kind=referral&pageSize=200`)).body.items.find((x: { personId: number }) => x.personId === personId);
    await page.goto(`${stack.baseUrl}/field/tasks/${referral.id}`);
    await byTestId(page, 'task-referral').click();
    await byTestId(page, 'referral-confirmed').click();
    // sent without a hospital: the form says what is missing in its own words, nothing is sent
    await byTestId(page, 'referral-submit').click();
    await page.getByText('请填写收治或确诊的定点医院').waitFor();
    await saveScreenshot(page, 'field-doctor-referral-missing.png');
    await byTestId(page, 'referral-hospital').locator('input').fill('金银潭医院');
    await page.getByText('轻症').click();
    await saveScreenshot(page, 'field-doctor-referral.png');
    await byTestId(page, 'referral-submit').click();
    await byTestId(page, 'person-detail').waitFor({ timeout: 60_000 });
    expect((await doctor.get(`/api/tasks/${referral.id}`)).body.state).toBe('done');
    expect((await doctor.get(`/api/persons/${personId}`)).body).toMatchObject({ status: 'confirmed', severity: 'mild' });
  });

  it('lists the doctor\'s own checks between two dates', { timeout: LONG }, async () => {
    if (!page) {
      ({ page, errors } = await phone());
      await signInField(page, stack, 'doctor');
    }
    await page!.goto(`${stack.baseUrl}/field/checks`);
    await byTestId(page!, 'checks-list').waitFor({ timeout: 30_000 });
    expect(await byTestId(page!, 'checks-list').innerText()).toContain('孙丽');
    await saveScreenshot(page!, 'field-doctor-checks.png');
  });
});

describe('checkpoint', () => {
  /** A citizen's pass (a fresh token), registered with the citizen's name and ID number. */
  async function passToken(name: string, seq: number): Promise<{ token: string; idNumber: string }> {
    const c = await citizenClient(stack.t, stack.city.code);
    const idNumber = makeResidentId('420102', `1990-03-0${(seq % 9) + 1}`, 100 + seq, seq % 2 ? 'male' : 'female');
    const reg = await c.post('/api/citizen/pass', { name, idNumber });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const pass = await c.get('/api/citizen/pass');
    expect(pass.status, JSON.stringify(pass.body)).toBe(200);
    return { token: pass.body.token, idNumber };
  }

  it('scans a valid pass with the camera (green), a revoked one from a photo (red), and registers someone without a pass', { timeout: LONG }, async () => {
    const valid = await passToken('周杰', 1);
    const { page, errors } = await phone(places.gridA, valid.token);
    onFailure('checkpoint', () => page, () => errors);
    const refused: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 403) refused.push(r.url());
    });
    await signInField(page, stack, 'checkpoint');
    // signed in from /field/, a checkpoint lands on the scanner without the task list's preload
    expect(new URL(page.url()).pathname).toBe('/field/scan');
    await byTestId(page, 'scan-place').locator('input').fill('东一社区北门');
    const verdict = byTestId(page, 'scan-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('valid');
    expect(await byTestId(page, 'verdict-holder').innerText()).toContain('周');
    await saveScreenshot(page, 'field-checkpoint-valid.png');
    expect(await byTestId(page, 'scan-record').innerText()).toContain('放行');
    await byTestId(page, 'scan-record').click();
    await waitFor(page, `/已放行/.test(document.querySelector('[data-testid="verdict-title"]')?.textContent ?? '')`);
    const scans = await stack.t.app.db.ownerPool.query('select result, temperature::float8 as t, place from pass_scans where tenant_id = $1 order by id desc limit 1', [stack.city.tenantId]);
    expect(scans.rows[0]).toEqual({ result: 'allowed', t: 36.5, place: '东一社区北门' });
    expect(refused).toEqual([]);

    // A pass revoked since (its holder went onto the watch list), on a phone whose browser gives no
    // camera: the photo fallback reads the code.
    const revoked = await passToken('吴磊', 2);
    const worker = await stack.login('gridworker');
    const reg = await worker.post('/api/registrations', { kind: 'patrol', person: { name: '吴磊', idNumber: revoked.idNumber, location: places.gridA } });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const second = await phone();
    await signInField(second.page, stack, 'checkpoint');
    await byTestId(second.page, 'camera-error').waitFor({ timeout: 30_000 });
    await byTestId(second.page, 'scan-place').locator('input').fill('东一社区北门');
    await byTestId(second.page, 'scan-photo').setInputFiles({ name: 'pass.png', mimeType: 'image/png', buffer: await qrPng(revoked.token) });
    const red = byTestId(second.page, 'scan-verdict');
    await red.waitFor({ timeout: 60_000 });
    expect(await red.getAttribute('data-verdict')).toBe('revoked');
    // the action on a red verdict records a refusal, and says so
    expect(await byTestId(second.page, 'scan-record').innerText()).toContain('拦截');
    await saveScreenshot(second.page, 'field-checkpoint-revoked.png');
    await second.page.getByText('取消').click();

    // Without a pass: registered at the entrance, straight onto the watch list.
    await byTestId(second.page, 'tab-checkpointRegister').click();
    const idNumber = makeResidentId('420104', '1979-11-23', 31, 'male');
    await byTestId(second.page, 'cp-name').locator('input').fill('郑强');
    await byTestId(second.page, 'cp-id-number').locator('input').fill(idNumber);
    await byTestId(second.page, 'cp-phone').locator('input').fill('13622223333');
    await byTestId(second.page, 'cp-came-from').locator('input').fill('武汉市江汉区');
    await byTestId(second.page, 'cp-place').locator('input').fill('东一社区北门');
    await saveScreenshot(second.page, 'field-checkpoint-register.png');
    await byTestId(second.page, 'cp-submit').click();
    await byTestId(second.page, 'checkpoint-done').waitFor({ timeout: 60_000 });
    const found = await worker.get(`/api/persons?q=${idNumber}`);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({ name: '郑强', status: 'watching', source: 'checkpoint' });
  });
  it('verifies a pass without network with the kept keys, and records the scan once the network returns', { timeout: LONG }, async () => {
    const pass = await passToken('冯涛', 3);
    const { page, errors, browser } = await phone();
    onFailure('checkpoint-offline', () => page, () => errors);
    await signInField(page, stack, 'checkpoint');
    await waitFor(page, 'navigator.serviceWorker.controller !== null', 120_000);
    await waitForKept(page, 'pass-keys');
    const before = await stack.t.app.db.ownerPool.query('select count(*)::int n from pass_scans where tenant_id = $1', [stack.city.tenantId]);

    await browser.context.setOffline(true);
    await byTestId(page, 'scan-place').locator('input').fill('东一社区南门');
    await byTestId(page, 'scan-typed').locator('input').fill(pass.token);
    await byTestId(page, 'scan-typed-submit').click();
    const verdict = byTestId(page, 'scan-verdict');
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('valid');
    await byTestId(page, 'verdict-offline').waitFor();
    expect(await byTestId(page, 'verdict-holder').innerText()).toBe('冯*');
    await saveScreenshot(page, 'field-checkpoint-offline.png');
    await byTestId(page, 'scan-record').click();
    await byTestId(page, 'scan-queued').waitFor();

    await browser.context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await byTestId(page, 'scan-next').click();
    await byTestId(page, 'tab-outbox').click();
    await waitFor(page, `document.querySelectorAll('[data-testid^="outbox-"][data-state="sent"]').length === 1`, 60_000);
    const after = await stack.t.app.db.ownerPool.query('select count(*)::int n from pass_scans where tenant_id = $1', [stack.city.tenantId]);
    expect(after.rows[0].n).toBe(before.rows[0].n + 1);
  });
});

describe('offline outbox', () => {
  it('keeps three submissions (one with a photo) across a reload without network, then sends each exactly once', { timeout: LONG }, async () => {
    const { page, errors, browser } = await phone();
    onFailure('offline', () => page, () => errors);
    const doctor = await stack.login('doctor');
    const worker = await stack.login('gridworker');
    const people = [];
    for (const [i, name] of ['钱一', '钱二'].entries()) {
      const r = await worker.post('/api/registrations', { kind: 'patrol', person: { name, idNumber: makeResidentId('420111', `1970-01-1${i}`, 51 + i, 'male'), location: places.gridA } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      people.push(r.body.id as number);
    }
    await signInField(page, stack, 'doctor');
    // The service worker holds the app's files once it controls the page (it claims it on activation).
    await waitFor(page, 'navigator.serviceWorker.controller !== null', 60_000);
    // Both persons read once while online: the app keeps what it read on the phone (IndexedDB).
    for (const id of [people[1], people[0]]) {
      await page.goto(`${stack.baseUrl}/field/persons/${id}`);
      await byTestId(page, 'person-detail').waitFor();
      await waitForKept(page, `person:${id}`);
    }

    await browser.context.setOffline(true);
    // 1: a follow-up note
    await byTestId(page, 'person-add-note').click();
    await byTestId(page, 'note-text').locator('textarea').fill('离线记录：门口张贴告知书');
    await byTestId(page, 'note-submit').click();
    await byTestId(page, 'offline-banner').waitFor();
    // 2: a check with a photo
    await byTestId(page, 'person-check').click();
    await byTestId(page, 'check-form').waitFor({ timeout: 30_000 });
    await byTestId(page, 'check-temperature').locator('input').fill('36.8');
    await byTestId(page, 'check-photo').locator('input[type=file]').setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: await qrPng('door notice') });
    await waitFor(page, `document.querySelector('[data-testid="check-form"]')?.dataset.photo === 'ready'`);
    await byTestId(page, 'check-submit').click();
    await byTestId(page, 'check-queued').waitFor();
    // 3: a note on the second person, opened by a full page load without network (the service worker answers)
    await page.goto(`${stack.baseUrl}/field/persons/${people[1]}`);
    await byTestId(page, 'person-detail').waitFor({ timeout: 30_000 });
    await byTestId(page, 'person-add-note').click();
    await byTestId(page, 'note-text').locator('textarea').fill('离线记录：电话未接通');
    await byTestId(page, 'note-submit').click();

    await byTestId(page, 'tab-outbox').click();
    await waitFor(page, `document.querySelectorAll('[data-testid^="outbox-"][data-state="pending"]').length === 3`);
    await saveScreenshot(page, 'field-outbox-offline.png');
    // The phone is reloaded (or locked and reopened) while still offline: nothing is lost.
    await page.reload();
    await waitFor(page, `document.querySelectorAll('[data-testid^="outbox-"][data-state="pending"]').length === 3`);

    await browser.context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitFor(page, `document.querySelectorAll('[data-testid^="outbox-"][data-state="sent"]').length === 3`, 60_000);
    await saveScreenshot(page, 'field-outbox-sent.png');

    const notes = async (id: number) => (await doctor.get(`/api/persons/${id}`)).body.events.filter((e: { kind: string }) => e.kind === 'note').length;
    expect(await notes(people[0])).toBe(1);
    expect(await notes(people[1])).toBe(1);
    const checks = await doctor.get(`/api/checks?personId=${people[0]}`);
    expect(checks.body.items).toHaveLength(1);
    expect(checks.body.items[0].photoId).toBeTruthy();
    const files = await stack.t.app.db.ownerPool.query('select count(*)::int n from files where tenant_id = $1 and person_id = $2', [stack.city.tenantId, people[0]]);
    expect(files.rows[0].n).toBe(1);
    // Sent again (a retry after a lost answer): the same keys, nothing doubled.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await sleepFrames(page);
    expect(await notes(people[0])).toBe(1);
  });

  it('shows a task answered offline as waiting to be sent, and offers no second answer', { timeout: LONG }, async () => {
    const { page, errors, browser } = await phone();
    onFailure('offline-verify', () => page, () => errors);
    const { taskId } = await fileReport(places.gridA, '孙离线');
    await signInField(page, stack, 'gridworker');
    await waitFor(page, 'navigator.serviceWorker.controller !== null', 120_000);
    // the list with the task, kept on the phone (offline, the list shows what was last read)
    await byTestId(page, `task-${taskId}`).waitFor({ timeout: 30_000 });
    await waitForKept(page, 'tasks:all:open');
    await page.goto(`${stack.baseUrl}/field/tasks/${taskId}`);
    await byTestId(page, 'task-verify').waitFor({ timeout: 30_000 });
    await waitForKept(page, `task:${taskId}`);

    await browser.context.setOffline(true);
    await byTestId(page, 'task-verify').click();
    await byTestId(page, 'outcome-mistaken').click();
    await byTestId(page, 'verify-submit').click();
    // back on the list: the task is still open on the server, its answer waits on the phone
    await byTestId(page, `task-${taskId}`).locator('[data-testid="task-unsent"]').waitFor({ timeout: 30_000 });
    await page.goto(`${stack.baseUrl}/field/tasks/${taskId}`);
    await byTestId(page, 'task-unsent').waitFor({ timeout: 30_000 });
    expect(await byTestId(page, 'task-verify').count()).toBe(0);
    await saveScreenshot(page, 'field-task-unsent.png');

    await browser.context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(async () => (await (await stack.login('gridworker')).get(`/api/tasks/${taskId}`)).body.state, { timeout: 60_000 }).toBe('done');
  });

  it('shows an item the server refused with its message, and sends it again once corrected in its form', { timeout: LONG }, async () => {
    const { page, errors, browser } = await phone();
    onFailure('outbox-edit', () => page, () => errors);
    await signInField(page, stack, 'gridworker');
    // Shortly after it starts with a network, the app has its files and the person form on the phone.
    await waitFor(page, 'navigator.serviceWorker.controller !== null', 120_000);
    await waitForKept(page, 'person-form');
    const taken = makeResidentId('420111', '1966-06-06', 71, 'female');
    const free = makeResidentId('420111', '1966-06-07', 73, 'female');

    // Registered offline on the phone…
    await browser.context.setOffline(true);
    await byTestId(page, 'tab-register').click();
    await waitFor(page, `!!document.querySelector('[data-field="name"] input')`);
    // Nothing goes into the outbox that the server would only refuse: a missing name, then a wrong
    // check digit, are said on the phone, on their step.
    for (let i = 0; i < 4; i++) await byTestId(page, 'form-next').click();
    await byTestId(page, 'form-submit').click();
    await waitFor(page, `(document.querySelector('[data-field="name"]')?.textContent ?? '').includes('请填写姓名')`);
    await page.locator('[data-field="name"] input').fill('冯兰');
    await page.locator('[data-field="idNumber"] input').fill(taken.slice(0, 17) + (taken[17] === '0' ? '1' : '0'));
    for (let i = 0; i < 4; i++) await byTestId(page, 'form-next').click();
    await byTestId(page, 'form-submit').click();
    await waitFor(page, `(document.querySelector('[data-field="idNumber"]')?.textContent ?? '').includes('校验位不正确')`);
    await saveScreenshot(page, 'field-register-local-check.png');
    expect(await page.evaluate(() => document.querySelectorAll('[data-testid="tab-outbox"] .van-badge').length)).toBe(0);
    await page.locator('[data-field="idNumber"] input').fill(taken);
    for (let i = 0; i < 4; i++) await byTestId(page, 'form-next').click();
    await byTestId(page, 'use-position').click();
    await byTestId(page, 'form-submit').click();
    await byTestId(page, 'tab-outbox').click();
    await waitFor(page, `document.querySelectorAll('[data-testid^="outbox-"][data-state="pending"]').length === 1`);

    // …while someone else registered the same ID number: the server refuses the phone's copy.
    const worker = await stack.login('gridworker');
    const other = await worker.post('/api/registrations', { kind: 'patrol', person: { name: '冯兰', idNumber: taken, location: places.gridA } });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    await browser.context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitFor(page, `document.querySelectorAll('[data-testid^="outbox-"][data-state="failed"]').length === 1`);
    // in the language of the app (the API answers in the Accept-Language the app sends)
    expect(await byTestId(page, 'outbox-error').innerText()).toContain('该身份证号的人员已登记');
    await saveScreenshot(page, 'field-outbox-failed.png');

    // Corrected in its own form, it goes out and takes the place of the refused one.
    await byTestId(page, 'outbox-edit').click();
    await waitFor(page, `document.querySelector('[data-field="idNumber"] input')?.value === ${JSON.stringify(taken)}`);
    await page.locator('[data-field="idNumber"] input').fill(free);
    for (let i = 0; i < 4; i++) await byTestId(page, 'form-next').click();
    await byTestId(page, 'form-submit').click();
    await byTestId(page, 'person-detail').waitFor({ timeout: 60_000 });
    const found = await worker.get(`/api/persons?q=${free}`);
    expect(found.body.items).toHaveLength(1);
    await byTestId(page, 'tab-outbox').click();
    await waitFor(page, `document.querySelectorAll('[data-testid^="outbox-"][data-state="failed"]').length === 0 && document.querySelectorAll('[data-testid^="outbox-"][data-state="sent"]').length === 1`);
  });

  it('refuses a status change queued offline once someone else changed the person, and sends it after a review of the person as they are now', { timeout: LONG }, async () => {
    const { page, errors, browser } = await phone();
    onFailure('outbox-stale', () => page, () => errors);
    const worker = await stack.login('gridworker');
    const r = await worker.post('/api/registrations', { kind: 'patrol', person: { name: '褚明', idNumber: makeResidentId('420111', '1971-03-05', 81, 'male'), location: places.gridA } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.id as number;
    await signInField(page, stack, 'gridworker');
    await waitFor(page, 'navigator.serviceWorker.controller !== null', 120_000);
    await page.goto(`${stack.baseUrl}/field/persons/${id}`);
    await byTestId(page, 'person-detail').waitFor();
    await waitForKept(page, `person:${id}`);

    // Offline, the worker closes the case as a mistaken report…
    await browser.context.setOffline(true);
    await byTestId(page, 'person-change-status').click();
    await byTestId(page, 'to-closed').click();
    await byTestId(page, 'status-reason').locator('textarea').fill('误报，经核实无症状');
    await byTestId(page, 'status-submit').click();
    await byTestId(page, 'offline-banner').waitFor();
    // …while a colleague, online, finds a fever and makes the person suspected.
    const read = await worker.get(`/api/persons/${id}`);
    expect((await worker.post(`/api/persons/${id}/status`, { to: 'suspected', reason: '复测发热', version: read.body.version })).status).toBe(200);

    await browser.context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await byTestId(page, 'tab-outbox').click();
    await waitFor(page, `document.querySelectorAll('[data-testid^="outbox-"][data-state="failed"]').length === 1`, 60_000);
    expect(await byTestId(page, 'outbox-error').innerText()).toContain('已被他人更改');
    expect(await byTestId(page, 'outbox-retry').count()).toBe(0);
    expect((await worker.get(`/api/persons/${id}`)).body.status).toBe('suspected');
    await saveScreenshot(page, 'field-outbox-stale.png');

    // Reviewed: the person is shown as they are now, the sheet holds what the worker chose.
    await byTestId(page, 'outbox-edit').click();
    await byTestId(page, 'status-sheet').waitFor();
    await waitFor(page, `document.querySelector('[data-testid="person-detail"] [data-testid="status-tag"]')?.dataset.status === 'suspected'`);
    await waitFor(page, `document.querySelector('[data-testid="status-error"]')?.dataset.stale === 'true'`);
    expect(await byTestId(page, 'status-reason').locator('textarea').inputValue()).toBe('误报，经核实无症状');
    await saveScreenshot(page, 'field-status-review.png');
    await byTestId(page, 'to-closed').click();
    await byTestId(page, 'status-submit').click();
    await waitFor(page, `document.querySelector('[data-testid="person-detail"] [data-testid="status-tag"]')?.dataset.status === 'closed'`);
    const after = await worker.get(`/api/persons/${id}`);
    expect(after.body.status).toBe('closed');
    expect(after.body.events.filter((e: { kind: string }) => e.kind === 'status').map((e: { toStatus: string }) => e.toStatus)).toEqual(['suspected', 'closed']);
    await byTestId(page, 'tab-outbox').click();
    await waitFor(page, `document.querySelectorAll('[data-testid^="outbox-"][data-state="failed"]').length === 0`);
  });
});
