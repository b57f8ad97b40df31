// The SQL of a boundary import's validation: staging the file's nodes, the tree they would make
// (kept and removed current nodes), and every problem, set-based in PostGIS over the staging table's
// GiST index. Each runs in the caller's transaction under row-level security (tenant isolation).
import { sql } from '../db/sql.ts';

/** One staged feature: the mapped node (null fields when the mapping refused it) and its geometry. */
export interface StagedRow {
  idx: number;
  code: string | null;
  name: string | null;
  level: number | null;
  parent_code: string | null;
  geometry: unknown;
}

/** Fresh planner statistics over the staged nodes (sql/functions/boundaries.sql). */
export const analyzeStaged = sql`select app.analyze_boundary_import()`;

const nodes = (t: number, i: number) => sql`s.tenant_id = ${t} and s.import_id = ${i}`;

export const stageFileRows = (t: number, i: number, rows: StagedRow[]) =>
  sql`insert into boundary_import_nodes (tenant_id, import_id, origin, feature_index, code, name, level, parent_code, geom_raw, geom)
      select ${t}, ${i}, 'file', f.idx, f.code, f.name, f.level, f.parent_code, g.geom, g.geom
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
             as f (idx integer, code text, name text, level smallint, parent_code text, geometry jsonb)
        cross join lateral (select case when f.geometry is null then null
                                        else st_setsrid(st_geomfromgeojson(f.geometry::text), 4326) end as geom) g`;

/** A rollback validates an earlier version: its nodes are staged as the file's. */
export const stageVersionRows = (t: number, i: number, versionId: number) =>
  sql`insert into boundary_import_nodes (tenant_id, import_id, origin, feature_index, code, name, level, parent_code, geom_raw, geom)
      select ${t}, ${i}, 'file', (row_number() over (order by v.level, v.code) - 1)::integer, v.code, v.name, v.level, v.parent_code, v.geom, v.geom
        from boundary_version_nodes v where v.tenant_id = ${t} and v.version_id = ${versionId}`;

/** Starts a validation afresh: problems and the derived part of the staging go. */
export const resetValidation = (t: number, i: number) => [
  sql`delete from boundary_import_problems s where ${nodes(t, i)}`,
  sql`delete from boundary_import_nodes s where ${nodes(t, i)} and s.origin <> 'file'`,
  sql`update boundary_import_nodes s set reshaped = null where ${nodes(t, i)} and s.reshaped is not null`,
];

/** Which file geometries take part in the spatial checks, and their areas. */
export const markUsable = (t: number, i: number) => {
  // Without a self-join: a join of the staged rows to themselves was planned as nested scans.
  const ok = sql`(s.geom is not null and not st_isempty(s.geom) and geometrytype(s.geom) in ('POLYGON', 'MULTIPOLYGON') and st_isvalid(s.geom))`;
  return sql`update boundary_import_nodes s
                set usable = ${ok}, area_m2 = case when ${ok} then st_area(s.geom::geography) end
              where ${nodes(t, i)} and s.origin = 'file'`;
};

/**
 * Without a parent-code property, a node's parent is the node one level up (from the file, else the
 * current tree) containing a point of its surface.
 */
export const deriveParents = (t: number, i: number) =>
  sql`update boundary_import_nodes s
         set parent_code = coalesce(
               (select p.code from boundary_import_nodes p
                 where p.tenant_id = ${t} and p.import_id = ${i} and p.origin = 'file' and p.usable and p.level = s.level - 1
                   and st_covers(p.geom, st_pointonsurface(s.geom))
                 order by p.feature_index limit 1),
               (select j.code from jurisdictions j
                 where j.tenant_id = ${t} and j.level = s.level - 1 and st_covers(j.geom, st_pointonsurface(s.geom))
                 order by j.id limit 1))
       where ${nodes(t, i)} and s.origin = 'file' and s.level > 1 and s.usable`;

const fileCodes = (t: number, i: number) =>
  sql`select code from boundary_import_nodes where tenant_id = ${t} and import_id = ${i} and origin = 'file' and code is not null`;

/**
 * The current nodes the file replaces. A file with the city (level 1) is the whole tree: current
 * nodes of its levels that it does not hold are removed. Otherwise the file hangs from current
 * nodes it names as parents (anchors), and replaces, at its levels, what lies under them. Either
 * way a node below a removed one goes too unless the file holds it.
 */
export const stageRemoved = (t: number, i: number) =>
  sql`insert into boundary_import_nodes (tenant_id, import_id, origin, code, name, level, parent_code)
      with held as (
        select min(level) as lo, max(level) as hi, bool_or(level = 1) as whole
          from boundary_import_nodes where tenant_id = ${t} and import_id = ${i} and origin = 'file' and level is not null
      ), anchors as (
        select j.path from jurisdictions j
         where j.tenant_id = ${t} and j.code not in (${fileCodes(t, i)})
           and j.code in (select parent_code from boundary_import_nodes
                           where tenant_id = ${t} and import_id = ${i} and origin = 'file' and parent_code is not null)
      ), lineage as (
        select distinct j.id from anchors a join jurisdictions j on j.tenant_id = ${t} and j.path @> a.path
      ), under as (
        select distinct j.id from anchors a join jurisdictions j on j.tenant_id = ${t} and j.path <@ a.path
      ), direct as (
        select j.path from jurisdictions j, held h
         where j.tenant_id = ${t} and j.level between h.lo and h.hi and j.code not in (${fileCodes(t, i)})
           and (h.whole or j.id in (select id from under)) and j.id not in (select id from lineage)
      ), removed as (
        select distinct j.id from direct d join jurisdictions j on j.tenant_id = ${t} and j.path <@ d.path
         where j.code not in (${fileCodes(t, i)})
      )
      select ${t}, ${i}, 'removed', j.code, j.name, j.level, p.code
        from removed r
        join jurisdictions j on j.tenant_id = ${t} and j.id = r.id
        left join jurisdictions p on p.tenant_id = ${t} and p.id = j.parent_id`;

/** The rest of the current tree stays: staged with its geometry for the checks against it. */
export const stageKept = (t: number, i: number) =>
  sql`insert into boundary_import_nodes (tenant_id, import_id, origin, code, name, level, parent_code, geom, usable, area_m2)
      select ${t}, ${i}, 'kept', j.code, j.name, j.level, p.code, j.geom, true, j.area_m2
        from jurisdictions j
        left join jurisdictions p on p.tenant_id = ${t} and p.id = j.parent_id
       where j.tenant_id = ${t}
         and not exists (select 1 from boundary_import_nodes s where ${nodes(t, i)} and s.origin in ('file', 'removed') and s.code = j.code)`;

// ---- problems ------------------------------------------------------------------------------

type Thresholds = { sliverM2: number; toleranceM2: number };

/** Areas below this (m²) are rounding noise of the 7-decimal (≈1 cm) coordinates, not findings. */
export const NOISE_M2 = 0.01;

const insertProblem = sql`insert into boundary_import_problems
  (tenant_id, import_id, severity, problem, feature_index, code, other_code, area_m2, location, geom, message, repairable, params)`;

export const mapperProblems = (t: number, i: number) =>
  sql`${insertProblem}
      select ${t}, ${i}, 'error', m.problem, m.index, null, null, null, null, null, m.message, null, coalesce(m.params, '{}'::jsonb)
        from boundary_imports b, jsonb_to_recordset(b.mapper_problems) as m (index integer, problem text, message text, params jsonb)
       where b.tenant_id = ${t} and b.id = ${i}`;

/** Per-feature geometry problems: empty, not a polygon, invalid (with where and whether repairable). */
export const geometryProblems = (t: number, i: number) => [
  sql`${insertProblem}
      select ${t}, ${i}, 'error', 'empty_geometry', s.feature_index, s.code, null, null, null, null,
             format('feature %s%s has no geometry', s.feature_index, coalesce(' (' || s.code || ')', '')), null, '{}'::jsonb
        from boundary_import_nodes s where ${nodes(t, i)} and s.origin = 'file' and (s.geom is null or st_isempty(s.geom))`,
  sql`${insertProblem}
      select ${t}, ${i}, 'error', 'not_polygon', s.feature_index, s.code, null, null, st_pointonsurface(s.geom), null,
             format('feature %s%s is a %s, not a polygon', s.feature_index, coalesce(' (' || s.code || ')', ''), initcap(geometrytype(s.geom))), null,
             jsonb_build_object('geometryType', initcap(geometrytype(s.geom)))
        from boundary_import_nodes s
       where ${nodes(t, i)} and s.origin = 'file' and s.geom is not null and not st_isempty(s.geom)
         and geometrytype(s.geom) not in ('POLYGON', 'MULTIPOLYGON')`,
  sql`${insertProblem}
      select ${t}, ${i}, 'error', 'invalid_geometry', s.feature_index, s.code, null, null, d.location, d.location,
             format('feature %s%s is not a valid polygon: %s%s', s.feature_index, coalesce(' (' || s.code || ')', ''), d.reason,
                    case when s.repair = 'refused' then ' (repair refused)' else '' end),
             not st_isempty(st_collectionextract(st_makevalid(s.geom_raw), 3)),
             jsonb_build_object('reason', d.reason, 'repairRefused', s.repair = 'refused')
        from boundary_import_nodes s
        cross join lateral st_isvaliddetail(s.geom) d
       where ${nodes(t, i)} and s.origin = 'file' and s.geom is not null and not st_isempty(s.geom)
         and geometrytype(s.geom) in ('POLYGON', 'MULTIPOLYGON') and not d.valid`,
];

/** Grids in several parts, and slivers. */
export const shapeProblems = (t: number, i: number, th: Thresholds) => [
  sql`${insertProblem}
      select ${t}, ${i}, 'warning', 'multipart', s.feature_index, s.code, null, s.area_m2, st_pointonsurface(x.rest), x.rest,
             format('grid %s is in %s separate parts', s.code, st_numgeometries(s.geom)), null,
             jsonb_build_object('parts', st_numgeometries(s.geom))
        from boundary_import_nodes s
        cross join lateral (select st_collect(d.geom order by st_area(d.geom) desc) filter (where d.path[1] <> x1.largest) as rest
                              from st_dump(s.geom) d,
                                   lateral (select (array_agg(e.path[1] order by st_area(e.geom) desc))[1] as largest from st_dump(s.geom) e) x1) x
       where ${nodes(t, i)} and s.origin = 'file' and s.usable and s.level = 5 and st_numgeometries(s.geom) > 1`,
  sql`${insertProblem}
      select ${t}, ${i}, 'warning', 'sliver', s.feature_index, s.code, null, s.area_m2, st_pointonsurface(s.geom), s.geom,
             format('%s is a sliver of %s m² (below %s m²)', coalesce(s.code, 'feature ' || s.feature_index), round(s.area_m2::numeric, 2), ${th.sliverM2}::float8), null,
             jsonb_build_object('belowM2', ${th.sliverM2}::float8)
        from boundary_import_nodes s
       where ${nodes(t, i)} and s.origin = 'file' and s.usable and s.area_m2 < ${th.sliverM2}::float8`,
];

/** Codes used twice, and parents that are missing, unknown or on the wrong level. */
export const treeProblems = (t: number, i: number, parentsDerived: boolean) => [
  sql`${insertProblem}
      select ${t}, ${i}, 'error', 'duplicate_code', s.feature_index, s.code, null, null, null, null,
             format('code %s of feature %s is also the code of feature %s', s.code, s.feature_index, f.first), null,
             jsonb_build_object('firstFeature', f.first)
        from boundary_import_nodes s
        join (select code, min(feature_index) as first from boundary_import_nodes
               where tenant_id = ${t} and import_id = ${i} and origin = 'file' and code is not null
               group by code having count(*) > 1) f on f.code = s.code
       where ${nodes(t, i)} and s.origin = 'file' and s.feature_index <> f.first`,
  sql`${insertProblem}
      select ${t}, ${i}, 'error', 'missing_parent', s.feature_index, s.code, null, null, null, null,
             ${parentsDerived
               ? sql`format('%s (level %s) lies in no level-%s node of the file or of the current tree', s.code, s.level, s.level - 1)`
               : sql`format('%s (level %s) has no parent code', s.code, s.level)`}, null,
             jsonb_build_object('level', s.level, 'derived', ${parentsDerived}::boolean)
        from boundary_import_nodes s
       where ${nodes(t, i)} and s.origin = 'file' and s.level > 1 and s.parent_code is null
         ${parentsDerived ? sql`and s.usable` : sql``}`,
  sql`${insertProblem}
      select ${t}, ${i}, 'error', 'bad_level_order', s.feature_index, s.code, s.parent_code, null, null, null,
             format('%s is a level-1 node (the city) but names a parent %s', s.code, s.parent_code), null,
             jsonb_build_object('level', 1)
        from boundary_import_nodes s
       where ${nodes(t, i)} and s.origin = 'file' and s.level = 1 and s.parent_code is not null`,
  sql`${insertProblem}
      select ${t}, ${i}, 'error', 'unknown_parent', s.feature_index, s.code, s.parent_code, null, null, null,
             format('the parent %s of %s is neither in the file nor in the part of the current tree that stays', s.parent_code, s.code), null, '{}'::jsonb
        from boundary_import_nodes s
       where ${nodes(t, i)} and s.origin = 'file' and s.level > 1 and s.parent_code is not null
         and not exists (select 1 from boundary_import_nodes p
                          where p.tenant_id = ${t} and p.import_id = ${i} and p.origin in ('file', 'kept') and p.code = s.parent_code)`,
  sql`${insertProblem}
      select ${t}, ${i}, 'error', 'bad_level_order', s.feature_index, s.code, s.parent_code, null, null, null,
             format('%s is on level %s but its parent %s is on level %s (must be %s)', s.code, s.level, s.parent_code, p.level, s.level - 1), null,
             jsonb_build_object('level', s.level, 'parentLevel', p.level, 'expected', s.level - 1)
        from boundary_import_nodes s
        cross join lateral (select p.level from boundary_import_nodes p
                             where p.tenant_id = ${t} and p.import_id = ${i} and p.origin in ('file', 'kept') and p.code = s.parent_code
                             order by p.origin, p.feature_index limit 1) p
       where ${nodes(t, i)} and s.origin = 'file' and s.level > 1 and p.level is distinct from s.level - 1`,
];

/** Overlaps between nodes of one level (at least one from the file). */
export const overlapProblems = (t: number, i: number, th: Thresholds) =>
  sql`${insertProblem}
      select ${t}, ${i}, case when x.area >= ${th.toleranceM2}::float8 then 'error' else 'warning' end, 'overlap',
             x.feature_index, x.code, x.other_code, x.area, st_pointonsurface(x.geom), x.geom,
             format('%s and %s overlap by %s m²', x.code, x.other_code, round(x.area::numeric, 2)), null, '{}'::jsonb
        from (select case when a.origin = 'file' then a.feature_index else b.feature_index end as feature_index,
                     case when a.origin = 'file' then a.code else b.code end as code,
                     case when a.origin = 'file' then b.code else a.code end as other_code,
                     g.geom, st_area(g.geom::geography) as area
                from boundary_import_nodes a
                join boundary_import_nodes b
                  on b.tenant_id = ${t} and b.import_id = ${i} and b.origin in ('file', 'kept') and b.usable and b.level = a.level
                 and b.id > a.id and (a.origin = 'file' or b.origin = 'file')
                 and b.geom && a.geom and st_relate(a.geom, b.geom, '2********')
                cross join lateral (select st_collectionextract(st_intersection(a.geom, b.geom), 3) as geom) g
               where a.tenant_id = ${t} and a.import_id = ${i} and a.origin in ('file', 'kept') and a.usable and a.level is not null) x
       where x.area >= ${NOISE_M2}::float8`;

/** Parts of a child outside its parent (the child or the parent from the file). */
export const outsideProblems = (t: number, i: number, th: Thresholds) =>
  sql`${insertProblem}
      select ${t}, ${i}, case when x.area >= ${th.toleranceM2}::float8 then 'error' else 'warning' end, 'outside_parent',
             c.feature_index, c.code, p.code, x.area, st_pointonsurface(x.geom), x.geom,
             format('%s of %s lies outside its parent %s', round(x.area::numeric, 2) || ' m²', c.code, p.code), null, '{}'::jsonb
        from boundary_import_nodes c
        join boundary_import_nodes p
          on p.tenant_id = ${t} and p.import_id = ${i} and p.origin in ('file', 'kept') and p.usable
         and p.code = c.parent_code and p.level = c.level - 1 and (c.origin = 'file' or p.origin = 'file')
        cross join lateral (select g.geom, st_area(g.geom::geography) as area
                              from (select st_collectionextract(st_difference(c.geom, p.geom), 3) as geom) g) x
       where c.tenant_id = ${t} and c.import_id = ${i} and c.origin in ('file', 'kept') and c.usable and c.level > 1
         and not st_coveredby(c.geom, p.geom) and x.area >= ${NOISE_M2}::float8`;

/**
 * Parts of a parent its children leave uncovered, for each parent with a child from the file whose
 * children are all usable (an unusable child is an error of its own). A parent whose children are
 * not in the file is not checked.
 */
export const gapProblems = (t: number, i: number, th: Thresholds) =>
  sql`${insertProblem}
      select ${t}, ${i}, 'error', 'gap', null, p.code, null, x.area, st_pointonsurface(x.geom), x.geom,
             format('%s m² of %s is covered by none of its children', round(x.area::numeric, 2), p.code), null, '{}'::jsonb
        from (select c.parent_code, c.level, st_union(c.geom) filter (where c.usable) as children
                from boundary_import_nodes c
               where c.tenant_id = ${t} and c.import_id = ${i} and c.origin in ('file', 'kept') and c.level > 1
               group by c.parent_code, c.level
              having bool_or(c.origin = 'file') and bool_and(c.usable) and c.parent_code is not null) k
        join boundary_import_nodes p
          on p.tenant_id = ${t} and p.import_id = ${i} and p.origin in ('file', 'kept') and p.usable
         and p.code = k.parent_code and p.level = k.level - 1
         -- The predicate first: the embedded database's GEOS (WebAssembly) cannot take the overlay's
         -- robustness fallback, which children tiling their parent exactly trigger, and the whole
         -- statement then returned no rows and no error, so a real gap elsewhere went unreported.
         and not st_coveredby(p.geom, k.children)
        cross join lateral st_dump(st_collectionextract(st_difference(p.geom, k.children), 3)) d
        cross join lateral (select d.geom, st_area(d.geom::geography) as area) x
       where x.area >= ${th.toleranceM2}::float8 and x.area >= ${NOISE_M2}::float8`;

/** Whether each file node's boundary differs from the current node of its code. */
export const markReshaped = (t: number, i: number) =>
  sql`update boundary_import_nodes s set reshaped = app.boundary_reshaped(j.geom, s.geom)
        from jurisdictions j
       where ${nodes(t, i)} and s.origin = 'file' and s.usable and j.tenant_id = ${t} and j.code = s.code`;
