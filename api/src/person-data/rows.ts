// One spreadsheet row → the persons columns to stage, or the row's errors (per cell). The API's
// own rules apply: PersonCreate validates every value (lengths, codes, patterns), and the personal
// fields are encrypted, hashed and masked as a registration does (persons/service.ts).
import type { z, ZodError } from 'zod';
import type { AppContext } from '../context.ts';
import type { CellPrimitive } from '../excel/cells.ts';
import { toWgs84 } from '../geo/point.ts';
import { AppError } from '../http/errors.ts';
import { ageOn, parseResidentId } from '../persons/idnumber.ts';
import { PersonCreate, PLAIN_FIELDS, type PlainField } from '../persons/schema.ts';
import { personalColumns } from '../persons/service.ts';
import { COLUMNS, headerOf, type Column } from './columns.ts';
import * as n from './normalise.ts';

export interface RowError {
  field: string;
  header: string;
  message: string;
}

export interface StagedRow {
  row_no: number;
  errors: RowError[];
  /**
   * The persons columns of a row that read well, as the JSON object app.import_person_batch reads:
   * encrypted values as bytea hex, "id" the row number, "geom" the point of explicit coordinates
   * (EWKT). Serialised at once, so a batch waiting for the database holds one string a row.
   */
  json: string | null;
  id_type: string | null;
  id_hash: string | null;
  note: string | null;
}

type Cells = Map<string, CellPrimitive>;

function readCell(c: Column, v: CellPrimitive, idType: string): n.Read<unknown> {
  switch (c.kind) {
    case 'enum': case 'crs': return n.readCode(v, c.options!, c.aliases);
    case 'enumList': return n.readCodes(v, c.options!);
    case 'bool': return n.readBool(v);
    case 'int': return n.readInt(v, 0, c.key === 'age' ? 130 : 50);
    case 'date': return n.readDate(v);
    case 'datetime': return n.readDateTime(v);
    case 'idNumber': return n.readIdNumber(v, idType);
    case 'phone': return n.readMobile(v);
    case 'landline': return n.readPhoneOrLandline(v);
    case 'coResidents': return n.readCoResidents(v);
    case 'attendance': return n.readAttendance(v);
    case 'number': return n.readNumber(v);
    case 'householdId': return n.readInt(v, 1, Number.MAX_SAFE_INTEGER);
    case 'note': {
      const t = n.cleanText(v);
      return t.length > 1000 ? { ok: false, message: '超过 1000 字' } : { ok: true, value: t };
    }
    default: return { ok: true, value: n.cleanText(v) };
  }
}

const isBlank = (v: CellPrimitive | undefined) => v == null || (typeof v === 'string' && v.replace(/[\s\u3000]/g, '') === '');

/** Whether a row has nothing in any known column (blank rows are skipped, not errors). */
export const blankRow = (cells: Cells) => [...cells.values()].every(isBlank);

/** Chinese words for the API schema's complaints about a value. */
function zodMessage(issue: ZodError['issues'][number]): string {
  const i = issue as { code: string; maximum?: unknown; minimum?: unknown; values?: unknown[]; origin?: string; message: string };
  if (i.code === 'too_big') return i.origin === 'string' ? `超过 ${i.maximum} 个字` : i.origin === 'array' ? `最多 ${i.maximum} 项` : `不能大于 ${i.maximum}`;
  if (i.code === 'too_small') return i.origin === 'string' ? '不能为空' : `不能小于 ${i.minimum}`;
  if (i.code === 'invalid_format') return `格式不正确（${i.message}）`;
  return `不正确（${i.message}）`;
}

/** Reads, checks and encodes one row; `rowNo` is the spreadsheet's row number. */
export function stageRow(app: AppContext, rowNo: number, cells: Cells): StagedRow {
  const errors: RowError[] = [];
  const err = (field: string, message: string) => {
    if (!errors.some((e) => e.field === field)) errors.push({ field, header: headerOf(field), message });
  };
  const input: Record<string, unknown> = {};
  const idTypeCell = cells.get('idType');
  const idType = isBlank(idTypeCell) ? 'resident_id' : (n.readCode(idTypeCell!, COLUMNS[1].options!) as { value?: string }).value ?? 'resident_id';
  for (const c of COLUMNS) {
    const v = cells.get(c.key);
    if (isBlank(v)) continue;
    const r = readCell(c, v!, idType);
    if (r.ok) input[c.key] = r.value;
    else err(c.key, r.message);
  }
  if (!input.name && !errors.some((e) => e.field === 'name')) err('name', '必填');
  if (!input.source && !errors.some((e) => e.field === 'source')) err('source', '必填');
  const location = readLocation(input, err);
  if (input.address === undefined && input.householdId === undefined && !location && !errors.some((e) => ['lon', 'lat', 'address', 'householdId'].includes(e.field))) {
    err('address', '现住址、所属户编号、经纬度至少填写一项');
  }
  const { note, lon: _lon, lat: _lat, crs: _crs, ...fields } = input;
  if (location) fields.location = location;
  const person = parsePerson(fields, err);
  if (errors.length) return { ...emptyRow(rowNo), errors };
  crossCheck(person, err);
  if (errors.length) return { ...emptyRow(rowNo), errors };
  let personal: Record<string, unknown>;
  try {
    personal = personalColumns(app, person, person.idType);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { ...emptyRow(rowNo), errors: [{ field: e.field ?? 'name', header: headerOf(e.field ?? 'name'), message: e.message }] };
  }
  const record = plainRecord(person);
  for (const k in personal) {
    const v = personal[k];
    record[k] = Buffer.isBuffer(v) ? `\\x${v.toString('hex')}` : v;
  }
  record.status = person.status;
  record.severity = person.severity ?? null;
  record.id = rowNo;
  record.household_id = person.householdId ?? null;
  record.geom = person.location ? `SRID=4326;POINT(${person.location.lon} ${person.location.lat})` : null;
  return {
    row_no: rowNo,
    errors: [],
    json: JSON.stringify(record),
    id_type: person.idType,
    id_hash: personal.id_number_hash ? (personal.id_number_hash as Buffer).toString('hex') : null,
    note: (note as string | undefined) || null,
  };
}

const SHAPE = PersonCreate.shape as Record<string, z.ZodType>;

/**
 * The API's schema of a registration (PersonCreate) applied field by field to the fields a row
 * has: the same rules and defaults, without walking the schema's fifty-odd absent keys per row.
 */
function parsePerson(fields: Record<string, unknown>, err: (f: string, m: string) => void): PersonCreate {
  const out: Record<string, unknown> = { idType: 'resident_id', status: 'watching' };
  for (const key in fields) {
    const schema = SHAPE[key];
    if (!schema) throw new Error(`no schema for the import field ${key}`);
    const r = schema.safeParse(fields[key]);
    if (r.success) out[key] = r.data;
    else err(key === 'location' ? 'lon' : key, zodMessage(r.error.issues[0]));
  }
  return out as PersonCreate;
}

const emptyRow = (rowNo: number): StagedRow => ({ row_no: rowNo, errors: [], json: null, id_type: null, id_hash: null, note: null });

function readLocation(input: Record<string, unknown>, err: (f: string, m: string) => void): { lon: number; lat: number } | undefined {
  const { lon, lat } = input as { lon?: number; lat?: number };
  if (lon === undefined && lat === undefined) return undefined;
  if (lon === undefined || lat === undefined) {
    err(lon === undefined ? 'lon' : 'lat', '经度和纬度须同时填写');
    return undefined;
  }
  if (lon < -180 || lon > 180) return void err('lon', `${lon} 不是经度（-180 至 180）`);
  if (lat < -90 || lat > 90) return void err('lat', `${lat} 不是纬度（-90 至 90）`);
  return toWgs84(lon, lat, (input.crs as 'wgs84' | 'gcj02' | 'bd09' | undefined) ?? 'wgs84');
}

/** What the ID number says against what the row says, and the status rules of a registration. */
function crossCheck(p: PersonCreate, err: (f: string, m: string) => void): void {
  if (p.idType === 'resident_id' && p.idNumber) {
    const r = parseResidentId(p.idNumber);
    if (r.ok) {
      if (p.sex && p.sex !== r.info.sex) err('sex', `与身份证号码中的性别（${r.info.sex === 'male' ? '男' : '女'}）不一致`);
      const age = ageOn(r.info.birthDate);
      if (p.age !== undefined && p.age !== age) err('age', `与身份证号码中的出生日期不一致（应为 ${age} 岁）`);
    }
  }
  if (p.status === 'confirmed' && !p.severity) err('severity', '确诊人员须填写病情程度');
  if (p.status !== 'confirmed' && p.severity) err('severity', '仅确诊人员填写病情程度');
  if (p.observationStart && p.observationEnd && p.observationEnd < p.observationStart) err('observationEnd', '早于居家观察开始时间');
}

const PLAIN_COLUMNS = Object.entries(PLAIN_FIELDS).map(([field, def]) => [field as PlainField, def.column] as const);

function plainRecord(p: PersonCreate): Record<string, unknown> {
  const out: Record<string, unknown> = { name: p.name, id_type: p.idType, address: p.address ?? null };
  for (const [field, column] of PLAIN_COLUMNS) {
    const v = p[field];
    if (v !== undefined) out[column] = v;
  }
  return out;
}
