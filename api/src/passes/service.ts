// Electronic passes (§4.1.3): a citizen registers with name and ID number; a pass is issued only
// while the holder's person status allows it, and every QR token is short-lived and re-checked.
import type { CitizenPrincipal } from '../auth/principal.ts';
import QRCode from 'qrcode';
import { auditTx, writeAudit } from '../audit/audit.ts';
import { tenantByCode } from '../citizens/queries.ts';
import type { AppContext } from '../context.ts';
import { maskIdNumber } from '../crypto/pii.ts';
import { withTenantScope, withoutCaller, type Tx, type Scoped } from '../db/scope.ts';
import { AppError, badRequest, notFound } from '../http/errors.ts';
import { parseResidentId } from '../persons/idnumber.ts';
import type { Status } from '../persons/status.ts';
import { publicKeys, signPassToken } from './keys.ts';
import * as q from './queries.ts';

/**
 * Statuses that bar a pass: on the watch list, suspected, confirmed — and dead, since a pass in a
 * dead person's name can only be misuse. Cured, released and closed-as-mistaken allow one.
 */
export const BARRED: ReadonlySet<Status> = new Set(['watching', 'suspected', 'confirmed', 'dead']);

const BARRED_WORDS: Record<string, string> = {
  watching: 'is on the quarantine watch list',
  suspected: 'is a suspected case',
  confirmed: 'is a confirmed case',
  dead: 'is recorded as deceased',
};

export interface Holder {
  personId: number;
  status: Status;
}

/** The current person record of an ID hash, if any; system work with tenant-wide scope. */
export function holderOf(tx: Tx, tenantId: number, idHash: Buffer): Promise<Holder | undefined> {
  return tx.one<{ id: number; status: Status }>(q.holderPerson(tenantId, idHash)).then((r) => (r ? { personId: r.id, status: r.status } : undefined));
}

export const idHashOf = (app: AppContext, id: string) => app.cipher.lookupHash(`resident_id:${id}`);

/** Told to the holder only: their own status. */
function refused(status: Status): AppError {
  return new AppError(409, 'pass_refused', `no pass can be issued: you ${BARRED_WORDS[status].replace(/^is /, 'are ')}; please contact your community`, 'idNumber')
    .withZh('您当前的状态不能办理通行证，请联系所在社区');
}

/** One answer for everything that does not concern the requester: nobody learns another person's status. */
const NOT_YOURS = () =>
  new AppError(403, 'pass_refused', 'a pass is issued only to its holder: this name and ID number do not match the register for your phone; if they are yours, ask your community to record this phone', 'idNumber')
    .withZh('通行证只发给本人：姓名和身份证号与本手机登记的信息不符；如确属本人，请联系社区登记此手机号');

/** Failed attempts per citizen and per ID number in an hour before further attempts wait (429). */
const PASS_ATTEMPTS = { perCitizen: 5, perIdNumber: 5 };
/** Refusals on one registered person's ID number within an hour, by others, that alert their community. */
const MISMATCH_ALERT_AT = 3;

/**
 * Registers (or re-registers) the citizen's pass; the previous pass of the citizen is replaced. A
 * pass is issued only to the person the signed-in phone belongs to: a registered person's ID only
 * with the name as registered and this phone theirs (or bound to them); a phone that belongs to
 * registered persons only for one of them; an ID the register does not know, in the name stated,
 * unless another citizen already holds a pass on it. Everything that does not concern the
 * requester is refused with one answer, counted, audited, and alerts the person's community.
 */
export async function registerPass(app: AppContext, scoped: Scoped, c: CitizenPrincipal, name: string, idNumber: string, ip: string | null) {
  const id = idNumber.trim().toUpperCase();
  const parsed = parseResidentId(id);
  if (!parsed.ok) throw badRequest(`idNumber ${parsed.reason}`, 'idNumber').withZh(`身份证号${parsed.reasonZh}`);
  const hash = idHashOf(app, id);
  const keys = [`pass-citizen:${c.tenantId}:${c.citizenId}`, `pass-id:${c.tenantId}:${hash.toString('hex')}`];
  const wait = await withoutCaller(app.db.pool, (tx) => tx.one<{ s: number }>(q.passAttemptBlocked(keys)));
  if (wait!.s > 0) throw tooManyAttempts(wait!.s);
  const claim = (await withTenantScope(app.db.pool, c.tenantId, (tx) =>
    tx.one<{ id: number | null; status: Status | null; is_requester: boolean; phone_persons: number; held_by_other: boolean }>(q.passClaim(c.tenantId, hash, c.citizenId, name.trim())),
  ))!;
  const reason = claim.id !== null ? (claim.is_requester ? null : 'not_holder') : claim.phone_persons > 0 ? 'phone_of_registered' : claim.held_by_other ? 'held_by_other' : null;
  if (reason || (claim.id !== null && BARRED.has(claim.status!))) {
    const after = await withoutCaller(app.db.pool, (tx) => tx.one<{ s: number }>(q.passAttemptFailed(keys, [PASS_ATTEMPTS.perCitizen, PASS_ATTEMPTS.perIdNumber])));
    await writeAudit(app.db.pool, {
      tenantId: c.tenantId, userId: null, action: 'pass.register', objectType: 'citizen', objectId: c.citizenId, ip, result: 'denied',
      detail: reason ? { reason, personId: claim.id } : { reason: 'status', status: claim.status, personId: claim.id },
    });
    if (reason) {
      if (reason === 'not_holder') await withoutCaller(app.db.pool, (tx) => tx.one(q.passMismatchAlert(c.tenantId, claim.id!, MISMATCH_ALERT_AT)));
      throw after!.s > 0 ? tooManyAttempts(after!.s) : NOT_YOURS();
    }
    throw refused(claim.status!);
  }
  const pass = await scoped(async (tx) => {
    await tx.query(q.revokeCitizenPasses(c.tenantId, c.citizenId, 'replaced'));
    const issued = (await tx.one<PassRow>(q.insertPass(c.tenantId, c.citizenId, { name, enc: app.cipher.encrypt(id), hash, masked: maskIdNumber(id) })))!;
    await auditTx(tx, { tenantId: c.tenantId, userId: null, action: 'pass.register', objectType: 'pass', objectId: issued.id, ip, result: 'ok' });
    return issued;
  });
  return { pass: toPass(pass) };
}

function tooManyAttempts(seconds: number): AppError {
  return new AppError(429, 'too_many_attempts', `too many refused pass requests; try again in ${Math.ceil(seconds / 60)} min`, undefined, { 'Retry-After': String(seconds) })
    .withZh(`通行证申领被拒次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试`);
}

interface PassRow {
  id: number;
  holder_name: string;
  id_masked: string;
  issued_at: Date;
}

const toPass = (r: PassRow) => ({ id: r.id, holderName: r.holder_name, idNumber: r.id_masked, issuedAt: r.issued_at });

/**
 * The citizen's live pass with a fresh QR token. The holder's status is read now: a pass whose
 * holder went onto the watch list (or worse) since issue is revoked here and refused.
 */
export async function currentPass(app: AppContext, scoped: Scoped, c: CitizenPrincipal) {
  const row = await scoped((tx) =>
    tx.one<PassRow & { id_number_hash: Buffer; revoked_at: Date | null; revoked_reason: string | null }>(q.latestPassOf(c.tenantId, c.citizenId)),
  );
  if (!row) throw notFound('pass');
  if (row.revoked_at) {
    throw new AppError(409, 'pass_revoked', `your pass was revoked (${row.revoked_reason}); register again once your status allows it`).withZh('您的通行证已被撤销，状态允许后请重新申领');
  }
  const holder = await withTenantScope(app.db.pool, c.tenantId, async (tx) => {
    const h = await holderOf(tx, c.tenantId, row.id_number_hash);
    if (h && BARRED.has(h.status)) await tx.query(q.revokePass(c.tenantId, row.id, `status:${h.status}`));
    return h;
  });
  if (holder && BARRED.has(holder.status)) throw new AppError(409, 'pass_revoked', `your pass was revoked: the holder ${BARRED_WORDS[holder.status]}`).withZh('您的通行证已被撤销：持有人当前状态不能通行');
  const { token, expiresAt } = await signPassToken(app, c.tenantId, row.id, row.holder_name);
  const qr = await QRCode.toDataURL(token, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
  return { pass: toPass(row), token, expiresAt, qr };
}

/** Public keys of a tenant by its code, for offline verification at checkpoints. */
export async function tenantKeys(app: AppContext, tenantCode: string) {
  const row = await withoutCaller(app.db.pool, (tx) => tx.one<{ id: number | null }>(tenantByCode(tenantCode)));
  if (!row?.id) throw notFound('tenant');
  return publicKeys(app, row.id);
}
