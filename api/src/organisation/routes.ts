// /api/departments, /api/positions, /api/roles, /api/users: the organisation (requirements §4.2.2).
// The system administrator (user:manage) keeps departments, positions and users; the security
// administrator (role:manage) keeps roles and their permissions (三员分立).
import type { AppContext } from '../context.ts';
import { langOf } from '../http/lang.ts';
import { optionalVersion } from '../http/precondition.ts';
import { IdParams, type Access, type Routes } from '../http/route.ts';
import { z } from '../http/zod.ts';
import { permissionMatrix } from './matrix.ts';
import {
  DepartmentCreate, DepartmentPatch, ImportFields, PositionCreate, PositionPatch, RoleCreate, RolePatch, UserCreate, UserListQuery, UserPatch,
} from './schema.ts';
import { createDepartment, createPosition, createRole, listDepartments, listPositions, listRoles, updateDepartment, updatePosition, updateRole } from './structure.ts';
import { importUsers, maxImportBytes, userTemplate } from './users-import.ts';
import { accountAction, createUser, getUser, listUsers, updateUser } from './users.ts';

export function organisationRoutes(routes: Routes, app: AppContext): void {
  const tags = ['organisation'];
  const users = { permission: 'user:manage' } as const;
  const roles = { permission: 'role:manage' } as const;
  const rolesRead = { anyPermission: ['user:manage', 'role:manage'] } satisfies Access;
  const ip = (ctx: { ip: string }) => ctx.ip || null;
  // a department's, position's or role's name is 名称 (not a person's 姓名); a user's phone is 手机号
  const labels = { name: '名称', phone: '手机号' };
  const add: Routes['add'] = (spec) => routes.add({ labels, ...spec });

  add({ method: 'get', path: '/api/departments', summary: 'Departments of the tenant (flat, with parentId: the client nests them)', tags, access: users, handler: ({ scoped, user }) => listDepartments(app, scoped, user) });
  add({
    method: 'post', path: '/api/departments', summary: 'Create a department under a parent (or at the top)', tags, access: users, body: DepartmentCreate, status: 201,
    handler: ({ scoped, user, body, ctx }) => createDepartment(app, scoped, user, body, ip(ctx)),
  });
  add({
    method: 'patch', path: '/api/departments/:id', summary: 'Rename, move (never under itself) or disable/enable a department', tags, access: users, params: IdParams, body: DepartmentPatch,
    handler: ({ scoped, user, params, body, ctx }) => updateDepartment(app, scoped, user, params.id, { ...body, version: optionalVersion(ctx, body.version) }, ip(ctx)),
  });

  add({ method: 'get', path: '/api/positions', summary: 'Positions (岗位) with their department and roles', tags, access: users, handler: ({ scoped, user }) => listPositions(app, scoped, user) });
  add({
    method: 'post', path: '/api/positions', summary: 'Create a position in a department with its roles', tags, access: users, body: PositionCreate, status: 201,
    stepUp: ({ body }) => body.roleIds !== undefined,
    handler: ({ scoped, user, body, ctx }) => createPosition(app, scoped, user, body, ip(ctx)),
  });
  add({
    method: 'patch', path: '/api/positions/:id', summary: 'Rename, move, change the roles of (its holders\' rights change at their next request) or disable a position', tags, access: users,
    params: IdParams, body: PositionPatch, stepUp: ({ body }) => body.roleIds !== undefined, handler: ({ scoped, user, params, body, ctx }) => updatePosition(app, scoped, user, params.id, { ...body, version: optionalVersion(ctx, body.version) }, ip(ctx)),
  });

  add({ method: 'get', path: '/api/roles', summary: 'Roles with their permissions, duty (三员分立) and number of users', tags, access: rolesRead, handler: ({ scoped, user }) => listRoles(app, scoped, user) });
  add({
    method: 'get', path: '/api/roles/permissions', summary: 'The permission matrix: every permission with the routes it opens, read from the route table (deny by default)', tags,
    access: rolesRead, handler: async () => permissionMatrix(routes.table),
  });
  add({
    method: 'post', path: '/api/roles', summary: 'Create a custom role with permissions (the three duty permissions stay with their built-in roles)', tags, access: roles, body: RoleCreate, status: 201, stepUp: true,
    handler: ({ scoped, user, body, ctx }) => createRole(app, scoped, user, body, ip(ctx)),
  });
  add({
    method: 'patch', path: '/api/roles/:id', summary: 'Rename a role, set its permissions (its users\' rights change at their next request) or disable it', tags, access: roles,
    params: IdParams, body: RolePatch, stepUp: true, handler: ({ scoped, user, params, body, ctx }) => updateRole(app, scoped, user, params.id, { ...body, version: optionalVersion(ctx, body.version) }, ip(ctx)),
  });

  add({ method: 'get', path: '/api/users', summary: 'Staff users with search (name, username or whole phone), filters and paging; phones masked', tags, access: users, query: UserListQuery, handler: ({ scoped, user, query }) => listUsers(app, scoped, user, query) });
  add({
    method: 'get', path: '/api/users/template.xlsx', summary: 'The users Excel template: Chinese headers, required columns marked, dropdowns of this tenant\'s departments, positions, roles and nodes, an explanation sheet', tags, access: users,
    handler: async ({ scoped, user, ctx }) => {
      await userTemplate(app, scoped, user, ctx);
      return undefined;
    },
  });
  add({
    method: 'post', path: '/api/users/imports',
    summary: 'Import users from the Excel template (multipart `file`, `mode` all_or_nothing | valid_rows): per-row, per-cell errors; the created users with their temporary passwords', tags, access: users,
    multipart: { file: 'file', maxBytes: maxImportBytes }, body: ImportFields, stepUp: true,
    handler: ({ scoped, user, file, body, ctx }) => importUsers(app, scoped, user, file, body.mode, ip(ctx), langOf(ctx.get('accept-language'))),
  });
  add({ method: 'get', path: '/api/users/:id', summary: 'One user (phone masked)', tags, access: users, params: IdParams, handler: ({ scoped, user, params }) => getUser(app, scoped, user, params.id) });
  add({
    method: 'post', path: '/api/users', summary: 'Create a user; answers the temporary password, to be changed at first sign-in', tags, access: users, body: UserCreate, status: 201,
    stepUp: ({ body }) => body.roleIds !== undefined || body.positionIds !== undefined,
    handler: ({ scoped, user, body, ctx }) => createUser(app, scoped, user, body, ip(ctx)),
  });
  add({
    method: 'patch', path: '/api/users/:id', summary: 'Edit a user: name, department, positions, roles, scope, phone', tags, access: users, params: IdParams, body: UserPatch,
    stepUp: ({ body }) => body.roleIds !== undefined || body.positionIds !== undefined,
    handler: ({ scoped, user, params, body, ctx }) => updateUser(app, scoped, user, params.id, { ...body, version: optionalVersion(ctx, body.version) }, ip(ctx)),
  });
  for (const [action, summary] of [
    ['disable', 'Disable a user (sessions end at once; never deleted: history refers to users)'],
    ['enable', 'Enable a disabled user'],
    ['unlock', 'Unlock an account locked after failed sign-ins'],
    ['password-reset', 'Reset the password: answers a new temporary password, to be changed at next sign-in; sessions end'],
    ['totp-reset', 'Remove the second factor (a lost phone): the user signs in with the password and sets up a new one; sessions end'],
  ] as const) {
    add({
      method: 'post', path: `/api/users/:id/${action}`, summary, tags, access: users, params: IdParams, body: z.strictObject({}).optional(),
      handler: ({ scoped, user, params, ctx }) => accountAction(app, scoped, user, params.id, action === 'password-reset' ? 'password_reset' : action === 'totp-reset' ? 'totp_reset' : action, ip(ctx)),
    });
  }
}
