// Tasks: scoped lists (nearest first from the worker's position), reassignment, and the
// verification result of a report (§4.1.7 入户核实): closed as mistaken, registered onto the
// watch list, or referred to a designated hospital.
import { auditTx } from '../audit/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Tx, Scoped } from '../db/scope.ts';
import { AppError, conflict, notFound, unprocessable } from '../http/errors.ts';
import { referWithAlert } from '../checks/service.ts';
import { createPersonTx } from '../persons/service.ts';
import * as reports from '../reports/queries.ts';
import { SOURCE_OF_KIND } from '../reports/schema.ts';
import { personFromReport, type ReportRow } from '../reports/subject.ts';
import * as q from './queries.ts';
import type { TaskListQuery, Verification } from './schema.ts';
import { taskHistory, taskIsExactFor, taskView } from './view.ts';
import type { Lang } from '../http/lang.ts';
import { auditExactRead, requireExactLocations, seesExactLocations } from '../auth/exact-location.ts';

export async function listTasks(app: AppContext, scoped: Scoped, user: Principal, f: TaskListQuery, ip?: string | null) {
  // Nearest first orders tasks by their distance from a chosen point: that places them. Without
  // the right to see exact locations, a user who works tasks (task:work) may still order their own
  // list (mine) by distance: it then holds only the tasks assigned to them personally, whose
  // places they see anyway (auth/exact-location.ts seesTaskLocation).
  const ownNearest = !!f.near && f.mine && !seesExactLocations(user) && user.permissions.includes('task:work');
  if (f.near && !ownNearest) requireExactLocations(user, 'tasks nearest first (near) other than your own (mine=true)');
  const rows = await scoped((tx) =>
    tx.rows(q.listTasks(user.tenantId, {
      kind: f.kind, state: f.state, near: f.near, assignedTo: ownNearest ? user.userId : undefined,
      mineUserId: f.mine ? user.userId : undefined, mineNodes: user.scopeIds,
      limit: f.pageSize, offset: (f.page - 1) * f.pageSize,
    })));
  await auditExactRead(app, user, 'task', rows.filter((r) => taskIsExactFor(r, user)).length, { kind: f.kind ?? null, state: f.state, page: f.page }, ip);
  return { items: rows.map((r) => taskView(r, user)), page: f.page, pageSize: f.pageSize };
}

/** One task with what was reported and its history (reported, created, done or cancelled). */
export async function getTask(app: AppContext, scoped: Scoped, user: Principal, id: number, lang: Lang, ip?: string | null) {
  const [row, people] = await scoped(async (tx) => [
    await tx.one(q.taskById(user.tenantId, id)),
    await tx.one<{ reporter_name: string | null; done_by_name: string | null }>(q.taskPeople(user.tenantId, id)),
  ] as const);
  if (!row) throw notFound('task');
  await auditExactRead(app, user, 'task', taskIsExactFor(row, user) ? 1 : 0, { id }, ip);
  return { ...taskView(row, user), history: taskHistory(row, people!, lang) };
}

/** Reassigns open tasks (all or none) to a user whose jurisdiction covers each of them. */
export async function assignTasks(app: AppContext, scoped: Scoped, user: Principal, ids: number[], userId: number) {
  const unique = [...new Set(ids)];
  await scoped(async (tx) => {
    const rows = await tx.rows<{ id: number; state: string; grid_path: string }>(q.lockTasks(user.tenantId, unique));
    const found = new Set(rows.map((r) => r.id));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length) throw new AppError(404, 'not_found', `task ${missing.join(', ')} not found`, 'taskIds').withZh(`未找到任务 ${missing.join('、')}`);
    const closed = rows.filter((r) => r.state !== 'open');
    if (closed.length) throw conflict(`task ${closed.map((r) => r.id).join(', ')} is no longer open`, 'taskIds').withZh('部分任务已不再待办');
    let node: number | undefined;
    for (const r of rows) {
      const cover = await tx.one<{ id: number }>(q.userCovers(user.tenantId, userId, r.grid_path));
      if (!cover) throw unprocessable(`user ${userId} does not work where task ${r.id} is`, 'userId').withZh(`该用户不负责任务 ${r.id} 所在的区域`);
      node ??= cover.id;
    }
    await tx.query(q.assign(user.tenantId, unique, userId, node!));
    await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'task.assign', objectType: 'task', objectId: unique.join(','), result: 'ok', detail: { to: userId } });
  });
  return { assigned: unique.length };
}

async function openVerification(tx: Tx, user: Principal, id: number) {
  const task = await tx.one(q.taskById(user.tenantId, id, true));
  if (!task) throw notFound('task');
  if (task.kind !== 'verification') throw conflict(`task ${id} is a ${task.kind} task, not a verification`, 'id').withZh('该任务不是核实任务');
  if (task.state !== 'open') throw conflict(`task ${id} is already ${task.state}`, 'id').withZh('该任务已处理');
  const report = await tx.one<ReportRow & { id: number }>(reports.reportById(user.tenantId, task.report_id));
  return { task, report: report! };
}

/** Records the outcome of a home visit; registering or referring creates the person in the same transaction. */
export async function verify(app: AppContext, scoped: Scoped, user: Principal, id: number, input: Verification) {
  const result = await scoped(async (tx) => {
    const { report } = await openVerification(tx, user, id);
    let personId: number | null = null;
    let referred: { referralTaskId: number | null; alertId: number } | null = null;
    if (input.outcome !== 'mistaken') {
      const source = SOURCE_OF_KIND[report.kind as keyof typeof SOURCE_OF_KIND];
      const person = await createPersonTx(app, tx, user, {
        ...personFromReport(app, report, input.person),
        source,
        status: input.outcome === 'refer' ? 'suspected' : 'watching',
      } as never);
      personId = person.id;
    }
    if (input.outcome === 'refer') {
      // As an abnormal check does: the community doctor's referral task and an alert. The task is
      // locked and must be open, so a retried verify refers no one twice.
      referred = await referWithAlert(tx, user.tenantId, personId!, `verification:${id}`, {
        source: 'verification', taskId: id, reportId: report.id, reason: input.reason, hospital: input.hospital ?? null,
      });
    }
    const state = { mistaken: 'closed', register: 'registered', refer: 'referred' }[input.outcome];
    await tx.query(reports.setReportState(user.tenantId, report.id, state, personId));
    await tx.query(q.complete(user.tenantId, id, user.userId, { outcome: input.outcome, reason: input.reason, hospital: input.hospital ?? null, deviceTime: input.deviceTime ?? null }, personId));
    await tx.query(reports.notify({ tenantId: user.tenantId, type: 'task_done', taskId: id, outcome: input.outcome, personId }));
    await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'task.verify', objectType: 'task', objectId: id, result: 'ok', detail: { outcome: input.outcome, personId, ...referred } });
    return { taskId: id, outcome: input.outcome, reportState: state, personId, ...referred };
  });
  return result;
}
