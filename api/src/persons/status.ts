// The person status machine (requirements §4.1.7).
export const STATUSES = ['watching', 'suspected', 'confirmed', 'cured', 'dead', 'released', 'closed'] as const;
export type Status = (typeof STATUSES)[number];
export const SEVERITIES = ['mild', 'severe', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where each status may go. A confirmed case may also change severity (confirmed → confirmed). */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  watching: ['suspected', 'released', 'closed'],
  suspected: ['confirmed', 'watching', 'released', 'closed'],
  confirmed: ['confirmed', 'cured', 'dead'],
  cured: ['watching', 'released'],
  released: ['watching', 'suspected'],
  dead: [],
  closed: [],
};

/** Statuses a person may be registered with. */
export const INITIAL_STATUSES: readonly Status[] = ['watching', 'suspected', 'confirmed'];

/** `input`: the request is wrong whatever the person's state (a 400), not a conflict with that state (a 409). */
export type TransitionCheck = { ok: true } | { ok: false; message: string; field: string; input?: true };

export function checkTransition(from: Status, fromSeverity: Severity | null, to: Status, severity: Severity | undefined): TransitionCheck {
  if (!TRANSITIONS[from].includes(to)) {
    const allowed = TRANSITIONS[from];
    return {
      ok: false,
      field: 'to',
      message: `cannot change status from ${from} to ${to}; ${allowed.length ? `allowed: ${allowed.join(', ')}` : `${from} is final`}`,
    };
  }
  if (to === 'confirmed' && !severity) return { ok: false, field: 'severity', input: true, message: 'a confirmed case needs a severity (mild, severe or critical)' };
  if (to !== 'confirmed' && severity) return { ok: false, field: 'severity', input: true, message: 'severity applies only to confirmed cases' };
  if (from === 'confirmed' && to === 'confirmed' && severity === fromSeverity) {
    return { ok: false, field: 'severity', message: `severity is already ${severity}` };
  }
  return { ok: true };
}

/** Statuses that answer a referral to hospital (or make it moot): the person's open referral tasks close. */
export const ENDS_REFERRAL: ReadonlySet<Status> = new Set(['confirmed', 'cured', 'dead', 'released', 'closed']);
