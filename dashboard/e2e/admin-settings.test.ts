// The admin console's settings at 1920×1080 against the real API on the test database with a
// generated demo city: a check rule changed shows the tasks it would make (the server's preview),
// saved and run now from the jobs screen makes exactly that many; an article written and published
// in the editor is what residents read at /api/public/articles; the anonymise job run now strips a
// long-released case of its personal data; options and overdue settings saved. Screenshots go to test-artifacts/admin-settings-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed.ts';
import type { Client } from '../../api/src/test/harness.ts';
import { personBody } from '../../api/src/test/people.ts';
import type { Browser } from './support/browser.ts';
import { byTestId, openDesktop, reportFailure, saveScreenshot, signIn, waitFor } from './support/page.ts';
import { startStack, type Stack } from './support/stack.ts';

const LONG = 240_000;

let stack: Stack;
let browser: Browser;
let page: Page;
let errors: string[] = [];
let admin: Client;
let rulesBefore: Record<string, unknown>;

/** YYYY-MM-DD in Shanghai, shifted by days. */
const shanghaiDay = (offset: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + offset * 86_400_000));

beforeAll(async () => {
  stack = await startStack();
  admin = await stack.login('admin');
  // Three persons observed today, inside a grid of the demo city, so the rules have someone to check.
  const { rows } = await stack.t.app.db.ownerPool.query(
    `select st_x(p) lon, st_y(p) lat from (select st_pointonsurface(geom) p from jurisdictions where tenant_id = $1 and level = 5 order by id limit 1) x`,
    [stack.city.tenantId],
  );
  for (let i = 0; i < 3; i++) {
    const r = await admin.post('/api/persons', personBody(rows[0], { observationStart: shanghaiDay(-1), observationEnd: shanghaiDay(7) }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  const { checksPerDay, updatedAt, ...rules } = (await admin.get('/api/check-rules')).body;
  rulesBefore = rules;
  ({ browser, page, errors } = await openDesktop());
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

function onFailure(name: string): void {
  reportFailure(`admin-settings-${name}`, () => page, () => errors);
}

/** The text box of an Element Plus input: the testid lands on the <input> itself or on its wrapper. */
const field = (id: string) =>
  page.locator(`input[data-testid="${id}"], textarea[data-testid="${id}"], [data-testid="${id}"] input, [data-testid="${id}"] textarea`).first();

/** The number an ElStatistic shows. */
async function statistic(id: string): Promise<number> {
  return Number((await byTestId(page, id).locator('.el-statistic__number').innerText()).replace(/[,\s]/g, ''));
}

describe('settings in the admin console', () => {
  it('shows the settings menu to the administrator', { timeout: LONG }, async () => {
    onFailure('menu');
    await signIn(page, stack.baseUrl, stack.username('admin'), DEMO_PASSWORD, '/admin/settings/rules');
    await byTestId(page, 'settings-rules').waitFor();
    for (const item of ['rules', 'overdue', 'options', 'articles', 'jobs']) await byTestId(page, `menu-settings-${item}`).waitFor();
  });

  it('previews the tasks of an edited rule, and the job run now makes exactly that many', { timeout: LONG }, async () => {
    onFailure('rules');
    await byTestId(page, 'preview-create').waitFor();
    const api = async (rules: Record<string, unknown>) => (await admin.post('/api/check-rules/preview', rules)).body;
    const saved = await api(rulesBefore);
    await waitFor(page, `document.querySelector('[data-testid="preview-slots"] .el-statistic__number')?.textContent.replace(/\\D/g, '') === '${saved.slotsToday}'`);

    // A third daily check: the preview follows as it is edited.
    await byTestId(page, 'add-time').click();
    const edited = { ...rulesBefore, checkTimes: [...(rulesBefore.checkTimes as string[]), '12:00'] };
    const expected = await api(edited);
    expect(expected.slotsToday).toBe(saved.slotsToday / (rulesBefore.checkTimes as string[]).length * 3);
    expect(expected.wouldCreate).toBeGreaterThanOrEqual(3);
    await waitFor(page, `document.querySelector('[data-testid="preview-slots"] .el-statistic__number')?.textContent.replace(/\\D/g, '') === '${expected.slotsToday}'`);
    expect(await statistic('preview-create')).toBe(expected.wouldCreate);
    expect(await statistic('preview-persons')).toBe(expected.persons);
    await saveScreenshot(page, 'admin-settings-rules.png');

    await byTestId(page, 'rules-save').click();
    await page.locator('.el-message--success').waitFor();
    expect((await admin.get('/api/check-rules')).body.checkTimes).toEqual(['09:00', '12:00', '15:00']);

    await byTestId(page, 'menu-settings-jobs').click();
    // The table is drawn before its rows arrive; the row's own button says they have.
    await byTestId(page, 'job-run-check-tasks').waitFor();
    expect(await byTestId(page, 'jobs').innerText()).toContain('40 3 * * * · Asia/Shanghai');
    await byTestId(page, 'job-run-check-tasks').click();
    await waitFor(page, `document.querySelector('[data-testid="job-status-check-tasks"]')?.textContent.trim() === '成功'`);
    expect(Number(await byTestId(page, 'job-rows-check-tasks').innerText())).toBe(expected.wouldCreate + expected.wouldCancel);
    const runs = (await admin.get('/api/jobs/check-tasks/runs')).body;
    expect(runs[0]).toMatchObject({ trigger: 'manual', status: 'ok', detail: { created: expected.wouldCreate } });
    await saveScreenshot(page, 'admin-settings-jobs.png');
  });

  it('writes and publishes an article that residents then read', { timeout: LONG }, async () => {
    onFailure('articles');
    await byTestId(page, 'menu-settings-articles').click();
    await byTestId(page, 'articles').waitFor();
    await byTestId(page, 'article-create').click();
    const title = `居家观察期间注意事项 ${Date.now()}`;
    await field('editor-title').fill(title);
    await field('editor-body').fill('每日早晚各测一次体温，如有发热、咳嗽等症状请立即报告网格员。');
    await saveScreenshot(page, 'admin-settings-article-editor.png');
    await byTestId(page, 'editor-publish').click();
    await page.locator('.el-message--success').first().waitFor();
    await waitFor(page, `(document.querySelector('[data-testid="articles"]')?.textContent ?? '').includes(${JSON.stringify(title)})`);
    const pub = await stack.t.client().get(`/api/public/articles?tenant=${stack.city.code}&kind=publicity`);
    const item = pub.body.items.find((a: { title: string }) => a.title === title);
    expect(item).toBeTruthy();
    expect(await byTestId(page, `article-status-${item.id}`).innerText()).toBe('已发布');
    await saveScreenshot(page, 'admin-settings-articles.png');

    await byTestId(page, `article-unpublish-${item.id}`).click();
    await waitFor(page, `document.querySelector('[data-testid="article-status-${item.id}"]')?.textContent.trim() === '草稿'`);
    const after = await stack.t.client().get(`/api/public/articles?tenant=${stack.city.code}&kind=publicity`);
    expect(after.body.items.map((a: { id: number }) => a.id)).not.toContain(item.id);
  });

  it('runs the anonymise job now: a case released long ago loses its personal data and keeps its grid', { timeout: LONG }, async () => {
    onFailure('anonymise');
    const { rows: [grid] } = await stack.t.app.db.ownerPool.query(
      `select id, st_x(p) lon, st_y(p) lat from (select id, st_pointonsurface(geom) p from jurisdictions where tenant_id = $1 and level = 5 order by id limit 1) x`,
      [stack.city.tenantId],
    );
    const created = await admin.post('/api/persons', personBody({ lon: grid.lon, lat: grid.lat }, { name: '匿名前' }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as number;
    // Released longer ago than the retention period (ANONYMISE_AFTER_DAYS).
    const days = stack.t.app.config.anonymiseAfterDays + 10;
    await stack.t.app.db.ownerPool.query(
      `update persons set status = 'released', status_changed_at = now() - make_interval(days => $3) where tenant_id = $1 and id = $2`,
      [stack.city.tenantId, id, days],
    );
    await byTestId(page, 'menu-settings-jobs').click();
    await byTestId(page, 'job-run-anonymise').waitFor();
    await byTestId(page, 'job-run-anonymise').click();
    // irreversible: asked once more, and a refusal runs nothing
    const box = page.locator('.el-message-box');
    await box.waitFor();
    expect(await box.innerText()).toMatch(/不可撤销/);
    await box.locator('.el-button', { hasText: '取消' }).click();
    await box.waitFor({ state: 'hidden' });
    expect(await stack.t.app.db.ownerPool.query(`select 1 from job_runs where tenant_id = $1 and job = 'anonymise' and trigger = 'manual'`, [stack.city.tenantId]).then((r) => r.rowCount)).toBe(0);
    await byTestId(page, 'job-run-anonymise').click();
    await box.waitFor();
    await box.locator('.el-button--primary').click();
    await waitFor(page, `document.querySelector('[data-testid="job-status-anonymise"]')?.textContent.trim() === '成功'`);
    expect(Number(await byTestId(page, 'job-rows-anonymise').innerText())).toBeGreaterThanOrEqual(1);
    const { rows: [after] } = await stack.t.app.db.ownerPool.query(
      `select name, id_number_hash, phone_masked, address, grid_id, status, anonymised_at from persons where tenant_id = $1 and id = $2`,
      [stack.city.tenantId, id],
    );
    expect(after).toMatchObject({ name: '已匿名', id_number_hash: null, phone_masked: null, address: null, grid_id: grid.id, status: 'released' });
    expect(after.anonymised_at).toBeTruthy();
    const runs = (await admin.get('/api/jobs/anonymise/runs')).body;
    expect(runs[0]).toMatchObject({ trigger: 'manual', status: 'ok' });
    await saveScreenshot(page, 'admin-settings-anonymise.png');
  });

  it('saves the declaration options and the overdue settings', { timeout: LONG }, async () => {
    onFailure('options');
    await byTestId(page, 'menu-settings-options').click();
    await byTestId(page, 'options-schools').waitFor();
    const input = field('add-schools');
    for (const name of ['第一中学', '实验小学']) {
      await input.fill(name);
      await input.press('Enter');
    }
    await byTestId(page, 'options-save').click();
    await page.locator('.el-message--success').first().waitFor();
    expect((await admin.get('/api/enterprise-options')).body.schools).toEqual(['第一中学', '实验小学']);
    await saveScreenshot(page, 'admin-settings-options.png');

    await byTestId(page, 'menu-settings-overdue').click();
    const referral = field('overdue-referralDueHours');
    await referral.waitFor();
    // a value out of range is said under the field and cannot be saved (not clamped behind the admin's back)
    await referral.fill('999');
    await referral.press('Tab');
    await page.locator('.el-form-item__error', { hasText: '1–72' }).waitFor();
    expect(await byTestId(page, 'overdue-save').isDisabled()).toBe(true);
    await saveScreenshot(page, 'admin-settings-overdue-out-of-range.png');
    await referral.fill('4');
    await referral.press('Tab');
    await byTestId(page, 'overdue-save').click();
    await waitFor(page, `document.querySelector('[data-testid="overdue-save"]')?.disabled === true`);
    expect((await admin.get('/api/settings/overdue-release')).body.referralDueHours).toBe(4);
    await saveScreenshot(page, 'admin-settings-overdue.png');
    const audit = (await admin.get('/api/audit?action=overdue_release.update')).body;
    if (audit.items) expect(audit.items[0].detail).toMatchObject({ before: { referralDueHours: 2 }, after: { referralDueHours: 4 } });
  });
});
