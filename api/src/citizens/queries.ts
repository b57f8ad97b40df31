// All SQL of citizen sign-in and identity binding.
import { literal } from '../db/scope.ts';
import { sql } from '../db/sql.ts';

export const tenantByCode = (code: string) => sql`select app.tenant_by_code(${code}) as id`;

export const sendCounts = (tenantId: number, phoneHash: Buffer, ip: string | null) =>
  sql`select
        (select extract(epoch from max(created_at))::float8 from sms_codes where tenant_id = ${tenantId} and phone_hash = ${phoneHash}) as last_phone,
        (select count(*) from sms_codes where tenant_id = ${tenantId} and phone_hash = ${phoneHash} and created_at > now() - interval '1 hour') as phone_hour,
        a.sent::int as ip_hour, a.first_at as ip_first,
        (select extract(epoch from min(created_at))::float8 from sms_codes where tenant_id = ${tenantId} and phone_hash = ${phoneHash} and created_at > now() - interval '1 hour') as phone_first,
        extract(epoch from now())::float8 as now
        -- the per-address count is over every tenant (migration 0029)
        from app.sms_codes_from_address(${ip}::inet) a`;

export const insertCode = (tenantId: number, phoneHash: Buffer, codeHash: Buffer, ip: string | null, ttlSeconds: number) =>
  sql`insert into sms_codes (tenant_id, phone_hash, code_hash, ip, expires_at)
      values (${tenantId}, ${phoneHash}, ${codeHash}, ${ip}::inet, now() + make_interval(secs => ${ttlSeconds}))`;

/** The newest live code of a phone, locked so two sign-ins cannot both use it. */
export const liveCode = (tenantId: number, phoneHash: Buffer) =>
  sql`select id, code_hash, attempts from sms_codes
       where tenant_id = ${tenantId} and phone_hash = ${phoneHash} and used_at is null and expires_at > now()
       order by created_at desc limit 1
       for update`;

export const countAttempt = (tenantId: number, id: number) =>
  sql`update sms_codes set attempts = attempts + 1 where tenant_id = ${tenantId} and id = ${id}`;

export const useCode = (tenantId: number, id: number) =>
  sql`update sms_codes set used_at = now() where tenant_id = ${tenantId} and id = ${id}`;

export const citizenSignIn = (tenantId: number, phoneHash: Buffer, phoneEnc: Buffer, phoneMasked: string) =>
  sql`select * from app.citizen_sign_in(${tenantId}, ${phoneHash}, ${phoneEnc}, ${phoneMasked})`;

/** A statement for oneShot (literals inline: it runs on every citizen request, in one round trip). */
export const citizenSession = (tenantId: number, sessionId: string, idleMinutes: number) =>
  `select * from app.citizen_session(${literal(tenantId)}::int, ${literal(sessionId)}::uuid, make_interval(mins => ${literal(idleMinutes)}::int))`;

export const revokeCitizenSession = (tenantId: number, sessionId: string) =>
  sql`update citizen_sessions set revoked_at = now() where tenant_id = ${tenantId} and id = ${sessionId}::uuid`;

/** Watch-list candidates for binding: same name, ID and phone. Runs with tenant-wide scope. */
export const bindingCandidate = (tenantId: number, name: string, idHash: Buffer, phoneHash: Buffer) =>
  sql`select id, status from persons
       where tenant_id = ${tenantId} and name = ${name} and id_number_hash = ${idHash} and phone_hash = ${phoneHash}
         and status in ('watching', 'suspected', 'confirmed')`;

export const bindCitizen = (tenantId: number, citizenId: number, personId: number) =>
  sql`update citizens set person_id = ${personId}, bound_at = now() where tenant_id = ${tenantId} and id = ${citizenId}`;

export const citizenBoundTo = (tenantId: number, personId: number) =>
  sql`select id from citizens where tenant_id = ${tenantId} and person_id = ${personId}`;

export const citizenPhone = (tenantId: number, citizenId: number) =>
  sql`select phone_enc from citizens where tenant_id = ${tenantId} and id = ${citizenId}`;
