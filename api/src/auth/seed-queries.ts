// SQL of the organisation bootstrap (owner connection).
import { sql } from '../db/sql.ts';

export const upsertPermissions = (entries: [string, string][]) =>
  sql`insert into permissions (code, description)
      select * from unnest(${entries.map((e) => e[0])}::text[], ${entries.map((e) => e[1])}::text[])
      on conflict (code) do update set description = excluded.description`;

export const insertRole = (tenantId: number, code: string, name: string, duty: string | null) =>
  sql`insert into roles (tenant_id, code, name, builtin, duty) values (${tenantId}, ${code}, ${name}, true, ${duty}) returning id`;

export const grantPermissions = (tenantId: number, roleId: number, permissions: string[]) =>
  sql`insert into role_permissions (tenant_id, role_id, permission_code)
      select ${tenantId}, ${roleId}, unnest(${permissions}::text[])`;

export const insertDepartment = (tenantId: number, name: string) =>
  sql`insert into departments (tenant_id, name) values (${tenantId}, ${name}) returning id`;

export const insertPosition = (tenantId: number, departmentId: number, name: string, roleId: number) =>
  sql`with p as (insert into positions (tenant_id, department_id, name) values (${tenantId}, ${departmentId}, ${name}) returning id),
           r as (insert into position_roles (tenant_id, position_id, role_id) select ${tenantId}, id, ${roleId} from p)
      select id from p`;

export const nthNode = (tenantId: number, level: number, nth: number) =>
  sql`select id, name from jurisdictions where tenant_id = ${tenantId} and level = ${level} order by code offset ${nth} limit 1`;

export const insertUser = (tenantId: number, username: string, displayName: string, hash: string, isDemo: boolean) =>
  sql`insert into users (tenant_id, username, display_name, password_hash, is_demo)
      values (${tenantId}, ${username}, ${displayName}, ${hash}, ${isDemo}) returning id`;

export const assignUser = (tenantId: number, userId: number, positionId: number, jurisdictionId: number) =>
  sql`with a as (insert into user_positions (tenant_id, user_id, position_id) values (${tenantId}, ${userId}, ${positionId}))
      insert into user_scopes (tenant_id, user_id, jurisdiction_id) values (${tenantId}, ${userId}, ${jurisdictionId})`;

export const demoUserCount = () => sql`select count(*) as n from users where is_demo`;
export const tenantCount = () => sql`select count(*) as n from tenants`;
