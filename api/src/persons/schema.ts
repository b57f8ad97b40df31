// The person register's API shapes (requirements §5.1): one field table drives the create and
// patch schemas and the column mapping, so a field is declared once.
import { said, z } from '../http/zod.ts';
import { Location } from '../geo/point.ts';
import { normalizeContactPhone, normalizeMobilePhone } from './idnumber.ts';
import { SEVERITIES, STATUSES } from './status.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const date = z.iso.date();
const dateTime = z.iso.datetime({ offset: true });
export const SOURCES = ['cdc', 'self_declared', 'three_person_team', 'grid_survey', 'checkpoint', 'citizen_report',
  'close_contact', 'enterprise', 'doctor_survey', 'other'] as const;
export const CONDITIONS = ['none', 'fever', 'cough', 'vomiting', 'diarrhoea', 'rash', 'headache', 'other'] as const;

/** Plain fields: API name → column and validator. Personal-data and location fields are handled apart. */
export const PLAIN_FIELDS = {
  // 1 identity
  name: { column: 'name', schema: text(50) },
  idType: { column: 'id_type', schema: z.enum(['resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'other']) },
  nativePlace: { column: 'native_place', schema: text(50) },
  sex: { column: 'sex', schema: z.enum(['male', 'female']) },
  age: { column: 'age', schema: z.number().int().min(0).max(130) },
  arrivalCategory: { column: 'arrival_category', schema: z.enum(['resident', 'new_arrival', 'returning_worker']) },
  // 2 health
  conditions: { column: 'conditions', schema: z.array(z.enum(CONDITIONS)).max(8) },
  conditionNote: { column: 'condition_note', schema: text(500) },
  postReleaseState: { column: 'post_release_state', schema: z.enum(['centralized_treatment', 'free']) },
  isolationConfirmedAt: { column: 'isolation_confirmed_at', schema: dateTime },
  observationStart: { column: 'observation_start', schema: date },
  observationEnd: { column: 'observation_end', schema: date },
  // 3 trajectory
  arrivedAt: { column: 'arrived_at', schema: date },
  arrivalTransport: { column: 'arrival_transport', schema: z.enum(['plane', 'train', 'coach', 'car', 'ship', 'other']) },
  arrivalTripNo: { column: 'arrival_trip_no', schema: z.string().trim().regex(/^[A-Za-z0-9]{2,10}$/, 'flight or train number like G1234 or CZ3456') },
  wuhanHistory: { column: 'wuhan_history', schema: z.boolean() },
  hubeiHistory: { column: 'hubei_history', schema: z.boolean() },
  contactWithExposed: { column: 'contact_with_exposed', schema: z.boolean() },
  wildAnimalContact: { column: 'wild_animal_contact', schema: z.boolean() },
  wetMarketVisit: { column: 'wet_market_visit', schema: z.boolean() },
  infectionRoute: { column: 'infection_route', schema: z.enum(['imported', 'local_contact', 'cluster', 'unknown']) },
  // 4 management
  source: { column: 'source', schema: z.enum(SOURCES) },
  noticeSigned: { column: 'notice_signed', schema: z.boolean() },
  homeGuideGiven: { column: 'home_guide_given', schema: z.boolean() },
  enterpriseManaged: { column: 'enterprise_managed', schema: z.boolean() },
  handoverPerson: { column: 'handover_person', schema: text(50) },
  isolationStartEvidence: { column: 'isolation_start_evidence', schema: text(200) },
  observationMode: { column: 'observation_mode', schema: z.enum(['home', 'centralized']) },
  observationPlace: { column: 'observation_place', schema: text(200) },
  centralizedRoomNo: { column: 'centralized_room_no', schema: text(20) },
  housingType: { column: 'housing_type', schema: z.enum(['owned', 'rented', 'dormitory', 'hotel', 'other']) },
  coResidentCount: { column: 'co_resident_count', schema: z.number().int().min(0).max(50) },
  coResidents: {
    column: 'co_residents',
    schema: z.array(z.strictObject({ name: text(50), relation: text(20) })).max(50),
  },
  inspectorAttendance: {
    column: 'inspector_attendance',
    schema: z.array(z.strictObject({ name: text(50), at: dateTime, note: text(200).optional() })).max(200),
  },
  visitContact: { column: 'visit_contact', schema: text(50) },
  releaseNoticeIssued: { column: 'release_notice_issued', schema: z.boolean() },
  // 5 decision
  comparisonModel: { column: 'comparison_model', schema: z.record(z.string().max(50), z.unknown()) },
  periodicReporting: { column: 'periodic_reporting', schema: z.record(z.string().max(50), z.unknown()) },
} as const;

export type PlainField = keyof typeof PLAIN_FIELDS;
export const JSON_COLUMNS = new Set(['co_residents', 'inspector_attendance', 'comparison_model', 'periodic_reporting']);

type PlainShape = { [K in PlainField]: (typeof PLAIN_FIELDS)[K]['schema'] };
const plainShape = Object.fromEntries(Object.entries(PLAIN_FIELDS).map(([k, v]) => [k, v.schema])) as PlainShape;


/** A mobile number in the body of any route: spaces, hyphens and +86/0086 removed before the service checks it. */
export const MobilePhoneInput = z.string().transform(normalizeMobilePhone);

const personal = {
  idNumber: z.string().trim().min(5).max(30),
  phone: MobilePhoneInput,
  emergencyPhone: z.string().transform(normalizeContactPhone)
    .pipe(z.string().regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, said('must be a mobile number or a landline like 027-88886666', '须为手机号或固定电话，如 027-88886666'))),
  address: text(200),
};

const optionalPlain = Object.fromEntries(Object.entries(plainShape).map(([k, s]) => [k, (s as z.ZodType).optional()])) as {
  [K in PlainField]: z.ZodOptional<PlainShape[K]>;
};

export const PersonCreate = z
  .strictObject({
    ...optionalPlain,
    name: plainShape.name,
    source: plainShape.source,
    idType: plainShape.idType.default('resident_id'),
    idNumber: personal.idNumber.optional(),
    phone: personal.phone.optional(),
    emergencyPhone: personal.emergencyPhone.optional(),
    address: personal.address.optional(),
    householdId: z.number().int().positive().optional(),
    location: Location.optional(),
    status: z.enum(['watching', 'suspected', 'confirmed']).default('watching'),
    severity: z.enum(SEVERITIES).optional(),
  })
  .openapi('PersonCreate');
export type PersonCreate = z.infer<typeof PersonCreate>;

/** A person form being filled in (POST /api/persons/validate): what a registration takes, the name not yet required. */
export const PersonDraft = PersonCreate.omit({ source: true, status: true, severity: true }).partial({ name: true }).openapi('PersonDraft');
export type PersonDraft = z.infer<typeof PersonDraft>;

/** The version the client read; required here or as If-Match (428 without, 409 when stale). */
export const versionField = z
  .number()
  .int()
  .positive()
  .optional()
  .openapi({ description: 'The person\'s version as last read (or send If-Match with the read\'s ETag); 428 without either, 409 stale_version when the person changed meanwhile' });

export const PersonPatch = z
  .strictObject({
    ...optionalPlain,
    idNumber: personal.idNumber.optional(),
    phone: personal.phone.optional(),
    emergencyPhone: personal.emergencyPhone.optional(),
    address: personal.address.optional(),
    householdId: z.number().int().positive().optional(),
    location: Location.optional(),
    version: versionField,
    reason: text(500).optional(),
  })
  .openapi('PersonPatch');
export type PersonPatch = z.infer<typeof PersonPatch>;

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1));

export const PersonListQuery = z
  .strictObject({
    status: csv(STATUSES).optional().openapi({ description: 'Comma-separated statuses' }),
    source: csv(SOURCES).optional(),
    jurisdictionId: z.coerce.number().int().positive().optional(),
    from: date.optional().openapi({ description: 'Registered on or after (YYYY-MM-DD)' }),
    to: date.optional().openapi({ description: 'Registered on or before (YYYY-MM-DD)' }),
    q: z.string().trim().min(1).max(50).optional().openapi({ description: 'Name, or a full ID number or phone' }),
    page: z.coerce.number().int().min(1).max(100000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(20),
  })
  .openapi('PersonListQuery');
export type PersonListQuery = z.infer<typeof PersonListQuery>;

export const StatusChange = z
  .strictObject({
    to: z.enum(STATUSES),
    severity: z.enum(SEVERITIES).optional(),
    reason: text(500),
    observationMode: z.enum(['home', 'centralized']).optional(),
    version: versionField,
  })
  .openapi('StatusChange');
export type StatusChange = z.infer<typeof StatusChange>;

export const REVEALABLE = ['idNumber', 'phone', 'emergencyPhone', 'address', 'location'] as const;
export const RevealRequest = z
  .strictObject({ fields: z.array(z.enum(REVEALABLE)).min(1).max(5), reason: text(200) })
  .openapi('RevealRequest');

export const NoteCreate = z
  .strictObject({ text: z.string().trim().min(1).max(1000).openapi({ description: 'What happened (后续行为动态记录), 1-1000 characters' }) })
  .openapi('NoteCreate');

export const TemperatureListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
