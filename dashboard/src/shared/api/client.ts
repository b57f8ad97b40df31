// Fetch wrapper for the API: JSON in and out, cookies for the session, AbortSignal for stale requests.
import { savedLocale } from '../i18n';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The input field the server named, if any (body.person.name → "person.name" is kept as sent). */
    readonly field?: string,
    /** Seconds the server asks to wait before trying again (Retry-After of a 429), if it said. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** Retry-After in seconds (RFC 9110: seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
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

/**
 * Asks the user to confirm who they are (password, and the authenticator code when they have
 * one) and posts /api/auth/step-up; true once that succeeded, false when they cancelled. Each app
 * registers its own dialog, in its own UI library.
 */
export type StepUpPrompt = () => Promise<boolean>;

let stepUpPrompt: StepUpPrompt | undefined;
let pendingStepUp: Promise<boolean> | undefined;

/** Registers the app's re-authentication dialog (undefined removes it). */
export function onStepUpRequired(prompt: StepUpPrompt | undefined): void {
  stepUpPrompt = prompt;
}

function askStepUp(): Promise<boolean> {
  if (!stepUpPrompt) return Promise.resolve(false);
  // Requests refused together (a page that saves two things) share one dialog.
  pendingStepUp ??= stepUpPrompt()
    .catch(() => false)
    .finally(() => (pendingStepUp = undefined));
  return pendingStepUp;
}

/** Where an administrator without a second factor sets one up; the server answers nothing else until then. */
export const TOTP_ENROLMENT_PATH = '/admin/security';

/**
 * Sends a request and returns the successful response, or throws ApiError with the server's code.
 * A JSON body is serialised; FormData (uploads) goes as it is. A 403 step_up_required opens the
 * app's re-authentication dialog and sends the request once more; cancelled, the original error
 * is thrown.
 */
async function send(method: string, path: string, body: unknown, opts: RequestOptions, retried = false): Promise<Response> {
  const form = body instanceof FormData;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        // the API's error messages in the language the user chose (api/src/http/lang.ts)
        'accept-language': savedLocale(),
        ...(body === undefined || form ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new NetworkError(err);
  }
  if (res.ok) return res;
  const json = await res.json().catch(() => null);
  if (res.status === 401 && opts.redirectOn401 !== false && !path.startsWith('/api/auth/') && location.pathname !== '/login') {
    // The session ended (idle timeout, revoked): back to the sign-in, then to where the user was.
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  }
  const e = (json as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
  const error = new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.field, retryAfterSeconds(res.headers.get('retry-after')));
  if (res.status === 403 && error.code === 'step_up_required' && !retried && (await askStepUp())) return send(method, path, body, opts, true);
  if (res.status === 403 && error.code === 'totp_enrolment_required' && !location.pathname.startsWith(TOTP_ENROLMENT_PATH)) {
    // An administrator whose second factor the policy requires, reaching any other app: set it up first.
    location.assign(TOTP_ENROLMENT_PATH);
  }
  throw error;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  const res = await send(method, path, body, opts);
  if (res.status === 204) return { status: 204, body: undefined as T, headers: res.headers };
  const json = await res.json().catch(() => null);
  return { status: res.status, body: json as T, headers: res.headers };
}

export const api = {
  get: async <T>(path: string, signal?: AbortSignal) => (await request<T>('GET', path, undefined, { signal })).body,
  post: async <T>(path: string, body: unknown = {}) => (await request<T>('POST', path, body)).body,
  patch: async <T>(path: string, body: unknown) => (await request<T>('PATCH', path, body)).body,
};

/** The file name a Content-Disposition header gives (RFC 6266: filename* in UTF-8 first), or null. */
export function attachmentName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // malformed: the plain name below
    }
  }
  return /filename\s*=\s*"([^"]*)"/i.exec(header)?.[1] ?? /filename\s*=\s*([^;]+)/i.exec(header)?.[1].trim() ?? null;
}

/**
 * Downloads a file the API serves (an Excel export) as the browser's download. Fetched rather than
 * followed as a link, so a refusal reads as an error, and a step-up asks for the password and
 * downloads after it, instead of saving the error's JSON as the file.
 */
export async function download(path: string): Promise<void> {
  const res = await send('GET', path, undefined, { headers: { accept: '*/*' } });
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = attachmentName(res.headers.get('content-disposition')) ?? path.split('?')[0].split('/').pop() ?? 'download';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked at once, some browsers cancel the download they just began.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

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
