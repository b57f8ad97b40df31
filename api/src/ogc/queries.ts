// All SQL of OGC API – Features; row-level security limits rows to the caller's jurisdiction.
import { and, sql, type Sql } from '../db/sql.ts';
import type { Bbox } from '../geo/bbox.ts';
import { envelope } from '../jurisdictions/queries.ts';

function jurisdictionConds(tenantId: number, level: number, bbox: Bbox | undefined): Sql {
  const conds = [sql`tenant_id = ${tenantId}`, sql`level = ${level}`];
  if (bbox) conds.push(sql`geom && ${envelope(bbox)} and st_intersects(geom, ${envelope(bbox)})`);
  return and(conds);
}

function householdConds(tenantId: number, bbox: Bbox | undefined): Sql {
  const conds = [sql`h.tenant_id = ${tenantId}`];
  if (bbox) conds.push(sql`h.geom && ${envelope(bbox)}`);
  return and(conds);
}

const jurisdictionColumns = sql`id, code, name, level, parent_id, st_asgeojson(geom, 7)::json as geometry`;
const householdColumns = sql`h.id, h.address, h.building, h.unit, h.room, h.grid_id, st_x(h.geom) as lon, st_y(h.geom) as lat`;

export const jurisdictionCount = (tenantId: number, level: number, bbox: Bbox | undefined) =>
  sql`select count(*) as n from jurisdictions where ${jurisdictionConds(tenantId, level, bbox)}`;

export const jurisdictionPage = (tenantId: number, level: number, bbox: Bbox | undefined, limit: number, offset: number) =>
  sql`select ${jurisdictionColumns} from jurisdictions where ${jurisdictionConds(tenantId, level, bbox)}
       order by id limit ${limit} offset ${offset}`;

export const jurisdictionById = (tenantId: number, level: number, id: number) =>
  sql`select ${jurisdictionColumns} from jurisdictions where tenant_id = ${tenantId} and level = ${level} and id = ${id}`;

export const jurisdictionExtent = (tenantId: number, level: number) =>
  sql`select st_xmin(e) as x0, st_ymin(e) as y0, st_xmax(e) as x1, st_ymax(e) as y1
        from (select st_extent(geom) as e from jurisdictions where tenant_id = ${tenantId} and level = ${level}) s`;

export const householdCount = (tenantId: number, bbox: Bbox | undefined) =>
  sql`select count(*) as n from households h where ${householdConds(tenantId, bbox)}`;

export const householdPage = (tenantId: number, bbox: Bbox | undefined, limit: number, offset: number) =>
  sql`select ${householdColumns} from households h where ${householdConds(tenantId, bbox)}
       order by h.id limit ${limit} offset ${offset}`;

export const householdById = (tenantId: number, id: number) =>
  sql`select ${householdColumns} from households h where h.tenant_id = ${tenantId} and h.id = ${id}`;

export const householdExtent = (tenantId: number) =>
  sql`select st_xmin(e) as x0, st_ymin(e) as y0, st_xmax(e) as x1, st_ymax(e) as y1
        from (select st_extent(geom) as e from households where tenant_id = ${tenantId}) s`;
