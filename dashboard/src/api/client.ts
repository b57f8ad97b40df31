// Fetch wrapper for the API: JSON in and out, cookies for the session, AbortSignal for stale requests.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';

/** Query string from an object, leaving out undefined, null and empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => null);
  if (res.status === 401 && !path.startsWith('/api/auth/') && location.pathname !== '/login') {
    // The session ended (idle timeout, revoked): back to the sign-in, then to where the user was.
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
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
