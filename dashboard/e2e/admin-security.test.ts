// The second factor and step-up in the admin console at 1920×1080, against the real API on the test
// database with a generated demo city, the second factor required of administrators (as in
// production): the system administrator is held on the account security page until they set one up
// (password → QR code and key → first code); signs out and in again with a code; and an export after
// the re-authentication went stale asks for the password and code, then downloads. Codes are
// computed here from the key the page shows, as an authenticator app would. Screenshots go to
// test-artifacts/admin-security-*.png.
import ExcelJS from 'exceljs';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed.ts';
import type { Browser } from './support/browser.ts';
import { byTestId, openDesktop, reportFailure, saveScreenshot, signIn } from './support/page.ts';
import { startStack, type Stack } from './support/stack.ts';

const LONG = 240_000;

let stack: Stack;
let browser: Browser;
let page: Page;
let errors: string[] = [];
let secret = '';
let lastStep = 0;

beforeAll(async () => {
  stack = await startStack({ adminTotp: 'required' });
  ({ browser, page, errors } = await openDesktop());
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

function onFailure(name: string): void {
  reportFailure(`admin-security-${name}`, () => page, () => errors);
}

/**
 * A code the server takes now: of a time step after the last one used (it accepts a code once
 * only) and at most one step ahead of the clock (its tolerance), waiting for the clock if need be.
 */
async function nextCode(): Promise<string> {
  const step = () => Math.floor(Date.now() / 30_000);
  const target = Math.max(step(), lastStep + 1);
  while (target > step() + 1) await new Promise((r) => setTimeout(r, 250));
  lastStep = target;
  return generate({ secret, epoch: target * 30 });
}

/** The administrator's last re-authentication an hour ago, as if they had been away. */
async function makeStepUpStale(): Promise<void> {
  const r = await stack.t.app.db.ownerPool.query(
    `update sessions set stepped_up_at = now() - interval '1 hour'
      where tenant_id = $1 and user_id = (select id from users where tenant_id = $1 and username = $2)`,
    [stack.city.tenantId, stack.username('admin')],
  );
  expect(r.rowCount).toBeGreaterThan(0);
}

const errorMessage = () => page.locator('.el-message--error');

describe('second factor and step-up in the admin console', () => {
  it('holds the administrator on account security until the second factor is set up', { timeout: LONG }, async () => {
    onFailure('enrol');
    await signIn(page, stack.baseUrl, stack.username('admin'), DEMO_PASSWORD, '/admin/');
    await page.waitForURL(/\/admin\/security/, { timeout: 60_000 });
    await byTestId(page, 'must-enrol').waitFor();
    expect(await byTestId(page, 'menu-org-users').count()).toBe(0);
    // Another screen of the console leads back here.
    await page.goto(`${stack.baseUrl}/admin/org/users`);
    await page.waitForURL(/\/admin\/security/, { timeout: 60_000 });

    await byTestId(page, 'totp-password').fill('not the password');
    await byTestId(page, 'totp-setup').click();
    await expect.poll(() => page.locator('.el-form-item__error').textContent()).toContain('密码不正确');
    await byTestId(page, 'totp-password').fill(DEMO_PASSWORD);
    await byTestId(page, 'totp-setup').click();
    await byTestId(page, 'totp-qr').waitFor();
    expect(await byTestId(page, 'totp-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100)).toBe(true);
    secret = (await byTestId(page, 'totp-secret').textContent())!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await saveScreenshot(page, 'admin-security-setup.png');

    await byTestId(page, 'totp-code').fill(await nextCode());
    await byTestId(page, 'totp-enable').click();
    await byTestId(page, 'totp-enabled').waitFor();
    expect(await byTestId(page, 'totp-status').getAttribute('data-enabled')).toBe('true');
    // Enrolled: the console's menus are back (their groups closed).
    await byTestId(page, 'menu-org-users').waitFor({ state: 'attached' });
    expect(await byTestId(page, 'must-enrol').count()).toBe(0);
    await saveScreenshot(page, 'admin-security-enabled.png');

    // The policy keeps an administrator's factor: no way to turn it off is offered, and the page says why.
    expect(await byTestId(page, 'totp-disable').count()).toBe(0);
    expect(await byTestId(page, 'totp-required-note').textContent()).toContain('管理员必须使用动态验证码');
  });

  it('signs in again with the code after the password', { timeout: LONG }, async () => {
    onFailure('sign-in');
    await browser.context.clearCookies();
    await page.goto(`${stack.baseUrl}/login`);
    await byTestId(page, 'login-username').fill(stack.username('admin'));
    await byTestId(page, 'login-password').fill(DEMO_PASSWORD);
    await byTestId(page, 'login-submit').click();
    const code = byTestId(page, 'login-totp');
    await code.waitFor();
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await code.getAttribute('inputmode')).toBe('numeric');
    // Letters are dropped as they are typed.
    await code.pressSequentially('12a');
    expect(await code.inputValue()).toBe('12');

    // A wrong code is refused under the field (a valid one of the right step is one in a million).
    const wrong = (await generate({ secret, epoch: (lastStep + 5) * 30 })) === '000000' ? '000001' : '000000';
    await code.fill(wrong);
    await byTestId(page, 'login-totp-submit').click();
    await byTestId(page, 'login-totp-error').waitFor();
    expect(await byTestId(page, 'login-totp-error').textContent()).toMatch(/动态码|验证码/);
    await saveScreenshot(page, 'admin-security-sign-in-wrong-code.png');
    await code.fill(await nextCode());
    expect(await byTestId(page, 'login-totp-error').count()).toBe(0);
    await saveScreenshot(page, 'admin-security-sign-in-code.png');
    await byTestId(page, 'login-totp-submit').click();
    await page.waitForURL(/\/admin\//, { timeout: 60_000 });
    const me = await page.evaluate(() => fetch('/api/auth/me').then((r) => r.json()));
    expect(me).toMatchObject({ totpEnabled: true, mustEnrolTotp: false });
  });

  it('asks for the password and code again before an export once the re-authentication is stale', { timeout: LONG }, async () => {
    onFailure('step-up');
    await page.goto(`${stack.baseUrl}/admin/data/persons`);
    await byTestId(page, 'export-persons').waitFor();

    // Cancelled: no file, and the refusal is said.
    await makeStepUpStale();
    await byTestId(page, 'export-persons').click();
    const dialog = byTestId(page, 'step-up-dialog');
    await dialog.waitFor();
    await byTestId(page, 'step-up-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => errorMessage().textContent()).toContain('重新验证身份');

    // Confirmed: a wrong password is said under its field; then the export downloads.
    await byTestId(page, 'export-persons').click();
    await dialog.waitFor();
    await byTestId(page, 'step-up-password').fill('not the password');
    await byTestId(page, 'step-up-totp').fill('000000');
    await byTestId(page, 'step-up-confirm').click();
    await expect.poll(() => dialog.locator('.el-form-item__error').first().textContent()).toContain('密码不正确');
    await byTestId(page, 'step-up-password').fill(DEMO_PASSWORD);
    await byTestId(page, 'step-up-totp').fill(await nextCode());
    await expect.poll(() => dialog.locator('.el-form-item__error').count()).toBe(0);
    await page.mouse.move(0, 0);
    await saveScreenshot(page, 'admin-security-step-up.png');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), byTestId(page, 'step-up-confirm').click()]);
    await dialog.waitFor({ state: 'detached' });
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await download.path())!);
    expect(wb.worksheets[0].rowCount).toBeGreaterThan(10);

    // Re-authenticated: the next export asks nothing.
    const [again] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), byTestId(page, 'export-reports').click()]);
    expect(again.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(await dialog.count()).toBe(0);
  });

  it('resets another user\'s second factor from the users list, with a confirmation', { timeout: LONG }, async () => {
    onFailure('reset');
    // The doctor set up a factor of their own (through the API, as their phone would).
    const doctor = await stack.login('doctor');
    const setup = await doctor.post('/api/auth/totp/setup', { password: DEMO_PASSWORD });
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    expect((await doctor.post('/api/auth/totp/enable', { totp: await generate({ secret: setup.body.secret }) })).status).toBe(200);
    await page.goto(`${stack.baseUrl}/admin/org/users`);
    await byTestId(page, 'users-table').waitFor();
    // Offered for others' factors only: not the administrator's own, not a user without one.
    expect(await byTestId(page, `user-totp-reset-${stack.username('admin')}`).count()).toBe(0);
    expect(await byTestId(page, `user-totp-reset-${stack.username('commander')}`).count()).toBe(0);
    const reset = byTestId(page, `user-totp-reset-${stack.username('doctor')}`);
    await reset.waitFor();
    await reset.click();
    await page.locator('.el-message-box').waitFor();
    expect(await page.locator('.el-message-box').textContent()).toContain('动态验证码');
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('.el-message--success').waitFor();
    // The user's sessions ended, and they sign in with the password alone.
    expect((await doctor.get('/api/auth/me')).status).toBe(401);
    expect((await (await stack.login('doctor')).get('/api/auth/me')).body.totpEnabled).toBe(false);
  });
});
