// Checkpoint scans: the token is verified (signature, expiry) and the holder's status is read
// online; the scan is recorded with temperature, place, device and server time. A fever is a
// checkpoint registration: a report, and the holder straight onto the watch list (§3).
import { writeAudit } from '../audit/audit.ts';
import { callerOf, type Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { withScope, withTenantScope, type Tx } from '../db/scope.ts';
import { forbidden, unprocessable } from '../http/errors.ts';
import { createPersonTx } from '../persons/service.ts';
import { verifyPassToken } from './keys.ts';
import * as q from './queries.ts';
import { BARRED, holderOf, type Holder } from './service.ts';

/**
 * Fever at or above this temperature (°C) unless the tenant's check rules say otherwise. The
 * check-rule table comes with another feature's migration and may be absent: then this applies.
 */
export const FEVER_THRESHOLD = 37.3;

async function feverThreshold(tx: Tx, tenantId: number): Promise<number> {
  if (!(await tx.one<{ present: boolean }>(q.checkRulesPresent()))!.present) return FEVER_THRESHOLD;
  return (await tx.one<{ fever_threshold: number }>(q.ruleFeverThreshold(tenantId)))?.fever_threshold ?? FEVER_THRESHOLD;
}

export interface ScanInput {
  token?: string;
  temperature: number;
  place: string;
  location?: { lon: number; lat: number };
  deviceTime?: string;
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
  person?: Holder;
  /** Set when the holder's status bars the pass: the scan's transaction records the revocation. */
  revoke?: string;
}

/** Token, pass and the holder's current status (read only; nothing is written before the scan). */
async function checkPass(app: AppContext, tenantId: number, token: string | undefined): Promise<PassState> {
  if (!token) return { reasons: ['no_pass'] };
  const t = await verifyPassToken(app, tenantId, token);
  if (t.passId == null) return { reasons: [t.ok ? 'invalid_token' : t.reason] };
  const passId = t.passId;
  // The holder may be registered anywhere in the city: system work with tenant-wide scope.
  return withTenantScope(app.db.pool, tenantId, async (tx) => {
    const pass = await tx.one<PassHolderRow>(q.passWithHolder(tenantId, passId));
    if (!pass) return { reasons: ['pass_not_found'] };
    const reasons: string[] = t.ok ? [] : [t.reason];
    if (pass.revoked_at) reasons.push('pass_revoked');
    const person = await holderOf(tx, tenantId, pass.id_number_hash);
    const barred = person && BARRED.has(person.status);
    if (barred) reasons.push(`holder_${person.status}`);
    return { reasons, pass, person, revoke: barred && !pass.revoked_at ? `status:${person.status}` : undefined };
  });
}

/** Puts the pass holder on the watch list at the checkpoint (the person register's own rules), with the fever as first reading. */
async function registerHolder(app: AppContext, tx: Tx, user: Principal, pass: PassHolderRow, input: ScanInput, location: { lon: number; lat: number }): Promise<number> {
  const person = await createPersonTx(app, tx, user, {
    name: pass.holder_name,
    idType: 'resident_id',
    idNumber: app.cipher.decrypt(pass.id_number_enc),
    phone: app.cipher.decrypt(pass.phone_enc),
    source: 'checkpoint',
    status: 'watching',
    location,
    conditions: ['fever'],
    conditionNote: `卡口测温 ${input.temperature}℃（${input.place}）`,
  });
  await tx.query(q.insertReading(user.tenantId, person.id, input.temperature, user.displayName, user.userId, input.deviceTime ?? null));
  return person.id;
}

export interface Registration {
  reportId: number;
  personId: number | null;
  personCreated: boolean;
  note: string;
}

/** The checkpoint registration of a fever: always a report; the person when they can be placed. */
async function registerFever(app: AppContext, tx: Tx, user: Principal, input: ScanInput, state: PassState, scopePath: string): Promise<Registration> {
  const { pass, person } = state;
  let personId = person?.personId ?? null;
  let personCreated = false;
  let note: string;
  if (!pass) note = 'holder unknown (no valid pass): report recorded only; the person is not on the watch list';
  else if (person) note = `already on the person register (status ${person.status}): report linked to that person`;
  else if (!input.location) note = 'no location given: report recorded only; the person could not be placed on the watch list';
  else {
    personId = await registerHolder(app, tx, user, pass, input, input.location);
    personCreated = true;
    note = 'registered on the watch list (source checkpoint)';
  }
  const at = input.location ?? (await tx.one<{ lon: number; lat: number }>(q.scopeNode(user.tenantId, scopePath)))!;
  const report = await tx.one<{ id: number }>(q.insertReport({
    tenantId: user.tenantId,
    userId: user.userId,
    subjectName: pass?.holder_name ?? '未知（无有效通行证）',
    subject: pass && { idEnc: pass.id_number_enc, idHash: pass.id_number_hash, idMasked: pass.id_masked, phoneEnc: pass.phone_enc, phoneHash: pass.phone_hash, phoneMasked: pass.phone_masked },
    temperature: input.temperature,
    description: `卡口测温 ${input.temperature}℃`,
    lon: at.lon,
    lat: at.lat,
    place: input.place,
    details: { passId: pass?.id ?? null, located: Boolean(input.location), note },
    // 'open' leaves an unplaced case to verification by the grid staff.
    state: personId ? 'registered' : 'open',
    personId,
    deviceTime: input.deviceTime ?? null,
  }));
  return { reportId: report!.id, personId, personCreated, note };
}

export async function scanPass(app: AppContext, user: Principal, raw: ScanInput) {
  // Stored with one decimal (numeric(3,1)): decide the fever on the stored value.
  const input = { ...raw, temperature: Math.round(raw.temperature * 10) / 10 };
  const scopePath = user.scopePaths[0];
  if (!scopePath) throw forbidden('you have no jurisdiction to record scans in');
  const state = await checkPass(app, user.tenantId, input.token);
  const { scan, registration, fever, reasons } = await withScope(app.db.pool, callerOf(user), async (tx) => {
    let path = scopePath;
    if (input.location) {
      const grid = await tx.one<{ path: string }>(q.gridAt(user.tenantId, input.location.lon, input.location.lat));
      if (!grid) throw unprocessable('location is not inside any grid of your jurisdiction', 'location');
      path = grid.path;
    }
    // Passes are tenant-wide, so staff may mark one revoked (RLS: pass_holder_or_staff).
    if (state.revoke) await tx.query(q.revokePass(user.tenantId, state.pass!.id, state.revoke));
    const fever = input.temperature >= (await feverThreshold(tx, user.tenantId));
    const reasons = fever ? [...state.reasons, 'fever'] : state.reasons;
    const registration = fever ? await registerFever(app, tx, user, input, state, scopePath) : null;
    const scan = (await tx.one<{ id: number; created_at: Date; device_time: Date | null }>(q.insertScan({
      tenantId: user.tenantId, passId: state.pass?.id ?? null, place: input.place, location: input.location ?? null,
      temperature: input.temperature, result: reasons.length ? 'refused' : 'allowed', reason: reasons.length ? reasons.join(',') : null,
      reportId: registration?.reportId ?? null, userId: user.userId, scopePath: path, deviceTime: input.deviceTime ?? null,
    })))!;
    return { scan, registration, fever, reasons };
  });
  if (registration?.personCreated) {
    await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'person.create', objectType: 'person', objectId: registration.personId!, result: 'ok', detail: { via: 'checkpoint', scanId: scan.id } });
  }
  return {
    id: scan.id,
    result: reasons.length ? 'refused' : 'allowed',
    reasons,
    holder: state.pass ? { name: state.pass.holder_name, idNumber: state.pass.id_masked } : null,
    passId: state.pass?.id ?? null,
    temperature: input.temperature,
    fever,
    place: input.place,
    registration,
    deviceTime: scan.device_time,
    createdAt: scan.created_at,
  };
}
