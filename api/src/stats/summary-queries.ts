// All SQL of the command-center summary (GET /api/stats/summary). Row-level security alone decides
// which rows are counted: the service runs these with the caller's scope narrowed to the node
// summarised (see summary.ts), so no query carries a jurisdiction filter of its own. Each block is
// one set-based pass: no loop over days or nodes.
import { join, raw, sql, type Sql } from '../db/sql.ts';

/** Statuses whose daily entries the timeline counts (the trend panels). */
export const TREND_STATUSES = ['suspected', 'confirmed', 'cured', 'dead'] as const;

/** Start of a local day (China Standard Time, as the choropleth's date filter), whatever the session time zone. */
const dayStart = (day: Sql) => sql`(${day})::timestamp at time zone 'Asia/Shanghai'`;

export interface NodeRow {
  id: number;
  name: string;
  level: number;
  parent_id: number | null;
  path: string;
}

const NODE_COLUMNS = sql`j.id::int as id, j.name, j.level::int as level, j.parent_id::int as parent_id, j.path::text as path`;

export const nodeById = (tenantId: number, id: number) =>
  sql`select ${NODE_COLUMNS} from jurisdictions j where j.tenant_id = ${tenantId} and j.id = ${id}`;

/** The caller's scope nodes that are not inside another of them: the roots of what they see. */
export const scopeRoots = (tenantId: number, ids: number[]) =>
  sql`select ${NODE_COLUMNS} from jurisdictions j
       where j.tenant_id = ${tenantId} and j.id = any(${ids}::bigint[])
         and not exists (select 1 from jurisdictions o
                          where o.tenant_id = j.tenant_id and o.id = any(${ids}::bigint[]) and o.id <> j.id and j.path <@ o.path)
       order by j.path`;

export const childrenOf = (tenantId: number, id: number) =>
  sql`select ${NODE_COLUMNS} from jurisdictions j where j.tenant_id = ${tenantId} and j.parent_id = ${id} order by j.path`;

/**
 * The group (a path among `groups`) a person's grid lies in. Children of one node share a depth,
 * so their key is a prefix of the grid path; several scope roots are matched one by one.
 */
function groupKey(groups: string[]): Sql {
  const depths = new Set(groups.map((g) => g.split('.').length));
  if (groups.length === 0) return sql`null::text`;
  if (depths.size === 1) {
    const depth = [...depths][0];
    return sql`case when nlevel(p.grid_path) >= ${depth}::int then subpath(p.grid_path, 0, ${depth}::int)::text end`;
  }
  const whens = groups.map((g) => sql` when p.grid_path <@ ${g}::ltree then ${g}::text`);
  return sql`(case${join(whens, '')} end)`;
}

/**
 * One pass over the persons in scope, in two groupings: by group (child node or scope root),
 * current status and infection route (`reg_day` null); and by local day of registration within
 * [from, to] (`grp`, `status` null; a null `reg_day` there counts those registered outside).
 */
export const personCounts = (tenantId: number, groups: string[], from: string, to: string) =>
  sql`select grp, status, route, to_char(reg_day, 'YYYY-MM-DD') as reg_day, grouping(reg_day) = 0 as by_day, count(*)::int as n
        from (select ${groupKey(groups)} as grp, p.status, p.infection_route as route,
                     case when p.created_at >= ${dayStart(sql`${from}::date`)} and p.created_at < ${dayStart(sql`${to}::date + 1`)}
                          then (p.created_at at time zone 'Asia/Shanghai')::date end as reg_day
                from persons p
               where p.tenant_id = ${tenantId}) x
       group by grouping sets ((grp, status, route), (reg_day))`;

/**
 * One row per day of [from, to] with the entries into each trend status that day, and running
 * totals of the entries up to that day counting all earlier history. An entry is a 'created'
 * event with that status or a status change to it; a severity change of a confirmed case
 * (confirmed → confirmed) is none. Served by the partial index person_events_entries.
 */
export function timeline(tenantId: number, from: string, to: string): Sql {
  // Column names come from TREND_STATUSES (code, never input).
  const each = (f: (name: Sql, status: string) => Sql) => join(TREND_STATUSES.map((s) => f(raw(s), s)));
  const counted = each((c, s) => sql`count(*) filter (where m.to_status = ${s})::int as ${c}`);
  const before = each((c) => sql`coalesce(sum(p.${c}), 0)::int as ${c}`);
  const daily = each((c) => sql`coalesce(p.${c}, 0) as ${c}`);
  const cumulative = each((c, s) => sql`(b.${c} + sum(coalesce(p.${c}, 0)) over w)::int as ${raw(`cum_${s}`)}`);
  return sql`with moves as (
                select (e.at at time zone 'Asia/Shanghai')::date as day, e.to_status
                  from person_events e
                 where e.tenant_id = ${tenantId}
                   and e.at < ${dayStart(sql`${to}::date + 1`)}
                   and e.kind in ('created', 'status')
                   and e.to_status in ('suspected', 'confirmed', 'cured', 'dead')
                   and e.from_status is distinct from e.to_status
              ), per_day as (
                select m.day, ${counted} from moves m group by m.day
              ), earlier as (
                select ${before} from per_day p where p.day < ${from}::date
              )
              select to_char(d.day, 'YYYY-MM-DD') as day, ${daily}, ${cumulative}
                from (select g::date as day from generate_series(${from}::date, ${to}::date, interval '1 day') g) d
                cross join earlier b
                left join per_day p on p.day = d.day
              window w as (order by d.day)
              order by d.day`;
}

/** Grids, households (grid_household_counts), open tasks and open alerts. */
export const overview = (tenantId: number) =>
  sql`select
        (select count(*) from jurisdictions j where j.tenant_id = ${tenantId} and j.level = 5)::int as grids,
        (select coalesce(sum(c.households), 0) from grid_household_counts c where c.tenant_id = ${tenantId})::int as households,
        (select count(*) from tasks t where t.tenant_id = ${tenantId} and t.state = 'open')::int as open_tasks,
        (select count(*) from alerts a where a.tenant_id = ${tenantId} and a.acknowledged_at is null)::int as open_alerts`;
