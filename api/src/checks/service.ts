// Doctors' checks (§4.1.8) and residents' self-reports (§4.1.6). An abnormal reading moves a
// person under observation to suspected (through the persons status machine, with an event),
// opens a referral task for their community and raises a live alert, all in the reading's
// transaction.
import { auditTx } from '../audit/audit.ts';
import { requireExactLocations } from '../auth/exact-location.ts';
import type { Principal, CitizenPrincipal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { withTenantScope, type Tx, type Scoped } from '../db/scope.ts';
import { AppError, conflict, notFound, unprocessable } from '../http/errors.ts';
import * as persons from '../persons/queries.ts';
import { moveStatusTx } from '../persons/service.ts';
import type { PersonRow } from '../persons/view.ts';
import * as q from './queries.ts';
import { abnormalities, loadRules, type Reading } from './rules.ts';
import type { CheckListQuery, DoctorCheck, NearbyQuery, PageQuery, SelfReport } from './schema.ts';

type Row = Record<string, any>;

function checkView(r: Row) {
  return {
    id: r.id,
    personId: r.person_id,
    personName: r.person_name ?? undefined,
    kind: r.kind,
    fever: r.fever,
    cough: r.cough,
    fatigue: r.fatigue,
    shortBreath: r.short_breath,
    temperature: r.temperature,
    abnormal: r.abnormal,
    photoId: r.photo_id,
    description: r.description,
    location: r.lon == null ? null : { lon: r.lon, lat: r.lat },
    addressDetail: r.address_detail,
    taskId: r.task_id,
    recorder: r.recorder_user_id ? { id: r.recorder_user_id, name: r.recorder_name ?? null } : null,
    deviceTime: r.device_time,
    createdAt: r.created_at,
  };
}

/** What a resident sees of their own report: no staff, task or person fields. */
function selfReportView(r: Row) {
  const { personName, recorder, taskId, photoId, ...rest } = checkView(r);
  return rest;
}

export interface Escalation {
  statusChange: { from: string; to: string } | null;
  referralTaskId: number | null;
  alertId: number;
}

interface AbnormalReading {
  tenantId: number;
  personId: number;
  checkId: number;
  source: 'doctor' | 'self';
  /** The doctor; null when the system acts on a resident's self-report. */
  actorId: number | null;
  reasons: string[];
  reading: Reading;
  threshold: number;
}

async function escalate(tx: Tx, a: AbnormalReading): Promise<Escalation> {
  // Locking the person serialises concurrent abnormal readings of the same person.
  const person = (await tx.one<PersonRow>(persons.personById(a.tenantId, a.personId, true)))!;
  let statusChange: Escalation['statusChange'] = null;
  if (person.status === 'watching') {
    // actorId null: the system acted on a resident's self-report.
    await moveStatusTx(tx, { tenantId: a.tenantId, userId: a.actorId }, person, {
      to: 'suspected', reason: `${a.source === 'self' ? '自报' : '检查'}异常：${a.reasons.join('，')}`, changes: { checkId: a.checkId, source: a.source },
    });
    statusChange = { from: 'watching', to: 'suspected' };
  }
  const referred = await referWithAlert(tx, a.tenantId, a.personId, String(a.checkId), {
    checkId: a.checkId, source: a.source, reasons: a.reasons, temperature: a.reading.temperature, threshold: a.threshold, statusChange,
  });
  return { statusChange, ...referred };
}

/**
 * Sends a suspected person to the designated hospital: their open referral task, or a new one for
 * their community's doctor (one per `cause`), and an alert naming it; the live events follow from
 * the rows' triggers. Every path that refers a person (an abnormal reading, a home visit's
 * verification) goes through here, in its own transaction.
 */
export async function referWithAlert(tx: Tx, tenantId: number, personId: number, cause: string, detail: Record<string, unknown>) {
  let referral = await tx.one<{ id: number }>(q.openReferral(tenantId, personId));
  referral ??= await tx.one<{ id: number }>(q.insertReferral(tenantId, personId, cause));
  const referralTaskId = referral?.id ?? null;
  const alert = (await tx.one<{ id: number }>(q.insertAlert(tenantId, personId, { ...detail, referralTaskId })))!;
  return { referralTaskId, alertId: alert.id };
}

const vitalsOf = (i: Reading) => ({ fever: i.fever, cough: i.cough, fatigue: i.fatigue, shortBreath: i.shortBreath, temperature: i.temperature });

/** Tasks a doctor's check completes. */
const CHECKED_TASKS = new Set(['check', 'referral']);

export async function recordDoctorCheck(app: AppContext, scoped: Scoped, user: Principal, personId: number, input: DoctorCheck) {
  const t = user.tenantId;
  const result = await scoped(async (tx) => {
    const person = await tx.one(q.personForCheck(t, personId));
    if (!person) throw notFound('person');
    const rules = await loadRules(tx, t);
    if (input.photoId) {
      const file = await tx.one<{ person_id: number }>(q.fileById(t, input.photoId));
      if (file?.person_id !== personId) throw unprocessable('photoId does not name a photo uploaded for this person', 'photoId').withZh('照片不属于此人员');
    }
    if (input.taskId) {
      // The visit may answer a scheduled check or a referral (the doctor's home visit after an abnormal reading).
      const task = await tx.one<{ kind: string; state: string; person_id: number }>(q.taskForUpdate(t, input.taskId));
      if (!task || !CHECKED_TASKS.has(task.kind) || task.person_id !== personId) throw unprocessable('taskId does not name a check or referral task of this person', 'taskId').withZh('该任务不是此人员的检查或转诊任务');
      if (task.state !== 'open') throw conflict(`task ${input.taskId} is already ${task.state}`, 'taskId').withZh('该任务已处理');
    }
    const reasons = abnormalities(input, rules.feverThreshold);
    const { id } = (await tx.one<{ id: number }>(q.insertCheck({
      tenantId: t, personId, kind: 'doctor', ...vitalsOf(input), abnormal: reasons.length > 0, photoId: input.photoId ?? null,
      description: input.description ?? null, location: input.location ?? null, addressDetail: input.addressDetail ?? null,
      taskId: input.taskId ?? null, recorderUserId: user.userId, citizenId: null, deviceTime: input.deviceTime ?? null,
    })))!;
    await tx.query(q.insertReading(t, personId, 'measured', input.temperature, user.displayName, user.userId, input.deviceTime ?? null));
    if (input.taskId) await tx.query(q.completeTask(t, input.taskId, user.userId, id));
    const escalation = reasons.length
      ? await escalate(tx, { tenantId: t, personId, checkId: id, source: 'doctor', actorId: user.userId, reasons, reading: input, threshold: rules.feverThreshold })
      : null;
    const row = (await tx.one(q.checkById(t, id)))!;
    await auditTx(tx, {
      tenantId: t, userId: user.userId, action: 'check.record', objectType: 'person', objectId: personId, result: 'ok',
      detail: { checkId: id, abnormal: reasons.length > 0 },
    });
    return { ...checkView(row), reasons, escalation };
  });
  return result;
}

const NOT_OBSERVED = new Set(['released', 'closed', 'dead']);

/**
 * A self-report runs with tenant-wide scope: the resident cannot see their own person row, but the
 * report must move the person, open a referral and raise an alert in the same transaction. The
 * person is always the one the account is bound to.
 */
export async function submitSelfReport(app: AppContext, c: CitizenPrincipal, input: SelfReport) {
  if (!c.personId) {
    throw new AppError(403, 'not_bound', 'this account is not bound to a person under observation; bind it first (POST /api/citizen/bind)')
      .withZh('此账号尚未绑定观察对象，请先完成身份绑定');
  }
  const personId = c.personId;
  const t = c.tenantId;
  const check = {
    tenantId: t, personId, kind: 'self' as const, ...vitalsOf(input), photoId: null,
    description: input.description ?? null, location: input.location ?? null, addressDetail: input.addressDetail ?? null,
    taskId: null, recorderUserId: null, citizenId: c.citizenId, deviceTime: input.deviceTime ?? null,
  };
  const symptoms = input.fever || input.cough || input.fatigue || input.shortBreath;
  const record = (tx: Tx) => tx.one<Row & { status: string; fever_threshold: string | null }>(
    q.recordSelfReport(check, symptoms, Math.round(input.temperature * 10), [...NOT_OBSERVED]),
  );
  return withTenantScope(app.db.pool, t, async (tx) => {
    let row = await record(tx);
    if (!row) throw notFound('person');
    if (NOT_OBSERVED.has(row.status)) {
      throw new AppError(409, 'not_under_observation', `self-reports are taken during observation only; the status is ${row.status}`)
        .withZh('仅在医学观察期间可以填报');
    }
    if (row.fever_threshold == null) {
      // the tenant's first check: its rules row is made with the defaults, then the report is written
      await loadRules(tx, t);
      row = (await record(tx))!;
    }
    const threshold = Number(row.fever_threshold);
    const reasons = abnormalities(input, threshold);
    const abnormal = row.abnormal as boolean;
    if (abnormal) {
      await escalate(tx, { tenantId: t, personId, checkId: Number(row.id), source: 'self', actorId: null, reasons, reading: input, threshold });
    }
    await auditTx(tx, { tenantId: t, userId: null, action: 'selfreport.record', objectType: 'person', objectId: personId, result: 'ok', detail: { checkId: Number(row.id), citizenId: c.citizenId, abnormal } });
    // The fever line the answer was judged by: the resident's phone says why a reading is abnormal.
    return { ...selfReportView(row), feverThreshold: threshold };
  });
}

export async function listSelfReports(app: AppContext, scoped: Scoped, c: CitizenPrincipal, page: PageQuery) {
  const rows = await scoped((tx) =>
    tx.rows(q.selfReportsOf(c.tenantId, c.citizenId, page.pageSize, (page.page - 1) * page.pageSize)),
  );
  return { items: rows.map(selfReportView), total: rows[0]?.total ?? 0, page: page.page, pageSize: page.pageSize };
}

export async function getSelfReport(app: AppContext, scoped: Scoped, c: CitizenPrincipal, id: number) {
  const row = await scoped((tx) => tx.one(q.checkById(c.tenantId, id)));
  if (!row || row.kind !== 'self' || row.citizen_id !== c.citizenId) throw notFound('self-report');
  return selfReportView(row);
}

export function listChecks(app: AppContext, scoped: Scoped, user: Principal, query: CheckListQuery) {
  return scoped(async (tx) => {
    const rules = await loadRules(tx, user.tenantId);
    const rows = await tx.rows(q.listChecks(user.tenantId, {
      personId: query.personId, kind: query.kind, from: query.from, to: query.to, abnormal: query.abnormal,
      recorderUserId: query.mine ? user.userId : undefined,
      timezone: rules.timezone, limit: query.pageSize, offset: (query.page - 1) * query.pageSize,
    }));
    return { items: rows.map(checkView), total: rows[0]?.total ?? 0, page: query.page, pageSize: query.pageSize };
  });
}

export async function getCheck(app: AppContext, scoped: Scoped, user: Principal, id: number) {
  const row = await scoped((tx) => tx.one(q.checkById(user.tenantId, id)));
  if (!row) throw notFound('check');
  return checkView(row);
}

/** Open tasks nearest to the caller's position (KNN on the task points), within the caller's scope. */
export async function nearbyTasks(app: AppContext, scoped: Scoped, user: Principal, query: NearbyQuery) {
  requireExactLocations(user, 'nearest check tasks');
  const rows = await scoped((tx) =>
    tx.rows(q.nearbyTasks(user.tenantId, query.kind, query.near.lon, query.near.lat, query.limit)),
  );
  return rows.map((r) => ({
    id: r.id, kind: r.kind, personId: r.person_id, personName: r.person_name, gridId: r.grid_id, gridName: r.grid_name,
    dueAt: r.due_at, location: { lon: r.lon, lat: r.lat }, distanceM: Math.round(r.distance_m),
  }));
}
