// The person a report describes, as the defaults of the register form a worker fills in on the
// visit: name, phone, ID number, enterprise details, place and reported symptoms. The worker's
// values win field by field. A reported temperature stays in the note: it was said, not measured.
import type { AppContext } from '../context.ts';
import { isMobilePhone } from '../persons/idnumber.ts';
import type { PersonCreate } from '../persons/schema.ts';

export interface ReportRow {
  kind: string;
  subject_name: string;
  subject_phone_enc: Buffer | null;
  subject_id_enc: Buffer | null;
  fever: boolean;
  cough: boolean;
  fatigue: boolean;
  short_breath: boolean;
  temperature: number | null;
  description: string | null;
  address: string | null;
  lon: number;
  lat: number;
  details: Record<string, unknown>;
}

type PersonForm = Partial<Omit<PersonCreate, 'source' | 'status' | 'severity'>>;

const SYMPTOMS = [
  ['fever', '发热', 'fever'],
  ['cough', '咳嗽', 'cough'],
  ['fatigue', '乏力', 'other'],
  ['short_breath', '气促', 'other'],
] as const;

const NOTE_MAX = 500;

/** Conditions (person.conditions) and a summary of what was reported (person.conditionNote). */
export function reportedCondition(r: Pick<ReportRow, 'fever' | 'cough' | 'fatigue' | 'short_breath' | 'temperature' | 'description'>) {
  const reported = SYMPTOMS.filter(([col]) => r[col]);
  const conditions = [...new Set(reported.map(([, , condition]) => condition))];
  const parts: string[] = [];
  if (reported.length) parts.push(`上报症状：${reported.map(([, label]) => label).join('、')}`);
  if (r.temperature != null) parts.push(`上报体温 ${Number(r.temperature).toFixed(1)}℃（自述，非测量）`);
  if (r.description) parts.push(`描述：${r.description}`);
  const note = parts.join('；');
  return {
    conditions: conditions.length ? conditions : undefined,
    conditionNote: note ? (note.length > NOTE_MAX ? `${note.slice(0, NOTE_MAX - 1)}…` : note) : undefined,
  };
}

const dropUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The report's person merged with the worker's form (the form wins wherever it says something). */
export function personFromReport(app: AppContext, report: ReportRow, form: PersonForm = {}): PersonForm {
  const given = dropUndefined(form);
  const phone = report.subject_phone_enc ? app.cipher.decrypt(report.subject_phone_enc) : undefined;
  const idNumber = report.subject_id_enc ? app.cipher.decrypt(report.subject_id_enc) : undefined;
  const d = report.details ?? {};
  const defaults: PersonForm = {
    name: report.subject_name,
    idType: 'resident_id',
    phone: phone && isMobilePhone(phone) ? phone : undefined,
    address: report.address ?? undefined,
    location: { lon: report.lon, lat: report.lat },
    ...reportedCondition(report),
  };
  // The report's ID number is a resident ID; it (and the sex it encodes) only applies when the
  // worker neither types another ID nor another ID type.
  const ownId = idNumber && (given.idType ?? 'resident_id') === 'resident_id' && (given.idNumber === undefined || given.idNumber.toUpperCase() === idNumber);
  if (ownId) {
    defaults.idNumber = idNumber;
    if (d.sex === 'male' || d.sex === 'female') defaults.sex = d.sex;
  }
  if (typeof d.nativePlace === 'string' && d.nativePlace.length <= 50) defaults.nativePlace = d.nativePlace;
  if (typeof d.hubeiHistory === 'boolean') defaults.hubeiHistory = d.hubeiHistory;
  return { ...dropUndefined(defaults), ...given };
}
