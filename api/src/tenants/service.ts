// Onboarding a city: a tenant with the built-in roles and one system administrator who signs in
// with a temporary password, must change it, and then uploads the city's boundaries (the first
// tree scopes that account to its roots, app.apply_boundary_tree).
import { randomInt } from 'node:crypto';
import type pg from 'pg';
import { appendStatement } from '../audit/queries.ts';
import { hashPassword } from '../auth/password.ts';
import { loginUnblock } from '../auth/queries.ts';
import { seedRoles } from '../auth/seed.ts';
import type { Sql, SqlQuery } from '../db/sql.ts';
import { dutyConflicts, lockOrganisation, revokeSessions } from '../organisation/queries.ts';
import * as q from './queries.ts';

export interface NewTenant {
  code: string;
  name: string;
  adminUsername: string;
  adminDisplayName: string;
}

export interface CreatedTenant {
  tenantId: number;
  adminUserId: number;
  /** Shown once to the operator; the admin must change it at first sign-in. */
  temporaryPassword: string;
}

export class TenantError extends Error {}

const CODE = /^[a-z][a-z0-9_-]{1,39}$/;
const USERNAME = /^[A-Za-z0-9._-]{2,60}$/;

/** A temporary password that meets the password rules: letters of both cases, digits and a sign. */
export function temporaryPassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '@#%+='];
  const pick = (s: string) => s[randomInt(s.length)];
  const chars = [...sets.map(pick), ...Array.from({ length: 12 }, () => pick(sets.join('')))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

export async function createTenant(owner: pg.Pool, input: NewTenant): Promise<CreatedTenant> {
  if (!CODE.test(input.code)) throw new TenantError(`tenant code "${input.code}": 2–40 lower-case letters, digits, _ or -, starting with a letter`);
  if (!input.name.trim() || input.name.length > 100) throw new TenantError('tenant name: 1–100 characters');
  if (!USERNAME.test(input.adminUsername)) throw new TenantError(`admin username "${input.adminUsername}": 2–60 letters, digits, . _ or -`);
  const password = temporaryPassword();
  const hash = await hashPassword(password);
  const client = await owner.connect();
  try {
    await client.query('begin');
    const t = await client.query(q.insertTenant(input.code, input.name.trim()).toQuery());
    if (t.rowCount === 0) throw new TenantError(`tenant ${input.code} exists already`);
    const tenantId = t.rows[0].id as number;
    const positions = await seedRoles(client, tenantId);
    const u = await client.query(q.insertAdmin(tenantId, input.adminUsername, input.adminDisplayName, hash).toQuery());
    const adminUserId = Number(u.rows[0].id);
    await client.query(q.assignPosition(tenantId, adminUserId, positions.get('admin')!).toQuery());
    await client.query('commit');
    return { tenantId, adminUserId, temporaryPassword: password };
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

// ---- the system operator's hand on the duty accounts (三员分立) ----
// The system administrator neither resets nor moves the security and audit administrators' duties
// (api/src/organisation/duties.ts); the operator, who runs the server, does it here. Each is audited
// with no acting user: `by: 'system operator'`.

const OPERATOR = { by: 'system operator' };

/** Runs fn in one owner transaction with the tenant's organisation lock; the tenant by its code. */
type Run = <R extends pg.QueryResultRow>(s: Sql | SqlQuery) => Promise<R[]>;

async function inTenant<T>(owner: pg.Pool, code: string, fn: (run: Run, tenantId: number) => Promise<T>): Promise<T> {
  const client = await owner.connect();
  const run: Run = async <R extends pg.QueryResultRow>(s: Sql | SqlQuery) => (await client.query<R>('toQuery' in s ? s.toQuery() : s)).rows;
  try {
    await client.query('begin');
    const t = (await run<{ id: number }>(q.tenantByCode(code)))[0];
    if (!t) throw new TenantError(`no tenant with code ${code}`);
    await run(lockOrganisation(t.id));
    const out = await fn(run, t.id);
    await client.query('commit');
    return out;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function userNamed(run: Run, tenantId: number, code: string, username: string) {
  const u = (await run<{ id: string; username: string; active: boolean }>(q.userByName(tenantId, username)))[0];
  if (!u) throw new TenantError(`no user ${username} in tenant ${code}`);
  return { id: Number(u.id), username: u.username, active: u.active };
}

export interface PasswordReset {
  username: string;
  /** Shown once to the operator; the user must change it at the next sign-in. */
  temporaryPassword: string;
  active: boolean;
}

/** `npm run tenant -- reset-password`: a temporary password (and, with totp, no second factor); sessions end. */
export async function resetPassword(owner: pg.Pool, input: { code: string; username: string; totp?: boolean }): Promise<PasswordReset> {
  const password = temporaryPassword();
  const hash = await hashPassword(password);
  return inTenant(owner, input.code, async (run, tenantId) => {
    const u = await userNamed(run, tenantId, input.code, input.username);
    await run(q.resetPassword(tenantId, u.id, hash, !!input.totp));
    await run(revokeSessions(tenantId, u.id));
    await run(loginUnblock(u.username));
    const detail = { ...OPERATOR, totpReset: !!input.totp };
    await runAudit(run, { tenantId, action: 'user.password_reset', objectId: u.id, detail });
    if (input.totp) await runAudit(run, { tenantId, action: 'user.totp_reset', objectId: u.id, detail: OPERATOR });
    return { username: u.username, temporaryPassword: password, active: u.active };
  });
}

/** Appends to the audit log in the operator's transaction, with no acting user. */
async function runAudit(run: Run, e: { tenantId: number; action: string; objectId: number; detail: Record<string, unknown> }) {
  await run({ text: appendStatement({ ...e, userId: null, objectType: 'user', result: 'ok' }), values: [] });
}

export interface DutyMoved {
  username: string;
  role: string;
  /** Who lost the duty: directly (via null) or by leaving a position that carries it. */
  removed: { username: string; via: string | null }[];
}

/**
 * `npm run tenant -- duty`: gives a duty's built-in role to one user and takes it from every other
 * holder, in one transaction; refuses a disabled account and one that would then hold two duties.
 */
export async function assignDuty(owner: pg.Pool, input: { code: string; role: string; username: string }): Promise<DutyMoved> {
  return inTenant(owner, input.code, async (run, tenantId) => {
    const role = (await run<{ id: string; code: string; duty: string }>(q.dutyRole(tenantId, input.role)))[0];
    if (!role) throw new TenantError(`role ${input.role}: one of admin, security_admin, audit_admin`);
    const u = await userNamed(run, tenantId, input.code, input.username);
    if (!u.active) throw new TenantError(`user ${u.username} is disabled: a duty needs an active account`);
    const removed = await run<{ username: string; via: string | null }>(q.removeRoleFromOthers(tenantId, Number(role.id), u.id));
    const [{ holds }] = await run<{ holds: boolean }>(q.holdsRole(tenantId, u.id, Number(role.id)));
    if (!holds) await run(q.grantRole(tenantId, u.id, Number(role.id)));
    const conflict = (await run<{ held: { duty: string; role: string }[] }>(dutyConflicts(tenantId, [u.id])))[0];
    if (conflict) {
      throw new TenantError(`user ${u.username} would hold ${[...new Set(conflict.held.map((h) => h.role))].join(' and ')}: one user may hold only one of the system, security and audit administrator roles (三员分立); remove the other first`);
    }
    await runAudit(run, { tenantId, action: 'user.duty_assign', objectId: u.id, detail: { ...OPERATOR, role: role.code, duty: role.duty, removed } });
    return { username: u.username, role: role.code, removed };
  });
}
