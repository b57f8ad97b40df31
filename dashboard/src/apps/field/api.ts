// Shapes of the API answers the field app reads (see README "API conventions" and the routes).
import type { ArticleShown, Status } from '@shared/api/types';

export type TaskKind = 'verification' | 'check' | 'referral' | 'self_report_overdue';
export const TASK_KINDS: TaskKind[] = ['verification', 'check', 'referral', 'self_report_overdue'];

export interface TaskReport {
  id: number;
  kind: string;
  subjectName: string;
  subjectPhone: string | null;
  subjectIdNumber: string | null;
  fever: boolean;
  cough: boolean;
  fatigue: boolean;
  shortBreath: boolean;
  temperature: number | null;
  description: string | null;
  address: string | null;
  details: Record<string, unknown> | null;
  createdAt: string;
}

export interface Task {
  id: number;
  kind: TaskKind;
  state: 'open' | 'done' | 'cancelled';
  reportId: number | null;
  personId: number | null;
  subject: string | null;
  address: string | null;
  location: { lon: number; lat: number };
  distanceM: number | null;
  gridId: number | null;
  assignee: { jurisdictionId: number; jurisdictionName: string | null; userId: number | null; userName: string | null };
  dueAt: string | null;
  result: Record<string, unknown> | null;
  doneAt: string | null;
  createdAt: string;
  report?: TaskReport | null;
  history?: { at: string; kind: string; actor?: string | null; note?: string | null }[];
}

export interface TaskPage {
  items: Task[];
  page: number;
  pageSize: number;
}

export interface CheckRow {
  id: number;
  personId: number;
  personName?: string;
  kind: 'doctor' | 'self';
  fever: boolean;
  cough: boolean;
  fatigue: boolean;
  shortBreath: boolean;
  temperature: number;
  abnormal: boolean;
  photoId: number | null;
  description: string | null;
  location: { lon: number; lat: number } | null;
  taskId: number | null;
  recorder: { id: number; name: string | null } | null;
  createdAt: string;
}

export interface Escalation {
  statusChange: { from: Status; to: Status } | null;
  referralTaskId: number | null;
  alertId: number;
}

export interface CheckResult extends CheckRow {
  reasons: string[];
  escalation: Escalation | null;
}

export interface TemperatureRow {
  kind: 'self' | 'measured';
  celsius: number;
  measuredBy: string | null;
  takenAt: string;
}

export interface Household {
  id: number;
  address: string;
  distanceM: number;
  location?: { lon: number; lat: number };
}

export interface Article extends ArticleShown {
  id: number;
}

export interface ScanResult {
  id: number;
  result: 'allowed' | 'refused';
  reasons: string[];
  holder: { name: string; idNumber: string } | null;
  passId: number | null;
  temperature: number;
  fever: boolean;
  place: string;
  registration: { reportId: number; personId: number | null; personCreated: boolean; note: string } | null;
}

/** Overdue: an open task whose due time has passed. */
export const isOverdue = (t: Pick<Task, 'state' | 'dueAt'>, now = Date.now()) => t.state === 'open' && t.dueAt != null && Date.parse(t.dueAt) < now;
