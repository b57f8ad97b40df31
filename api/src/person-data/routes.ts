// Excel import and export of persons (§4.2.1) and the export of case reports. Declared before the
// /api/persons/:id and /api/reports/:id routes (persons/routes.ts calls this first), so that
// template.xlsx or export.xlsx is never read as an id.
import type { AppContext } from '../context.ts';
import { IdParams, type Routes } from '../http/route.ts';
import { z } from '../http/zod.ts';
import { PersonListQuery } from '../persons/schema.ts';
import { ReportListQuery } from '../reports/schema.ts';
import { exportPersons, exportReports, writeErrorReport } from './export.ts';
import { getImport, listImports, MAX_IMPORT_BYTES, startImport } from './imports.ts';
import { personTemplate } from './template.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const ImportFields = z
  .strictObject({
    mode: z.enum(['all_or_nothing', 'valid_rows']).default('all_or_nothing').openapi({
      description: 'all_or_nothing: nothing is written when any row has an error; valid_rows: the valid rows are written, the others reported',
    }),
  })
  .openapi('PersonImportFields');

const ImportOut = z
  .object({
    id: z.number(), fileName: z.string(), mode: z.string(), status: z.enum(['running', 'done', 'failed']),
    phase: z.enum(['reading', 'writing', 'finished']), rowsRead: z.number(), valid: z.number(), invalid: z.number(),
    written: z.number(), done: z.boolean(), error: z.string().nullable(),
  })
  .openapi('PersonImport');

const PersonExportQuery = PersonListQuery.omit({ page: true, pageSize: true }).openapi('PersonExportQuery');
const ReportExportQuery = ReportListQuery.omit({ page: true, pageSize: true }).openapi('ReportExportQuery');

export function personDataRoutes(routes: Routes, app: AppContext): void {
  const tags = ['persons'];
  routes.add({
    method: 'get',
    path: '/api/persons/template.xlsx',
    summary: 'The person import template: the fields of §5.1 with Chinese headers (required ones marked *), dropdowns for coded fields, ID-number and phone columns as text, and a sheet explaining each field with an example',
    tags,
    access: { permission: 'person:write' },
    handler: async ({ ctx }) => {
      ctx.body = await personTemplate();
      ctx.type = XLSX;
      ctx.set('Content-Disposition', `attachment; filename="person-template.xlsx"; filename*=UTF-8''${encodeURIComponent('人员信息导入模板.xlsx')}`);
      return undefined;
    },
  });
  routes.add({
    method: 'post',
    path: '/api/persons/imports',
    summary: 'Import persons from an Excel workbook (multipart: file, mode) as a background job; 202 with the job. Rows outside your jurisdiction, duplicates (in the file or registered) and invalid values are errors, reported per row and cell',
    tags,
    access: { permission: 'person:write' },
    multipart: { file: 'file', maxBytes: () => MAX_IMPORT_BYTES },
    body: ImportFields,
    status: 202,
    response: ImportOut,
    handler: ({ scoped, user, body, file, ctx }) => startImport(app, scoped, user, file, body.mode, ctx.ip || null),
  });
  routes.add({
    method: 'get',
    path: '/api/persons/imports',
    summary: 'Your recent person imports, newest first',
    tags,
    access: { permission: 'person:write' },
    handler: ({ scoped, user }) => listImports(scoped, user),
  });
  routes.add({
    method: 'get',
    path: '/api/persons/imports/:id',
    summary: 'A person import\'s progress: rows read, valid, invalid, written, and whether it is done (status running, done or failed)',
    tags,
    access: { permission: 'person:write' },
    params: IdParams,
    response: ImportOut,
    handler: ({ scoped, user, params }) => getImport(app, scoped, user, params.id),
  });
  routes.add({
    method: 'get',
    path: '/api/persons/imports/:id/errors.xlsx',
    summary: 'The error report of a finished import: the original rows that have errors, the cells at fault highlighted, and a column with every message',
    tags,
    access: { permission: 'person:write' },
    params: IdParams,
    handler: async ({ scoped, user, params, ctx }) => {
      await writeErrorReport(app, scoped, user, params.id, ctx);
      return undefined;
    },
  });
  routes.add({
    method: 'get',
    path: '/api/persons/export.xlsx',
    summary: 'The persons in your jurisdiction as an Excel workbook, with the filters of the person list; ID numbers, phones and addresses masked unless you hold person:reveal (audited)',
    tags,
    access: { permission: 'person:read' },
    query: PersonExportQuery,
    stepUp: true,
    handler: async ({ scoped, user, query, ctx }) => {
      await exportPersons(app, scoped, user, query, ctx);
      return undefined;
    },
  });
  routes.add({
    method: 'get',
    path: '/api/reports/export.xlsx',
    summary: 'The reports in your jurisdiction as an Excel workbook, with the filters of the report list; personal data masked unless you hold person:reveal (audited)',
    tags: ['reports'],
    access: { permission: 'report:read' },
    query: ReportExportQuery,
    stepUp: true,
    handler: async ({ scoped, user, query, ctx }) => {
      await exportReports(app, scoped, user, query, ctx);
      return undefined;
    },
  });
}
