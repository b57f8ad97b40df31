// The command center in a real browser (Debian chromium, SwiftShader WebGL) against the real API on
// the test database with a generated demo city: pixels on the map, drill-down to a grid, panel
// counts equal to the API's, live updates, the grid worker kept out, English, the phone view.
// Screenshots go to test-artifacts/ (git-ignored).
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed.ts';
import { makeResidentId } from '../../api/src/persons/idnumber.ts';
import { personBody } from '../../api/src/test/people.ts';
import { colouredShare, decodePng, diffShare, type Browser, type Rgba } from './support/browser.ts';
import { byTestId, openDesktop, panelCounts, reportFailure, saveScreenshot, signIn, type Status, STATUSES, waitFor, waitForMap } from './support/page.ts';
import { startStack, type Stack } from './support/stack.ts';

const LONG = 180_000;

let stack: Stack;
let browser: Browser;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  ({ browser, page, errors } = await openDesktop());
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

function onFailure(name: string): void {
  reportFailure(`${name}`, () => page, () => errors);
}

/** The API's counts for a node ('' = the caller's scope), fetched with the page's own session cookie. */
async function apiSummary(nodeId: string): Promise<{ counts: Record<Status, number>; overview: Record<string, number> }> {
  const res = await page.request.get(`${stack.baseUrl}/api/stats/summary${nodeId ? `?node=${nodeId}` : ''}`);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

async function apiCounts(nodeId: string): Promise<Record<Status, number>> {
  const { counts } = await apiSummary(nodeId);
  return Object.fromEntries(STATUSES.map((s) => [s, Number(counts[s])])) as Record<Status, number>;
}

/** The overview panel's persons, households and grids (data-value of overview-<key>). */
async function panelOverview(): Promise<Record<string, number | null>> {
  return page.evaluate(() => {
    const out: Record<string, number | null> = {};
    for (const k of ['persons', 'households', 'grids']) {
      const v = document.querySelector(`[data-testid="overview-${k}"]`)?.getAttribute('data-value');
      out[k] = v == null || v === '' ? null : Number(v);
    }
    return out;
  });
}

async function mapShot(): Promise<Rgba> {
  return decodePng(await byTestId(page, 'map').screenshot({ animations: 'disabled' }));
}

/** Takes map screenshots until one differs from `from` on more than `share` of its pixels. */
async function mapChangedFrom(from: Rgba, share: number, what: string): Promise<Rgba> {
  let last = from;
  let diff = 0;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    last = await mapShot();
    diff = diffShare(from, last);
    if (diff > share) return last;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  throw new Error(`${what}: the map changed on only ${(diff * 100).toFixed(2)} % of its pixels (expected > ${share * 100} %)`);
}

/**
 * The command center opened afresh at the whole city (the tests share one signed-in page: a test
 * that failed half-way, drilled into a grid, does not fail the next ones).
 */
async function reopen(): Promise<void> {
  await page.goto(`${stack.baseUrl}/command`);
  await waitForMap(page, '');
}

const nodeOf = () => byTestId(page, 'map').getAttribute('data-node-id').then((v) => v ?? '');
const breadcrumbCount = () => page.locator('[data-testid="breadcrumb"] [data-testid="breadcrumb-item"]').count();

describe('command center in chromium', () => {
  it('signs the demo commander in and draws choropleth and heatmap on the map (pixels)', { timeout: LONG }, async () => {
    onFailure('map-layers');
    await signIn(page, stack.baseUrl, stack.username('commander'), DEMO_PASSWORD, '/command');
    await waitForMap(page, '');
    const gec = await page.evaluate(() => {
      const g = (window as any).__gec;
      return g && { map: !!g.map, deck: !!g.deck, ready: g.ready, firstLayerAt: g.firstLayerAt };
    });
    expect(gec).toMatchObject({ map: true, deck: true, firstLayerAt: expect.any(Number) });
    // The first view's data was asked for before the map code loaded, and the map used it: the
    // zoom worked out without the map (map/view.ts fitZoom) is the one maplibre's fit chose.
    const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
    expect(marks).toContain('gec:view-primed');
    expect(marks).not.toContain('gec:view-requested');
    // Households and tasks (vector tiles) join the style after the first frame, under the deck.gl layers.
    await expect
      .poll(() => page.evaluate(() => {
        const m = (window as any).__gec.map;
        const order: string[] = m.getLayersOrder();
        const deck = order.findIndex((id) => m.getLayer(id)?.type === 'custom');
        return ['households', 'tasks'].map((id) => order.indexOf(id) >= 0 && deck > order.indexOf(id));
      }))
      .toEqual([true, true]);
    // Panels fill in on their own schedule: wait for the counts before the full-screen picture.
    const rootCounts = await apiCounts('');
    expect(rootCounts.watching + rootCounts.confirmed + rootCounts.suspected, 'the demo city has cases').toBeGreaterThan(0);
    await expect.poll(() => panelCounts(page), { timeout: 60_000 }).toEqual(rootCounts);
    await saveScreenshot(page, 'command-1920x1080.png');

    const all = await mapShot();
    expect(colouredShare(all), 'coloured pixels with every layer on').toBeGreaterThan(0.01);
    await byTestId(page, 'toggle-choropleth').click();
    const noChoropleth = await mapChangedFrom(all, 0.005, 'choropleth off');
    await byTestId(page, 'toggle-heatmap').click();
    const neither = await mapChangedFrom(noChoropleth, 0.002, 'heatmap off');
    expect(colouredShare(neither)).toBeLessThan(colouredShare(all));
    // Back on: the map shows the layers again.
    await byTestId(page, 'toggle-choropleth').click();
    await byTestId(page, 'toggle-heatmap').click();
    await mapChangedFrom(neither, 0.005, 'layers on again');
  });

  it('drills down by the jurisdiction rows to a grid, breadcrumbs and map following, counts equal to the API', { timeout: LONG }, async () => {
    onFailure('drill-down');
    await reopen();
    expect(await nodeOf()).toBe('');
    const rootCrumbs = await breadcrumbCount();
    for (let level = 2; level <= 5; level++) {
      const row = page.locator('[data-testid="jurisdiction-row"]').first();
      await row.waitFor({ state: 'visible', timeout: 60_000 });
      const id = (await row.getAttribute('data-id'))!;
      expect(id).toMatch(/^\d+$/);
      await row.click();
      await waitForMap(page, id);
      await expect.poll(breadcrumbCount, { timeout: 30_000 }).toBe(rootCrumbs + level - 1);
      const { rows } = await stack.t.app.db.ownerPool.query('select level, name from jurisdictions where id = $1 and tenant_id = $2', [id, stack.city.tenantId]);
      expect(rows[0]?.level).toBe(level);
      await expect.poll(() => page.locator('[data-testid="breadcrumb-item"]').last().innerText(), { timeout: 30_000 }).toContain(rows[0].name);
      await expect.poll(() => panelCounts(page), { timeout: 60_000 }).toEqual(await apiCounts(id));
      const { overview } = await apiSummary(id);
      await expect.poll(panelOverview, { timeout: 30_000 }).toEqual({ persons: overview.persons, households: overview.households, grids: overview.grids });
    }
    await saveScreenshot(page, 'command-grid-1920x1080.png');
    // The first breadcrumb goes back to the whole city.
    await page.locator('[data-testid="breadcrumb-item"]').first().click();
    await waitForMap(page, '');
    await expect.poll(breadcrumbCount, { timeout: 30_000 }).toBe(rootCrumbs);
  });

  it('shows a tooltip on hover and drills into the district clicked on the map', { timeout: LONG }, async () => {
    onFailure('map-click');
    await reopen();
    const rootCrumbs = await breadcrumbCount();
    // A district's label sits on a point inside it; labels let clicks through to the map. The label
    // hovered is one whose centre is over the map's canvas (hit-tested, labels being transparent to
    // the pointer): on a view fitted a moment later than usual, a label can lie under a panel.
    let id = '';
    let at = { x: 0, y: 0 };
    const choose = () =>
      page.evaluate(() => {
        for (const el of Array.from(document.querySelectorAll<HTMLElement>('.map-label'))) {
          const r = el.getBoundingClientRect();
          const x = r.x + r.width / 2;
          const y = r.y + r.height / 2;
          const hit = document.elementFromPoint(x, y);
          if (hit instanceof HTMLCanvasElement && hit.closest('[data-testid="map"]')) return { id: el.dataset.id ?? '', x, y };
        }
        return null;
      });
    // The pointer keeps moving a pixel back and forth, as a hand does: a pick is made per move, in
    // a later frame. The tooltip is read after two frames: read at once, on a loaded machine whose
    // frames are slower than the poll, every read came before its pick and the next move cleared it.
    let wiggle = 0;
    const tooltipText = async () => {
      wiggle++;
      const chosen = await choose();
      if (!chosen) return '';
      ({ id } = chosen);
      at = { x: chosen.x, y: chosen.y };
      await page.mouse.move(at.x + (wiggle % 2), at.y);
      return page.evaluate(
        () =>
          new Promise<string>((resolve) =>
            requestAnimationFrame(() => requestAnimationFrame(() => resolve((document.querySelector('.deck-tooltip') as HTMLElement | null)?.innerText.trim() ?? ''))),
          ),
      );
    };
    await expect.poll(tooltipText, { timeout: 30_000, interval: 250 }).not.toBe('');
    const name = (await page.locator(`.map-label[data-id="${id}"]`).innerText()).trim();
    await page.mouse.click(at.x, at.y);
    await waitForMap(page, id);
    await expect.poll(breadcrumbCount, { timeout: 30_000 }).toBe(rootCrumbs + 1);
    await expect.poll(() => page.locator('[data-testid="breadcrumb-item"]').last().innerText(), { timeout: 30_000 }).toContain(name);
    await expect.poll(() => panelCounts(page), { timeout: 60_000 }).toEqual(await apiCounts(id));
    await page.locator('[data-testid="breadcrumb-item"]').first().click();
    await waitForMap(page, '');
  });

  it('shows a registration posted through the API in the feed and the counts within seconds', { timeout: LONG }, async () => {
    onFailure('live');
    await reopen();
    const before = await apiCounts('');
    await expect.poll(() => panelCounts(page), { timeout: 60_000 }).toEqual(before);
    const feedTexts = () => page.locator('[data-testid="feed-item"]').allInnerTexts();
    await byTestId(page, 'live-feed').waitFor({ state: 'visible', timeout: 30_000 });
    const feedBefore = await feedTexts();

    // A grid worker registers a person at a checkpoint inside their grid: straight onto the watch list.
    const worker = await stack.login('gridworker');
    const me = await worker.get('/api/auth/me');
    const gridId = me.body.scope[0].id as number;
    const { rows } = await stack.t.app.db.ownerPool.query(
      'select st_x(p) as lon, st_y(p) as lat from (select st_pointonsurface(geom) as p from jurisdictions where id = $1) x',
      [gridId],
    );
    const { source: _source, ...person } = personBody({ lon: rows[0].lon, lat: rows[0].lat });
    const posted = await worker.post('/api/registrations', { kind: 'checkpoint', person });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);

    await expect.poll(async () => (await panelCounts(page)).watching, { timeout: 20_000, interval: 250 }).toBe(before.watching + 1);
    await expect.poll(async () => JSON.stringify(await feedTexts()) !== JSON.stringify(feedBefore), { timeout: 20_000, interval: 250 }).toBe(true);
    expect(await panelCounts(page)).toEqual(await apiCounts(''));

    // A page opened later shows the recent events too (the stream replays them first).
    const newest = await page.locator('[data-testid="feed-item"]').first().getAttribute('data-id');
    expect(newest).toMatch(/^\d+$/);
    await page.reload();
    await waitForMap(page, '');
    await expect.poll(() => page.locator(`[data-testid="feed-item"][data-id="${newest}"]`).count(), { timeout: 20_000 }).toBe(1);
  });

  it('shows an Excel import as one line per grid with its counts, not a line per person', { timeout: LONG }, async () => {
    onFailure('live-import');
    await reopen();
    await byTestId(page, 'live-feed').waitFor({ state: 'visible', timeout: 30_000 });
    const before = await apiCounts('');
    const { rows: homes } = await stack.t.app.db.ownerPool.query(
      `select address from households where tenant_id = $1 and grid_id = (select grid_id from households where tenant_id = $1 and grid_id is not null order by id limit 1) order by id limit 3`,
      [stack.city.tenantId]);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('人员信息');
    ws.addRow(['姓名*', '证件号码', '隔离信息报送来源*', '人员状态', '现住址']);
    homes.forEach((h, i) => ws.addRow([`批量${i}`, makeResidentId('420106', '1990-05-05', 700 + 10 * i, 'male'), '网格排查', i === 2 ? '疑似' : '医学观察', h.address]));
    const admin = await stack.login('admin');
    const form = new FormData();
    form.append('mode', 'all_or_nothing');
    form.append('file', new Blob([new Uint8Array(Buffer.from(await wb.xlsx.writeBuffer()))]), 'persons.xlsx');
    const up = await fetch(`${stack.baseUrl}/api/persons/imports`, { method: 'POST', headers: { cookie: admin.cookies }, body: form });
    expect(up.status).toBe(202);
    const { id } = (await up.json()) as { id: number };
    await expect.poll(async () => (await admin.get(`/api/persons/imports/${id}`)).body, { timeout: 30_000, interval: 250 })
      .toMatchObject({ status: 'done', invalid: 0, written: 3 });
    const line = page.locator('[data-testid="feed-item"][data-type="import"]').first();
    await line.waitFor({ timeout: 30_000 });
    expect(await line.innerText()).toMatch(/批量导入 3 人（医学观察 2、疑似 1）/);
    await expect.poll(async () => (await panelCounts(page)).watching, { timeout: 20_000, interval: 250 }).toBe(before.watching + 2);
    await saveScreenshot(page, 'command-live-import.png');
  });

  it('lists an abnormal reading\'s alert from the overview and the feed, and acknowledges it: the count goes down', { timeout: LONG }, async () => {
    onFailure('alerts');
    await reopen();
    await byTestId(page, 'live-feed').waitFor({ state: 'visible', timeout: 30_000 });
    const alertCount = async () => Number(await byTestId(page, 'overview-openAlerts').getAttribute('data-value'));
    await expect.poll(alertCount, { timeout: 30_000 }).toBeGreaterThanOrEqual(0);
    const before = await alertCount();
    // The doctor of the first community records a fever for a watched person there.
    const doctor = await stack.login('doctor');
    const { rows: [watched] } = await stack.t.app.db.ownerPool.query(
      `select p.id from persons p where p.tenant_id = $1 and p.status = 'watching'
          and p.grid_path <@ (select j.path from users u join user_scopes s on s.tenant_id = u.tenant_id and s.user_id = u.id
                               join jurisdictions j on j.tenant_id = s.tenant_id and j.id = s.jurisdiction_id where u.username = $2)
        order by p.id limit 1`, [stack.city.tenantId, stack.username('doctor')]);
    const check = await doctor.post(`/api/persons/${watched.id}/checks`, { temperature: 38.9 });
    expect(check.status, JSON.stringify(check.body)).toBe(201);
    const alertId = check.body.escalation.alertId as number;
    await expect.poll(alertCount, { timeout: 20_000, interval: 250 }).toBe(before + 1);

    // From the feed's alert line
    await page.locator('[data-testid="feed-item"][data-type="alert"]').first().click();
    const row = page.locator(`[data-testid="alert-row"][data-id="${alertId}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.innerText()).toContain('38.9 ℃');
    expect(await row.innerText()).toContain('体征异常');
    await saveScreenshot(page, 'command-alerts.png');
    await byTestId(page, `alert-ack-${alertId}`).click();
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(alertCount, { timeout: 20_000, interval: 250 }).toBe(before);
    const open = await page.request.get(`${stack.baseUrl}/api/alerts?pageSize=200`);
    expect(((await open.json()) as { items: { id: number }[] }).items.some((a) => a.id === alertId)).toBe(false);
    await byTestId(page, 'close-alerts').click();
    // and from the overview's count
    await byTestId(page, 'overview-openAlerts').click();
    await byTestId(page, 'alert-list').waitFor();
    await byTestId(page, 'close-alerts').click();
  });

  it('lists persons in the drawer and narrows them by the name search, as the API does', { timeout: LONG }, async () => {
    onFailure('persons');
    await reopen();
    await byTestId(page, 'open-persons').click();
    const rows = page.locator('[data-testid="person-row"]');
    await rows.first().waitFor({ state: 'visible', timeout: 30_000 });
    const name = (await rows.first().locator('td').first().innerText()).trim();
    expect(name.length).toBeGreaterThan(0);
    await byTestId(page, 'person-search').fill(name);
    await byTestId(page, 'person-search').press('Enter');
    const api = await page.request.get(`${stack.baseUrl}/api/persons?q=${encodeURIComponent(name)}&pageSize=200`);
    expect(api.status()).toBe(200);
    const expected = (await api.json()) as { total: number; items: { id: number; name: string }[] };
    expect(expected.total).toBeGreaterThan(0);
    const shownIds = async () => (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))).sort((a, b) => a - b);
    const apiIds = expected.items.map((p) => p.id).sort((a, b) => a - b).slice(0, 10);
    await expect.poll(shownIds, { timeout: 20_000 }).toEqual(apiIds);
    for (const text of await rows.locator('td:first-child').allInnerTexts()) expect(text.trim()).toBe(name);
    await saveScreenshot(page, 'persons-1920x1080.png');
    await byTestId(page, 'close-persons').click();
    await expect.poll(() => rows.count()).toBe(0);
  });

  it('shows the same counts on the phone view /m at 390×844', { timeout: LONG }, async () => {
    onFailure('phone');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${stack.baseUrl}/m`);
      await expect.poll(() => panelCounts(page), { timeout: 60_000 }).toEqual(await apiCounts(''));
      await saveScreenshot(page, 'phone-390x844.png');
      // the open alerts, from the overview's count, fit the phone
      const { rows: [alert] } = await stack.t.app.db.ownerPool.query(
        `insert into alerts (tenant_id, person_id, kind, detail)
         select tenant_id, id, 'abnormal_reading', '{"temperature": 38.4, "source": "self_report"}' from persons
          where tenant_id = $1 and status = 'watching' and grid_id is not null order by id limit 1 returning id`, [stack.city.tenantId]);
      await page.reload();
      await byTestId(page, 'overview-openAlerts').click();
      await page.locator(`[data-testid="alert-row"][data-id="${alert.id}"]`).waitFor();
      await byTestId(page, 'alert-list').scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await saveScreenshot(page, 'phone-alerts-390x844.png');
    } finally {
      await page.setViewportSize({ width: 1920, height: 1080 });
    }
  });

  it('switches to English', { timeout: LONG }, async () => {
    onFailure('english');
    await page.goto(`${stack.baseUrl}/command`);
    await waitForMap(page, '');
    const sw = byTestId(page, 'lang-switch');
    if ((await sw.evaluate((e) => e.tagName)) === 'SELECT') {
      const value = await sw.evaluate((e) => [...(e as HTMLSelectElement).options].find((o) => /^en|english/i.test(o.value + ' ' + o.text))?.value);
      await sw.selectOption(value!);
    } else {
      await sw.click();
    }
    await waitFor(page, `/\\bConfirmed\\b/i.test(document.body.innerText) && /\\bSuspected\\b/i.test(document.body.innerText)`, 30_000);
    expect(await page.evaluate(() => document.documentElement.lang)).toMatch(/^en/);
    await waitForMap(page, '');
    await saveScreenshot(page, 'command-en-1920x1080.png');
    // Back to Chinese for whoever comes next.
    if ((await sw.evaluate((e) => e.tagName)) === 'SELECT') {
      const zh = await sw.evaluate((e) => [...(e as HTMLSelectElement).options].find((o) => /^zh|中文/i.test(o.value + ' ' + o.text))?.value);
      await sw.selectOption(zh!);
    } else {
      await sw.click();
    }
    await waitFor(page, `/确诊/.test(document.body.innerText)`, 30_000);
  });

  it('keeps a grid worker out: forbidden screen and 403 from /api/stats/summary', { timeout: LONG }, async () => {
    onFailure('forbidden');
    await browser.context.clearCookies();
    await signIn(page, stack.baseUrl, stack.username('gridworker'), DEMO_PASSWORD, '/command');
    await byTestId(page, 'forbidden').waitFor({ state: 'visible', timeout: 60_000 });
    expect(await byTestId(page, 'map').count()).toBe(0);
    // the role by its name, not its code (the page is in English since the test before)
    const said = await byTestId(page, 'forbidden').innerText();
    expect(said).not.toContain('grid_worker');
    const res = await page.request.get(`${stack.baseUrl}/api/stats/summary`);
    expect(res.status()).toBe(403);
    await saveScreenshot(page, 'forbidden-gridworker.png');
  });
});
