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
/** The statuses as the apps name them in Chinese (for refusals a person reads). */
export const STATUS_ZH: Record<Status, string> = {
  watching: '医学观察', suspected: '疑似', confirmed: '确诊', cured: '治愈', dead: '死亡', released: '解除隔离', closed: '排除结案',
};
/** Severities as the apps name them in Chinese. */
export const SEVERITY_ZH: Record<string, string> = { mild: '轻症', severe: '重症', critical: '危重' };
/** The same names in the apps' English. */
export const STATUS_EN: Record<Status, string> = {
  watching: 'under observation', suspected: 'suspected', confirmed: 'confirmed', cured: 'cured', dead: 'dead', released: 'released', closed: 'closed (mistaken)',
};
export const SEVERITY_EN: Record<string, string> = { mild: 'mild', severe: 'severe', critical: 'critical' };

export type TransitionCheck = { ok: true } | { ok: false; message: string; messageZh: string; field: string; input?: true };

export function checkTransition(from: Status, fromSeverity: Severity | null, to: Status, severity: Severity | undefined): TransitionCheck {
  if (!TRANSITIONS[from].includes(to)) {
    const allowed = TRANSITIONS[from];
    return {
      ok: false,
      field: 'to',
      message: `cannot change status from ${from} to ${to}; ${allowed.length ? `allowed: ${allowed.join(', ')}` : `${from} is final`}`,
      messageZh: `不能从「${STATUS_ZH[from]}」变更为「${STATUS_ZH[to]}」；${allowed.length ? `可变更为：${allowed.map((s) => STATUS_ZH[s]).join('、')}` : `「${STATUS_ZH[from]}」为最终状态`}`,
    };
  }
  if (to === 'confirmed' && !severity) return { ok: false, field: 'severity', input: true, message: 'a confirmed case needs a severity (mild, severe or critical)', messageZh: '确诊病例须填写病情程度（轻症、重症或危重）' };
  if (to !== 'confirmed' && severity) return { ok: false, field: 'severity', input: true, message: 'severity applies only to confirmed cases', messageZh: '病情程度仅适用于确诊病例' };
  if (from === 'confirmed' && to === 'confirmed' && severity === fromSeverity) {
    return { ok: false, field: 'severity', message: `severity is already ${severity}`, messageZh: '病情程度未变化' };
  }
  return { ok: true };
}

/** Statuses that answer a referral to hospital (or make it moot): the person's open referral tasks close. */
export const ENDS_REFERRAL: ReadonlySet<Status> = new Set(['confirmed', 'cured', 'dead', 'released', 'closed']);
