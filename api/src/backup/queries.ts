// All SQL of backup and restore (owner connection).
import { raw, sql } from '../db/sql.ts';

/** Tables of the target other than PostGIS's own: a restore goes into an empty database only. */
export const userTables = sql`select count(*)::int as n from pg_tables
  where schemaname not in ('pg_catalog', 'information_schema') and tablename <> 'spatial_ref_sys'`;

export const extensions = sql`select extname from pg_extension`;

export const publicTables = sql`select tablename as t from pg_tables
  where schemaname = 'public' and tablename <> 'spatial_ref_sys' order by tablename`;

/** Rows of one table (its name comes from publicTables and is checked). */
export function rowCount(table: string) {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`unexpected table name ${table}`);
  return sql`select count(*)::bigint as n from public.${raw(table)}`;
}
