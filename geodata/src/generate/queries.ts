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

/**
 * Ids for `n` new rows of `table`, taken from its identity sequence in ascending order, so that rows
 * can be linked (persons to households, events to persons) before they are loaded. Usually they
 * are one run (first..last, `ids` null); only when other sessions drew from the sequence meanwhile
 * does `ids` list them.
 */
export const reserveIds = (table: 'households' | 'persons', n: number) =>
  sql`with r as (select nextval(pg_get_serial_sequence(${table}, 'id')) as id from generate_series(1, ${n}::int))
      select min(id) as first, max(id) as last,
             case when max(id) - min(id) + 1 = ${n}::int then null else array_agg(id order by id) end as ids
        from r`;

/** An unlogged table that a COPY fills with `columns` of `table` (ids included). The name is the generator's, never input. */
export const createStage = (stage: string, table: string, columns: readonly string[]) =>
  raw(`create unlogged table ${stage} as select ${columns.join(', ')} from ${table} with no data`);

/** The GiST index app.covering_grids probes, built once the stage is full (faster than row by row during the COPY). */
export const indexStage = (stage: string) => raw(`create index ${stage}_geom on ${stage} using gist (geom)`);

/** Empties the stage and drops its index for the next COPY. */
export const clearStage = (stage: string) => raw(`drop index ${stage}_geom; truncate ${stage}`);

export const dropStage = (stage: string) => raw(`drop table if exists ${stage}`);

/**
 * Lets this transaction write derived grids without the per-row trigger (migration 0022), and load
 * persons without a live event each (0026): a generated city's history is not news for open
 * dashboards (they load the counts), and 100,000 events would only fill the live feed.
 */
export const bulkDerivation = raw(`select set_config('app.bulk_derivation', 'on', true), set_config('app.bulk_live_events', 'on', true)`);

/** Moves the staged rows into `table`, each with the grid that covers its point, derived set-based. */
/** Whether the owner may run a bulk transaction in replica mode (see migration 0028). */
export const replicaAllowed = raw(`select has_parameter_privilege('session_replication_role', 'SET') as ok`);

/** No row-by-row foreign-key checks or origin row triggers for the rest of the transaction. */
export const replicaMode = raw(`set local session_replication_role = replica`);

export const lockTenant = (tenantId: number) => sql`select 1 from tenants where id = ${tenantId} for key share`;

/**
 * The foreign key (tenant_id, column) → referenced (tenant_id, id) of the tenant's rows with ids in
 * a range, checked set-based: locks the referenced rows (as each row's check would have) and
 * returns how many distinct values have none. Table and column names are the generator's own.
 */
export const lockReferenced = (tenantId: number, table: string, ids: readonly [number, number], column: string, references: string) =>
  sql`with k as (
        select distinct x.${raw(column)} as id from ${raw(table)} x
         where x.tenant_id = ${tenantId} and x.id between ${ids[0]} and ${ids[1]} and x.${raw(column)} is not null
      ), l as (
        select r.id from ${raw(references)} r join k on r.tenant_id = ${tenantId} and r.id = k.id
           for key share of r
      )
      select ((select count(*) from k) - (select count(*) from l))::int as dangling`;

export const insertStaged = (tenantId: number, table: string, stage: string, columns: readonly string[]) =>
  sql`insert into ${raw(table)} (${raw(columns.join(', '))}, grid_id, grid_path) overriding system value
      select ${raw(columns.map((c) => `s.${c}`).join(', '))}, c.grid_id, c.grid_path
        from ${raw(stage)} s left join app.covering_grids(${tenantId}::integer, ${stage}::regclass) c on c.id = s.id`;

/** Moves the staged rows into `table` as they are; returns how many and the range of their new ids. */
export const moveStaged = (table: string, stage: string, columns: readonly string[]) =>
  raw(`with ins as (insert into ${table} (${columns.join(', ')}) select ${columns.join(', ')} from ${stage} returning id)
       select count(*)::int as n, min(id) as min, max(id) as max from ins`);

export const truncateStage = (stage: string) => raw(`truncate ${stage}`);

export const analyze = (tables: readonly string[]) => raw(`analyze ${tables.join(', ')}`);

/**
 * `perPerson` health checks for every person of the tenant, set-based: check k of a person falls
 * on day k after registration (never in the future), alternates doctor/self, and takes a
 * temperature and symptoms from a hash of (person, k) so reruns give the same rows. About 4 % are
 * abnormal (≥ 37.3 °C or a symptom). A doctor's check is recorded by the generated doctor of the
 * person's community (none when the tenant has no such user). Persons with ids in the given range
 * only. Returns the number of rows and the range of their ids.
 */
export const insertHealthChecks = (tenantId: number, perPerson: number, now: Date, recorderPrefix: string, persons: readonly [number, number]) =>
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
         where p.tenant_id = ${tenantId} and p.id between ${persons[0]} and ${persons[1]}
      ), ins as (
        insert into health_checks (tenant_id, person_id, kind, fever, cough, fatigue, temperature, abnormal, geom, device_time, created_at, recorder_user_id)
        select ${tenantId}, id, case when k % 2 = 0 then 'doctor' else 'self' end,
               h >= 985, h between 970 and 984, h between 960 and 969,
               case when h >= 985 then 37.5 + (h - 985) / 10.0 else 36.0 + (h % 12) / 10.0 end,
               h >= 960, geom, t, t, case when k % 2 = 0 then recorder end
          from src
         cross join lateral (select least(created_at + make_interval(days => k, hours => 9 + (h % 9)), ${now.toISOString()}::timestamptz) as t) c
        returning id
      )
      select count(*)::int as n, min(id) as min, max(id) as max from ins`;

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
