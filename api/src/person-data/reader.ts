// Streams the first worksheet of an uploaded workbook (exceljs WorkbookReader: a 100,000-row file
// is never held as a whole) and finds its header: the row among the first ten that names the most
// known columns. A column's header may sit in a row above it (a header merged down over two rows
// under a merged group title), so rows above the header row fill in what it leaves blank.
import { Readable } from 'node:stream';
import ExcelJS from '../excel/exceljs.ts';
import { cellValue, type CellPrimitive } from '../excel/cells.ts';
import { columnForHeader } from './columns.ts';

export interface SheetRow {
  /** The spreadsheet's row number (1-based). */
  rowNo: number;
  /** Values by column key. */
  cells: Map<string, CellPrimitive>;
  /** Every value of the row by column index (1-based), as read. */
  raw: CellPrimitive[];
}

export interface SheetHeader {
  rowNo: number;
  /** Column index → key. */
  keys: Map<number, string>;
  /** The header row's own texts by column index (for the error report). */
  texts: CellPrimitive[];
}

const HEADER_SCAN_ROWS = 10;

export class WorkbookFormatError extends Error {}

function rowValues(row: { values: unknown }): CellPrimitive[] {
  const values = row.values as unknown[];
  const out: CellPrimitive[] = [];
  for (let i = 1; i < values.length; i++) out[i] = cellValue(values[i]);
  return out;
}

function headerMatches(values: CellPrimitive[]): Map<number, string> {
  const keys = new Map<number, string>();
  values.forEach((v, i) => {
    if (typeof v !== 'string') return;
    const c = columnForHeader(v);
    if (c && ![...keys.values()].includes(c.key)) keys.set(i, c.key);
  });
  return keys;
}

function chooseHeader(scanned: { rowNo: number; values: CellPrimitive[] }[]): SheetHeader | undefined {
  let best: { index: number; keys: Map<number, string> } | undefined;
  scanned.forEach((r, index) => {
    const keys = headerMatches(r.values);
    if (keys.size >= 2 && (!best || keys.size > best.keys.size)) best = { index, keys };
  });
  if (!best) return undefined;
  const keys = best.keys;
  const texts = [...scanned[best.index].values];
  for (let above = best.index - 1; above >= 0; above--) {
    headerMatches(scanned[above].values).forEach((key, col) => {
      if (!keys.has(col) && ![...keys.values()].includes(key)) {
        keys.set(col, key);
        texts[col] = scanned[above].values[col];
      }
    });
  }
  return { rowNo: scanned[best.index].rowNo, keys, texts };
}

/**
 * Reads the workbook: calls onHeader once, then yields every row below the header. Throws
 * WorkbookFormatError when the file is not a workbook or no header row is found.
 */
export async function* readSheet(data: Buffer, onHeader: (h: SheetHeader) => void): AsyncGenerator<SheetRow> {
  let header: SheetHeader | undefined;
  const scanned: { rowNo: number; values: CellPrimitive[] }[] = [];
  try {
    for await (const sheet of worksheets(data)) {
      for await (const row of sheet as unknown as AsyncIterable<{ number: number; values: unknown }>) {
        const values = rowValues(row);
        if (!header) {
          scanned.push({ rowNo: row.number, values });
          if (scanned.length < HEADER_SCAN_ROWS) continue;
          header = settle(scanned, onHeader);
          for (const r of scanned) if (r.rowNo > header.rowNo) yield toRow(header, r.rowNo, r.values);
          continue;
        }
        yield toRow(header, row.number, values);
      }
      break; // the first worksheet only
    }
  } catch (err) {
    if (err instanceof WorkbookFormatError) throw err;
    throw new WorkbookFormatError(`不是可读取的 Excel 工作簿（.xlsx）：${(err as Error).message}`);
  }
  if (!header) {
    header = settle(scanned, onHeader);
    for (const r of scanned) if (r.rowNo > header.rowNo) yield toRow(header, r.rowNo, r.values);
  }
}

const openReader = (data: Buffer) =>
  new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([data]), {
    sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'emit',
  });

/**
 * The workbook's worksheets. exceljs's streaming reader now and then loses xl/workbook.xml when it
 * sits behind the worksheet in the zip (its model stays undefined and it fails on "reading
 * 'sheets'" before a single row; seen twice on a loaded CI machine, never reproduced alone): the
 * whole buffer is here, so that failure, and only before any sheet was given, is read once more.
 */
async function* worksheets(data: Buffer): AsyncGenerator<unknown> {
  let given = false;
  try {
    for await (const sheet of openReader(data)) {
      given = true;
      yield sheet;
    }
  } catch (err) {
    if (given || !/reading 'sheets'/.test(String((err as Error)?.message))) throw err;
    for await (const sheet of openReader(data)) yield sheet;
  }
}

function settle(scanned: { rowNo: number; values: CellPrimitive[] }[], onHeader: (h: SheetHeader) => void): SheetHeader {
  const header = chooseHeader(scanned);
  if (!header) throw new WorkbookFormatError('前 10 行中找不到表头（如“姓名”“证件号码”“隔离信息报送来源”），请使用导入模板');
  onHeader(header);
  return header;
}

function toRow(header: SheetHeader, rowNo: number, raw: CellPrimitive[]): SheetRow {
  const cells = new Map<string, CellPrimitive>();
  header.keys.forEach((key, col) => cells.set(key, raw[col] ?? null));
  return { rowNo, cells, raw };
}
