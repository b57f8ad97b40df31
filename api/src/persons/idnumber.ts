// Resident ID numbers (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence, check digit.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character for the first 17 digits. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

export interface ResidentIdInfo {
  region: string;
  birthDate: string; // YYYY-MM-DD
  sex: 'male' | 'female';
}

export type ResidentIdResult = { ok: true; info: ResidentIdInfo } | { ok: false; reason: string; reasonZh: string };

/** Validates format, birth date and check digit; the sequence's parity gives the sex. */
export function parseResidentId(input: string, today = new Date()): ResidentIdResult {
  const id = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, reason: 'must be 18 characters: 17 digits and a digit or X', reasonZh: '须为 18 位：17 位数字加 1 位数字或 X' };
  if (!/^[1-8]\d{5}$/.test(id.slice(0, 6))) return { ok: false, reason: 'region code is not valid', reasonZh: '的地区码无效' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1890) {
    return { ok: false, reason: 'encoded birth date is not a real date', reasonZh: '中的出生日期不存在' };
  }
  if (date.getTime() > today.getTime()) return { ok: false, reason: 'encoded birth date is in the future', reasonZh: '中的出生日期晚于今天' };
  if (idCheckDigit(id) !== id[17]) return { ok: false, reason: 'check digit does not match (GB 11643)', reasonZh: '的校验位不正确（GB 11643）' };
  return {
    ok: true,
    info: {
      region: id.slice(0, 6),
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    },
  };
}

/** Whole years between a YYYY-MM-DD birth date and a day. */
export function ageOn(birthDate: string, on = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  let age = on.getUTCFullYear() - y;
  if (on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d)) age--;
  return age;
}

/** Builds a valid ID from its parts (used by the demo generator and tests). */
export function makeResidentId(region: string, birthDate: string, sequence: number, sex: 'male' | 'female'): string {
  let seq = sequence % 1000;
  if ((seq % 2 === 1) !== (sex === 'male')) seq = (seq + 1) % 1000;
  const first17 = region + birthDate.replaceAll('-', '') + String(seq).padStart(3, '0');
  return first17 + idCheckDigit(first17);
}

/** Mainland mobile numbers: 11 digits starting 13-19. */
export function isMobilePhone(input: string): boolean {
  return /^1[3-9]\d{9}$/.test(input);
}

/**
 * A mainland mobile number as people type it ("138 0013 8003", "138-0013-8003", "+86 138…",
 * "0086138…") in its 11 digits, so it is stored and hashed one way. Anything that is not a mobile
 * number once spaces, hyphens and the country code are gone is returned as typed (trimmed): the
 * caller refuses it with its own message.
 */
export function normalizeMobilePhone(input: string): string {
  const typed = input.trim();
  const digits = typed.replace(/[\s-]/g, '').replace(/^(\+|00)86/, '');
  return isMobilePhone(digits) ? digits : typed;
}

/**
 * A contact number as typed: a mobile as normalizeMobilePhone takes it, else a landline without its
 * spaces and brackets ("(027) 8888 6666" → 02788886666; "027-8888 6666" → 027-88886666).
 */
export function normalizeContactPhone(input: string): string {
  const mobile = normalizeMobilePhone(input);
  if (isMobilePhone(mobile)) return mobile;
  return input.trim().replace(/[\s()（）]/g, '');
}
