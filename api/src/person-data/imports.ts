// Person imports from Excel as background jobs (§4.2.1): the upload is kept with the job and read
// as a stream; each row is checked and encoded in Node (rows.ts), and each batch of rows that read
// well is placed, checked against the register and written by one database call
// (app.import_person_batch) while the next batch is read. All batches of an import share one
// transaction, so an all-or-nothing import that meets an error rolls back whatever it wrote and a
// job interrupted by a restart wrote nothing. The rows with errors are kept in memory (row number
// and messages only) and stored after that transaction, for the error report.
//
// Progress is kept in memory by the process running the job and read from there while it runs
// (the job's own transaction holds the embedded database's one connection meanwhile); the job's
// row of person_imports holds it once the job is done, seen only by the user who started it. At
// start the server marks every job still running as failed ("interrupted by a server restart").
import type pg from 'pg';
import { auditTx } from '../audit/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Scoped } from '../db/scope.ts';
import { workbookZipRefusal } from '../excel/zip-limit.ts';
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
const ERROR_BATCH_ROWS = 5000;

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

/** A job running in this process: its progress, answered from here until it is done. */
interface RunningJob {
  tenantId: number;
  userId: number;
  row: ImportRow;
  done: Promise<void>;
}
const running = new Map<number, RunningJob>();
export const importFinished = (id: number) => running.get(id)?.done ?? Promise.resolve();

export async function startImport(app: AppContext, scoped: Scoped, user: Principal, file: UploadedFile, mode: ImportMode, ip: string | null) {
  if (file.data.subarray(0, 2).toString('latin1') !== 'PK') {
    throw badRequest('file must be an Excel workbook (.xlsx); save an .xls or .csv file as .xlsx first', 'file').withZh('文件须为 Excel 工作簿（.xlsx）；.xls 或 .csv 文件请先另存为 .xlsx');
  }
  const problem = await workbookZipRefusal(file.data, MAX_IMPORT_UNPACKED_BYTES);
  if (problem) throw badRequest(problem.message, 'file').withZh(problem.messageZh);
  const fileName = utf8Name(file.fileName).slice(-255) || 'persons.xlsx';
  const row = await scoped(async (tx) => {
    const r = (await tx.one<ImportRow>(q.insertImport(user.tenantId, user.userId, fileName, file.data, mode)))!;
    await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'person.import.start', objectType: 'person_import', objectId: r.id, ip, result: 'ok', detail: { fileName, bytes: file.data.length, mode } });
    return r;
  });
  const job: RunningJob = { tenantId: user.tenantId, userId: user.userId, row, done: Promise.resolve() };
  running.set(row.id, job);
  // The job outlives the request and keeps its opener: the same caller, new transactions.
  job.done = runImport(app, scoped, user, job, file.data, mode)
    .catch((err) => app.log.error({ err, importId: row.id }, 'person import failed'))
    .finally(() => running.delete(row.id));
  return view(row);
}

/** busboy reads a part's filename as latin1: a browser sends UTF-8 (人员.xlsx arrived as ä°ºå.xlsx). */
function utf8Name(name: string): string {
  if (!/^[\x00-\xff]*$/.test(name)) return name;
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? name : decoded;
}

export async function getImport(app: AppContext, scoped: Scoped, user: Principal, id: number) {
  const job = running.get(id);
  // the same rule as the row's policy: only the user who started the import sees it
  if (job && job.tenantId === user.tenantId && job.userId === user.userId) return view(job.row);
  const row = await scoped((tx) => tx.one<ImportRow>(q.importById(user.tenantId, id)));
  if (!row) throw notFound('import');
  return view(row);
}

export async function listImports(scoped: Scoped, user: Principal) {
  const rows = await scoped((tx) => tx.rows<ImportRow>(q.recentImports(user.tenantId)));
  return { items: rows.map((r) => view(running.get(r.id)?.row ?? r)) };
}

/** Ends the all-or-nothing transaction of an import that met an error (its rollback undoes the writes). */
class Refused extends Error {}

async function runImport(app: AppContext, scoped: Scoped, user: Principal, job: RunningJob, data: Buffer, mode: ImportMode): Promise<void> {
  const { id } = job.row;
  const progress = job.row;
  const rejected: RowErrors[] = [];
  // The job's outcome, its error rows and its audit entry commit together.
  const finish = async (status: 'done' | 'failed', written: number, error: string | null) => {
    await scoped(async (tx) => {
      for (let i = 0; i < rejected.length; i += ERROR_BATCH_ROWS) {
        await tx.query(q.insertErrorRows(user.tenantId, id, JSON.stringify(rejected.slice(i, i + ERROR_BATCH_ROWS))));
      }
      await tx.query(q.setProgress(user.tenantId, id, { phase: 'finished', read: progress.rows_read, valid: progress.rows_valid, invalid: progress.rows_invalid }));
      await tx.query(q.finishImport(user.tenantId, id, status, written, error));
      await auditTx(tx, {
        tenantId: user.tenantId, userId: user.userId, action: 'person.import', objectType: 'person_import', objectId: id,
        result: status === 'done' ? 'ok' : 'error',
        detail: status === 'done'
          ? { mode, read: progress.rows_read, valid: progress.rows_valid, invalid: progress.rows_invalid, written }
          : { mode, error },
      });
    });
  };
  try {
    let written = 0;
    try {
      written = await scoped(async (tx) => {
        await tx.query(q.longStatements());
        let n = 0;
        await readBatches(app, data, async (batch) => {
          const good: StagedRow[] = [];
          for (const r of batch) (r.errors.length ? rejected.push({ row_no: r.row_no, errors: r.errors }) : good.push(r));
          if (good.length) {
            // an all-or-nothing import stops writing at its first error, and checks on
            const write = mode === 'valid_rows' || rejected.length === 0;
            const bad = await tx.rows<RowErrors>(q.importBatch(id, batchJson(good), notesJson(good), write));
            rejected.push(...bad);
            if (write) n += good.length - bad.length;
          }
          progress.rows_read += batch.length;
          progress.rows_invalid = rejected.length;
          progress.rows_valid = progress.rows_read - rejected.length;
        });
        progress.phase = 'writing';
        if (mode === 'all_or_nothing' && rejected.length) throw new Refused();
        return n;
      });
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
    }
    await finish('done', written, null);
    progress.phase = 'finished';
  } catch (err) {
    const message = err instanceof WorkbookFormatError ? err.message : `import failed: ${(err as Error).message}`;
    rejected.length = 0;
    // If even this fails, the job stays "running" until the next start marks it interrupted.
    await finish('failed', 0, message).catch((e) => app.log.error({ err: e, importId: id }, 'could not record a failed import'));
    if (!(err instanceof WorkbookFormatError)) throw err;
  }
}

interface RowErrors {
  row_no: number;
  errors: { field: string; message: string; header?: string }[];
}

/** The persons records of a batch (rows.ts serialises each in the form the database function reads). */
const batchJson = (rows: StagedRow[]): string => `[${rows.map((r) => r.json).join(',')}]`;

/** Follow-up texts of a batch by row number (few rows have one). */
function notesJson(rows: StagedRow[]): string {
  return JSON.stringify(Object.fromEntries(rows.filter((r) => r.note).map((r) => [r.row_no, r.note])));
}

/**
 * Reads the workbook and hands batches of checked rows to `flush`. Rows repeating an ID number of
 * an earlier row of the file are errors naming that row (by the keyed hash, never the number).
 * One batch is written while the next is read (the database and the reader work at the same
 * time); flushes still run one at a time, in order, and none is running any more when this
 * returns or throws.
 */
export async function readBatches(app: AppContext, data: Buffer, flush: (batch: StagedRow[]) => Promise<void>): Promise<void> {
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
  staged.json = null;
  return staged;
}

/** The rows with errors and their messages, by spreadsheet row number. */
export async function importErrors(scoped: Scoped, user: Principal, id: number): Promise<{ fileName: string; file: Buffer; errors: Map<number, RowError[]> }> {
  return scoped(async (tx) => {
    const job = await tx.one<ImportRow>(q.importById(user.tenantId, id));
    if (!job) throw notFound('import');
    if (job.status === 'running') throw badRequest('the import is still running; the error report is ready when it is done', 'id').withZh('导入仍在进行，完成后才能下载错误报告');
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
