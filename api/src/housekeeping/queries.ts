// All SQL of housekeeping (sql/migrations/0018_housekeeping.sql).
import { sql } from '../db/sql.ts';

export const purgeExpired = (liveHours: number, idempotencyDays: number, smsHours: number) =>
  sql`select * from app.purge_expired(make_interval(hours => ${liveHours}), make_interval(days => ${idempotencyDays}),
                                      make_interval(hours => ${smsHours}))`;

/** Retention of personal data after a case ended (sql/migrations/0034_anonymise_released.sql). */
export const anonymiseEnded = (tenantId: number, days: number) =>
  sql`select app.anonymise_ended(${tenantId}::int, make_interval(days => ${days})) as n`;
