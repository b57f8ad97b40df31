// Inputs of the organisation API: every field checked here, errors name the field.
import { said, z } from '../http/zod.ts';
import { MobilePhoneInput } from '../persons/schema.ts';

const name = (max: number) => z.string().trim().min(1).max(max);
const id = z.number().int().positive();
const ids = z.array(id).max(50);
/** The version the edit's author read (GET gives it; If-Match carries it too): a stale one is refused. */
const version = z.number().int().min(1).optional();

export const DepartmentCreate = z.strictObject({ name: name(60), parentId: id.nullable().optional() }).openapi('DepartmentCreate');
export const DepartmentPatch = z
  .strictObject({ name: name(60).optional(), parentId: id.nullable().optional(), active: z.boolean().optional(), version })
  .openapi('DepartmentPatch');

const positionDepartment = z.number({ error: said('choose the department of the position', '请选择岗位所属部门') }).int().positive();
export const PositionCreate = z.strictObject({ name: name(60), departmentId: positionDepartment, roleIds: ids.default([]) }).openapi('PositionCreate');
export const PositionPatch = z
  .strictObject({ name: name(60).optional(), departmentId: id.optional(), roleIds: ids.optional(), active: z.boolean().optional(), version })
  .openapi('PositionPatch');

const permissionCode = z.string().regex(/^[a-z_]+:[a-z_]+$/, said('a permission code such as person:read', '须为权限编码，如 person:read'));
export const RoleCreate = z
  .strictObject({
    code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, said('lower-case letters, digits and _, 2–40 characters, starting with a letter', '角色编码须为 2–40 个小写字母、数字或 _，以字母开头')),
    name: name(40),
    permissions: z.array(permissionCode).max(100).default([]),
  })
  .openapi('RoleCreate');
export const RolePatch = z
  .strictObject({ name: name(40).optional(), permissions: z.array(permissionCode).max(100).optional(), active: z.boolean().optional(), version })
  .openapi('RolePatch');

const CHOOSE_A_NODE = said('choose at least one jurisdiction node', '请至少选择一个辖区节点');
const username = z.string().trim().regex(/^[A-Za-z0-9_.@-]{3,64}$/, said('3–64 letters, digits or _ . @ -', '用户名须为 3–64 个字母、数字或 _ . @ -'));
const phone = MobilePhoneInput.pipe(z.string().regex(/^1[3-9]\d{9}$/, said('an 11-digit mainland mobile number', '手机号须为 11 位大陆手机号码')));

export const UserCreate = z
  .strictObject({
    username,
    displayName: name(60),
    departmentId: id.nullable().optional(),
    positionIds: ids.default([]),
    roleIds: ids.default([]),
    scopeIds: ids.min(1, CHOOSE_A_NODE),
    phone: phone.nullable().optional(),
  })
  .openapi('UserCreate');

export const UserPatch = z
  .strictObject({
    displayName: name(60).optional(),
    departmentId: id.nullable().optional(),
    positionIds: ids.optional(),
    roleIds: ids.optional(),
    scopeIds: ids.min(1, CHOOSE_A_NODE).optional(),
    phone: phone.nullable().optional(),
    version,
  })
  .openapi('UserPatch');

export const UserListQuery = z.strictObject({
  q: z.string().trim().max(64).optional().openapi({ description: 'Part of the username or name, or a whole phone number' }),
  departmentId: z.coerce.number().int().positive().optional(),
  positionId: z.coerce.number().int().positive().optional(),
  roleId: z.coerce.number().int().positive().optional(),
  status: z.enum(['active', 'disabled', 'locked']).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export const ImportFields = z.strictObject({
  mode: z.enum(['all_or_nothing', 'valid_rows']).default('all_or_nothing').openapi({
    description: 'all_or_nothing: any bad row and nothing is written; valid_rows: the good rows are imported, the bad ones reported',
  }),
});

export type UserCreateInput = z.infer<typeof UserCreate>;
export type UserPatchInput = z.infer<typeof UserPatch>;
