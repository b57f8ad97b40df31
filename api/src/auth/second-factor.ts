// Administrators' second factor (TOTP) and step-up re-authentication (issue 13): a user sets up
// their own factor (password, then a first code confirms the secret), signs in with it, and proves
// who they are again — password and code — before exports, role changes and full ID numbers.
// Wrong passwords and codes count in the sign-in throttle (per address and per name and address).
import { auditTx, writeAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { withoutCaller } from '../db/scope.ts';
import { AppError } from '../http/errors.ts';
import { verifyPassword } from './password.ts';
import type { Principal } from './principal.ts';
import * as q from './queries.ts';
import { acceptTotp, isAdministrator, LOCK_MINUTES, MAX_FAILED_LOGINS, tooManyAttempts, totpInvalid, totpRequired } from './service.ts';
import { newTotpSecret, totpUri } from './totp.ts';

const ISSUER = '网格化疫情防控';

interface TotpState {
  password_hash: string;
  totp_secret_enc: Buffer | null;
  totp_pending_enc: Buffer | null;
  totp_last_step: string | null;
}

const passwordWrong = () => new AppError(422, 'password_wrong', 'the password is wrong', 'password').withZh('密码不正确');

/** The sign-in throttle's keys for this user from this address (auth/service.ts login). */
function throttleKeys(p: Principal, ip: string | null): string[] {
  const address = ip ?? 'unknown';
  return [`ip:${address}`, `name:${p.username.toLowerCase()}|${address}`];
}

/**
 * Checks the user's password and, when they have a second factor (or `needCode`), its code; a
 * failure counts in the throttle, is audited under `action` and throws.
 */
async function reauthenticate(app: AppContext, p: Principal, password: string, code: string | undefined, ip: string | null, action: string): Promise<TotpState> {
  const keys = throttleKeys(p, ip);
  const blocked = await withoutCaller(app.db.pool, (tx) => tx.one<{ s: number }>(q.loginBlocked(keys)));
  if (blocked!.s > 0) throw tooManyAttempts(blocked!.s);
  const state = await withoutCaller(app.db.pool, (tx) => tx.one<TotpState>(q.totpState(p.tenantId, p.userId)));
  if (!state) throw new AppError(401, 'unauthorized', 'sign in again').withZh('请重新登录');
  const fail = async (reason: string, error: AppError) => {
    const after = await withoutCaller(app.db.pool, (tx) =>
      tx.one<{ s: number }>(q.loginFailed(keys, [app.config.loginFailuresPerAddress, MAX_FAILED_LOGINS], LOCK_MINUTES)));
    await writeAudit(app.db.pool, { tenantId: p.tenantId, userId: p.userId, action, ip, result: 'denied', detail: { reason } });
    throw after!.s > 0 ? tooManyAttempts(after!.s) : error;
  };
  if (!(await verifyPassword(state.password_hash, password))) await fail('password', passwordWrong());
  if (state.totp_secret_enc) {
    if (!code) throw totpRequired(422);
    if (!(await acceptTotp(app, p.tenantId, p.userId, state.totp_secret_enc, state.totp_last_step, code))) await fail('totp', totpInvalid(422));
  }
  return state;
}

async function markSteppedUp(app: AppContext, p: Principal): Promise<Date> {
  return (await withoutCaller(app.db.pool, (tx) => tx.one<{ at: Date }>(q.sessionStepUp(p.tenantId, p.sessionId))))!.at;
}

export const steppedUpUntil = (app: AppContext, p: Principal): Date => new Date(p.steppedUpAt.getTime() + app.config.stepUpMinutes * 60_000);

/** Step-up: password (and code, when the user has a second factor) again; gated actions then pass for a while. */
export async function stepUp(app: AppContext, p: Principal, password: string, code: string | undefined, ip: string | null): Promise<{ steppedUpUntil: Date }> {
  await reauthenticate(app, p, password, code, ip, 'auth.step_up');
  const at = await markSteppedUp(app, p);
  await writeAudit(app.db.pool, { tenantId: p.tenantId, userId: p.userId, action: 'auth.step_up', ip, result: 'ok' });
  return { steppedUpUntil: steppedUpUntil(app, { ...p, steppedUpAt: at }) };
}

/** Starts setting up a second factor: a new secret, kept pending until a first code confirms it. */
export async function setUpTotp(app: AppContext, p: Principal, password: string, ip: string | null): Promise<{ secret: string; otpauthUrl: string }> {
  const state = await reauthenticate(app, p, password, undefined, ip, 'auth.totp.setup');
  if (state.totp_secret_enc) throw new AppError(409, 'totp_enabled', 'a second factor is set up already: remove it first', 'password').withZh('已设置动态码，请先停用');
  const secret = newTotpSecret();
  await withoutCaller(app.db.pool, async (tx) => {
    await tx.query(q.totpSetPending(p.tenantId, p.userId, app.cipher.encrypt(secret)));
    await auditTx(tx, { tenantId: p.tenantId, userId: p.userId, action: 'auth.totp.setup', ip, result: 'ok' });
  });
  return { secret, otpauthUrl: totpUri(secret, ISSUER, `${p.tenantCode}:${p.username}`) };
}

/** Confirms the pending secret with a first code: from then on sign-in asks for the code. */
export async function enableTotp(app: AppContext, p: Principal, code: string, ip: string | null): Promise<void> {
  const state = await withoutCaller(app.db.pool, (tx) => tx.one<TotpState>(q.totpState(p.tenantId, p.userId)));
  if (!state?.totp_pending_enc) throw new AppError(409, 'totp_not_set_up', 'no second factor is being set up: start with the password', 'totp').withZh('请先输入密码开始设置');
  if (!(await acceptTotp(app, p.tenantId, p.userId, state.totp_pending_enc, state.totp_last_step, code, true))) {
    await writeAudit(app.db.pool, { tenantId: p.tenantId, userId: p.userId, action: 'auth.totp.enable', ip, result: 'denied', detail: { reason: 'totp' } });
    throw totpInvalid(422);
  }
  await markSteppedUp(app, p);
  await writeAudit(app.db.pool, { tenantId: p.tenantId, userId: p.userId, action: 'auth.totp.enable', ip, result: 'ok' });
}

/** Removes the user's own second factor (password and a code), unless the policy requires it of them. */
export async function disableTotp(app: AppContext, p: Principal, password: string, code: string, ip: string | null): Promise<void> {
  if (app.config.adminTotp === 'required' && isAdministrator(p.permissions)) {
    throw new AppError(409, 'totp_required_by_policy', 'administrators must keep a second factor', 'totp').withZh('管理员必须使用动态码，不能停用');
  }
  const state = await reauthenticate(app, p, password, code, ip, 'auth.totp.disable');
  if (!state.totp_secret_enc) throw new AppError(409, 'totp_not_set_up', 'no second factor is set up', 'totp').withZh('尚未设置动态码');
  await withoutCaller(app.db.pool, async (tx) => {
    await tx.query(q.totpClear(p.tenantId, p.userId));
    await auditTx(tx, { tenantId: p.tenantId, userId: p.userId, action: 'auth.totp.disable', ip, result: 'ok' });
  });
}

export const stepUpRequired = () =>
  new AppError(403, 'step_up_required', 'confirm who you are again (password, and the code when you have one) before this action')
    .withZh('此操作需要重新验证身份（密码，已设置动态码的还需动态码）');

/** Whether the user proved who they are recently enough for an export, a role change or a full ID number. */
export const steppedUp = (app: AppContext, p: Principal, now = Date.now()) => now <= steppedUpUntil(app, p).getTime();

/** Throws step_up_required unless the user re-authenticated recently (for a condition only the handler knows). */
export function requireStepUp(app: AppContext, p: Principal): void {
  if (!steppedUp(app, p)) throw stepUpRequired();
}
