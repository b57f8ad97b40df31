// The person register's rules: validation of identity data, encryption, derivation of the grid,
// status transitions and the event trail, all in one transaction per request.
import { auditTx, writeAudit } from '../audit/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { maskIdNumber, maskPhone } from '../crypto/pii.ts';
import type { Tx, Scoped } from '../db/scope.ts';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../http/errors.ts';
import { checkVersion } from '../http/precondition.ts';
import { auditExactRead, seesExactLocations } from '../auth/exact-location.ts';
import * as checks from '../checks/queries.ts';
import { loadRules } from '../checks/rules.ts';
import { closeReferralsOf } from '../tasks/queries.ts';
import { ageOn, isMobilePhone, parseResidentId } from './idnumber.ts';
import * as q from './queries.ts';
import { JSON_COLUMNS, PLAIN_FIELDS, type PersonCreate, type PersonDraft, type PersonListQuery, type PersonPatch, type PlainField, type StatusChange } from './schema.ts';
import { checkTransition, ENDS_REFERRAL, type Severity, type Status } from './status.ts';
import { toEvent, toPersonDetail, toPersonSummary, toTemperature, type EventRow, type ObservationWindowRow, type PersonRow, type TemperatureRow } from './view.ts';

type Values = Record<string, unknown>;

/** Personal fields → encrypted, hashed and masked columns; identity cross-checks. */
export function personalColumns(app: AppContext, input: Partial<PersonCreate>, idType: string, current?: PersonRow): Values {
  const v: Values = {};
  if (input.idNumber !== undefined) {
    const id = input.idNumber.toUpperCase();
    if (idType === 'resident_id') {
      const r = parseResidentId(id);
      if (!r.ok) throw badRequest(`idNumber ${r.reason}`, 'idNumber').withZh(`身份证号${r.reasonZh}`);
      const sex = input.sex ?? current?.sex;
      if (input.sex && input.sex !== r.info.sex) throw badRequest(`sex does not match the sex encoded in idNumber (${r.info.sex})`, 'sex').withZh('性别与身份证号不符');
      const age = ageOn(r.info.birthDate);
      if (input.age !== undefined && input.age !== age) throw badRequest(`age does not match the birth date encoded in idNumber (${age})`, 'age').withZh(`年龄与身份证号中的出生日期不符（应为 ${age}）`);
      v.birth_date = r.info.birthDate;
      v.age = age;
      if (!sex || sex !== r.info.sex) v.sex = r.info.sex;
    }
    v.id_number_enc = app.cipher.encrypt(id);
    v.id_number_hash = app.cipher.lookupHash(`${idType}:${id}`);
    v.id_number_masked = maskIdNumber(id);
  } else if (current?.birth_date && current.id_type === 'resident_id') {
    if (input.sex && input.sex !== current.sex) throw badRequest(`sex does not match the sex encoded in the ID number (${current.sex})`, 'sex').withZh('性别与身份证号不符');
    const age = ageOn(current.birth_date);
    if (input.age !== undefined && input.age !== age) throw badRequest(`age does not match the birth date encoded in the ID number (${age})`, 'age').withZh(`年龄与身份证号中的出生日期不符（应为 ${age}）`);
  }
  if (input.phone !== undefined) {
    if (!isMobilePhone(input.phone)) throw badRequest('phone must be an 11-digit mainland mobile number', 'phone').withZh('手机号须为 11 位中国大陆手机号码');
    v.phone_enc = app.cipher.encrypt(input.phone);
    v.phone_hash = app.cipher.lookupHash(`phone:${input.phone}`);
    v.phone_masked = maskPhone(input.phone);
  }
  if (input.emergencyPhone !== undefined) {
    v.emergency_phone_enc = app.cipher.encrypt(input.emergencyPhone);
    v.emergency_phone_masked = maskPhone(input.emergencyPhone);
  }
  if (input.address !== undefined) v.address = input.address;
  return v;
}

function plainColumns(input: Partial<Record<PlainField, unknown>>): Values {
  const v: Values = {};
  for (const [field, def] of Object.entries(PLAIN_FIELDS)) {
    const value = input[field as PlainField];
    if (value === undefined) continue;
    v[def.column] = JSON_COLUMNS.has(def.column) ? JSON.stringify(value) : value;
  }
  return v;
}

/** Checks the place the person lives: a visible household, or a point inside a grid in scope. */
async function placeColumns(tx: Tx, tenantId: number, input: { householdId?: number; location?: { lon: number; lat: number } }): Promise<Values> {
  const v: Values = {};
  if (input.householdId !== undefined) {
    const h = await tx.one(q.householdById(tenantId, input.householdId));
    if (!h) throw unprocessable('householdId does not name a household in your jurisdiction', 'householdId').withZh('所选住户不在您的辖区内');
    v.household_id = input.householdId;
    if (!input.location) v.geom = null; // the trigger takes the household point
  }
  if (input.location) {
    const grid = await tx.one(q.gridCovering(tenantId, input.location.lon, input.location.lat));
    if (!grid) throw unprocessable('location is not inside any grid of your jurisdiction', 'location').withZh('位置不在您辖区的任何网格内');
    v.geom = q.pointOf(input.location.lon, input.location.lat);
  }
  return v;
}

function checkDates(start?: string | null, end?: string | null): void {
  if (start && end && end < start) throw badRequest('observationEnd must not be before observationStart', 'observationEnd').withZh('观察结束日期不能早于开始日期');
}

export async function createPerson(app: AppContext, scoped: Scoped, user: Principal, input: PersonCreate, ip: string | null = null) {
  return scoped(async (tx) => {
    const person = await createPersonTx(app, tx, user, input);
    await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'person.create', objectType: 'person', objectId: person.id, ip, result: 'ok' });
    return person;
  });
}

/** Registers a person inside the caller's open transaction (used by workflows that must be atomic). */
export async function createPersonTx(app: AppContext, tx: Tx, user: Principal, input: PersonCreate) {
  const values = await checkPersonTx(app, tx, user, input, true);
  const { id } = (await tx.one<{ id: number }>(q.insertPerson(user.tenantId, user.userId, values)))!;
  await tx.query(q.insertEvent({ tenantId: user.tenantId, personId: id, kind: 'created', actorId: user.userId, toStatus: input.status, toSeverity: input.severity, changes: { fields: Object.keys(input).sort() } }));
  return loadDetail(tx, user, id);
}

/**
 * Every rule a new person must pass (identity cross-checks, a place inside the caller's grids, a
 * visible household, no duplicate ID number), returning the row to insert. `requirePlace` false
 * checks a draft whose residence is not chosen yet.
 */
async function checkPersonTx(app: AppContext, tx: Tx, user: Principal, input: PersonCreate, requirePlace: boolean): Promise<Values> {
  if (input.status === 'confirmed' && !input.severity) throw badRequest('a confirmed case needs a severity', 'severity').withZh('确诊病例须填写病情程度');
  if (input.status !== 'confirmed' && input.severity) throw badRequest('severity applies only to confirmed cases', 'severity').withZh('病情程度仅适用于确诊病例');
  if (requirePlace && !input.location && input.householdId === undefined) {
    throw badRequest('location or householdId is required: the grid is derived from where the person lives', 'location').withZh('请提供位置或住户：网格由居住地确定');
  }
  checkDates(input.observationStart, input.observationEnd);
  const values: Values = { ...plainColumns(input), ...personalColumns(app, input, input.idType) };
  values.status = input.status;
  values.severity = input.severity ?? null;
  Object.assign(values, await placeColumns(tx, user.tenantId, input));
  if (values.id_number_hash) {
    const dup = await tx.one<{ id: number }>(q.personByHash(user.tenantId, input.idType, values.id_number_hash as Buffer));
    if (dup) throw conflict(`a person with this ID number is already registered (id ${dup.id})`, 'idNumber').withZh(`该身份证号的人员已登记（编号 ${dup.id}）`);
  }
  return values;
}

/**
 * The server's verdict on a form being filled in on a phone: the same rules as a registration, on
 * what has been entered so far (no name or residence yet is not an error here); nothing is written.
 */
export async function validatePersonDraft(app: AppContext, scoped: Scoped, user: Principal, draft: PersonDraft): Promise<{ ok: true }> {
  await scoped((tx) =>
    checkPersonTx(app, tx, user, { name: '-', ...draft, source: 'other', status: 'watching' } as PersonCreate, false),
  );
  return { ok: true };
}

async function loadDetail(tx: Tx, user: Pick<Principal, 'tenantId' | 'permissions'>, id: number) {
  const row = await tx.one<PersonRow>(q.personById(user.tenantId, id));
  if (!row) throw notFound('person');
  const events = await tx.rows<EventRow>(q.eventsOf(user.tenantId, id));
  // The period the check and release jobs apply, also when the register holds no dates of its own.
  await loadRules(tx, user.tenantId);
  const period = await tx.one<ObservationWindowRow>(checks.observationWindowOf(user.tenantId, id));
  return toPersonDetail(row, events, seesExactLocations(user), period);
}

export async function getPerson(app: AppContext, scoped: Scoped, user: Principal, id: number, ip?: string | null) {
  const person = await scoped((tx) => loadDetail(tx, user, id));
  await auditExactRead(app, user, 'person', seesExactLocations(user) ? 1 : 0, { id }, ip);
  return person;
}

export async function getEvent(app: AppContext, scoped: Scoped, user: Principal, id: number) {
  const row = await scoped((tx) => tx.one<EventRow & { person_id: number }>(q.eventById(user.tenantId, id)));
  if (!row) throw notFound('event');
  return { ...toEvent(row), personId: row.person_id };
}

/** The list's query as filters (a jurisdiction to its path, a full ID number or phone to its hash); the export uses it too. */
export async function personFilter(app: AppContext, tx: Tx, user: Principal, query: Omit<PersonListQuery, 'page' | 'pageSize'>): Promise<Omit<q.ListFilter, 'limit' | 'offset'>> {
  let jurisdictionPath: string | undefined;
  if (query.jurisdictionId) {
    const j = await tx.one<{ path: string }>(q.jurisdictionPath(user.tenantId, query.jurisdictionId));
    if (!j) throw notFound('jurisdiction');
    jurisdictionPath = j.path;
  }
  const text = query.q;
  const looksPersonal = text && /^[0-9Xx]{11,18}$/.test(text);
  const hash = looksPersonal
    ? app.cipher.lookupHash(text.length === 11 ? `phone:${text}` : `resident_id:${text.toUpperCase()}`)
    : undefined;
  return { status: query.status, source: query.source, jurisdictionPath, from: query.from, to: query.to, name: looksPersonal ? undefined : text, hash };
}

export async function listPersons(app: AppContext, scoped: Scoped, user: Principal, query: PersonListQuery, ip: string | null = null) {
  const rows = await scoped(async (tx) => {
    const filter = await personFilter(app, tx, user, query);
    return tx.rows<PersonRow & { total: number }>(
      q.listPersons(user.tenantId, { ...filter, limit: query.pageSize, offset: (query.page - 1) * query.pageSize }),
    );
  });
  const exact = seesExactLocations(user);
  await auditExactRead(app, user, 'person', exact ? rows.filter((r) => r.address != null).length : 0, { page: query.page }, ip);
  return { items: rows.map((r) => toPersonSummary(r, exact)), total: rows[0]?.total ?? 0, page: query.page, pageSize: query.pageSize };
}

/** Column-level diff for the event trail; personal values are recorded only as changed. */
function diff(current: PersonRow, values: Values): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const personal = new Set(['id_number_enc', 'phone_enc', 'emergency_phone_enc', 'address', 'geom', 'household_id']);
  for (const [col, value] of Object.entries(values)) {
    if (col.endsWith('_hash') || col.endsWith('_masked') || col === 'birth_date') continue;
    if (personal.has(col)) changes[col.replace(/_enc$/, '')] = { changed: true };
    else {
      const before = (current as unknown as Values)[col];
      const norm = (x: unknown) => (typeof x === 'string' && JSON_COLUMNS.has(col) ? JSON.parse(x) : x);
      if (JSON.stringify(before ?? null) !== JSON.stringify(norm(value) ?? null)) changes[col] = { from: before ?? null, to: norm(value) ?? null };
    }
  }
  return changes;
}

/** `expectedVersion` is asked only once the request is known to change something. */
export async function updatePerson(app: AppContext, scoped: Scoped, user: Principal, id: number, input: PersonPatch, expectedVersion: () => number) {
  const { version: _version, reason, ...fields } = input;
  if (Object.keys(fields).length === 0) {
    throw badRequest(`nothing to change${reason ? '; a reason alone is a follow-up note: POST /api/persons/:id/notes {text}' : ''}`, 'body')
      .withZh(reason ? '没有要修改的内容；仅填写原因请改用跟进记录' : '没有要修改的内容');
  }
  const expected = expectedVersion();
  const person = await scoped(async (tx) => {
    const current = await tx.one<PersonRow>(q.personById(user.tenantId, id, true));
    if (!current) throw notFound('person');
    checkVersion('person', current.version, expected);
    const idType = fields.idType ?? current.id_type;
    if (fields.idType && fields.idType !== current.id_type && fields.idNumber === undefined) {
      throw badRequest('changing idType needs the idNumber too', 'idNumber').withZh('修改证件类型时须同时填写证件号码');
    }
    checkDates(fields.observationStart ?? current.observation_start, fields.observationEnd ?? current.observation_end);
    const values: Values = { ...plainColumns(fields), ...personalColumns(app, fields, idType, current), ...(await placeColumns(tx, user.tenantId, fields)) };
    const changes = diff(current, values);
    if (Object.keys(changes).length === 0) return loadDetail(tx, user, id);
    await tx.query(q.updatePerson(user.tenantId, id, values));
    await tx.query(q.insertEvent({ tenantId: user.tenantId, personId: id, kind: 'edit', actorId: user.userId, changes, reason }));
    const detail = await loadDetail(tx, user, id);
    await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'person.update', objectType: 'person', objectId: id, result: 'ok', detail: { fields: Object.keys(fields) } });
    return detail;
  });
  return person;
}

export interface StatusMove {
  to: Status;
  severity?: Severity | null;
  reason: string;
  changes?: Record<string, unknown>;
  observationMode?: string | null;
  /** The request field a refused transition is reported on (default: the machine's, `to` or `severity`). */
  field?: string;
}

/**
 * Moves a person (locked by the caller) through the status machine inside the caller's
 * transaction: the change, its event, and the open referrals a final answer ends. Every path that
 * changes a status goes through here, so none forgets a rule.
 */
export async function moveStatusTx(tx: Tx, actor: { tenantId: number; userId: number | null }, current: PersonRow, move: StatusMove) {
  const check = checkTransition(current.status as Status, current.severity as Severity | null, move.to, move.severity ?? undefined);
  if (!check.ok) {
    const field = check.field === 'to' && move.field ? move.field : check.field;
    throw check.input ? new AppError(400, 'invalid_input', check.message, field).withZh(check.messageZh) : new AppError(409, 'invalid_transition', check.message, field).withZh(check.messageZh);
  }
  await tx.query(q.setStatus(actor.tenantId, current.id, move.to, move.severity ?? null, move.observationMode ?? null));
  const event = (await tx.one<{ id: number }>(q.insertEvent({
    tenantId: actor.tenantId, personId: current.id, kind: 'status', actorId: actor.userId,
    fromStatus: current.status, toStatus: move.to, fromSeverity: current.severity, toSeverity: move.severity ?? null,
    reason: move.reason, changes: move.changes,
  })))!;
  const closed = ENDS_REFERRAL.has(move.to) ? await tx.rows<{ id: number }>(closeReferralsOf(actor.tenantId, current.id, actor.userId, move.to)) : [];
  return { eventId: event.id, referralsClosed: closed.map((r) => r.id) };
}

export async function changeStatus(app: AppContext, scoped: Scoped, user: Principal, id: number, input: StatusChange, expected: number) {
  const person = await scoped(async (tx) => {
    const current = await tx.one<PersonRow>(q.personById(user.tenantId, id, true));
    if (!current) throw notFound('person');
    checkVersion('person', current.version, expected);
    await moveStatusTx(tx, user, current, { to: input.to, severity: input.severity, reason: input.reason, observationMode: input.observationMode });
    const detail = await loadDetail(tx, user, id);
    await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'person.status', objectType: 'person', objectId: id, result: 'ok', detail: { to: input.to } });
    return detail;
  });
  return person;
}

/** A follow-up note (§5.1 后续行为动态记录): an event of the person's history, by the caller. */
export async function addNote(app: AppContext, scoped: Scoped, user: Principal, id: number, text: string) {
  const event = await scoped(async (tx) => {
    if (!(await tx.one(q.personById(user.tenantId, id)))) throw notFound('person');
    const { id: eventId } = (await tx.one<{ id: number }>(q.insertEvent({ tenantId: user.tenantId, personId: id, kind: 'note', actorId: user.userId, reason: text })))!;
    await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'person.note', objectType: 'person', objectId: id, result: 'ok', detail: { eventId } });
    return (await tx.one<EventRow>(q.eventById(user.tenantId, eventId)))!;
  });
  return { ...toEvent(event), personId: id };
}

/** The person's temperature readings, newest first. */
export async function listTemperatures(app: AppContext, scoped: Scoped, user: Principal, id: number, page: { page: number; pageSize: number }) {
  return scoped(async (tx) => {
    if (!(await tx.one(q.personById(user.tenantId, id)))) throw notFound('person');
    const rows = await tx.rows<TemperatureRow & { total: number }>(q.temperaturesOf(user.tenantId, id, page.pageSize, (page.page - 1) * page.pageSize));
    return { items: rows.map(toTemperature), total: rows[0]?.total ?? 0, page: page.page, pageSize: page.pageSize };
  });
}

export async function revealPerson(app: AppContext, scoped: Scoped, user: Principal, id: number, fields: string[], reason: string, ip: string | null) {
  const row = await scoped((tx) =>
    tx.one<{ id_number_enc: Buffer | null; phone_enc: Buffer | null; emergency_phone_enc: Buffer | null; address: string | null; lon: number | null; lat: number | null }>(q.personSecrets(user.tenantId, id)),
  );
  if (!row) throw notFound('person');
  const out: Record<string, unknown> = {};
  const dec = (b: Buffer | null) => (b ? app.cipher.decrypt(b) : null);
  for (const f of fields) {
    if (f === 'idNumber') out.idNumber = dec(row.id_number_enc);
    if (f === 'phone') out.phone = dec(row.phone_enc);
    if (f === 'emergencyPhone') out.emergencyPhone = dec(row.emergency_phone_enc);
    if (f === 'address') out.address = row.address;
    if (f === 'location') out.location = row.lon == null ? null : { lon: row.lon, lat: row.lat };
  }
  await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'person.reveal', objectType: 'person', objectId: id, ip, result: 'ok', detail: { fields, reason } });
  return out;
}

