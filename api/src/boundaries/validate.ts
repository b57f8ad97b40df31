// Validation of a staged import and its report: the problems (validation-queries.ts) and what the
// import would change (diff, households and persons that change grid, accounts pinned to removed
// nodes), all read in the caller's transaction.
import type { Tx } from '../db/scope.ts';
import * as q from './queries.ts';
import type { ProblemOut, Report } from './schema.ts';
import * as v from './validation-queries.ts';

export interface ImportContext {
  tenantId: number;
  importId: number;
  sliverM2: number;
  toleranceM2: number;
  /** No parent-code property: parents are found by containment. */
  parentsDerived: boolean;
}

/** Recomputes the staged tree and every problem of an import. */
export async function validateStaged(tx: Tx, c: ImportContext): Promise<void> {
  const { tenantId: t, importId: i } = c;
  const th = { sliverM2: c.sliverM2, toleranceM2: c.toleranceM2 };
  for (const s of v.resetValidation(t, i)) await tx.query(s);
  await tx.query(v.analyzeStaged);
  await tx.query(v.markUsable(t, i));
  if (c.parentsDerived) await tx.query(v.deriveParents(t, i));
  await tx.query(v.markReshaped(t, i));
  await tx.query(v.stageRemoved(t, i));
  await tx.query(v.stageKept(t, i));
  await tx.query(v.analyzeStaged);
  await tx.query(v.mapperProblems(t, i));
  for (const s of [...v.geometryProblems(t, i), ...v.shapeProblems(t, i, th), ...v.treeProblems(t, i, c.parentsDerived)]) await tx.query(s);
  await tx.query(v.overlapProblems(t, i, th));
  await tx.query(v.outsideProblems(t, i, th));
  await tx.query(v.gapProblems(t, i, th));
}

interface ProblemRow {
  id: string;
  severity: 'error' | 'warning';
  problem: string;
  feature_index: number | null;
  code: string | null;
  other_code: string | null;
  area_m2: number | null;
  lon: number | null;
  lat: number | null;
  message: string;
  repairable: boolean | null;
  params: Record<string, unknown>;
}

function toProblem(r: ProblemRow): ProblemOut {
  const p: ProblemOut = { id: r.id, severity: r.severity, problem: r.problem, featureIndex: r.feature_index, code: r.code, message: r.message };
  if (r.other_code != null) p.otherCode = r.other_code;
  if (r.area_m2 != null) p.areaM2 = Math.round(r.area_m2 * 100) / 100;
  if (r.lon != null && r.lat != null) p.location = [r.lon, r.lat];
  if (r.repairable != null) p.repairable = r.repairable;
  if (r.params && Object.keys(r.params).length) p.params = r.params;
  return p;
}

export interface FileFacts {
  name: string;
  format: string;
  crs: Report['file']['crs'];
  features: number;
  propertyNames: string[];
}

/** The report of a validated import; `canApply` also needs the import to be applicable now. */
export async function buildReport(tx: Tx, c: ImportContext, file: FileFacts, mapping: Report['mapping'], applicable: boolean): Promise<Report> {
  const { tenantId: t, importId: i } = c;
  const problems = (await tx.rows<ProblemRow>(q.problems(t, i))).map(toProblem);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const byLevel = Object.fromEntries((await tx.rows<{ level: string; n: number }>(q.levelCounts(t, i))).map((r) => [r.level, r.n]));
  const repairs = (await tx.rows<{ feature_index: number; code: string | null; repair: string | null }>(q.repairs(t, i))).map((r) => ({
    featureIndex: r.feature_index,
    code: r.code,
    accepted: r.repair == null ? null : r.repair === 'accepted',
  }));
  const diff = {
    added: await tx.rows<{ code: string; name: string; level: number }>(q.added(t, i)),
    removed: await tx.rows<{ code: string; name: string; level: number }>(q.removed(t, i)),
    renamed: await tx.rows<{ code: string; from: string; to: string }>(q.renamed(t, i)),
    moved: await tx.rows<{ code: string; fromParent: string | null; toParent: string | null }>(q.moved(t, i)),
    reshaped: (await tx.one<{ n: number }>(q.reshapedCount(t, i)))!.n,
  };
  const impact = {
    households: (await tx.one<{ changeGrid: number; loseGrid: number }>(q.impact(t, i, 'households')))!,
    persons: (await tx.one<{ changeGrid: number; loseGrid: number }>(q.impact(t, i, 'persons')))!,
  };
  const pinned = {
    users: await tx.rows<{ id: number; username: string; displayName: string; code: string; nodeName: string }>(q.pinnedUsers(t, i)),
    openTasks: (await tx.one<{ n: number }>(q.pinnedOpenTasks(t, i)))!.n,
    // Check rules are tenant-wide in this schema (check_rules has no jurisdiction): none is pinned to a node.
    rules: 0,
  };
  return {
    file,
    mapping,
    thresholds: { sliverM2: c.sliverM2, overlapToleranceM2: c.toleranceM2 },
    counts: { byLevel, errors, warnings },
    problems,
    repairs,
    diff,
    impact,
    pinned,
    canApply: applicable && errors === 0,
    needsWarningsAccepted: warnings > 0,
  };
}
