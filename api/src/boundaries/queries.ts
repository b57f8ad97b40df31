// The SQL of boundary imports and versions (the validation's own statements are in
// validation-queries.ts). Everything runs as the caller under tenant isolation; the tree is changed
// only through the security-definer functions of sql/functions/boundaries.sql.
import { raw, sql } from '../db/sql.ts';

/** One boundary change at a time per tenant (validation, repair, apply, rollback). */
export const lockTenant = (t: number) => sql`select pg_advisory_xact_lock(7301021, ${t}::integer)`;
/** Validation and apply take longer than an API request's usual 15 s on a city of 10,000 grids. */
export const longStatements = (seconds: number) => sql`select set_config('statement_timeout', ${`${seconds}s`}, true)`;

export const tenantRoots = (t: number) => sql`select app.tenant_roots(${t}) as roots`;
export const ensureVersion = sql`select app.ensure_boundary_version() as id`;

export interface ImportInsert {
  status: 'invalid' | 'valid';
  source: 'upload' | 'rollback';
  fileName: string;
  format: string;
  crs: unknown;
  propertyNames: string[];
  features: number;
  mapping: unknown;
  mapperProblems: unknown[];
  sliverM2: number;
  toleranceM2: number;
  baseVersionId: number;
  userId: number;
}

export const insertImport = (t: number, v: ImportInsert) =>
  sql`insert into boundary_imports (tenant_id, status, source, file_name, file_format, crs, property_names, feature_count, mapping,
                                    mapper_problems, sliver_m2, overlap_tolerance_m2, base_version_id, created_by)
      values (${t}, ${v.status}, ${v.source}, ${v.fileName}, ${v.format}, ${JSON.stringify(v.crs)}::jsonb, ${JSON.stringify(v.propertyNames)}::jsonb,
              ${v.features}, ${JSON.stringify(v.mapping)}::jsonb, ${JSON.stringify(v.mapperProblems)}::jsonb, ${v.sliverM2}, ${v.toleranceM2},
              ${v.baseVersionId}, ${v.userId})
      returning id`;

export interface ImportRow {
  id: number;
  status: 'invalid' | 'valid' | 'applied' | 'superseded';
  source: 'upload' | 'rollback';
  file_name: string;
  file_format: string;
  crs: { stated: string; detected: string | null; used: string };
  property_names: string[];
  feature_count: number;
  mapping: { parentCode?: string } & Record<string, unknown>;
  sliver_m2: number;
  overlap_tolerance_m2: number;
  base_version_id: number | null;
  report: Record<string, unknown> | null;
  created_at: Date;
  created_by: string | null;
}

export const importById = (t: number, i: number, lock = false) =>
  sql`select b.id, b.status, b.source, b.file_name, b.file_format, b.crs, b.property_names, b.feature_count, b.mapping,
             b.sliver_m2, b.overlap_tolerance_m2, b.base_version_id, b.report, b.created_at, u.username as created_by
        from boundary_imports b left join users u on u.tenant_id = b.tenant_id and u.id = b.created_by
       where b.tenant_id = ${t} and b.id = ${i} ${lock ? sql`for update of b` : sql``}`;

export const saveReport = (t: number, i: number, status: string, report: unknown) =>
  sql`update boundary_imports set status = ${status}, report = ${JSON.stringify(report)}::jsonb where tenant_id = ${t} and id = ${i}`;

export const markApplied = (t: number, i: number, versionId: number) =>
  sql`update boundary_imports set status = 'applied', applied_version_id = ${versionId} where tenant_id = ${t} and id = ${i}`;

/** Imports validated against the version an apply replaces can no longer be applied. */
export const supersedeOthers = (t: number, i: number) =>
  sql`update boundary_imports set status = 'superseded' where tenant_id = ${t} and id <> ${i} and status in ('invalid', 'valid')`;

export const fileNode = (t: number, i: number, featureIndex: number) =>
  sql`select s.id, s.code, s.repair, s.geom_raw is not null and not st_isvalid(s.geom_raw) as invalid,
             s.geom_raw is not null and not st_isempty(st_collectionextract(st_makevalid(s.geom_raw), 3)) as repairable
        from boundary_import_nodes s
       where s.tenant_id = ${t} and s.import_id = ${i} and s.origin = 'file' and s.feature_index = ${featureIndex}`;

/** Accepting a repair uses ST_MakeValid's polygonal part; refusing keeps the geometry as uploaded. */
export const setRepair = (t: number, nodeId: number, accept: boolean) =>
  sql`update boundary_import_nodes
         set repair = ${accept ? 'accepted' : 'refused'},
             geom = ${accept ? sql`st_multi(st_collectionextract(st_makevalid(geom_raw), 3))` : sql`geom_raw`}
       where tenant_id = ${t} and id = ${nodeId}`;

// ---- the report ------------------------------------------------------------------------------

export const problems = (t: number, i: number) =>
  sql`select p.id::text as id, p.severity, p.problem, p.feature_index, p.code, p.other_code, p.area_m2,
             st_x(p.location) as lon, st_y(p.location) as lat, p.message, p.repairable, p.params
        from boundary_import_problems p
       where p.tenant_id = ${t} and p.import_id = ${i}
       order by p.severity, p.feature_index nulls last, p.problem, p.id`;

export const levelCounts = (t: number, i: number) =>
  sql`select level::text as level, count(*)::integer as n from boundary_import_nodes
       where tenant_id = ${t} and import_id = ${i} and origin = 'file' and level is not null group by level order by level`;

export const repairs = (t: number, i: number) =>
  sql`select s.feature_index, s.code, s.repair from boundary_import_nodes s
       where s.tenant_id = ${t} and s.import_id = ${i} and s.origin = 'file'
         and (s.repair is not null or exists (select 1 from boundary_import_problems p where p.tenant_id = ${t} and p.import_id = ${i}
                                               and p.feature_index = s.feature_index and p.problem = 'invalid_geometry' and p.repairable))
       order by s.feature_index`;

export const added = (t: number, i: number) =>
  sql`select distinct on (s.code) s.code, s.name, s.level from boundary_import_nodes s
       where s.tenant_id = ${t} and s.import_id = ${i} and s.origin = 'file' and s.code is not null and s.level is not null
         and not exists (select 1 from jurisdictions j where j.tenant_id = ${t} and j.code = s.code)
       order by s.code, s.feature_index`;

export const removed = (t: number, i: number) =>
  sql`select code, name, level from boundary_import_nodes
       where tenant_id = ${t} and import_id = ${i} and origin = 'removed' order by level, code`;

export const renamed = (t: number, i: number) =>
  sql`select distinct on (s.code) s.code, j.name as "from", s.name as "to"
        from boundary_import_nodes s join jurisdictions j on j.tenant_id = ${t} and j.code = s.code
       where s.tenant_id = ${t} and s.import_id = ${i} and s.origin = 'file' and s.name is not null and s.name <> j.name
       order by s.code, s.feature_index`;

export const moved = (t: number, i: number) =>
  sql`select distinct on (s.code) s.code, p.code as "fromParent", s.parent_code as "toParent"
        from boundary_import_nodes s
        join jurisdictions j on j.tenant_id = ${t} and j.code = s.code
        left join jurisdictions p on p.tenant_id = ${t} and p.id = j.parent_id
       where s.tenant_id = ${t} and s.import_id = ${i} and s.origin = 'file' and s.level is not null
         and s.parent_code is distinct from p.code
       order by s.code, s.feature_index`;

export const reshapedCount = (t: number, i: number) =>
  sql`select count(distinct code)::integer as n from boundary_import_nodes
       where tenant_id = ${t} and import_id = ${i} and origin = 'file' and reshaped`;

/**
 * Households or persons that would change grid or lose it: those in current grids that go or change
 * shape, and those inside file grids that are new or reshaped; each placed by containment in the
 * grids of the staged tree. Only staged grids that touch those areas can hold such a point, so the
 * points are matched against that small set (a few hundred grids for a hundred changed ones) rather
 * than by a probe each of the staging index, which holds the nodes of every import.
 */
export function impact(t: number, i: number, table: 'households' | 'persons') {
  const points = raw(table);
  return sql`
    with gone as (
      select j.id, j.geom from jurisdictions j
       where j.tenant_id = ${t} and j.level = 5
         and not exists (select 1 from boundary_import_nodes s
                          where s.tenant_id = ${t} and s.import_id = ${i} and s.code = j.code and s.level = 5 and s.usable
                            and (s.origin = 'kept' or s.reshaped = false))
    ), fresh as (
      select s.geom from boundary_import_nodes s
       where s.tenant_id = ${t} and s.import_id = ${i} and s.origin = 'file' and s.level = 5 and s.usable and s.reshaped is distinct from false
    ), relevant as materialized (
      select distinct on (s.id) s.id, s.code, s.geom
        from (select geom from gone union all select geom from fresh) a
        join boundary_import_nodes s
          on s.tenant_id = ${t} and s.import_id = ${i} and s.geom && a.geom
       where s.origin in ('file', 'kept') and s.level = 5 and s.usable
       order by s.id
    ), candidates as (
      select x.id, x.geom, x.grid_id from ${points} x where x.tenant_id = ${t} and x.grid_id in (select id from gone)
      union
      select x.id, x.geom, x.grid_id from fresh f join ${points} x on x.tenant_id = ${t} and x.geom && f.geom and st_covers(f.geom, x.geom)
    )
    select count(*) filter (where n.code is not null and n.code is distinct from o.code)::integer as "changeGrid",
           count(*) filter (where o.code is not null and n.code is null)::integer as "loseGrid"
      from candidates c
      left join jurisdictions o on o.tenant_id = ${t} and o.id = c.grid_id
      left join lateral (select r.code from relevant r
                          where r.geom && c.geom and st_covers(r.geom, c.geom)
                          order by r.id limit 1) n on true`;
}

export const pinnedUsers = (t: number, i: number) =>
  sql`select distinct u.id, u.username, u.display_name as "displayName", r.code, j.name as "nodeName"
        from boundary_import_nodes r
        join jurisdictions j on j.tenant_id = ${t} and j.code = r.code
        join user_scopes us on us.tenant_id = ${t} and us.jurisdiction_id = j.id
        join users u on u.tenant_id = ${t} and u.id = us.user_id
       where r.tenant_id = ${t} and r.import_id = ${i} and r.origin = 'removed'
       order by u.username, r.code`;

export const pinnedOpenTasks = (t: number, i: number) =>
  sql`select count(*)::integer as n
        from boundary_import_nodes r
        join jurisdictions j on j.tenant_id = ${t} and j.code = r.code
        join tasks k on k.tenant_id = ${t} and k.assignee_jurisdiction_id = j.id and k.state = 'open'
       where r.tenant_id = ${t} and r.import_id = ${i} and r.origin = 'removed'`;

/** Codes an account may be reassigned to: the nodes of the staged tree. */
export const stagedCodes = (t: number, i: number, codes: string[]) =>
  sql`select distinct code from boundary_import_nodes
       where tenant_id = ${t} and import_id = ${i} and origin in ('file', 'kept') and code = any (${codes}::text[])`;

// ---- the preview map -----------------------------------------------------------------------------

/** The file's nodes and the located problems as one GeoJSON FeatureCollection (text). */
export const features = (t: number, i: number) =>
  sql`select json_build_object('type', 'FeatureCollection', 'features', coalesce(
             (select json_agg(f order by f.k, f.n) from (
                select 0 as k, s.feature_index as n, json_build_object(
                         'type', 'Feature',
                         -- An invalid polygon goes as its rings: a map cannot fill a self-crossing ring
                         -- (a bow-tie's signed area is zero, and tiling drops it), but it can draw it.
                         'geometry', st_asgeojson(case when v.valid then s.geom else st_boundary(s.geom) end, 7)::json,
                         'properties', json_build_object(
                           'kind', 'node', 'index', s.feature_index, 'invalid', not v.valid, 'code', s.code, 'name', s.name, 'level', s.level,
                           'parentCode', s.parent_code,
                           'severity', (select min(p.severity) from boundary_import_problems p
                                         where p.tenant_id = ${t} and p.import_id = ${i} and p.feature_index = s.feature_index),
                           'problems', coalesce((select json_agg(p.id::text order by p.id) from boundary_import_problems p
                                                  where p.tenant_id = ${t} and p.import_id = ${i} and p.feature_index = s.feature_index), '[]'::json))) as f
                  from boundary_import_nodes s
                 cross join lateral (select s.geom is null or st_isvalid(s.geom) as valid) v
                 where s.tenant_id = ${t} and s.import_id = ${i} and s.origin = 'file'
                union all
                select 1, p.id, json_build_object(
                         'type', 'Feature',
                         'geometry', st_asgeojson(coalesce(p.geom, p.location), 7)::json,
                         'properties', json_build_object('kind', 'problem', 'problemId', p.id::text, 'problem', p.problem,
                                                         'severity', p.severity, 'featureIndex', p.feature_index, 'code', p.code))
                  from boundary_import_problems p
                 where p.tenant_id = ${t} and p.import_id = ${i} and coalesce(p.geom, p.location) is not null
              ) f), '[]'::json))::text as fc`;

// ---- versions ------------------------------------------------------------------------------------

export const currentVersion = (t: number) =>
  sql`select id, number from boundary_versions where tenant_id = ${t} order by number desc limit 1`;

export const versions = (t: number) =>
  sql`select v.id, v.number, v.created_at, u.username as created_by, v.source, v.import_id, v.counts, v.diff,
             v.number = max(v.number) over () as current
        from boundary_versions v left join users u on u.tenant_id = v.tenant_id and u.id = v.created_by
       where v.tenant_id = ${t}
       order by v.number desc`;

export const versionById = (t: number, v: number) =>
  sql`select id, number, (select count(*)::integer from boundary_version_nodes n where n.tenant_id = ${t} and n.version_id = ${v}) as nodes
        from boundary_versions where tenant_id = ${t} and id = ${v}`;

/** A version's nodes as GeoJSON in the layout guessMapping recognises (code, name, level, parent_code). */
export const exportVersion = (t: number, v: number) =>
  sql`select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
             'type', 'Feature',
             'properties', json_build_object('code', n.code, 'name', n.name, 'level', n.level, 'parent_code', n.parent_code),
             'geometry', st_asgeojson(n.geom, 7)::json) order by n.level, n.code), '[]'::json))::text as fc
        from boundary_version_nodes n where n.tenant_id = ${t} and n.version_id = ${v}`;

export const recordVersion = (source: string, importId: number | null, restoredId: number | null, diff: unknown) =>
  sql`select version_id as id, version_number as number, version_counts as counts
        from app.record_boundary_version(${source}, ${importId}::bigint, ${restoredId}::bigint, ${JSON.stringify(diff)}::jsonb)`;

// ---- apply ---------------------------------------------------------------------------------------

export const applyTree = (i: number, reassign: unknown) =>
  sql`select app.apply_boundary_tree(${i}::bigint, ${JSON.stringify(reassign)}::jsonb) as result`;

export const discardPlans = sql`discard plans`;

export const rederive = (t: number) => sql`select * from app.rederive_grids(${t}::integer)`;

export const removeNodes = (i: number) => sql`select app.remove_boundary_nodes(${i}::bigint) as removed`;

export const announce = (versionId: number) => sql`select app.announce_boundaries_changed(${versionId}::bigint)`;

// ---- the saved mapping ---------------------------------------------------------------------------

export const savedMapping = (t: number) => sql`select mapping from boundary_mappings where tenant_id = ${t}`;

export const saveMapping = (t: number, mapping: unknown, userId: number) =>
  sql`insert into boundary_mappings (tenant_id, mapping, updated_by) values (${t}, ${JSON.stringify(mapping)}::jsonb, ${userId})
      on conflict (tenant_id) do update set mapping = excluded.mapping, updated_at = now(), updated_by = excluded.updated_by`;
