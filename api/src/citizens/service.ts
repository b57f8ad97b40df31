// Public sign-in with phone + SMS code, citizen sessions, and identity binding of quarantined residents.
import { isSessionId, tenantCaller, type CitizenPrincipal } from '../auth/principal.ts';
import { randomInt, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
import { auditTx, writeAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { maskPhone } from '../crypto/pii.ts';
import { oneShot, withScope, withTenantScope, withoutCaller, type Scoped } from '../db/scope.ts';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../http/errors.ts';
import { isMobilePhone, parseResidentId } from '../persons/idnumber.ts';
import * as q from './queries.ts';

export const SMS = {
  ttlSeconds: 300,
  minIntervalSeconds: 60,
  perPhonePerHour: 5,
  maxAttempts: 5,
};
const TOKEN_MAX_AGE = '30d';


async function tenantId(app: AppContext, code: string): Promise<number> {
  const row = await withoutCaller(app.db.pool, (tx) => tx.one<{ id: number | null }>(q.tenantByCode(code)));
  if (!row?.id) throw notFound('tenant');
  return row.id;
}

function checkPhone(phone: string): void {
  if (!isMobilePhone(phone)) throw badRequest('phone must be an 11-digit mainland mobile number', 'phone').withZh('手机号须为 11 位中国大陆手机号码');
}

const phoneHash = (app: AppContext, phone: string) => app.cipher.lookupHash(`phone:${phone}`);
const codeHash = (app: AppContext, phone: string, code: string) => app.cipher.lookupHash(`sms:${phone}:${code}`);

function tooMany(message: string, zh: string, retryAfter: number): AppError {
  return new AppError(429, 'rate_limited', message, 'phone', { 'Retry-After': String(Math.max(1, Math.ceil(retryAfter))) }).withZh(zh);
}

/** Sends a 6-digit single-use code, within the per-phone and per-IP limits. */
export async function requestCode(app: AppContext, tenantCode: string, phone: string, ip: string | null): Promise<{ expiresIn: number }> {
  checkPhone(phone);
  const tid = await tenantId(app, tenantCode);
  const ph = phoneHash(app, phone);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await withScope(app.db.pool, tenantCaller(tid), async (tx) => {
    const c = (await tx.one<{ last_phone: number | null; phone_hour: number; ip_hour: number; ip_first: number | null; phone_first: number | null; now: number }>(q.sendCounts(tid, ph, ip)))!;
    if (c.last_phone && c.now - c.last_phone < SMS.minIntervalSeconds) {
      throw tooMany(`wait ${SMS.minIntervalSeconds} s between codes`, `两次发送验证码须间隔 ${SMS.minIntervalSeconds} 秒`, SMS.minIntervalSeconds - (c.now - c.last_phone));
    }
    if (c.phone_hour >= SMS.perPhonePerHour) throw tooMany('too many codes for this phone in the last hour', '此手机号一小时内获取验证码次数过多，请稍后再试', c.phone_first! + 3600 - c.now);
    if (ip && c.ip_hour >= app.config.sms.perAddressPerHour) throw tooMany('too many codes from this address in the last hour', '此网络地址一小时内获取验证码次数过多，请稍后再试', c.ip_first! + 3600 - c.now);
    await tx.query(q.insertCode(tid, ph, codeHash(app, phone, code), ip, SMS.ttlSeconds));
  });
  await app.sms.send(phone, `【网格化疫情防控】验证码 ${code}，${SMS.ttlSeconds / 60} 分钟内有效。请勿告诉他人。`);
  return { expiresIn: SMS.ttlSeconds };
}

/** Verifies the code (single use, expiring, limited attempts) and opens a citizen session. */
export async function signIn(app: AppContext, tenantCode: string, phone: string, code: string, ip: string | null): Promise<{ token: string; principal: CitizenPrincipal }> {
  checkPhone(phone);
  const tid = await tenantId(app, tenantCode);
  const ph = phoneHash(app, phone);
  const expected = codeHash(app, phone, code);
  const result = await withScope(app.db.pool, tenantCaller(tid), async (tx) => {
    const live = await tx.one<{ id: number; code_hash: Buffer; attempts: number }>(q.liveCode(tid, ph));
    if (!live || live.attempts >= SMS.maxAttempts) return { ok: false as const };
    if (!timingSafeEqual(live.code_hash, expected)) {
      await tx.query(q.countAttempt(tid, live.id));
      return { ok: false as const };
    }
    await tx.query(q.useCode(tid, live.id));
    const s = (await tx.one<{ citizen_id: number; session_id: string }>(q.citizenSignIn(tid, ph, app.cipher.encrypt(phone), maskPhone(phone))))!;
    return { ok: true as const, citizenId: s.citizen_id, sessionId: s.session_id };
  });
  if (!result.ok) {
    // The phone is personal data: the audit keeps only its masked form, with the address.
    await writeAudit(app.db.pool, { tenantId: tid, userId: null, action: 'citizen.login', ip, result: 'denied', detail: { phone: maskPhone(phone) } });
    throw new AppError(401, 'invalid_code', 'the code is wrong, used or expired; request a new one', 'code').withZh('验证码错误、已使用或已过期，请重新获取');
  }
  const token = await new SignJWT({ tid, sid: result.sessionId, typ: 'citizen' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(TOKEN_MAX_AGE)
    .sign(app.config.secrets.session);
  const principal = await resolveCitizenSession(app, tid, result.sessionId);
  return { token, principal: principal! };
}

/** Citizens stay signed in for a week of inactivity at most. */
const CITIZEN_IDLE_MINUTES = 7 * 24 * 60;

export async function resolveCitizenSession(app: AppContext, tid: number, sid: string): Promise<CitizenPrincipal | undefined> {
  if (!isSessionId(sid) || !Number.isInteger(tid)) return undefined;
  const [row] = await oneShot<{ tenant_id: number; tenant_code: string; tenant_name: string; citizen_id: number; person_id: number | null; phone_masked: string }>(
    app.db.pool, q.citizenSession(tid, sid, CITIZEN_IDLE_MINUTES),
  );
  if (!row) return undefined;
  return { sessionId: sid, tenantId: row.tenant_id, tenantCode: row.tenant_code, tenantName: row.tenant_name, citizenId: row.citizen_id, personId: row.person_id, phoneMasked: row.phone_masked };
}

export async function signOut(app: AppContext, scoped: Scoped, c: CitizenPrincipal): Promise<void> {
  await scoped((tx) => tx.query(q.revokeCitizenSession(c.tenantId, c.sessionId)));
}


/**
 * Identity binding (§4.1.6): name + ID number + the signed-in phone must match one person on the
 * watch list (or suspected/confirmed); the citizen account is then linked to that person.
 */
export async function bindIdentity(app: AppContext, scoped: Scoped, c: CitizenPrincipal, name: string, idNumber: string, ip: string | null): Promise<{ personId: number }> {
  if (c.personId) throw conflict('this account is already bound to a person', 'idNumber').withZh('此账号已绑定人员');
  // A typing mistake is told as such, before any lookup: format, birth date and check digit are
  // public arithmetic (GB 11643), so saying which is wrong discloses nothing about the register.
  const id = parseResidentId(idNumber);
  if (!id.ok) throw badRequest(`idNumber ${id.reason}`, 'idNumber').withZh(`身份证号${id.reasonZh}`);
  const phone = await scoped(async (tx) => {
    const row = await tx.one<{ phone_enc: Buffer }>(q.citizenPhone(c.tenantId, c.citizenId));
    return app.cipher.decrypt(row!.phone_enc);
  });
  const idHash = app.cipher.lookupHash(`resident_id:${idNumber.trim().toUpperCase()}`);
  const personId = await withTenantScope(app.db.pool, c.tenantId, async (tx) => {
    const matches = await tx.rows<{ id: number }>(q.bindingCandidate(c.tenantId, name.trim(), idHash, phoneHash(app, phone)));
    if (matches.length !== 1) return undefined;
    const taken = await tx.one(q.citizenBoundTo(c.tenantId, matches[0].id));
    if (taken) throw conflict('this person is already bound to another account', 'idNumber').withZh('该人员已绑定其他账号');
    await tx.query(q.bindCitizen(c.tenantId, c.citizenId, matches[0].id));
    await auditTx(tx, { tenantId: c.tenantId, userId: null, action: 'citizen.bind', objectType: 'citizen', objectId: c.citizenId, ip, result: 'ok' });
    return matches[0].id;
  });
  if (!personId) await writeAudit(app.db.pool, { tenantId: c.tenantId, userId: null, action: 'citizen.bind', objectType: 'citizen', objectId: c.citizenId, ip, result: 'denied' });
  if (!personId) throw unprocessable('no one on the watch list matches this name, ID number and phone', 'idNumber').withZh('观察名单中没有与此姓名、身份证号和手机号相符的人员');
  return { personId };
}
