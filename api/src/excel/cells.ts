// Small Excel helpers shared by the imports and exports (exceljs, never SheetJS `xlsx`): the value a
// cell shows, text a spreadsheet will not run as a formula, and a streamed .xlsx response.
import { PassThrough } from 'node:stream';
import type { stream } from 'exceljs';
import ExcelJS from './exceljs.ts';
import type Koa from 'koa';

export type CellPrimitive = string | number | boolean | Date | null;

/**
 * The value a cell shows: a formula's cached result, rich text joined, a hyperlink's text; errors
 * (#N/A) and empty cells are null.
 */
export function cellValue(v: unknown): CellPrimitive {
  if (v == null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('result' in o || 'formula' in o || 'sharedFormula' in o) return o.result === undefined ? null : cellValue(o.result);
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('');
    if ('text' in o) return cellValue(o.text);
    if ('error' in o) return null;
  }
  return String(v);
}

/** Characters that make a spreadsheet treat typed-in text as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text a spreadsheet will not evaluate: a leading =, +, -, @, tab or carriage return gets an
 * apostrophe in front (written as a plain string cell besides, never as a formula).
 */
export function neutralise<T>(v: T): T | string {
  return typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v;
}

/**
 * Streams a workbook as the response: the body is set now and `write` fills it in the background
 * (the response is being sent while rows are added, so a large export never sits in memory and
 * the writer's back-pressure is relieved). Check everything that can be refused before calling:
 * once this returns, the status is 200; an error while writing aborts the download.
 */
export function streamWorkbook(
  ctx: Koa.Context,
  fileName: string,
  write: (wb: stream.xlsx.WorkbookWriter) => Promise<void>,
  onError: (err: unknown) => void,
): void {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  ctx.set('Content-Disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  ctx.body = out;
  write(workbook)
    .then(() => workbook.commit())
    .catch((err) => {
      onError(err);
      out.destroy(err as Error);
    });
}

/** Bold header cells with a light fill. */
export const HEADER_STYLE = {
  font: { bold: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F0FE' } },
  alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
} as const;
