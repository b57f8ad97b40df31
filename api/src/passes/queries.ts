// All SQL of electronic passes: signing keys, passes, the holder's current status and scans.
// Checkpoint registrations reuse the person register's queries (../persons/queries.ts).
import { sql } from '../db/sql.ts';

// ── signing keys ────────────────────────────────────────────────────────────────────────────
/** Keys that verify tokens: the active one and those retired less than `graceSeconds` ago. */
export const verifyingKeys = (tenantId: number, graceSeconds: number) =>
  sql`select kid, public_jwk from tenant_keys
       where tenant_id = ${tenantId} and (retired_at is null or retired_at > now() - make_interval(secs => ${graceSeconds}))
       order by created_at desc`;

export const activeKey = (tenantId: number) =>
  sql`select kid, private_key_enc from tenant_keys where tenant_id = ${tenantId} and retired_at is null`;

/** Inserts a new active key unless another request made one first. */
export const insertKey = (tenantId: number, kid: string, publicJwk: object, privateKeyEnc: Buffer) =>
  sql`insert into tenant_keys (tenant_id, kid, public_jwk, private_key_enc)
      values (${tenantId}, ${kid}, ${JSON.stringify(publicJwk)}::jsonb, ${privateKeyEnc})
      on conflict (tenant_id) where retired_at is null do nothing`;

// ── passes ──────────────────────────────────────────────────────────────────────────────────
/**
 * What decides a pass request, in one read (system work across the tenant: a holder may be
 * registered anywhere in the city):
 * - the registered person holding the ID number (`id`, `status`), and whether the requesting
 *   citizen is that person: the name as registered, and the citizen's phone the person's phone or
 *   bound to the person (`is_requester`);
 * - `phone_persons`: how many registered persons this phone belongs to (their phone, or the
 *   identity binding) — such a phone gets a pass only for one of them;
 * - `held_by_other`: another citizen holds a live pass on this ID number.
 */
export const passClaim = (tenantId: number, idHash: Buffer, citizenId: number, name: string) =>
  sql`select h.id, h.status, h.id is not null and h.name = ${name} and (h.phone_hash = c.phone_hash or c.person_id = h.id) as is_requester,
             (select count(*)::int from persons o
               where o.tenant_id = c.tenant_id and o.status <> 'closed' and (o.phone_hash = c.phone_hash or o.id = c.person_id)) as phone_persons,
             exists (select 1 from passes s where s.tenant_id = c.tenant_id and s.id_number_hash = ${idHash}
                        and s.citizen_id <> c.id and s.revoked_at is null) as held_by_other
        from citizens c
        left join lateral (
          select p.id, p.status, p.name, p.phone_hash from persons p
           where p.tenant_id = c.tenant_id and p.id_type = 'resident_id' and p.id_number_hash = ${idHash} and p.status <> 'closed'
           order by p.status_changed_at desc limit 1) h on true
       where c.tenant_id = ${tenantId} and c.id = ${citizenId}`;

/** Attempts at a pass throttled like sign-ins (migration 0030's table): per citizen and per ID number. */
export const passAttemptBlocked = (keys: string[]) => sql`select app.login_blocked(${keys}::text[]) as s`;

export const passAttemptFailed = (keys: string[], limits: number[]) =>
  sql`select app.login_failed(${keys}::text[], ${limits}::int[], interval '1 hour', interval '1 hour') as s`;

export const holderPerson = (tenantId: number, idHash: Buffer) =>
  sql`select id, status from persons
       where tenant_id = ${tenantId} and id_type = 'resident_id' and id_number_hash = ${idHash} and status <> 'closed'
       order by status_changed_at desc limit 1`;

export const revokeCitizenPasses = (tenantId: number, citizenId: number, reason: string) =>
  sql`update passes set revoked_at = now(), revoked_reason = ${reason}
       where tenant_id = ${tenantId} and citizen_id = ${citizenId} and revoked_at is null`;

export const insertPass = (tenantId: number, citizenId: number, p: { name: string; enc: Buffer; hash: Buffer; masked: string }) =>
  sql`insert into passes (tenant_id, citizen_id, holder_name, id_number_enc, id_number_hash, id_masked)
      values (${tenantId}, ${citizenId}, ${p.name}, ${p.enc}, ${p.hash}, ${p.masked})
      returning id, holder_name, id_masked, issued_at`;

/** The citizen's newest pass, live or not. */
export const latestPassOf = (tenantId: number, citizenId: number) =>
  sql`select id, holder_name, id_masked, id_number_hash, issued_at, revoked_at, revoked_reason from passes
       where tenant_id = ${tenantId} and citizen_id = ${citizenId}
       order by issued_at desc, id desc limit 1`;

/** A pass with what a checkpoint registration needs about its holder (phone from the citizen account). */
export const passWithHolder = (tenantId: number, passId: number) =>
  sql`select p.id, p.holder_name, p.id_number_enc, p.id_number_hash, p.id_masked, p.revoked_at, p.revoked_reason,
             c.phone_enc, c.phone_hash, c.phone_masked
        from passes p
        join citizens c on c.tenant_id = p.tenant_id and c.id = p.citizen_id
       where p.tenant_id = ${tenantId} and p.id = ${passId}`;

export const revokePass = (tenantId: number, passId: number, reason: string) =>
  sql`update passes set revoked_at = now(), revoked_reason = ${reason}
       where tenant_id = ${tenantId} and id = ${passId} and revoked_at is null`;

// ── scans and checkpoint registrations ──────────────────────────────────────────────────────

export interface ReportInsert {
  tenantId: number;
  userId: number;
  subjectName: string;
  subject?: { idEnc: Buffer; idHash: Buffer; idMasked: string; phoneEnc: Buffer; phoneHash: Buffer; phoneMasked: string };
  temperature: number;
  description: string;
  lon: number;
  lat: number;
  place: string;
  details: Record<string, unknown>;
  state: 'registered' | 'open';
  personId: number | null;
  deviceTime: string | null;
}

export const insertReport = (r: ReportInsert) =>
  sql`insert into reports (tenant_id, kind, reporter_user_id, subject_name, subject_id_enc, subject_id_hash, subject_id_masked,
                           subject_phone_enc, subject_phone_hash, subject_phone_masked, fever, temperature, description,
                           geom, address, details, state, person_id, device_time)
      values (${r.tenantId}, 'checkpoint', ${r.userId}, ${r.subjectName}, ${r.subject?.idEnc ?? null}, ${r.subject?.idHash ?? null},
              ${r.subject?.idMasked ?? null}, ${r.subject?.phoneEnc ?? null}, ${r.subject?.phoneHash ?? null},
              ${r.subject?.phoneMasked ?? null}, true, ${r.temperature}, ${r.description},
              st_setsrid(st_makepoint(${r.lon}, ${r.lat}), 4326), ${r.place}, ${JSON.stringify(r.details)}::jsonb,
              ${r.state}, ${r.personId}, ${r.deviceTime}::timestamptz)
      returning id`;

export interface ScanInsert {
  tenantId: number;
  passId: number | null;
  place: string;
  location: { lon: number; lat: number } | null;
  temperature: number;
  result: 'allowed' | 'refused';
  reason: string | null;
  reportId: number | null;
  userId: number;
  scopePath: string;
  deviceTime: string | null;
}

export const insertScan = (s: ScanInsert) =>
  sql`insert into pass_scans (tenant_id, pass_id, place, geom, temperature, result, reason, report_id, scanned_by, scope_path, device_time)
      values (${s.tenantId}, ${s.passId}, ${s.place},
              ${s.location ? sql`st_setsrid(st_makepoint(${s.location.lon}, ${s.location.lat}), 4326)` : null},
              ${s.temperature}, ${s.result}, ${s.reason}, ${s.reportId}, ${s.userId}, ${s.scopePath}::ltree, ${s.deviceTime}::timestamptz)
      returning id, created_at, device_time`;

/** Revokes every live pass of an ID number (its holder went back onto the watch list). */
export const revokePassesOf = (tenantId: number, idHash: Buffer, reason: string) =>
  sql`update passes set revoked_at = now(), revoked_reason = ${reason}
       where tenant_id = ${tenantId} and id_number_hash = ${idHash} and revoked_at is null`;

/** From the threshold's refusal within an hour, an alert for the person's community (once an hour). */
export const passMismatchAlert = (tenantId: number, personId: number, threshold: number) =>
  sql`select app.pass_mismatch_alert(${tenantId}::int, ${personId}::bigint, ${threshold}::int) as id`;
