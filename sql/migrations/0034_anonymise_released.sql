-- Retention of personal data (issue 13): a configurable time after a person's case ended (released,
-- or closed as a mistaken report) their personal data is removed and the statistics kept: status,
-- severity, sex, age, source, dates, conditions and the grid stay; name, ID number, phones,
-- address, household, exact point (moved to a point inside the grid, so the grid and every count
-- stay), birth date, native place and the free texts that may name people go, on the person, the
-- reports about them, their checks and their history's texts.

alter table persons add column anonymised_at timestamptz;
comment on column persons.anonymised_at is 'When retention removed the personal data (app.anonymise_ended); null while it is kept.';

create function app.anonymise_ended(p_tenant integer, p_age interval) returns integer
language plpgsql volatile security definer set search_path = public, app as $$
declare
  n integer;
begin
  if p_age < interval '30 days' then
    raise exception 'personal data is kept at least 30 days after a case ends' using errcode = 'invalid_parameter_value';
  end if;
  create temporary table if not exists anonymise_targets (id bigint primary key) on commit drop;
  truncate anonymise_targets;
  insert into anonymise_targets
  select id from persons
   where tenant_id = p_tenant and status in ('released', 'closed') and anonymised_at is null
     and status_changed_at < now() - p_age;
  get diagnostics n = row_count;
  if n = 0 then return 0; end if;

  update persons p
     set name = '已匿名', id_number_enc = null, id_number_hash = null, id_number_masked = null,
         phone_enc = null, phone_hash = null, phone_masked = null, emergency_phone_enc = null, emergency_phone_masked = null,
         address = null, household_id = null, birth_date = null, native_place = null, condition_note = null,
         handover_person = null, observation_place = null, centralized_room_no = null, arrival_trip_no = null,
         co_residents = '[]'::jsonb, inspector_attendance = '[]'::jsonb,
         geom = (select st_pointonsurface(j.geom) from jurisdictions j where j.tenant_id = p.tenant_id and j.id = p.grid_id),
         anonymised_at = now(), version = version + 1, updated_at = now()
    from anonymise_targets t
   where p.tenant_id = p_tenant and p.id = t.id;

  update reports r
     set subject_name = '已匿名', subject_phone_enc = null, subject_phone_hash = null, subject_phone_masked = null,
         subject_id_enc = null, subject_id_hash = null, subject_id_masked = null, description = null, address = null, details = '{}'::jsonb,
         geom = coalesce((select st_pointonsurface(j.geom) from jurisdictions j where j.tenant_id = r.tenant_id and j.id = r.grid_id), r.geom)
    from anonymise_targets t
   where r.tenant_id = p_tenant and r.person_id = t.id;

  update health_checks c
     set description = null, address_detail = null, geom = null
    from anonymise_targets t
   where c.tenant_id = p_tenant and c.person_id = t.id;

  update person_events e
     set reason = null, changes = '{}'::jsonb
    from anonymise_targets t
   where e.tenant_id = p_tenant and e.person_id = t.id and (e.reason is not null or e.changes <> '{}'::jsonb);
  return n;
end
$$;
comment on function app.anonymise_ended(integer, interval) is
  'Retention: removes the personal data of persons whose case ended (released, closed) more than p_age ago, keeping what the statistics count; returns how many.';
revoke execute on function app.anonymise_ended(integer, interval) from public;
