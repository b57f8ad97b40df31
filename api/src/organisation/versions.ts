// Versions of the organisation's records (migration 0044): every edit takes the next one, and an
// edit that names the version its author read is refused (409 stale_version) when someone changed
// the record meanwhile. Naming it is optional here (the console always does; scripts may not).
import type { Tx } from '../db/scope.ts';
import { checkVersion } from '../http/precondition.ts';
import * as q from './queries.ts';

/** Takes the record's next version inside the edit's transaction (its row stays locked until the commit). */
export async function takeVersion(tx: Tx, table: q.Versioned, tenantId: number, id: number, expected: number | undefined, what: string): Promise<number> {
  const row = await tx.one<{ version: number }>(q.claimVersion(table, tenantId, id, expected));
  if (row) return row.version;
  const now = await tx.one<{ version: number }>(q.versionOf(table, tenantId, id));
  checkVersion(what, now?.version ?? 0, expected ?? 0);
  return now!.version;
}
