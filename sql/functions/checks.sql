-- A resident's self-report, the statement every resident under observation sends every day. It is
-- a function so that each connection plans it once: sent as a statement with its values, planning
-- it cost more than running it (0.9 of 1.4 ms, pg_stat_statements during bench/load.ts).
-- Security invoker: the caller's row-level security applies as to the statement it replaces.
create or replace function app.record_self_report(
  p_tenant integer, p_person bigint, p_citizen bigint,
  p_fever boolean, p_cough boolean, p_fatigue boolean, p_short_breath boolean, p_temperature numeric,
  p_symptoms boolean, p_tenths integer, p_description text, p_lon float8, p_lat float8,
  p_address_detail text, p_device_time timestamptz, p_not_observed text[])
returns table (status text, fever_threshold numeric, id bigint, person_id bigint, kind text, fever boolean,
               cough boolean, fatigue boolean, short_breath boolean, temperature numeric, abnormal boolean,
               photo_id bigint, description text, lon float8, lat float8, address_detail text, task_id bigint,
               recorder_user_id bigint, citizen_id bigint, device_time timestamptz, created_at timestamptz,
               person_name text, recorder_name text)
language plpgsql volatile as $$
#variable_conflict use_column
begin
  return query
  with x as (select p.status, r.fever_threshold
               from persons p left join check_rules r on r.tenant_id = p.tenant_id
              where p.tenant_id = p_tenant and p.id = p_person),
       h as (insert into health_checks (tenant_id, person_id, kind, fever, cough, fatigue, short_breath, temperature,
                                        abnormal, description, geom, address_detail, citizen_id, device_time)
             select p_tenant, p_person, 'self', p_fever, p_cough, p_fatigue, p_short_breath, p_temperature,
                    p_symptoms or p_tenths >= round(x.fever_threshold * 10), p_description,
                    case when p_lon is null then null else st_setsrid(st_makepoint(p_lon, p_lat), 4326) end,
                    p_address_detail, p_citizen, p_device_time
               from x where x.status <> all(p_not_observed) and x.fever_threshold is not null
             returning *),
       t as (insert into temperature_readings (tenant_id, person_id, kind, celsius, measured_by, recorder_id, taken_at)
             select p_tenant, p_person, 'self', p_temperature, '本人', null, coalesce(p_device_time, now())
              where exists (select 1 from h)),
       s as (update tasks k set state = 'done', done_at = now(),
                    result = jsonb_build_object('resolvedBy', 'self_report', 'checkId', (select h.id from h))
              where k.tenant_id = p_tenant and k.person_id = p_person and k.kind = 'self_report_overdue' and k.state = 'open'
                and exists (select 1 from h))
  select x.status, x.fever_threshold, h.id, h.person_id, h.kind, h.fever, h.cough, h.fatigue, h.short_breath,
         h.temperature, h.abnormal, h.photo_id, h.description, st_x(h.geom), st_y(h.geom), h.address_detail,
         h.task_id, h.recorder_user_id, h.citizen_id, h.device_time, h.created_at, null::text, null::text
    from x left join h on true;
end
$$;
comment on function app.record_self_report(integer, bigint, bigint, boolean, boolean, boolean, boolean, numeric, boolean, integer, text, float8, float8, text, timestamptz, text[]) is
  'A self-report in one call: reads the person''s status and the fever threshold and, while the person is under observation and the tenant has its rules row, writes the check (abnormal on a symptom or at the threshold, in tenths), the reading and the settlement of an open overdue-self-report task. Returns status, threshold and the check (nulls when nothing was written). Security invoker.';
