// Rows of persons as the API shows them: camelCase, personal data masked unless the role may see it.
import { addressFor, pointFor } from '../auth/exact-location.ts';
import { PLAIN_FIELDS } from './schema.ts';
import { TRANSITIONS, type Status } from './status.ts';

export interface PersonRow {
  id: number;
  name: string;
  id_type: string;
  id_number_masked: string | null;
  sex: string | null;
  birth_date: string | null;
  age: number | null;
  address: string | null;
  household_id: number | null;
  lon: number | null;
  lat: number | null;
  phone_masked: string | null;
  emergency_phone_masked: string | null;
  observation_start: string | null;
  observation_end: string | null;
  observation_days: number | null;
  status: string;
  severity: string | null;
  status_changed_at: Date;
  grid_id: number | null;
  grid_name: string | null;
  /** The grid's parent (its community), when the caller may see it: grid names repeat across communities. */
  community_name: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

export interface EventRow {
  id: number;
  kind: string;
  at: Date;
  actor_id: number | null;
  actor_name: string | null;
  from_status: string | null;
  to_status: string | null;
  from_severity: string | null;
  to_severity: string | null;
  changes: Record<string, unknown>;
  reason: string | null;
  [column: string]: unknown;
}

const address = (row: PersonRow, exact: boolean) => addressFor(exact, row.address);

export function toPersonSummary(row: PersonRow, reveal: boolean) {
  return {
    id: row.id,
    name: row.name,
    sex: row.sex,
    age: row.age,
    idType: row.id_type,
    idNumber: row.id_number_masked,
    phone: row.phone_masked,
    address: address(row, reveal),
    status: row.status,
    severity: row.severity,
    source: row.source as string,
    observationMode: (row.observation_mode as string | null) ?? null,
    observationStart: row.observation_start,
    observationEnd: row.observation_end,
    grid: row.grid_id == null ? null : { id: row.grid_id, name: row.grid_name, communityName: row.community_name },
    statusChangedAt: row.status_changed_at,
    createdAt: row.created_at,
  };
}

/** The observation window the jobs apply (checks/queries.ts observationWindowOf). */
export interface ObservationWindowRow {
  start: string;
  end: string;
  start_default: boolean;
  end_default: boolean;
  default_days: number;
}

/**
 * The effective observation period: the person's own dates, or those the check and release jobs
 * count — from the day of registration, for the tenant's observation days. `end` is exclusive, as
 * the jobs take it; `startDefault`/`endDefault` say which dates were counted rather than recorded.
 */
export const toObservationPeriod = (w: ObservationWindowRow | null) =>
  w && { start: w.start, end: w.end, startDefault: w.start_default, endDefault: w.end_default, defaultDays: w.default_days };

export function toPersonDetail(row: PersonRow, events: EventRow[], reveal: boolean, period: ObservationWindowRow | null = null) {
  const plain: Record<string, unknown> = {};
  for (const [field, def] of Object.entries(PLAIN_FIELDS)) plain[field] = row[def.column] ?? null;
  return {
    ...plain,
    id: row.id,
    idNumber: row.id_number_masked,
    phone: row.phone_masked,
    emergencyPhone: row.emergency_phone_masked,
    address: address(row, reveal),
    birthDate: row.birth_date,
    householdId: row.household_id,
    location: pointFor(reveal, row),
    observationDays: row.observation_days,
    observationPeriod: toObservationPeriod(period),
    status: row.status,
    severity: row.severity,
    statusChangedAt: row.status_changed_at,
    grid: row.grid_id == null ? null : { id: row.grid_id, name: row.grid_name, communityName: row.community_name },
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    masked: !reveal,
    /** Where the status machine lets this person go next (a phone offers just these). */
    transitions: TRANSITIONS[row.status as Status] ?? [],
    events: events.map(toEvent),
  };
}

export function toEvent(e: EventRow) {
  return {
    id: e.id,
    kind: e.kind,
    at: e.at,
    actor: e.actor_id == null ? null : { id: e.actor_id, name: e.actor_name },
    fromStatus: e.from_status,
    toStatus: e.to_status,
    fromSeverity: e.from_severity,
    toSeverity: e.to_severity,
    changes: e.changes,
    reason: e.reason,
  };
}

export interface TemperatureRow {
  id: number;
  kind: 'self' | 'measured';
  celsius: number;
  measured_by: string | null;
  recorder_id: number | null;
  recorder_name: string | null;
  taken_at: Date;
  recorded_at: Date;
}

export function toTemperature(r: TemperatureRow) {
  return {
    id: r.id,
    kind: r.kind,
    celsius: r.celsius,
    measuredBy: r.measured_by,
    recorder: r.recorder_id == null ? null : { id: r.recorder_id, name: r.recorder_name },
    takenAt: r.taken_at,
    recordedAt: r.recorded_at,
  };
}
