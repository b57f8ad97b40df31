// All SQL of jurisdictions; row-level security limits rows to the caller's subtrees.
import { and, sql, type Sql } from '../db/sql.ts';
import type { Bbox } from '../geo/bbox.ts';

export const envelope = (b: Bbox) => sql`st_makeenvelope(${b.minLon}, ${b.minLat}, ${b.maxLon}, ${b.maxLat}, 4326)`;

export const tree = (tenantId: number, maxLevel: number) =>
  sql`select id, parent_id, code, name, level from jurisdictions
       where tenant_id = ${tenantId} and level <= ${maxLevel}
       order by path`;

export const byId = (tenantId: number, id: number, countPersons = true) =>
  sql`select id, parent_id, code, name, level, path::text as path, area_m2,
             st_asgeojson(geom, 7)::json as geometry, st_asgeojson(label_point, 7)::json as label_point,
             ${countPersons ? sql`(select count(*) from persons p where p.tenant_id = j.tenant_id and p.grid_path <@ j.path)` : sql`null::bigint`} as persons
        from jurisdictions j where tenant_id = ${tenantId} and id = ${id}`;

export function geojson(tenantId: number, level: number, bbox: Bbox | undefined, tolerance: number, limit: number): Sql {
  const conds: Sql[] = [sql`tenant_id = ${tenantId}`, sql`level = ${level}`];
  if (bbox) conds.push(sql`geom && ${envelope(bbox)}`);
  return sql`select json_build_object(
               'type', 'FeatureCollection',
               'features', coalesce(json_agg(json_build_object(
                 'type', 'Feature', 'id', id,
                 'geometry', st_asgeojson(st_multi(st_simplifypreservetopology(geom, ${tolerance})), 7)::json,
                 'properties', json_build_object('id', id, 'code', code, 'name', name, 'level', level, 'parentId', parent_id,
                                                 'label', json_build_array(st_x(label_point), st_y(label_point))))
               order by id), '[]'::json)) as fc,
               count(*) as n
             from (select * from jurisdictions where ${and(conds)} order by id limit ${limit}) j`;
}
