// Page helpers against the UI test contract (data-testid attributes of the command center).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { launchBrowser, type Browser } from './browser.ts';
import { ARTIFACTS } from './build.ts';

export const STATUSES = ['confirmed', 'suspected', 'dead', 'cured', 'watching'] as const;
export type Status = (typeof STATUSES)[number];

export const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/**
 * Waits for a condition in the page, polled every 100 ms (no fixed sleeps). page.evaluate runs the
 * expression through DevTools, outside the page's Content-Security-Policy, which forbids the eval
 * that waitForFunction uses for a string.
 */
export async function waitFor(page: Page, expression: string, timeout = 60_000): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    // a navigation in progress destroys the context: that is "not yet"
    if (await page.evaluate(expression).catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for: ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens `path`; signs in through the login form if the app asks for it. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string, path = '/command'): Promise<void> {
  await page.goto(baseUrl + path);
  const login = byTestId(page, 'login-username');
  await login.waitFor({ state: 'visible', timeout: 60_000 });
  await login.fill(username);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
  await login.waitFor({ state: 'detached', timeout: 60_000 });
  if (new URL(page.url()).pathname !== path) await page.goto(baseUrl + path);
}

/** Waits until the map shows node `nodeId` ('' = the scope root) with its choropleth and heatmap drawn. */
export async function waitForMap(page: Page, nodeId?: string, timeout = 90_000): Promise<void> {
  const node = nodeId === undefined ? 'true' : `m.getAttribute('data-node-id') === ${JSON.stringify(nodeId)}`;
  await waitFor(page, `(() => { const m = document.querySelector('[data-testid="map"]'); return !!m && ${node} && m.getAttribute('data-ready') === 'true'; })()`, timeout);
}

/** The panel counts as rendered: data-value of count-<status>, or null where the element is missing. */
export async function panelCounts(page: Page): Promise<Record<Status, number | null>> {
  return page.evaluate((statuses) => {
    const out: Record<string, number | null> = {};
    for (const s of statuses) {
      const v = document.querySelector(`[data-testid="count-${s}"]`)?.getAttribute('data-value');
      out[s] = v == null || v === '' ? null : Number(v);
    }
    return out as Record<Status, number | null>;
  }, [...STATUSES]);
}

/**
 * Saves a screenshot of the viewport once the page has stopped changing (chart and map animations
 * finished: two consecutive shots alike), or after 10 s of changes: it is a picture for people to
 * look at, nothing is asserted on its timing.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  let last = await page.screenshot();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await page.evaluate(() => new Promise((r) => setTimeout(r, 250)));
    const next = await page.screenshot();
    if (next.equals(last)) break;
    last = next;
  }
  writeFileSync(path, last);
  return path;
}

/** Collects console errors and page errors, to print when a test fails. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 500) errors.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return errors;
}

/** A desktop browser (1920×1080 unless told) and its first page, with the page's errors collected. */
export async function openDesktop(viewport = { width: 1920, height: 1080 }): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const browser = await launchBrowser(viewport);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  return { browser, page, errors: watchErrors(page) };
}

/** When the running test fails: the page's screenshot (failed-<name>.png) and its last errors. */
export function reportFailure(name: string, page: () => Page | undefined, errors: () => string[]): void {
  onTestFailed(async () => {
    const p = page();
    if (p) await saveScreenshot(p, `failed-${name}.png`).catch(() => {});
    console.error(`[e2e ${name}] url ${p?.url()}\n${errors().slice(-30).join('\n')}`);
  });
}
