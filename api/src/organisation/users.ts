// Staff accounts: list, create (with a temporary password the user must change at first sign-in),
// edit, disable and enable, reset the password, unlock. Phones are stored like residents' phones:
// encrypted, with a keyed lookup hash and a mask. Every change is audited.
import { randomInt } from 'node:crypto';
import { auditTx } from '../audit/audit.ts';
import { hashPassword } from '../auth/password.ts';
import type { Principal } from '../auth/principal.ts';
import { loginUnblock } from '../auth/queries.ts';
import type { AppContext } from '../context.ts';
import { maskPhone } from '../crypto/pii.ts';
import type { Tx, Scoped } from '../db/scope.ts';
import { sql, type Sql } from '../db/sql.ts';
import { badRequest, conflict, notFound } from '../http/errors.ts';
import { changed, sentKeys } from './audit-change.ts';
import { assertDutyRules, assertNoDutyConflict, assertNotDutyAccount, auditingDutyRefusal, dutyHolders } from './duties.ts';
import * as q from './queries.ts';
import { takeVersion } from './versions.ts';
import type { UserCreateInput, UserPatchInput } from './schema.ts';
import type { z } from '../http/zod.ts';
import type { UserListQuery } from './schema.ts';
import { disabledReference, requireRoles } from './structure.ts';

export type UserStatus = 'active' | 'disabled' | 'locked';

/** A user as the API shows it (phone masked). */
export function userOut(r: Record<string, any>) {
  const locked = r.locked_until != null && new Date(r.locked_until) > new Date();
  const status: UserStatus = !r.active ? 'disabled' : locked ? 'locked' : 'active';
  return {
    id: Number(r.id),
    username: r.username as string,
    displayName: r.display_name as string,
    department: r.department_id == null ? null : { id: Number(r.department_id), name: r.department_name as string },
    positions: r.positions as { id: number; name: string }[],
    roles: r.roles as { id: number; code: string; name: string }[],
    scope: r.scope as { id: number; name: string; level: number; path: string; parentName: string | null }[],
    phoneMasked: (r.phone_masked ?? null) as string | null,
    status,
    lockedUntil: locked ? r.locked_until : null,
    mustChangePassword: r.must_change_password as boolean,
    totpEnabled: r.totp_enabled as boolean,
    version: r.version as number,
    /** The 三员 duties the account holds, directly or through a position (the console offers only what the rules allow). */
    duties: (r.duties ?? []) as string[],
    isDemo: r.is_demo as boolean,
    createdAt: r.created_at,
  };
}

const phoneKey = (phone: string) => `phone:${phone}`;

export async function listUsers(app: AppContext, scoped: Scoped, user: Principal, query: z.infer<typeof UserListQuery>) {
  const phoneHash = query.q && /^1[3-9]\d{9}$/.test(query.q) ? app.cipher.lookupHash(phoneKey(query.q)) : undefined;
  const rows = await scoped((tx) =>
    tx.rows(q.users(user.tenantId, { ...query, text: query.q, phoneHash, limit: query.pageSize, offset: (query.page - 1) * query.pageSize })),
  );
  return { items: rows.map(userOut), total: Number(rows[0]?.total ?? 0), page: query.page, pageSize: query.pageSize };
}

export async function getUser(app: AppContext, scoped: Scoped, user: Principal, id: number) {
  const row = await scoped((tx) => tx.one(q.userById(user.tenantId, id)));
  if (!row) throw notFound('user');
  return userOut(row);
}

/** 12 characters, every class present, no look-alikes (0/O, 1/l/I): readable over the phone. */
export function temporaryPassword(): string {
  const classes = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '@#%+=?'];
  const all = classes.join('');
  const chars = classes.map((c) => c[randomInt(c.length)]);
  while (chars.length < 12) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

/** What a user holds now: references they keep may be disabled since (only new ones must be active). */
interface Held {
  departmentId: number | null;
  positionIds: number[];
  roleIds: number[];
}

const NOTHING_HELD: Held = { departmentId: null, positionIds: [], roleIds: [] };

/**
 * Checks references inside the caller's transaction: 400 naming the field of the first unknown one,
 * 409 for a disabled department, position or role given anew (the Excel import refuses them too).
 */
async function checkReferences(tx: Tx, tenantId: number, input: Partial<UserCreateInput>, held: Held = NOTHING_HELD): Promise<void> {
  if (input.departmentId) {
    const d = await tx.one<{ name: string; active: boolean }>(q.departmentById(tenantId, input.departmentId));
    if (!d) throw badRequest(`departmentId: department ${input.departmentId} does not exist`, 'departmentId').withZh(`所属部门不存在（编号 ${input.departmentId}）`);
    if (!d.active && input.departmentId !== held.departmentId) throw disabledReference('departmentId', 'department', d.name);
  }
  for (const pid of input.positionIds ?? []) {
    const p = await tx.one<{ name: string; active: boolean }>(q.positionById(tenantId, pid));
    if (!p) throw badRequest(`positionIds: position ${pid} does not exist`, 'positionIds').withZh(`岗位不存在（编号 ${pid}）`);
    if (!p.active && !held.positionIds.includes(pid)) throw disabledReference('positionIds', 'position', p.name);
  }
  await requireRoles(tx, tenantId, input.roleIds ?? [], 'roleIds', held.roleIds);
  if (input.scopeIds?.length) {
    const visible = new Set((await tx.rows<{ id: string }>(q.visibleNodes(tenantId, input.scopeIds))).map((r) => Number(r.id)));
    const outside = input.scopeIds.filter((i) => !visible.has(i));
    if (outside.length) throw badRequest(`scopeIds: jurisdiction node ${outside.join(', ')} is not in your jurisdiction`, 'scopeIds').withZh(`管辖范围超出您的辖区（节点 ${outside.join('、')}）`);
  }
}

function phoneColumns(app: AppContext, phone: string | null | undefined) {
  if (!phone) return { phoneEnc: null, phoneHash: null, phoneMasked: null };
  return { phoneEnc: app.cipher.encrypt(phone), phoneHash: app.cipher.lookupHash(phoneKey(phone)), phoneMasked: maskPhone(phone) };
}

/** Writes one new user and its assignments in the given transaction; the caller audits. */
export async function insertUser(app: AppContext, tx: Tx, tenantId: number, input: UserCreateInput, passwordHash: string): Promise<number> {
  await checkReferences(tx, tenantId, input);
  if (await tx.one(q.userIdByUsername(tenantId, input.username))) throw conflict(`username: ${input.username} is taken`, 'username').withZh(`用户名 ${input.username} 已被使用`);
  const row = await tx.one<{ id: string }>(
    q.insertUser(tenantId, { username: input.username, displayName: input.displayName, passwordHash, departmentId: input.departmentId ?? null, ...phoneColumns(app, input.phone) }),
  );
  const id = Number(row!.id);
  await assign(tx, tenantId, id, input);
  return id;
}

async function assign(tx: Tx, tenantId: number, id: number, input: Partial<UserCreateInput>): Promise<void> {
  if (input.positionIds) await tx.query(q.setUserPositions(tenantId, id, [...new Set(input.positionIds)]));
  if (input.roleIds) await tx.query(q.setUserRoles(tenantId, id, [...new Set(input.roleIds)]));
  if (input.scopeIds) await tx.query(q.setUserScopes(tenantId, id, [...new Set(input.scopeIds)]));
  if (input.positionIds || input.roleIds) await assertNoDutyConflict(tx, tenantId, [id], input.roleIds ? 'roleIds' : 'positionIds');
}

const auditDetail = (input: Partial<UserCreateInput>) => ({ ...input, phone: input.phone ? maskPhone(input.phone) : input.phone });

/** What the audit keeps of a user before and after a change: no password hash, the phone masked. */
async function userState(tx: Tx, tenantId: number, id: number) {
  const u = userOut((await tx.one(q.userById(tenantId, id)))!);
  return {
    displayName: u.displayName,
    departmentId: u.department?.id ?? null,
    positionIds: u.positions.map((p) => p.id),
    roleIds: u.roles.map((r) => r.id),
    scopeIds: u.scope.map((j) => j.id),
    phone: u.phoneMasked,
    status: u.status,
    mustChangePassword: u.mustChangePassword,
    totpEnabled: u.totpEnabled,
  };
}

/** The request field that gives or takes roles, for a duty refusal. */
const assignmentField = (input: Partial<UserCreateInput>) =>
  input.roleIds?.length ? 'roleIds' : input.positionIds?.length ? 'positionIds' : input.roleIds ? 'roleIds' : input.positionIds ? 'positionIds' : undefined;

export async function createUser(app: AppContext, scoped: Scoped, user: Principal, input: UserCreateInput, ip: string | null) {
  const password = temporaryPassword();
  const hash = await hashPassword(password);
  const id = await auditingDutyRefusal(app, user, 'user.create', 'user', undefined, ip, () =>
    scoped(async (tx) => {
      const before = await dutyHolders(tx, user.tenantId);
      const created = await insertUser(app, tx, user.tenantId, input, hash);
      await assertDutyRules(tx, user.tenantId, user.userId, before, assignmentField(input));
      await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'user.create', objectType: 'user', objectId: created, ip, result: 'ok', detail: auditDetail(input) });
      return created;
    }),
  );
  return { user: await getUser(app, scoped, user, id), temporaryPassword: password };
}

export async function updateUser(app: AppContext, scoped: Scoped, user: Principal, id: number, input: UserPatchInput, ip: string | null) {
  await auditingDutyRefusal(app, user, 'user.update', 'user', id, ip, () => scoped(async (tx) => {
    const before = await dutyHolders(tx, user.tenantId);
    const target = await tx.one<{ username: string; department_id: string | null }>(q.userById(user.tenantId, id));
    if (!target) throw notFound('user');
    await assertNotDutyAccount(tx, user.tenantId, id, target.username);
    await takeVersion(tx, 'users', user.tenantId, id, input.version, 'the user');
    const was = await userState(tx, user.tenantId, id);
    const has = await tx.one<{ position_ids: string[]; role_ids: string[] }>(q.userAssignments(user.tenantId, id));
    await checkReferences(tx, user.tenantId, input, {
      departmentId: target.department_id == null ? null : Number(target.department_id),
      positionIds: has!.position_ids.map(Number),
      roleIds: has!.role_ids.map(Number),
    });
    const sets: Sql[] = [];
    if (input.displayName !== undefined) sets.push(sql`display_name = ${input.displayName}`);
    if (input.departmentId !== undefined) sets.push(sql`department_id = ${input.departmentId}`);
    if (input.phone !== undefined) {
      const p = phoneColumns(app, input.phone);
      sets.push(sql`phone_enc = ${p.phoneEnc}`, sql`phone_hash = ${p.phoneHash}`, sql`phone_masked = ${p.phoneMasked}`);
    }
    await tx.query(q.updateUser(user.tenantId, id, sets));
    await assign(tx, user.tenantId, id, input);
    await assertDutyRules(tx, user.tenantId, user.userId, before, assignmentField(input));
    const detail = changed(was, await userState(tx, user.tenantId, id), sentKeys(input));
    await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'user.update', objectType: 'user', objectId: id, ip, result: 'ok', detail });
  }));
  return getUser(app, scoped, user, id);
}

type AccountAction = 'disable' | 'enable' | 'unlock' | 'password_reset' | 'totp_reset';

/**
 * Disable, enable, unlock, reset the password or the second factor of an account (audited); a
 * password reset returns the new temporary password. The security and audit administrators'
 * accounts are only unlocked or enabled here (duties.ts); enabling one is giving its duty.
 */
export async function accountAction(app: AppContext, scoped: Scoped, user: Principal, id: number, action: AccountAction, ip: string | null) {
  if (id === user.userId && action !== 'enable' && action !== 'unlock') {
    throw conflict(`you cannot ${{ disable: 'disable your own account', password_reset: 'reset your own password here (use the password change)', totp_reset: 'reset your own second factor here (remove it under account security)' }[action]}`)
      .withZh({ disable: '不能停用自己的账号', password_reset: '不能在此重置自己的密码，请在账号安全中修改密码', totp_reset: '不能在此重置自己的动态码，请在账号安全中移除' }[action]);
  }
  const password = action === 'password_reset' ? temporaryPassword() : undefined;
  const hash = password ? await hashPassword(password) : undefined;
  await auditingDutyRefusal(app, user, `user.${action}`, 'user', id, ip, () => scoped(async (tx) => {
    const before = action === 'disable' || action === 'enable' ? await dutyHolders(tx, user.tenantId) : undefined;
    const target = await tx.one<{ username: string }>(q.userById(user.tenantId, id));
    if (!target) throw notFound('user');
    if (action !== 'enable' && action !== 'unlock') await assertNotDutyAccount(tx, user.tenantId, id, target.username);
    // an action changes the account too: an edit read before it is stale after it
    await takeVersion(tx, 'users', user.tenantId, id, undefined, 'the user');
    const was = await userState(tx, user.tenantId, id);
    const sets: Sql[] = {
      disable: [sql`active = false`],
      enable: [sql`active = true`],
      unlock: [sql`locked_until = null`, sql`failed_logins = 0`],
      password_reset: [sql`password_hash = ${hash}`, sql`must_change_password = true`, sql`password_changed_at = now()`, sql`locked_until = null`, sql`failed_logins = 0`],
      // a lost phone: the user signs in with the password alone and sets up a new factor
      totp_reset: [sql`totp_secret_enc = null`, sql`totp_pending_enc = null`, sql`totp_enabled_at = null`],
    }[action];
    await tx.query(q.updateUser(user.tenantId, id, sets));
    if (before) await assertDutyRules(tx, user.tenantId, user.userId, before, undefined);
    // A disabled account or a reset password ends the user's sessions at once.
    if (action === 'disable' || action === 'password_reset' || action === 'totp_reset') await tx.query(q.revokeSessions(user.tenantId, id));
    // sign-ins of the name blocked after failures (from any address) may be tried again
    if (action === 'unlock' || action === 'password_reset') await tx.query(loginUnblock(target.username));
    // the account's state before and after (a reset's new password is never recorded)
    const detail = changed(was, await userState(tx, user.tenantId, id), ['status', 'mustChangePassword', 'totpEnabled']);
    await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: `user.${action}`, objectType: 'user', objectId: id, ip, result: 'ok', detail });
  }));
  return { user: await getUser(app, scoped, user, id), ...(password ? { temporaryPassword: password } : {}) };
}
