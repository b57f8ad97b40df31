// Defects of the phone forms found by a browser walk, each checked where a user would notice it
// (390×844): the refer outcome of a verification without a hospital, a verification the server
// refuses, the English person form's step labels, the checkpoint scanner's camera problem in plain
// words, and the citizens' declaration in
// English (its title, grade and class names, no sex chosen for the resident), reached by signing in
// with a phone number typed with spaces. Screenshots go to test-artifacts/phone-forms-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { LogSmsProvider } from '../../api/src/citizens/sms.ts';
import { citizenClient, newPhone } from '../../api/src/test/citizen.ts';
import { makeResidentId } from '../../api/src/persons/idnumber.ts';
import type { Browser } from './support/browser.ts';
import { fieldPlaces, launchPhone, signInField, type FieldPlaces } from './support/field.ts';
import { byTestId, saveScreenshot, waitFor, watchErrors } from './support/page.ts';
import { startStack, type Stack } from './support/stack.ts';

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

async function phone(): Promise<{ page: Page; errors: string[] }> {
  const browser = await launchPhone({ position: places.gridA });
  open.push(browser);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors = watchErrors(page);
  onTestFailed(async () => {
    await saveScreenshot(page, `failed-phone-forms-${Date.now()}.png`).catch(() => {});
    console.error(`[e2e phone-forms] url ${page.url()}\n${errors.slice(-30).join('\n')}`);
  });
  return { page, errors };
}

/** Whether an element lies wholly inside the 844 px tall viewport. */
async function inView(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((s) => {
    const r = document.querySelector(s)?.getBoundingClientRect();
    return !!r && r.top >= 0 && r.bottom <= window.innerHeight;
  }, selector);
}

async function toEnglish(page: Page): Promise<void> {
  await page.goto(`${stack.baseUrl}/field/me`);
  await byTestId(page, 'lang-switch').getByText('English').click();
  await waitFor(page, `document.documentElement.lang === 'en'`);
}

describe('field app', () => {
  it('checks the designated hospital of a referral on the phone and says so where the worker is', { timeout: LONG }, async () => {
    const citizen = await citizenClient(stack.t, stack.city.code);
    const filed = await citizen.post('/api/citizen/reports', {
      subjectName: '赵转诊', subjectPhone: '139 1234 5679', fever: true, temperature: 38.9, location: places.gridA, address: '示范市东一社区 6 号楼 101',
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const taskId = (await (await stack.login('commander')).get(`/api/reports/${filed.body.id}`)).body.task.id as number;

    const { page } = await phone();
    await signInField(page, stack, 'gridworker');
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes(`/api/tasks/${taskId}/verification`)) sent.push(r.url());
    });
    await page.goto(`${stack.baseUrl}/field/tasks/${taskId}/verify`);
    await byTestId(page, 'person-form').waitFor({ timeout: 60_000 });
    await byTestId(page, 'outcome-refer').click();
    for (let i = 0; i < 4; i++) await byTestId(page, 'form-next').click();
    await byTestId(page, 'form-submit').scrollIntoViewIfNeeded();
    await byTestId(page, 'form-submit').click();

    // Nothing is sent; a toast says what is missing and the hospital field is brought into view.
    await page.locator('.van-toast', { hasText: '请填写转送的定点医院' }).waitFor({ timeout: 10_000 });
    await waitFor(page, `(() => { const r = document.querySelector('[data-testid="verify-hospital"]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`, 10_000);
    expect(await byTestId(page, 'verify-hospital').innerText()).toContain('请填写转送的定点医院');
    await saveScreenshot(page, 'phone-forms-refer-no-hospital.png');
    await page.waitForTimeout(300);
    expect(sent).toEqual([]);

    // With the hospital the referral is sent and the person opens.
    await byTestId(page, 'verify-hospital').locator('input').fill('示范市第一人民医院');
    await byTestId(page, 'form-submit').click();
    await byTestId(page, 'person-detail').waitFor({ timeout: 60_000 });
    expect(sent).toHaveLength(1);
  });

  it('says the refusal of a verification (an ID number already registered) where the worker is looking, and the task stays open', { timeout: LONG }, async () => {
    const worker = await stack.login('gridworker');
    const idNumber = makeResidentId('420106', '1979-04-05', 321, 'female');
    const { personBody } = await import('../../api/src/test/people.ts');
    const first = await worker.post('/api/persons', personBody(places.gridA, { idNumber, sex: 'female', age: undefined }));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const citizen = await citizenClient(stack.t, stack.city.code);
    const filed = await citizen.post('/api/citizen/reports', {
      subjectName: '钱重复', subjectPhone: '139 1234 5680', fever: true, temperature: 38.1, location: places.gridA, address: '示范市东一社区 7 号楼 202',
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const taskId = (await (await stack.login('commander')).get(`/api/reports/${filed.body.id}`)).body.task.id as number;

    const { page } = await phone();
    await signInField(page, stack, 'gridworker');
    await page.goto(`${stack.baseUrl}/field/tasks/${taskId}/verify`);
    await byTestId(page, 'person-form').waitFor({ timeout: 60_000 });
    await byTestId(page, 'outcome-register').click();
    await page.locator('[data-field="idNumber"] input').fill(idNumber);
    for (let i = 0; i < 4; i++) await byTestId(page, 'form-next').click();
    await byTestId(page, 'use-position').click();
    await byTestId(page, 'form-submit').scrollIntoViewIfNeeded();
    await byTestId(page, 'form-submit').click();
    // The refusal (the draft's check or the server's answer) is said where the worker is looking.
    const said = page.locator('.van-toast:visible, .van-field__error-message:visible', { hasText: '已登记' }).first();
    await said.waitFor({ timeout: 20_000 });
    const box = await said.boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 844).toBe(true);
    await saveScreenshot(page, 'phone-forms-verify-refused.png');
    expect((await worker.get(`/api/tasks/${taskId}`)).body.state).toBe('open');
  });

  it('fits the person form\'s step labels side by side in English', { timeout: LONG }, async () => {
    const { page } = await phone();
    await signInField(page, stack, 'gridworker');
    await toEnglish(page);
    await page.goto(`${stack.baseUrl}/field/register`);
    await byTestId(page, 'person-form').waitFor({ timeout: 60_000 });
    await byTestId(page, 'step-residence').waitFor();
    const boxes = await page.$$eval('.person-form .van-step__title', (els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { text: (e as HTMLElement).innerText, left: r.left, right: r.right };
      }),
    );
    await saveScreenshot(page, 'phone-forms-person-steps-en.png');
    expect(boxes).toHaveLength(5);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i].left, `${boxes[i - 1].text} | ${boxes[i].text}`).toBeGreaterThanOrEqual(boxes[i - 1].right + 2);
    expect(boxes[0].left).toBeGreaterThanOrEqual(0);
    expect(boxes[boxes.length - 1].right).toBeLessThanOrEqual(390);
  });

  it('says in plain words why the camera did not open, in Chinese and English, and keeps the typed code at hand', { timeout: LONG }, async () => {
    // A phone browser without a camera (no fake capture device): getUserMedia refuses.
    const { page } = await phone();
    await signInField(page, stack, 'checkpoint');
    const problem = byTestId(page, 'camera-error');
    await problem.waitFor({ timeout: 30_000 });
    const zh = await problem.innerText();
    const kind = await problem.getAttribute('data-problem');
    expect(['notFound', 'notAllowed', 'inUse', 'constraints', 'insecure', 'other']).toContain(kind);
    expect(zh).not.toMatch(/Error|（.*）/);
    expect(zh).toMatch(kind === 'notFound' ? /未找到摄像头/ : kind === 'notAllowed' ? /权限被拒绝/ : /摄像头/);
    expect(await inView(page, '[data-testid="scan-typed"]')).toBe(true);
    await saveScreenshot(page, 'phone-forms-scan-camera-zh.png');

    await toEnglish(page);
    await page.goto(`${stack.baseUrl}/field/scan`);
    await problem.waitFor({ timeout: 30_000 });
    const en = await problem.innerText();
    expect(en).not.toMatch(/Error/);
    expect(en).toMatch(kind === 'notFound' ? /No camera found/ : kind === 'notAllowed' ? /permission was refused/ : /camera/i);
    expect(await inView(page, '[data-testid="scan-typed"]')).toBe(true);
    await saveScreenshot(page, 'phone-forms-scan-camera-en.png');
  });
});

describe('citizens\' app', () => {
  it('signs in with a phone typed with spaces and declares a student in English: whole title, English grades, a sex to choose', { timeout: LONG }, async () => {
    const { page } = await phone();
    const digits = newPhone();
    await page.goto(`${stack.baseUrl}/c/?tenant=${stack.city.code}`);
    await byTestId(page, 'citizen-signin').waitFor({ timeout: 60_000 });
    await byTestId(page, 'signin-phone').locator('input').fill(`${digits.slice(0, 3)} ${digits.slice(3, 7)}-${digits.slice(7)}`);
    await byTestId(page, 'signin-get-code').click();
    await waitFor(page, `Number(document.querySelector('[data-testid="signin-get-code"]')?.dataset.wait) > 50`);
    const code = /验证码 (\d{6})/.exec((stack.t.app.sms as LogSmsProvider).lastMessage(digits) ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await byTestId(page, 'signin-code').locator('input').fill(code!);
    await byTestId(page, 'signin-submit').click();
    await byTestId(page, 'citizen-home').waitFor({ timeout: 60_000 });

    await byTestId(page, 'lang-switch').click();
    await waitFor(page, `document.documentElement.lang === 'en'`);
    await byTestId(page, 'tile-declare').click();
    await byTestId(page, 'declare-form').waitFor();
    // The title is whole, not cut with an ellipsis.
    const title = await page.evaluate(() => {
      const el = document.querySelector('[data-testid="declare-form"] .van-nav-bar__title') as HTMLElement;
      return { text: el.innerText, cut: el.scrollWidth > el.clientWidth };
    });
    expect(title).toEqual({ text: 'Company / school', cut: false });
    // Grades and classes in English; the values sent stay the tenant's.
    const grades = await byTestId(page, 'declare-grade').locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(grades).toContainEqual(['高一', 'Senior high 1']);
    expect(grades).toContainEqual(['教职工', 'Staff']);
    expect(grades.filter(([v]) => v).every(([, label]) => !/[\u4e00-\u9fff]/.test(label ?? ''))).toBe(true);
    const classes = await byTestId(page, 'declare-class').locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(classes).toContainEqual(['3班', 'Class 3']);
    // No sex is chosen for the resident.
    expect(await page.locator('[data-testid="declare-sex"] .van-radio__icon--checked').count()).toBe(0);

    await byTestId(page, 'declare-name').locator('input').fill('Zhou Fanxiao');
    await byTestId(page, 'declare-id').locator('input').fill(makeResidentId('420106', '2008-09-02', (process.pid * 13) % 1000, 'female'));
    await byTestId(page, 'declare-native').locator('input').fill('Wuhan, Hubei');
    await byTestId(page, 'declare-school').locator('input').fill('No. 1 Middle School');
    await byTestId(page, 'declare-grade').selectOption('高一');
    await byTestId(page, 'declare-class').selectOption('3班');
    await byTestId(page, 'declare-address').locator('textarea').fill('Building 8, Dongyi community');
    let sent = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/citizen/enterprise-declarations')) sent++;
    });
    await byTestId(page, 'declare-submit').click();
    await waitFor(page, `/Choose the sex/.test(document.querySelector('[data-testid="declare-sex"]').innerText)`, 10_000);
    expect(sent).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, 'phone-forms-declare-en.png');

    await byTestId(page, 'declare-sex-female').click();
    await byTestId(page, 'declare-submit').click();
    await byTestId(page, 'report-submitted').waitFor({ timeout: 30_000 });
    const reportId = Number(new URL(page.url()).pathname.split('/').pop());
    const report = (await (await stack.login('commander')).get(`/api/reports/${reportId}`)).body;
    expect(report.details).toMatchObject({ sex: 'female', grade: '高一', className: '3班' });
  });
});
