// Tasks as the API shows them: with what was reported (verification tasks) and, for one task, its
// history derived from the report, the task and its result (no table of its own). Where the task
// sends someone follows the exact-location rule (its assignee and the field roles see it).
import { addressFor, pointFor, seesTaskLocation } from '../auth/exact-location.ts';
import type { Principal } from '../auth/principal.ts';
import type { Lang } from '../http/lang.ts';
import { SEVERITY_EN, SEVERITY_ZH, STATUS_EN, STATUS_ZH, type Status } from '../persons/status.ts';

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

type Words = Record<string, string>;

/** What the history says, in the language the request asks for (the apps send the user's choice). */
const WORDS: Record<Lang, {
  reportKinds: Words; outcomes: Words; statuses: Words; severities: Words; cancelled: Words;
  statusBecame: (s: string) => string; selfReported: string; check: (id: number) => string; assignedTo: (who: string) => string; join: string;
}> = {
  'zh-CN': {
    reportKinds: { citizen: '市民上报', close_contact: '密切接触者上报', enterprise: '企事业单位申报', checkpoint: '卡口登记', patrol: '网格员排查', doctor_survey: '医生排查' },
    outcomes: { mistaken: '情况有误，结案', register: '登记为医学观察', refer: '转诊定点医院', admitted: '医院已收治', confirmed: '医院确诊', excluded: '医院排除' },
    statuses: STATUS_ZH,
    severities: SEVERITY_ZH,
    cancelled: { released: '人员已解除隔离', 'not under observation': '人员已不在观察中' },
    statusBecame: (s) => `人员状态变为${s}`,
    selfReported: '居民已自报',
    check: (id) => `检查记录 #${id}`,
    assignedTo: (who) => `派给 ${who}`,
    join: '：',
  },
  en: {
    reportKinds: { citizen: 'citizen report', close_contact: 'close-contact report', enterprise: 'enterprise declaration', checkpoint: 'checkpoint', patrol: 'grid worker\'s patrol', doctor_survey: 'doctor\'s survey' },
    outcomes: { mistaken: 'mistaken, closed', register: 'registered for observation', refer: 'referred to a designated hospital', admitted: 'admitted to hospital', confirmed: 'confirmed by the hospital', excluded: 'excluded by the hospital' },
    statuses: STATUS_EN,
    severities: SEVERITY_EN,
    cancelled: { released: 'the person was released', 'not under observation': 'the person is no longer under observation' },
    statusBecame: (s) => `status became ${s}`,
    selfReported: 'the resident reported',
    check: (id) => `check #${id}`,
    assignedTo: (who) => `assigned to ${who}`,
    join: ': ',
  },
};

/** One line for a task's result. Free texts (hospital, reason) stay as they were written. */
function resultNote(result: Row | null, w: (typeof WORDS)[Lang]): string | undefined {
  if (!result) return undefined;
  if (result.resolvedBy === 'status') return w.statusBecame(w.statuses[result.status as Status] ?? result.status);
  if (result.resolvedBy === 'self_report') return w.selfReported;
  if (result.checkId != null && !result.outcome) return w.check(result.checkId);
  if (!result.outcome) return undefined;
  const parts = [w.outcomes[result.outcome] ?? result.outcome];
  if (result.hospital) parts.push(result.hospital);
  if (result.severity) parts.push(w.severities[result.severity] ?? result.severity);
  if (result.reason) parts.push(result.reason);
  return parts.join(w.join);
}

function entry(at: Date | null, kind: HistoryEntry['kind'], actor?: string | null, note?: string | null): HistoryEntry {
  return { at: at ?? null, kind, ...(actor ? { actor } : {}), ...(note ? { note } : {}) };
}

/** The task's history, oldest first: reported (verification tasks), created, and done or cancelled. */
export function taskHistory(r: Row, people: { reporter_name: string | null; done_by_name: string | null }, lang: Lang): HistoryEntry[] {
  const w = WORDS[lang];
  const history: HistoryEntry[] = [];
  if (r.report_id != null) history.push(entry(r.report_created_at, 'reported', people.reporter_name, w.reportKinds[r.report_kind]));
  const assignee = r.assignee_name ?? r.assignee_jurisdiction_name;
  history.push(entry(r.created_at, 'created', null, assignee ? w.assignedTo(assignee) : null));
  if (r.state === 'done') history.push(entry(r.done_at, 'done', people.done_by_name, resultNote(r.result, w)));
  if (r.state === 'cancelled') history.push(entry(r.done_at, 'cancelled', null, r.result?.cancelled == null ? null : (w.cancelled[r.result.cancelled] ?? r.result.cancelled)));
  return history;
}
