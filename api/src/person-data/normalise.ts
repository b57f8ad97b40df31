// Reading the cells of real spreadsheets: full-width characters, stray spaces and line breaks,
// dates in five spellings and as Excel serials, ID numbers that Excel turned into numbers, check
// digits typed as a lower-case x. Each reader returns the value the API takes, or a message for
// the error report (in Chinese, as the people who fix the file read it).
import type { CellPrimitive } from '../excel/cells.ts';
import { withoutControls } from '../control-chars.ts';
import { parseResidentId } from '../persons/idnumber.ts';
import { toHalfWidth } from './columns.ts';

export type Read<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = (message: string): Read<never> => ({ ok: false, message });

/** Text with line breaks and runs of white space (ideographic too) made one space, controls removed, trimmed. */
export function cleanText(v: CellPrimitive): string {
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return withoutControls(String(v)).replace(/[\s\u3000\u00a0]+/g, ' ').trim();
}

/** Text for codes and numbers: half-width, with no white space at all. */
export function compactText(v: CellPrimitive): string {
  return toHalfWidth(cleanText(v)).replace(/\s+/g, '');
}

/** Excel serial day (1900 date system) → YYYY-MM-DD. */
function fromSerial(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return undefined;
  const ms = Math.round((serial - 25569) * 86400_000);
  return new Date(ms).toISOString().slice(0, 10);
}

function validDate(y: number, m: number, d: number): string | undefined {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (y < 1890 || y > 2100 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const DATE_FORMS = '2020-02-03、2020/2/3、2020年2月3日、20200203 或 Excel 日期';

/** A date: a Date cell, an Excel serial, 2020-02-03, 2020/2/3, 2020.2.3, 2020年2月3日, 20200203. */
export function readDate(v: CellPrimitive): Read<string> {
  if (v instanceof Date) return validDateOf(v);
  if (typeof v === 'number') {
    const s = fromSerial(Math.floor(v));
    return s ? ok(s) : fail(`不是日期（${v}），请写成 ${DATE_FORMS}`);
  }
  const t = compactText(v);
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  const date = m ? validDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
  if (date) return ok(date);
  if (/^\d{5}(\.\d+)?$/.test(t)) return readDate(Number(t));
  return fail(m ? `“${t}”不是真实的日期` : `“${t}”不是日期，请写成 ${DATE_FORMS}`);
}

function validDateOf(d: Date): Read<string> {
  if (Number.isNaN(d.getTime())) return fail('不是日期');
  const s = validDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  return s ? ok(s) : fail(`日期 ${d.toISOString().slice(0, 10)} 超出范围`);
}

/** A date with an optional time (Beijing time), as an ISO timestamp with +08:00. */
export function readDateTime(v: CellPrimitive): Read<string> {
  if (v instanceof Date) {
    const d = validDateOf(v);
    return d.ok ? ok(`${d.value}T${v.toISOString().slice(11, 16)}:00+08:00`) : d;
  }
  if (typeof v === 'number') {
    const d = readDate(v);
    if (!d.ok) return d;
    const minutes = Math.round((v - Math.floor(v)) * 1440);
    return ok(`${d.value}T${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00+08:00`);
  }
  const t = toHalfWidth(cleanText(v));
  const m = /^(.+?)(?:[ T](\d{1,2})[:时](\d{2})(?:[:分](\d{2}))?秒?)?$/.exec(t);
  const d = readDate(m ? m[1] : t);
  if (!d.ok) return d;
  const [h, min] = [Number(m?.[2] ?? 0), Number(m?.[3] ?? 0)];
  if (h > 23 || min > 59) return fail(`“${t}”的时间不正确`);
  return ok(`${d.value}T${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}:00+08:00`);
}

/**
 * An ID number. Excel keeps 15 significant digits of a number, so an 18-digit ID number typed
 * into a number cell has already lost its last digits: refused, never guessed.
 */
export function readIdNumber(v: CellPrimitive, idType: string): Read<string> {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || String(v).length > 15) {
      return fail('证件号码以数字存放，Excel 只保留 15 位有效数字，末几位已丢失；请将该列设为文本后重新填写');
    }
    v = String(v);
  }
  const t = compactText(v).toUpperCase();
  if (/^\d(\.\d+)?E\+\d+$/.test(t)) return fail('证件号码是科学计数法（如 4.20102E+17），末几位已丢失；请将该列设为文本后重新填写');
  if (idType === 'resident_id') {
    const r = parseResidentId(t);
    if (!r.ok) return fail(`身份证号码${ID_REASONS[r.reason] ?? r.reason}`);
  } else if (!/^[A-Z0-9-]{5,30}$/.test(t)) {
    return fail('证件号码应为 5-30 位字母或数字');
  }
  return ok(t);
}

const ID_REASONS: Record<string, string> = {
  'must be 18 characters: 17 digits and a digit or X': '应为 18 位：17 位数字加一位数字或 X',
  'region code is not valid': '的地区码不正确',
  'encoded birth date is not a real date': '中的出生日期不是真实日期',
  'encoded birth date is in the future': '中的出生日期晚于今天',
  'check digit does not match (GB 11643)': '校验位不正确（GB 11643），请核对',
};

export function readMobile(v: CellPrimitive): Read<string> {
  const t = compactText(typeof v === 'number' ? String(v) : v).replace(/^\+?86-?/, '').replace(/-/g, '');
  return /^1[3-9]\d{9}$/.test(t) ? ok(t) : fail(`“${cleanText(v)}”不是 11 位手机号码`);
}

export function readPhoneOrLandline(v: CellPrimitive): Read<string> {
  const t = compactText(typeof v === 'number' ? String(v) : v);
  return /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/.test(t) ? ok(t) : fail(`“${cleanText(v)}”不是手机号码或 027-88886666 形式的座机`);
}

const TRUE = new Set(['是', 'y', 'yes', 'true', '1', '√', '有', '已']);
const FALSE = new Set(['否', 'n', 'no', 'false', '0', '×', 'x', '无', '未']);
export function readBool(v: CellPrimitive): Read<boolean> {
  if (typeof v === 'boolean') return ok(v);
  const t = compactText(v).toLowerCase();
  if (TRUE.has(t)) return ok(true);
  if (FALSE.has(t)) return ok(false);
  return fail(`“${cleanText(v)}”应为 是 或 否`);
}

export function readInt(v: CellPrimitive, min: number, max: number): Read<number> {
  const n = typeof v === 'number' ? v : Number(compactText(v));
  if (!Number.isInteger(n)) return fail(`“${cleanText(v)}”不是整数`);
  if (n < min || n > max) return fail(`${n} 超出范围（${min}-${max}）`);
  return ok(n);
}

export function readNumber(v: CellPrimitive): Read<number> {
  const n = typeof v === 'number' ? v : Number(compactText(v));
  return Number.isFinite(n) && compactText(String(v)) !== '' ? ok(n) : fail(`“${cleanText(v)}”不是数字`);
}

/** A coded value by its label or its code. */
export function readCode(v: CellPrimitive, options: Record<string, string>, aliases: Record<string, string[]> = {}): Read<string> {
  const t = compactText(v);
  for (const [code, label] of Object.entries(options)) {
    if (t === label.replace(/\s/g, '') || t.toLowerCase() === code || aliases[code]?.includes(t)) return ok(code);
  }
  return fail(`“${cleanText(v)}”不是可选值（${Object.values(options).join('、')}）`);
}

export function readCodes(v: CellPrimitive, options: Record<string, string>): Read<string[]> {
  const parts = compactText(v).split(/[,，、;；/]/).filter(Boolean);
  const out: string[] = [];
  for (const p of parts) {
    const r = readCode(p, options);
    if (!r.ok) return r;
    if (!out.includes(r.value)) out.push(r.value);
  }
  return ok(out);
}

/** 王五:配偶;张小三:子女 */
export function readCoResidents(v: CellPrimitive): Read<{ name: string; relation: string }[]> {
  const out: { name: string; relation: string }[] = [];
  for (const part of cleanText(v).split(/[;；\n]/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(.+?)\s*[:：]\s*(.+)$/.exec(part);
    if (!m) return fail(`“${part}”应写成 姓名:关系`);
    out.push({ name: m[1], relation: m[2] });
  }
  return ok(out);
}

/** 赵六 2020-02-04 10:00;… */
export function readAttendance(v: CellPrimitive): Read<{ name: string; at: string }[]> {
  const out: { name: string; at: string }[] = [];
  for (const part of cleanText(v).split(/[;；\n]/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\S+)\s+(.+)$/.exec(part);
    const at = m ? readDateTime(m[2]) : undefined;
    if (!m || !at?.ok) return fail(`“${part}”应写成 姓名 日期 时间`);
    out.push({ name: m[1], at: at.value });
  }
  return ok(out);
}
