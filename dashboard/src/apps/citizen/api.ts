// The citizens' API (/api/citizen/…, the citizen session cookie) and the shapes it answers
// (api/src/citizens, reports, checks, passes, content). Requests never go to the staff sign-in on a
// 401: an ended citizen session brings the resident back to this app's own sign-in.
import { ApiError, request } from '@shared/api/client';
import type { ArticleShown } from '@shared/api/types';
import type { Symptom } from './logic';

export interface CitizenMe {
  citizenId: number;
  tenant: string;
  /** The city's name (the tenant's). */
  cityName: string;
  /** Masked by the server, e.g. 138****8000. */
  phone: string;
  personId: number | null;
}

export type ReportState = 'open' | 'closed' | 'registered' | 'referred';

export interface CitizenReport extends Record<Symptom, boolean> {
  id: number;
  kind: 'citizen' | 'close_contact' | 'enterprise';
  subjectName: string;
  subjectPhone: string | null;
  temperature: number | null;
  description: string | null;
  address: string | null;
  grid: { id: number; name: string } | null;
  state: ReportState;
  createdAt: string;
}

export interface SelfReport extends Record<Symptom, boolean> {
  id: number;
  temperature: number;
  abnormal: boolean;
  description: string | null;
  createdAt: string;
  /** The fever line the report was judged by (in the answer to a submission, not in the history). */
  feverThreshold?: number;
}

export interface PassQr {
  pass: { id: number; holderName: string; idNumber: string; issuedAt: string };
  token: string;
  expiresAt: string;
  qr: string;
}

export interface PublicArticle extends ArticleShown {
  id: number;
  body: string;
  url: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** Called when the server says the session is gone (set by the router). */
let onSignedOut: (() => void) | undefined;
export const whenSignedOut = (f: () => void) => (onSignedOut = f);

async function send<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  try {
    return (await request<T>(method, path, body, { redirectOn401: false, headers })).body;
  } catch (err) {
    // A wrong SMS code is a 401 too: only a session that ended sends the resident back.
    if (err instanceof ApiError && err.status === 401 && err.code === 'unauthorized') onSignedOut?.();
    throw err;
  }
}

export const citizenApi = {
  get: <T>(path: string) => send<T>('GET', path),
  post: <T>(path: string, body: unknown = {}, headers?: Record<string, string>) => send<T>('POST', path, body, headers),
  /** A submission the route takes once per key (idempotent: true): the same key on a retry. */
  submit: <T>(path: string, body: unknown, key: string) => send<T>('POST', path, body, { 'Idempotency-Key': key }),
};
