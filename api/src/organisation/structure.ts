// Departments (a tree), positions (each carrying roles) and roles (each a set of permissions):
// created, edited and disabled, never deleted (history refers to them). Every change is audited.
import { auditTx } from '../audit/audit.ts';
import { DUTY_PERMISSIONS, PERMISSIONS } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Tx, Scoped } from '../db/scope.ts';
import { sql, type Sql } from '../db/sql.ts';
import { badRequest, conflict, notFound } from '../http/errors.ts';
import { assertDutyRules, assertNoDutyConflict, assertNotAddingHeldDuty, auditingDutyRefusal, DUTY_ZH, dutyHolders, DutyRuleError } from './duties.ts';
import * as q from './queries.ts';
import type { z } from '../http/zod.ts';
import { type DepartmentCreate, type DepartmentPatch, type PositionCreate, type PositionPatch, type RoleCreate, type RolePatch } from './schema.ts';

type Input<T extends z.ZodType> = z.infer<T>;

/** Runs a change and audits it in its transaction; a duty refusal is audited as denied on its own. */
async function audited<T extends { id: number }>(
  app: AppContext, scoped: Scoped, user: Principal, action: string, objectType: string, detail: Record<string, unknown>, ip: string | null,
  fn: (tx: Tx) => Promise<T>, objectId?: number,
): Promise<T> {
  return auditingDutyRefusal(app, user, action, objectType, objectId, ip, () =>
    scoped(async (tx) => {
      const r = await fn(tx);
      await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action, objectType, objectId: r.id, ip, result: 'ok', detail });
      return r;
    }),
  );
}

// ---- departments ----
export async function listDepartments(app: AppContext, scoped: Scoped, user: Principal) {
  const rows = await scoped((tx) => tx.rows(q.departments(user.tenantId)));
  return rows.map((r) => ({ id: Number(r.id), parentId: r.parent_id == null ? null : Number(r.parent_id), name: r.name, active: r.active, users: r.users, positions: r.positions }));
}

async function requireDepartment(tx: Tx, tenantId: number, id: number, field: string): Promise<{ active: boolean }> {
  const d = await tx.one<{ active: boolean }>(q.departmentById(tenantId, id));
  if (!d) throw badRequest(`${field}: department ${id} does not exist`, field).withZh(`部门不存在（编号 ${id}）`);
  return d;
}

export function createDepartment(app: AppContext, scoped: Scoped, user: Principal, input: Input<typeof DepartmentCreate>, ip: string | null = null) {
  return audited(app, scoped, user, 'department.create', 'department', input, ip, async (tx) => {
    if (input.parentId) await requireDepartment(tx, user.tenantId, input.parentId, 'parentId');
    const row = await tx.one<{ id: string }>(q.insertDepartment(user.tenantId, input.parentId ?? null, input.name));
    return { id: Number(row!.id) };
  });
}

export function updateDepartment(app: AppContext, scoped: Scoped, user: Principal, id: number, input: Input<typeof DepartmentPatch>, ip: string | null = null) {
  return audited(app, scoped, user, input.active === false ? 'department.disable' : 'department.update', 'department', input, ip, async (tx) => {
    if (!(await tx.one(q.departmentById(user.tenantId, id)))) throw notFound('department');
    const sets: Sql[] = [];
    if (input.name !== undefined) sets.push(sql`name = ${input.name}`);
    if (input.active !== undefined) sets.push(sql`active = ${input.active}`);
    if (input.parentId !== undefined) {
      if (input.parentId !== null) {
        await requireDepartment(tx, user.tenantId, input.parentId, 'parentId');
        const r = await tx.one<{ inside: boolean }>(q.isDepartmentOrDescendant(user.tenantId, id, input.parentId));
        if (r?.inside) throw badRequest('parentId: a department cannot move under itself or one of its sub-departments', 'parentId').withZh('部门不能移到自身或其下级部门之下');
      }
      sets.push(sql`parent_id = ${input.parentId}`);
    }
    if (sets.length) await tx.query(q.updateDepartment(user.tenantId, id, sets));
    return { id };
  }, id);
}

// ---- positions ----
export async function listPositions(app: AppContext, scoped: Scoped, user: Principal) {
  const rows = await scoped((tx) => tx.rows(q.positions(user.tenantId)));
  return rows.map((r) => ({
    id: Number(r.id), departmentId: Number(r.department_id), departmentName: r.department_name, name: r.name, active: r.active,
    roles: r.roles as unknown[], users: r.users,
  }));
}

/** Refuses role ids that are not roles of the tenant (400 naming the field and the ids). */
export async function requireRoles(tx: Tx, tenantId: number, ids: number[], field: string): Promise<void> {
  if (!ids.length) return;
  const found = new Set((await tx.rows<{ id: string }>(q.rolesByIds(tenantId, ids))).map((r) => Number(r.id)));
  const missing = ids.filter((i) => !found.has(i));
  if (missing.length) throw badRequest(`${field}: no role with id ${missing.join(', ')}`, field).withZh(`角色不存在（编号 ${missing.join('、')}）`);
}

export function createPosition(app: AppContext, scoped: Scoped, user: Principal, input: Input<typeof PositionCreate>, ip: string | null = null) {
  return audited(app, scoped, user, 'position.create', 'position', input, ip, async (tx) => {
    await requireDepartment(tx, user.tenantId, input.departmentId, 'departmentId');
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
    if (!(await tx.one(q.positionById(user.tenantId, id)))) throw notFound('position');
    const sets: Sql[] = [];
    if (input.name !== undefined) sets.push(sql`name = ${input.name}`);
    if (input.active !== undefined) sets.push(sql`active = ${input.active}`);
    if (input.departmentId !== undefined) {
      await requireDepartment(tx, user.tenantId, input.departmentId, 'departmentId');
      sets.push(sql`department_id = ${input.departmentId}`);
    }
    if (sets.length) await tx.query(q.updatePosition(user.tenantId, id, sets));
    if (input.roleIds) {
      await requireRoles(tx, user.tenantId, input.roleIds, 'roleIds');
      await assertRolesCompatible(tx, user.tenantId, input.roleIds);
      const had = new Set((await tx.rows<{ role_id: string }>(q.positionRoleIds(user.tenantId, id))).map((r) => Number(r.role_id)));
      await tx.query(q.setPositionRoles(user.tenantId, id, [...new Set(input.roleIds)]));
      const holders = (await tx.rows<{ user_id: string }>(q.usersOfPosition(user.tenantId, id))).map((r) => Number(r.user_id));
      await assertNoDutyConflict(tx, user.tenantId, holders, 'roleIds');
      const added = input.roleIds.filter((r) => !had.has(r));
      if (added.length) assertNotAddingHeldDuty(await tx.rows(q.rolesByIds(user.tenantId, added)), before, 'roleIds');
    }
    await assertDutyRules(tx, user.tenantId, user.userId, before, input.roleIds ? 'roleIds' : input.active !== undefined ? 'active' : undefined);
    return { id };
  }, id);
}

// ---- roles ----
export async function listRoles(app: AppContext, scoped: Scoped, user: Principal) {
  const rows = await scoped((tx) => tx.rows(q.roles(user.tenantId)));
  return rows.map((r) => ({
    id: Number(r.id), code: r.code, name: r.name, active: r.active, builtin: r.builtin, duty: r.duty, permissions: r.permissions as string[], users: r.users,
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

export function createRole(app: AppContext, scoped: Scoped, user: Principal, input: Input<typeof RoleCreate>, ip: string | null = null) {
  return audited(app, scoped, user, 'role.create', 'role', input, ip, async (tx) => {
    const permissions = checkPermissions(input.permissions);
    const row = await tx.one<{ id: string }>(q.insertRole(user.tenantId, input.code, input.name)).catch((err) => {
      if (err?.code === '23505') throw conflict(`code: a role with code ${input.code} already exists`, 'code').withZh(`角色编码 ${input.code} 已存在`);
      throw err;
    });
    const roleId = Number(row!.id);
    if (permissions.length) await tx.query(q.setRolePermissions(user.tenantId, roleId, permissions));
    return { id: roleId };
  });
}

export function updateRole(app: AppContext, scoped: Scoped, user: Principal, id: number, input: Input<typeof RolePatch>, ip: string | null = null) {
  return audited(app, scoped, user, input.active === false ? 'role.disable' : 'role.update', 'role', input, ip, async (tx) => {
    const role = await tx.one<{ duty: string | null; builtin: boolean }>(q.roleById(user.tenantId, id));
    if (!role) throw notFound('role');
    if (role.duty && (input.permissions !== undefined || input.active !== undefined)) {
      throw conflict(`the ${role.duty} administrator role is fixed (separation of duties, 三员分立): its permissions cannot change and it cannot be disabled`, input.permissions ? 'permissions' : 'active')
        .withZh(`三员分立：内置的${DUTY_ZH[role.duty] ?? role.duty}角色固定，不能修改权限或停用`);
    }
    const sets: Sql[] = [];
    if (input.name !== undefined) sets.push(sql`name = ${input.name}`);
    if (input.active !== undefined) sets.push(sql`active = ${input.active}`);
    if (sets.length) await tx.query(q.updateRole(user.tenantId, id, sets));
    if (input.permissions) await tx.query(q.setRolePermissions(user.tenantId, id, checkPermissions(input.permissions)));
    return { id };
  }, id);
}
