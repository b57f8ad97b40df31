// Checkpoint scans: the token is verified (signature, expiry) and the holder's status is read
// online; the scan is recorded with temperature, place, device and server time. A fever is a
// checkpoint registration (§3.2): always a report, and then, by what the register knows,
//   - a holder with no record: registered on the watch list at the scan's location;
//   - a holder on the register: the reading joins their record; released or cured → back to
//     watching with a new observation and the pass revoked; an alert in every case;
//   - no valid pass, no location, or a closed or dead record: the report goes to verification.
import { writeAudit } from '../audit/audit.ts';
import { callerReaching, type Principal } from '../auth/principal.ts';
import {
  checkpointStatusReason, isFever, placeAt, raiseAlert, readingOnRecord, recordOfId, UNPLACEABLE,
  type CheckpointEffect, type CheckpointReading, type KnownRecord,
} from '../checkpoints/service.ts';
import { insertReading } from '../checks/queries.ts';
import * as checkpoints from '../checkpoints/queries.ts';
import type { AppContext } from '../context.ts';
import { maskName } from '../crypto/pii.ts';
import { withScope, withTenantScope, type Scoped, type Tx } from '../db/scope.ts';
import { badRequest, forbidden } from '../http/errors.ts';
import * as persons from '../persons/queries.ts';
import { createPersonTx } from '../persons/service.ts';
import type { PersonRow } from '../persons/view.ts';
import { dispatchVerification } from '../reports/service.ts';
import { verifyPassToken } from './keys.ts';
import * as q from './queries.ts';
import { BARRED } from './service.ts';

/** How far ahead of the server a phone's clock may run (an offline scan's deviceTime). */
export const CLOCK_SKEW_MS = 2 * 60_000;

export interface ScanInput {
  token?: string;
  temperature: number;
  place: string;
  location?: { lon: number; lat: number };
  deviceTime?: string;
  /** The checkpoint verified the QR offline and queued the scan: the token is judged at deviceTime. */
  scannedOffline?: boolean;
}

interface PassHolderRow {
  id: number;
  holder_name: string;
  id_number_enc: Buffer;
  id_number_hash: Buffer;
  id_masked: string;
  revoked_at: Date | null;
  phone_enc: Buffer;
  phone_hash: Buffer;
  phone_masked: string;
}

interface PassState {
  reasons: string[];
  pass?: PassHolderRow;
  /** The holder's record (live, else the latest closed one). */
  record?: KnownRecord;
  /** Set when the holder's status bars the pass: the scan's transaction records the revocation. */
  revoke?: string;
}

/** Token (at `at`: now, or an offline scan's device time), pass and the holder's record; reads only. */
async function checkPass(app: AppContext, tenantId: number, token: string | undefined, at: Date | undefined): Promise<PassState> {
  if (!token) return { reasons: ['no_pass'] };
  const t = await verifyPassToken(app, tenantId, token, at);
  if (t.passId == null) return { reasons: [t.ok ? 'invalid_token' : t.reason] };
  const passId = t.passId;
  // The holder may be registered anywhere in the city: system work with tenant-wide scope.
  const pass = await withTenantScope(app.db.pool, tenantId, (tx) => tx.one<PassHolderRow>(q.passWithHolder(tenantId, passId)));
  if (!pass) return { reasons: ['pass_not_found'] };
  const reasons: string[] = t.ok ? [] : [t.reason];
  if (pass.revoked_at) reasons.push('pass_revoked');
  const record = await recordOfId(app, tenantId, 'resident_id', pass.id_number_hash);
  const barred = record && record.status !== 'closed' && BARRED.has(record.status as never);
  if (barred) reasons.push(`holder_${record.status}`);
  return { reasons, pass, record, revoke: barred && !pass.revoked_at ? `status:${record.status}` : undefined };
}

export interface Registration {
  reportId: number;
  personId: number | null;
  personCreated: boolean;
  taskId: number | null;
  alertId: number | null;
  statusChange: { from: string; to: string } | null;
  note: string;
}

/** How a fever is placed on the register, decided before anything is written. */
function placement(input: ScanInput, state: PassState): { kind: 'record' | 'new' | 'verify'; note: string } {
  const { pass, record } = state;
  if (!pass) return { kind: 'verify', note: 'holder unknown (no valid pass): report sent for verification' };
  if (record && UNPLACEABLE.has(record.status)) return { kind: 'verify', note: `the holder's record is ${record.status}: report sent for verification` };
  if (record) return { kind: 'record', note: `already on the person register (status ${record.status}): report linked to that person` };
  if (!input.location) return { kind: 'verify', note: 'no location given: the person could not be placed on the watch list; report sent for verification' };
  return { kind: 'new', note: 'registered on the watch list (source checkpoint)' };
}

/** The checkpoint registration of a fever: always a report; then the record, a new person, or verification. */
async function registerFever(app: AppContext, tx: Tx, user: Principal, input: ScanInput, state: PassState, threshold: number): Promise<Registration> {
  const t = user.tenantId;
  const { pass } = state;
  let how = placement(input, state);
  const node = input.location ? undefined : (await tx.one<{ id: number; lon: number; lat: number }>(checkpoints.scopeNode(t, user.scopePaths[0])))!;
  const current = how.kind === 'record' ? await tx.one<PersonRow>(persons.personById(t, state.record!.id, true)) : undefined;
  // A record without a grid (no point of its own) cannot be reached by anyone's scope: verify instead.
  if (how.kind === 'record' && !current) how = { kind: 'verify', note: 'the holder\'s record lies outside every grid: report sent for verification' };
  const personId = how.kind === 'new' ? await registerHolder(app, tx, user, pass!, input) : current?.id ?? null;
  const at = input.location ?? node!;
  const report = (await tx.one<{ id: number }>(q.insertReport({
    tenantId: t, userId: user.userId, subjectName: pass?.holder_name ?? '未知（无有效通行证）',
    subject: pass && { idEnc: pass.id_number_enc, idHash: pass.id_number_hash, idMasked: pass.id_masked, phoneEnc: pass.phone_enc, phoneHash: pass.phone_hash, phoneMasked: pass.phone_masked },
    temperature: input.temperature, description: `卡口测温 ${input.temperature}℃`, lon: at.lon, lat: at.lat, place: input.place,
    details: { passId: pass?.id ?? null, located: Boolean(input.location), note: how.note },
    state: how.kind === 'verify' ? 'open' : 'registered', personId: how.kind === 'verify' ? state.record?.id ?? null : personId,
    deviceTime: input.deviceTime ?? null,
  })))!;
  const reading: CheckpointReading = {
    celsius: input.temperature, place: input.place, fever: true, threshold, deviceTime: input.deviceTime ?? null, reportId: report.id,
    reason: checkpointStatusReason({ celsius: input.temperature, place: input.place, fever: true }),
  };
  let effect: CheckpointEffect = { statusChange: null, alertId: null };
  let taskId: number | null = null;
  if (how.kind === 'verify') {
    // Without a location the report stands at the checkpoint's node, whose staff verify it.
    taskId = (await dispatchVerification(tx, t, report.id, node ? { unlocated: true, fallbackJurisdictionId: node.id } : {})).taskId;
  } else if (current) effect = await readingOnRecord(tx, user, current, reading);
  else effect.alertId = await raiseAlert(tx, t, personId!, reading, null);
  return { reportId: report.id, personId: how.kind === 'verify' ? null : personId, personCreated: how.kind === 'new', taskId, ...effect, note: how.note };
}

/** Puts the pass holder on the watch list at the scan's location (the person register's own rules), with the fever as first reading. */
async function registerHolder(app: AppContext, tx: Tx, user: Principal, pass: PassHolderRow, input: ScanInput): Promise<number> {
  const person = await createPersonTx(app, tx, user, {
    name: pass.holder_name,
    idType: 'resident_id',
    idNumber: app.cipher.decrypt(pass.id_number_enc),
    phone: app.cipher.decrypt(pass.phone_enc),
    source: 'checkpoint',
    status: 'watching',
    location: input.location,
    conditions: ['fever'],
    conditionNote: `卡口测温 ${input.temperature}℃（${input.place}）`,
  });
  await tx.query(insertReading(user.tenantId, person.id, 'measured', input.temperature, user.displayName, user.userId, input.deviceTime ?? null));
  return person.id;
}

/** An offline scan is judged at the phone's clock, which may run at most CLOCK_SKEW_MS ahead of the server. */
function judgedAt(input: ScanInput, now = Date.now()): Date | undefined {
  if (!input.scannedOffline) return undefined;
  if (!input.deviceTime) throw badRequest('an offline scan (scannedOffline) needs the deviceTime it was scanned at', 'deviceTime').withZh('离线扫码须附带扫码时的设备时间');
  const at = new Date(input.deviceTime);
  if (at.getTime() > now + CLOCK_SKEW_MS) throw badRequest('deviceTime lies in the future (more than 2 minutes ahead of the server)', 'deviceTime').withZh('设备时间晚于服务器时间 2 分钟以上');
  return at;
}

export async function scanPass(app: AppContext, scoped: Scoped, user: Principal, raw: ScanInput) {
  // Stored with one decimal (numeric(3,1)): decide the fever on the stored value.
  const input = { ...raw, temperature: Math.round(raw.temperature * 10) / 10 };
  const scopePath = user.scopePaths[0];
  if (!scopePath) throw forbidden('you have no jurisdiction to record scans in').withZh('您没有可记录扫码的辖区');
  const at = judgedAt(input);
  const grid = input.location ? await placeAt(app, scoped, user, input.location) : undefined;
  const state = await checkPass(app, user.tenantId, input.token, at);
  const holderPath = state.record && !UNPLACEABLE.has(state.record.status) ? state.record.grid_path : null;
  // Not the request's opener: the holder's grid may lie outside the caller's scope (callerReaching).
  const { scan, registration, fever, reasons } = await withScope(app.db.pool, callerReaching(user, holderPath), async (tx) => {
    // Passes are tenant-wide, so staff may mark one revoked (RLS: pass_holder_or_staff).
    if (state.revoke) await tx.query(q.revokePass(user.tenantId, state.pass!.id, state.revoke));
    const { fever, threshold } = await isFever(tx, user.tenantId, input.temperature);
    const reasons = fever ? [...state.reasons, 'fever'] : state.reasons;
    const registration = fever ? await registerFever(app, tx, user, input, state, threshold) : null;
    const scan = (await tx.one<{ id: number; created_at: Date; device_time: Date | null }>(q.insertScan({
      tenantId: user.tenantId, passId: state.pass?.id ?? null, place: input.place, location: input.location ?? null,
      temperature: input.temperature, result: reasons.length ? 'refused' : 'allowed', reason: reasons.length ? reasons.join(',') : null,
      reportId: registration?.reportId ?? null, userId: user.userId, scopePath: grid?.path ?? scopePath, deviceTime: input.deviceTime ?? null,
    })))!;
    return { scan, registration, fever, reasons };
  });
  if (registration?.personId && (registration.personCreated || registration.statusChange)) {
    await writeAudit(app.db.pool, {
      tenantId: user.tenantId, userId: user.userId, action: registration.personCreated ? 'person.create' : 'person.status', objectType: 'person',
      objectId: registration.personId, result: 'ok', detail: { via: 'checkpoint', scanId: scan.id, statusChange: registration.statusChange },
    });
  }
  return {
    id: scan.id,
    result: reasons.length ? 'refused' : 'allowed',
    reasons,
    holder: state.pass ? { name: maskName(state.pass.holder_name), idNumber: state.pass.id_masked } : null,
    passId: state.pass?.id ?? null,
    temperature: input.temperature,
    fever,
    place: input.place,
    scannedOffline: Boolean(input.scannedOffline),
    registration,
    deviceTime: scan.device_time,
    createdAt: scan.created_at,
  };
}

export type PassVerdict = 'valid' | 'revoked' | 'expired' | 'invalid';

/**
 * What a checkpoint shows before it records anything: the pass as of now (signature, expiry,
 * revocation, the holder's status). Nothing is written; the scan that follows records the passage.
 * A revoked pass outranks an expired code: red, not grey.
 */
export async function verifyPass(app: AppContext, user: Principal, token: string) {
  const state = await checkPass(app, user.tenantId, token, undefined);
  const r = state.reasons;
  const verdict: PassVerdict = !state.pass
    ? 'invalid'
    : r.includes('pass_revoked') || r.some((x) => x.startsWith('holder_'))
      ? 'revoked'
      : r.includes('token_expired')
        ? 'expired'
        : r.length
          ? 'invalid'
          : 'valid';
  return { verdict, reasons: r, holder: state.pass ? { name: maskName(state.pass.holder_name) } : null };
}
