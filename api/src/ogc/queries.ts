// All SQL of OGC API – Features; row-level security limits rows to the caller's jurisdiction.
import { and, sql, type Sql } from '../db/sql.ts';
import type { Bbox } from '../geo/bbox.ts';
import { envelope } from '../jurisdictions/queries.ts';
import type { TimeFilter } from './datetime.ts';

function jurisdictionConds(tenantId: number, level: number, bbox: Bbox | undefined): Sql {
  const conds = [sql`j.tenant_id = ${tenantId}`, sql`j.level = ${level}`];
  if (bbox) conds.push(sql`j.geom && ${envelope(bbox)} and st_intersects(j.geom, ${envelope(bbox)})`);
  return and(conds);
}

/** An instant covers `[at, at + span)`: a date its day, a date-time its second (datetime.ts). */
function timeConds(column: Sql, time: TimeFilter | undefined): Sql[] {
  const conds: Sql[] = [];
  if (time?.from) conds.push(sql`${column} >= ${time.from.at}::timestamptz`);
  if (time?.to) conds.push(sql`${column} < ${time.to.at}::timestamptz + ${time.to.span}::interval`);
  return conds;
}

function householdConds(tenantId: number, bbox: Bbox | undefined, time: TimeFilter | undefined): Sql {
  const conds = [sql`h.tenant_id = ${tenantId}`, ...timeConds(sql`h.created_at`, time)];
  if (bbox) conds.push(sql`h.geom && ${envelope(bbox)}`);
  return and(conds);
}

// The parent is joined under row-level security too: its code is null when the parent lies
// outside the caller's subtree (a grid worker does not see their community).
const jurisdictionFrom = sql`jurisdictions j left join jurisdictions p on p.tenant_id = j.tenant_id and p.id = j.parent_id`;
const jurisdictionColumns = sql`j.id, j.code, j.name, j.level, j.parent_id, p.code as parent_code, st_asgeojson(j.geom, 7)::json as geometry`;
const householdColumns = sql`h.id, h.address, h.building, h.unit, h.room, h.grid_id, h.created_at, st_x(h.geom) as lon, st_y(h.geom) as lat`;

export const jurisdictionCount = (tenantId: number, level: number, bbox: Bbox | undefined) =>
  sql`select count(*) as n from jurisdictions j where ${jurisdictionConds(tenantId, level, bbox)}`;

export const jurisdictionPage = (tenantId: number, level: number, bbox: Bbox | undefined, limit: number, offset: number) =>
  sql`select ${jurisdictionColumns} from ${jurisdictionFrom} where ${jurisdictionConds(tenantId, level, bbox)}
       order by j.id limit ${limit} offset ${offset}`;

export const jurisdictionById = (tenantId: number, level: number, id: number) =>
  sql`select ${jurisdictionColumns} from ${jurisdictionFrom} where j.tenant_id = ${tenantId} and j.level = ${level} and j.id = ${id}`;

export const jurisdictionExtent = (tenantId: number, level: number) =>
  sql`select st_xmin(e) as x0, st_ymin(e) as y0, st_xmax(e) as x1, st_ymax(e) as y1
        from (select st_extent(geom) as e from jurisdictions where tenant_id = ${tenantId} and level = ${level}) s`;

export const householdCount = (tenantId: number, bbox: Bbox | undefined, time: TimeFilter | undefined) =>
  sql`select count(*) as n from households h where ${householdConds(tenantId, bbox, time)}`;

export const householdPage = (tenantId: number, bbox: Bbox | undefined, time: TimeFilter | undefined, limit: number, offset: number) =>
  sql`select ${householdColumns} from households h where ${householdConds(tenantId, bbox, time)}
       order by h.id limit ${limit} offset ${offset}`;

export const householdById = (tenantId: number, id: number) =>
  sql`select ${householdColumns} from households h where h.tenant_id = ${tenantId} and h.id = ${id}`;

/** Spatial extent and the span of created_at (what `datetime` filters on). */
export const householdExtent = (tenantId: number) =>
  sql`select st_xmin(e) as x0, st_ymin(e) as y0, st_xmax(e) as x1, st_ymax(e) as y1, t0, t1
        from (select st_extent(geom) as e, min(created_at) as t0, max(created_at) as t1
                from households where tenant_id = ${tenantId}) s`;
