// One transaction of a bulk load by the owner. Where the owner may (migration 0028), it runs in
// replica mode: no row-by-row foreign-key checks and no per-row triggers, the statement triggers
// that keep counts and tile versions still fire, and the keys the transaction wrote are then
// checked, and their referenced rows locked, set-based, as the row-by-row checks would have done.
import type pg from 'pg';
import * as q from './queries.ts';

export class DanglingKeyError extends Error {}

export type Checked = 'households' | 'persons' | 'person_events' | 'temperature_readings' | 'health_checks';

/**
 * Every foreign key of each bulk-loaded table besides the tenant's, as (column, referenced table);
 * all are (tenant_id, column) → (tenant_id, id). A test compares this with the catalogue.
 */
export const FOREIGN_KEYS: Record<Checked, readonly (readonly [string, string])[]> = {
  households: [['grid_id', 'jurisdictions']],
  persons: [['grid_id', 'jurisdictions'], ['household_id', 'households']],
  person_events: [['person_id', 'persons']],
  temperature_readings: [['person_id', 'persons']],
  health_checks: [['person_id', 'persons'], ['recorder_user_id', 'users'], ['task_id', 'tasks'], ['photo_id', 'files'], ['citizen_id', 'citizens']],
};

export interface Bulk {
  client: pg.PoolClient;
  /** Checks the keys of `table`'s rows of the tenant with ids in `ids` (no-op outside replica mode). */
  verify(table: Checked, ids: readonly [number, number]): Promise<void>;
}

/** Whether this owner connection may skip row-by-row checks (superuser, or granted the parameter). */
export async function mayUseReplica(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ ok: boolean }>(q.replicaAllowed.toQuery());
  return rows[0].ok;
}

/**
 * Runs `fn` in one transaction that also skips the per-row grid derivation (migration 0022) and,
 * when `replica`, the per-row checks; nothing is committed unless every verified key holds.
 */
export async function bulkTransaction<T>(pool: pg.Pool, tenantId: number, replica: boolean, fn: (bulk: Bulk) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('begin');
    await client.query(q.bulkDerivation.toQuery());
    if (replica) {
      await client.query(q.replicaMode.toQuery());
      // the tenant row is locked as each row's check would have locked it
      const { rows } = await client.query(q.lockTenant(tenantId).toQuery());
      if (rows.length === 0) throw new DanglingKeyError(`tenant ${tenantId} no longer exists`);
    }
    const result = await fn({
      client,
      verify: async (table, ids) => {
        if (!replica) return;
        for (const [column, references] of FOREIGN_KEYS[table]) {
          const { rows } = await client.query<{ dangling: number }>(q.lockReferenced(tenantId, table, ids, column, references).toQuery());
          if (rows[0].dangling > 0) {
            throw new DanglingKeyError(`${rows[0].dangling} ${table}.${column} values have no row in ${references}`);
          }
        }
      },
    });
    await client.query('commit');
    return result;
  } catch (err) {
    failed = true;
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    // never reuse a connection after an error (see api/src/db/scope.ts)
    client.release(failed);
  }
}
