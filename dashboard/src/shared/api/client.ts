// Fetch wrapper for the API: JSON in and out, cookies for the session, AbortSignal for stale requests.
import { savedLocale } from '../i18n';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The input field the server named, if any (body.person.name → "person.name" is kept as sent). */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The request never got an HTTP answer (offline, DNS, connection reset): worth retrying later. */
export class NetworkError extends Error {
  constructor(readonly cause: unknown) {
    super('network unreachable');
  }
}

export const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';

/** Query string from an object, leaving out undefined, null and empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Go to the sign-in page on 401 (default). Background senders (the outbox) keep their work and say so instead. */
  redirectOn401?: boolean;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        // the API's error messages in the language the user chose (api/src/http/lang.ts)
        'accept-language': savedLocale(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new NetworkError(err);
  }
  if (res.status === 204) return { status: 204, body: undefined as T, headers: res.headers };
  const json = await res.json().catch(() => null);
  if (res.status === 401 && opts.redirectOn401 !== false && !path.startsWith('/api/auth/') && location.pathname !== '/login') {
    // The session ended (idle timeout, revoked): back to the sign-in, then to where the user was.
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.field);
  }
  return { status: res.status, body: json as T, headers: res.headers };
}

export const api = {
  get: async <T>(path: string, signal?: AbortSignal) => (await request<T>('GET', path, undefined, { signal })).body,
  post: async <T>(path: string, body: unknown = {}) => (await request<T>('POST', path, body)).body,
  patch: async <T>(path: string, body: unknown) => (await request<T>('PATCH', path, body)).body,
};

/**
 * One in-flight request per purpose: starting a new one aborts the previous (a pan replaces the
 * heatmap of the old viewport; a drill-down replaces the summary of the old node).
 */
export function latestOnly() {
  let current: AbortController | undefined;
  return <T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    current?.abort();
    const ctrl = new AbortController();
    current = ctrl;
    return run(ctrl.signal).finally(() => {
      if (current === ctrl) current = undefined;
    });
  };
}
