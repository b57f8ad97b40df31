// All SQL of statistics and nearby search; row-level security limits every row to the caller's scope.
import { literal } from '../db/scope.ts';
import { and, join, sql, type Sql } from '../db/sql.ts';
import type { Bbox } from '../geo/bbox.ts';
import { envelope } from '../jurisdictions/queries.ts';

export interface PersonFilter {
  status?: string[];
  severity?: string[];
  source?: string[];
  /** Inclusive days (YYYY-MM-DD), local days of China Standard Time. */
  from?: string;
  to?: string;
  /** Which date the range applies to: registration (created_at) or entry into the current status. */
  dateBy: 'registered' | 'status_changed';
}

/** Conditions on persons `p` from a filter (the tenant condition included). */
function personConds(tenantId: number, f: Partial<PersonFilter>): Sql[] {
  const conds: Sql[] = [sql`p.tenant_id = ${tenantId}`];
  if (f.status) conds.push(sql`p.status = any(${f.status}::text[])`);
  if (f.severity) conds.push(sql`p.severity = any(${f.severity}::text[])`);
  if (f.source) conds.push(sql`p.source = any(${f.source}::text[])`);
  const at = f.dateBy === 'status_changed' ? sql`p.status_changed_at` : sql`p.created_at`;
  // Days are local days of the deployment (China Standard Time), whatever the session time zone.
  if (f.from) conds.push(sql`${at} >= (${f.from}::date)::timestamp at time zone 'Asia/Shanghai'`);
  if (f.to) conds.push(sql`${at} < (${f.to}::date + 1)::timestamp at time zone 'Asia/Shanghai'`);
  return conds;
}

/**
 * Nodes of one level in scope with person counts by status, as one FeatureCollection. Set-based:
 * persons are counted once per (grid path, status) — read from grid_person_counts when no filter
 * applies — the grid paths are rolled up to their ancestor at that level (`subpath(path, 0,
 * level)`: a level-L node's path has L labels) and joined to the nodes by path. One pass over the persons in scope whatever the
 * level (a join per node by `<@` took 2 s for the 10 districts of city-L and over 15 s for its
 * 100 streets; grouping 100k persons by ltree directly spent 200 ms sorting paths).
 */
export function choropleth(tenantId: number, level: number, bbox: Bbox | undefined, tolerance: number, f: PersonFilter, limit: number): Sql {
  const nodeConds: Sql[] = [sql`j.tenant_id = ${tenantId}`, sql`j.level = ${level}`];
  if (bbox) nodeConds.push(sql`j.geom && ${envelope(bbox)}`);
  // Counts per (grid path, status) of all persons: from the trigger-kept table (0019) when nothing
  // narrows them, else one pass over the persons.
  const byGrid = isUnfiltered(f)
    ? sql`select c.grid_path as path, c.status, c.n from grid_person_counts c where c.tenant_id = ${tenantId} and c.n > 0`
    : sql`select g.path, b.status, b.n
            from (select p.grid_id, p.status, count(*)::int as n
                    from persons p
                   where ${and([...personConds(tenantId, f), sql`p.grid_id is not null`])}
                   group by p.grid_id, p.status) b
            join jurisdictions g on g.tenant_id = ${tenantId} and g.id = b.grid_id`;
  return sql`with nodes as (
                select j.id, j.code, j.name, j.level, j.parent_id, j.path, j.geom, j.label_point
                  from jurisdictions j where ${and(nodeConds)} order by j.id limit ${limit}
              ), by_grid as (${byGrid}
              ), by_status as (
                -- Grouped as text: hashed, where ltree keys would be sorted (tens of thousands of paths).
                select subpath(b.path, 0, ${level}::int)::text as path, b.status, sum(b.n)::int as n
                  from by_grid b
                 where nlevel(b.path) >= ${level}::int
                 group by 1, 2
              ), totals as (
                select n.id, sum(b.n)::int as total, json_object_agg(b.status, b.n order by b.status) as by_status
                  from nodes n join by_status b on b.path = n.path::text
                 group by n.id
              )
              select json_build_object(
                'type', 'FeatureCollection',
                'features', coalesce(json_agg(json_build_object(
                  'type', 'Feature', 'id', n.id,
                  'geometry', st_asgeojson(st_multi(st_simplifypreservetopology(n.geom, ${tolerance})), 7)::json,
                  'properties', json_build_object(
                    'id', n.id, 'code', n.code, 'name', n.name, 'level', n.level, 'parentId', n.parent_id,
                    'label', json_build_array(st_x(n.label_point), st_y(n.label_point)),
                    'total', coalesce(t.total, 0), 'byStatus', coalesce(t.by_status, '{}'::json)))
                order by n.id), '[]'::json))::text as fc
                from nodes n left join totals t on t.id = n.id`;
}

/** No filter narrows the persons: every person of a grid counts. */
function isUnfiltered(f: Partial<PersonFilter>): boolean {
  return !f.status && !f.severity && !f.source && !f.from && !f.to;
}

/** The CASE expression of heatmap weights per status (documented in service.ts). */
function weightOf(weights: Record<string, number>, fallback: number): Sql {
  const whens = Object.entries(weights).map(([status, w]) => sql` when ${status} then ${w}::float8`);
  return sql`(case p.status ${join(whens, ' ')} else ${fallback}::float8 end)`;
}

/**
 * Lateral subqueries adding columns hex_i, hex_j: the ST_Hexagon cell (origin 0,0, edge `size`)
 * that contains the Web-Mercator point (x, y), as ST_HexagonGrid would give it. Flat-top
 * hexagons: the centre of cell i,j is (1.5·size·i, √3·size·(j + ½ when i is odd)); the point's
 * axial coordinates are rounded in cube space (the component that moved most is recomputed from
 * the other two). Plain expressions, which the planner flattens into the scan: one
 * ST_HexagonGrid call per point cost 8 µs, and the same arithmetic in a SQL function that could
 * not be inlined cost 100 µs.
 */
function hexCell(x: Sql, y: Sql, size: Sql): Sql {
  return sql`cross join lateral (select (2.0 / 3 * ${x}) / ${size} as aq,
                                        (-1.0 / 3 * ${x} + sqrt(3) / 3 * ${y}) / ${size} as ar) hx1
             cross join lateral (select round(hx1.aq) as rq, round(hx1.ar) as rr, round(-hx1.aq - hx1.ar) as rs) hx2
             cross join lateral (select abs(hx2.rq - hx1.aq) as dq, abs(hx2.rr - hx1.ar) as dr, abs(hx2.rs + hx1.aq + hx1.ar) as ds) hx3
             cross join lateral (select case when hx3.dq > hx3.dr and hx3.dq > hx3.ds then -hx2.rr - hx2.rs else hx2.rq end as q,
                                        case when hx3.dq > hx3.dr and hx3.dq > hx3.ds then hx2.rr
                                             when hx3.dr > hx3.ds then -hx2.rq - hx2.rs else hx2.rr end as r) hx4
             cross join lateral (select hx4.q::bigint as hex_i,
                                        (hx4.r + (hx4.q - ((hx4.q::bigint % 2 + 2) % 2)) / 2)::bigint as hex_j) hx`;
}

/**
 * Persons in a bbox binned into Web-Mercator hexagons of edge `size` metres (see hexCell).
 * Cells with fewer than `minCount` persons are left out.
 */
export function hexagons(tenantId: number, bbox: Bbox, size: number, status: string[], weights: Record<string, number>, fallback: number, minCount: number): Sql {
  const conds = personConds(tenantId, { status });
  conds.push(sql`p.geom && ${envelope(bbox)}`);
  // Materialized: the flattened cell arithmetic names x and y many times, and st_transform must
  // run once per point, not once per mention (that made a city-wide heatmap 1.7 s).
  return sql`with pts as materialized (
                select st_x(m.g) as x, st_y(m.g) as y, ${weightOf(weights, fallback)} as w
                  from persons p cross join lateral (select st_transform(p.geom, 3857) as g) m
                 where ${and(conds)}
              ), binned as (
                select hx.hex_i as i, hx.hex_j as j, count(*)::int as n, sum(pts.w) as weight
                  from pts ${hexCell(sql`pts.x`, sql`pts.y`, sql`${size}::float8`)}
                 group by 1, 2
                having count(*) >= ${minCount}
              )
              select b.i, b.j, b.n, b.weight,
                     st_asgeojson(st_transform(st_hexagon(${size}::float8, b.i::int, b.j::int, st_setsrid(st_makepoint(0, 0), 3857)), 4326), 7)::json as geometry
                from binned b
               order by b.i, b.j`;
}

/**
 * For the tests: random points around three origins and three sizes, each binned by hexCell and
 * by ST_HexagonGrid; counts the points and the disagreements.
 */
export function hexCellAgreement(pointsPerCase: number): Sql {
  return sql`with pts as materialized (
               select st_setsrid(st_makepoint(x0 + (random() - 0.5) * 40 * s, y0 + (random() - 0.5) * 40 * s), 3857) as g, s
                 from generate_series(1, ${pointsPerCase}::int),
                      (values (37.3::float8), (611.5), (4891.97)) as v(s),
                      (values (12.7e6::float8, 3.56e6::float8), (0, 0), (-8.2e6, -4.1e6)) as o(x0, y0)
             ), cells as (
               select pts.g, pts.s, hx.hex_i, hx.hex_j from pts ${hexCell(sql`st_x(pts.g)`, sql`st_y(pts.g)`, sql`pts.s`)}
             )
             select count(*)::int as n, count(*) filter (where (c.hex_i, c.hex_j) is distinct from (h.i::bigint, h.j::bigint))::int as mismatched
               from cells c cross join lateral (
                 select h.i, h.j from st_hexagongrid(c.s, c.g) h where st_intersects(h.geom, c.g) order by h.i, h.j limit 1) h`;
}

/** Persons in a bbox as points with their weight, for a client-side heatmap. */
export function heatPoints(tenantId: number, bbox: Bbox, status: string[], weights: Record<string, number>, fallback: number, limit: number): Sql {
  const conds = personConds(tenantId, { status });
  conds.push(sql`p.geom && ${envelope(bbox)}`);
  return sql`select st_x(p.geom) as lon, st_y(p.geom) as lat, ${weightOf(weights, fallback)} as w
               from persons p where ${and(conds)} order by p.id limit ${limit}`;
}

/**
 * A oneShot statement (one round trip): what cached aggregates are keyed by besides the request —
 * the tenant's data version (tile_versions, bumped by every write to jurisdictions, households,
 * persons, reports and tasks) and its setting for the smallest heatmap cell shown to roles that
 * may not see individuals.
 */
export const cacheKeyParts = (tenantId: number) =>
  `select coalesce((select version from tile_versions where tenant_id = ${literal(tenantId)}::int), 0)::text as version,
          (select (settings ->> 'heatmapMinCount')::int from tenants where id = ${literal(tenantId)}::int) as k`;

const pointOf = (lon: number, lat: number) => sql`st_setsrid(st_makepoint(${lon}, ${lat}), 4326)`;

/**
 * Tasks in scope nearest first by the geodesic metres shown. KNN on the GiST index finds the
 * limit-th nearest in degrees, and app.knn_reach (sql/functions/nearest.sql) the disk that holds
 * every task nearer in metres; the disk is sorted by metres. The KNN order stands alone in its
 * query: a tie-breaker beside `<->` (`order by geom <-> p, id`) made the planner give up the
 * index-ordered scan (1.3 s instead of 40 ms on city-L).
 */
export function nearbyTasks(tenantId: number, lon: number, lat: number, state: string | undefined, limit: number): Sql {
  const conds: Sql[] = [sql`t.tenant_id = ${tenantId}`];
  if (state) conds.push(sql`t.state = ${state}`);
  const point = pointOf(lon, lat);
  return sql`with knn as (select t.geom <-> ${point} as d from tasks t where ${and(conds)}
                           order by t.geom <-> ${point} limit ${limit})
             select t.id, t.kind, t.state, t.grid_id, t.due_at, t.created_at, st_x(t.geom) as lon, st_y(t.geom) as lat,
                    st_distance(t.geom::geography, ${point}::geography) as distance_m
               from tasks t
              where ${and(conds)} and st_dwithin(t.geom, ${point}, (select app.knn_reach(max(d), ${lat}::float8) from knn))
              order by distance_m, t.id
              limit ${limit}`;
}

/** Households in scope nearest first by metres (KNN bounds the candidates, see nearbyTasks). */
export function nearbyHouseholds(tenantId: number, lon: number, lat: number, limit: number): Sql {
  const point = pointOf(lon, lat);
  return sql`with knn as (select h.geom <-> ${point} as d from households h where h.tenant_id = ${tenantId}
                           order by h.geom <-> ${point} limit ${limit}),
                  n as (select h.id, h.address, h.grid_id, st_x(h.geom) as lon, st_y(h.geom) as lat,
                               st_distance(h.geom::geography, ${point}::geography) as distance_m
                          from households h
                         where h.tenant_id = ${tenantId} and st_dwithin(h.geom, ${point}, (select app.knn_reach(max(d), ${lat}::float8) from knn))
                         order by distance_m, h.id
                         limit ${limit})
             select n.id, n.address, n.grid_id, n.lon, n.lat, n.distance_m,
                    (select count(*)::int from persons p where p.tenant_id = ${tenantId} and p.household_id = n.id) as persons
               from n order by n.distance_m, n.id`;
}
