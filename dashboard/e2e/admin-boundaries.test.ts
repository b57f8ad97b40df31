// The admin console's boundary import at 1920×1080 against the real API on the test database with
// a generated demo city: a file with an overlap is refused with the problem in the table and on the
// map; the city's own export with one grid renamed is validated clean, applied as version 2, and
// rolled back. Screenshots go to test-artifacts/admin-*.png.
import { bbox, buffer } from '@turf/turf';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed.ts';
import type { Client } from '../../api/src/test/harness.ts';
import type { Browser } from './support/browser.ts';
import { byTestId, openDesktop, reportFailure, saveScreenshot, signIn, waitFor } from './support/page.ts';
import { startStack, type Stack } from './support/stack.ts';

const LONG = 240_000;

let stack: Stack;
let browser: Browser;
let page: Page;
let errors: string[] = [];
let admin: Client;
let exported: GeoJSON.FeatureCollection;

beforeAll(async () => {
  stack = await startStack();
  admin = await stack.login('admin');
  const versions = await admin.get('/api/boundaries/versions');
  expect(versions.status, JSON.stringify(versions.body)).toBe(200);
  const current = versions.body.items.find((v: { current: boolean }) => v.current);
  const body = (await admin.request('GET', `/api/boundaries/versions/${current.id}/export`)).body as unknown;
  exported = (typeof body === 'string' ? JSON.parse(body) : body) as GeoJSON.FeatureCollection;
  ({ browser, page, errors } = await openDesktop());
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

function onFailure(name: string): void {
  reportFailure(`admin-${name}`, () => page, () => errors);
}

type Props = { code: string; name: string; level: number; parent_code: string | null };
const grids = () => exported.features.filter((f) => (f.properties as Props).level === 5);

/** Chooses a file in the upload box and validates it. */
async function upload(name: string, fc: GeoJSON.FeatureCollection): Promise<void> {
  await page.locator('[data-testid="upload"] input[type=file]').setInputFiles({ name, mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(fc)) });
  await byTestId(page, 'upload-submit').click();
  await byTestId(page, 'report-summary').waitFor({ timeout: 120_000 });
  expect(await byTestId(page, 'import-error').count()).toBe(0);
  await byTestId(page, 'mapping').waitFor();
}

/** The map's drawn "nodes/problems" counts once it has the import's features. */
async function drawn(): Promise<[number, number]> {
  await waitFor(page, `/^[1-9]\\d*\\//.test(document.querySelector('[data-testid="boundary-map"]')?.dataset.drawn ?? '')`);
  const [nodes, problems] = (await byTestId(page, 'boundary-map').getAttribute('data-drawn'))!.split('/').map(Number);
  return [nodes, problems];
}

describe('boundary import in the admin console', () => {
  it('lands the administrator on the console', { timeout: LONG }, async () => {
    onFailure('signin');
    await signIn(page, stack.baseUrl, stack.username('admin'), DEMO_PASSWORD, '/admin/');
    await page.waitForURL(/\/admin\//);
    await byTestId(page, 'boundary-import').waitFor();
    await saveScreenshot(page, 'admin-import-empty.png');
  });

  it('shows an overlap between two grids as an error, in the table and on the map, and does not let it apply', { timeout: LONG }, async () => {
    onFailure('overlap');
    // The first grid grows 40 m over its neighbours; its outline stays a valid polygon.
    const [a] = grids();
    const grown = buffer(a as GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon>, 40, { units: 'meters' });
    const bad: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: exported.features.map((f) => (f === a ? { ...f, geometry: grown!.geometry } : f)),
    };
    await upload('overlap.geojson', bad);
    await waitFor(page, `Number(document.querySelector('[data-testid="count-errors"]')?.textContent) > 0`);
    const table = byTestId(page, 'problems');
    await table.waitFor();
    const text = await table.innerText();
    expect(text).toContain('与同级重叠');
    expect(text).toContain((a.properties as Props).code);
    await table.locator('tbody tr').first().click();
    const [nodes, problems] = await drawn();
    expect(nodes).toBe(exported.features.length);
    expect(problems).toBeGreaterThan(0);
    expect(await byTestId(page, 'apply').isDisabled()).toBe(true);
    await saveScreenshot(page, 'admin-import-problems.png');
  });

  it('draws an invalid (self-intersecting) grid as its outline, with the crossing marked, and offers its repair', { timeout: LONG }, async () => {
    onFailure('invalid');
    // The second grid becomes a bow-tie over its own bounding box: the corners joined crosswise.
    const b = grids()[1];
    const [w, s, e, n] = bbox(b);
    const bowTie: GeoJSON.Polygon = { type: 'Polygon', coordinates: [[[w, s], [e, n], [e, s], [w, n], [w, s]]] };
    await page.goto(`${stack.baseUrl}/admin/boundaries/import`);
    await upload('bowtie.geojson', {
      type: 'FeatureCollection',
      features: exported.features.map((f) => (f === b ? { ...f, geometry: bowTie } : f)),
    });
    const table = byTestId(page, 'problems');
    await table.waitFor();
    const row = table.locator('tbody tr', { hasText: '自相交' }).first();
    await row.click();
    await drawn();
    // focused on the crossing and on the whole outline around it
    const index = exported.features.indexOf(b);
    await waitFor(page, `/\\/${index}$/.test(document.querySelector('[data-testid="boundary-map"]')?.dataset.focus ?? '')`);
    await page.waitForTimeout(600);
    await saveScreenshot(page, 'admin-import-invalid.png');
    await row.getByText('接受修复').click();
    await waitFor(page, `!document.querySelector('[data-testid="problems"]')?.textContent.includes('自相交')`);
  });

  it('names the accounts on a grid the file removes by person and by node, for reassignment', { timeout: LONG }, async () => {
    onFailure('pinned');
    const { rows: [worker] } = await stack.t.app.db.ownerPool.query(
      `select u.display_name, j.code, j.name from users u join user_scopes s on s.tenant_id = u.tenant_id and s.user_id = u.id
         join jurisdictions j on j.tenant_id = s.tenant_id and j.id = s.jurisdiction_id where u.username = $1`, [stack.username('gridworker2')]);
    await page.goto(`${stack.baseUrl}/admin/boundaries/import`);
    await upload('removed.geojson', { type: 'FeatureCollection', features: exported.features.filter((f) => (f.properties as Props).code !== worker.code) });
    const row = byTestId(page, `pinned-${stack.username('gridworker2')}`);
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain(worker.display_name);
    expect(text).toContain(worker.name);
    await row.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'admin-import-pinned.png');
  });

  it('validates the city\'s own export with one grid renamed, applies it as version 2 and rolls back', { timeout: LONG }, async () => {
    onFailure('apply');
    const renamed = grids()[0];
    const edited: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: exported.features.map((f) => (f === renamed ? { ...f, properties: { ...(f.properties as Props), name: '第1网格（调整后）' } } : f)),
    };
    await page.goto(`${stack.baseUrl}/admin/boundaries/import`);
    await upload('city.geojson', edited);
    await byTestId(page, 'no-problems').waitFor();
    expect(await byTestId(page, 'count-errors').innerText()).toBe('0');
    expect(await drawn()).toEqual([exported.features.length, 0]);
    await saveScreenshot(page, 'admin-import-clean.png');
    await byTestId(page, 'apply').click();
    await byTestId(page, 'import-applied').waitFor({ timeout: 120_000 });
    await saveScreenshot(page, 'admin-import-applied.png');

    const node = await admin.get(`/api/jurisdictions/tree`);
    expect(JSON.stringify(node.body)).toContain('第1网格（调整后）');

    await byTestId(page, 'menu-versions').click();
    await byTestId(page, 'versions').waitFor();
    await waitFor(page, `/v2/.test(document.querySelector('[data-testid="versions"]')?.textContent ?? '')`);
    await saveScreenshot(page, 'admin-versions.png');
    await byTestId(page, 'rollback-1').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await waitFor(page, `/v3/.test(document.querySelector('[data-testid="versions"]')?.textContent ?? '')`, 120_000);
    const after = await admin.get(`/api/jurisdictions/tree`);
    expect(JSON.stringify(after.body)).not.toContain('第1网格（调整后）');
  });
});
