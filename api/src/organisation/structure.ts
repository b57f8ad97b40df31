// Departments (a tree), positions (each carrying roles) and roles (each a set of permissions):
// created, edited and disabled, never deleted (history refers to them). Every change is audited.
import { auditTx } from '../audit/audit.ts';
import { DUTY_PERMISSIONS, PERMISSIONS } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Tx, Scoped } from '../db/scope.ts';
import { sql, type Sql } from '../db/sql.ts';
import { AppError, badRequest, conflict, notFound } from '../http/errors.ts';
import { assertDutyRules, assertNoDutyConflict, assertNotAddingHeldDuty, auditingDutyRefusal, DUTY_ZH, dutyHolders, DutyRuleError } from './duties.ts';
import { changed, sentKeys } from './audit-change.ts';
import * as q from './queries.ts';
import { takeVersion } from './versions.ts';
import type { z } from '../http/zod.ts';
import { type DepartmentCreate, type DepartmentPatch, type PositionCreate, type PositionPatch, type RoleCreate, type RolePatch } from './schema.ts';

type Input<T extends z.ZodType> = z.infer<T>;

/**
 * Runs a change and audits it in its transaction, with the `audit` detail the change returns (the
 * fields before and after) or else the input; a duty refusal is audited as denied on its own.
 */
async function audited<T extends { id: number; audit?: Record<string, unknown> }>(
  app: AppContext, scoped: Scoped, user: Principal, action: string, objectType: string, detail: Record<string, unknown>, ip: string | null,
  fn: (tx: Tx) => Promise<T>, objectId?: number,
): Promise<Omit<T, 'audit'>> {
  return auditingDutyRefusal(app, user, action, objectType, objectId, ip, () =>
    scoped(async (tx) => {
      const { audit, ...r } = await fn(tx);
      await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action, objectType, objectId: r.id, ip, result: 'ok', detail: audit ?? detail });
      return r;
    }),
  );
}

// What the audit keeps of each thing, before and after a change.
async function departmentState(tx: Tx, tenantId: number, id: number) {
  const d = await tx.one<{ name: string; parent_id: string | null; active: boolean }>(q.departmentById(tenantId, id));
  return d && { name: d.name, parentId: d.parent_id == null ? null : Number(d.parent_id), active: d.active };
}

async function positionState(tx: Tx, tenantId: number, id: number) {
  const p = await tx.one<{ name: string; department_id: string; active: boolean }>(q.positionById(tenantId, id));
  const roleIds = (await tx.rows<{ role_id: string }>(q.positionRoleIds(tenantId, id))).map((r) => Number(r.role_id));
  return p && { name: p.name, departmentId: Number(p.department_id), active: p.active, roleIds };
}

async function roleState(tx: Tx, tenantId: number, id: number) {
  const r = await tx.one<{ name: string; active: boolean }>(q.roleById(tenantId, id));
  const permissions = (await tx.rows<{ permission_code: string }>(q.rolePermissions(tenantId, id))).map((x) => x.permission_code);
  return r && { name: r.name, active: r.active, permissions };
}

// ---- departments ----
export async function listDepartments(app: AppContext, scoped: Scoped, user: Principal) {
  const rows = await scoped((tx) => tx.rows(q.departments(user.tenantId)));
  return rows.map((r) => ({ id: Number(r.id), parentId: r.parent_id == null ? null : Number(r.parent_id), name: r.name, active: r.active, version: r.version as number, users: r.users, positions: r.positions }));
}

const NOUN_ZH: Record<string, string> = { department: '部门', position: '岗位', role: '角色', 'parent department': '上级部门' };

/** 409: a disabled department, position or role cannot be given or built on (enable it first). */
export function disabledReference(field: string, what: 'department' | 'position' | 'role' | 'parent department', name: string) {
  return new AppError(409, 'disabled', `${field}: ${what} “${name}” is disabled; enable it first`, field)
    .withZh(`${NOUN_ZH[what]}“${name}”已停用，请先启用`);
}

/** The department (400 naming the field when unknown); with `active`, 409 when it is disabled. */
async function requireDepartment(tx: Tx, tenantId: number, id: number, field: string, active?: 'active' | 'parent'): Promise<{ active: boolean; name: string }> {
  const d = await tx.one<{ active: boolean; name: string }>(q.departmentById(tenantId, id));
  if (!d) throw badRequest(`${field}: department ${id} does not exist`, field).withZh(`部门不存在（编号 ${id}）`);
  if (active && !d.active) throw disabledReference(field, active === 'parent' ? 'parent department' : 'department', d.name);
  return d;
}

/** Two active departments under one parent never share a name (the Excel import finds departments by name). */
async function requireUniqueName(tx: Tx, tenantId: number, parentId: number | null, name: string, exceptId: number | null): Promise<void> {
  if (await tx.one(q.siblingNamed(tenantId, parentId, name, exceptId))) {
    throw conflict(`name: a department named “${name}” already exists under the same parent`, 'name').withZh(`同一上级下已有名为“${name}”的部门`);
  }
}

export function createDepartment(app: AppContext, scoped: Scoped, user: Principal, input: Input<typeof DepartmentCreate>, ip: string | null = null) {
  return audited(app, scoped, user, 'department.create', 'department', input, ip, async (tx) => {
    await tx.query(q.lockOrganisation(user.tenantId));
    if (input.parentId) await requireDepartment(tx, user.tenantId, input.parentId, 'parentId', 'parent');
    await requireUniqueName(tx, user.tenantId, input.parentId ?? null, input.name, null);
    const row = await tx.one<{ id: string }>(q.insertDepartment(user.tenantId, input.parentId ?? null, input.name));
    return { id: Number(row!.id) };
  });
}

/**
 * Rename, move or disable/enable a department. Under the tenant's organisation lock, taken before
 * anything is read: the cycle check and the move see the same tree, so two moves at once (A under
 * B, B under A) cannot make a loop. A disabled department takes no new parts: it is refused while
 * it has active sub-departments, and a department is not moved under, or enabled beneath, a
 * disabled one.
 */
export function updateDepartment(app: AppContext, scoped: Scoped, user: Principal, id: number, input: Input<typeof DepartmentPatch>, ip: string | null = null) {
  return audited(app, scoped, user, input.active === false ? 'department.disable' : 'department.update', 'department', input, ip, async (tx) => {
    await tx.query(q.lockOrganisation(user.tenantId));
    const current = await tx.one<{ parent_id: string | null; active: boolean }>(q.departmentById(user.tenantId, id));
    if (!current) throw notFound('department');
    await takeVersion(tx, 'departments', user.tenantId, id, input.version, 'the department');
    const was = (await departmentState(tx, user.tenantId, id))!;
    const sets: Sql[] = [];
    if (input.name !== undefined) sets.push(sql`name = ${input.name}`);
    if (input.active !== undefined) sets.push(sql`active = ${input.active}`);
    if (input.active === false) {
      const subs = await tx.rows<{ name: string }>(q.activeSubDepartments(user.tenantId, id));
      if (subs.length) {
        throw conflict(`active: the department has active sub-departments (${subs.map((d) => d.name).join(', ')}); disable them first`, 'active')
          .withZh(`该部门还有启用中的下级部门（${subs.map((d) => d.name).join('、')}），请先停用它们`);
      }
    }
    const becomesActive = input.active ?? current.active;
    if (input.parentId !== undefined) {
      if (input.parentId !== null) {
        await requireDepartment(tx, user.tenantId, input.parentId, 'parentId', becomesActive && input.parentId !== Number(current.parent_id) ? 'parent' : undefined);
        const r = await tx.one<{ inside: boolean }>(q.isDepartmentOrDescendant(user.tenantId, id, input.parentId));
        if (r?.inside) throw badRequest('parentId: a department cannot move under itself or one of its sub-departments', 'parentId').withZh('部门不能移到自身或其下级部门之下');
      }
      sets.push(sql`parent_id = ${input.parentId}`);
    }
    if (input.active === true && !current.active) {
      const parentId = input.parentId !== undefined ? input.parentId : current.parent_id == null ? null : Number(current.parent_id);
      if (parentId != null) await requireDepartment(tx, user.tenantId, parentId, 'active', 'parent');
    }
    if (input.name !== undefined || input.parentId !== undefined || input.active === true) {
      const parentId = input.parentId !== undefined ? input.parentId : current.parent_id == null ? null : Number(current.parent_id);
      if (becomesActive) await requireUniqueName(tx, user.tenantId, parentId, input.name ?? was.name, id);
    }
    if (sets.length) await tx.query(q.updateDepartment(user.tenantId, id, sets));
    return { id, audit: changed(was, (await departmentState(tx, user.tenantId, id))!, sentKeys(input)) };
  }, id);
}

// ---- positions ----
export async function listPositions(app: AppContext, scoped: Scoped, user: Principal) {
  const rows = await scoped((tx) => tx.rows(q.positions(user.tenantId)));
  return rows.map((r) => ({
    id: Number(r.id), departmentId: Number(r.department_id), departmentName: r.department_name, name: r.name, active: r.active, version: r.version as number,
    roles: r.roles as unknown[], users: r.users,
  }));
}

/**
 * Refuses role ids that are not roles of the tenant (400 naming the field and the ids), and
 * disabled roles (409) unless among `held` (those the user or position has already).
 */
export async function requireRoles(tx: Tx, tenantId: number, ids: number[], field: string, held: number[] = []): Promise<void> {
  if (!ids.length) return;
  const rows = await tx.rows<{ id: string; name: string; active: boolean }>(q.rolesByIds(tenantId, ids));
  const found = new Set(rows.map((r) => Number(r.id)));
  const missing = ids.filter((i) => !found.has(i));
  if (missing.length) throw badRequest(`${field}: no role with id ${missing.join(', ')}`, field).withZh(`角色不存在（编号 ${missing.join('、')}）`);
  const disabled = rows.find((r) => !r.active && !held.includes(Number(r.id)));
  if (disabled) throw disabledReference(field, 'role', disabled.name);
}

export function createPosition(app: AppContext, scoped: Scoped, user: Principal, input: Input<typeof PositionCreate>, ip: string | null = null) {
  return audited(app, scoped, user, 'position.create', 'position', input, ip, async (tx) => {
    await requireDepartment(tx, user.tenantId, input.departmentId, 'departmentId', 'active');
    await requireRoles(tx, user.tenantId, input.roleIds, 'roleIds');
    if (new Set(input.roleIds).size > 1) {
      // A position is held by users: one that combines duties would make every holder combine them.
      await assertRolesCompatible(tx, user.tenantId, input.roleIds);
    }
    if (input.roleIds.length) {
      const before = await dutyHolders(tx, user.tenantId);
      assertNotAddingHeldDuty(await tx.rows(q.rolesByIds(user.tenantId, input.roleIds)), before, 'roleIds');
    }
    const row = await tx.one<{ id: string }>(q.insertPosition(user.tenantId, input.departmentId, input.name));
    const positionId = Number(row!.id);
    if (input.roleIds.length) await tx.query(q.setPositionRoles(user.tenantId, positionId, [...new Set(input.roleIds)]));
    return { id: positionId };
  });
}

async function assertRolesCompatible(tx: Tx, tenantId: number, roleIds: number[]): Promise<void> {
  const roles = await tx.rows<{ code: string; name: string; duty: string | null }>(q.rolesByIds(tenantId, roleIds));
  const withDuty = roles.filter((r) => r.duty);
  if (new Set(withDuty.map((r) => r.duty)).size > 1) {
    throw new DutyRuleError(
      409,
      'conflict',
      `separation of duties (三员分立): roles ${withDuty.map((r) => `${r.name} (${r.duty} administrator)`).join(' and ')} cannot be combined`,
      'roleIds',
      withDuty.map((r) => r.code).sort(),
      'duty_conflict',
    ).withZh(`三员分立：系统管理员、安全管理员、审计管理员角色不能合并（${withDuty.map((r) => r.name).join('、')}）`);
  }
}

export function updatePosition(app: AppContext, scoped: Scoped, user: Principal, id: number, input: Input<typeof PositionPatch>, ip: string | null = null) {
  return audited(app, scoped, user, input.active === false ? 'position.disable' : 'position.update', 'position', input, ip, async (tx) => {
    const before = await dutyHolders(tx, user.tenantId);
    const current = await tx.one<{ department_id: string; active: boolean }>(q.positionById(user.tenantId, id));
    if (!current) throw notFound('position');
    await takeVersion(tx, 'positions', user.tenantId, id, input.version, 'the position');
    const was = (await positionState(tx, user.tenantId, id))!;
    const sets: Sql[] = [];
    if (input.name !== undefined) sets.push(sql`name = ${input.name}`);
    if (input.active !== undefined) sets.push(sql`active = ${input.active}`);
    // an active position is not moved into, or enabled in, a disabled department (one left where it is may stay)
    const active = input.active ?? current.active;
    if (input.departmentId !== undefined) {
      const moves = input.departmentId !== Number(current.department_id);
      await requireDepartment(tx, user.tenantId, input.departmentId, 'departmentId', active && moves ? 'active' : undefined);
      sets.push(sql`department_id = ${input.departmentId}`);
    }
    if (input.active === true && !current.active) await requireDepartment(tx, user.tenantId, input.departmentId ?? Number(current.department_id), 'active', 'active');
    // disabling a position people hold is allowed; the answer says how many lose its roles
    const losing = input.active === false && current.active ? (await tx.one<{ n: number }>(q.activeHoldersOfPosition(user.tenantId, id)))!.n : undefined;
    if (sets.length) await tx.query(q.updatePosition(user.tenantId, id, sets));
    if (input.roleIds) {
      const had = new Set((await tx.rows<{ role_id: string }>(q.positionRoleIds(user.tenantId, id))).map((r) => Number(r.role_id)));
      await requireRoles(tx, user.tenantId, input.roleIds, 'roleIds', [...had]);
      await assertRolesCompatible(tx, user.tenantId, input.roleIds);
      await tx.query(q.setPositionRoles(user.tenantId, id, [...new Set(input.roleIds)]));
      const holders = (await tx.rows<{ user_id: string }>(q.usersOfPosition(user.tenantId, id))).map((r) => Number(r.user_id));
      await assertNoDutyConflict(tx, user.tenantId, holders, 'roleIds');
      const added = input.roleIds.filter((r) => !had.has(r));
      if (added.length) assertNotAddingHeldDuty(await tx.rows(q.rolesByIds(user.tenantId, added)), before, 'roleIds');
    }
    await assertDutyRules(tx, user.tenantId, user.userId, before, input.roleIds ? 'roleIds' : input.active !== undefined ? 'active' : undefined);
    const audit = { ...changed(was, (await positionState(tx, user.tenantId, id))!, sentKeys(input)), ...(losing === undefined ? {} : { usersLosingIt: losing }) };
    return losing === undefined ? { id, audit } : { id, usersLosingIt: losing, audit };
  }, id);
}

// ---- roles ----
export async function listRoles(app: AppContext, scoped: Scoped, user: Principal) {
  const rows = await scoped((tx) => tx.rows(q.roles(user.tenantId)));
  return rows.map((r) => ({
    id: Number(r.id), code: r.code, name: r.name, active: r.active, builtin: r.builtin, duty: r.duty, version: r.version as number, permissions: r.permissions as string[], users: r.users,
  }));
}

const DUTY_OF_PERMISSION = new Map(Object.entries(DUTY_PERMISSIONS).map(([duty, p]) => [p as string, duty]));

/** Permissions must be known; the three duty permissions stay with their built-in roles. */
function checkPermissions(permissions: string[]): string[] {
  for (const p of permissions) {
    if (!(p in PERMISSIONS)) throw badRequest(`permissions: unknown permission ${p}`, 'permissions').withZh(`未知权限 ${p}`);
    const duty = DUTY_OF_PERMISSION.get(p);
    if (duty) {
      throw conflict(`permissions: ${p} belongs to the built-in ${duty} administrator role only (separation of duties, 三员分立)`, 'permissions')
        .withZh(`三员分立：权限 ${p} 只属于内置的${DUTY_ZH[duty] ?? duty}角色`);
    }
  }
  return [...new Set(permissions)];
}

/** 409 on `name` when another role of the tenant has this name (the Excel import finds roles by name). */
async function assertRoleNameFree(tx: Tx, tenantId: number, name: string, exceptId: number | null): Promise<void> {
  await tx.query(q.lockOrganisation(tenantId));
  const other = await tx.one<{ code: string }>(q.rolesNamed(tenantId, name, exceptId));
  if (other) throw conflict(`name: the role ${other.code} is named “${name}” already; role names are unique`, 'name').withZh(`角色名称“${name}”已被角色 ${other.code} 使用，角色名称不能重复`);
}

export function createRole(app: AppContext, scoped: Scoped, user: Principal, input: Input<typeof RoleCreate>, ip: string | null = null) {
  return audited(app, scoped, user, 'role.create', 'role', input, ip, async (tx) => {
    const permissions = checkPermissions(input.permissions);
    await assertRoleNameFree(tx, user.tenantId, input.name, null);
    // Checked before the insert (under the lock) rather than read from the unique violation: a
    // database error caught and answered as a refusal would hand its connection back to the pool,
    // and the embedded database's socket can leave a stray reply behind an error (db/scope.ts).
    if (await tx.one(q.roleByCode(user.tenantId, input.code))) throw conflict(`code: a role with code ${input.code} already exists`, 'code').withZh(`角色编码 ${input.code} 已存在`);
    const row = await tx.one<{ id: string }>(q.insertRole(user.tenantId, input.code, input.name));
    const roleId = Number(row!.id);
    if (permissions.length) await tx.query(q.setRolePermissions(user.tenantId, roleId, permissions));
    return { id: roleId };
  });
}

export function updateRole(app: AppContext, scoped: Scoped, user: Principal, id: number, input: Input<typeof RolePatch>, ip: string | null = null) {
  return audited(app, scoped, user, input.active === false ? 'role.disable' : 'role.update', 'role', input, ip, async (tx) => {
    const role = await tx.one<{ duty: string | null; builtin: boolean; active: boolean }>(q.roleById(user.tenantId, id));
    if (!role) throw notFound('role');
    await takeVersion(tx, 'roles', user.tenantId, id, input.version, 'the role');
    const was = (await roleState(tx, user.tenantId, id))!;
    if (role.duty && (input.permissions !== undefined || input.active !== undefined)) {
      throw conflict(`the ${role.duty} administrator role is fixed (separation of duties, 三员分立): its permissions cannot change and it cannot be disabled`, input.permissions ? 'permissions' : 'active')
        .withZh(`三员分立：内置的${DUTY_ZH[role.duty] ?? role.duty}角色固定，不能修改权限或停用`);
    }
    if (input.name !== undefined) await assertRoleNameFree(tx, user.tenantId, input.name, id);
    const sets: Sql[] = [];
    if (input.name !== undefined) sets.push(sql`name = ${input.name}`);
    if (input.active !== undefined) sets.push(sql`active = ${input.active}`);
    // disabling a role people hold is allowed; the answer says how many lose it
    const losing = input.active === false && role.active ? (await tx.one<{ n: number }>(q.activeHoldersOfRole(user.tenantId, id)))!.n : undefined;
    if (sets.length) await tx.query(q.updateRole(user.tenantId, id, sets));
    if (input.permissions) await tx.query(q.setRolePermissions(user.tenantId, id, checkPermissions(input.permissions)));
    const audit = { ...changed(was, (await roleState(tx, user.tenantId, id))!, sentKeys(input)), ...(losing === undefined ? {} : { usersLosingIt: losing }) };
    return losing === undefined ? { id, audit } : { id, usersLosingIt: losing, audit };
  }, id);
}
