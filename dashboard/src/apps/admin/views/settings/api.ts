// The settings API as the admin console reads it (README "Settings in the admin console").
import { request } from '@shared/api/client';

export const CHECK_STATUSES = ['watching', 'suspected', 'confirmed', 'cured', 'released'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface CheckRules {
  statuses: CheckStatus[];
  checkTimes: string[];
  observationDays: number;
  feverThreshold: number;
  selfReportOverdueHours: number;
  timezone: string;
}

export interface RulesPreview {
  day: string;
  slotsToday: number;
  persons: number;
  wouldCreate: number;
  wouldCancel: number;
}

export interface OverdueRelease {
  selfReportOverdueHours: number;
  referralDueHours: number;
  observationDays: number;
}

export interface EnterpriseOptions {
  schools: string[];
  grades: string[];
  classes: string[];
}

export type ArticleKind = 'guide' | 'publicity' | 'news';
export interface Article {
  id: number;
  kind: ArticleKind;
  title: string;
  body?: string;
  summary?: string;
  url: string | null;
  status: 'draft' | 'published';
  publishedAt: string | null;
  author: { id: number; name: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

export interface JobRun {
  id: number;
  job: string;
  trigger: 'schedule' | 'manual';
  startedBy: { id: number; name: string | null } | null;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'ok' | 'error' | 'skipped';
  message: string | null;
  rowsAffected: number | null;
  detail: Record<string, unknown>;
}

export interface Job {
  name: string;
  schedule: string;
  /** The zone the schedule is read in (JOBS_TIME_ZONE). */
  timeZone: string;
  perTenant: boolean;
  description: string;
  lastRun: JobRun | null;
  running: boolean;
  nextRun: string | null;
}

/** PUT is not in the shared api helper; errors carry the server's code, message and field. */
export const put = async <T>(path: string, body: unknown) => (await request<T>('PUT', path, body)).body;

/** The values of an object without its server-side fields (updatedAt, checksPerDay). */
export function pick<T extends object>(from: Record<string, unknown>, keys: (keyof T)[]): T {
  return Object.fromEntries(keys.map((k) => [k, from[k as string]])) as T;
}

export const when = (s: string | null, locale: string) => (s ? new Date(s).toLocaleString(locale, { hour12: false }) : '—');
