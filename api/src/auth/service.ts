// Login with lockout, server-side sessions behind a signed cookie token, logout, password change.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { writeAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { oneShot, withScope, withoutCaller } from '../db/scope.ts';
import { AppError, unauthorized, unprocessable } from '../http/errors.ts';
import { dummyHash, hashPassword, passwordPolicyError, verifyPassword } from './password.ts';
import type { Permission } from './permissions.ts';
import { callerOf, type Principal } from './principal.ts';
import * as q from './queries.ts';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
const TOKEN_MAX_AGE = '12h';

interface Candidate {
  tenant_id: number;
  user_id: number;
  password_hash: string;
  active: boolean;
  failed_logins: number;
  locked_until: Date | null;
}

export interface LoginRequest {
  username: string;
  password: string;
  tenant?: string;
  ip: string | null;
  userAgent: string | null;
}

/** Verifies the password; returns a signed token naming a new server-side session. */
export async function login(app: AppContext, req: LoginRequest): Promise<{ token: string; principal: Principal }> {
  const rows = await withoutCaller(app.db.pool, (tx) => tx.rows<Candidate>(q.loginCandidates(req.username, req.tenant ?? null)));
  if (rows.length > 1) {
    throw unprocessable('this username exists in several tenants: give the tenant code', 'tenant');
  }
  const user = rows[0];
  if (!user || !user.active) {
    await verifyPassword(await dummyHash(), req.password);
    throw new AppError(401, 'invalid_credentials', 'wrong username or password');
  }
  if (user.locked_until && user.locked_until > new Date()) {
    await writeAudit(app.db.pool, { tenantId: user.tenant_id, userId: user.user_id, action: 'auth.login', ip: req.ip, result: 'denied', detail: { reason: 'locked' } });
    throw lockedError(user.locked_until);
  }
  if (!(await verifyPassword(user.password_hash, req.password))) {
    const lockedUntil = await withoutCaller(app.db.pool, async (tx) =>
      (await tx.one<{ locked_until: Date | null }>(q.recordLoginFailure(user.tenant_id, user.user_id, MAX_FAILED_LOGINS, LOCK_MINUTES)))?.locked_until,
    );
    await writeAudit(app.db.pool, { tenantId: user.tenant_id, userId: user.user_id, action: 'auth.login', ip: req.ip, result: 'denied', detail: { reason: 'password' } });
    if (lockedUntil && lockedUntil > new Date()) throw lockedError(lockedUntil);
    throw new AppError(401, 'invalid_credentials', 'wrong username or password');
  }
  const sessionId = await withoutCaller(app.db.pool, async (tx) =>
    (await tx.one<{ id: string }>(q.openSession(user.tenant_id, user.user_id, req.ip, req.userAgent)))!.id,
  );
  await writeAudit(app.db.pool, { tenantId: user.tenant_id, userId: user.user_id, action: 'auth.login', ip: req.ip, result: 'ok' });
  const token = await new SignJWT({ tid: user.tenant_id, sid: sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(TOKEN_MAX_AGE)
    .sign(app.config.secrets.session);
  const principal = await resolveSession(app, user.tenant_id, sessionId);
  if (!principal) throw new AppError(500, 'internal', 'session could not be opened');
  return { token, principal };
}

function lockedError(until: Date): AppError {
  const minutes = Math.ceil((until.getTime() - Date.now()) / 60_000);
  return new AppError(403, 'account_locked', `account locked after ${MAX_FAILED_LOGINS} failed logins; try again in ${minutes} min`, undefined, {
    'Retry-After': String(minutes * 60),
  });
}

export interface TokenClaims {
  tid: number;
  sid: string;
  typ: 'staff' | 'citizen';
}

// The session secret as a KeyObject, made once per secret: given raw bytes, jose imports the key
// on every call (0.6 ms of each request's token check).
const sessionKeys = new WeakMap<Buffer, KeyObject>();
function sessionKey(secret: Buffer): KeyObject {
  let key = sessionKeys.get(secret);
  if (!key) sessionKeys.set(secret, (key = createSecretKey(secret)));
  return key;
}

/** Verifies a session token's signature and expiry; undefined for anything malformed. */
export async function verifyToken(app: AppContext, token: string): Promise<TokenClaims | undefined> {
  let payload: Record<string, unknown>;
  try {
    payload = (await jwtVerify(token, sessionKey(app.config.secrets.session), { algorithms: ['HS256'] })).payload;
  } catch {
    return undefined;
  }
  if (typeof payload.tid !== 'number' || typeof payload.sid !== 'string') return undefined;
  return { tid: payload.tid, sid: payload.sid, typ: payload.typ === 'citizen' ? 'citizen' : 'staff' };
}

/** Verified token claims → live session → principal; undefined for a bad, expired, idle or revoked session. */
export function principalFromClaims(app: AppContext, claims: TokenClaims | undefined): Promise<Principal | undefined> {
  if (!claims || claims.typ !== 'staff') return Promise.resolve(undefined);
  return resolveSession(app, claims.tid, claims.sid);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SessionRow {
  tenant_id: number;
  tenant_code: string;
  user_id: number;
  username: string;
  display_name: string;
  is_demo: boolean;
  scope_ids: number[];
  scope_paths: string[];
  roles: string[];
  permissions: Permission[];
  must_change_password: boolean;
}

async function resolveSession(app: AppContext, tenantId: number, sessionId: string): Promise<Principal | undefined> {
  if (!UUID.test(sessionId) || !Number.isInteger(tenantId)) return undefined;
  const [row] = await oneShot<SessionRow>(app.db.pool, q.sessionPrincipal(tenantId, sessionId, app.config.sessionIdleMinutes));
  if (!row) return undefined;
  return {
    sessionId,
    tenantId: row.tenant_id,
    tenantCode: row.tenant_code,
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    isDemo: row.is_demo,
    scopeIds: row.scope_ids,
    scopePaths: row.scope_paths,
    roles: row.roles,
    permissions: row.permissions,
    mustChangePassword: row.must_change_password,
  };
}

export async function logout(app: AppContext, p: Principal, ip: string | null): Promise<void> {
  await withoutCaller(app.db.pool, (tx) => tx.query(q.revokeSession(p.tenantId, p.sessionId)));
  await writeAudit(app.db.pool, { tenantId: p.tenantId, userId: p.userId, action: 'auth.logout', ip, result: 'ok' });
}

/** Changes the caller's own password; other sessions of the user are ended. */
export async function changePassword(app: AppContext, p: Principal, current: string, next: string, ip: string | null): Promise<void> {
  const policy = passwordPolicyError(next);
  if (policy) throw unprocessable(`newPassword ${policy}`, 'newPassword');
  if (next === current) throw unprocessable('newPassword must differ from the current password', 'newPassword');
  const hash = await hashPassword(next);
  await withScope(app.db.pool, callerOf(p), async (tx) => {
    const row = await tx.one<{ password_hash: string }>(q.passwordHashOf(p.tenantId, p.userId));
    if (!row || !(await verifyPassword(row.password_hash, current))) throw unauthorized('current password is wrong');
    await tx.query(q.setPassword(p.tenantId, p.userId, hash));
    await tx.query(q.revokeOtherSessions(p.tenantId, p.userId, p.sessionId));
  });
  await writeAudit(app.db.pool, { tenantId: p.tenantId, userId: p.userId, action: 'auth.password', ip, result: 'ok' });
}
