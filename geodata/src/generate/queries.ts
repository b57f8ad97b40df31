// All SQL of the generator (owner connection). COPY statements are built by Database.copyText.
import { raw, sql } from '../../../api/src/db/sql.ts';

export const createTenant = (code: string, name: string, settings: object) =>
  sql`insert into tenants (code, name, settings) values (${code}, ${name}, ${JSON.stringify(settings)}::jsonb)
      on conflict (code) do nothing returning id`;

export const deleteTenant = (tenantId: number) => sql`delete from tenants where id = ${tenantId}`;

/** One level of the tree, set-based; returns the generated ids by code. */
export const insertLevel = (tenantId: number, rows: object[]) =>
  sql`insert into jurisdictions (tenant_id, parent_id, code, name, level, geom)
      select ${tenantId}, r.parent_id, r.code, r.name, r.level, st_geomfromewkt(r.geom)
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(parent_id bigint, code text, name text, level smallint, geom text)
      returning id, code`;

export const householdsWithoutGrid = (tenantId: number) =>
  sql`select count(*)::int as n from households where tenant_id = ${tenantId} and grid_id is null`;

/** Ids created after `after`, in insertion order (identity values grow with COPY order). */
export const newIds = (table: 'households' | 'persons', tenantId: number, after: number) =>
  sql`select id from ${raw(table)} where tenant_id = ${tenantId} and id > ${after} order by id`;

export const analyze = (tables: readonly string[]) => raw(`analyze ${tables.join(', ')}`);
