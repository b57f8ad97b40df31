// The person form of the phones (§5.1 in steps), described from the API's own validation schema: a
// field's type, allowed values and limits come from PersonCreate, so the form cannot drift from
// what the API accepts. Only the grouping into steps is written here.
import { z } from 'zod';
import { PersonCreate } from './schema.ts';

type Field = keyof z.input<typeof PersonCreate>;

/**
 * Set by the workflow, not typed on a phone: the source and status come from the kind of
 * registration; the decision fields (§5.1 决策信息) are reports computed from the register.
 */
export const NOT_ON_FORM = ['source', 'status', 'severity', 'comparisonModel', 'periodicReporting'] as const satisfies readonly Field[];

export const FORM_STEPS = {
  identity: ['name', 'idType', 'idNumber', 'sex', 'age', 'nativePlace', 'arrivalCategory', 'phone', 'emergencyPhone'],
  health: ['conditions', 'conditionNote', 'observationStart', 'observationEnd', 'isolationConfirmedAt', 'postReleaseState'],
  trajectory: ['arrivedAt', 'arrivalTransport', 'arrivalTripNo', 'wuhanHistory', 'hubeiHistory', 'contactWithExposed', 'wildAnimalContact', 'wetMarketVisit', 'infectionRoute'],
  management: [
    'noticeSigned', 'homeGuideGiven', 'enterpriseManaged', 'handoverPerson', 'isolationStartEvidence', 'observationMode', 'observationPlace',
    'centralizedRoomNo', 'housingType', 'coResidentCount', 'coResidents', 'inspectorAttendance', 'visitContact', 'releaseNoticeIssued',
  ],
  residence: ['address', 'location', 'householdId'],
} as const satisfies Record<string, readonly Field[]>;

export type FieldType = 'string' | 'text' | 'enum' | 'enumList' | 'boolean' | 'integer' | 'date' | 'datetime' | 'objectList' | 'location' | 'household';

export interface FormField {
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
  fields?: FormField[];
}

interface JsonSchema {
  type?: string;
  enum?: string[];
  format?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  default?: unknown;
  pattern?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** Longer than this is a text area on the phone. */
const TEXT_AREA_FROM = 100;

function describe(name: string, s: JsonSchema, required: boolean): FormField {
  const base = { name, ...(required ? { required } : {}), ...(s.default !== undefined ? { default: s.default } : {}) };
  if (name === 'location') return { ...base, type: 'location' };
  if (name === 'householdId') return { ...base, type: 'household' };
  if (s.type === 'array' && s.items?.enum) return { ...base, type: 'enumList', options: s.items.enum, maxItems: s.maxItems };
  if (s.type === 'array' && s.items?.type === 'object') {
    const req = new Set(s.items.required ?? []);
    const fields = Object.entries(s.items.properties ?? {}).map(([k, v]) => describe(k, v, req.has(k)));
    return { ...base, type: 'objectList', fields, maxItems: s.maxItems };
  }
  if (s.enum) return { ...base, type: 'enum', options: s.enum };
  if (s.type === 'boolean') return { ...base, type: 'boolean' };
  if (s.type === 'integer') return { ...base, type: 'integer', minimum: s.minimum, maximum: s.maximum };
  if (s.format === 'date') return { ...base, type: 'date' };
  if (s.format === 'date-time') return { ...base, type: 'datetime' };
  return {
    ...base,
    type: (s.maxLength ?? 0) > TEXT_AREA_FROM ? 'text' : 'string',
    maxLength: s.maxLength,
    // Only patterns a person can read off (trip numbers); dates and the like have their own type.
    ...(s.pattern && s.pattern.length < 40 ? { pattern: s.pattern } : {}),
  };
}

let cached: { steps: { id: keyof typeof FORM_STEPS; fields: FormField[] }[] } | undefined;

/** The steps with their fields, as GET /api/persons/form returns them. */
export function personForm() {
  if (cached) return cached;
  const schema = z.toJSONSchema(PersonCreate, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(schema.required ?? []);
  cached = {
    steps: (Object.entries(FORM_STEPS) as [keyof typeof FORM_STEPS, readonly string[]][]).map(([id, names]) => ({
      id,
      fields: names.map((n) => describe(n, schema.properties![n], required.has(n))),
    })),
  };
  return cached;
}
