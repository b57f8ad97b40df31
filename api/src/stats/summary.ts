// The command-center summary (GET /api/stats/summary): classification counts, overview, daily and
// cumulative trends, counts per child jurisdiction and by route of infection, for one node (or
// everything the caller sees) and a range of China Standard Time days. Row-level security scopes
// every row (withScope); a node outside the scope is simply not found.
import { callerWithin, type Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { withScope, type Scoped, type Tx } from '../db/scope.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { STATUSES, type Status } from '../persons/status.ts';
import { Lru } from '../cache/lru.ts';
import { Memo } from '../cache/memo.ts';
import { keyParts, scopeKey } from './service.ts';
import * as q from './summary-queries.ts';

export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 366;
export const ROUTES = ['imported', 'local_contact', 'cluster', 'unknown', 'unspecified'] as const;
/** Statuses whose persons are counted by route of infection (the cases). */
const CASE_STATUSES: readonly string[] = ['confirmed', 'cured', 'dead'];

const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;

/** Today as a China Standard Time day (YYYY-MM-DD). */
export const todayCst = (now = Date.now()) => new Date(now + CST_OFFSET_MS).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/**
 * The range asked for, with defaults: `to` today, `from` 29 days before `to` (30 days inclusive).
 * A range that ends before it starts, or is longer than MAX_DAYS, is refused naming the field.
 */
export function resolveRange(from: string | undefined, to: string | undefined, now = Date.now()): { from: string; to: string } {
  const end = to ?? todayCst(now);
  const start = from ?? addDays(end, -(DEFAULT_DAYS - 1));
  if (start > end) throw badRequest(`from (${start}) must not be after to (${end})`, to ? 'to' : 'from').withZh(`开始日期（${start}）不能晚于结束日期（${end}）`);
  if (daysBetween(start, end) + 1 > MAX_DAYS) throw badRequest(`the range may cover at most ${MAX_DAYS} days`, 'from').withZh(`时间范围最多 ${MAX_DAYS} 天`);
  return { from: start, to: end };
}

/** The summary's passes over persons (a few hundred rows at most per key). */
const passes = new Memo(new Lru<{ persons: PersonCountRow[]; days: DayRow[] }>(500, 32 * 1024 * 1024, (v) => 1024 + 128 * (v.persons.length + v.days.length)));

type Counts = Record<Status, number>;
const zeroCounts = (): Counts => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Counts;

interface PersonCountRow {
  grp: string | null;
  status: Status;
  route: string | null;
  /** Rows of the registration-day grouping: the day, or null for registered outside the range. */
  by_day: boolean;
  reg_day: string | null;
  n: number;
}

interface DayRow {
  day: string;
  suspected: number;
  confirmed: number;
  cured: number;
  dead: number;
  cum_suspected: number;
  cum_confirmed: number;
  cum_cured: number;
  cum_dead: number;
}

interface OverviewRow {
  grids: number;
  households: number;
  open_tasks: number;
  open_alerts: number;
}

const nodeView = (n: q.NodeRow) => ({ id: n.id, name: n.name, level: n.level, parentId: n.parent_id });

/** What is summarised: the node (null for several scope roots) and the groups of byJurisdiction. */
async function resolveSubject(tx: Tx, user: Principal, nodeId: number | undefined) {
  if (nodeId !== undefined) {
    const node = await tx.one<q.NodeRow>(q.nodeById(user.tenantId, nodeId));
    if (!node) throw notFound('jurisdiction');
    return { node, groups: await tx.rows<q.NodeRow>(q.childrenOf(user.tenantId, node.id)) };
  }
  const roots = user.scopeIds.length ? await tx.rows<q.NodeRow>(q.scopeRoots(user.tenantId, user.scopeIds)) : [];
  if (roots.length === 1) return { node: roots[0], groups: await tx.rows<q.NodeRow>(q.childrenOf(user.tenantId, roots[0].id)) };
  return { node: null, groups: roots };
}

export interface SummaryQuery {
  node?: number;
  from?: string;
  to?: string;
}

export async function summary(app: AppContext, scoped: Scoped, user: Principal, query: SummaryQuery) {
  const range = resolveRange(query.from, query.to);
  const { node, groups } = await scoped((tx) => resolveSubject(tx, user, query.node));
  // Counted with the scope narrowed to the node (callerWithin: row-level security then selects its
  // subtree by index); without a node, as the request's caller.
  const counted: Scoped = node ? (fn) => withScope(app.db.pool, callerWithin(user, node.path), fn) : scoped;
  // (withScope turns JIT off: under RLS's poor estimates it compiled for 0.9 s of a 0.2 s timeline.)
  // The passes over persons and their status moves are kept per scope, subject, range and data
  // version (every write to persons bumps it); the overview's task and alert counts are read each time.
  const { version } = await keyParts(app, user);
  const key = JSON.stringify([user.tenantId, scopeKey(user), node?.path ?? null, groups.map((g) => g.path), range.from, range.to, version]);
  const { persons, days, totals } = await counted(async (tx) => {
    const kept = await passes.get(key, async () => ({
      persons: await tx.rows<PersonCountRow>(q.personCounts(user.tenantId, groups.map((g) => g.path), range.from, range.to)),
      days: await tx.rows<DayRow>(q.timeline(user.tenantId, range.from, range.to)),
    }));
    return { ...kept.value, totals: (await tx.one<OverviewRow>(q.overview(user.tenantId)))! };
  });

  const { counts, byJurisdiction, byRoute } = tally(persons.filter((r) => !r.by_day), groups);
  const registered = new Map(persons.filter((r) => r.by_day && r.reg_day).map((r) => [r.reg_day!, r.n]));
  const { overview, daily, cumulative } = trends(days, registered, totals);
  return {
    node: node ? nodeView(node) : null,
    range,
    counts,
    overview: { persons: total(counts), ...overview },
    daily,
    cumulative,
    byJurisdiction,
    byRoute,
  };
}

/** Counts by status, per group and by route of infection, from the rows of personCounts. */
function tally(persons: PersonCountRow[], groups: q.NodeRow[]) {
  const counts = zeroCounts();
  const byGroup = new Map(groups.map((g) => [g.path, zeroCounts()]));
  const byRoute = new Map<string, number>(ROUTES.map((r) => [r, 0]));
  for (const r of persons) {
    counts[r.status] += r.n;
    const group = r.grp === null ? undefined : byGroup.get(r.grp);
    if (group) group[r.status] += r.n;
    const route = r.route ?? 'unspecified';
    if (CASE_STATUSES.includes(r.status)) byRoute.set(route, byRoute.get(route)! + r.n);
  }
  return {
    counts,
    byJurisdiction: groups
      .map((g) => ({ id: g.id, name: g.name, level: g.level, counts: byGroup.get(g.path)!, total: total(byGroup.get(g.path)!) }))
      .sort((a, b) => b.total - a.total || a.id - b.id),
    byRoute: ROUTES.map((route) => ({ route, count: byRoute.get(route)! })),
  };
}

const total = (c: Counts) => STATUSES.reduce((n, s) => n + c[s], 0);

/** The overview (persons filled in by summary) and the daily and cumulative series. */
function trends(days: DayRow[], registered: Map<string, number>, totals: OverviewRow) {
  return {
    overview: {
      households: totals.households,
      grids: totals.grids,
      openTasks: totals.open_tasks,
      openAlerts: totals.open_alerts,
      newInRange: [...registered.values()].reduce((n, x) => n + x, 0),
    },
    daily: days.map((d) => ({ day: d.day, registered: registered.get(d.day) ?? 0, suspected: d.suspected, confirmed: d.confirmed, cured: d.cured, dead: d.dead })),
    cumulative: days.map((d) => ({ day: d.day, confirmed: d.cum_confirmed, cured: d.cum_cured, dead: d.cum_dead, suspected: d.cum_suspected })),
  };
}
