// Applying a validated import, or rolling back to an earlier version, as a new version of the tree:
// one transaction that changes the tree (app.apply_boundary_tree), re-derives every point's grid,
// records the version, and announces the change; any failure leaves the previous version untouched.
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Tx, Scoped } from '../db/scope.ts';
import { AppError, notFound } from '../http/errors.ts';
import * as q from './queries.ts';
import type { ApplyBody, Report } from './schema.ts';
import { audit, auditChange, contextOf, factsOf, openBoundaryWork, validateAndSave } from './service.ts';
import * as v from './validation-queries.ts';

/** An apply may re-derive a million households: far longer than a request's usual statement limit. */
const APPLY_SECONDS = 600;

/** Test hook: runs after the tree changed and points were re-derived, before the version is recorded. */
export const applyHooks: { afterTree?: (tx: Tx) => Promise<void> } = {};

/** The layout of an export (and of a version staged for a rollback). */
export const EXPORT_MAPPING = { level: { property: 'level' }, code: 'code', name: 'name', parentCode: 'parent_code' } as const;

export interface Applied {
  versionId: number;
  number: number;
  counts: { nodes: number; byLevel: Record<string, number> };
  moved: { households: number; persons: number };
}

const refuse = (code: string, message: string, field: string, zh: string) => new AppError(409, code, message, field).withZh(zh);

/** The accounts pinned to removed nodes, each reassigned to a node of the new tree. */
async function checkReassign(tx: Tx, t: number, importId: number, reassign: ApplyBody['reassign']): Promise<void> {
  const pinned = await tx.rows<{ id: number; username: string; code: string }>(q.pinnedUsers(t, importId));
  const pinnedIds = new Set(pinned.map((u) => u.id));
  reassign.forEach((r, k) => {
    if (!pinnedIds.has(r.userId)) throw new AppError(400, 'not_pinned', `user ${r.userId} is not scoped to a node this change removes`, `reassign.${k}.userId`).withZh(`用户 ${r.userId} 的管辖范围不在本次删除的节点上，无需改派`);
  });
  const known = new Set((await tx.rows<{ code: string }>(q.stagedCodes(t, importId, reassign.map((r) => r.code)))).map((r) => r.code));
  reassign.forEach((r, k) => {
    if (!known.has(r.code)) throw new AppError(400, 'unknown_code', `${r.code} is not a node of the new tree`, `reassign.${k}.code`).withZh(`${r.code} 不是新辖区树中的节点`);
  });
  const missing = pinned.filter((u) => !reassign.some((r) => r.userId === u.id));
  if (missing.length) {
    const who = [...new Set(missing.map((u) => `${u.username} (${u.code})`))].join(', ');
    throw refuse('accounts_pinned', `accounts scoped to removed nodes need a new node in reassign: ${who}`, 'reassign',
      `以下账号的管辖范围在本次删除的节点上，请在改派中为其指定新节点：${who}`);
  }
}

/** Applies a staged, validated import inside the caller's transaction (the rules of both apply and rollback). */
async function applyStaged(tx: Tx, user: Principal, importId: number, report: Report, body: ApplyBody, source: 'import' | 'rollback', restoredId: number | null): Promise<Applied> {
  const t = user.tenantId;
  if (report.counts.errors > 0) throw refuse('import_invalid', `${report.counts.errors} error(s) remain: fix the file or repair its geometries`, 'id', `还有 ${report.counts.errors} 个错误，请修正文件或修复几何图形`);
  if (report.counts.warnings > 0 && !body.acceptWarnings) {
    throw refuse('warnings_not_accepted', `${report.counts.warnings} warning(s): apply with acceptWarnings true to accept them`, 'acceptWarnings',
      `有 ${report.counts.warnings} 个警告，须确认接受后才能应用`);
  }
  await checkReassign(tx, t, importId, body.reassign);
  // A pooled connection keeps the plans its statement triggers made for small transition tables
  // (the household and person counts of 0017/0019 join old and new rows): planned for one row,
  // they took 5–10 s over 3,000 re-derived households. Plans are made afresh for this apply.
  await tx.query(q.discardPlans);
  await tx.query(q.applyTree(importId, body.reassign));
  const rederived = (await tx.one<Record<string, number>>(q.rederive(t))) ?? {};
  await tx.query(q.removeNodes(importId));
  await applyHooks.afterTree?.(tx);
  const diff = {
    added: report.diff.added.length, removed: report.diff.removed.length, renamed: report.diff.renamed.length,
    moved: report.diff.moved.length, reshaped: report.diff.reshaped,
  };
  const version = (await tx.one<{ id: number; number: number; counts: Applied['counts'] }>(q.recordVersion(source, importId, restoredId, diff)))!;
  await tx.query(q.markApplied(t, importId, version.id));
  await tx.query(q.supersedeOthers(t, importId));
  await tx.query(q.announce(version.id));
  return {
    versionId: version.id,
    number: version.number,
    counts: version.counts,
    // Points whose grid or grid path changed (app.rederive_grids).
    moved: { households: Number(rederived.households_changed ?? 0), persons: Number(rederived.persons_changed ?? 0) },
  };
}

/**
 * Runs a change whose success is recorded inside its own transaction (`record`, its last statement)
 * and whose refusal is recorded apart (the refused change rolled back).
 */
async function audited<T>(app: AppContext, user: Principal, action: string, id: number, detail: Record<string, unknown>, ip: string | null | undefined,
  work: (record: (tx: Tx, out: T) => Promise<T>) => Promise<T>): Promise<T> {
  try {
    return await work(async (tx, out) => {
      await auditChange(tx, user, action, id, { ...detail, result: out }, ip);
      return out;
    });
  } catch (err) {
    if (err instanceof AppError && err.status < 500) await audit(app, user, action, id, 'error', { ...detail, code: err.code, field: err.field }, ip);
    throw err;
  }
}

export function applyImport(app: AppContext, scoped: Scoped, user: Principal, importId: number, body: ApplyBody, ip?: string | null): Promise<Applied> {
  const detail = { acceptWarnings: body.acceptWarnings, reassign: body.reassign };
  return audited(app, user, 'boundary.apply', importId, detail, ip, (record) =>
    scoped(async (tx) => {
      await openBoundaryWork(tx, user, APPLY_SECONDS);
      const row = await tx.one<q.ImportRow>(q.importById(user.tenantId, importId, true));
      if (!row) throw notFound('boundary import');
      if (row.status === 'applied' || row.status === 'superseded') throw refuse(`import_${row.status}`, `import ${importId} is ${row.status}`, 'id', row.status === 'applied' ? '该次导入已生效' : '该次导入已被更新的导入取代');
      const current = (await tx.one<{ id: number }>(q.ensureVersion))!.id;
      if (row.base_version_id !== current) {
        throw refuse('version_changed', `the boundaries changed since import ${importId} was validated: upload it again`, 'id', '该次导入校验后辖区边界已有变更，请重新上传');
      }
      return record(tx, await applyStaged(tx, user, importId, row.report as Report, body, 'import', null));
    }),
  );
}

/** Applies an earlier version as a new one: its nodes are staged and validated like a file, then applied by the same rules. */
export function rollbackToVersion(app: AppContext, scoped: Scoped, user: Principal, versionId: number, body: ApplyBody, ip?: string | null): Promise<Applied> {
  const t = user.tenantId;
  const detail = { version: versionId, acceptWarnings: body.acceptWarnings, reassign: body.reassign };
  return audited(app, user, 'boundary.rollback', versionId, detail, ip, (record) =>
    scoped(async (tx) => {
      await openBoundaryWork(tx, user, APPLY_SECONDS);
      const current = (await tx.one<{ id: number }>(q.ensureVersion))!.id;
      const version = await tx.one<{ id: number; number: number; nodes: number }>(q.versionById(t, versionId));
      if (!version) throw notFound('boundary version');
      if (version.id === current) throw refuse('version_current', `version ${version.number} is the current version`, 'id', `第 ${version.number} 版就是当前版本`);
      if (version.nodes === 0) throw refuse('version_empty', `version ${version.number} has no nodes`, 'id', `第 ${version.number} 版没有任何节点`);
      const facts = {
        name: `boundaries-v${version.number}.geojson`, format: 'geojson', features: version.nodes, propertyNames: ['code', 'name', 'level', 'parent_code'],
        crs: { stated: 'wgs84' as const, detected: null, used: `WGS-84 (the stored copy of version ${version.number})` },
      };
      const { id } = (await tx.one<{ id: number }>(q.insertImport(t, {
        status: 'invalid', source: 'rollback', fileName: facts.name, format: facts.format, crs: facts.crs, propertyNames: facts.propertyNames,
        features: version.nodes, mapping: EXPORT_MAPPING, mapperProblems: [], sliverM2: 100, toleranceM2: 1, baseVersionId: current, userId: user.userId,
      })))!;
      await tx.query(v.stageVersionRows(t, id, version.id));
      const row = (await tx.one<q.ImportRow>(q.importById(t, id)))!;
      const { report } = await validateAndSave(tx, contextOf(t, row), factsOf(row), EXPORT_MAPPING as Report['mapping'], true);
      return record(tx, await applyStaged(tx, user, id, report, body, 'rollback', version.id));
    }),
  );
}

export async function listVersions(app: AppContext, scoped: Scoped, user: Principal) {
  return scoped(async (tx) => {
    await openBoundaryWork(tx, user, 15, false);
    if (!(await tx.one(q.currentVersion(user.tenantId)))) {
      await tx.query(q.lockTenant(user.tenantId));
      await tx.query(q.ensureVersion);
    }
    const rows = await tx.rows<{ id: number; number: number; created_at: Date; created_by: string | null; source: string; import_id: number | null; counts: unknown; diff: unknown; current: boolean }>(q.versions(user.tenantId));
    return {
      items: rows.map((r) => ({
        id: r.id, number: r.number, createdAt: r.created_at.toISOString(), createdBy: r.created_by, source: r.source,
        importId: r.import_id, counts: r.counts, diff: r.diff, current: r.current,
      })),
    };
  });
}

export async function exportVersion(app: AppContext, scoped: Scoped, user: Principal, versionId: number): Promise<{ number: number; geojson: string }> {
  return scoped(async (tx) => {
    await openBoundaryWork(tx, user, 60, false);
    const version = await tx.one<{ id: number; number: number }>(q.versionById(user.tenantId, versionId));
    if (!version) throw notFound('boundary version');
    return { number: version.number, geojson: (await tx.one<{ fc: string }>(q.exportVersion(user.tenantId, versionId)))!.fc };
  });
}
