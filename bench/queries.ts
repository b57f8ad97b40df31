// All SQL of the benchmark scripts (owner connection unless noted).
import { sql } from '../api/src/db/sql.ts';

export const tenantByCode = (code: string) => sql`select id from tenants where code = ${code}`;

export const userCount = (tenantId: number, prefix: string) =>
  sql`select count(*)::int as n from users where tenant_id = ${tenantId} and starts_with(username, ${prefix})`;

/** Grid label points in a deterministic order, to sample tiles and KNN origins from. */
export const gridPoints = (tenantId: number) =>
  sql`select id, st_x(label_point) as lon, st_y(label_point) as lat, path::text as path
        from jurisdictions where tenant_id = ${tenantId} and level = 5 order by code`;

export const cityExtent = (tenantId: number) =>
  sql`select st_xmin(e) as west, st_ymin(e) as south, st_xmax(e) as east, st_ymax(e) as north
        from (select st_extent(geom) as e from jurisdictions where tenant_id = ${tenantId} and level = 1) s`;

/** Makes every cached tile of the tenant stale (the key holds the version), as any write would. */
export const bumpTileVersion = (tenantId: number) =>
  sql`insert into tile_versions (tenant_id, version) values (${tenantId}, 1)
      on conflict (tenant_id) do update set version = tile_versions.version + 1`;

export const tableCounts = (tenantId: number) =>
  sql`select (select count(*) from jurisdictions where tenant_id = ${tenantId} and level = 5)::int as grids,
             (select count(*) from households where tenant_id = ${tenantId})::int as households,
             (select count(*) from persons where tenant_id = ${tenantId})::int as persons,
             (select count(*) from health_checks where tenant_id = ${tenantId})::int as health_checks,
             (select count(*) from tasks where tenant_id = ${tenantId})::int as tasks`;

export const serverVersions = sql`select current_setting('server_version') as pg, postgis_lib_version() as postgis`;

/** A user's grid: its label point (where the phone is) and the open tasks the user has there. */
export const workerGrid = (tenantId: number, username: string) =>
  sql`select j.id as grid_id, st_x(j.label_point) as lon, st_y(j.label_point) as lat,
             (select count(*) from tasks t where t.tenant_id = j.tenant_id and t.state = 'open'
                 and (t.assignee_user_id = u.id or (t.assignee_user_id is null and t.assignee_jurisdiction_id = j.id)))::int as open_tasks
        from users u
        join user_scopes us on us.tenant_id = u.tenant_id and us.user_id = u.id
        join jurisdictions j on j.tenant_id = us.tenant_id and j.id = us.jurisdiction_id
       where u.tenant_id = ${tenantId} and u.username = ${username}`;

/** Watched persons with a phone and a resident ID, to sign in and bind as bench residents (bench/load.ts). */
export const watchedWithPhone = (tenantId: number, limit: number) =>
  sql`select id, name, id_number_enc, phone_enc from (
        select distinct on (p.phone_hash) p.id, p.name, p.id_number_enc, p.phone_enc from persons p
         where p.tenant_id = ${tenantId} and p.status = 'watching' and p.id_type = 'resident_id'
           and p.phone_enc is not null and p.id_number_enc is not null
           -- a phone gets five SMS codes an hour: residents not signed in by an earlier run
           and not exists (select 1 from sms_codes s where s.tenant_id = p.tenant_id and s.phone_hash = p.phone_hash
                              and s.created_at > now() - interval '1 hour')
           -- one resident per phone (a household may share one), and not a phone an earlier run bound to another
           and not exists (select 1 from citizens c where c.tenant_id = p.tenant_id and c.phone_hash = p.phone_hash
                              and c.person_id is not null and c.person_id <> p.id)
         order by p.phone_hash, p.id) x
       order by id limit ${limit}`;

/** The bare endpoint's one statement: the same row a self-report inserts, without any check. */
export const bareSelfReport = (tenantId: number, personId: number, temperature: number, description: string, deviceTime: string) =>
  sql`insert into health_checks (tenant_id, person_id, kind, fever, cough, fatigue, short_breath, temperature, abnormal, description, device_time)
      values (${tenantId}, ${personId}, 'self', false, false, false, false, ${temperature}, false, ${description}, ${deviceTime}::timestamptz)
      returning id`;

export const cityCentre = (tenantId: number) =>
  sql`select st_x(c) as lon, st_y(c) as lat from (select st_centroid(st_extent(geom)) as c from jurisdictions where tenant_id = ${tenantId} and level = 1) s`;

export const selfReportCount = (tenantId: number) =>
  sql`select count(*)::int as n from health_checks where tenant_id = ${tenantId} and kind = 'self'`;

// ── bench/login.ts ──────────────────────────────────────────────────────────────────────────
/** A staff account of the same name in another tenant (a name that exists in several tenants). */
export const twinUser = (tenantId: number, username: string, passwordHash: string) =>
  sql`insert into users (tenant_id, username, display_name, password_hash) values (${tenantId}, ${username}, '同名', ${passwordHash})`;

export const disableUser = (tenantId: number, username: string) =>
  sql`update users set active = false where tenant_id = ${tenantId} and username = ${username}`;
