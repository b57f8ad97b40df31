// Workbooks the API streams out: an import's error report (the original rows with their errors),
// the person register and the case reports as the caller may see them (row-level security, and
// personal data masked unless the role holds person:reveal). Every text cell is neutralised so a
// spreadsheet never runs it as a formula; every export is audited.
import type ExcelJS from 'exceljs';
import type Koa from 'koa';
import { writeAudit } from '../audit/audit.ts';
import { can, type Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { maskAddress } from '../crypto/pii.ts';
import type { Scoped } from '../db/scope.ts';
import { HEADER_STYLE, neutralise, streamWorkbook, type CellPrimitive } from '../excel/cells.ts';
import type { PersonListQuery } from '../persons/schema.ts';
import { personConditions } from '../persons/queries.ts';
import { personFilter } from '../persons/service.ts';
import type { PersonRow } from '../persons/view.ts';
import { COLUMNS, headerOf, LABELS } from './columns.ts';
import { importErrors } from './imports.ts';
import type { RowError } from './rows.ts';
import * as q from './queries.ts';
import { readSheet, type SheetHeader } from './reader.ts';

type Workbook = ExcelJS.stream.xlsx.WorkbookWriter;
const PAGE = 2000;
const ERROR_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFDE2E1' } } as const;
const safe = (values: CellPrimitive[]) => values.map((v) => (v == null ? null : neutralise(v)));

/** GET /api/persons/imports/:id/errors.xlsx */
export async function writeErrorReport(app: AppContext, scoped: Scoped, user: Principal, id: number, ctx: Koa.Context): Promise<void> {
  const { fileName, file, errors } = await importErrors(scoped, user, id);
  streamWorkbook(ctx, `${fileName.replace(/\.xlsx$/i, '')}-错误报告.xlsx`, (wb) => errorSheet(wb, file, errors), (err) => app.log.error({ err, importId: id }, 'error report failed'));
}

async function errorSheet(wb: Workbook, file: Buffer, errors: Map<number, RowError[]>): Promise<void> {
  const ws = wb.addWorksheet('错误报告', { views: [{ state: 'frozen', ySplit: 1 }] });
  let header: SheetHeader | undefined;
  let width = 0;
  const columnOf = new Map<string, number>();
  for await (const row of readSheet(file, (h) => (header = h))) {
    if (!header) break;
    if (!width) {
      width = Math.max(header.texts.length - 1, ...header.keys.keys());
      header.keys.forEach((key, col) => columnOf.set(key, col));
      const top = ws.addRow(['原行号', ...safe(Array.from({ length: width }, (_, i) => header!.texts[i + 1] ?? null)), '错误说明']);
      top.eachCell((c) => Object.assign(c, { style: { ...HEADER_STYLE } }));
      top.commit();
    }
    const problems = errors.get(row.rowNo);
    if (!problems) continue;
    const values = Array.from({ length: width }, (_, i) => row.raw[i + 1] ?? null);
    const out = ws.addRow([row.rowNo, ...safe(values), problems.map((e) => `${e.header ?? headerOf(e.field)}：${e.message}`).join('；')]);
    for (const e of problems) {
      const col = columnOf.get(e.field === 'location' ? 'lon' : e.field);
      if (col !== undefined) out.getCell(col + 1).fill = ERROR_FILL;
    }
    out.getCell(width + 2).alignment = { wrapText: true };
    out.commit();
  }
  ws.getColumn(width + 2).width = 60;
  await ws.commit();
}

const label = (options: Record<string, string>, v: unknown) => (v == null ? null : (options[String(v)] ?? String(v)));
const yesNo = (v: unknown) => (v == null ? null : v ? '是' : '否');

/** One person as the cells of the template's columns (so an export reads like the template). */
function personCells(r: PersonRow & Record<string, unknown>, reveal: boolean, dec: (b: unknown) => string | null): CellPrimitive[] {
  const cell: Record<string, CellPrimitive> = {};
  for (const c of COLUMNS) {
    const col = c.key.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
    const v = r[col];
    if (c.kind === 'bool') cell[c.key] = yesNo(v);
    else if (c.kind === 'enum') cell[c.key] = label(c.options!, v);
    else if (c.kind === 'enumList') cell[c.key] = (v as string[] | null)?.map((x) => label(c.options!, x)).join(',') ?? null;
    else if (c.kind === 'coResidents') cell[c.key] = (v as { name: string; relation: string }[] | null)?.map((x) => `${x.name}:${x.relation}`).join(';') || null;
    else if (c.kind === 'attendance') cell[c.key] = (v as { name: string; at: string }[] | null)?.map((x) => `${x.name} ${String(x.at).slice(0, 16).replace('T', ' ')}`).join(';') || null;
    else if (v instanceof Date) cell[c.key] = v.toISOString().slice(0, 16).replace('T', ' ');
    else cell[c.key] = (v as CellPrimitive) ?? null;
  }
  cell.idNumber = reveal ? dec(r.id_number_enc) : r.id_number_masked;
  cell.phone = reveal ? dec(r.phone_enc) : r.phone_masked;
  cell.emergencyPhone = reveal ? dec(r.emergency_phone_enc) : r.emergency_phone_masked;
  cell.address = r.address == null ? null : reveal ? r.address : maskAddress(r.address);
  cell.lon = reveal ? r.lon : null;
  cell.lat = reveal ? r.lat : null;
  cell.crs = reveal && r.lon != null ? 'WGS84' : null;
  cell.note = (r.last_note as string | null) ?? null;
  cell.householdId = r.household_id;
  return COLUMNS.map((c) => cell[c.key]);
}

/** GET /api/persons/export.xlsx */
export async function exportPersons(app: AppContext, scoped: Scoped, user: Principal, query: Omit<PersonListQuery, 'page' | 'pageSize'>, ctx: Koa.Context): Promise<void> {
  const reveal = can(user, 'person:reveal');
  const dec = (b: unknown) => (Buffer.isBuffer(b) ? app.cipher.decrypt(b) : null);
  // A filter that cannot apply (an unknown jurisdiction) is refused before the download starts.
  await scoped((tx) => personFilter(app, tx, user, query));
  const ip = ctx.ip || null;
  streamWorkbook(ctx, `人员信息-${new Date().toISOString().slice(0, 10)}.xlsx`, async (wb) => {
    let rows = 0;
    const ws = wb.addWorksheet('人员信息', { views: [{ state: 'frozen', ySplit: 1 }] });
    const head = ws.addRow(['编号', ...COLUMNS.map((c) => c.header), '网格', '登记时间']);
    head.eachCell((c) => Object.assign(c, { style: { ...HEADER_STYLE } }));
    head.commit();
    const statusAt = COLUMNS.findIndex((c) => c.key === 'status');
    await scoped(async (tx) => {
      const conds = personConditions(user.tenantId, await personFilter(app, tx, user, query));
      let page = await tx.rows<PersonRow>(q.personsForExport(conds, 0, PAGE, reveal));
      while (page.length) {
        for (const r of page) {
          const cells = personCells(r, reveal, dec);
          cells[statusAt] = LABELS.status[r.status as keyof typeof LABELS.status] ?? r.status;
          ws.addRow([r.id, ...safe(cells), neutralise(r.grid_name), r.created_at.toISOString().slice(0, 19).replace('T', ' ')]).commit();
        }
        rows += page.length;
        page = page.length < PAGE ? [] : await tx.rows<PersonRow>(q.personsForExport(conds, page[page.length - 1].id, PAGE, reveal));
      }
    });
    await ws.commit();
    await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'person.export', objectType: 'person', ip, result: 'ok', detail: { filters: query, rows, masked: !reveal } });
  }, (err) => app.log.error({ err }, 'person export failed'));
}

const KIND = { citizen: '市民上报', close_contact: '密接上报', enterprise: '企业申报', checkpoint: '卡口登记', patrol: '网格巡查', doctor_survey: '医生排查' };
const STATE = { open: '待核实', closed: '已关闭', registered: '已登记', referred: '已转诊' };

/** GET /api/reports/export.xlsx */
export async function exportReports(app: AppContext, scoped: Scoped, user: Principal, filter: q.ReportExportFilter, ctx: Koa.Context): Promise<void> {
  const reveal = can(user, 'person:reveal');
  const dec = (b: unknown) => (Buffer.isBuffer(b) ? app.cipher.decrypt(b) : null);
  const ip = ctx.ip || null;
  type ReportRow = Record<string, any> & { id: number };
  streamWorkbook(ctx, `上报记录-${new Date().toISOString().slice(0, 10)}.xlsx`, async (wb) => {
    let rows = 0;
    const ws = wb.addWorksheet('上报记录', { views: [{ state: 'frozen', ySplit: 1 }] });
    const head = ws.addRow(['编号', '类型', '姓名', '电话', '证件号码', '发热', '咳嗽', '乏力', '气促', '体温', '描述', '地址', '网格', '状态', '登记人员编号', '上报时间']);
    head.eachCell((c) => Object.assign(c, { style: { ...HEADER_STYLE } }));
    head.commit();
    await scoped(async (tx) => {
      let page = await tx.rows<ReportRow>(q.reportsForExport(user.tenantId, filter, 0, PAGE, reveal));
      while (page.length) {
        for (const r of page) {
          ws.addRow([
            r.id, label(KIND, r.kind), ...safe([
              r.subject_name, reveal ? dec(r.subject_phone_enc) : r.subject_phone_masked, reveal ? dec(r.subject_id_enc) : r.subject_id_masked,
              yesNo(r.fever), yesNo(r.cough), yesNo(r.fatigue), yesNo(r.short_breath), r.temperature, r.description,
              r.address == null ? null : reveal ? r.address : maskAddress(r.address), r.grid_name, label(STATE, r.state),
            ]), r.person_id, (r.created_at as Date).toISOString().slice(0, 19).replace('T', ' '),
          ]).commit();
        }
        rows += page.length;
        page = page.length < PAGE ? [] : await tx.rows<ReportRow>(q.reportsForExport(user.tenantId, filter, page[page.length - 1].id, PAGE, reveal));
      }
    });
    await ws.commit();
    await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'report.export', objectType: 'report', ip, result: 'ok', detail: { filters: filter, rows, masked: !reveal } });
  }, (err) => app.log.error({ err }, 'report export failed'));
}
