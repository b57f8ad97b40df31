// All SQL of case reports and their dispatch.
import { and, sql, type Sql } from '../db/sql.ts';

export interface ReportInsert {
  tenantId: number;
  kind: string;
  citizenId: number | null;
  userId: number | null;
  subjectName: string;
  phoneEnc: Buffer | null;
  phoneHash: Buffer | null;
  phoneMasked: string | null;
  idEnc?: Buffer | null;
  idHash?: Buffer | null;
  idMasked?: string | null;
  fever?: boolean;
  cough?: boolean;
  fatigue?: boolean;
  shortBreath?: boolean;
  temperature?: number | null;
  description?: string | null;
  lon: number;
  lat: number;
  address: string;
  details?: Record<string, unknown>;
  state?: string;
  personId?: number | null;
  deviceTime?: string | null;
}

export const insertReport = (r: ReportInsert) =>
  sql`insert into reports (tenant_id, kind, reporter_citizen_id, reporter_user_id, subject_name, subject_phone_enc, subject_phone_hash,
        subject_phone_masked, subject_id_enc, subject_id_hash, subject_id_masked, fever, cough, fatigue, short_breath, temperature,
        description, geom, address, details, state, person_id, device_time)
      values (${r.tenantId}, ${r.kind}, ${r.citizenId}, ${r.userId}, ${r.subjectName}, ${r.phoneEnc}, ${r.phoneHash}, ${r.phoneMasked},
        ${r.idEnc ?? null}, ${r.idHash ?? null}, ${r.idMasked ?? null}, ${r.fever ?? false}, ${r.cough ?? false}, ${r.fatigue ?? false},
        ${r.shortBreath ?? false}, ${r.temperature ?? null}, ${r.description ?? null},
        st_setsrid(st_makepoint(${r.lon}, ${r.lat}), 4326), ${r.address}, ${JSON.stringify(r.details ?? {})}::jsonb,
        ${r.state ?? 'open'}, ${r.personId ?? null}, ${r.deviceTime ?? null})
      returning id, grid_id`;

/**
 * Who verifies a report: the grid worker of the report's grid with the fewest open tasks, or,
 * for a grid without a worker, its community.
 */
export const dispatchTarget = (tenantId: number, reportId: number) =>
  sql`select r.grid_id, g.parent_id as community_id,
             (select us.user_id
                from user_scopes us
                join user_positions up on up.tenant_id = us.tenant_id and up.user_id = us.user_id
                join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
                join roles ro on ro.tenant_id = pr.tenant_id and ro.id = pr.role_id and ro.code = 'grid_worker'
                join users u on u.tenant_id = us.tenant_id and u.id = us.user_id and u.active
               where us.tenant_id = r.tenant_id and us.jurisdiction_id = r.grid_id
               order by (select count(*) from tasks t where t.tenant_id = us.tenant_id and t.assignee_user_id = us.user_id and t.state = 'open'),
                        us.user_id
               limit 1) as worker_id
        from reports r join jurisdictions g on g.tenant_id = r.tenant_id and g.id = r.grid_id
       where r.tenant_id = ${tenantId} and r.id = ${reportId}`;

export const insertVerificationTask = (tenantId: number, reportId: number, jurisdictionId: number, userId: number | null) =>
  sql`insert into tasks (tenant_id, kind, report_id, assignee_jurisdiction_id, assignee_user_id, geom, dedupe_key)
      select ${tenantId}, 'verification', r.id, ${jurisdictionId}, ${userId}, r.geom, 'verify:' || r.id
        from reports r where r.tenant_id = ${tenantId} and r.id = ${reportId}
      returning id`;

const REPORT_COLUMNS = sql`r.id, r.kind, r.subject_name, r.subject_phone_masked, r.subject_id_masked, r.fever, r.cough, r.fatigue,
  r.short_breath, r.temperature, r.description, r.address, st_x(r.geom) as lon, st_y(r.geom) as lat, r.details, r.grid_id,
  g.name as grid_name, r.state, r.person_id, r.device_time, r.created_at,
  (select json_build_object('id', t.id, 'state', t.state, 'assigneeUserId', t.assignee_user_id, 'assigneeJurisdictionId', t.assignee_jurisdiction_id)
     from tasks t where t.tenant_id = r.tenant_id and t.report_id = r.id and t.kind = 'verification' limit 1) as task`;

export function listReports(tenantId: number, f: { kind?: string; state?: string; from?: string; to?: string; citizenId?: number; limit: number; offset: number }): Sql {
  const conds: Sql[] = [sql`r.tenant_id = ${tenantId}`];
  if (f.citizenId) conds.push(sql`r.reporter_citizen_id = ${f.citizenId}`);
  if (f.kind) conds.push(sql`r.kind = ${f.kind}`);
  if (f.state) conds.push(sql`r.state = ${f.state}`);
  if (f.from) conds.push(sql`r.created_at >= ${f.from}::date`);
  if (f.to) conds.push(sql`r.created_at < ${f.to}::date + 1`);
  return sql`select ${REPORT_COLUMNS}, count(*) over () as total
               from reports r left join jurisdictions g on g.tenant_id = r.tenant_id and g.id = r.grid_id
              where ${and(conds)}
              order by r.created_at desc, r.id desc limit ${f.limit} offset ${f.offset}`;
}

export const reportById = (tenantId: number, id: number) =>
  sql`select ${REPORT_COLUMNS}, r.subject_phone_enc, r.subject_id_enc
        from reports r left join jurisdictions g on g.tenant_id = r.tenant_id and g.id = r.grid_id
       where r.tenant_id = ${tenantId} and r.id = ${id}`;

export const reportSecrets = (tenantId: number, id: number) =>
  sql`select subject_phone_enc, subject_id_enc from reports where tenant_id = ${tenantId} and id = ${id}`;

export const setReportState = (tenantId: number, id: number, state: string, personId: number | null) =>
  sql`update reports set state = ${state}, person_id = coalesce(${personId}, person_id) where tenant_id = ${tenantId} and id = ${id}`;

export const tenantSettings = (tenantId: number) => sql`select settings from tenants where id = ${tenantId}`;

export const setEnterpriseOptions = (tenantId: number, options: unknown) =>
  sql`select app.set_tenant_setting(${tenantId}, 'enterprise', ${JSON.stringify(options)}::jsonb)`;

export const notify = (payload: Record<string, unknown>) => sql`select pg_notify('gec_events', ${JSON.stringify(payload)})`;
