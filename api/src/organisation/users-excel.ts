// The users Excel template (exceljs, never SheetJS `xlsx`) and the reading of a filled-in one: the
// columns are declared once (USER_COLUMNS) and the template, its explanation sheet and the import
// all derive from them.
import ExcelJS from 'exceljs';
import { workbookZipRefusal } from '../excel/zip-limit.ts';
import { withoutControls } from '../control-chars.ts';

export type UserColumnKey = 'username' | 'displayName' | 'phone' | 'department' | 'position' | 'roles' | 'scope';

export interface UserColumn {
  key: UserColumnKey;
  header: string;
  required: boolean;
  /** Which list of the code sheet feeds the column's dropdown. */
  list?: 'departments' | 'positions' | 'roles' | 'scopes';
  width: number;
  explain: string;
  example: string;
}

export const USER_COLUMNS: UserColumn[] = [
  { key: 'username', header: '用户名', required: true, width: 18, explain: '登录名：3–64 个字母、数字或 _ . @ -，租户内唯一（不区分大小写）', example: 'zhangsan01' },
  { key: 'displayName', header: '姓名', required: true, width: 14, explain: '显示的姓名，最多 60 字', example: '张三' },
  { key: 'phone', header: '手机号', required: false, width: 16, explain: '11 位手机号，按文本填写；加密保存，列表中脱敏显示', example: '13800138000' },
  { key: 'department', header: '部门', required: false, list: 'departments', width: 22, explain: '从下拉列表选择已有部门的名称', example: '社区工作人员部门' },
  { key: 'position', header: '岗位', required: false, list: 'positions', width: 22, explain: '从下拉列表选择已有岗位；岗位带来的角色即用户的权限。同名岗位请同时填写部门', example: '网格员' },
  { key: 'roles', header: '角色', required: false, list: 'roles', width: 22, explain: '直接授予的角色名称；多个角色用顿号或逗号分隔。系统、安全、审计管理员三者不可兼任', example: '网格员' },
  { key: 'scope', header: '管辖范围', required: true, list: 'scopes', width: 30, explain: '辖区节点，填写“名称 (编码)”或编码，从下拉列表选择；用户可见该节点及其下级', example: '第一网格 (A01)' },
];

const headerText = (c: UserColumn) => (c.required ? `${c.header}*` : c.header);

export interface CodeLists {
  departments: string[];
  positions: string[];
  roles: string[];
  scopes: string[];
}

const TEMPLATE_ROWS = 500;

/** The template workbook: the users sheet with dropdowns, the explanation sheet, the hidden code sheet. */
export function buildUserTemplate(lists: CodeLists): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'grid-epidemic-control';
  const sheet = wb.addWorksheet('用户', { views: [{ state: 'frozen', ySplit: 1 }] });
  const codes = wb.addWorksheet('代码表', { state: 'hidden' });
  const explain = wb.addWorksheet('填写说明');

  sheet.columns = USER_COLUMNS.map((c) => ({ header: headerText(c), key: c.key, width: c.width, style: { numFmt: '@' } }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center' };
  USER_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: c.required ? 'FFFDE2E2' : 'FFE8F0FE' } };
    if (c.required) cell.font = { bold: true, color: { argb: 'FFC00000' } };
    cell.note = c.explain;
  });

  const listKeys = ['departments', 'positions', 'roles', 'scopes'] as const;
  const listHeaders = { departments: '部门', positions: '岗位', roles: '角色', scopes: '管辖范围' };
  listKeys.forEach((k, i) => {
    const col = codes.getColumn(i + 1);
    col.values = [listHeaders[k], ...lists[k]];
    col.width = 30;
  });
  USER_COLUMNS.forEach((c, i) => {
    if (!c.list) return;
    const listCol = String.fromCharCode(65 + listKeys.indexOf(c.list));
    const n = Math.max(lists[c.list].length, 1);
    for (let r = 2; r <= TEMPLATE_ROWS + 1; r++) {
      sheet.getCell(r, i + 1).dataValidation = {
        type: 'list',
        // Roles may hold several names separated by 、 so any text is accepted there, with the list offered.
        allowBlank: true,
        showErrorMessage: c.list !== 'roles',
        formulae: [`'代码表'!$${listCol}$2:$${listCol}$${n + 1}`],
        errorTitle: c.header,
        error: `请从下拉列表选择${c.header}`,
      };
    }
  });

  explain.columns = [
    { header: '列名', key: 'header', width: 14 },
    { header: '是否必填', key: 'required', width: 10 },
    { header: '说明', key: 'explain', width: 70 },
    { header: '示例', key: 'example', width: 24 },
  ];
  explain.getRow(1).font = { bold: true };
  for (const c of USER_COLUMNS) explain.addRow({ header: c.header, required: c.required ? '必填' : '选填', explain: c.explain, example: c.example });
  explain.addRow({});
  explain.addRow({ header: '说明', explain: '标 * 的列必填。导入的用户获得临时密码，首次登录时必须修改密码。第一行是表头，请勿修改。' });
  return wb;
}

export type UserSheetRow = { row: number } & Partial<Record<UserColumnKey, string>>;

/** Why a users workbook cannot be read, in English and in Chinese. */
export class SheetError extends Error {
  constructor(message: string, readonly messageZh: string) {
    super(message);
  }
}

/** Text of a cell as typed: formulas give their cached result, numbers their digits, full-width folded. */
function cellText(v: ExcelJS.CellValue): string {
  return normaliseText(rawText(v));
}

function rawText(v: ExcelJS.CellValue): string {
  if (v == null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('result' in v) return rawText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    if ('error' in v) return '';
  }
  return String(v);
}

/** Full-width letters and digits folded, stray spaces and line breaks collapsed, controls removed. */
function normaliseText(s: string): string {
  return withoutControls(s)
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// a users workbook of the largest allowed row count unpacks to well under this; more is refused before exceljs holds it all in memory
const MAX_USERS_UNPACKED_BYTES = 12 * 1024 * 1024;

/** Reads the first sheet: the header row (found among the first five, * marks ignored) and every non-blank row. */
export async function readUserSheet(data: Buffer, maxRows: number): Promise<UserSheetRow[]> {
  const problem = await workbookZipRefusal(data, MAX_USERS_UNPACKED_BYTES);
  if (problem) throw new SheetError(problem.message, problem.messageZh);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new SheetError('file is not an .xlsx workbook', '文件不是 Excel 工作簿（.xlsx）');
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw new SheetError('the workbook has no sheet', '工作簿中没有工作表');
  const byHeader = new Map(USER_COLUMNS.map((c) => [c.header, c.key]));
  let headerRow = 0;
  let columns = new Map<number, UserColumnKey>();
  for (let r = 1; r <= Math.min(5, sheet.rowCount) && !headerRow; r++) {
    const found = new Map<number, UserColumnKey>();
    sheet.getRow(r).eachCell((cell, col) => {
      const key = byHeader.get(cellText(cell.value).replace(/[*＊\s]/g, ''));
      if (key) found.set(col, key);
    });
    if (found.size >= 2) [headerRow, columns] = [r, found];
  }
  if (!headerRow) throw new SheetError(
      `no header row: the first sheet must have the template's headers (${USER_COLUMNS.map((c) => c.header).join(', ')})`,
      `找不到表头：第一个工作表须有模板的表头（${USER_COLUMNS.map((c) => c.header).join('、')}）`,
    );
  const missing = USER_COLUMNS.filter((c) => c.required && ![...columns.values()].includes(c.key));
  if (missing.length) throw new SheetError(`missing required column(s): ${missing.map((c) => c.header).join(', ')}`, `缺少必填列：${missing.map((c) => c.header).join('、')}`);
  const rows: UserSheetRow[] = [];
  for (let r = headerRow + 1; r <= sheet.rowCount; r++) {
    const out: UserSheetRow = { row: r };
    let blank = true;
    for (const [col, key] of columns) {
      const text = cellText(sheet.getRow(r).getCell(col).value);
      if (text) [out[key], blank] = [text, false];
    }
    if (blank) continue;
    if (rows.length >= maxRows) throw new SheetError(`too many rows: at most ${maxRows} users per file`, `行数过多：每个文件最多 ${maxRows} 个用户`);
    rows.push(out);
  }
  return rows;
}

export const columnHeader = (key: UserColumnKey) => USER_COLUMNS.find((c) => c.key === key)!.header;
