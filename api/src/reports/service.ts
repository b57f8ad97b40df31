// Case sources and routing (§3.2): citizen, close-contact and enterprise reports become
// verification tasks for the grid that contains them; checkpoint, patrol and doctor-survey
// registrations go straight onto the watch list.
import type { CitizenPrincipal, Principal } from '../auth/principal.ts';
import { auditTx, writeAudit } from '../audit/audit.ts';
import { addressFor, auditExactRead, pointFor, seesExactLocations } from '../auth/exact-location.ts';
import { citizenPhone } from '../citizens/queries.ts';
import type { AppContext } from '../context.ts';
import { maskIdNumber, maskPhone } from '../crypto/pii.ts';
import { withTenantScope, type Tx, type Scoped } from '../db/scope.ts';
import { badRequest, notFound, unprocessable } from '../http/errors.ts';
import { isMobilePhone, parseResidentId } from '../persons/idnumber.ts';
import { gridCovering } from '../persons/queries.ts';
import { createPersonTx } from '../persons/service.ts';
import * as q from './queries.ts';
import { DEFAULT_ENTERPRISE_OPTIONS, SOURCE_OF_KIND, type CitizenReport, type EnterpriseDeclaration, type Registration, type ReportListQuery } from './schema.ts';

export interface DispatchOptions {
  /**
   * A node whose staff verify the report when it has no place of its own (a checkpoint fever
   * without a location) or lies outside every grid: the task goes to that node, to no one in it.
   */
  fallbackJurisdictionId?: number;
  /** The report's point is only a stand-in (the fallback node's label point): dispatch to the fallback. */
  unlocated?: boolean;
}

/** Creates the verification task of a report inside the caller's transaction. */
export async function dispatchVerification(tx: Tx, tenantId: number, reportId: number, opts: DispatchOptions = {}): Promise<{ taskId: number; assigneeUserId: number | null; jurisdictionId: number }> {
  const target = opts.unlocated ? undefined : await tx.one<{ grid_id: number; community_id: number; worker_id: number | null }>(q.dispatchTarget(tenantId, reportId));
  let jurisdictionId: number;
  let userId: number | null = null;
  if (target) {
    jurisdictionId = target.worker_id ? target.grid_id : target.community_id;
    userId = target.worker_id;
  } else if (opts.fallbackJurisdictionId) {
    jurisdictionId = opts.fallbackJurisdictionId;
  } else {
    throw unprocessable('the report lies outside every grid', 'location').withZh('上报位置不在任何网格内');
  }
  const task = (await tx.one<{ id: number }>(q.insertVerificationTask(tenantId, reportId, jurisdictionId, userId)))!;
  await tx.query(q.notify({ tenantId, type: 'task_created', taskId: task.id, kind: 'verification', reportId }));
  return { taskId: task.id, assigneeUserId: userId, jurisdictionId };
}

async function requireGrid(tx: Tx, tenantId: number, location: { lon: number; lat: number }): Promise<void> {
  if (!(await tx.one(gridCovering(tenantId, location.lon, location.lat)))) {
    throw unprocessable('location is outside every grid of this city', 'location').withZh('位置不在本市任何网格内');
  }
}

/** A citizen's report (or close-contact report): stored for the citizen, dispatched for verification. */
export async function submitCitizenReport(app: AppContext, scoped: Scoped, c: CitizenPrincipal, input: CitizenReport) {
  if (input.subjectPhone && !isMobilePhone(input.subjectPhone)) throw badRequest('subjectPhone must be an 11-digit mainland mobile number', 'subjectPhone').withZh('手机号须为 11 位中国大陆手机号码');
  const id = await withTenantScope(app.db.pool, c.tenantId, async (tx) => {
    await requireGrid(tx, c.tenantId, input.location);
    const report = (await tx.one<{ id: number }>(q.insertReport({
      tenantId: c.tenantId, kind: input.kind, citizenId: c.citizenId, userId: null, subjectName: input.subjectName,
      phoneEnc: input.subjectPhone ? app.cipher.encrypt(input.subjectPhone) : null,
      phoneHash: input.subjectPhone ? app.cipher.lookupHash(`phone:${input.subjectPhone}`) : null,
      phoneMasked: input.subjectPhone ? maskPhone(input.subjectPhone) : null,
      fever: input.fever, cough: input.cough, fatigue: input.fatigue, shortBreath: input.shortBreath, temperature: input.temperature,
      description: input.description, lon: input.location.lon, lat: input.location.lat, address: input.address, deviceTime: input.deviceTime,
    })))!;
    await dispatchVerification(tx, c.tenantId, report.id);
    await tx.query(q.notify({ tenantId: c.tenantId, type: 'report', reportId: report.id, kind: input.kind }));
    return report.id;
  });
  return getCitizenReport(app, scoped, c, id);
}

async function optionsIn(tx: Tx, tenantId: number) {
  const row = await tx.one<{ settings: { enterprise?: Partial<typeof DEFAULT_ENTERPRISE_OPTIONS> } }>(q.tenantSettings(tenantId));
  return { ...DEFAULT_ENTERPRISE_OPTIONS, ...(row?.settings.enterprise ?? {}) };
}

export function enterpriseOptions(app: AppContext, tenantId: number) {
  return withTenantScope(app.db.pool, tenantId, (tx) => optionsIn(tx, tenantId));
}

/** Replaces the lists of the declaration form; audited with the lists before and after. */
export async function setEnterpriseOptions(app: AppContext, scoped: Scoped, user: Principal, options: typeof DEFAULT_ENTERPRISE_OPTIONS) {
  return scoped(async (tx) => {
    const before = await optionsIn(tx, user.tenantId);
    await tx.query(q.setEnterpriseOptions(user.tenantId, options));
    const after = await optionsIn(tx, user.tenantId);
    await auditTx(tx, {
      tenantId: user.tenantId, userId: user.userId, action: 'enterprise_options.update', objectType: 'tenant_settings', objectId: 'enterprise',
      result: 'ok', detail: { before, after },
    });
    return after;
  });
}

/** §4.1.5: the declaration form; the phone is the signed-in (SMS-verified) one. */
export async function submitEnterpriseDeclaration(app: AppContext, scoped: Scoped, c: CitizenPrincipal, input: EnterpriseDeclaration) {
  const id = parseResidentId(input.idNumber);
  if (!id.ok) throw badRequest(`idNumber ${id.reason}`, 'idNumber').withZh(`身份证号${id.reasonZh}`);
  if (id.info.sex !== input.sex) throw badRequest(`sex does not match the sex encoded in idNumber (${id.info.sex})`, 'sex').withZh('性别与身份证号不符');
  const options = await enterpriseOptions(app, c.tenantId);
  if (options.schools.length && !options.schools.includes(input.schoolName)) throw badRequest('schoolName is not one of the configured schools', 'schoolName').withZh('学校不在配置的选项中');
  if (!options.grades.includes(input.grade)) throw badRequest('grade is not one of the configured grades', 'grade').withZh('年级不在配置的选项中');
  if (!options.classes.includes(input.className)) throw badRequest('className is not one of the configured classes', 'className').withZh('班级不在配置的选项中');
  const phoneEnc = await scoped(async (tx) =>
    (await tx.one<{ phone_enc: Buffer }>(citizenPhone(c.tenantId, c.citizenId)))!.phone_enc,
  );
  const phone = app.cipher.decrypt(phoneEnc);
  const idNumber = input.idNumber.toUpperCase();
  const reportId = await withTenantScope(app.db.pool, c.tenantId, async (tx) => {
    await requireGrid(tx, c.tenantId, input.location);
    const report = (await tx.one<{ id: number }>(q.insertReport({
      tenantId: c.tenantId, kind: 'enterprise', citizenId: c.citizenId, userId: null, subjectName: input.name,
      phoneEnc: app.cipher.encrypt(phone), phoneHash: app.cipher.lookupHash(`phone:${phone}`), phoneMasked: maskPhone(phone),
      idEnc: app.cipher.encrypt(idNumber), idHash: app.cipher.lookupHash(`resident_id:${idNumber}`), idMasked: maskIdNumber(idNumber),
      lon: input.location.lon, lat: input.location.lat, address: input.address, deviceTime: input.deviceTime,
      details: {
        sex: input.sex, hubeiHistory: input.hubeiHistory, hubeiHistoryRecent: input.hubeiHistoryRecent, nativePlace: input.nativePlace,
        schoolName: input.schoolName, grade: input.grade, className: input.className, plannedReturnDate: input.plannedReturnDate,
        returnTransport: input.returnTransport,
      },
    })))!;
    await dispatchVerification(tx, c.tenantId, report.id);
    return report.id;
  });
  return getCitizenReport(app, scoped, c, reportId);
}

/** Checkpoint, patrol and doctor-survey registrations: straight onto the watch list. */
export async function register(app: AppContext, scoped: Scoped, user: Principal, input: Registration) {
  return scoped(async (tx) => {
    const person = await createPersonTx(app, tx, user, { ...input.person, source: SOURCE_OF_KIND[input.kind], status: 'watching' } as never);
    const loc = input.person.location;
    await tx.query(q.insertReport({
      tenantId: user.tenantId, kind: input.kind, citizenId: null, userId: user.userId, subjectName: input.person.name,
      phoneEnc: null, phoneHash: null, phoneMasked: person.phone, lon: loc.lon, lat: loc.lat,
      address: input.person.address ?? '-', state: 'registered', personId: person.id, deviceTime: input.deviceTime,
    }));
    await tx.query(q.notify({ tenantId: user.tenantId, type: 'status', personId: person.id, status: 'watching' }));
    await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'person.create', objectType: 'person', objectId: person.id, result: 'ok', detail: { via: `registration:${input.kind}` } });
    return person;
  });
}

/**
 * A report as its reader sees it: the citizen who made it sees their own; staff see where it was
 * made by the exact-location rule (a grid otherwise).
 */
function view(r: Record<string, any>, staff?: Principal) {
  const exact = !staff || seesExactLocations(staff);
  const forStaff = Boolean(staff);
  return {
    id: r.id, kind: r.kind, subjectName: r.subject_name, subjectPhone: r.subject_phone_masked, subjectIdNumber: r.subject_id_masked,
    fever: r.fever, cough: r.cough, fatigue: r.fatigue, shortBreath: r.short_breath, temperature: r.temperature,
    description: r.description, address: addressFor(exact, r.address), location: pointFor(exact, r), details: r.details,
    grid: r.grid_id == null ? null : { id: r.grid_id, name: r.grid_name }, state: r.state, personId: r.person_id,
    ...(forStaff ? { task: r.task } : {}), deviceTime: r.device_time, createdAt: r.created_at,
  };
}

export async function getCitizenReport(app: AppContext, scoped: Scoped, c: CitizenPrincipal, id: number) {
  const row = await scoped((tx) => tx.one(q.reportById(c.tenantId, id)));
  if (!row) throw notFound('report');
  return view(row);
}

export async function listCitizenReports(app: AppContext, scoped: Scoped, c: CitizenPrincipal, f: ReportListQuery) {
  const rows = await scoped((tx) =>
    tx.rows(q.listReports(c.tenantId, { ...f, citizenId: c.citizenId, limit: f.pageSize, offset: (f.page - 1) * f.pageSize })));
  return { items: rows.map((r) => view(r)), total: rows[0]?.total ?? 0, page: f.page, pageSize: f.pageSize };
}

export async function listReports(app: AppContext, scoped: Scoped, user: Principal, f: ReportListQuery, ip: string | null = null) {
  const rows = await scoped((tx) =>
    tx.rows(q.listReports(user.tenantId, { ...f, limit: f.pageSize, offset: (f.page - 1) * f.pageSize })));
  await auditExactRead(app, user, 'report', seesExactLocations(user) ? rows.length : 0, { page: f.page }, ip);
  return { items: rows.map((r) => view(r, user)), total: rows[0]?.total ?? 0, page: f.page, pageSize: f.pageSize };
}

export async function getReport(app: AppContext, scoped: Scoped, user: Principal, id: number, ip: string | null = null) {
  const row = await scoped((tx) => tx.one(q.reportById(user.tenantId, id)));
  if (!row) throw notFound('report');
  await auditExactRead(app, user, 'report', seesExactLocations(user) ? 1 : 0, { id }, ip);
  return view(row, user);
}

/** Clear subject phone or ID number of a report for a stated reason (so a worker can call them); audited. */
export async function revealReport(app: AppContext, scoped: Scoped, user: Principal, id: number, fields: ('subjectPhone' | 'subjectIdNumber')[], reason: string, ip: string | null) {
  const row = await scoped((tx) =>
    tx.one<{ subject_phone_enc: Buffer | null; subject_id_enc: Buffer | null }>(q.reportSecrets(user.tenantId, id)));
  if (!row) throw notFound('report');
  const dec = (b: Buffer | null) => (b ? app.cipher.decrypt(b) : null);
  const out: Record<string, string | null> = {};
  for (const f of new Set(fields)) {
    if (f === 'subjectPhone') out.subjectPhone = dec(row.subject_phone_enc);
    if (f === 'subjectIdNumber') out.subjectIdNumber = dec(row.subject_id_enc);
  }
  await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'report.reveal', objectType: 'report', objectId: id, ip, result: 'ok', detail: { fields, reason } });
  return out;
}
