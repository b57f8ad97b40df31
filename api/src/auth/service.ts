// Login with throttles, server-side sessions behind a signed cookie token, logout, password change.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { writeAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { oneShot, withoutCaller, type Scoped } from '../db/scope.ts';
import { AppError, unauthorized, unprocessable } from '../http/errors.ts';
import { dummyHash, hashPassword, passwordPolicyError, verifyPassword } from './password.ts';
import { DUTY_PERMISSIONS, type Permission } from './permissions.ts';
import { isSessionId, type Principal } from './principal.ts';
import * as q from './queries.ts';
import { totpStep } from './totp.ts';

/** Failed sign-ins of one typed name from one address before that pair is blocked for LOCK_MINUTES. */
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
  totp_secret_enc: Buffer | null;
  totp_last_step: string | number | null;
}

export interface LoginRequest {
  username: string;
  password: string;
  tenant?: string;
  /** The code of the second factor, for an account that has one. */
  totp?: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Verifies the password; returns a signed token naming a new server-side session. Every refusal
 * looks the same whether the name exists or not (one answer, one password verification); failures
 * are throttled per address and per (typed name, address), never per account alone, so nobody
 * can lock another person out from afar (migration 0030).
 */
export async function login(app: AppContext, req: LoginRequest): Promise<{ token: string; principal: Principal }> {
  const address = req.ip ?? 'unknown';
  const nameKey = `name:${req.username.toLowerCase()}|${address}`;
  const keys = [`ip:${address}`, nameKey];
  const blocked = await withoutCaller(app.db.pool, (tx) => tx.one<{ s: number }>(q.loginBlocked(keys)));
  // A refused (429) attempt writes nothing: the block was audited once as it began (auth.lock), and a
  // row per attempt would let a blocked client queue writes on the tenant's audit chain, and time
  // known names (audited) apart from unknown ones.
  if (blocked!.s > 0) throw tooManyAttempts(blocked!.s);
  const candidates = await withoutCaller(app.db.pool, (tx) => tx.rows<Candidate>(q.loginCandidates(req.username, req.tenant ?? null)));
  // A name that exists in several tenants signs in only with the tenant's code: without it the
  // answer, and its time, are those of a wrong password, so nobody learns where a name exists.
  const ambiguous = req.tenant == null && new Set(candidates.map((c) => c.tenant_id)).size > 1;
  const active = ambiguous ? [] : candidates.filter((c) => c.active);
  // At most one account (a name is unique within a tenant, users_username), and one verification
  // when the name is unknown, ambiguous or disabled, as when it is known: the same time.
  const account = active.length === 1 ? active[0] : undefined;
  const fits = await verifyPassword(account?.password_hash ?? (await dummyHash()), req.password);
  const user = account && fits ? account : undefined;
  const failed = async (audited: Candidate[], reason: (c: Candidate) => string) => {
    const after = await withoutCaller(app.db.pool, (tx) =>
      tx.one<{ s: number }>(q.loginFailed(keys, [app.config.loginFailuresPerAddress, MAX_FAILED_LOGINS], LOCK_MINUTES)),
    );
    await auditLogin(app, audited, req.ip, 'denied', (c) => ({ reason: reason(c) }));
    if (after!.s > 0) {
      // this failure blocked the name (or the address): recorded once, when it happens
      await auditLogin(app, audited, req.ip, 'denied', () => ({ reason: 'locked', seconds: after!.s }), 'auth.lock');
      throw tooManyAttempts(after!.s);
    }
  };
  if (!user) {
    await failed(candidates, (c) => (ambiguous ? 'tenant_required' : c.active ? 'password' : 'disabled'));
    throw new AppError(401, 'invalid_credentials', 'wrong username or password (a name used in several organisations also needs the organisation code)')
      .withZh('用户名或密码错误（用户名在多个单位中使用时，还需填写单位代码）');
  }
  // The second factor is asked for only once the password is right: only its holder learns of it.
  if (user.totp_secret_enc) {
    if (!req.totp) throw totpRequired(401);
    if (!(await acceptTotp(app, user.tenant_id, user.user_id, user.totp_secret_enc, user.totp_last_step, req.totp))) {
      await failed([user], () => 'totp');
      throw totpInvalid(401);
    }
  }
  await withoutCaller(app.db.pool, (tx) => tx.query(q.loginSucceeded(nameKey)));
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

/** Audits a sign-in event once for each account of the typed name (none for an unknown name: no tenant). */
async function auditLogin(
  app: AppContext, accounts: Candidate[], ip: string | null, result: 'ok' | 'denied', detail: (c: Candidate) => Record<string, unknown>, action = 'auth.login',
): Promise<void> {
  for (const c of accounts) {
    await writeAudit(app.db.pool, { tenantId: c.tenant_id, userId: c.user_id, action, ip, result, detail: detail(c) });
  }
}

export const totpRequired = (status: 401 | 422) =>
  new AppError(status, 'totp_required', 'enter the 6-digit code of your authenticator app', 'totp').withZh('请输入身份验证器中的 6 位动态码');
export const totpInvalid = (status: 401 | 422) =>
  new AppError(status, 'totp_invalid', 'the code is wrong or was used already; wait for the next one', 'totp').withZh('动态码不正确或已使用，请等待下一个动态码');

/** Whether a code is right for the (encrypted) secret and not used before; records its step when it is. */
export async function acceptTotp(app: AppContext, tenantId: number, userId: number, secretEnc: Buffer, lastStep: string | number | null, code: string, confirm = false): Promise<boolean> {
  const step = await totpStep(app.cipher.decrypt(secretEnc), code, lastStep == null ? null : Number(lastStep));
  if (step === undefined) return false;
  const r = await withoutCaller(app.db.pool, (tx) => tx.one<{ ok: boolean }>(q.totpUseStep(tenantId, userId, step, confirm)));
  return r!.ok;
}

export function tooManyAttempts(seconds: number): AppError {
  return new AppError(429, 'too_many_attempts', `too many failed sign-ins from this address; try again in ${Math.ceil(seconds / 60)} min`, undefined, {
    'Retry-After': String(seconds),
  }).withZh(`登录失败次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试`);
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

// Tokens whose signature was verified, per secret, with their expiry: WebCrypto's HMAC check costs
// ~0.3 ms of every request (a job on the thread pool), and a signature once right stays right. The
// session behind a token is still looked up on every request; only the signature check is skipped.
const VERIFIED_MAX = 10_000;
const verifiedTokens = new WeakMap<Buffer, Map<string, { claims: TokenClaims; expMs: number }>>();

/** Verifies a session token's signature and expiry; undefined for anything malformed. */
export async function verifyToken(app: AppContext, token: string): Promise<TokenClaims | undefined> {
  const secret = app.config.secrets.session;
  let verified = verifiedTokens.get(secret);
  if (!verified) verifiedTokens.set(secret, (verified = new Map()));
  const hit = verified.get(token);
  if (hit) {
    if (hit.expMs > Date.now()) return hit.claims;
    verified.delete(token);
    return undefined;
  }
  let payload: Record<string, unknown>;
  try {
    payload = (await jwtVerify(token, sessionKey(secret), { algorithms: ['HS256'] })).payload;
  } catch {
    return undefined;
  }
  if (typeof payload.tid !== 'number' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') return undefined;
  const claims: TokenClaims = { tid: payload.tid, sid: payload.sid, typ: payload.typ === 'citizen' ? 'citizen' : 'staff' };
  // Oldest first out (a Map keeps insertion order).
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
  verified.set(token, { claims, expMs: payload.exp * 1000 });
  return claims;
}

/** Verified token claims → live session → principal; undefined for a bad, expired, idle or revoked session. */
export function principalFromClaims(app: AppContext, claims: TokenClaims | undefined): Promise<Principal | undefined> {
  if (!claims || claims.typ !== 'staff') return Promise.resolve(undefined);
  return resolveSession(app, claims.tid, claims.sid);
}

interface SessionRow {
  totp_enabled: boolean;
  stepped_up_at: Date;
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

/** Administrators: the holders of a duty of 三员分立 (system, security, audit). */
const ADMIN_PERMISSIONS = new Set<Permission>(Object.values(DUTY_PERMISSIONS));
export const isAdministrator = (permissions: Permission[]) => permissions.some((p) => ADMIN_PERMISSIONS.has(p));

export async function resolveSession(app: AppContext, tenantId: number, sessionId: string): Promise<Principal | undefined> {
  if (!isSessionId(sessionId) || !Number.isInteger(tenantId)) return undefined;
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
    totpEnabled: row.totp_enabled,
    // an administrator without a second factor where one is required sets it up before anything else
    mustEnrolTotp: app.config.adminTotp === 'required' && !row.totp_enabled && isAdministrator(row.permissions),
    steppedUpAt: row.stepped_up_at,
  };
}

export async function logout(app: AppContext, p: Principal, ip: string | null): Promise<void> {
  await withoutCaller(app.db.pool, (tx) => tx.query(q.revokeSession(p.tenantId, p.sessionId)));
  await writeAudit(app.db.pool, { tenantId: p.tenantId, userId: p.userId, action: 'auth.logout', ip, result: 'ok' });
}

/** Changes the caller's own password; other sessions of the user are ended. */
export async function changePassword(app: AppContext, scoped: Scoped, p: Principal, current: string, next: string, ip: string | null): Promise<void> {
  const policy = passwordPolicyError(next);
  if (policy) throw unprocessable(`newPassword ${policy}`, 'newPassword').withZh('新密码至少 8 位、至多 128 位，并包含大写字母、小写字母、数字、符号中的 3 类');
  if (next === current) throw unprocessable('newPassword must differ from the current password', 'newPassword').withZh('新密码不能与当前密码相同');
  const hash = await hashPassword(next);
  await scoped(async (tx) => {
    const row = await tx.one<{ password_hash: string }>(q.passwordHashOf(p.tenantId, p.userId));
    if (!row || !(await verifyPassword(row.password_hash, current))) throw unauthorized('current password is wrong').withZh('当前密码不正确');
    await tx.query(q.setPassword(p.tenantId, p.userId, hash));
    await tx.query(q.revokeOtherSessions(p.tenantId, p.userId, p.sessionId));
  });
  await writeAudit(app.db.pool, { tenantId: p.tenantId, userId: p.userId, action: 'auth.password', ip, result: 'ok' });
}
