// Tasks as the API shows them: with what was reported (verification tasks) and, for one task, its
// history derived from the report, the task and its result (no table of its own). Where the task
// sends someone follows the exact-location rule (its assignee and the field roles see it).
import { addressFor, pointFor, seesTaskLocation } from '../auth/exact-location.ts';
import type { Principal } from '../auth/principal.ts';
import { SEVERITY_ZH, STATUS_ZH, type Status } from '../persons/status.ts';

type Row = Record<string, any>;

/** What the reporter said, for the worker before the visit; phone and ID number masked. */
function reportOf(r: Row, exact: boolean) {
  if (r.report_id == null) return null;
  return {
    id: r.report_id, kind: r.report_kind, subjectName: r.subject_name, subjectPhone: r.subject_phone_masked,
    subjectIdNumber: r.subject_id_masked, fever: r.fever, cough: r.cough, fatigue: r.fatigue, shortBreath: r.short_breath,
    temperature: r.temperature, description: r.description, address: addressFor(exact, r.report_address), details: r.report_details,
    createdAt: r.report_created_at,
  };
}

/** Whether this caller sees where the task is (for the audit of exact reads). */
export const taskIsExactFor = (r: Row, user: Pick<Principal, 'permissions' | 'userId'>) => seesTaskLocation(user, r.assignee_user_id);

export function taskView(r: Row, user: Pick<Principal, 'permissions' | 'userId'>) {
  const exact = taskIsExactFor(r, user);
  return {
    id: r.id, kind: r.kind, state: r.state, reportId: r.report_id, personId: r.person_id,
    // where to go: the reported address, or the person's own (check, referral and overdue tasks)
    subject: r.person_name ?? r.subject_name ?? null, address: addressFor(exact, r.report_address ?? r.person_address ?? null),
    location: pointFor(exact, r), distanceM: r.distance_m == null || !exact ? null : Math.round(r.distance_m),
    gridId: r.grid_id, assignee: { jurisdictionId: r.assignee_jurisdiction_id, jurisdictionName: r.assignee_jurisdiction_name, userId: r.assignee_user_id, userName: r.assignee_name },
    dueAt: r.due_at, result: r.result, doneAt: r.done_at, createdAt: r.created_at,
    report: reportOf(r, exact),
  };
}

export interface HistoryEntry {
  at: Date | null;
  kind: 'reported' | 'created' | 'done' | 'cancelled';
  actor?: string;
  note?: string;
}

const REPORT_KINDS: Record<string, string> = {
  citizen: '市民上报', close_contact: '密切接触者上报', enterprise: '企事业单位申报', checkpoint: '卡口登记',
  patrol: '网格员排查', doctor_survey: '医生排查',
};
const OUTCOMES: Record<string, string> = {
  mistaken: '情况有误，结案', register: '登记为医学观察', refer: '转诊定点医院',
  admitted: '医院已收治', confirmed: '医院确诊', excluded: '医院排除',
};

/** One line for a task's result, in the data's language (Chinese, like the reasons it quotes). */
function resultNote(result: Row | null): string | undefined {
  if (!result) return undefined;
  if (result.resolvedBy === 'status') return `人员状态变为${STATUS_ZH[result.status as Status] ?? result.status}`;
  if (result.resolvedBy === 'self_report') return '居民已自报';
  if (result.checkId != null && !result.outcome) return `检查记录 #${result.checkId}`;
  if (!result.outcome) return undefined;
  const parts = [OUTCOMES[result.outcome] ?? result.outcome];
  if (result.hospital) parts.push(result.hospital);
  if (result.severity) parts.push(SEVERITY_ZH[result.severity] ?? result.severity);
  if (result.reason) parts.push(result.reason);
  return parts.join('：');
}

function entry(at: Date | null, kind: HistoryEntry['kind'], actor?: string | null, note?: string | null): HistoryEntry {
  return { at: at ?? null, kind, ...(actor ? { actor } : {}), ...(note ? { note } : {}) };
}

/** The task's history, oldest first: reported (verification tasks), created, and done or cancelled. */
export function taskHistory(r: Row, people: { reporter_name: string | null; done_by_name: string | null }): HistoryEntry[] {
  const history: HistoryEntry[] = [];
  if (r.report_id != null) history.push(entry(r.report_created_at, 'reported', people.reporter_name, REPORT_KINDS[r.report_kind]));
  const assignee = r.assignee_name ?? r.assignee_jurisdiction_name;
  history.push(entry(r.created_at, 'created', null, assignee ? `派给 ${assignee}` : null));
  if (r.state === 'done') history.push(entry(r.done_at, 'done', people.done_by_name, resultNote(r.result)));
  if (r.state === 'cancelled') history.push(entry(r.done_at, 'cancelled', null, r.result?.cancelled));
  return history;
}
