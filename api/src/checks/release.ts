// The release list (解除隔离): persons whose observation ended without an abnormal reading, and
// their release through the status machine with the release notice; plus the alerts of abnormal
// readings.
import { auditTx } from '../audit/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Scoped } from '../db/scope.ts';
import { AppError, notFound } from '../http/errors.ts';
import { checkVersion } from '../http/precondition.ts';
import * as persons from '../persons/queries.ts';
import { moveStatusTx } from '../persons/service.ts';
import { checkTransition, type Severity, type Status } from '../persons/status.ts';
import type { PersonRow } from '../persons/view.ts';
import * as q from './queries.ts';
import { loadRules } from './rules.ts';
import type { AlertListQuery, PageQuery, Release } from './schema.ts';

type Row = Record<string, any>;

const candidateView = (r: Row) => ({
  personId: r.id, name: r.name, status: r.status, gridId: r.grid_id, gridName: r.grid_name,
  observationStart: r.observation_start, observationEnd: r.observation_end,
});

export function releaseCandidates(app: AppContext, scoped: Scoped, user: Principal, page: PageQuery, now = new Date()) {
  return scoped(async (tx) => {
    await loadRules(tx, user.tenantId);
    const rows = await tx.rows(q.releaseCandidates(user.tenantId, now, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize }));
    return { items: rows.map(candidateView), total: rows[0]?.total ?? 0, page: page.page, pageSize: page.pageSize };
  });
}

/**
 * Releases a person whose observation is complete: watching → released through the status
 * machine, the release notice recorded, open check tasks cancelled; the pass follows the status.
 */
export async function releasePerson(app: AppContext, scoped: Scoped, user: Principal, personId: number, input: Release, expected: number, now = new Date()) {
  const t = user.tenantId;
  const result = await scoped(async (tx) => {
    await loadRules(tx, t);
    const person = await tx.one<PersonRow>(persons.personById(t, personId, true));
    if (!person) throw notFound('person');
    checkVersion('person', person.version, expected);
    const move = checkTransition(person.status as Status, person.severity as Severity | null, 'released', undefined);
    if (!move.ok) throw new AppError(409, 'invalid_transition', move.message, move.field).withZh(move.messageZh);
    const w = (await tx.one(q.releaseCandidates(t, now, { personId, limit: 1, offset: 0 })))!;
    if (w.observation_end > w.today) {
      throw new AppError(409, 'observation_not_complete', `observation runs until ${w.observation_end}; release is possible from that day`, 'observationEnd')
        .withZh(`观察期至 ${w.observation_end}，届时方可解除`);
    }
    if (w.abnormal_check_id) {
      throw new AppError(409, 'abnormal_reading', `an abnormal reading (check ${w.abnormal_check_id}) was recorded during observation; release needs a doctor's decision through the status change`)
        .withZh('观察期间有异常检查记录，解除须由医生通过状态变更决定');
    }
    const event = await moveStatusTx(tx, user, person, {
      to: 'released', reason: input.reason, changes: { release_notice_issued: { from: person.release_notice_issued, to: true }, noticeNo: input.noticeNo ?? null },
    });
    await tx.query(q.issueReleaseNotice(t, personId));
    await tx.query(q.cancelOpenTasksOf(t, personId, 'released'));
    await tx.one(q.notifyReleased(t, personId));
    await auditTx(tx, { tenantId: t, userId: user.userId, action: 'person.release', objectType: 'person', objectId: personId, result: 'ok', detail: { noticeNo: input.noticeNo ?? null } });
    return { personId, status: 'released', releaseNoticeIssued: true, noticeNo: input.noticeNo ?? null, eventId: event.eventId, version: person.version + 1 };
  });
  return result;
}

const alertView = (r: Row) => ({
  id: r.id, personId: r.person_id, personName: r.person_name, personStatus: r.person_status, kind: r.kind, detail: r.detail,
  grid: r.grid_name == null ? null : { name: r.grid_name, communityName: r.community_name },
  createdAt: r.created_at, acknowledgedAt: r.acknowledged_at, acknowledgedBy: r.acknowledged_by,
});

export async function listAlerts(app: AppContext, scoped: Scoped, user: Principal, query: AlertListQuery) {
  const rows = await scoped((tx) =>
    tx.rows(q.listAlerts(user.tenantId, query.open, query.pageSize, (query.page - 1) * query.pageSize)),
  );
  return { items: rows.map(alertView), total: rows[0]?.total ?? 0, page: query.page, pageSize: query.pageSize };
}

export async function acknowledgeAlert(app: AppContext, scoped: Scoped, user: Principal, id: number) {
  const row = await scoped(async (tx) => {
    const r = await tx.one(q.acknowledgeAlert(user.tenantId, id, user.userId));
    if (r) await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'alert.acknowledge', objectType: 'alert', objectId: id, result: 'ok', detail: { personId: r.person_id ?? null } });
    return r;
  });
  if (!row) throw notFound('alert');
  return { id: row.id, acknowledgedAt: row.acknowledged_at, acknowledgedBy: row.acknowledged_by };
}
