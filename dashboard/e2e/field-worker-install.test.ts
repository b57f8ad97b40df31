// The field app's service worker on a bad network (390×844, the real API): its install fetches
// every file of the app, and here the first of those fetches fails. The install is discarded and
// the app registers the worker again, so the phone still gets the app for use without network.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from './support/browser.ts';
import { phoneOnStack, signInField, type PhoneOnStack } from './support/field.ts';
import { reportFailure, waitFor } from './support/page.ts';
import type { Stack } from './support/stack.ts';

let phone: PhoneOnStack | undefined;
let stack: Stack;
let browser: Browser;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  phone = await phoneOnStack();
  ({ stack, browser, page, errors } = phone);
}, 600_000);

afterAll(() => phone?.close());

describe('the field app on a bad network', () => {
  it('installs its service worker on a second try after a file failed to arrive during the first', { timeout: 240_000 }, async () => {
    reportFailure('field-worker-install', () => page, () => errors);
    // Every file the worker fetches fails until the app has landed on its home and an install
    // begun since then has failed too: no later page load can be what installs the worker, only
    // the app's own retry.
    let landed = false;
    let failedSinceLanding = 0;
    let allow = false;
    const fetchedOnRetry: string[] = [];
    await browser.context.route('**/assets/**', async (route) => {
      if (!route.request().serviceWorker()) return route.continue();
      if (!allow) {
        if (landed) failedSinceLanding++;
        return route.abort('connectionreset');
      }
      fetchedOnRetry.push(route.request().url());
      return route.continue();
    });
    await signInField(page, stack, 'gridworker');
    await page.waitForLoadState('load');
    landed = true;
    await expect.poll(() => failedSinceLanding, { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    allow = true;
    await waitFor(page, 'navigator.serviceWorker.controller !== null', 120_000);
    expect(fetchedOnRetry.length).toBeGreaterThan(0);
    expect(await page.evaluate(async (url) => !!(await caches.match(url)), fetchedOnRetry[0])).toBe(true);
  });
});
