// The citizens' app on phones (390×844, touch, a position set by the test) against the real API on
// the test database with a generated demo city: sign-in with an SMS code (the code read from the log
// SMS provider, a code asked for too soon counted down), a report inside a grid reaching that grid
// worker's task list, identity binding and a self-report of a resident on the watch list, a pass for
// a new resident and a refused one, English, and the files a phone downloads (no map, no charts, no
// other app's start). Screenshots go to test-artifacts/citizen-*.png.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jsqr from 'jsqr';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { LogSmsProvider } from '../../api/src/citizens/sms.ts';
import { makeResidentId } from '../../api/src/persons/idnumber.ts';
import { newPhone } from '../../api/src/test/citizen.ts';
import { personBody } from '../../api/src/test/people.ts';
import type { Browser } from './support/browser.ts';
import { ROOT } from './support/build.ts';
import { fieldPlaces, launchPhone, type FieldPlaces } from './support/field.ts';
import { byTestId, saveScreenshot, waitFor, watchErrors } from './support/page.ts';
import { startStack, type Stack } from './support/stack.ts';

// jsqr's types declare exports.default; its UMD build is the function itself (the field app's
// bundler takes either).
const jsQR = ((jsqr as { default?: unknown }).default ?? jsqr) as (rgba: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

const LONG = 240_000;

let stack: Stack;
let places: FieldPlaces;
const open: Browser[] = [];

beforeAll(async () => {
  stack = await startStack();
  places = await fieldPlaces(stack);
}, 600_000);

afterAll(async () => {
  for (const b of open) await b.close();
  await stack?.close();
});

interface Phone {
  page: Page;
  errors: string[];
  /** Every script the page downloaded (paths under /assets/). */
  scripts: Set<string>;
}

async function phone(position = places.gridA): Promise<Phone> {
  const browser = await launchPhone({ position });
  open.push(browser);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const scripts = new Set<string>();
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/assets/') && path.endsWith('.js')) scripts.add(path);
  });
  return { page, errors: watchErrors(page), scripts };
}

function onFailure(name: string, page: () => Page | undefined, errors: () => string[]): void {
  onTestFailed(async () => {
    const p = page();
    if (p) await saveScreenshot(p, `failed-citizen-${name}.png`).catch(() => {});
    console.error(`[e2e citizen ${name}] url ${p?.url()}\n${errors().slice(-30).join('\n')}`);
  });
}

const smsCode = (phoneNumber: string) => /验证码 (\d{6})/.exec((stack.t.app.sms as LogSmsProvider).lastMessage(phoneNumber) ?? '')?.[1];

/** Opens the app from the city's link, asks for a code, reads it from the SMS log and signs in. */
async function signIn(page: Page, phoneNumber: string, screenshot?: string): Promise<void> {
  await page.goto(`${stack.baseUrl}/c/?tenant=${stack.city.code}`);
  await byTestId(page, 'citizen-signin').waitFor({ timeout: 60_000 });
  expect(await byTestId(page, 'signin-tenant').locator('input').inputValue()).toBe(stack.city.code);
  await byTestId(page, 'signin-phone').locator('input').fill(phoneNumber);
  await byTestId(page, 'signin-get-code').click();
  await waitFor(page, `Number(document.querySelector('[data-testid="signin-get-code"]')?.dataset.wait) > 50`);
  const code = smsCode(phoneNumber);
  expect(code).toMatch(/^\d{6}$/);
  await byTestId(page, 'signin-code').locator('input').fill(code!);
  if (screenshot) await saveScreenshot(page, screenshot);
  await byTestId(page, 'signin-submit').click();
  await byTestId(page, 'citizen-home').waitFor({ timeout: 60_000 });
}

describe('resident', () => {
  let page: Page | undefined;
  let errors: string[] = [];

  it('signs in with an SMS code in Chinese, reports a neighbour inside a grid, and the grid worker gets the task', { timeout: LONG }, async () => {
    let scripts: Set<string>;
    ({ page, errors, scripts } = await phone());
    onFailure('report', () => page, () => errors);
    const me = newPhone();
    await page.goto(`${stack.baseUrl}/c/?tenant=${stack.city.code}`);
    await byTestId(page, 'citizen-signin').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await byTestId(page, 'signin-submit').innerText()).toBe('登录');
    // A wrong phone is caught before any request, next to its field.
    await byTestId(page, 'signin-phone').locator('input').fill('123');
    await byTestId(page, 'signin-get-code').click();
    expect(await byTestId(page, 'signin-phone').innerText()).toContain('请填写 11 位手机号');
    await saveScreenshot(page, 'citizen-signin.png');
    await signIn(page, me, 'citizen-signin-code.png');

    // Home: the masked phone, not bound, the services.
    expect(await byTestId(page, 'home-phone').innerText()).toContain(`${me.slice(0, 3)}****${me.slice(-4)}`);
    // The city by its name, not its code.
    expect(await byTestId(page, 'home-phone').innerText()).toContain('示范市');
    await byTestId(page, 'home-not-bound').waitFor();
    await byTestId(page, 'articles').waitFor();
    await saveScreenshot(page, 'citizen-home.png');

    // Guidance from the home.
    await byTestId(page, 'articles').locator('.van-cell').first().click();
    await byTestId(page, 'article-view').locator('h1').waitFor();
    await saveScreenshot(page, 'citizen-article.png');
    await page.goBack();

    // The report: the position comes from the phone (inside the first grid worker's grid).
    await byTestId(page, 'tile-report').click();
    await byTestId(page, 'report-form').waitFor();
    await waitFor(page, `document.querySelector('[data-testid="report-location"]')?.dataset.located === 'true'`);
    await byTestId(page, 'report-submit').click();
    // The form's own checks, beside their fields.
    expect(await byTestId(page, 'report-name').innerText()).toContain('请填写姓名');
    await byTestId(page, 'report-name').locator('input').fill('赵大伟');
    await byTestId(page, 'report-phone').locator('input').fill('13912340000');
    await byTestId(page, 'report-fever').click();
    await byTestId(page, 'report-cough').click();
    await byTestId(page, 'report-temperature').locator('input').fill('38.5');
    await byTestId(page, 'report-description').locator('textarea').fill('对门邻居连续两天发热咳嗽');
    await byTestId(page, 'report-address').locator('textarea').fill('示范市东一社区 3 号楼 1 单元 502');
    await saveScreenshot(page, 'citizen-report-form.png');
    const posted = page.waitForRequest((r) => r.url().endsWith('/api/citizen/reports') && r.method() === 'POST');
    await byTestId(page, 'report-submit').click();
    expect((await posted).headers()['idempotency-key']).toMatch(/^[0-9a-f-]{32,36}$/);
    await byTestId(page, 'report-submitted').waitFor({ timeout: 30_000 });
    expect(await byTestId(page, 'report-state').getAttribute('data-state')).toBe('open');
    expect(await byTestId(page, 'report-state').innerText()).toContain('待核实');
    await saveScreenshot(page, 'citizen-report-sent.png');
    const reportId = Number(new URL(page.url()).pathname.split('/').pop());

    // My reports lists it with its state.
    await byTestId(page, 'to-reports').click();
    await byTestId(page, `report-${reportId}`).waitFor();
    expect(await byTestId(page, `report-${reportId}`).innerText()).toContain('待核实');
    await saveScreenshot(page, 'citizen-my-reports.png');

    // The grid worker of that grid has the verification task.
    const worker = await stack.login('gridworker');
    const tasks = await worker.get('/api/tasks?mine=true&state=open&pageSize=100');
    expect(tasks.status).toBe(200);
    const task = (tasks.body.items as { reportId: number | null; kind: string; subject: string | null }[]).find((x) => x.reportId === reportId);
    expect(task, JSON.stringify(tasks.body.items.map((x: { reportId: number }) => x.reportId))).toBeDefined();
    expect(task!.kind).toBe('verification');
    expect(task!.subject).toBe('赵大伟');

    // What this phone downloaded: the citizen app's own files, no map, no charts, no other app's start.
    const bodies = [...scripts].map((p) => [p, readFileSync(join(ROOT, 'dashboard/dist', p), 'utf8')] as const);
    for (const [path, js] of bodies) {
      expect(path).not.toMatch(/\/(field|command|admin|signin)-boot-(?!shared-)/);
      for (const marker of ['maplibregl', 'ECharts', 'deck.gl', 'jsQR']) expect(js.includes(marker), `${path} holds ${marker}`).toBe(false);
    }
    expect(bodies.some(([p]) => /\/citizen-boot-/.test(p))).toBe(true);
  });

  it('a code asked for too soon counts down the server\'s wait', { timeout: LONG }, async () => {
    let p: Phone;
    ({ page, errors } = p = await phone());
    onFailure('sms-wait', () => page, () => errors);
    const number = newPhone();
    expect((await stack.t.client().post('/api/citizen/sms-code', { tenant: stack.city.code, phone: number })).status).toBe(202);
    await p.page.goto(`${stack.baseUrl}/c/login?tenant=${stack.city.code}`);
    await byTestId(p.page, 'signin-phone').locator('input').fill(number);
    await byTestId(p.page, 'signin-get-code').click();
    await waitFor(p.page, `Number(document.querySelector('[data-testid="signin-get-code"]')?.dataset.wait) > 30`);
    expect(await byTestId(p.page, 'signin-get-code').innerText()).toMatch(/\d+ 秒后重发/);
    // The server's wait, in Chinese, under the phone.
    expect(await byTestId(p.page, 'signin-phone').locator('.van-field__error-message').innerText()).toMatch(/请 \d+ 秒后再试/);
    await saveScreenshot(p.page, 'citizen-signin-wait.png');
    // A wrong code is refused under the code field, in Chinese.
    await byTestId(p.page, 'signin-code').locator('input').fill('000000');
    await byTestId(p.page, 'signin-submit').click();
    await waitFor(p.page, `!!document.querySelector('[data-testid="signin-code"] .van-field__error-message')`);
    expect(await byTestId(p.page, 'signin-code').innerText()).toContain('验证码错误');
    await saveScreenshot(p.page, 'citizen-signin-wrong-code.png');
  });

  it('binds the identity of a resident on the watch list and reports their health', { timeout: LONG }, async () => {
    let p: Phone;
    ({ page, errors } = p = await phone());
    onFailure('self-report', () => page, () => errors);
    const number = newPhone();
    const worker = await stack.login('gridworker');
    const person = personBody(places.gridAInside, { phone: number, name: '钱观察' });
    const created = await worker.post('/api/persons', person);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await signIn(p.page, number);

    // Not bound: the health report offers the binding.
    await byTestId(p.page, 'tile-selfReport').click();
    await byTestId(p.page, 'health-not-bound').waitFor();
    await saveScreenshot(p.page, 'citizen-health-unbound.png');
    await byTestId(p.page, 'health-bind').click();
    await byTestId(p.page, 'bind-form').waitFor();
    await byTestId(p.page, 'bind-name').locator('input').fill('别人');
    await byTestId(p.page, 'bind-id').locator('input').fill(person.idNumber);
    await byTestId(p.page, 'bind-submit').click();
    await waitFor(p.page, `!!document.querySelector('[data-testid="bind-id"] .van-field__error-message')`);
    expect(await byTestId(p.page, 'bind-id').innerText()).toContain('观察名单中没有');
    await saveScreenshot(p.page, 'citizen-bind-refused.png');
    await byTestId(p.page, 'bind-name').locator('input').fill(person.name);
    await byTestId(p.page, 'bind-submit').click();
    await byTestId(p.page, 'health-view').waitFor();
    await byTestId(p.page, 'health-submit').waitFor();

    // A reading with fever: flagged, and in the history.
    await byTestId(p.page, 'health-temperature').locator('input').fill('38.2');
    await byTestId(p.page, 'health-cough').click();
    await byTestId(p.page, 'health-submit').click();
    await byTestId(p.page, 'health-result').waitFor({ timeout: 30_000 });
    expect(await byTestId(p.page, 'health-result').getAttribute('data-abnormal')).toBe('true');
    expect(await byTestId(p.page, 'health-result').innerText()).toContain('38.2');
    // …and says why: the fever line of the tenant's rules (the demo's default, 37.3)
    expect(await byTestId(p.page, 'health-fever-line').innerText()).toContain('37.3 ℃');
    const history = byTestId(p.page, 'health-history').locator('[data-abnormal="true"]');
    await history.first().waitFor();
    expect(await history.count()).toBe(1);
    expect(await history.first().innerText()).toContain('咳嗽');
    await saveScreenshot(p.page, 'citizen-health.png');
    const own = await worker.get(`/api/checks?personId=${created.body.id}&kind=self`);
    expect(own.body.items.length).toBe(1);
    // On the other side: the fever reached the community doctor's list as a referral to follow up.
    const doctor = await stack.login('doctor');
    const referrals = (await doctor.get('/api/tasks?mine=true&kind=referral&state=open&pageSize=200')).body.items as { personId: number }[];
    expect(referrals.filter((x) => x.personId === created.body.id)).toHaveLength(1);

    // Back home the account reads as bound.
    await p.page.goto(`${stack.baseUrl}/c/`);
    await byTestId(p.page, 'home-bound').waitFor();

    // The same resident, under observation (now suspected), is refused a pass, with the server's words.
    await byTestId(p.page, 'tile-pass').click();
    await byTestId(p.page, 'pass-name').waitFor();
    await byTestId(p.page, 'pass-name').locator('input').fill(person.name);
    await byTestId(p.page, 'pass-id-number').locator('input').fill(person.idNumber);
    await byTestId(p.page, 'pass-register').click();
    await waitFor(p.page, `!!document.querySelector('[data-testid="pass-id-number"] .van-field__error-message')`);
    expect(await byTestId(p.page, 'pass-id-number').innerText()).toContain('您当前的状态不能办理通行证');
    await saveScreenshot(p.page, 'citizen-pass-refused.png');
  });

  it('registers a pass for a resident the register does not know and shows its QR with a countdown', { timeout: LONG }, async () => {
    let p: Phone;
    ({ page, errors } = p = await phone());
    onFailure('pass', () => page, () => errors);
    const idNumber = makeResidentId('110101', '1991-03-08', (process.pid * 7) % 1000, 'female');
    await signIn(p.page, newPhone());
    await byTestId(p.page, 'tile-pass').click();
    await byTestId(p.page, 'pass-name').waitFor();
    await saveScreenshot(p.page, 'citizen-pass-form.png');
    await byTestId(p.page, 'pass-name').locator('input').fill('孙新来');
    await byTestId(p.page, 'pass-id-number').locator('input').fill(idNumber);
    await byTestId(p.page, 'pass-register').click();
    await byTestId(p.page, 'pass-card').waitFor({ timeout: 30_000 });
    await waitFor(p.page, `(() => { const i = document.querySelector('[data-testid="pass-qr"]'); return !!i && i.complete && i.naturalWidth > 100; })()`);
    expect(await byTestId(p.page, 'pass-holder').innerText()).toBe('孙新来');
    const masked = await byTestId(p.page, 'pass-id').innerText();
    expect(masked).toContain(idNumber.slice(0, 3));
    expect(masked).not.toContain(idNumber);
    const left = Number(await byTestId(p.page, 'pass-countdown').getAttribute('data-left'));
    expect(left).toBeGreaterThan(200);
    expect(left).toBeLessThanOrEqual(300);
    expect(await byTestId(p.page, 'pass-countdown').innerText()).toMatch(/二维码 \d:\d\d 后自动刷新/);
    // The QR is as wide as the screen allows, for a checkpoint's camera.
    expect((await byTestId(p.page, 'pass-qr').boundingBox())!.width).toBeGreaterThanOrEqual(290);
    await saveScreenshot(p.page, 'citizen-pass.png');
    // On the other side: the QR the phone shows, read from its pixels, is a valid pass for the
    // checkpoint, with the holder's name masked.
    const shown = await p.page.evaluate(() => {
      const img = document.querySelector('[data-testid="pass-qr"]') as HTMLImageElement;
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const g = canvas.getContext('2d')!;
      g.drawImage(img, 0, 0);
      return { width: canvas.width, height: canvas.height, rgba: Array.from(g.getImageData(0, 0, canvas.width, canvas.height).data) };
    });
    const qr = jsQR(Uint8ClampedArray.from(shown.rgba), shown.width, shown.height);
    expect(qr?.data).toBeTruthy();
    const checkpoint = await stack.login('checkpoint');
    const verdict = await checkpoint.post('/api/passes/verify', { token: qr!.data });
    expect([verdict.status, verdict.body.verdict, verdict.body.holder?.name]).toEqual([200, 'valid', '孙*来']);
    // A manual refresh fetches a new token (issued a second later: another token, another QR).
    await p.page.waitForTimeout(1100);
    const before = await byTestId(p.page, 'pass-qr').getAttribute('src');
    const fresh = p.page.waitForResponse((r) => r.url().endsWith('/api/citizen/pass') && r.request().method() === 'GET');
    await byTestId(p.page, 'pass-refresh').click();
    expect((await fresh).status()).toBe(200);
    await waitFor(p.page, `document.querySelector('[data-testid="pass-qr"]')?.getAttribute('src') !== ${JSON.stringify(before)}`);
  });

  it('declares a returning student for a school, which becomes a report awaiting verification', { timeout: LONG }, async () => {
    let p: Phone;
    ({ page, errors } = p = await phone());
    onFailure('declare', () => page, () => errors);
    await signIn(p.page, newPhone());
    await byTestId(p.page, 'tile-declare').click();
    await byTestId(p.page, 'declare-form').waitFor();
    await byTestId(p.page, 'declare-name').locator('input').fill('周返校');
    await byTestId(p.page, 'declare-id').locator('input').fill(makeResidentId('420106', '2008-09-01', (process.pid * 11) % 1000, 'male'));
    await byTestId(p.page, 'declare-native').locator('input').fill('湖北省武汉市');
    await byTestId(p.page, 'declare-sex-male').click();
    await byTestId(p.page, 'declare-school').locator('input').fill('示范市第一中学');
    await byTestId(p.page, 'declare-grade').selectOption('高一');
    await byTestId(p.page, 'declare-class').selectOption('3班');
    await byTestId(p.page, 'declare-address').locator('textarea').fill('示范市东一社区 8 号楼 2 单元 101');
    await saveScreenshot(p.page, 'citizen-declare.png');
    await byTestId(p.page, 'declare-submit').click();
    await byTestId(p.page, 'report-submitted').waitFor({ timeout: 30_000 });
    expect(await byTestId(p.page, 'report-state').getAttribute('data-state')).toBe('open');
    expect(await byTestId(p.page, 'report-detail').innerText()).toContain('企业申报');
  });

  it('switches to English and back', { timeout: LONG }, async () => {
    let p: Phone;
    ({ page, errors } = p = await phone());
    onFailure('english', () => page, () => errors);
    await signIn(p.page, newPhone());
    await byTestId(p.page, 'lang-switch').click();
    await waitFor(p.page, `document.documentElement.lang === 'en'`);
    expect(await byTestId(p.page, 'tile-report').innerText()).toBe('Report a case or contact');
    expect(await byTestId(p.page, 'home-not-bound').innerText()).toBe('Identity not bound');
    await saveScreenshot(p.page, 'citizen-home-en.png');
    await byTestId(p.page, 'tile-report').click();
    await byTestId(p.page, 'report-form').waitFor();
    expect(await p.page.locator('.van-nav-bar__title').innerText()).toBe('Report a case or contact');
    await saveScreenshot(p.page, 'citizen-report-form-en.png');
    await byTestId(p.page, 'report-submit').click();
    expect(await byTestId(p.page, 'report-name').innerText()).toContain('Enter the name');
    await p.page.goto(`${stack.baseUrl}/c/pass`);
    await byTestId(p.page, 'pass-name').waitFor();
    await saveScreenshot(p.page, 'citizen-pass-form-en.png');
    await p.page.goto(`${stack.baseUrl}/c/`);
    await byTestId(p.page, 'lang-switch').click();
    await waitFor(p.page, `document.documentElement.lang === 'zh-CN'`);
    expect(await byTestId(p.page, 'tile-report').innerText()).toBe('举报疑似/密接');
  });

  it('signs out back to the sign-in, and the app answers /c/… with its own page', { timeout: LONG }, async () => {
    let p: Phone;
    ({ page, errors } = p = await phone());
    onFailure('logout', () => page, () => errors);
    // The staff sign-in page leads residents to theirs.
    await p.page.goto(`${stack.baseUrl}/login`);
    await byTestId(p.page, 'go-citizen').click();
    await byTestId(p.page, 'citizen-signin').waitFor({ timeout: 60_000 });
    // Without a session any page of the app leads to the resident's sign-in (not the staff one).
    await p.page.goto(`${stack.baseUrl}/c/reports?tenant=${stack.city.code}`);
    await byTestId(p.page, 'citizen-signin').waitFor({ timeout: 60_000 });
    expect(new URL(p.page.url()).pathname).toBe('/c/login');
    await signIn(p.page, newPhone());
    await byTestId(p.page, 'logout').click();
    await byTestId(p.page, 'citizen-signin').waitFor();
    expect(await p.page.evaluate(async () => (await fetch('/api/citizen/me')).status)).toBe(401);
  });
});
