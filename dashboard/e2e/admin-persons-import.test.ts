// The admin console's person data screen at 1920×1080 against the real API on the test database
// with a generated demo city: the template downloads, a workbook with two good rows and a bad one
// is imported (valid rows mode) with its progress and counts shown, and the error report downloads
// with the bad row. Screenshots go to test-artifacts/admin-persons-*.png.
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed.ts';
import { makeResidentId } from '../../api/src/persons/idnumber.ts';
import type { Browser } from './support/browser.ts';
import { byTestId, openDesktop, reportFailure, saveScreenshot, signIn } from './support/page.ts';
import { startStack, type Stack } from './support/stack.ts';

const LONG = 240_000;
let stack: Stack;
let browser: Browser;
let page: Page;
let errors: string[] = [];
let addresses: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  addresses = (await stack.t.app.db.ownerPool.query(
    'select address from households where tenant_id = $1 and grid_id is not null order by id limit 2', [stack.city.tenantId])).rows.map((r) => r.address);
  ({ browser, page, errors } = await openDesktop());
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

function onFailure(name: string): void {
  reportFailure(`admin-persons-${name}`, () => page, () => errors);
}

async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('人员信息');
  ws.addRow(['姓名*', '证件号码', '隔离信息报送来源*', '居家观察开始时间', '现住址']);
  ws.addRow(['导入甲', makeResidentId('420106', '1988-08-08', 321, 'male'), '网格排查', '2020/2/3', addresses[0]]);
  ws.addRow(['导入乙', makeResidentId('420106', '1992-02-02', 322, 'female'), '自主申报', '2020年2月3日', addresses[1]]);
  ws.addRow(['导入丙', '420106199202020000', '网格排查', '2020-02-03', addresses[0]]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function downloaded(testId: string): Promise<ExcelJS.Workbook> {
  const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, testId).click()]);
  const path = await download.path();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path!);
  return wb;
}

describe('person data in the admin console', () => {
  it('downloads the template, imports a workbook with progress and result, and downloads the error report', { timeout: LONG }, async () => {
    onFailure('import');
    await signIn(page, stack.baseUrl, stack.username('admin'), DEMO_PASSWORD, '/admin/');
    await page.goto(`${stack.baseUrl}/admin/data/persons`);
    await byTestId(page, 'template-download').waitFor();
    errors.length = 0; // the sign-in's own 401 and the requests the navigation cut short
    await saveScreenshot(page, 'admin-persons-empty.png');

    const template = await downloaded('template-download');
    expect(template.worksheets.map((w) => w.name)).toEqual(['人员信息', '填写说明']);

    await byTestId(page, 'import-file').setInputFiles({ name: '人员.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await workbook() });
    await expect.poll(() => byTestId(page, 'import-file-name').textContent()).toContain('人员.xlsx');
    await byTestId(page, 'mode-valid').click();
    await byTestId(page, 'import-start').click();
    await byTestId(page, 'import-outcome').waitFor({ timeout: 120_000 });
    expect(await byTestId(page, 'count-read').textContent()).toBe('3');
    expect(await byTestId(page, 'count-written').textContent()).toBe('2');
    expect(await byTestId(page, 'count-invalid').textContent()).toBe('1');
    await expect.poll(() => byTestId(page, 'import-history').textContent()).toContain('人员.xlsx');
    // the list of imports keeps each one's error report, and its times in the app's language
    await byTestId(page, 'import-history').locator('[data-testid^="history-errors-"]').first().waitFor();
    expect(await byTestId(page, 'import-history').textContent()).toMatch(/\d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2}/);
    await saveScreenshot(page, 'admin-persons-result.png');

    const report = await downloaded('import-errors');
    const ws = report.worksheets[0];
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(2).value).toBe('导入丙');
    expect(String(ws.getRow(2).getCell(7).value)).toContain('校验位');
    expect(errors.filter((e) => !/favicon/.test(e)), errors.join('\n')).toEqual([]);
  });
});
