// All SQL of the organisation feature: departments, positions, roles, users (run inside withScope:
// row-level security keeps every statement in the caller's tenant).
import { and, join, raw, sql, type Sql } from '../db/sql.ts';

// ---- departments ----
export const departments = (tenantId: number) =>
  sql`select d.id, d.parent_id, d.name, d.active, d.version, d.created_at,
             (select count(*)::int from users u where u.tenant_id = d.tenant_id and u.department_id = d.id) as users,
             (select count(*)::int from positions p where p.tenant_id = d.tenant_id and p.department_id = d.id) as positions
        from departments d where d.tenant_id = ${tenantId} order by d.name, d.id`;

export const departmentById = (tenantId: number, id: number) =>
  sql`select id, parent_id, name, active from departments where tenant_id = ${tenantId} and id = ${id}`;

export const insertDepartment = (tenantId: number, parentId: number | null, name: string) =>
  sql`insert into departments (tenant_id, parent_id, name) values (${tenantId}, ${parentId}, ${name}) returning id`;

/** An active department of that name under the same parent (other than `exceptId`): names are told apart by their parent. */
export const siblingNamed = (tenantId: number, parentId: number | null, name: string, exceptId: number | null) =>
  sql`select id from departments
       where tenant_id = ${tenantId} and active and parent_id is not distinct from ${parentId}::bigint and name = ${name}
         and id is distinct from ${exceptId}::bigint limit 1`;

/** Whether `candidate` is `id` itself or lies under it (a move there would make a cycle). */
export const isDepartmentOrDescendant = (tenantId: number, id: number, candidate: number) =>
  sql`with recursive sub as (
        select id from departments where tenant_id = ${tenantId} and id = ${id}
        union select d.id from departments d join sub on d.parent_id = sub.id where d.tenant_id = ${tenantId})
      select exists (select 1 from sub where id = ${candidate}) as inside`;

/** Active sub-departments (direct children) of a department. */
export const activeSubDepartments = (tenantId: number, id: number) =>
  sql`select id, name from departments where tenant_id = ${tenantId} and parent_id = ${id} and active order by name, id`;

export const updateDepartment = (tenantId: number, id: number, sets: Sql[]) =>
  sql`update departments set ${join(sets)} where tenant_id = ${tenantId} and id = ${id} returning id`;

// ---- positions ----
export const positions = (tenantId: number) =>
  sql`select p.id, p.department_id, d.name as department_name, p.name, p.active, p.version, p.created_at,
             coalesce((select json_agg(json_build_object('id', r.id, 'code', r.code, 'name', r.name, 'duty', r.duty) order by r.code)
                         from position_roles pr join roles r on r.tenant_id = pr.tenant_id and r.id = pr.role_id
                        where pr.tenant_id = p.tenant_id and pr.position_id = p.id), '[]') as roles,
             (select count(*)::int from user_positions up where up.tenant_id = p.tenant_id and up.position_id = p.id) as users
        from positions p join departments d on d.tenant_id = p.tenant_id and d.id = p.department_id
       where p.tenant_id = ${tenantId} order by d.name, p.name, p.id`;

export const positionById = (tenantId: number, id: number) =>
  sql`select id, department_id, name, active from positions where tenant_id = ${tenantId} and id = ${id}`;

export const insertPosition = (tenantId: number, departmentId: number, name: string) =>
  sql`insert into positions (tenant_id, department_id, name) values (${tenantId}, ${departmentId}, ${name}) returning id`;

export const updatePosition = (tenantId: number, id: number, sets: Sql[]) =>
  sql`update positions set ${join(sets)} where tenant_id = ${tenantId} and id = ${id} returning id`;

export const setPositionRoles = (tenantId: number, positionId: number, roleIds: number[]) =>
  sql`with gone as (delete from position_roles where tenant_id = ${tenantId} and position_id = ${positionId} and role_id <> all(${roleIds}::bigint[]))
      insert into position_roles (tenant_id, position_id, role_id) select ${tenantId}, ${positionId}, unnest(${roleIds}::bigint[]) on conflict do nothing`;

export const usersOfPosition = (tenantId: number, positionId: number) =>
  sql`select user_id from user_positions where tenant_id = ${tenantId} and position_id = ${positionId}`;

/** A role's permission codes now (for the audit's before and after). */
export const rolePermissions = (tenantId: number, roleId: number) =>
  sql`select permission_code from role_permissions where tenant_id = ${tenantId} and role_id = ${roleId} order by permission_code`;

/** The role ids a position carries now. */
export const positionRoleIds = (tenantId: number, positionId: number) =>
  sql`select role_id from position_roles where tenant_id = ${tenantId} and position_id = ${positionId} order by role_id`;

/** Active users holding a role, directly or through an active position (who lose it when it is disabled). */
export const activeHoldersOfRole = (tenantId: number, roleId: number) =>
  sql`select count(distinct x.user_id)::int as n from (
        select ur.user_id from user_roles ur where ur.tenant_id = ${tenantId} and ur.role_id = ${roleId}
        union select up.user_id from user_positions up
          join positions p on p.tenant_id = up.tenant_id and p.id = up.position_id and p.active
          join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
         where up.tenant_id = ${tenantId} and pr.role_id = ${roleId}) x
        join users u on u.tenant_id = ${tenantId} and u.id = x.user_id and u.active`;

/** Active users holding a position (who lose its roles when it is disabled). */
export const activeHoldersOfPosition = (tenantId: number, positionId: number) =>
  sql`select count(*)::int as n from user_positions up join users u on u.tenant_id = up.tenant_id and u.id = up.user_id and u.active
       where up.tenant_id = ${tenantId} and up.position_id = ${positionId}`;

// ---- roles ----
export const roles = (tenantId: number) =>
  sql`select r.id, r.code, r.name, r.active, r.builtin, r.duty, r.version, r.created_at,
             coalesce((select array_agg(rp.permission_code order by rp.permission_code) from role_permissions rp
                        where rp.tenant_id = r.tenant_id and rp.role_id = r.id), '{}') as permissions,
             (select count(distinct u)::int from (
                select ur.user_id as u from user_roles ur where ur.tenant_id = r.tenant_id and ur.role_id = r.id
                union select up.user_id from user_positions up join position_roles pr
                        on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
                      where up.tenant_id = r.tenant_id and pr.role_id = r.id) x) as users
        from roles r where r.tenant_id = ${tenantId} order by r.builtin desc, r.id`;

export const rolesByIds = (tenantId: number, ids: number[]) =>
  sql`select id, code, name, duty, active from roles where tenant_id = ${tenantId} and id = any(${ids}::bigint[])`;

export const roleById = (tenantId: number, id: number) =>
  sql`select id, code, name, duty, active, builtin from roles where tenant_id = ${tenantId} and id = ${id}`;

export const roleByCode = (tenantId: number, code: string) => sql`select id from roles where tenant_id = ${tenantId} and code = ${code}`;

/** Other roles of the tenant with this name (names are compared trimmed and case-insensitively). */
export const rolesNamed = (tenantId: number, name: string, exceptId: number | null) =>
  sql`select id, code from roles where tenant_id = ${tenantId} and lower(btrim(name)) = lower(btrim(${name})) and id is distinct from ${exceptId}`;

export const insertRole = (tenantId: number, code: string, name: string) =>
  sql`insert into roles (tenant_id, code, name) values (${tenantId}, ${code}, ${name}) returning id`;

export const updateRole = (tenantId: number, id: number, sets: Sql[]) =>
  sql`update roles set ${join(sets)} where tenant_id = ${tenantId} and id = ${id} returning id`;

export const setRolePermissions = (tenantId: number, roleId: number, permissions: string[]) =>
  sql`with gone as (delete from role_permissions where tenant_id = ${tenantId} and role_id = ${roleId} and permission_code <> all(${permissions}::text[]))
      insert into role_permissions (tenant_id, role_id, permission_code) select ${tenantId}, ${roleId}, unnest(${permissions}::text[]) on conflict do nothing`;

export const permissionCatalogue = () => sql`select code, description from permissions order by code`;

// ---- users ----
const USER_COLUMNS = sql`u.id, u.username, u.display_name, u.department_id, d.name as department_name, u.phone_masked, u.version,
  u.active, greatest(u.locked_until, app.login_name_blocked_until(u.username)) as locked_until, u.must_change_password, u.totp_secret_enc is not null as totp_enabled, u.is_demo, u.created_at, u.updated_at,
  coalesce((select json_agg(json_build_object('id', p.id, 'name', p.name) order by p.id) from user_positions up
              join positions p on p.tenant_id = up.tenant_id and p.id = up.position_id
             where up.tenant_id = u.tenant_id and up.user_id = u.id), '[]') as positions,
  coalesce((select json_agg(json_build_object('id', r.id, 'code', r.code, 'name', r.name) order by r.id) from user_roles ur
              join roles r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
             where ur.tenant_id = u.tenant_id and ur.user_id = u.id), '[]') as roles,
  coalesce((select json_agg(json_build_object('id', j.id, 'name', j.name, 'level', j.level, 'path', j.path::text,
                'parentName', (select up.name from jurisdictions up where up.tenant_id = j.tenant_id and up.id = j.parent_id)) order by j.path)
              from user_scopes us join jurisdictions j on j.tenant_id = us.tenant_id and j.id = us.jurisdiction_id
             where us.tenant_id = u.tenant_id and us.user_id = u.id), '[]') as scope,
  (select array_agg(distinct r.duty order by r.duty) from roles r
    where r.tenant_id = u.tenant_id and r.duty is not null
      and (exists (select 1 from user_roles ur where ur.tenant_id = r.tenant_id and ur.user_id = u.id and ur.role_id = r.id)
           or exists (select 1 from user_positions up join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
                       where up.tenant_id = r.tenant_id and up.user_id = u.id and pr.role_id = r.id))) as duties`;

export interface UserFilter {
  text?: string;
  phoneHash?: Buffer;
  departmentId?: number;
  positionId?: number;
  roleId?: number;
  status?: 'active' | 'disabled' | 'locked';
  limit: number;
  offset: number;
}

export function users(tenantId: number, f: UserFilter): Sql {
  const conds: Sql[] = [sql`u.tenant_id = ${tenantId}`];
  if (f.phoneHash) conds.push(sql`u.phone_hash = ${f.phoneHash}`);
  else if (f.text) {
    const like = `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(sql`(u.username ilike ${like} or u.display_name ilike ${like})`);
  }
  if (f.departmentId) conds.push(sql`u.department_id = ${f.departmentId}`);
  if (f.positionId) conds.push(sql`exists (select 1 from user_positions up where up.tenant_id = u.tenant_id and up.user_id = u.id and up.position_id = ${f.positionId})`);
  if (f.roleId) {
    conds.push(sql`(exists (select 1 from user_roles ur where ur.tenant_id = u.tenant_id and ur.user_id = u.id and ur.role_id = ${f.roleId})
                 or exists (select 1 from user_positions up join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
                             where up.tenant_id = u.tenant_id and up.user_id = u.id and pr.role_id = ${f.roleId}))`);
  }
  if (f.status === 'disabled') conds.push(sql`not u.active`);
  // locked: the account, or its name from some address after failed sign-ins (migration 0030)
  if (f.status === 'locked') conds.push(sql`u.active and greatest(u.locked_until, app.login_name_blocked_until(u.username)) > now()`);
  if (f.status === 'active') conds.push(sql`u.active and coalesce(greatest(u.locked_until, app.login_name_blocked_until(u.username)) <= now(), true)`);
  return sql`select ${USER_COLUMNS}, count(*) over () as total
               from users u left join departments d on d.tenant_id = u.tenant_id and d.id = u.department_id
              where ${and(conds)} order by u.id limit ${f.limit} offset ${f.offset}`;
}

export const userById = (tenantId: number, id: number) =>
  sql`select ${USER_COLUMNS} from users u left join departments d on d.tenant_id = u.tenant_id and d.id = u.department_id
       where u.tenant_id = ${tenantId} and u.id = ${id}`;

export const userIdByUsername = (tenantId: number, username: string) =>
  sql`select id from users where tenant_id = ${tenantId} and lower(username) = lower(${username})`;

export const existingUsernames = (tenantId: number, usernames: string[]) =>
  sql`select lower(username) as username from users where tenant_id = ${tenantId} and lower(username) = any(${usernames.map((u) => u.toLowerCase())}::text[])`;

export interface UserRow {
  username: string;
  displayName: string;
  passwordHash: string;
  departmentId: number | null;
  phoneEnc: Buffer | null;
  phoneHash: Buffer | null;
  phoneMasked: string | null;
}

export const insertUser = (tenantId: number, u: UserRow) =>
  sql`insert into users (tenant_id, username, display_name, password_hash, department_id, phone_enc, phone_hash, phone_masked, must_change_password)
      values (${tenantId}, ${u.username}, ${u.displayName}, ${u.passwordHash}, ${u.departmentId}, ${u.phoneEnc}, ${u.phoneHash}, ${u.phoneMasked}, true)
      returning id`;

export const updateUser = (tenantId: number, id: number, sets: Sql[]) =>
  sql`update users set ${join([...sets, sql`updated_at = now()`])} where tenant_id = ${tenantId} and id = ${id} returning id`;

export const setUserPositions = (tenantId: number, userId: number, ids: number[]) =>
  sql`with gone as (delete from user_positions where tenant_id = ${tenantId} and user_id = ${userId} and position_id <> all(${ids}::bigint[]))
      insert into user_positions (tenant_id, user_id, position_id) select ${tenantId}, ${userId}, unnest(${ids}::bigint[]) on conflict do nothing`;

export const setUserRoles = (tenantId: number, userId: number, ids: number[]) =>
  sql`with gone as (delete from user_roles where tenant_id = ${tenantId} and user_id = ${userId} and role_id <> all(${ids}::bigint[]))
      insert into user_roles (tenant_id, user_id, role_id) select ${tenantId}, ${userId}, unnest(${ids}::bigint[]) on conflict do nothing`;

export const setUserScopes = (tenantId: number, userId: number, ids: number[]) =>
  sql`with gone as (delete from user_scopes where tenant_id = ${tenantId} and user_id = ${userId} and jurisdiction_id <> all(${ids}::bigint[]))
      insert into user_scopes (tenant_id, user_id, jurisdiction_id) select ${tenantId}, ${userId}, unnest(${ids}::bigint[]) on conflict do nothing`;

/** The position and direct role ids a user holds now. */
export const userAssignments = (tenantId: number, userId: number) =>
  sql`select coalesce((select array_agg(position_id) from user_positions where tenant_id = ${tenantId} and user_id = ${userId}), '{}') as position_ids,
             coalesce((select array_agg(role_id) from user_roles where tenant_id = ${tenantId} and user_id = ${userId}), '{}') as role_ids`;

/**
 * Users among `userIds` who would hold two or more duties (三员分立), with each duty's role and
 * whether it comes from a position or directly. Disabled roles and positions count too: enabling
 * them again must not combine duties.
 */
export const dutyConflicts = (tenantId: number, userIds: number[]) =>
  sql`with held as (
        select up.user_id, r.code, r.name, r.duty, p.name as via from user_positions up
          join positions p on p.tenant_id = up.tenant_id and p.id = up.position_id
          join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
          join roles r on r.tenant_id = pr.tenant_id and r.id = pr.role_id
         where up.tenant_id = ${tenantId} and up.user_id = any(${userIds}::bigint[]) and r.duty is not null
        union
        select ur.user_id, r.code, r.name, r.duty, null from user_roles ur
          join roles r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
         where ur.tenant_id = ${tenantId} and ur.user_id = any(${userIds}::bigint[]) and r.duty is not null)
      select h.user_id, u.username,
             json_agg(json_build_object('duty', h.duty, 'role', h.code, 'roleName', h.name, 'position', h.via) order by h.duty, h.code) as held
        from held h join users u on u.tenant_id = ${tenantId} and u.id = h.user_id
       group by h.user_id, u.username
      having count(distinct h.duty) > 1`;

/**
 * One organisation change at a time per tenant (transaction-level advisory lock): the checks that
 * read the tree, the duty holders or the role names and the write that follows see the same state.
 */
export const lockOrganisation = (tenantId: number) => sql`select pg_advisory_xact_lock(7301031, ${tenantId}::integer)`;

/**
 * Who holds each duty (三员分立) now: active users with the duty's role, directly or through an
 * active position (what app.session_principal grants).
 */
export const dutyHolders = (tenantId: number) =>
  sql`select distinct x.user_id, u.username, r.duty from (
        select ur.user_id, ur.role_id from user_roles ur where ur.tenant_id = ${tenantId}
        union
        select up.user_id, pr.role_id from user_positions up
          join positions p on p.tenant_id = up.tenant_id and p.id = up.position_id and p.active
          join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
         where up.tenant_id = ${tenantId}) x
        join roles r on r.tenant_id = ${tenantId} and r.id = x.role_id and r.active and r.duty is not null
        join users u on u.tenant_id = ${tenantId} and u.id = x.user_id and u.active
       order by r.duty, u.username`;

/** The duties a user is given, directly or through any position (active or not), account active or not. */
export const dutiesAssigned = (tenantId: number, userId: number) =>
  sql`select distinct r.duty from roles r
       where r.tenant_id = ${tenantId} and r.duty is not null
         and (exists (select 1 from user_roles ur where ur.tenant_id = r.tenant_id and ur.user_id = ${userId} and ur.role_id = r.id)
              or exists (select 1 from user_positions up join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
                          where up.tenant_id = r.tenant_id and up.user_id = ${userId} and pr.role_id = r.id))
       order by r.duty`;

/** Jurisdiction nodes among `ids` that the caller sees (row-level security keeps the others out). */
export const visibleNodes = (tenantId: number, ids: number[]) =>
  sql`select id from jurisdictions where tenant_id = ${tenantId} and id = any(${ids}::bigint[])`;

export const revokeSessions = (tenantId: number, userId: number) =>
  sql`update sessions set revoked_at = now() where tenant_id = ${tenantId} and user_id = ${userId} and revoked_at is null`;

/** The caller's jurisdiction nodes (row-level security) by code, for the Excel template and import. */
export const scopeNodes = (tenantId: number) =>
  sql`select id, code, name from jurisdictions where tenant_id = ${tenantId} order by path limit 20000`;

/** The organisation's tables whose records carry a version (migration 0044). */
export type Versioned = 'users' | 'departments' | 'positions' | 'roles';

/**
 * Takes the record's next version for an edit, if it is still at `expected` (when given): the row
 * stays locked to the transaction, so a second edit of the same version waits and then finds none.
 */
export const claimVersion = (table: Versioned, tenantId: number, id: number, expected: number | undefined) =>
  sql`update ${raw(table)} set version = version + 1
       where tenant_id = ${tenantId} and id = ${id}${expected === undefined ? sql`` : sql` and version = ${expected}`}
   returning version`;

export const versionOf = (table: Versioned, tenantId: number, id: number) =>
  sql`select version from ${raw(table)} where tenant_id = ${tenantId} and id = ${id}`;
