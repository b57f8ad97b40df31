// All SQL of checks, self-reports, rules, alerts, photos, release and the check jobs. Row-level
// security limits every statement to the caller (or, for jobs, to the tenant).
import { and, raw, sql, type Sql } from '../db/sql.ts';

const point = (lon: number, lat: number) => sql`st_setsrid(st_makepoint(${lon}, ${lat}), 4326)`;

// The observation window of person p under rules r, as local dates: [start, end). A person without
// dates of their own is observed from the day of registration for the tenant's observation_days.
const OBS_START = raw(`coalesce(p.observation_start, (p.created_at at time zone r.timezone)::date)`);
const OBS_END = raw(`coalesce(p.observation_end, coalesce(p.observation_start, (p.created_at at time zone r.timezone)::date) + r.observation_days)`);
const localDay = (now: Date | string) => sql`(${now}::timestamptz at time zone r.timezone)::date`;

/**
 * A person's observation window as the jobs count it (OBS_START, OBS_END: end exclusive), and which
 * of its dates are the person's own rather than counted from registration and the tenant's days.
 */
export const observationWindowOf = (tenantId: number, personId: number) =>
  sql`select ${OBS_START} as start, ${OBS_END} as "end", p.observation_start is null as start_default,
             p.observation_end is null as end_default, r.observation_days as default_days
        from persons p join check_rules r on r.tenant_id = p.tenant_id
       where p.tenant_id = ${tenantId} and p.id = ${personId}`;

// ---- rules

export const ensureRules = (tenantId: number) =>
  sql`insert into check_rules (tenant_id) values (${tenantId}) on conflict (tenant_id) do nothing`;

export const rulesOf = (tenantId: number) =>
  sql`select statuses, array(select to_char(x, 'HH24:MI') from unnest(check_times) x) as check_times, observation_days,
             fever_threshold, self_report_overdue_hours, referral_due_hours, timezone, updated_at
        from check_rules where tenant_id = ${tenantId}`;

export interface RulesUpdate {
  statuses: string[];
  checkTimes: string[];
  observationDays: number;
  feverThreshold: number;
  selfReportOverdueHours: number;
  timezone: string;
}

export const updateRules = (tenantId: number, userId: number, r: RulesUpdate) =>
  sql`update check_rules set statuses = ${r.statuses}::text[], check_times = ${[...r.checkTimes].sort()}::time[],
             observation_days = ${r.observationDays}, fever_threshold = ${r.feverThreshold},
             self_report_overdue_hours = ${r.selfReportOverdueHours}, timezone = ${r.timezone},
             updated_by = ${userId}, updated_at = now()
       where tenant_id = ${tenantId}`;

export interface OverdueReleaseUpdate {
  selfReportOverdueHours: number;
  referralDueHours: number;
  observationDays: number;
}

export const updateOverdueRelease = (tenantId: number, userId: number, o: OverdueReleaseUpdate) =>
  sql`update check_rules set self_report_overdue_hours = ${o.selfReportOverdueHours}, referral_due_hours = ${o.referralDueHours},
             observation_days = ${o.observationDays}, updated_by = ${userId}, updated_at = now()
       where tenant_id = ${tenantId}`;

export const timeZoneKnown = (tz: string) => sql`select exists (select 1 from pg_timezone_names where name = ${tz}) as ok`;

// ---- persons and tasks touched by checks

export const personForCheck = (tenantId: number, personId: number) =>
  sql`select id, status, grid_id from persons where tenant_id = ${tenantId} and id = ${personId}`;

export const taskForUpdate = (tenantId: number, taskId: number) =>
  sql`select id, kind, state, person_id from tasks where tenant_id = ${tenantId} and id = ${taskId} for update`;

export const completeTask = (tenantId: number, taskId: number, userId: number, checkId: number) =>
  sql`update tasks set state = 'done', done_by = ${userId}, done_at = now(), result = jsonb_build_object('checkId', ${checkId}::bigint)
       where tenant_id = ${tenantId} and id = ${taskId}`;

export const openReferral = (tenantId: number, personId: number) =>
  sql`select id from tasks where tenant_id = ${tenantId} and person_id = ${personId} and kind = 'referral' and state = 'open' limit 1`;

/**
 * A referral task at the person's point, for their community (the parent of their grid), due in the
 * tenant's referral hours. `cause` names what referred them (a check's id, or `verification:<task id>`):
 * the dedupe key makes one task per cause.
 */
export const insertReferral = (tenantId: number, personId: number, cause: string) =>
  sql`insert into tasks (tenant_id, kind, person_id, assignee_jurisdiction_id, geom, dedupe_key, due_at)
      select p.tenant_id, 'referral', p.id, g.parent_id, p.geom, 'referral:' || p.id || ':' || ${cause}::text,
             now() + make_interval(hours => coalesce(r.referral_due_hours, 2))
        from persons p join jurisdictions g on g.tenant_id = p.tenant_id and g.id = p.grid_id
        left join check_rules r on r.tenant_id = p.tenant_id
       where p.tenant_id = ${tenantId} and p.id = ${personId} and p.geom is not null and g.parent_id is not null
      returning id`;

/** Cancels the open check and overdue tasks of a person who left observation (release). */
export const cancelOpenTasksOf = (tenantId: number, personId: number, reason: string) =>
  sql`update tasks set state = 'cancelled', done_at = now(), result = jsonb_build_object('cancelled', ${reason}::text)
       where tenant_id = ${tenantId} and person_id = ${personId} and kind in ('check', 'self_report_overdue') and state = 'open'`;

// ---- checks and self-reports

export interface CheckInsert {
  tenantId: number;
  personId: number;
  kind: 'doctor' | 'self';
  fever: boolean;
  cough: boolean;
  fatigue: boolean;
  shortBreath: boolean;
  temperature: number;
  abnormal: boolean;
  photoId: number | null;
  description: string | null;
  location: { lon: number; lat: number } | null;
  addressDetail: string | null;
  taskId: number | null;
  recorderUserId: number | null;
  citizenId: number | null;
  deviceTime: string | null;
}

const checkInsert = (c: CheckInsert) =>
  sql`insert into health_checks (tenant_id, person_id, kind, fever, cough, fatigue, short_breath, temperature, abnormal, photo_id,
                                 description, geom, address_detail, task_id, recorder_user_id, citizen_id, device_time)
      values (${c.tenantId}::int, ${c.personId}::bigint, ${c.kind}::text, ${c.fever}::boolean, ${c.cough}::boolean, ${c.fatigue}::boolean,
              ${c.shortBreath}::boolean, ${c.temperature}::numeric, ${c.abnormal}::boolean, ${c.photoId}::bigint, ${c.description}::text,
              ${c.location ? point(c.location.lon, c.location.lat) : sql`null::geometry`}, ${c.addressDetail}::text, ${c.taskId}::bigint,
              ${c.recorderUserId}::bigint, ${c.citizenId}::bigint, ${c.deviceTime}::timestamptz)`;

export const insertCheck = (c: CheckInsert) => sql`${checkInsert(c)} returning id`;

/**
 * A resident's self-report in one call of app.record_self_report (sql/functions/checks.sql): it reads
 * the person's status and the tenant's fever threshold, and only while the person is under
 * observation (status not in `notObserved`) and the tenant has its rules row writes the check
 * (abnormal when a symptom is reported or the temperature, in tenths of a degree, reaches the
 * threshold — as rules.ts's abnormalities() says), the reading joining their temperature history,
 * and their open overdue-self-report task settled. Returns status and threshold, and the check as
 * checkById does (nulls when nothing was written).
 */
export const recordSelfReport = (c: Omit<CheckInsert, 'abnormal'>, symptoms: boolean, tenths: number, notObserved: string[]) =>
  sql`select * from app.record_self_report(${c.tenantId}::int, ${c.personId}::bigint, ${c.citizenId}::bigint,
        ${c.fever}::boolean, ${c.cough}::boolean, ${c.fatigue}::boolean, ${c.shortBreath}::boolean, ${c.temperature}::numeric,
        ${symptoms}::boolean, ${tenths}::int, ${c.description}::text, ${c.location?.lon ?? null}::float8, ${c.location?.lat ?? null}::float8,
        ${c.addressDetail}::text, ${c.deviceTime}::timestamptz, ${notObserved}::text[])`;

/** The temperature also joins the person's temperature history (自查 / 被动测量). */
export const insertReading = (tenantId: number, personId: number, kind: 'self' | 'measured', celsius: number, measuredBy: string, recorderId: number | null, takenAt: string | null) =>
  sql`insert into temperature_readings (tenant_id, person_id, kind, celsius, measured_by, recorder_id, taken_at)
      values (${tenantId}::int, ${personId}::bigint, ${kind}::text, ${celsius}::numeric, ${measuredBy}::text, ${recorderId}::bigint,
              coalesce(${takenAt}::timestamptz, now()))`;

const CHECK_COLUMNS = raw(`h.id, h.person_id, h.kind, h.fever, h.cough, h.fatigue, h.short_breath, h.temperature, h.abnormal,
  h.photo_id, h.description, st_x(h.geom) as lon, st_y(h.geom) as lat, h.address_detail, h.task_id, h.recorder_user_id,
  h.citizen_id, h.device_time, h.created_at`);

export const checkById = (tenantId: number, id: number) =>
  sql`select ${CHECK_COLUMNS}, p.name as person_name, u.display_name as recorder_name
        from health_checks h
        left join persons p on p.tenant_id = h.tenant_id and p.id = h.person_id
        left join users u on u.tenant_id = h.tenant_id and u.id = h.recorder_user_id
       where h.tenant_id = ${tenantId} and h.id = ${id}`;

export interface CheckFilter {
  personId?: number;
  /** Only the checks this staff user recorded. */
  recorderUserId?: number;
  kind?: string;
  from?: string;
  to?: string;
  abnormal?: boolean;
  timezone: string;
  limit: number;
  offset: number;
}

export function listChecks(tenantId: number, f: CheckFilter): Sql {
  const conds: Sql[] = [sql`h.tenant_id = ${tenantId}`];
  if (f.personId) conds.push(sql`h.person_id = ${f.personId}`);
  if (f.recorderUserId) conds.push(sql`h.recorder_user_id = ${f.recorderUserId}`);
  if (f.kind) conds.push(sql`h.kind = ${f.kind}`);
  if (f.from) conds.push(sql`h.created_at >= ${f.from}::date::timestamp at time zone ${f.timezone}`);
  if (f.to) conds.push(sql`h.created_at < (${f.to}::date + 1)::timestamp at time zone ${f.timezone}`);
  if (f.abnormal !== undefined) conds.push(sql`h.abnormal = ${f.abnormal}`);
  return sql`select ${CHECK_COLUMNS}, p.name as person_name, u.display_name as recorder_name, count(*) over () as total
               from health_checks h
               left join persons p on p.tenant_id = h.tenant_id and p.id = h.person_id
               left join users u on u.tenant_id = h.tenant_id and u.id = h.recorder_user_id
              where ${and(conds)}
              order by h.created_at desc, h.id desc
              limit ${f.limit} offset ${f.offset}`;
}

/** A citizen's own self-reports (the policy shows them only their own; the filter says so too). */
export const selfReportsOf = (tenantId: number, citizenId: number, limit: number, offset: number) =>
  sql`select ${CHECK_COLUMNS}, count(*) over () as total from health_checks h
       where h.tenant_id = ${tenantId} and h.kind = 'self' and h.citizen_id = ${citizenId}
       order by h.created_at desc, h.id desc limit ${limit} offset ${offset}`;

// ---- alerts

/** Records the alert and announces it on gec_events (delivered when the transaction commits). */
export const insertAlert = (tenantId: number, personId: number, detail: Record<string, unknown>) =>
  sql`with a as (insert into alerts (tenant_id, person_id, kind, detail)
                 values (${tenantId}, ${personId}, 'abnormal_reading', ${JSON.stringify(detail)}::jsonb) returning id, person_id)
      select a.id, pg_notify('gec_events', json_build_object('tenantId', ${tenantId}::int, 'type', 'alert', 'alertId', a.id,
                                                              'personId', a.person_id, 'gridPath', p.grid_path::text)::text) is null as sent
        from a join persons p on p.tenant_id = ${tenantId} and p.id = a.person_id`;

export const notifyReleased = (tenantId: number, personId: number) =>
  sql`select pg_notify('gec_events', json_build_object('tenantId', ${tenantId}::int, 'type', 'released', 'personId', p.id,
                                                       'gridPath', p.grid_path::text)::text) is null as sent
        from persons p where p.tenant_id = ${tenantId} and p.id = ${personId}`;

export const listAlerts = (tenantId: number, openOnly: boolean, limit: number, offset: number) =>
  sql`select a.id, a.person_id, p.name as person_name, p.status as person_status, a.kind, a.detail, a.created_at,
             a.acknowledged_at, a.acknowledged_by, g.name as grid_name, gc.name as community_name, count(*) over () as total
        from alerts a join persons p on p.tenant_id = a.tenant_id and p.id = a.person_id
        left join jurisdictions g on g.tenant_id = p.tenant_id and g.id = p.grid_id
        left join jurisdictions gc on gc.tenant_id = g.tenant_id and gc.id = g.parent_id
       where a.tenant_id = ${tenantId} ${openOnly ? raw('and a.acknowledged_at is null') : raw('')}
       order by a.created_at desc, a.id desc limit ${limit} offset ${offset}`;

export const acknowledgeAlert = (tenantId: number, id: number, userId: number) =>
  sql`update alerts set acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, ${userId})
       where tenant_id = ${tenantId} and id = ${id}
      returning id, person_id, acknowledged_at, acknowledged_by`;

// ---- photos

export const insertFile = (tenantId: number, personId: number, sha256: string, mime: string, size: number, key: string, userId: number) =>
  sql`insert into files (tenant_id, person_id, sha256, mime, size, storage_key, created_by)
      values (${tenantId}, ${personId}, ${sha256}, ${mime}, ${size}, ${key}, ${userId})
      returning id, person_id, sha256, mime, size, created_at`;

export const fileById = (tenantId: number, id: number) =>
  sql`select id, person_id, sha256, mime, size, storage_key, created_at from files where tenant_id = ${tenantId} and id = ${id}`;

// ---- nearby tasks

/**
 * Open tasks of a kind nearest first by the geodesic metres shown: KNN (its order alone in the
 * inner query, see stats/queries.ts nearbyTasks) finds the limit-th nearest in degrees, and
 * app.knn_reach the disk that holds every task nearer in metres.
 */
export const nearbyTasks = (tenantId: number, kind: string, lon: number, lat: number, limit: number) =>
  sql`with knn as (select k.geom <-> ${point(lon, lat)} as d from tasks k
                    where k.tenant_id = ${tenantId} and k.kind = ${kind} and k.state = 'open'
                    order by k.geom <-> ${point(lon, lat)}
                    limit ${limit})
      select t.id, t.kind, t.person_id, p.name as person_name, t.grid_id, g.name as grid_name, t.due_at,
             st_x(t.geom) as lon, st_y(t.geom) as lat, st_distance(t.geom::geography, ${point(lon, lat)}::geography) as distance_m
        from tasks t
        left join persons p on p.tenant_id = t.tenant_id and p.id = t.person_id
        left join jurisdictions g on g.tenant_id = t.tenant_id and g.id = t.grid_id
       where t.tenant_id = ${tenantId} and t.kind = ${kind} and t.state = 'open'
         and st_dwithin(t.geom, ${point(lon, lat)}, (select app.knn_reach(max(d), ${lat}::float8) from knn))
       order by distance_m, t.due_at, t.id
       limit ${limit}`;

// ---- release

/** Persons under observation whose window has ended, with no abnormal reading since it began. */
export function releaseCandidates(tenantId: number, now: Date, opts: { personId?: number; limit: number; offset: number }): Sql {
  return sql`select p.id, p.name, p.status, p.grid_id, g.name as grid_name, ${OBS_START} as observation_start, ${OBS_END} as observation_end,
                    ${localDay(now)} as today, count(*) over () as total,
                    (select h.id from health_checks h
                      where h.tenant_id = p.tenant_id and h.person_id = p.id and h.abnormal
                        and h.created_at >= ${OBS_START}::timestamp at time zone r.timezone
                      order by h.created_at limit 1) as abnormal_check_id
               from persons p
               join check_rules r on r.tenant_id = p.tenant_id
               left join jurisdictions g on g.tenant_id = p.tenant_id and g.id = p.grid_id
              where p.tenant_id = ${tenantId}
                and ${opts.personId ? sql`p.id = ${opts.personId}` : sql`p.status = 'watching' and ${OBS_END} <= ${localDay(now)}
                and not exists (select 1 from health_checks h
                                 where h.tenant_id = p.tenant_id and h.person_id = p.id and h.abnormal
                                   and h.created_at >= ${OBS_START}::timestamp at time zone r.timezone)`}
              order by ${OBS_END}, p.id
              limit ${opts.limit} offset ${opts.offset}`;
}

export const issueReleaseNotice = (tenantId: number, personId: number) =>
  sql`update persons set release_notice_issued = true where tenant_id = ${tenantId} and id = ${personId}`;

// ---- jobs

export const tenantIds = () => sql`select app.tenant_ids() as id`;

/** One job per tenant at a time across all API instances; released when the transaction ends. */
export const tryJobLock = (job: number, tenantId: number) => sql`select pg_try_advisory_xact_lock(${job}::int, ${tenantId}::int) as locked`;

/**
 * Where the job reads the rules from: the tenant's row, or (for a preview) a rule set not saved
 * yet, as a one-row relation of the same columns. Either way it is `r`.
 */
export type RulesSource = Sql;
export const SAVED_RULES: RulesSource = raw('check_rules r');

export interface PreviewRules {
  statuses: string[];
  checkTimes: string[];
  observationDays: number;
  timezone: string;
}

export const givenRules = (tenantId: number, g: PreviewRules): RulesSource =>
  sql`(select ${tenantId}::int as tenant_id, ${g.statuses}::text[] as statuses, ${[...g.checkTimes].sort()}::time[] as check_times,
              ${g.observationDays}::int as observation_days, ${g.timezone}::text as timezone) r`;

/**
 * Today's check tasks (one per slot) under the rules: persons of the checked statuses inside their
 * window. `made`: whether a run makes the slot now — a slot whose time has passed is made only if
 * it is the day's last (a job that ran late, a first start in the evening or a person registered in
 * the afternoon gives each person one check to do today, not every slot of the day already overdue).
 */
const checkTaskSlots = (rules: RulesSource, tenantId: number, now: Date) =>
  sql`select p.tenant_id, 'check' as kind, p.id as person_id, g.parent_id as assignee_jurisdiction_id, p.geom,
             'check:' || p.id || ':' || to_char(d.day, 'YYYY-MM-DD') || ':' || s.n as dedupe_key,
             (d.day + s.t) at time zone r.timezone as due_at,
             (d.day + s.t) at time zone r.timezone > ${now}::timestamptz or s.t = (select max(x) from unnest(r.check_times) x) as made
        from ${rules}
        cross join lateral (select ${localDay(now)} as day) d
        join persons p on p.tenant_id = r.tenant_id and p.status = any(r.statuses)
        join jurisdictions g on g.tenant_id = p.tenant_id and g.id = p.grid_id
        cross join unnest(r.check_times) with ordinality as s (t, n)
       where r.tenant_id = ${tenantId} and p.geom is not null and g.parent_id is not null
         and d.day >= ${OBS_START} and d.day < ${OBS_END}`;

/** Creates today's check tasks from the saved rules; the dedupe key makes a later run create nothing twice. */
export const generateCheckTasks = (tenantId: number, now: Date) =>
  sql`insert into tasks (tenant_id, kind, person_id, assignee_jurisdiction_id, geom, dedupe_key, due_at)
      select tenant_id, kind, person_id, assignee_jurisdiction_id, geom, dedupe_key, due_at
        from (${checkTaskSlots(SAVED_RULES, tenantId, now)}) c
       where c.made
      on conflict (tenant_id, dedupe_key) where dedupe_key is not null do nothing
      returning id`;

/** Open check tasks of persons no longer checked under the rules (status changed, or due after their window). */
const STALE_CHECK_TASK = (tenantId: number) =>
  sql`t.tenant_id = ${tenantId} and t.kind = 'check' and t.state = 'open'
      and r.tenant_id = t.tenant_id and p.tenant_id = t.tenant_id and p.id = t.person_id
      and (p.status <> all(r.statuses) or (t.due_at at time zone r.timezone)::date >= ${OBS_END})`;

export const cancelStaleCheckTasks = (tenantId: number) =>
  sql`update tasks t set state = 'cancelled', done_at = now(), result = jsonb_build_object('cancelled', 'not under observation')
        from persons p, ${SAVED_RULES}
       where ${STALE_CHECK_TASK(tenantId)}
      returning t.id`;

/**
 * What the check-task job would do now under the given rules, without writing: the slots of today,
 * the ones not created yet (what a run would insert), their persons, and the open tasks a run
 * would cancel. The same slot and staleness queries as the job.
 */
export const previewCheckTasks = (tenantId: number, rules: RulesSource, now: Date) =>
  sql`select (select ${localDay(now)} from ${rules}) as day,
             count(*)::int as slots_today,
             count(distinct c.person_id)::int as persons,
             (count(*) filter (where c.made and not exists (select 1 from tasks t where t.tenant_id = c.tenant_id and t.dedupe_key = c.dedupe_key)))::int as would_create,
             (select count(*)::int from tasks t, persons p, ${rules} where ${STALE_CHECK_TASK(tenantId)}) as would_cancel
        from (${checkTaskSlots(rules, tenantId, now)}) c`;

/**
 * A task for the grid worker when a bound resident has sent no self-report within the window
 * (counted from their last report, their binding or the start of observation, whichever is last);
 * at most one open such task per person and one per day.
 */
export const flagOverdueSelfReports = (tenantId: number, now: Date) =>
  sql`insert into tasks (tenant_id, kind, person_id, assignee_jurisdiction_id, geom, dedupe_key, due_at)
      select p.tenant_id, 'self_report_overdue', p.id, p.grid_id, p.geom,
             'self_report_overdue:' || p.id || ':' || to_char(d.day, 'YYYY-MM-DD'), ${now}::timestamptz
        from check_rules r
        cross join lateral (select ${localDay(now)} as day) d
        join persons p on p.tenant_id = r.tenant_id and p.status = any(r.statuses)
        join citizens c on c.tenant_id = p.tenant_id and c.person_id = p.id
        cross join lateral (select max(h.created_at) as at from health_checks h
                             where h.tenant_id = p.tenant_id and h.person_id = p.id and h.kind = 'self') last
       where r.tenant_id = ${tenantId} and p.geom is not null and p.grid_id is not null
         and d.day >= ${OBS_START} and d.day < ${OBS_END}
         and greatest(last.at, c.bound_at, ${OBS_START}::timestamp at time zone r.timezone)
             < ${now}::timestamptz - make_interval(hours => r.self_report_overdue_hours)
         and not exists (select 1 from tasks o where o.tenant_id = p.tenant_id and o.person_id = p.id
                                                 and o.kind = 'self_report_overdue' and o.state = 'open')
      on conflict (tenant_id, dedupe_key) where dedupe_key is not null do nothing
      returning id`;
