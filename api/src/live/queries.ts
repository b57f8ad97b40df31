// All SQL of the live stream; row-level security limits events to the caller's grids.
import { sql } from '../db/sql.ts';

/** Events after `afterId`, oldest first, no older than the replay window. */
export const since = (tenantId: number, afterId: number, limit: number) =>
  sql`select id, type, grid_path::text as grid_path, payload, created_at
        from live_events
       where tenant_id = ${tenantId} and id > ${afterId} and created_at > now() - interval '1 day'
       order by id
       limit ${limit}`;

/** The latest `limit` events of the replay window, newest first: what a feed shows when it opens. */
export const recent = (tenantId: number, limit: number) =>
  sql`select id, type, grid_path::text as grid_path, payload, created_at
        from live_events
       where tenant_id = ${tenantId} and created_at > now() - interval '1 day'
       order by id desc
       limit ${limit}`;

export const latestId = (tenantId: number) =>
  sql`select coalesce(max(id), 0) as id from live_events where tenant_id = ${tenantId}`;

/**
 * Rows between the stream's starting cursor and its current one that were not sent yet: identity
 * values are taken at insert, not at commit, so a transaction that commits late can land below
 * ids already streamed.
 */
export const lateArrivals = (tenantId: number, aboveId: number, atOrBelowId: number, sentIds: number[], limit: number) =>
  sql`select id, type, grid_path::text as grid_path, payload, created_at
        from live_events
       where tenant_id = ${tenantId} and id > ${aboveId} and id <= ${atOrBelowId}
         and created_at > now() - interval '2 minutes'
         and id <> all(${sentIds}::bigint[])
       order by id
       limit ${limit}`;
