// SQL of tenant onboarding (owner connection: a tenant is created before anyone can sign in to it).
import { sql } from '../db/sql.ts';

export const insertTenant = (code: string, name: string) =>
  sql`insert into tenants (code, name) values (${code}, ${name}) on conflict (code) do nothing returning id`;

export const insertAdmin = (tenantId: number, username: string, displayName: string, hash: string) =>
  sql`insert into users (tenant_id, username, display_name, password_hash, is_demo, must_change_password)
      values (${tenantId}, ${username}, ${displayName}, ${hash}, false, true) returning id`;

/** The first admin holds a position but no jurisdiction yet: the tenant has no tree until it uploads one. */
export const assignPosition = (tenantId: number, userId: number, positionId: number) =>
  sql`insert into user_positions (tenant_id, user_id, position_id) values (${tenantId}, ${userId}, ${positionId})`;

export const tenantByCode = (code: string) => sql`select id from tenants where code = ${code}`;

export const userByName = (tenantId: number, username: string) =>
  sql`select id, username, active from users where tenant_id = ${tenantId} and lower(username) = lower(${username})`;

/** A new temporary password, to be changed at the next sign-in; the lock, and optionally the second factor, gone. */
export const resetPassword = (tenantId: number, userId: number, hash: string, totp: boolean) =>
  sql`update users set password_hash = ${hash}, must_change_password = true, password_changed_at = now(), locked_until = null, failed_logins = 0,
             totp_secret_enc = case when ${totp}::boolean then null else totp_secret_enc end,
             totp_pending_enc = case when ${totp}::boolean then null else totp_pending_enc end,
             totp_enabled_at = case when ${totp}::boolean then null else totp_enabled_at end,
             updated_at = now()
       where tenant_id = ${tenantId} and id = ${userId}`;

export const dutyRole = (tenantId: number, code: string) =>
  sql`select id, code, name, duty from roles where tenant_id = ${tenantId} and code = ${code} and duty is not null`;

/** Removes a role from every user but one: directly, and by taking them off the positions that carry it. */
export const removeRoleFromOthers = (tenantId: number, roleId: number, keepUserId: number) =>
  sql`with direct as (
        delete from user_roles where tenant_id = ${tenantId} and role_id = ${roleId} and user_id <> ${keepUserId} returning user_id, null::text as via),
      positioned as (
        delete from user_positions up using positions p
         where up.tenant_id = ${tenantId} and up.user_id <> ${keepUserId} and p.tenant_id = up.tenant_id and p.id = up.position_id
           and exists (select 1 from position_roles pr where pr.tenant_id = up.tenant_id and pr.position_id = up.position_id and pr.role_id = ${roleId})
        returning up.user_id, p.name as via)
      select u.username, x.via from (select * from direct union all select * from positioned) x
        join users u on u.tenant_id = ${tenantId} and u.id = x.user_id
       order by u.username, x.via nulls first`;

/** Whether the user holds the role now, directly or through an active position. */
export const holdsRole = (tenantId: number, userId: number, roleId: number) =>
  sql`select exists (select 1 from user_roles where tenant_id = ${tenantId} and user_id = ${userId} and role_id = ${roleId})
          or exists (select 1 from user_positions up join positions p on p.tenant_id = up.tenant_id and p.id = up.position_id and p.active
                       join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
                      where up.tenant_id = ${tenantId} and up.user_id = ${userId} and pr.role_id = ${roleId}) as holds`;

export const grantRole = (tenantId: number, userId: number, roleId: number) =>
  sql`insert into user_roles (tenant_id, user_id, role_id) values (${tenantId}, ${userId}, ${roleId}) on conflict do nothing`;
