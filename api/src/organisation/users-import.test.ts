// Users from Excel: the template (headers, required marks, dropdowns, phone as text, explanation
// sheet) and the import in both modes with good rows, bad cells and duplicates.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareSize, filesOf, zipOf } from '../../../geodata/src/import/test-support.ts';
import { DEMO_PASSWORD } from '../auth/seed.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
let cookie: string;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'uimp');
  const res = await fetch(`${t.baseUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `${f.prefix}admin`, password: DEMO_PASSWORD }),
  });
  cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
});
afterAll(() => t?.close());

async function upload(data: Buffer, mode?: string, lang?: string) {
  const form = new FormData();
  if (mode) form.append('mode', mode);
  form.append('file', new Blob([new Uint8Array(data)]), 'users.xlsx');
  const r = await fetch(`${t.baseUrl}/api/users/imports`, { method: 'POST', headers: { cookie, ...(lang ? { 'accept-language': lang } : {}) }, body: form });
  return { status: r.status, body: (await r.json()) as any };
}

const HEADERS = ['用户名*', '姓名*', '手机号', '部门', '岗位', '角色', '管辖范围*'];

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('用户');
  ws.addRow(HEADERS);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const p = () => f.prefix;
const gridA = () => `第一网格 (${f.code}-ga)`;

/** Three good rows (one with its phone typed as a number, one with full-width letters), four bad, one duplicate. */
const messyRows = () => [
  [`${p()}imp1`, '导入一', '13800001111', '网格员部门', '网格员', '', gridA()],
  [`${p()}imp2`, '导入二', 13800002222, '', '', '指挥部领导', `${f.code}-m1`],
  [`${p()}ｉｍｐ３`, ' 导入三 ', '', '', '', '街道工作人员、社区工作人员', `东一街道 (${f.code}-s1)`],
  [`${p()}imp4`, '', '12345', '', '', '', gridA()],
  [`${p()}imp5`, '坏部门', '', '不存在的部门', '', '', gridA()],
  [`${p()}imp6`, '兼任', '', '', '', '管理员、审计管理员', gridA()],
  [`${p()}imp7`, '无辖区', '', '', '', '', '火星'],
  [`${p()}imp1`, '重复', '', '', '', '', gridA()],
  [`${p()}admin`, '已存在', '', '', '', '', gridA()],
  [],
];

const count = async () =>
  (await t.app.db.ownerPool.query(`select count(*)::int n from users where tenant_id = $1 and username like $2`, [f.tenantId, `${p()}imp%`])).rows[0].n as number;

describe('users template', () => {
  it('has the Chinese headers with required marked, dropdowns of the tenant\'s lists, phone as text and an explanation sheet', async () => {
    const r = await fetch(`${t.baseUrl}/api/users/template.xlsx`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await r.arrayBuffer());
    const ws = wb.getWorksheet('用户')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(HEADERS);
    expect(ws.getCell('C2').numFmt).toBe('@');
    expect(ws.getCell('E2').dataValidation).toMatchObject({ type: 'list' });
    expect(ws.getCell('G300').dataValidation.formulae?.[0]).toContain('代码表');
    const codes = wb.getWorksheet('代码表')!;
    const scopes = codes.getColumn(4).values as string[];
    expect(scopes).toContain(gridA());
    expect(codes.getColumn(3).values).toContain('网格员');
    const explain = wb.getWorksheet('填写说明')!;
    expect(explain.getRow(2).values).toEqual([undefined, '用户名', '必填', expect.any(String), 'zhangsan01']);
  });
});

describe('users import', () => {
  it('all-or-nothing: reports every bad cell by row and column and writes nothing', async () => {
    const r = await upload(await workbook(messyRows()));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ mode: 'all_or_nothing', rows: 9, valid: 3, invalid: 6, imported: 0, created: [] });
    const where = r.body.errors.map((e: any) => `${e.row}:${e.column}`);
    expect(where).toEqual(['5:姓名', '5:手机号', '6:部门', '7:角色', '8:管辖范围', '9:用户名', '10:用户名']);
    expect(r.body.errors.find((e: any) => e.row === 9).message).toMatch(/also in row 2/);
    expect(r.body.errors.find((e: any) => e.row === 10).message).toMatch(/already exists/);
    expect(await count()).toBe(0);
  });

  it('answers every row error in Chinese for the Chinese console', async () => {
    const r = await upload(await workbook([...messyRows(), [`${p()}bad name`, '坏名', '', '', '', '', gridA()]]), undefined, 'zh-CN');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.errors.map((e: any) => `${e.row}:${e.column}:${e.message}`)).toEqual([
      '5:姓名:姓名必填',
      '5:手机号:手机号须为 11 位大陆手机号码',
      '6:部门:没有名为“不存在的部门”的启用部门',
      '7:角色:三员分立：系统管理员、审计管理员角色不能兼任',
      '8:管辖范围:您的辖区内没有辖区节点“火星”',
      `9:用户名:用户名 ${p()}imp1 与第 2 行重复`,
      `10:用户名:用户名 ${p()}admin 已存在`,
      '12:用户名:用户名须为 3–64 个字母、数字或 _ . @ -',
    ]);
    expect(await count()).toBe(0);
  });

  it('valid rows: imports the good rows with temporary passwords that must be changed', async () => {
    const r = await upload(await workbook(messyRows()), 'valid_rows');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ mode: 'valid_rows', valid: 3, invalid: 6, imported: 3 });
    expect(r.body.created.map((c: any) => c.username)).toEqual([`${p()}imp1`, `${p()}imp2`, `${p()}imp3`]);
    expect(await count()).toBe(3);

    const admin = await t.login(`${p()}admin`);
    const listed = (await admin.get(`/api/users?q=${p()}imp&pageSize=10`)).body.items as any[];
    const one = listed.find((u) => u.username === `${p()}imp1`);
    expect(one).toMatchObject({ phoneMasked: '138****1111', positions: [{ name: '网格员' }], department: { name: '网格员部门' }, scope: [{ id: f.nodes.gridA }], mustChangePassword: true });
    expect(listed.find((u) => u.username === `${p()}imp2`).phoneMasked).toBe('138****2222');
    expect(listed.find((u) => u.username === `${p()}imp3`).roles.map((x: any) => x.code).sort()).toEqual(['community_staff', 'street_staff']);

    const c = t.client();
    const login = await c.post('/api/auth/login', { username: `${p()}imp2`, password: r.body.created[1].temporaryPassword });
    expect(login.body.mustChangePassword).toBe(true);
    expect((await c.get('/api/persons')).body.error.code).toBe('password_change_required');
    const audit = await t.app.db.ownerPool.query(`select detail from audit_log where tenant_id = $1 and action = 'user.import' order by id`, [f.tenantId]);
    expect(audit.rows.map((a) => a.detail.imported)).toEqual([0, 0, 3]);
  });

  it('gives the security or audit duty to nobody while an account holds it (三员分立), as an error of the row', async () => {
    const r = await upload(await workbook([
      [`${p()}shadow1`, '影子审计', '', '', '', '审计管理员', gridA()],
      [`${p()}shadow2`, '影子安全', '', '安全管理员部门', '安全管理员', '', gridA()],
      [`${p()}plain1`, '普通', '', '', '', '指挥部领导', gridA()],
    ]), 'valid_rows', 'zh-CN');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.errors.map((e: any) => `${e.row}:${e.column}:${e.message}`)).toEqual([
      `2:角色:三员分立：审计管理员职责已由 ${p()}auditor 担任，只能由系统运维人员改授他人`,
      `3:角色:三员分立：安全管理员职责已由 ${p()}secadmin 担任，只能由系统运维人员改授他人`,
    ]);
    expect(r.body.created.map((c: any) => c.username)).toEqual([`${p()}plain1`]);
  });

  it('finds a role by its code first, then its name; a name two roles share is an error of the row; names are unique from now on', async () => {
    const sec = await t.login(`${p()}secadmin`);
    const copy = await sec.post('/api/roles', { code: 'fake_admin', name: '管理员', permissions: ['jurisdiction:read'] });
    expect([copy.status, copy.body.error.field]).toEqual([409, 'name']);
    expect(copy.body.error.message).toMatch(/role admin is named “管理员” already/);
    const other = await sec.post('/api/roles', { code: 'other_role', name: '其他角色' });
    expect(other.status).toBe(201);
    const rename = await sec.patch(`/api/roles/${other.body.id}`, { name: ' 管理员 ' }, { 'accept-language': 'zh-CN' });
    expect([rename.status, rename.body.error.field, rename.body.error.message]).toEqual([409, 'name', '角色名称“管理员”已被角色 admin 使用，角色名称不能重复']);
    expect((await sec.patch(`/api/roles/${other.body.id}`, { name: '其他角色' })).status).toBe(200);
    // a name two roles share from before this rule
    await t.app.db.ownerPool.query(`insert into roles (tenant_id, code, name) values ($1, 'old_commander', '指挥部领导')`, [f.tenantId]);
    const r = await upload(await workbook([
      [`${p()}amb1`, '同名', '', '', '', '指挥部领导', gridA()],
      [`${p()}amb2`, '编码', '', '', '', 'commander', gridA()],
    ]), 'valid_rows');
    expect(r.body.errors).toMatchObject([{ row: 2, column: '角色', message: 'several roles are named “指挥部领导”: write the role\'s code instead (commander, old_commander)' }]);
    expect(r.body.created.map((c: any) => c.username)).toEqual([`${p()}amb2`]);
    const admin = await t.login(`${p()}admin`);
    expect((await admin.get(`/api/users/${r.body.created[0].id}`)).body.roles.map((x: any) => x.code)).toEqual(['commander']);
  });

  it('refuses a department name two departments carry (under different parents) instead of picking one; siblings never share a name', async () => {
    const admin = await t.login(`${p()}admin`);
    const [a, b] = await Promise.all(['甲指挥部', '乙指挥部'].map(async (name) => (await admin.post('/api/departments', { name })).body.id as number));
    expect((await admin.post('/api/departments', { name: '流调组', parentId: a })).status).toBe(201);
    const twin = await admin.post('/api/departments', { name: '流调组', parentId: a }, { 'accept-language': 'zh-CN' });
    expect([twin.status, twin.body.error.field, twin.body.error.message]).toEqual([409, 'name', '同一上级下已有名为“流调组”的部门']);
    const other = await admin.post('/api/departments', { name: '流调组', parentId: b });
    expect(other.status).toBe(201);
    // renaming or moving into a clash is refused the same way
    expect((await admin.patch(`/api/departments/${other.body.id}`, { parentId: a })).status).toBe(409);
    const r = await upload(await workbook([[`${p()}dup1`, '同名部门', '', '流调组', '', '', gridA()]]), 'valid_rows');
    expect(r.body.errors).toMatchObject([{ row: 2, column: '部门', message: expect.stringMatching(/several departments are named “流调组”/) }]);
    expect(r.body.created).toEqual([]);
  });

  it('refuses a file that is not a workbook or lacks required columns, naming the file', async () => {
    const junk = await upload(Buffer.from('not a workbook'));
    expect([junk.status, junk.body.error.field]).toEqual([400, 'file']);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x').addRow(['用户名', '手机号']);
    const noScope = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(noScope.status).toBe(400);
    expect(noScope.body.error.message).toMatch(/姓名.*管辖范围/);
    // …and wholly in Chinese for the Chinese console
    const noScopeZh = await upload(Buffer.from(await wb.xlsx.writeBuffer()), undefined, 'zh-CN');
    expect(noScopeZh.body.error.message).toBe('文件无法读取：缺少必填列：姓名、管辖范围');
    const bomb = declareSize(await zipOf({ ...(await filesOf(await workbook([]))), 'xl/media/zeros.bin': Buffer.alloc(1000) }), 'xl/media/zeros.bin', 2 ** 30);
    const refused = await upload(bomb);
    expect([refused.status, refused.body.error.field]).toEqual([400, 'file']);
    expect(refused.body.error.message).toMatch(/unpacks to more than 12 MB/);
    const badMode = await upload(await workbook([]), 'sometimes');
    expect([badMode.status, badMode.body.error.field]).toEqual([400, 'mode']);
  });
});
