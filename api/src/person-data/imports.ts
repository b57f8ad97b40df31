// Person imports from Excel as background jobs (§4.2.1): the upload is kept with the job, read
// as a stream, each row checked and encoded, staged in batches; then one set-based check (places,
// jurisdiction, registered ID numbers) and one set-based insert. Progress is a row of
// person_imports, so it survives the request and is seen only by the user who started it.
//
// A job interrupted by a restart is not resumed: at start the server marks every job still
// running as failed ("interrupted by a server restart"), and the user uploads the file again.
// Nothing of it was written to the register (the insert is one transaction at the end).
import type pg from 'pg';
import { writeAudit } from '../audit/audit.ts';
import { callerOf, type Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { withScope } from '../db/scope.ts';
import { workbookZipProblem } from '../excel/zip-limit.ts';
import { badRequest, notFound } from '../http/errors.ts';
import type { UploadedFile } from '../http/multipart.ts';
import * as q from './queries.ts';
import { readSheet, WorkbookFormatError } from './reader.ts';
import { blankRow, stageRow, type RowError, type StagedRow } from './rows.ts';

export type ImportMode = 'all_or_nothing' | 'valid_rows';
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** What the workbook may unpack to (a 100,000-row file of the template unpacks to about 60 MB). */
export const MAX_IMPORT_UNPACKED_BYTES = 1024 * 1024 * 1024;
const BATCH_ROWS = 2000;

interface ImportRow {
  id: number;
  file_name: string;
  mode: ImportMode;
  status: string;
  phase: string;
  rows_read: number;
  rows_valid: number;
  rows_invalid: number;
  rows_written: number;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const view = (r: ImportRow) => ({
  id: r.id,
  fileName: r.file_name,
  mode: r.mode,
  status: r.status,
  phase: r.phase,
  rowsRead: r.rows_read,
  valid: r.rows_valid,
  invalid: r.rows_invalid,
  written: r.rows_written,
  done: r.status !== 'running',
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

/** Jobs running in this process (tests and the bench wait for them). */
const running = new Map<number, Promise<void>>();
export const importFinished = (id: number) => running.get(id) ?? Promise.resolve();

export async function startImport(app: AppContext, user: Principal, file: UploadedFile, mode: ImportMode, ip: string | null) {
  if (file.data.subarray(0, 2).toString('latin1') !== 'PK') {
    throw badRequest('file must be an Excel workbook (.xlsx); save an .xls or .csv file as .xlsx first', 'file');
  }
  const problem = await workbookZipProblem(file.data, MAX_IMPORT_UNPACKED_BYTES);
  if (problem) throw badRequest(problem, 'file');
  const fileName = utf8Name(file.fileName).slice(-255) || 'persons.xlsx';
  const { id } = (await withScope(app.db.pool, callerOf(user), (tx) =>
    tx.one<{ id: number }>(q.insertImport(user.tenantId, user.userId, fileName, file.data, mode))))!;
  const job = runImport(app, user, id, file.data, mode)
    .catch((err) => app.log.error({ err, importId: id }, 'person import failed'))
    .finally(() => running.delete(id));
  running.set(id, job);
  await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'person.import.start', objectType: 'person_import', objectId: id, ip, result: 'ok', detail: { fileName, bytes: file.data.length, mode } });
  return getImport(app, user, id);
}

/** busboy reads a part's filename as latin1: a browser sends UTF-8 (人员.xlsx arrived as ä°ºå.xlsx). */
function utf8Name(name: string): string {
  if (!/^[\x00-\xff]*$/.test(name)) return name;
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? name : decoded;
}

export async function getImport(app: AppContext, user: Principal, id: number) {
  const row = await withScope(app.db.pool, callerOf(user), (tx) => tx.one<ImportRow>(q.importById(user.tenantId, id)));
  if (!row) throw notFound('import');
  return view(row);
}

export async function listImports(app: AppContext, user: Principal) {
  const rows = await withScope(app.db.pool, callerOf(user), (tx) => tx.rows<ImportRow>(q.recentImports(user.tenantId)));
  return { items: rows.map(view) };
}

async function runImport(app: AppContext, user: Principal, id: number, data: Buffer, mode: ImportMode): Promise<void> {
  const scoped = <T>(fn: Parameters<typeof withScope<T>>[2]) => withScope(app.db.pool, callerOf(user), fn);
  const progress: q.Progress = { phase: 'reading', read: 0, valid: 0, invalid: 0 };
  try {
    await stageWorkbook(app, data, async (batch) => {
      for (const r of batch) r.errors.length ? progress.invalid++ : progress.valid++;
      progress.read += batch.length;
      await scoped(async (tx) => {
        await tx.query(q.stageRows(user.tenantId, id, JSON.stringify(batch)));
        await tx.query(q.setProgress(user.tenantId, id, progress));
      });
    });
    progress.phase = 'checking';
    await scoped((tx) => tx.query(q.setProgress(user.tenantId, id, progress)));
    const counts = await scoped(async (tx) => {
      await tx.query(q.longStatements());
      const c = (await tx.one<{ valid: number; invalid: number }>(q.checkStaged(id)))!;
      await tx.query(q.setProgress(user.tenantId, id, { ...progress, phase: 'writing', valid: c.valid, invalid: c.invalid }));
      return c;
    });
    let written = 0;
    if (mode === 'valid_rows' || counts.invalid === 0) {
      written = await scoped(async (tx) => {
        await tx.query(q.longStatements());
        const n = Number((await tx.one<{ written: number }>(q.insertStaged(id)))!.written);
        await tx.query(q.setProgress(user.tenantId, id, { ...progress, phase: 'finished', valid: counts.valid, invalid: counts.invalid }));
        await tx.query(q.finishImport(user.tenantId, id, 'done', n, null));
        return n;
      });
    } else {
      await scoped(async (tx) => {
        await tx.query(q.dropValidStaged(user.tenantId, id));
        await tx.query(q.setProgress(user.tenantId, id, { ...progress, phase: 'finished', valid: counts.valid, invalid: counts.invalid }));
        await tx.query(q.finishImport(user.tenantId, id, 'done', 0, null));
      });
    }
    await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'person.import', objectType: 'person_import', objectId: id, result: 'ok', detail: { mode, read: progress.read, ...counts, written } });
  } catch (err) {
    const message = err instanceof WorkbookFormatError ? err.message : `import failed: ${(err as Error).message}`;
    await scoped((tx) => tx.query(q.finishImport(user.tenantId, id, 'failed', 0, message))).catch(() => {});
    await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'person.import', objectType: 'person_import', objectId: id, result: 'error', detail: { mode, error: message } });
    if (!(err instanceof WorkbookFormatError)) throw err;
  }
}

/**
 * Reads the workbook and hands batches of staged rows to `flush`. Rows repeating an ID number of
 * an earlier row of the file are errors naming that row (by the keyed hash, never the number).
 * One batch is stored while the next is read (the two took turns before: the database waited for
 * the reader and the reader for the database); flushes still run one at a time, in order, and
 * none is running any more when this returns or throws.
 */
export async function stageWorkbook(app: AppContext, data: Buffer, flush: (batch: StagedRow[]) => Promise<void>): Promise<void> {
  const seen = new Map<string, number>();
  let storing: Promise<void> = Promise.resolve();
  const handOver = async (rows: StagedRow[]) => {
    await storing;
    storing = flush(rows);
    storing.catch(() => {}); // thrown at the next hand-over or at the end
  };
  try {
    let batch: StagedRow[] = [];
    for await (const row of readSheet(data, () => {})) {
      if (blankRow(row.cells)) continue;
      batch.push(refuseRepeatedId(seen, stageRow(app, row.rowNo, row.cells)));
      if (batch.length >= BATCH_ROWS) {
        await handOver(batch);
        batch = [];
      }
    }
    if (batch.length) await handOver(batch);
  } finally {
    await storing.catch(() => {});
  }
  await storing;
}

function refuseRepeatedId(seen: Map<string, number>, staged: StagedRow): StagedRow {
  if (!staged.id_hash) return staged;
  const key = `${staged.id_type}:${staged.id_hash}`;
  const first = seen.get(key);
  if (first === undefined) {
    seen.set(key, staged.row_no);
    return staged;
  }
  staged.errors.push({ field: 'idNumber', header: '证件号码', message: `与第 ${first} 行的证件号码重复` });
  staged.record = null;
  return staged;
}

/** The rows with errors and their messages, by spreadsheet row number. */
export async function importErrors(app: AppContext, user: Principal, id: number): Promise<{ fileName: string; file: Buffer; errors: Map<number, RowError[]> }> {
  return withScope(app.db.pool, callerOf(user), async (tx) => {
    const job = await tx.one<ImportRow>(q.importById(user.tenantId, id));
    if (!job) throw notFound('import');
    if (job.status === 'running') throw badRequest('the import is still running; the error report is ready when it is done', 'id');
    const { file, file_name } = (await tx.one<{ file: Buffer; file_name: string }>(q.importFile(user.tenantId, id)))!;
    const rows = await tx.rows<{ row_no: number; errors: RowError[] }>(q.errorRows(user.tenantId, id));
    return { fileName: file_name, file, errors: new Map(rows.map((r) => [r.row_no, r.errors])) };
  });
}

/** At start: jobs still marked running were interrupted by a restart; they are failed (owner connection). */
export async function failInterruptedImports(ownerPool: pg.Pool): Promise<number> {
  const r = await ownerPool.query(q.failInterrupted().toQuery());
  return r.rowCount ?? 0;
}
