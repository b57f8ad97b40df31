// All SQL of households; row-level security limits rows to the caller's grids.
import { sql } from '../db/sql.ts';
import type { Bbox } from '../geo/bbox.ts';
import { envelope } from '../jurisdictions/queries.ts';

export const inBbox = (tenantId: number, bbox: Bbox, limit: number) =>
  sql`select h.id, h.address, h.building, h.unit, h.room, h.grid_id, st_x(h.geom) as lon, st_y(h.geom) as lat,
             (select count(*) from persons p where p.tenant_id = h.tenant_id and p.household_id = h.id) as persons
        from households h
       where h.tenant_id = ${tenantId} and h.geom && ${envelope(bbox)}
       order by h.id
       limit ${limit}`;

export const byId = (tenantId: number, id: number) =>
  sql`select h.id, h.address, h.building, h.unit, h.room, h.grid_id, g.name as grid_name,
             st_x(h.geom) as lon, st_y(h.geom) as lat, h.created_at,
             (select count(*) from persons p where p.tenant_id = h.tenant_id and p.household_id = h.id) as persons
        from households h
        left join jurisdictions g on g.tenant_id = h.tenant_id and g.id = h.grid_id
       where h.tenant_id = ${tenantId} and h.id = ${id}`;

export const insert = (tenantId: number, h: { lon: number; lat: number; address: string; building?: string; unit?: string; room?: string }) =>
  sql`insert into households (tenant_id, geom, address, building, unit, room)
      values (${tenantId}, st_setsrid(st_makepoint(${h.lon}, ${h.lat}), 4326), ${h.address},
              ${h.building ?? null}, ${h.unit ?? null}, ${h.room ?? null})
      returning id`;
