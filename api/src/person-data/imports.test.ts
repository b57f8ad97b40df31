// Person import from a hand-made messy workbook: exactly the bad rows reported with their
// messages, nothing written in all-or-nothing mode, the valid rows written in valid-rows mode.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareSize, filesOf, zipOf } from '../../../geodata/src/import/test-support.ts';
import { DEMO_PASSWORD } from '../auth/seed.ts';
import { makeResidentId } from '../persons/idnumber.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { personBody } from '../test/people.ts';

let t: TestApp;
let f: Fixture;
let cookie: string;
let registeredId: string;

async function login(username: string): Promise<string> {
  const res = await fetch(`${t.baseUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

export async function uploadWorkbook(baseUrl: string, cookieHeader: string, data: Buffer, mode: string) {
  const form = new FormData();
  form.append('mode', mode);
  form.append('file', new Blob([new Uint8Array(data)]), 'persons.xlsx');
  const res = await fetch(`${baseUrl}/api/persons/imports`, { method: 'POST', headers: { cookie: cookieHeader }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

async function recentImports() {
  const res = await fetch(`${t.baseUrl}/api/persons/imports`, { headers: { cookie } });
  return ((await res.json()) as { items: { id: number }[] }).items.map((i) => i.id);
}

async function finished(id: number) {
  for (let i = 0; i < 300; i++) {
    const r = await fetch(`${t.baseUrl}/api/persons/imports/${id}`, { headers: { cookie } });
    const body = (await r.json()) as any;
    if (body.done) return body;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('import did not finish');
}

/** A resident ID whose check digit is X (typed as a lower-case x in the file). */
function idEndingInX(): string {
  for (let seq = 1; ; seq++) {
    const id = makeResidentId('420106', '1985-06-15', seq, 'male');
    if (id.endsWith('X')) return id;
  }
}

const ids = Array.from({ length: 8 }, (_, i) => makeResidentId('420106', `1990-0${i + 1}-1${i}`, 100 + i * 2, i % 2 ? 'female' : 'male'));
const withX = idEndingInX();
const fullWidth = (s: string) => s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const HOUSE = '测试市东区幸福路 8 号';

/** The messy workbook; rows 3-16 with the expected outcome noted. */
async function messyWorkbook(): Promise<Buffer> {
  const a = f.points.gridA;
  const c = f.points.gridC;
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  // Row 1: 姓名 merged down over two rows, group titles merged across; row 2: the other headers.
  ws.getCell('A1').value = '姓名*';
  ws.mergeCells('A1:A2');
  ws.getCell('B1').value = '身份信息';
  ws.mergeCells('B1:C1');
  ws.getCell('D1').value = '管理信息';
  ws.mergeCells('D1:K1');
  ['', '证件号码', '电\n话 ', '隔离信息报送来源', ' 居家观察开始时间', '现住址', '经度', '纬度', '坐标系', '是否签署告知书', '所属户编号'].forEach((h, i) => {
    if (h) ws.getCell(2, i + 1).value = h;
  });
  const rows: Record<number, unknown[]> = {
    3: ['张三', withX.slice(0, 17) + 'x', fullWidth('13800138000'), '网格排查', 43864, null, a.lon, a.lat, 'WGS84', '是'], // valid: x, full-width phone, serial date
    5: ['李四', { formula: `"${ids[0]}"`, result: ids[0] }, null, 'grid_survey', '2020/2/3', null, a.lon, a.lat], // valid: formula cell, 2020/2/3
    6: ['王五', Number(ids[1]), null, '网格排查', '2020年2月3日', null, a.lon, a.lat], // ID as a number: precision lost
    7: [' 赵\n六 ', fullWidth(ids[2]), null, '网格排查', '20200203', null, a.lon, a.lat], // valid: full-width ID, spaces and line breaks
    8: ['钱七', withX, null, '网格排查', '2020-02-03', null, a.lon, a.lat], // duplicate of row 3
    9: ['孙八', ids[3].slice(0, 17) + (ids[3][17] === '0' ? '1' : '0'), null, '网格排查', '2020-02-03', null, a.lon, a.lat], // wrong check digit
    10: ['周九', ids[4], null, '网格排查', '2020-02-03', null, c.lon, c.lat], // outside the jurisdiction
    11: ['吴十', ids[5], null, '网格排查', '2020-02-30', null, a.lon, a.lat], // not a real date
    12: ['郑一', registeredId, null, '网格排查', '2020-02-03', null, a.lon, a.lat], // already registered
    13: ['冯二', ids[6], null, '网格排查', '2020-02-03', HOUSE], // valid: address of a household
    14: ['陈三', ids[7], null, '网格排查', '2020-02-03', '不存在的地址 1 号'], // address not found
    15: ['褚四', null, null, '网格排查', new Date(Date.UTC(2020, 1, 3)), null, a.lon + 0.0052, a.lat - 0.0024, 'GCJ02'], // valid: date cell, GCJ-02
    16: ['卫五', null, null, null, '2020-02-03', null, a.lon, a.lat], // source missing
  };
  for (const [n, values] of Object.entries(rows)) values.forEach((v, i) => (ws.getCell(Number(n), i + 1).value = v as ExcelJS.CellValue));
  ws.getCell('B3').numFmt = '@';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const countPersons = async () =>
  (await t.app.db.ownerPool.query('select count(*)::int n from persons where tenant_id = $1', [f.tenantId])).rows[0].n as number;

async function errorReport(id: number): Promise<Map<number, string>> {
  const r = await fetch(`${t.baseUrl}/api/persons/imports/${id}/errors.xlsx`, { headers: { cookie } });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as never);
  const ws = wb.worksheets[0];
  const header = ws.getRow(1).values as unknown[];
  const messageCol = header.indexOf('错误说明');
  expect(header[1]).toBe('原行号');
  const out = new Map<number, string>();
  ws.eachRow((row, n) => {
    if (n > 1) out.set(Number(row.getCell(1).value), String(row.getCell(messageCol).value));
  });
  return out;
}

let workbook: Buffer;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'imp');
  cookie = await login(`${f.prefix}gridworker`);
  const worker = await t.login(`${f.prefix}gridworker`);
  const existing = personBody(f.points.gridA);
  expect((await worker.post('/api/persons', existing)).status).toBe(201);
  registeredId = existing.idNumber;
  await t.app.db.ownerPool.query(
    `insert into households (tenant_id, geom, address) values ($1, st_setsrid(st_makepoint($2, $3), 4326), $4)`,
    [f.tenantId, f.points.gridA.lon + 0.01, f.points.gridA.lat, HOUSE],
  );
  workbook = await messyWorkbook();
});
afterAll(() => t?.close());

const EXPECTED_ERRORS: Record<number, RegExp> = {
  6: /证件号码：证件号码以数字存放，Excel 只保留 15 位有效数字，末几位已丢失/,
  8: /证件号码：与第 3 行的证件号码重复/,
  9: /证件号码：身份证号码校验位不正确（GB 11643）/,
  10: /^位置：不在您辖区的任何网格内$/,
  11: /居家观察开始时间：“2020-02-30”不是真实的日期/,
  12: /证件号码：该证件号码已登记/,
  14: /现住址：地址在您辖区的住户中找不到/,
  16: /隔离信息报送来源：必填/,
};

describe('importing a messy workbook', () => {
  it('all or nothing: reports exactly the bad rows with their messages and writes nothing', async () => {
    const before = await countPersons();
    const up = await uploadWorkbook(t.baseUrl, cookie, workbook, 'all_or_nothing');
    expect(up.status, JSON.stringify(up.body)).toBe(202);
    const job = await finished(up.body.id);
    expect(job).toMatchObject({ status: 'done', rowsRead: 13, valid: 5, invalid: 8, written: 0, error: null });
    expect(await countPersons()).toBe(before);
    const report = await errorReport(up.body.id);
    expect([...report.keys()]).toEqual([6, 8, 9, 10, 11, 12, 14, 16]);
    for (const [row, message] of Object.entries(EXPECTED_ERRORS)) expect(report.get(Number(row))).toMatch(message);
    // Row 6 reports only the lost precision: nothing else was wrong with it.
    expect(report.get(6)!.match(/：/g), report.get(6)).toHaveLength(1);
  });

  it('valid rows: writes the five valid rows, every date format read as 2020-02-03, places and IDs normalised', async () => {
    const before = await countPersons();
    const up = await uploadWorkbook(t.baseUrl, cookie, workbook, 'valid_rows');
    const job = await finished(up.body.id);
    expect(job).toMatchObject({ status: 'done', valid: 5, invalid: 8, written: 5 });
    expect(await countPersons()).toBe(before + 5);
    const rows = (await t.app.db.ownerPool.query(
      `select name, observation_start, household_id, grid_id, sex, birth_date, phone_masked, notice_signed, created_by
         from persons where tenant_id = $1 and name in ('张三', '李四', '赵 六', '冯二', '褚四') order by name`, [f.tenantId])).rows;
    expect(rows.map((r) => r.name).sort()).toEqual(['冯二', '张三', '李四', '褚四', '赵 六'].sort());
    for (const r of rows) {
      expect(r.observation_start).toBe('2020-02-03');
      expect(r.grid_id).toBe(f.nodes.gridA);
    }
    const house = rows.find((r) => r.name === '冯二')!;
    expect(house.household_id).toBeTruthy();
    const zhang = rows.find((r) => r.name === '张三')!;
    expect(zhang).toMatchObject({ phone_masked: '138****8000', notice_signed: true, sex: 'male', birth_date: '1985-06-15' });
    // The x was stored as X: the person is found by the upper-case number.
    const worker = await t.login(`${f.prefix}gridworker`);
    const found = await worker.get(`/api/persons?q=${withX}`);
    expect(found.body.items.map((p: { name: string }) => p.name)).toEqual(['张三']);
    const events = await t.app.db.ownerPool.query(
      `select count(*)::int n from person_events e join persons p on p.tenant_id = e.tenant_id and p.id = e.person_id
        where p.tenant_id = $1 and e.kind = 'created' and e.changes->>'import' = $2`, [f.tenantId, String(up.body.id)]);
    expect(events.rows[0].n).toBe(5);
    // Started and finished, each audited in the transaction of its own change.
    const audit = await t.app.db.ownerPool.query(
      `select action, result, detail from audit_log where tenant_id = $1 and object_type = 'person_import' and object_id = $2 order by id`,
      [f.tenantId, String(up.body.id)]);
    expect(audit.rows.map((r) => [r.action, r.result])).toEqual([['person.import.start', 'ok'], ['person.import', 'ok']]);
    expect(audit.rows[1].detail).toMatchObject({ mode: 'valid_rows', read: 13, valid: 5, invalid: 8, written: 5 });
    // The command center hears of the import once per batch and grid, with counts by status (not
    // once per person: migration 0040), and of nobody by name.
    const live = await t.app.db.ownerPool.query(
      `select type, grid_path::text, payload from live_events where tenant_id = $1 and payload->>'importId' = $2`, [f.tenantId, String(up.body.id)]);
    expect(live.rows).toEqual([{
      type: 'import', grid_path: expect.any(String),
      payload: { importId: up.body.id, gridId: f.nodes.gridA, count: 5, statuses: { watching: 5, suspected: 0, confirmed: 0 } },
    }]);
    const perPerson = await t.app.db.ownerPool.query(
      `select count(*)::int n from live_events l join persons p on p.tenant_id = l.tenant_id and p.id = (l.payload->>'personId')::bigint
        where l.tenant_id = $1 and p.name in ('张三', '李四', '赵 六', '冯二', '褚四')`, [f.tenantId]);
    expect(perPerson.rows[0].n).toBe(0);
  });

  it('the same file again: every row is now a duplicate of a registered person, or as wrong as before', async () => {
    const up = await uploadWorkbook(t.baseUrl, cookie, workbook, 'valid_rows');
    const job = await finished(up.body.id);
    expect(job, JSON.stringify(job)).toMatchObject({ valid: 1, written: 1 }); // 褚四 has no ID number
    const report = await errorReport(up.body.id);
    expect(report.get(3)).toMatch(/该证件号码已登记/);
  });

  it('refuses what is not a workbook, and a workbook without a header, with a clear message', async () => {
    const up = await uploadWorkbook(t.baseUrl, cookie, Buffer.from('name,id\n'), 'valid_rows');
    expect(up.status).toBe(400);
    expect(up.body.error.field).toBe('file');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x').addRow(['foo', 'bar']);
    const none = await uploadWorkbook(t.baseUrl, cookie, Buffer.from(await wb.xlsx.writeBuffer()), 'valid_rows');
    const job = await finished(none.body.id);
    expect(job).toMatchObject({ status: 'failed', written: 0 });
    expect(job.error).toMatch(/找不到表头/);
    const bad = await uploadWorkbook(t.baseUrl, cookie, workbook, 'sometimes');
    expect(bad.status).toBe(400);
    // a zip bomb (its directory declares 2 GB; lying directories are api/src/excel/zip-limit.test.ts): no job is started
    const bomb = declareSize(await zipOf({ ...(await filesOf(workbook)), 'xl/media/zeros.bin': Buffer.alloc(1000) }), 'xl/media/zeros.bin', 2 ** 31);
    const before = await recentImports();
    const refused = await uploadWorkbook(t.baseUrl, cookie, bomb, 'valid_rows');
    expect([refused.status, refused.body.error.field]).toEqual([400, 'file']);
    expect(refused.body.error.message).toMatch(/unpacks to more than 1024 MB/);
    expect(await recentImports()).toEqual(before);
  });

  it('another user does not see the import; a role without person:write may not import', async () => {
    const up = await uploadWorkbook(t.baseUrl, cookie, workbook, 'all_or_nothing');
    const other = await login(`${f.prefix}gridworker2`);
    const r = await fetch(`${t.baseUrl}/api/persons/imports/${up.body.id}`, { headers: { cookie: other } });
    expect(r.status).toBe(404);
    await finished(up.body.id);
    const checkpoint = await login(`${f.prefix}checkpoint`);
    const denied = await uploadWorkbook(t.baseUrl, checkpoint, workbook, 'all_or_nothing');
    expect(denied.status).toBe(403);
  });
});
