// All SQL of the auth feature; the functions called here are in sql/functions/auth.sql.
import { literal } from '../db/scope.ts';
import { sql } from '../db/sql.ts';

export const loginCandidates = (username: string, tenantCode: string | null) =>
  sql`select * from app.login_candidates(${username}, ${tenantCode})`;

/** Seconds until no key blocks a sign-in (migration 0030). */
export const loginBlocked = (keys: string[]) => sql`select app.login_blocked(${keys}::text[]) as s`;

/** Counts a failure under each key (limits in the same order) over a window of `minutes`, blocking as long. */
export const loginFailed = (keys: string[], limits: number[], minutes: number) =>
  sql`select app.login_failed(${keys}::text[], ${limits}::int[], make_interval(mins => ${minutes}), make_interval(mins => ${minutes})) as s`;

export const loginSucceeded = (key: string) => sql`select app.login_succeeded(${key})`;

export const loginUnblock = (username: string) => sql`select app.login_unblock(${username})`;

export const openSession = (tenantId: number, userId: number, ip: string | null, agent: string | null) =>
  sql`select app.open_session(${tenantId}, ${userId}, ${ip}::inet, ${agent}) as id`;

/** A statement for oneShot (literals inline: it runs on every request, in one round trip). */
export const sessionPrincipal = (tenantId: number, sessionId: string, idleMinutes: number) =>
  `select * from app.session_principal(${literal(tenantId)}::int, ${literal(sessionId)}::uuid, make_interval(mins => ${literal(idleMinutes)}::int))`;

export const revokeSession = (tenantId: number, sessionId: string) =>
  sql`select app.revoke_session(${tenantId}, ${sessionId}::uuid)`;

export const passwordHashOf = (tenantId: number, userId: number) =>
  sql`select password_hash from users where tenant_id = ${tenantId} and id = ${userId}`;

export const setPassword = (tenantId: number, userId: number, hash: string) =>
  sql`update users set password_hash = ${hash}, password_changed_at = now(), must_change_password = false where tenant_id = ${tenantId} and id = ${userId}`;

export const revokeOtherSessions = (tenantId: number, userId: number, keep: string) =>
  sql`update sessions set revoked_at = now()
       where tenant_id = ${tenantId} and user_id = ${userId} and id <> ${keep}::uuid and revoked_at is null`;

export const totpState = (tenantId: number, userId: number) => sql`select * from app.totp_state(${tenantId}, ${userId})`;

export const totpSetPending = (tenantId: number, userId: number, enc: Buffer) => sql`select app.totp_set_pending(${tenantId}, ${userId}, ${enc})`;

/** Accepts a code's time step once; with `confirm` the pending secret becomes the user's factor. */
export const totpUseStep = (tenantId: number, userId: number, step: number, confirm: boolean) =>
  sql`select app.totp_use_step(${tenantId}, ${userId}, ${step}, ${confirm}) as ok`;

export const totpClear = (tenantId: number, userId: number) => sql`select app.totp_clear(${tenantId}, ${userId})`;

export const sessionStepUp = (tenantId: number, sessionId: string) => sql`select app.session_step_up(${tenantId}, ${sessionId}::uuid) as at`;
