// Pure rules of the citizens' app, kept out of the views so they are tested without a browser.

/** Tenant codes as the API takes them (api/src/citizens/routes.ts). */
export const isTenantCode = (s: string) => /^[a-z][a-z0-9_-]{1,39}$/.test(s);

/**
 * A mobile number typed with spaces, hyphens or +86/0086 as its 11 digits (as the API normalises
 * it, api/src/persons/idnumber.ts); anything else as typed, trimmed.
 */
export function normalizeMobilePhone(s: string): string {
  const digits = s.trim().replace(/[\s-]/g, '').replace(/^(\+|00)86/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : s.trim();
}

/** Mainland mobile numbers, as the API checks them: the form says so before a round trip. */
export const isMobilePhone = (s: string) => /^1[3-9]\d{9}$/.test(normalizeMobilePhone(s));

/** The city to sign in to: the link's ?tenant= first (a QR poster of the city), then the last one used. */
export function initialTenant(fromQuery: unknown, saved: string | null): string {
  const fromLink = typeof fromQuery === 'string' ? fromQuery.trim().toLowerCase() : '';
  if (isTenantCode(fromLink)) return fromLink;
  return saved && isTenantCode(saved) ? saved : '';
}

/** A key for one submission: sent again with a retry, so a bad network never files it twice. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whole seconds from now until `iso` (0 once passed). */
export function secondsUntil(iso: string, now = Date.now()): number {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}

/** m:ss for a countdown. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * When to fetch a fresh pass token: 30 s before it expires, so the QR on screen is never one a
 * checkpoint refuses as expired; at least 5 s away, so a short-lived token does not loop.
 */
export function passRefreshDelayMs(expiresAt: string, now = Date.now()): number {
  return Math.max(5_000, Date.parse(expiresAt) - now - 30_000);
}

/**
 * The form field a server error names: `body.` dropped and a location's `lon`/`lat` folded into
 * `location`, so the message shows beside the input the user can change.
 */
export function formField(field: string | undefined): string | undefined {
  if (!field) return undefined;
  return field.replace(/^body\./, '').split('.')[0];
}

export const SYMPTOMS = ['fever', 'cough', 'fatigue', 'shortBreath'] as const;
export type Symptom = (typeof SYMPTOMS)[number];

/** The symptoms a reading has, in the form's order. */
export const symptomsOf = (r: Record<Symptom, boolean>) => SYMPTOMS.filter((s) => r[s]);

/** A temperature typed on a phone keyboard: one decimal, comma accepted; null when it is no number. */
export function parseTemperature(text: string): number | null {
  const n = Number(text.trim().replace(',', '.'));
  return text.trim() && Number.isFinite(n) ? Math.round(n * 10) / 10 : null;
}

/** One submission as sent: its Idempotency-Key, the body, and the body's content without the phone's clock. */
export interface Attempt {
  key: string;
  content: string;
  body: Record<string, unknown>;
}

/**
 * The attempt to send for a form's body. The server replays an answer only for the same key and the
 * same body (another body under a used key is refused), so a retry of unchanged content resends the
 * first attempt exactly, its deviceTime included; changed content is a new submission with a new key.
 */
export function attemptFor(previous: Attempt | null, body: Record<string, unknown>, makeKey = newIdempotencyKey): Attempt {
  const { deviceTime: _clock, ...rest } = body;
  const content = JSON.stringify(rest);
  return previous && previous.content === content ? previous : { key: makeKey(), content, body };
}
