// All SQL of the person imports and the Excel exports. Everything runs as the caller (row-level
// security; the batch function of sql/functions/person_imports.sql is security definer and checks
// the caller itself).
import { and, raw, sql, type Sql } from '../db/sql.ts';
import { PERSON_COLUMNS } from '../persons/queries.ts';

/** Imports of 100,000 rows take longer than the API's usual statement timeout. */
export const longStatements = () => sql`select set_config('statement_timeout', '600s', true)`;

const IMPORT_COLUMNS = raw(`id, file_name, mode, status, phase, rows_read, rows_valid, rows_invalid, rows_written, error,
  created_at, updated_at, finished_at`);

export const insertImport = (tenantId: number, userId: number, fileName: string, file: Buffer, mode: string) =>
  sql`insert into person_imports (tenant_id, user_id, file_name, file, mode)
      values (${tenantId}, ${userId}, ${fileName}, ${file}, ${mode}) returning ${IMPORT_COLUMNS}`;

export const importById = (tenantId: number, id: number) =>
  sql`select ${IMPORT_COLUMNS} from person_imports where tenant_id = ${tenantId} and id = ${id}`;

export const recentImports = (tenantId: number) =>
  sql`select ${IMPORT_COLUMNS} from person_imports where tenant_id = ${tenantId} order by created_at desc, id desc limit 20`;

export const importFile = (tenantId: number, id: number) =>
  sql`select file, file_name from person_imports where tenant_id = ${tenantId} and id = ${id}`;

export interface Progress {
  phase: 'reading' | 'writing' | 'finished';
  read: number;
  valid: number;
  invalid: number;
}

export const setProgress = (tenantId: number, id: number, p: Progress) =>
  sql`update person_imports set phase = ${p.phase}, rows_read = ${p.read}, rows_valid = ${p.valid}, rows_invalid = ${p.invalid}, updated_at = now()
       where tenant_id = ${tenantId} and id = ${id}`;

export const finishImport = (tenantId: number, id: number, status: 'done' | 'failed', written: number, error: string | null) =>
  sql`update person_imports set status = ${status}, phase = 'finished', rows_written = ${written}, error = ${error},
             updated_at = now(), finished_at = now()
       where tenant_id = ${tenantId} and id = ${id}`;

/**
 * Places, checks and (when `write`) inserts one batch of rows that read well; returns the rows with
 * errors. One JSON parameter: works over every connection (the embedded socket has no COPY).
 */
export const importBatch = (importId: number, rowsJson: string, notesJson: string, write: boolean) =>
  sql`select row_no, errors from app.import_person_batch(${importId}, ${rowsJson}::json, ${notesJson}::json, ${write})`;

/** The rows with errors, for the error report. */
export const insertErrorRows = (tenantId: number, importId: number, rowsJson: string) =>
  sql`insert into person_import_rows (tenant_id, import_id, row_no, errors)
      select ${tenantId}, ${importId}, x.row_no, x.errors from json_to_recordset(${rowsJson}::json) as x (row_no integer, errors jsonb)`;

export const errorRows = (tenantId: number, importId: number) =>
  sql`select row_no, errors from person_import_rows
       where tenant_id = ${tenantId} and import_id = ${importId} and errors <> '[]'::jsonb order by row_no`;

/** Owner connection, at start: every job still running was interrupted by a restart. */
export const failInterrupted = () =>
  sql`update person_imports set status = 'failed', phase = 'finished', finished_at = now(), updated_at = now(),
             error = 'interrupted by a server restart; upload the file again'
       where status = 'running' returning tenant_id, id`;

/** Persons of the export, in id order from `afterId` (keyset paging in one transaction). */
export const personsForExport = (conds: Sql[], afterId: number, limit: number, reveal: boolean) =>
  sql`select ${PERSON_COLUMNS}${reveal ? raw(', p.id_number_enc, p.phone_enc, p.emergency_phone_enc') : raw('')},
             (select e.reason from person_events e where e.tenant_id = p.tenant_id and e.person_id = p.id and e.kind = 'note'
               order by e.at desc, e.id desc limit 1) as last_note
        from persons p
        left join jurisdictions g on g.tenant_id = p.tenant_id and g.id = p.grid_id
        left join jurisdictions gc on gc.tenant_id = g.tenant_id and gc.id = g.parent_id
       where ${and([...conds, sql`p.id > ${afterId}`])}
       order by p.id limit ${limit}`;

export interface ReportExportFilter {
  kind?: string;
  state?: string;
  from?: string;
  to?: string;
}

export function reportsForExport(tenantId: number, f: ReportExportFilter, afterId: number, limit: number, reveal: boolean): Sql {
  const conds: Sql[] = [sql`r.tenant_id = ${tenantId}`, sql`r.id > ${afterId}`];
  if (f.kind) conds.push(sql`r.kind = ${f.kind}`);
  if (f.state) conds.push(sql`r.state = ${f.state}`);
  if (f.from) conds.push(sql`r.created_at >= ${f.from}::date`);
  if (f.to) conds.push(sql`r.created_at < ${f.to}::date + 1`);
  return sql`select r.id, r.kind, r.subject_name, r.subject_phone_masked, r.subject_id_masked, r.fever, r.cough, r.fatigue,
                    r.short_breath, r.temperature, r.description, r.address, g.name as grid_name, r.state, r.person_id, r.created_at
                    ${reveal ? raw(', r.subject_phone_enc, r.subject_id_enc') : raw('')}
               from reports r left join jurisdictions g on g.tenant_id = r.tenant_id and g.id = r.grid_id
              where ${and(conds)}
              order by r.id limit ${limit}`;
}
