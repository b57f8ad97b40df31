// The field app's re-authentication sheet on a phone (390×844) against the real API: a reveal the
// server refuses for want of a recent re-authentication asks for the password in a Vant sheet, posts
// the real /api/auth/step-up and then completes. The server refuses so only for full ID numbers,
// which no field screen asks for yet; the test answers the phone reveal's first request with that
// refusal itself (page.route) to reach the sheet. Screenshot: test-artifacts/field-step-up.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed.ts';
import { phoneOnStack, signInField, type PhoneOnStack } from './support/field.ts';
import { byTestId, reportFailure, saveScreenshot } from './support/page.ts';
import type { Stack } from './support/stack.ts';

let phone: PhoneOnStack | undefined;
let stack: Stack;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  phone = await phoneOnStack();
  ({ stack, page, errors } = phone);
}, 600_000);

afterAll(() => phone?.close());

describe('step-up in the field app', () => {
  it('asks for the password in a sheet, then reveals', { timeout: 240_000 }, async () => {
    reportFailure('field-step-up', () => page, () => errors);
    const worker = await stack.login('gridworker');
    const person = (await worker.get('/api/persons?pageSize=1')).body.items[0] as { id: number };
    expect(person).toBeDefined();
    await signInField(page, stack, 'gridworker');

    let refused = 0;
    await page.route('**/api/persons/*/reveal', async (route) => {
      if (refused++ > 0) return route.continue();
      await route.fulfill({
        status: 403, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'step_up_required', message: '此操作需要重新验证身份（密码，已设置动态码的还需动态码）' } }),
      });
    });
    await page.goto(`${stack.baseUrl}/field/persons/${person.id}`);
    await byTestId(page, 'person-call').click();
    const sheet = byTestId(page, 'step-up-sheet');
    await sheet.waitFor();
    // No second factor on this account: the password only.
    expect(await byTestId(page, 'step-up-totp').count()).toBe(0);

    await byTestId(page, 'step-up-password').locator('input').fill('not the password');
    await byTestId(page, 'step-up-confirm').click();
    await expect.poll(() => sheet.locator('.van-field__error-message').textContent()).toContain('密码不正确');
    await saveScreenshot(page, 'field-step-up.png');
    await byTestId(page, 'step-up-password').locator('input').fill(DEMO_PASSWORD);
    await byTestId(page, 'step-up-confirm').click();
    await sheet.waitFor({ state: 'hidden' });
    await byTestId(page, 'person-call-number').waitFor();
    expect(refused).toBe(2);
  });
});
