// All SQL of the person register. Row-level security limits every statement to the caller's
// jurisdiction; nothing here filters by jurisdiction by hand except the explicit list filter.
import { Sql, and, join, raw, sql } from '../db/sql.ts';
import type { Status } from './status.ts';

/** Columns of a person as the API reads them (personal data only in masked form). */
export const PERSON_COLUMNS = raw(`p.id, p.name, p.id_type, p.id_number_masked, p.native_place, p.sex, p.birth_date, p.age,
  p.arrival_category, p.address, p.household_id, st_x(p.geom) as lon, st_y(p.geom) as lat, p.phone_masked,
  p.emergency_phone_masked, p.conditions, p.condition_note, p.post_release_state, p.isolation_confirmed_at,
  p.observation_start, p.observation_end, p.observation_days, p.arrived_at, p.arrival_transport, p.arrival_trip_no,
  p.wuhan_history, p.hubei_history, p.contact_with_exposed, p.wild_animal_contact, p.wet_market_visit,
  p.infection_route, p.source, p.notice_signed, p.home_guide_given, p.enterprise_managed, p.handover_person,
  p.isolation_start_evidence, p.observation_mode, p.observation_place, p.centralized_room_no, p.housing_type,
  p.co_resident_count, p.co_residents, p.inspector_attendance, p.visit_contact, p.release_notice_issued,
  p.comparison_model, p.periodic_reporting, p.status, p.severity, p.status_changed_at, p.grid_id,
  g.name as grid_name, gc.name as community_name, p.version, p.created_at, p.updated_at`);

/** A value is a parameter unless it is already SQL (a geometry expression). */
const asValue = (v: unknown): Sql => (v instanceof Sql ? v : sql`${v}`);

export const pointOf = (lon: number, lat: number) => sql`st_setsrid(st_makepoint(${lon}, ${lat}), 4326)`;

/** The grid (visible to the caller) that covers a point. */
export const gridCovering = (tenantId: number, lon: number, lat: number) =>
  sql`select id, name from jurisdictions
       where tenant_id = ${tenantId} and level = 5 and st_covers(geom, ${pointOf(lon, lat)})
       order by id limit 1`;

export const householdById = (tenantId: number, id: number) =>
  sql`select id, grid_id, address from households where tenant_id = ${tenantId} and id = ${id}`;

export const personByHash = (tenantId: number, idType: string, hash: Buffer) =>
  sql`select id from persons where tenant_id = ${tenantId} and id_type = ${idType} and id_number_hash = ${hash} and status <> 'closed'`;

export function insertPerson(tenantId: number, userId: number | null, values: Record<string, unknown>): Sql {
  const cols = Object.keys(values);
  const vals = cols.map((c) => asValue(values[c]));
  return sql`insert into persons (tenant_id, created_by, ${raw(cols.join(', '))})
             values (${tenantId}, ${userId}, ${join(vals)})
             returning id`;
}

export const personById = (tenantId: number, id: number, forUpdate = false) =>
  sql`select ${PERSON_COLUMNS} from persons p
        left join jurisdictions g on g.tenant_id = p.tenant_id and g.id = p.grid_id
        left join jurisdictions gc on gc.tenant_id = g.tenant_id and gc.id = g.parent_id
       where p.tenant_id = ${tenantId} and p.id = ${id} ${forUpdate ? raw('for update of p') : raw('')}`;

export const personSecrets = (tenantId: number, id: number) =>
  sql`select id_number_enc, phone_enc, emergency_phone_enc, address, st_x(geom) as lon, st_y(geom) as lat
        from persons where tenant_id = ${tenantId} and id = ${id}`;

export const personHashes = (tenantId: number, id: number) =>
  sql`select id_number_hash, phone_hash, emergency_phone_enc from persons where tenant_id = ${tenantId} and id = ${id}`;

export function updatePerson(tenantId: number, id: number, values: Record<string, unknown>): Sql {
  const sets = Object.entries(values).map(([c, v]) => sql`${raw(c)} = ${asValue(v)}`);
  return sql`update persons set ${join(sets)}, version = version + 1, updated_at = now()
              where tenant_id = ${tenantId} and id = ${id}
             returning version`;
}

export const setStatus = (tenantId: number, id: number, to: Status, severity: string | null, observationMode: string | null) =>
  sql`update persons set status = ${to}, severity = ${severity}, status_changed_at = now(),
             observation_mode = coalesce(${observationMode}, observation_mode), version = version + 1, updated_at = now()
       where tenant_id = ${tenantId} and id = ${id}`;

export interface EventInsert {
  tenantId: number;
  personId: number;
  kind: 'created' | 'status' | 'edit' | 'note';
  actorId: number | null;
  fromStatus?: string | null;
  toStatus?: string | null;
  fromSeverity?: string | null;
  toSeverity?: string | null;
  changes?: Record<string, unknown>;
  reason?: string | null;
}

export const insertEvent = (e: EventInsert) =>
  sql`insert into person_events (tenant_id, person_id, kind, actor_id, from_status, to_status, from_severity, to_severity, changes, reason)
      values (${e.tenantId}, ${e.personId}, ${e.kind}, ${e.actorId}, ${e.fromStatus ?? null}, ${e.toStatus ?? null},
              ${e.fromSeverity ?? null}, ${e.toSeverity ?? null}, ${JSON.stringify(e.changes ?? {})}::jsonb, ${e.reason ?? null})
      returning id, at`;

export const eventById = (tenantId: number, id: number) =>
  sql`select e.id, e.person_id, e.kind, e.at, e.actor_id, u.display_name as actor_name, e.from_status, e.to_status,
             e.from_severity, e.to_severity, e.changes, e.reason
        from person_events e
        left join users u on u.tenant_id = e.tenant_id and u.id = e.actor_id
       where e.tenant_id = ${tenantId} and e.id = ${id}`;

export const eventsOf = (tenantId: number, personId: number) =>
  sql`select e.id, e.kind, e.at, e.actor_id, u.display_name as actor_name, e.from_status, e.to_status,
             e.from_severity, e.to_severity, e.changes, e.reason
        from person_events e
        left join users u on u.tenant_id = e.tenant_id and u.id = e.actor_id
       where e.tenant_id = ${tenantId} and e.person_id = ${personId}
       order by e.at, e.id`;

export interface ListFilter {
  status?: string[];
  source?: string[];
  jurisdictionPath?: string;
  from?: string;
  to?: string;
  name?: string;
  hash?: Buffer;
  limit: number;
  offset: number;
}

/** The list's filters as conditions on persons p (the Excel export applies the same). */
export function personConditions(tenantId: number, f: Omit<ListFilter, 'limit' | 'offset'>): Sql[] {
  const conds: Sql[] = [sql`p.tenant_id = ${tenantId}`];
  if (f.status) conds.push(sql`p.status = any(${f.status})`);
  if (f.source) conds.push(sql`p.source = any(${f.source})`);
  if (f.jurisdictionPath) conds.push(sql`p.grid_path <@ ${f.jurisdictionPath}::ltree`);
  if (f.from) conds.push(sql`p.created_at >= ${f.from}::date`);
  if (f.to) conds.push(sql`p.created_at < ${f.to}::date + 1`);
  if (f.hash) conds.push(sql`(p.id_number_hash = ${f.hash} or p.phone_hash = ${f.hash})`);
  else if (f.name) conds.push(sql`p.name like ${'%' + f.name.replace(/[\\%_]/g, (m) => '\\' + m) + '%'}`);
  return conds;
}

export function listPersons(tenantId: number, f: ListFilter): Sql {
  const conds = personConditions(tenantId, f);
  return sql`select ${PERSON_COLUMNS}, count(*) over () as total
               from persons p
               left join jurisdictions g on g.tenant_id = p.tenant_id and g.id = p.grid_id
        left join jurisdictions gc on gc.tenant_id = g.tenant_id and gc.id = g.parent_id
              where ${and(conds)}
              order by p.created_at desc, p.id desc
              limit ${f.limit} offset ${f.offset}`;
}

export const jurisdictionPath = (tenantId: number, id: number) =>
  sql`select path::text as path from jurisdictions where tenant_id = ${tenantId} and id = ${id}`;

/** A person's temperature readings (自查 / 被动测量), newest first, with the staff user who recorded them. */
export const temperaturesOf = (tenantId: number, personId: number, limit: number, offset: number) =>
  sql`select t.id, t.kind, t.celsius, t.measured_by, t.recorder_id, u.display_name as recorder_name, t.taken_at, t.recorded_at,
             count(*) over () as total
        from temperature_readings t
        left join users u on u.tenant_id = t.tenant_id and u.id = t.recorder_id
       where t.tenant_id = ${tenantId} and t.person_id = ${personId}
       order by t.taken_at desc, t.id desc
       limit ${limit} offset ${offset}`;
