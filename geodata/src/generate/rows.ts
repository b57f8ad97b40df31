// Table columns and COPY lines for generated records; personal numbers are stored only encrypted.
import { maskIdNumber, maskPhone, type PiiCipher } from '../../../api/src/crypto/pii.ts';
import { copyLine, jsonText, textArray } from './copy.ts';
import { pointEwkbHex } from './geometry.ts';
import type { HouseholdRecord } from './households.ts';
import type { PersonRecord } from './persons.ts';
import type { EventRecord, TemperatureRecord } from './timeline.ts';

export const HOUSEHOLD_COLUMNS = ['id', 'tenant_id', 'geom', 'address', 'building', 'unit', 'room', 'created_at', 'updated_at'];

/** One households row with its reserved id (grid_id and grid_path are derived on the way in). */
export function householdLine(tenantId: number, id: number, h: HouseholdRecord): string {
  return copyLine([id, tenantId, pointEwkbHex(h.point), h.address, h.building, h.unit, h.room, h.createdAt, h.createdAt]);
}

/**
 * Lookup-hash inputs exactly as the API computes them (api/src/persons/service.ts), so search and
 * duplicate detection find generated persons: `<id_type>:<ID upper-cased>` and `phone:<number>`.
 */
export const idNumberHashInput = (id: string) => `resident_id:${id.toUpperCase()}`;
export const phoneHashInput = (phone: string) => `phone:${phone}`;

export const PERSON_COLUMNS = [
  'id', 'tenant_id', 'name', 'id_type', 'id_number_enc', 'id_number_hash', 'id_number_masked', 'native_place', 'sex',
  'birth_date', 'age', 'arrival_category', 'address', 'household_id', 'geom', 'phone_enc', 'phone_hash', 'phone_masked',
  'emergency_phone_enc', 'emergency_phone_masked', 'conditions', 'condition_note', 'post_release_state',
  'isolation_confirmed_at', 'observation_start', 'observation_end', 'arrived_at', 'arrival_transport', 'arrival_trip_no',
  'wuhan_history', 'hubei_history', 'contact_with_exposed', 'wild_animal_contact', 'wet_market_visit', 'infection_route',
  'source', 'notice_signed', 'home_guide_given', 'enterprise_managed', 'handover_person', 'isolation_start_evidence',
  'observation_mode', 'observation_place', 'centralized_room_no', 'housing_type', 'co_resident_count', 'co_residents',
  'inspector_attendance', 'visit_contact', 'release_notice_issued', 'status', 'severity', 'status_changed_at',
  'created_at', 'updated_at',
];

/** One persons row with its reserved id; `householdId` is the reserved id of p.household. */
export function personLine(tenantId: number, id: number, p: PersonRecord, householdId: number, cipher: PiiCipher): string {
  return copyLine([
    id, tenantId, p.name, 'resident_id', cipher.encrypt(p.idNumber), cipher.lookupHash(idNumberHashInput(p.idNumber)), maskIdNumber(p.idNumber),
    p.nativePlace, p.sex, p.birthDate, p.age, p.arrivalCategory, p.address, householdId, pointEwkbHex(p.point),
    cipher.encrypt(p.phone), cipher.lookupHash(phoneHashInput(p.phone)), maskPhone(p.phone),
    cipher.encrypt(p.emergencyPhone), maskPhone(p.emergencyPhone), textArray(p.conditions), p.conditionNote,
    p.postReleaseState, p.isolationConfirmedAt, p.observationStart, p.observationEnd, p.arrivedAt, p.arrivalTransport,
    p.arrivalTripNo, p.wuhanHistory, p.hubeiHistory, p.contactWithExposed, p.wildAnimalContact, p.wetMarketVisit,
    p.infectionRoute, p.source, p.noticeSigned, p.homeGuideGiven, p.enterpriseManaged, p.handoverPerson,
    p.isolationStartEvidence, p.observationMode, p.observationPlace, p.centralizedRoomNo, p.housingType,
    p.coResidentCount, jsonText(p.coResidents), jsonText(p.inspectorAttendance), p.visitContact, p.releaseNoticeIssued,
    p.status, p.severity, p.statusChangedAt, p.createdAt, p.statusChangedAt,
  ]);
}

export const EVENT_COLUMNS = ['tenant_id', 'person_id', 'kind', 'at', 'from_status', 'to_status', 'from_severity', 'to_severity', 'reason'];

export function eventLine(tenantId: number, personId: number, e: EventRecord): string {
  return copyLine([tenantId, personId, e.kind, e.at, e.fromStatus, e.toStatus, e.fromSeverity, e.toSeverity, e.reason]);
}

export const TEMPERATURE_COLUMNS = ['tenant_id', 'person_id', 'kind', 'celsius', 'measured_by', 'taken_at', 'recorded_at'];

export function temperatureLine(tenantId: number, personId: number, t: TemperatureRecord): string {
  return copyLine([tenantId, personId, t.kind, t.celsius.toFixed(1), t.measuredBy, t.takenAt, t.recordedAt]);
}
