// Organisation bootstrap: the permission catalogue, each tenant's built-in roles, and the demo
// accounts (one per role) of a demo city. Runs on the owner connection.
import type pg from 'pg';
import { hashPassword } from './password.ts';
import { BUILTIN_ROLES, PERMISSIONS } from './permissions.ts';
import * as q from './seed-queries.ts';

export const DEMO_PASSWORD = 'Demo@2026';

export interface DemoAccount {
  username: string;
  password: string;
  role: string;
  jurisdiction: string;
}

/** Upserts the code-defined permission catalogue (run at every start). */
export async function syncPermissions(pool: pg.Pool): Promise<void> {
  await pool.query(q.upsertPermissions(Object.entries(PERMISSIONS)).toQuery());
}

/** Creates the built-in roles with their permissions and one department and position per role. */
export async function seedRoles(pool: pg.Pool | pg.PoolClient, tenantId: number): Promise<Map<string, number>> {
  const positions = new Map<string, number>();
  for (const role of BUILTIN_ROLES) {
    const r = await pool.query(q.insertRole(tenantId, role.code, role.name, role.duty ?? null).toQuery());
    const roleId = r.rows[0].id as number;
    await pool.query(q.grantPermissions(tenantId, roleId, role.permissions).toQuery());
    const d = await pool.query(q.insertDepartment(tenantId, `${role.name}部门`).toQuery());
    const p = await pool.query(q.insertPosition(tenantId, d.rows[0].id, role.name, roleId).toQuery());
    positions.set(role.code, p.rows[0].id);
  }
  return positions;
}

interface DemoUserSpec {
  username: string;
  displayName: string;
  role: string;
  /** level of the node, and which one of that level in code order */
  level: number;
  nth: number;
}

const DEMO_USERS: DemoUserSpec[] = [
  { username: 'commander', displayName: '市指挥部 王指挥', role: 'commander', level: 1, nth: 0 },
  { username: 'street', displayName: '街道 李主任', role: 'street_staff', level: 3, nth: 0 },
  { username: 'community', displayName: '社区 张书记', role: 'community_staff', level: 4, nth: 0 },
  { username: 'gridworker', displayName: '网格员 刘芳', role: 'grid_worker', level: 5, nth: 0 },
  { username: 'gridworker2', displayName: '网格员 陈伟', role: 'grid_worker', level: 5, nth: 1 },
  { username: 'doctor', displayName: '社区医生 赵敏', role: 'doctor', level: 4, nth: 0 },
  { username: 'checkpoint', displayName: '卡口 孙强', role: 'checkpoint', level: 4, nth: 0 },
  { username: 'admin', displayName: '系统管理员', role: 'admin', level: 1, nth: 0 },
  { username: 'secadmin', displayName: '安全管理员 周安', role: 'security_admin', level: 1, nth: 0 },
  { username: 'auditor', displayName: '审计管理员 吴审', role: 'audit_admin', level: 1, nth: 0 },
];

/** Roles plus one demo account per role, scoped to the first nodes of the tree. */
export async function seedDemoAccounts(pool: pg.Pool, tenantId: number, usernamePrefix = ''): Promise<DemoAccount[]> {
  const positions = await seedRoles(pool, tenantId);
  const hash = await hashPassword(DEMO_PASSWORD);
  const accounts: DemoAccount[] = [];
  for (const u of DEMO_USERS) {
    const node = (await pool.query(q.nthNode(tenantId, u.level, u.nth).toQuery())).rows[0];
    if (!node) throw new Error(`demo city has no level-${u.level} node #${u.nth}`);
    const username = usernamePrefix + u.username;
    const user = await pool.query(q.insertUser(tenantId, username, u.displayName, hash, true).toQuery());
    await pool.query(q.assignUser(tenantId, user.rows[0].id, positions.get(u.role)!, node.id).toQuery());
    accounts.push({ username, password: DEMO_PASSWORD, role: u.role, jurisdiction: node.name });
  }
  return accounts;
}
