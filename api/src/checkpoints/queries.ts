// All SQL of checkpoint work beyond the pass itself: who an ID number belongs to, where a point
// lies, the fever threshold, and restarting a returning person's observation.
import { sql } from '../db/sql.ts';

/**
 * The person record of an ID number: the live one, else the latest closed one. Run with tenant
 * scope: a person stopped at a checkpoint may be registered anywhere in the city.
 */
export const personOfIdHash = (tenantId: number, idType: string, idHash: Buffer) =>
  sql`select id, status, grid_path::text as grid_path from persons
       where tenant_id = ${tenantId} and id_type = ${idType} and id_number_hash = ${idHash}
       order by status = 'closed', status_changed_at desc, id desc limit 1`;

/** The grid (visible to the caller) covering a point. */
export const gridAt = (tenantId: number, lon: number, lat: number) =>
  sql`select id, path::text as path from jurisdictions
       where tenant_id = ${tenantId} and level = 5 and st_covers(geom, st_setsrid(st_makepoint(${lon}, ${lat}), 4326))
       order by id limit 1`;

/** Where an unlocated report stands in: the label point of the staff's node. */
export const scopeNode = (tenantId: number, path: string) =>
  sql`select id, st_x(label_point) as lon, st_y(label_point) as lat from jurisdictions where tenant_id = ${tenantId} and path = ${path}::ltree`;

export const feverThreshold = (tenantId: number) =>
  sql`select coalesce((select fever_threshold from check_rules where tenant_id = ${tenantId}), 37.3)::float8 as threshold`;

/**
 * A person back on the watch list starts a new observation today (tenant time zone): the old
 * window has ended, and would put them straight onto the release list.
 */
export const restartObservation = (tenantId: number, personId: number) =>
  sql`update persons p
         set observation_start = (now() at time zone coalesce((select r.timezone from check_rules r where r.tenant_id = p.tenant_id), 'Asia/Shanghai'))::date,
             observation_end = null
       where p.tenant_id = ${tenantId} and p.id = ${personId}
      returning observation_start`;
