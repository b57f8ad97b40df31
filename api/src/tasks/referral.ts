// The answer to a referral task (§3.2: anyone with symptoms goes to a designated hospital): the
// hospital admitted, confirmed or excluded the person. The task is done and the person's status
// follows through the status machine, in one transaction.
import { auditTx } from '../audit/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Scoped } from '../db/scope.ts';
import { conflict, notFound } from '../http/errors.ts';
import * as persons from '../persons/queries.ts';
import { moveStatusTx, type StatusMove } from '../persons/service.ts';
import type { Status } from '../persons/status.ts';
import type { PersonRow } from '../persons/view.ts';
import * as reports from '../reports/queries.ts';
import * as q from './queries.ts';
import type { ReferralResult } from './schema.ts';

const SAID = { admitted: '已收治', confirmed: '确诊', excluded: '排除' } as const;

/**
 * The status change an answer asks for, or null when the person already is where it points:
 * admitted → suspected (a suspected or confirmed case stays), confirmed → confirmed with the
 * severity, excluded → watching for a suspected case (others stay). Anything else is left to the
 * status machine to refuse.
 */
export function referralMove(person: Pick<PersonRow, 'status' | 'severity'>, input: ReferralResult): StatusMove | null {
  const reason = `转诊结果：${SAID[input.outcome]}${input.hospital ? `（${input.hospital}）` : ''}：${input.reason}`;
  const status = person.status as Status;
  switch (input.outcome) {
    case 'admitted':
      return status === 'suspected' || status === 'confirmed' ? null : { to: 'suspected', reason, field: 'outcome' };
    case 'confirmed':
      return status === 'confirmed' && person.severity === input.severity ? null : { to: 'confirmed', severity: input.severity, reason, field: 'outcome' };
    case 'excluded':
      return ['watching', 'released', 'cured'].includes(status) ? null : { to: 'watching', reason, field: 'outcome' };
  }
}

export async function recordReferral(app: AppContext, scoped: Scoped, user: Principal, id: number, input: ReferralResult) {
  const t = user.tenantId;
  const result = await scoped(async (tx) => {
    const task = await tx.one(q.taskById(t, id, true));
    if (!task) throw notFound('task');
    if (task.kind !== 'referral') throw conflict(`task ${id} is a ${task.kind} task, not a referral`, 'id').withZh('该任务不是转诊任务');
    if (task.state !== 'open') throw conflict(`task ${id} is already ${task.state}`, 'id').withZh('该任务已处理');
    const person = await tx.one<PersonRow>(persons.personById(t, task.person_id, true));
    if (!person) throw notFound('person');
    // This task is done with the hospital's answer first, so that closing the person's other open
    // referrals on a final status does not claim it.
    await tx.query(q.complete(t, id, user.userId, {
      outcome: input.outcome, hospital: input.hospital ?? null, severity: input.severity ?? null, reason: input.reason, deviceTime: input.deviceTime ?? null,
    }, null));
    const move = referralMove(person, input);
    const moved = move ? await moveStatusTx(tx, user, person, { ...move, changes: { taskId: id, outcome: input.outcome, hospital: input.hospital ?? null } }) : null;
    await tx.query(reports.notify({ tenantId: t, type: 'task_done', taskId: id, kind: 'referral', outcome: input.outcome, personId: person.id }));
    await auditTx(tx, {
      tenantId: t, userId: user.userId, action: 'task.referral', objectType: 'task', objectId: id, result: 'ok',
      detail: { outcome: input.outcome, personId: person.id, statusChange: move ? { from: person.status, to: move.to } : null },
    });
    return {
      taskId: id, outcome: input.outcome, personId: person.id,
      status: move?.to ?? person.status, severity: move ? move.severity ?? null : person.severity,
      statusChange: move ? { from: person.status, to: move.to } : null,
      referralsClosed: moved?.referralsClosed ?? [],
    };
  });
  return result;
}
