// Checkpoints (卡口, §3.2 出入口摸排): what a temperature taken at an entrance does to the person it
// belongs to, shared by pass scans (../passes/scan.ts) and manual registrations of people without
// a pass, which go straight onto the watch list.
import { auditTx } from '../audit/audit.ts';
import { callerReaching, type Principal } from '../auth/principal.ts';
import { insertAlert, insertReading } from '../checks/queries.ts';
import type { AppContext } from '../context.ts';
import { maskIdNumber, maskPhone } from '../crypto/pii.ts';
import { withScope, withTenantScope, type Scoped, type Tx } from '../db/scope.ts';
import { badRequest, forbidden, unprocessable } from '../http/errors.ts';
import { revokePassesOf } from '../passes/queries.ts';
import { isMobilePhone, parseResidentId } from '../persons/idnumber.ts';
import * as persons from '../persons/queries.ts';
import { createPersonTx, moveStatusTx } from '../persons/service.ts';
import type { PersonRow } from '../persons/view.ts';
import * as reports from '../reports/queries.ts';
import { dispatchVerification } from '../reports/service.ts';
import * as q from './queries.ts';
import type { CheckpointRegistration } from './schema.ts';

/** Statuses a checkpoint puts back on the watch list: people who had left observation healthy. */
const RETURNING = new Set(['released', 'cured']);
/** Records a checkpoint cannot put anyone on the register from: sent for verification instead. */
export const UNPLACEABLE = new Set(['closed', 'dead']);

/** Fever at or above the tenant's threshold (check rules; 37.3 °C until set), on the stored tenth of a degree. */
export async function isFever(tx: Tx, tenantId: number, celsius: number): Promise<{ fever: boolean; threshold: number }> {
  const { threshold } = (await tx.one<{ threshold: number }>(q.feverThreshold(tenantId)))!;
  return { fever: Math.round(celsius * 10) >= Math.round(threshold * 10), threshold };
}

/** The grid of a point in the caller's own jurisdiction (read before any scope is widened), else 422. */
export async function placeAt(app: AppContext, scoped: Scoped, user: Principal, location: { lon: number; lat: number }): Promise<{ gridId: number; path: string }> {
  const grid = await scoped((tx) => tx.one<{ id: number; path: string }>(q.gridAt(user.tenantId, location.lon, location.lat)));
  if (!grid) throw unprocessable('location is not inside any grid of your jurisdiction', 'location').withZh('位置不在您辖区的任何网格内');
  return { gridId: grid.id, path: grid.path };
}

export interface KnownRecord {
  id: number;
  status: string;
  grid_path: string | null;
}

/** The record of an ID number anywhere in the city (system read with tenant scope), if any. */
export function recordOfId(app: AppContext, tenantId: number, idType: string, idHash: Buffer): Promise<KnownRecord | undefined> {
  return withTenantScope(app.db.pool, tenantId, (tx) => tx.one<KnownRecord>(q.personOfIdHash(tenantId, idType, idHash)));
}

export interface CheckpointReading {
  celsius: number;
  place: string;
  fever: boolean;
  threshold: number;
  deviceTime: string | null;
  reportId: number;
  /** Why the person is back on the watch list when they had left it (the status event's reason). */
  reason: string;
}

export interface CheckpointEffect {
  statusChange: { from: string; to: string } | null;
  alertId: number | null;
}

/**
 * A reading taken at a checkpoint, on a known person's record (locked by the caller): the measured
 * temperature joins their history; a released or cured person returns to the watch list with a
 * new observation and loses any pass; a fever raises an alert (live on the command center).
 */
export async function readingOnRecord(tx: Tx, user: Principal, person: PersonRow, r: CheckpointReading): Promise<CheckpointEffect> {
  const t = user.tenantId;
  await tx.query(insertReading(t, person.id, 'measured', r.celsius, user.displayName, user.userId, r.deviceTime));
  let statusChange: CheckpointEffect['statusChange'] = null;
  if (RETURNING.has(person.status)) {
    await moveStatusTx(tx, user, person, { to: 'watching', reason: r.reason, changes: { reportId: r.reportId, place: r.place, temperature: r.celsius } });
    await tx.query(q.restartObservation(t, person.id));
    const hashes = await tx.one<{ id_number_hash: Buffer | null }>(persons.personHashes(t, person.id));
    if (hashes?.id_number_hash) await tx.query(revokePassesOf(t, hashes.id_number_hash, 'status:watching'));
    statusChange = { from: person.status, to: 'watching' };
  }
  const alertId = r.fever ? await raiseAlert(tx, t, person.id, r, statusChange) : null;
  return { statusChange, alertId };
}

export async function raiseAlert(tx: Tx, tenantId: number, personId: number, r: CheckpointReading, statusChange: CheckpointEffect['statusChange']): Promise<number> {
  const alert = await tx.one<{ id: number }>(insertAlert(tenantId, personId, {
    source: 'checkpoint', reasons: [`体温${r.celsius.toFixed(1)}℃`], temperature: r.celsius, threshold: r.threshold,
    place: r.place, reportId: r.reportId, statusChange,
  }));
  return alert!.id;
}

/** The reason of the status event when a checkpoint puts someone back on the watch list: temperature and place. */
export const checkpointStatusReason = (c: { celsius: number; place: string; cameFrom?: string; fever: boolean }) =>
  `卡口${c.fever ? '测温发热' : '登记'}：${c.celsius.toFixed(1)}℃（${c.place}）${c.cameFrom ? `，来自${c.cameFrom}` : ''}，重新纳入隔离观察`;

interface CheckedForm extends CheckpointRegistration {
  idNumber: string;
  idHash: Buffer;
  celsius: number;
}

/** The form's identity checked like the person register's, and the place checked against the caller's jurisdiction. */
async function checkForm(app: AppContext, scoped: Scoped, user: Principal, input: CheckpointRegistration): Promise<CheckedForm> {
  if (!user.scopePaths.length) throw forbidden('you have no jurisdiction to register people in').withZh('您没有可登记人员的辖区');
  const idNumber = input.idNumber.toUpperCase();
  if (input.idType === 'resident_id') {
    const id = parseResidentId(idNumber);
    if (!id.ok) throw badRequest(`idNumber ${id.reason}`, 'idNumber').withZh(`身份证号${id.reasonZh}`);
  }
  if (!isMobilePhone(input.phone)) throw badRequest('phone must be an 11-digit mainland mobile number', 'phone').withZh('手机号须为 11 位中国大陆手机号码');
  await placeAt(app, scoped, user, input.location);
  return { ...input, idNumber, idHash: app.cipher.lookupHash(`${input.idType}:${idNumber}`), celsius: Math.round(input.temperature * 10) / 10 };
}

/** The person the registration is about: their record (locked), or a new one on the watch list. */
async function personOf(app: AppContext, tx: Tx, user: Principal, form: CheckedForm, known: KnownRecord | undefined, fever: boolean) {
  const current = known ? await tx.one<PersonRow>(persons.personById(user.tenantId, known.id, true)) : undefined;
  if (current) return { current, personId: current.id, created: false };
  const person = await createPersonTx(app, tx, user, {
    name: form.name, idType: form.idType, idNumber: form.idNumber, phone: form.phone, source: 'checkpoint', status: 'watching',
    location: form.location, conditions: fever ? ['fever'] : undefined,
    conditionNote: `卡口登记：${form.celsius.toFixed(1)}℃（${form.place}），来自${form.cameFrom}`,
  });
  return { current: undefined, personId: person.id as number, created: true };
}

function registrationReport(app: AppContext, user: Principal, form: CheckedForm, fever: boolean, personId: number, state: 'open' | 'registered') {
  return reports.insertReport({
    tenantId: user.tenantId, kind: 'checkpoint', citizenId: null, userId: user.userId, subjectName: form.name,
    phoneEnc: app.cipher.encrypt(form.phone), phoneHash: app.cipher.lookupHash(`phone:${form.phone}`), phoneMasked: maskPhone(form.phone),
    idEnc: app.cipher.encrypt(form.idNumber), idHash: form.idHash, idMasked: maskIdNumber(form.idNumber), fever, temperature: form.celsius,
    description: `卡口登记：${form.celsius.toFixed(1)}℃，来自${form.cameFrom}`, lon: form.location.lon, lat: form.location.lat, address: form.place,
    details: { place: form.place, cameFrom: form.cameFrom, idType: form.idType }, deviceTime: form.deviceTime ?? null, state, personId,
  });
}

/** The registration in the caller's transaction: the person, the report, the reading and what they bring about. */
async function registerTx(app: AppContext, tx: Tx, user: Principal, form: CheckedForm, known: KnownRecord | undefined) {
  const t = user.tenantId;
  const { fever, threshold } = await isFever(tx, t, form.celsius);
  const { current, personId, created } = await personOf(app, tx, user, form, known, fever);
  // A dead person's ID number at an entrance is not a registration: someone verifies it.
  const unplaceable = current ? UNPLACEABLE.has(current.status) : false;
  const report = (await tx.one<{ id: number }>(registrationReport(app, user, form, fever, personId, unplaceable ? 'open' : 'registered')))!;
  const reading: CheckpointReading = {
    celsius: form.celsius, place: form.place, fever, threshold, deviceTime: form.deviceTime ?? null, reportId: report.id,
    reason: checkpointStatusReason({ celsius: form.celsius, place: form.place, cameFrom: form.cameFrom, fever }),
  };
  let effect: CheckpointEffect = { statusChange: null, alertId: null };
  let taskId: number | null = null;
  if (unplaceable) taskId = (await dispatchVerification(tx, t, report.id)).taskId;
  else if (current) effect = await readingOnRecord(tx, user, current, reading);
  else {
    await tx.query(insertReading(t, personId, 'measured', form.celsius, user.displayName, user.userId, reading.deviceTime));
    if (fever) effect.alertId = await raiseAlert(tx, t, personId, reading, null);
  }
  const row = (await tx.one<PersonRow>(persons.personById(t, personId)))!;
  await tx.query(reports.notify({ tenantId: t, type: 'status', personId, status: row.status }));
  return {
    reportId: report.id,
    person: { id: row.id, name: row.name, status: row.status, idNumber: row.id_number_masked, phone: row.phone_masked },
    personCreated: created, statusChange: effect.statusChange, fever, temperature: form.celsius, alertId: effect.alertId, taskId,
    note: unplaceable
      ? `the ID number belongs to a record that is ${current!.status}: the report was sent for verification`
      : created ? 'registered on the watch list (source checkpoint)' : `already on the person register (status ${current!.status}): report linked to that person`,
  };
}

/** §3.2 出入口摸排: a person without a pass registered at an entrance goes straight onto the watch list. */
export async function registerAtCheckpoint(app: AppContext, scoped: Scoped, user: Principal, input: CheckpointRegistration) {
  const form = await checkForm(app, scoped, user, input);
  const found = await recordOfId(app, user.tenantId, form.idType, form.idHash);
  // A record closed as mistaken does not hold the ID number: this registration starts a new one.
  const known = found && found.status !== 'closed' ? found : undefined;
  // Not the request's opener: the person's grid may lie outside the caller's scope (callerReaching).
  return withScope(app.db.pool, callerReaching(user, known?.grid_path), async (tx) => {
    const result = await registerTx(app, tx, user, form, known);
    await auditTx(tx, {
      tenantId: user.tenantId, userId: user.userId, action: result.personCreated ? 'person.create' : 'checkpoint.register', objectType: 'person',
      objectId: result.person.id, result: 'ok', detail: { via: 'checkpoint', reportId: result.reportId, statusChange: result.statusChange },
    });
    return result;
  });
}
