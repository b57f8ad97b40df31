-- Person imports (migration 0024): the checks that need more than the caller can see, and the one
-- set-based insert. Both are security definer (the owner reads every household, grid and ID hash of
-- the tenant, and may let the per-row grid derivation stand aside, 0022), so both check the caller
-- first: the calling user owns the import and holds person:write; everything written lies in the
-- caller's jurisdiction (app.current_scope()).

create or replace function app.caller_owns_person_import(p_import bigint) returns boolean
language sql stable security definer set search_path = public, app as $$
  select exists (
      select 1 from person_imports i
       where i.tenant_id = app.current_tenant() and i.id = p_import and i.user_id = app.current_user_id())
     and exists (
      select 1
        from user_positions up
        join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
        join role_permissions rp on rp.tenant_id = pr.tenant_id and rp.role_id = pr.role_id
       where up.tenant_id = app.current_tenant() and up.user_id = app.current_user_id()
         and rp.permission_code = 'person:write')
$$;
comment on function app.caller_owns_person_import(bigint) is
  'Whether the calling user started this import and holds person:write (the second wall behind the route''s check).';

create or replace function app.add_import_error(p_errors jsonb, p_field text, p_message text) returns jsonb
language sql immutable as $$
  select p_errors || jsonb_build_array(jsonb_build_object('field', p_field, 'message', p_message))
$$;
comment on function app.add_import_error(jsonb, text, text) is 'Appends one {field, message} to the errors of a staged row.';

-- Places every staged row of the import and marks what cannot be written:
--   1. an address without household or coordinates is matched to a household of the caller's
--      jurisdiction with exactly that address, else the same address ignoring white space;
--   2. a household row takes the household's point and grid (a household outside the caller's
--      jurisdiction is an error, reported as not found: its existence is not the caller's business);
--   3. a row with coordinates takes the grid covering its point (app.covering_grids, set-based);
--      a point in no grid of the caller's jurisdiction is an error;
--   4. an ID number already registered in the tenant (not closed) is an error, by its keyed hash.
-- Returns the counts of valid and invalid rows.
create or replace function app.check_staged_persons(p_import bigint)
returns table (valid bigint, invalid bigint)
language plpgsql volatile security definer set search_path = public, app set jit = off as $$
declare
  t integer := app.current_tenant();
  scope ltree[] := app.current_scope();
begin
  if t is null or scope is null or not app.caller_owns_person_import(p_import) then
    raise exception 'person:write and the import''s owner required' using errcode = 'insufficient_privilege';
  end if;

  -- 1. addresses to households
  with candidates as (
    select s.id, min(h.id) as household_id, count(*) as n
      from person_import_rows s
      join households h on h.tenant_id = s.tenant_id and h.address = s.address and h.grid_path <@ scope
     where s.tenant_id = t and s.import_id = p_import and s.household_id is null and s.geom is null and s.address is not null
     group by s.id)
  update person_import_rows s
     set household_id = c.household_id,
         errors = case when c.n > 1 then app.add_import_error(s.errors, 'address', format('地址匹配到 %s 户，请填写所属户编号或经纬度', c.n)) else s.errors end
    from candidates c
   where s.tenant_id = t and s.id = c.id;

  with loose as (
    select s.id, min(h.id) as household_id, count(*) as n
      from person_import_rows s
      join households h on h.tenant_id = s.tenant_id and h.grid_path <@ scope
                       and regexp_replace(h.address, '\s', '', 'g') = regexp_replace(s.address, '\s', '', 'g')
     where s.tenant_id = t and s.import_id = p_import and s.household_id is null and s.geom is null and s.address is not null
     group by s.id)
  update person_import_rows s
     set household_id = l.household_id,
         errors = case when l.n > 1 then app.add_import_error(s.errors, 'address', format('地址匹配到 %s 户，请填写所属户编号或经纬度', l.n)) else s.errors end
    from loose l
   where s.tenant_id = t and s.id = l.id;

  update person_import_rows s
     set errors = app.add_import_error(s.errors, 'address', '地址在您辖区的住户中找不到，请填写经纬度或所属户编号')
   where s.tenant_id = t and s.import_id = p_import and s.household_id is null and s.geom is null and s.address is not null;

  -- 2. households: their point and grid
  update person_import_rows s
     set geom = coalesce(s.geom, h.geom),
         grid_id = case when s.geom is null then h.grid_id end,
         grid_path = case when s.geom is null then h.grid_path end
    from households h
   where s.tenant_id = t and s.import_id = p_import and h.tenant_id = s.tenant_id and h.id = s.household_id
     and h.grid_path <@ scope;
  update person_import_rows s
     set errors = app.add_import_error(s.errors, 'householdId', '所属户不存在或不在您的辖区内')
   where s.tenant_id = t and s.import_id = p_import and s.household_id is not null
     and not exists (select 1 from households h where h.tenant_id = s.tenant_id and h.id = s.household_id and h.grid_path <@ scope);

  -- 3. coordinates: the covering grid, set-based; then the caller's jurisdiction. This one pass
  --    over every staged row also marks it checked (a second pass cost 3.6 s of 100,000 rows; the
  --    mark is read only by app.insert_staged_persons, after this function has returned).
  update person_import_rows s
     set grid_id = coalesce(s.grid_id, c.grid_id), grid_path = case when s.grid_id is null then c.grid_path else s.grid_path end,
         checked = true
    from person_import_rows x
    left join app.covering_grids(t, 'person_import_rows') c on c.id = x.id
   where x.tenant_id = t and x.import_id = p_import and s.tenant_id = t and s.id = x.id;
  update person_import_rows s
     set errors = app.add_import_error(s.errors, 'location', '位置不在您辖区的任何网格内'), grid_id = null, grid_path = null
   where s.tenant_id = t and s.import_id = p_import and s.geom is not null
     and (s.grid_path is null or not s.grid_path <@ scope)
     and not (s.errors @> '[{"field": "householdId"}]');

  -- 4. ID numbers already registered in the tenant
  update person_import_rows s
     set errors = app.add_import_error(s.errors, 'idNumber', '该证件号码已登记')
   where s.tenant_id = t and s.import_id = p_import and s.id_hash is not null
     and exists (select 1 from persons p where p.tenant_id = t and p.id_type = s.id_type and p.id_number_hash = s.id_hash and p.status <> 'closed');

  return query
    select count(*) filter (where s.errors = '[]'::jsonb), count(*) filter (where s.errors <> '[]'::jsonb)
      from person_import_rows s where s.tenant_id = t and s.import_id = p_import;
end
$$;
comment on function app.check_staged_persons(bigint) is
  'Geocodes, places and checks the staged rows of the caller''s import (households and grids of the caller''s jurisdiction, ID numbers registered in the tenant); returns valid and invalid counts.';

-- Writes the checked, valid rows of the import as persons in one statement (their grids as checked,
-- the per-row derivation standing aside as in app.rederive_grids), with a created event each and a
-- note event for a follow-up text; removes the written rows from the stage. Returns how many.
create or replace function app.insert_staged_persons(p_import bigint)
returns bigint
language plpgsql volatile security definer set search_path = public, app set jit = off set work_mem = '128MB' as $$
declare
  t integer := app.current_tenant();
  u bigint := app.current_user_id();
  scope ltree[] := app.current_scope();
  bulk text := current_setting('app.bulk_derivation', true);
  n bigint;
begin
  if t is null or scope is null or not app.caller_owns_person_import(p_import) then
    raise exception 'person:write and the import''s owner required' using errcode = 'insufficient_privilege';
  end if;
  if exists (select 1 from person_import_rows s
              where s.tenant_id = t and s.import_id = p_import and s.errors = '[]'::jsonb
                and (not s.checked or s.grid_path is null or not s.grid_path <@ scope or s.record is null)) then
    raise exception 'import % has rows not checked or outside the caller''s jurisdiction', p_import using errcode = 'check_violation';
  end if;

  -- One pass: the valid rows numbered once (materialised, in row order), then persons, their
  -- events and their live events from it. Numbering by an update of the stage first, and the
  -- per-row live-event trigger, were 4 s and 12 s of a 100,000-row import (docs/benchmarks.md).
  -- The per-row grid derivation and live-event triggers stand aside (migrations 0022 and 0026)
  -- only while this transaction's row of app.bulk_derivations exists.
  insert into app.bulk_derivations values (pg_current_xact_id()) on conflict do nothing;
  perform set_config('app.bulk_derivation', 'on', true);
  perform set_config('app.bulk_live_events', 'on', true);
  with valid as materialized (
    select nextval(pg_get_serial_sequence('persons', 'id')) as person_id, s.row_no, s.record, s.note,
           s.household_id, s.geom, s.grid_id, s.grid_path
      from person_import_rows s
     where s.tenant_id = t and s.import_id = p_import and s.errors = '[]'::jsonb
     order by s.row_no
  ), person_rows as (
    insert into persons (tenant_id, id, created_by, name, id_type, id_number_enc, id_number_hash, id_number_masked,
      native_place, sex, birth_date, age, arrival_category, address, household_id, geom, phone_enc, phone_hash,
      phone_masked, emergency_phone_enc, emergency_phone_masked, conditions, condition_note, post_release_state,
      isolation_confirmed_at, observation_start, observation_end, arrived_at, arrival_transport, arrival_trip_no,
      wuhan_history, hubei_history, contact_with_exposed, wild_animal_contact, wet_market_visit, infection_route,
      source, notice_signed, home_guide_given, enterprise_managed, handover_person, isolation_start_evidence,
      observation_mode, observation_place, centralized_room_no, housing_type, co_resident_count, co_residents,
      inspector_attendance, visit_contact, release_notice_issued, status, severity, grid_id, grid_path)
    overriding system value
    select t, v.person_id, u, r.name, r.id_type, r.id_number_enc, r.id_number_hash, r.id_number_masked,
      r.native_place, r.sex, r.birth_date, r.age, r.arrival_category, r.address, v.household_id, v.geom, r.phone_enc, r.phone_hash,
      r.phone_masked, r.emergency_phone_enc, r.emergency_phone_masked, coalesce(r.conditions, '{}'), r.condition_note, r.post_release_state,
      r.isolation_confirmed_at, r.observation_start, r.observation_end, r.arrived_at, r.arrival_transport, r.arrival_trip_no,
      r.wuhan_history, r.hubei_history, r.contact_with_exposed, r.wild_animal_contact, r.wet_market_visit, r.infection_route,
      r.source, r.notice_signed, r.home_guide_given, r.enterprise_managed, r.handover_person, r.isolation_start_evidence,
      r.observation_mode, r.observation_place, r.centralized_room_no, r.housing_type, r.co_resident_count, coalesce(r.co_residents, '[]'),
      coalesce(r.inspector_attendance, '[]'), r.visit_contact, coalesce(r.release_notice_issued, false), r.status, r.severity, v.grid_id, v.grid_path
      from valid v
     cross join lateral jsonb_populate_record(null::persons, v.record) r
    returning id, status, severity, grid_id, grid_path
  ), created as (
    insert into person_events (tenant_id, person_id, kind, actor_id, to_status, to_severity, changes)
    select t, v.person_id, 'created', u, v.record->>'status', v.record->>'severity',
           jsonb_build_object('import', p_import, 'row', v.row_no)
      from valid v
  ), notes as (
    insert into person_events (tenant_id, person_id, kind, actor_id, reason)
    select t, v.person_id, 'note', u, v.note from valid v where v.note is not null
  ), live as (
    -- what app.live_person_status() writes for an inserted person, from the rows as inserted
    insert into live_events (tenant_id, type, grid_path, payload)
    select t, 'status', p.grid_path,
           jsonb_build_object('personId', p.id, 'gridId', p.grid_id, 'status', p.status, 'severity', p.severity, 'fromStatus', null)
      from person_rows p
     order by p.id
  )
  select count(*) into n from person_rows;
  perform set_config('app.bulk_live_events', '', true);
  perform set_config('app.bulk_derivation', coalesce(bulk, ''), true);
  delete from app.bulk_derivations where xact = pg_current_xact_id();

  delete from person_import_rows s where s.tenant_id = t and s.import_id = p_import and s.errors = '[]'::jsonb;
  return n;
end
$$;
comment on function app.insert_staged_persons(bigint) is
  'Inserts the checked valid rows of the caller''s import as persons (grids as checked, per-row derivation skipped), with their events; returns how many.';
