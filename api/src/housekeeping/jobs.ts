// Hourly purge of rows that only matter for a while. Deleting is idempotent, so several API
// instances may run it at once without harm.
import type { AppContext } from '../context.ts';
import { auditTx } from '../audit/audit.ts';
import { withoutCaller } from '../db/scope.ts';
import * as q from './queries.ts';

/**
 * How long rows are kept. Live events: twice the one-day replay window of GET /api/live.
 * Idempotency keys: a week, longer than a phone plausibly stays offline with a queued submission
 * (a retry after that is a new submission). SMS codes: a day, beyond the hourly and daily rate
 * limits that count them.
 */
export const RETENTION = { liveHours: 48, idempotencyDays: 7, smsHours: 24 } as const;

export interface Purged {
  live_events: number;
  idempotency_keys: number;
  sms_codes: number;
}

export async function purgeExpired(app: AppContext): Promise<Purged> {
  const row = await withoutCaller(app.db.pool, (tx) =>
    tx.one<Record<keyof Purged, string>>(q.purgeExpired(RETENTION.liveHours, RETENTION.idempotencyDays, RETENTION.smsHours)),
  );
  return { live_events: Number(row!.live_events), idempotency_keys: Number(row!.idempotency_keys), sms_codes: Number(row!.sms_codes) };
}

// Scheduled, recorded and run on demand through api/src/jobs (registry.ts).

/**
 * Removes the personal data of the tenant's persons whose case ended (released, or closed as a
 * mistaken report) more than ANONYMISE_AFTER_DAYS ago, keeping what the statistics count; the run
 * and its count are audited in the same transaction.
 */
export async function anonymiseEnded(app: AppContext, tenantId: number): Promise<number> {
  return withoutCaller(app.db.pool, async (tx) => {
    const n = (await tx.one<{ n: number }>(q.anonymiseEnded(tenantId, app.config.anonymiseAfterDays)))!.n;
    if (n > 0) await auditTx(tx, { tenantId, userId: null, action: 'retention.anonymise', objectType: 'person', result: 'ok', detail: { persons: n, afterDays: app.config.anonymiseAfterDays } });
    return n;
  });
}
