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

/**
 * `perPerson` health checks for every person of the tenant, set-based: check k of a person falls
 * on day k after registration (never in the future), alternates doctor/self, and takes a
 * temperature and symptoms from a hash of (person, k) so reruns give the same rows. About 4 % are
 * abnormal (≥ 37.3 °C or a symptom). A doctor's check is recorded by the generated doctor of the
 * person's community (none when the tenant has no such user). Returns the number of rows.
 */
export const insertHealthChecks = (tenantId: number, perPerson: number, now: Date, recorderPrefix: string) =>
  sql`with recorders as (
        -- the generated doctor of each grid's community records that grid's doctor checks (staff.ts)
        select g.id as grid_id, u.id as user_id
          from jurisdictions g
          join jurisdictions c on c.tenant_id = g.tenant_id and c.id = g.parent_id
          join users u on u.tenant_id = g.tenant_id and lower(u.username) = lower(${recorderPrefix} || c.code)
         where g.tenant_id = ${tenantId} and g.level = 5
      ), src as (
        select p.id, p.geom, p.created_at, k, r.user_id as recorder,
               abs(hashtext(p.id::text || ':' || k)) % 1000 as h
          from persons p cross join generate_series(0, ${perPerson}::int - 1) as k
          left join recorders r on r.grid_id = p.grid_id
         where p.tenant_id = ${tenantId}
      ), ins as (
        insert into health_checks (tenant_id, person_id, kind, fever, cough, fatigue, temperature, abnormal, geom, device_time, created_at, recorder_user_id)
        select ${tenantId}, id, case when k % 2 = 0 then 'doctor' else 'self' end,
               h >= 985, h between 970 and 984, h between 960 and 969,
               case when h >= 985 then 37.5 + (h - 985) / 10.0 else 36.0 + (h % 12) / 10.0 end,
               h >= 960, geom, t, t, case when k % 2 = 0 then recorder end
          from src
         cross join lateral (select least(created_at + make_interval(days => k, hours => 9 + (h % 9)), ${now.toISOString()}::timestamptz) as t) c
        returning 1
      )
      select count(*)::int as n from ins`;

export const healthCheckCount = (tenantId: number) =>
  sql`select count(*)::int as n from health_checks where tenant_id = ${tenantId}`;

/** Staff rows of the generator (staff.ts) and their scopes, in one statement; returns how many. */
export const insertRecorders = (tenantId: number, rows: object[], passwordHash: string) =>
  sql`with r as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(jurisdiction_id bigint, username text, display_name text)
      ), u as (
        insert into users (tenant_id, username, display_name, password_hash, is_demo)
        select ${tenantId}, r.username, r.display_name, ${passwordHash}, true from r order by r.username
        returning id, username
      ), s as (
        insert into user_scopes (tenant_id, user_id, jurisdiction_id)
        select ${tenantId}, u.id, r.jurisdiction_id from u join r on r.username = u.username
        returning 1
      )
      select count(*)::int as n from s`;
