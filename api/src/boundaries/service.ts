// Boundary uploads (issue 11): a file is parsed and mapped (geodata/src/import), staged and validated
// in PostGIS in one transaction, and kept with its report until it is applied or superseded.
import {
  BoundaryFileError, DEFAULT_LIMITS, guessMapping, mapFeatures, parseBoundaryFile,
  type BoundaryFileLimits, type BoundaryMapping, type ParsedBoundaryFile,
} from '../../../geodata/src/import/index.ts';
import { auditTx, writeAudit } from '../audit/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Tx, Scoped } from '../db/scope.ts';
import { AppError, forbidden, notFound } from '../http/errors.ts';
import { zodErrorMap } from '../http/lang.ts';
import type { UploadedFile } from '../http/multipart.ts';
import * as q from './queries.ts';
import { BoundaryMappingSchema, type Report, type UploadFields } from './schema.ts';
import { fileErrorZh } from './messages.ts';
import { buildReport, validateStaged, type FileFacts, type ImportContext } from './validate.ts';
import type { StagedRow } from './validation-queries.ts';
import * as v from './validation-queries.ts';

/** Upload limits (the parser's defaults); tests lower them. */
export const uploadLimits: Partial<BoundaryFileLimits> = {};
export const maxFileBytes = () => uploadLimits.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes;

/** Validation of a city's 10,000 grids takes seconds, not the 15 s an API statement usually gets. */
export const VALIDATION_SECONDS = 300;
const STAGE_CHUNK = 2000;

/**
 * Boundaries belong to the whole tenant: only an account scoped to all of its roots manages them
 * (its transaction must see the whole tree). Changes also take the tenant's boundary lock (one at a
 * time); reads do not wait for them.
 */
export async function openBoundaryWork(tx: Tx, user: Principal, seconds = VALIDATION_SECONDS, lock = true): Promise<void> {
  await tx.query(q.longStatements(seconds));
  if (lock) await tx.query(q.lockTenant(user.tenantId));
  const { roots } = (await tx.one<{ roots: string[] }>(q.tenantRoots(user.tenantId)))!;
  if (!roots.every((r) => user.scopePaths.includes(r))) {
    throw forbidden('boundaries are managed by an account whose jurisdiction is the whole tenant').withZh('辖区边界只能由管辖全市（全租户）的账号管理');
  }
}

/** A refusal's record, in a transaction of its own (the refused change rolled back). */
export const audit = (app: AppContext, user: Principal, action: string, objectId: number | null, result: 'ok' | 'error', detail: Record<string, unknown>, ip?: string | null) =>
  writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action, objectType: 'boundaries', objectId: objectId ?? undefined, ip, result, detail });

/** A change's record, in the change's own transaction: the record and the change commit or fail together. */
export const auditChange = (tx: Tx, user: Principal, action: string, objectId: number, detail: Record<string, unknown>, ip?: string | null) =>
  auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action, objectType: 'boundaries', objectId, ip, result: 'ok', detail });

/** The mapping of an upload: the one given, else the tenant's saved one when it fits the file, else a guess. */
export function resolveMapping(given: string | undefined, saved: unknown, propertyNames: string[]): BoundaryMapping {
  if (given !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(given);
    } catch {
      throw new AppError(400, 'invalid_mapping', 'mapping must be a JSON object {level, code, name, parentCode?}', 'mapping').withZh('字段对应须为 JSON 对象 {level, code, name, parentCode?}');
    }
    const r = BoundaryMappingSchema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0];
      const path = ['mapping', ...issue.path.map(String)].join('.');
      const zh = BoundaryMappingSchema.safeParse(json, { error: zodErrorMap['zh-CN'] }).error?.issues[0]?.message ?? issue.message;
      throw new AppError(400, 'invalid_mapping', `${path}: ${issue.message}`, path).withZh(`字段对应 ${path}：${zh}`);
    }
    return r.data;
  }
  const fromSaved = BoundaryMappingSchema.safeParse(saved);
  if (fromSaved.success && propertiesOf(fromSaved.data).every((p) => propertyNames.includes(p))) return fromSaved.data;
  const guess = guessMapping(propertyNames);
  const has = propertyNames.length ? propertyNames.join(', ') : 'none';
  for (const role of ['code', 'name'] as const) {
    if (!guess[role]) throw new AppError(400, 'mapping_needed', `no property of the file looks like the ${role} (its properties: ${has}); send a mapping`, 'mapping').withZh(`文件中找不到像${role === 'code' ? '编码' : '名称'}的属性（现有属性：${has}），请指定字段对应`);
  }
  if (!guess.level) {
    throw new AppError(400, 'mapping_needed',
      `no property of the file holds the level (its properties: ${has}); send a mapping with level {property} or, for a file of one level, {fixed}`, 'mapping')
      .withZh(`文件中找不到层级属性（现有属性：${has}），请在字段对应中指定层级属性，或为单一层级的文件指定固定层级`);
  }
  return guess as BoundaryMapping;
}

function propertiesOf(m: BoundaryMapping): string[] {
  return ['property' in m.level ? m.level.property : null, m.code, m.name, m.parentCode ?? null].filter((p): p is string => p != null);
}

function parseError(err: unknown): never {
  if (err instanceof BoundaryFileError) {
    throw new AppError(400, err.code, err.message, err.field).withZh(fileErrorZh(err));
  }
  throw err;
}

/** Every feature as a staging row: the mapped node, or empty fields where the mapping refused it. */
function stagedRows(file: ParsedBoundaryFile, mapping: BoundaryMapping): { rows: StagedRow[]; problems: unknown[] } {
  let mapped: ReturnType<typeof mapFeatures>;
  try {
    mapped = mapFeatures(file, mapping);
  } catch (err) {
    parseError(err);
  }
  const byIndex = new Map(mapped.nodes.map((n) => [n.index, n]));
  const rows = file.features.map((f) => {
    const n = byIndex.get(f.index);
    return { idx: f.index, code: n?.code ?? null, name: n?.name ?? null, level: n?.level ?? null, parent_code: n?.parentCode ?? null, geometry: f.geometry };
  });
  return { rows, problems: mapped.problems.map((p) => ({ index: p.index, problem: p.problem, message: p.message, field: p.field, params: p.params })) };
}

export async function createImport(app: AppContext, scoped: Scoped, user: Principal, upload: UploadedFile, fields: UploadFields, ip?: string | null) {
  const t = user.tenantId;
  try {
    const saved = await scoped(async (tx) => {
      await openBoundaryWork(tx, user, 15, false);
      return (await tx.one<{ mapping: unknown }>(q.savedMapping(t)))?.mapping ?? null;
    });
    const file = await parseBoundaryFile(upload.data, upload.fileName, { crs: fields.crs, limits: uploadLimits }).catch(parseError);
    const mapping = resolveMapping(fields.mapping, saved, file.propertyNames);
    const { rows, problems } = stagedRows(file, mapping);
    const facts: FileFacts = { name: upload.fileName, format: file.format, crs: file.crs, features: file.features.length, propertyNames: file.propertyNames };
    const out = await scoped(async (tx) => {
      await openBoundaryWork(tx, user);
      const base = (await tx.one<{ id: number }>(q.ensureVersion))!.id;
      const { id } = (await tx.one<{ id: number }>(q.insertImport(t, {
        status: 'invalid', source: 'upload', fileName: upload.fileName, format: file.format, crs: file.crs, propertyNames: file.propertyNames,
        features: file.features.length, mapping, mapperProblems: problems, sliverM2: fields.sliverM2, toleranceM2: fields.overlapToleranceM2,
        baseVersionId: base, userId: user.userId,
      })))!;
      for (let k = 0; k < rows.length; k += STAGE_CHUNK) await tx.query(v.stageFileRows(t, id, rows.slice(k, k + STAGE_CHUNK)));
      const c: ImportContext = { tenantId: t, importId: id, sliverM2: fields.sliverM2, toleranceM2: fields.overlapToleranceM2, parentsDerived: !mapping.parentCode };
      const result = await validateAndSave(tx, c, facts, mapping, true);
      await tx.query(q.saveMapping(t, mapping, user.userId));
      await auditChange(tx, user, 'boundary.import', id,
        { file: upload.fileName, bytes: upload.data.length, status: result.status, errors: result.report.counts.errors, warnings: result.report.counts.warnings }, ip);
      return { id, ...result };
    });
    return out;
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      await audit(app, user, 'boundary.import', null, 'error', { file: upload.fileName, bytes: upload.data.length, code: err.code, field: err.field }, ip);
    }
    throw err;
  }
}

/** Validates a staged import, stores its report and status. */
export async function validateAndSave(tx: Tx, c: ImportContext, facts: FileFacts, mapping: Report['mapping'], applicable: boolean) {
  await validateStaged(tx, c);
  const report = await buildReport(tx, c, facts, mapping, applicable);
  const status = report.counts.errors > 0 ? ('invalid' as const) : ('valid' as const);
  await tx.query(q.saveReport(c.tenantId, c.importId, status, report));
  return { status, report };
}

async function loadImport(tx: Tx, user: Principal, id: number, lock = false): Promise<q.ImportRow> {
  const row = await tx.one<q.ImportRow>(q.importById(user.tenantId, id, lock));
  if (!row) throw notFound('boundary import');
  return row;
}

/** Whether an import could be applied now: valid, and validated against the current version. */
async function applicable(tx: Tx, t: number, row: q.ImportRow): Promise<boolean> {
  const current = await tx.one<{ id: number }>(q.currentVersion(t));
  return row.status === 'valid' && current?.id === row.base_version_id;
}

export async function getImport(app: AppContext, scoped: Scoped, user: Principal, id: number) {
  return scoped(async (tx) => {
    await openBoundaryWork(tx, user, 15, false);
    const row = await loadImport(tx, user, id);
    const report = row.report as Report;
    return {
      id: row.id,
      status: row.status,
      fileName: row.file_name,
      createdAt: row.created_at.toISOString(),
      createdBy: row.created_by,
      report: { ...report, canApply: report.canApply && (await applicable(tx, user.tenantId, row)) },
    };
  });
}

export async function importFeatures(app: AppContext, scoped: Scoped, user: Principal, id: number): Promise<string> {
  return scoped(async (tx) => {
    await openBoundaryWork(tx, user, 60, false);
    await loadImport(tx, user, id);
    return (await tx.one<{ fc: string }>(q.features(user.tenantId, id)))!.fc;
  });
}

export function contextOf(t: number, row: q.ImportRow): ImportContext {
  return { tenantId: t, importId: row.id, sliverM2: row.sliver_m2, toleranceM2: row.overlap_tolerance_m2, parentsDerived: !row.mapping?.parentCode };
}

export const factsOf = (row: q.ImportRow): FileFacts => ({
  name: row.file_name, format: row.file_format, crs: row.crs as FileFacts['crs'], features: row.feature_count, propertyNames: row.property_names,
});

/** Accepts or refuses ST_MakeValid's repair of one invalid feature, and validates again. */
export async function repairFeature(app: AppContext, scoped: Scoped, user: Principal, id: number, featureIndex: number, accept: boolean, ip?: string | null): Promise<Report> {
  const t = user.tenantId;
  const report = await scoped(async (tx) => {
    await openBoundaryWork(tx, user);
    const row = await loadImport(tx, user, id, true);
    if (row.status === 'applied' || row.status === 'superseded') throw new AppError(409, `import_${row.status}`, `import ${id} is ${row.status}`, 'id').withZh(row.status === 'applied' ? '该次导入已生效，不能再修改' : '该次导入已被更新的导入取代');
    const node = await tx.one<{ id: number; invalid: boolean; repairable: boolean }>(q.fileNode(t, id, featureIndex));
    if (!node) throw new AppError(400, 'no_such_feature', `the file has no feature ${featureIndex}`, 'featureIndex').withZh(`文件中没有第 ${featureIndex} 个要素`);
    if (!node.invalid) throw new AppError(400, 'nothing_to_repair', `feature ${featureIndex} is not an invalid polygon`, 'featureIndex').withZh(`第 ${featureIndex} 个要素不是无效多边形，无需修复`);
    if (accept && !node.repairable) {
      throw new AppError(400, 'not_repairable', `feature ${featureIndex} has no polygonal repair (ST_MakeValid leaves no area)`, 'featureIndex')
        .withZh(`第 ${featureIndex} 个要素无法修复为多边形（修复后没有面积）`);
    }
    await tx.query(q.setRepair(t, node.id, accept));
    const { report } = await validateAndSave(tx, contextOf(t, row), factsOf(row), row.mapping as Report['mapping'], await applicable(tx, t, { ...row, status: 'valid' }));
    await auditChange(tx, user, 'boundary.repair', id, { featureIndex, accept, errors: report.counts.errors, warnings: report.counts.warnings }, ip);
    return report;
  });
  return report;
}

export async function getMapping(app: AppContext, scoped: Scoped, user: Principal) {
  return scoped(async (tx) => {
    await openBoundaryWork(tx, user, 15, false);
    return (await tx.one<{ mapping: unknown }>(q.savedMapping(user.tenantId)))?.mapping ?? null;
  });
}
