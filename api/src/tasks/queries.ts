// All SQL of tasks: scoped lists with KNN, assignment and completion.
import { and, sql, type Sql } from '../db/sql.ts';

// The report's columns come with the join that names the subject anyway: what was reported, for
// the worker before the visit (personal numbers only masked).
const TASK_COLUMNS = sql`t.id, t.kind, t.state, t.report_id, t.person_id, t.assignee_jurisdiction_id, aj.name as assignee_jurisdiction_name,
  t.assignee_user_id, u.display_name as assignee_name, st_x(t.geom) as lon, st_y(t.geom) as lat, t.grid_id, t.due_at, t.result,
  t.done_at, t.created_at, r.subject_name, r.address as report_address, p.name as person_name, p.address as person_address,
  r.kind as report_kind, r.subject_phone_masked, r.subject_id_masked, r.fever, r.cough, r.fatigue, r.short_breath, r.temperature,
  r.description, r.details as report_details, r.created_at as report_created_at`;

const TASK_FROM = sql`from tasks t
  left join jurisdictions aj on aj.tenant_id = t.tenant_id and aj.id = t.assignee_jurisdiction_id
  left join users u on u.tenant_id = t.tenant_id and u.id = t.assignee_user_id
  left join reports r on r.tenant_id = t.tenant_id and r.id = t.report_id
  left join persons p on p.tenant_id = t.tenant_id and p.id = t.person_id`;

export interface TaskFilter {
  kind?: string[];
  state?: string;
  mineUserId?: number;
  mineNodes?: number[];
  /** Only the tasks assigned to this user personally (whose places they see: they are sent there). */
  assignedTo?: number;
  near?: { lon: number; lat: number };
  limit: number;
  offset: number;
}

/** Tasks in scope; with `near`, nearest first by the geodesic metres shown (candidates by KNN on the GiST index). */
export function listTasks(tenantId: number, f: TaskFilter): Sql {
  const conds: Sql[] = [sql`t.tenant_id = ${tenantId}`];
  if (f.kind) conds.push(sql`t.kind = any(${f.kind})`);
  if (f.state) conds.push(sql`t.state = ${f.state}`);
  if (f.mineUserId) {
    conds.push(sql`(t.assignee_user_id = ${f.mineUserId} or (t.assignee_user_id is null and t.assignee_jurisdiction_id = any(${f.mineNodes ?? []}::bigint[])))`);
  }
  if (f.assignedTo) conds.push(sql`t.assignee_user_id = ${f.assignedTo}`);
  if (f.near) {
    const point = sql`st_setsrid(st_makepoint(${f.near.lon}, ${f.near.lat}), 4326)`;
    const where = and(conds);
    // Ordered by the geodesic metres shown, not by degrees: KNN finds the page end (offset + limit
    // nearest in degrees) and app.knn_reach the disk that holds every task nearer in metres.
    return sql`with knn as (select t.geom <-> ${point} as d from tasks t where ${where}
                             order by t.geom <-> ${point} limit ${f.offset + f.limit})
               select ${TASK_COLUMNS}, st_distance(t.geom::geography, ${point}::geography) as distance_m
                 ${TASK_FROM}
                where ${where}
                  and st_dwithin(t.geom, ${point}, (select app.knn_reach(max(d), ${f.near.lat}::float8) from knn))
                order by distance_m, t.id
                limit ${f.limit} offset ${f.offset}`;
  }
  return sql`select ${TASK_COLUMNS}, null::float8 as distance_m ${TASK_FROM}
              where ${and(conds)} order by t.created_at desc, t.id desc limit ${f.limit} offset ${f.offset}`;
}

export const taskById = (tenantId: number, id: number, forUpdate = false) =>
  sql`select ${TASK_COLUMNS}, null::float8 as distance_m ${TASK_FROM}
       where t.tenant_id = ${tenantId} and t.id = ${id} ${forUpdate ? sql`for update of t` : sql``}`;

/** Who reported and who closed a task: the names its history shows. */
export const taskPeople = (tenantId: number, id: number) =>
  sql`select ru.display_name as reporter_name, du.display_name as done_by_name
        from tasks t
        left join reports r on r.tenant_id = t.tenant_id and r.id = t.report_id
        left join users ru on ru.tenant_id = r.tenant_id and ru.id = r.reporter_user_id
        left join users du on du.tenant_id = t.tenant_id and du.id = t.done_by
       where t.tenant_id = ${tenantId} and t.id = ${id}`;

/** Locks the tasks (all must be visible) for a bulk assignment. */
export const lockTasks = (tenantId: number, ids: number[]) =>
  sql`select id, state, grid_path::text as grid_path from tasks where tenant_id = ${tenantId} and id = any(${ids}::bigint[]) for update`;

/** The nodes of a user whose subtree covers a path: the user may work a task there. */
export const userCovers = (tenantId: number, userId: number, path: string) =>
  sql`select j.id from user_scopes us join jurisdictions j on j.tenant_id = us.tenant_id and j.id = us.jurisdiction_id
        join users u on u.tenant_id = us.tenant_id and u.id = us.user_id and u.active
       where us.tenant_id = ${tenantId} and us.user_id = ${userId} and j.path @> ${path}::ltree
       order by nlevel(j.path) desc limit 1`;

export const assign = (tenantId: number, ids: number[], userId: number, jurisdictionId: number) =>
  sql`update tasks set assignee_user_id = ${userId}, assignee_jurisdiction_id = ${jurisdictionId}
       where tenant_id = ${tenantId} and id = any(${ids}::bigint[])`;

export const complete = (tenantId: number, id: number, userId: number, result: Record<string, unknown>, personId: number | null) =>
  sql`update tasks set state = 'done', done_by = ${userId}, done_at = now(), result = ${JSON.stringify(result)}::jsonb,
             person_id = coalesce(${personId}, person_id)
       where tenant_id = ${tenantId} and id = ${id}`;

/**
 * Closes a person's open referral tasks when their status answers the referral (confirmed, cured,
 * dead, released, closed), in the status change's transaction.
 */
export const closeReferralsOf = (tenantId: number, personId: number, userId: number | null, status: string) =>
  sql`update tasks set state = 'done', done_by = ${userId}, done_at = now(),
             result = jsonb_build_object('resolvedBy', 'status', 'status', ${status}::text)
       where tenant_id = ${tenantId} and person_id = ${personId} and kind = 'referral' and state = 'open'
      returning id`;
