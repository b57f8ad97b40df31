// The import template (GET /api/persons/template.xlsx): sheet 1 for the data, with the groups of
// §5.1 as merged titles above the headers, required headers marked *, dropdowns for coded values,
// ID-number and phone columns formatted as text; sheet 2 explaining every field with an example.
import type { DataValidation, Workbook, Worksheet } from 'exceljs';
import ExcelJS from '../excel/exceljs.ts';
import { HEADER_STYLE } from '../excel/cells.ts';
import { COLUMNS, NOT_IMPORTED, SECTION_NO } from './columns.ts';

export const DATA_SHEET = '人员信息';
/** Rows offered with dropdowns and text formats below the header. */
const TEMPLATE_ROWS = 10000;
const TEXT_KINDS = new Set(['idNumber', 'phone', 'landline', 'householdId']);

export async function personTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '网格化社区疫情防控系统';
  const ws = wb.addWorksheet(DATA_SHEET, { views: [{ state: 'frozen', ySplit: 2, xSplit: 1 }] });
  COLUMNS.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = c.width ?? Math.max(10, Math.min(24, c.header.length * 2 + 2));
    if (TEXT_KINDS.has(c.kind)) col.numFmt = '@';
  });
  // Row 1: the §5.1 groups, merged over their columns; row 2: the headers.
  let start = 0;
  for (let i = 1; i <= COLUMNS.length; i++) {
    if (i === COLUMNS.length || COLUMNS[i].group !== COLUMNS[start].group) {
      ws.getCell(1, start + 1).value = COLUMNS[start].group;
      if (i - 1 > start) ws.mergeCells(1, start + 1, 1, i);
      start = i;
    }
  }
  COLUMNS.forEach((c, i) => {
    ws.getCell(2, i + 1).value = c.required ? `${c.header}*` : c.header;
    ws.getCell(2, i + 1).note = c.hint || c.header;
  });
  for (const r of [1, 2]) {
    ws.getRow(r).eachCell((cell) => Object.assign(cell, { style: { ...HEADER_STYLE } }));
    ws.getRow(r).height = r === 2 ? 36 : 20;
  }
  COLUMNS.forEach((c, i) => {
    if (c.required) ws.getCell(2, i + 1).font = { bold: true, color: { argb: 'FFC0392B' } };
    if (!c.options) return;
    const letter = ws.getColumn(i + 1).letter;
    validations(ws).add(`${letter}3:${letter}${TEMPLATE_ROWS + 2}`, {
      type: 'list',
      allowBlank: true,
      formulae: [`"${Object.values(c.options).join(',')}"`],
      // Several conditions may be listed in one cell: the list only suggests there.
      showErrorMessage: c.kind !== 'enumList',
      errorStyle: 'stop',
      errorTitle: c.header,
      error: `请从下拉列表选择${c.header}`,
    });
  });
  explanationSheet(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Range data validations (exceljs has them at runtime; its typings only know cells). */
const validations = (ws: Worksheet) =>
  (ws as unknown as { dataValidations: { add(range: string, v: DataValidation): void } }).dataValidations;

function explanationSheet(wb: Workbook): void {
  const ws = wb.addWorksheet('填写说明', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: '序号（§5.1）', width: 12 },
    { header: '大类', width: 12 },
    { header: '字段（表头）', width: 30 },
    { header: '必填', width: 8 },
    { header: '填写说明', width: 60 },
    { header: '可选值', width: 40 },
    { header: '示例', width: 26 },
  ];
  ws.getRow(1).eachCell((cell) => Object.assign(cell, { style: { ...HEADER_STYLE } }));
  for (const c of COLUMNS) {
    const row = ws.addRow([
      SECTION_NO[c.key] ?? '',
      c.group,
      c.header,
      c.required ? '是' : c.key === 'address' ? '三选一' : '',
      c.hint,
      c.options ? Object.values(c.options).join('、') : '',
      String(c.example),
    ]);
    row.alignment = { wrapText: true, vertical: 'top' };
  }
  ws.addRow([]);
  ws.addRow(['', '', '不在模板中的字段', '', '原因']).font = { bold: true };
  for (const f of NOT_IMPORTED) ws.addRow([f.no, '', f.field, '', f.why]);
  ws.addRow([]);
  ws.addRow(['', '', '说明', '', '现住址、所属户编号、经纬度至少填一项，人员须位于您的辖区内；同一证件号码在文件中或系统中已存在时该行报错。']);
}
