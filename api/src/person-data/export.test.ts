// The template, and the exports read back: scope, masking, formula-like text neutralised, audit.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { personBody } from '../test/people.ts';
import { COLUMNS } from './columns.ts';

let t: TestApp;
let f: Fixture;
let worker: Client;
let admin: Client;
let formulaPerson: ReturnType<typeof personBody>;

async function workbookOf(c: Client, path: string): Promise<ExcelJS.Workbook> {
  const cookie = (c as unknown as { cookie: string }).cookie;
  const r = await fetch(t.baseUrl + path, { headers: { cookie } });
  expect(r.status, await r.clone().text().then((x) => x.slice(0, 200))).toBe(200);
  expect(r.headers.get('content-disposition')).toContain('attachment');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as never);
  return wb;
}

const rowsOf = (ws: ExcelJS.Worksheet) => {
  const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
  const out: Record<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    out.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
  });
  return { header, rows: out };
};

/** The audit entry is written once the last byte is out: wait for it a little. */
async function lastAudit(action: string): Promise<{ detail: Record<string, unknown> }> {
  for (let i = 0; i < 40; i++) {
    const r = await t.app.db.ownerPool.query(`select detail from audit_log where tenant_id = $1 and action = $2 order by id desc limit 1`, [f.tenantId, action]);
    if (r.rows[0]) return r.rows[0];
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`no ${action} audit entry`);
}

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'exp');
  worker = await t.login(`${f.prefix}gridworker`);
  admin = await t.login(`${f.prefix}admin`);
  formulaPerson = personBody(f.points.gridA, {
    name: '=1+2', address: '+cmd|calc A1', conditionNote: '@SUM(A1)',
    inspectorAttendance: [{ name: '赵六', at: '2026-11-23T10:00:00+08:00' }, { name: '钱七', at: '2026-11-24T09:30:00+08:00' }],
    coResidents: [{ name: '王五', relation: '配偶' }],
  });
  expect((await worker.post('/api/persons', formulaPerson)).status).toBe(201);
  expect((await admin.post('/api/persons', personBody(f.points.gridC, { name: '西区人员' }))).status).toBe(201);
});
afterAll(() => t?.close());

describe('the import template', () => {
  it('has the fields with Chinese headers, required ones marked, dropdowns, text ID and phone columns and an explanation sheet', async () => {
    const wb = await workbookOf(worker, '/api/persons/template.xlsx');
    const ws = wb.getWorksheet('人员信息')!;
    const headers = (ws.getRow(2).values as string[]).slice(1);
    expect(headers).toHaveLength(COLUMNS.length);
    expect(headers).toContain('姓名*');
    expect(headers).toContain('隔离信息报送来源*');
    expect(headers).toContain('证件号码');
    expect(ws.getCell('A1').value).toBe('身份信息');
    const at = (h: string) => headers.indexOf(h) + 1;
    expect(ws.getColumn(at('证件号码')).numFmt).toBe('@');
    expect(ws.getColumn(at('电话')).numFmt).toBe('@');
    const sexCell = ws.getCell(3, at('性别'));
    expect(sexCell.dataValidation).toMatchObject({ type: 'list', formulae: ['"男,女"'] });
    const explained = wb.getWorksheet('填写说明')!;
    const texts: string[] = [];
    explained.eachRow((r) => texts.push((r.values as unknown[]).join('|')));
    expect(texts.some((x) => x.includes('证件号码') && x.includes('42010219900307123X'))).toBe(true);
    expect(texts.some((x) => x.includes('居家观察持续时长'))).toBe(true);
  });
});

describe('exporting persons', () => {
  it('gives the grid worker only their grid, unmasked (person:reveal), with formula-like text neutralised', async () => {
    const { header, rows } = rowsOf((await workbookOf(worker, '/api/persons/export.xlsx')).worksheets[0]);
    expect(header.slice(0, 2)).toEqual(['编号', '姓名']);
    expect(rows.map((r) => r['姓名'])).not.toContain('西区人员');
    const p = rows.find((r) => r['证件号码'] === formulaPerson.idNumber)!;
    expect(p).toBeTruthy();
    expect(p['姓名']).toBe("'=1+2");
    expect(p['现住址']).toBe("'+cmd|calc A1");
    expect(p['身体状况说明']).toBe("'@SUM(A1)");
    expect(p['电话']).toBe(formulaPerson.phone);
    // structured fields as the template asks for them (and the import reads them back)
    expect(p['检查督查人员到岗记录']).toBe('赵六 2026-11-23 10:00;钱七 2026-11-24 09:30');
    // No cell of the file is a formula.
    const ws = (await workbookOf(worker, '/api/persons/export.xlsx')).worksheets[0];
    ws.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it('masks ID numbers, phones and addresses for a role without person:reveal, across the whole city', async () => {
    const { rows } = rowsOf((await workbookOf(admin, '/api/persons/export.xlsx?source=grid_survey')).worksheets[0]);
    expect(rows.map((r) => r['姓名'])).toEqual(expect.arrayContaining(['西区人员', "'=1+2"]));
    for (const r of rows) {
      expect(String(r['证件号码'])).toMatch(/^\d{3}\*+\w{4}$/);
      expect(String(r['电话'])).toMatch(/^\d{3}\*{4}\d{4}$/);
      expect(String(r['现住址'])).toMatch(/\*\*\*\*$/);
      expect(r['经度']).toBeNull();
    }
    const audit = await lastAudit('person.export');
    expect(audit.detail).toMatchObject({ rows: rows.length, masked: true, filters: { source: ['grid_survey'] } });
  });

  it('refuses an unknown filter before the download starts', async () => {
    const r = await admin.get('/api/persons/export.xlsx?status=nonsense');
    expect(r.status).toBe(400);
    const j = await admin.get('/api/persons/export.xlsx?jurisdictionId=999999999');
    expect(j.status).toBe(404);
  });
});

describe('exporting reports', () => {
  it('streams the reports in scope as a workbook and audits it', async () => {
    const { header } = rowsOf((await workbookOf(admin, '/api/reports/export.xlsx?kind=citizen')).worksheets[0]);
    expect(header).toEqual(expect.arrayContaining(['编号', '类型', '电话', '证件号码', '地址', '状态']));
    const audit = await lastAudit('report.export');
    expect(audit.detail).toMatchObject({ filters: { kind: 'citizen' }, masked: true });
  });
});
