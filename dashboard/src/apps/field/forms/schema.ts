// The person form as the server describes it (GET /api/persons/form: the §5.1 fields in steps, with
// their types and allowed values, derived from the API's own validation schema), kept on the phone
// for offline use, and the server's check of a draft as the worker types (POST /api/persons/validate).
import { api, ApiError, NetworkError } from '@shared/api/client';
import { cacheGet, cachePut } from '../offline/db';

export type FieldType = 'string' | 'text' | 'enum' | 'enumList' | 'boolean' | 'integer' | 'date' | 'datetime' | 'objectList' | 'location' | 'household';

export interface FieldSpec {
  name: string;
  type: FieldType;
  required?: boolean;
  options?: string[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  default?: unknown;
  pattern?: string;
  /** objectList: the fields of one row */
  fields?: FieldSpec[];
}

export interface FormStep {
  id: 'identity' | 'health' | 'trajectory' | 'management' | 'residence';
  fields: FieldSpec[];
}

export interface PersonFormSpec {
  steps: FormStep[];
}

export async function loadPersonForm(userId: number): Promise<PersonFormSpec> {
  try {
    const spec = await api.get<PersonFormSpec>('/api/persons/form');
    void cachePut(userId, 'person-form', spec);
    return spec;
  } catch (err) {
    const cached = await cacheGet<PersonFormSpec>(userId, 'person-form');
    if (cached) return cached.value;
    throw err;
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The server's verdict on a draft (nothing is written): null when it would be accepted, the first
 * problem with the field it names otherwise, 'offline' when the server cannot be asked.
 */
export async function validateDraft(person: Record<string, unknown>): Promise<FieldError | null | 'offline'> {
  try {
    await api.post('/api/persons/validate', person);
    return null;
  } catch (err) {
    if (err instanceof NetworkError) return 'offline';
    if (err instanceof ApiError) return { field: (err.field ?? 'body').replace(/^(body\.|person\.)/, ''), message: err.message };
    throw err;
  }
}

/** A draft without the fields left empty (the API refuses empty strings and takes missing as "not recorded"). */
export function compact(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      const rows = v
        .map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? compact(x as Record<string, unknown>) : x))
        .filter((x) => !(x && typeof x === 'object' && Object.keys(x).length === 0));
      if (rows.length) out[k] = rows;
      continue;
    }
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}
