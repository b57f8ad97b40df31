-- Person imports (migration 0024): one function places, checks and writes a batch of rows as the
-- file is read, all batches of an import in one transaction (api/src/person-data/imports.ts). It
-- is security definer (the owner reads every household, grid and ID hash of the tenant, and may let
-- the per-row grid derivation stand aside, 0022), so it checks the caller first: the calling user
-- owns the import and holds person:write; everything written lies in the caller's jurisdiction
-- (app.current_scope()).

drop function if exists app.check_staged_persons(bigint);
drop function if exists app.insert_staged_persons(bigint);
drop function if exists app.add_import_error(jsonb, text, text);

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


-- One batch of rows that read well (api/src/person-data/rows.ts), as a JSON array of persons records
-- ("id" carrying the spreadsheet's row number, "geom" the point of explicit coordinates). Each row:
--   1. an address without household or coordinates is matched to a household of the caller's
--      jurisdiction with exactly that address, else the same address ignoring white space (index
--      households_address_squeezed, 0036); several matches are an error;
--   2. a household row takes the household's point and grid (a household outside the caller's
--      jurisdiction is an error, reported as not found: its existence is not the caller's business);
--   3. a row with coordinates takes the level-5 grid covering its point, the lower id on a shared
--      edge (as app.derive_grid()); a point in no grid of the caller's jurisdiction is an error;
--   4. an ID number already registered in the tenant (not closed) is an error, by its keyed hash.
-- With p_write the valid rows are inserted as persons (per-row derivation and live-event triggers
-- standing aside, their work done here set-based), each with a created event, a note event for a
-- follow-up text (p_notes: row number → text), and one 'import' live event per grid of the batch
-- (migration 0040) in place of the per-person event of app.live_person_status().
-- Returns the rows with errors ({field, message} each).
create or replace function app.import_person_batch(p_import bigint, p_rows json, p_notes json, p_write boolean)
returns table (row_no integer, errors jsonb)
language plpgsql volatile security definer set search_path = public, app set jit = off as $$
declare
  t integer := app.current_tenant();
  u bigint := app.current_user_id();
  scope ltree[] := app.current_scope();
  bulk text := current_setting('app.bulk_derivation', true);
begin
  if t is null or scope is null or not app.caller_owns_person_import(p_import) then
    raise exception 'person:write and the import''s owner required' using errcode = 'insufficient_privilege';
  end if;
  if p_write then
    insert into app.bulk_derivations values (pg_current_xact_id()) on conflict do nothing;
    perform set_config('app.bulk_derivation', 'on', true);
    perform set_config('app.bulk_live_events', 'on', true);
  end if;

  return query
  with src as materialized (
    select r.*, n.value as note
      from json_populate_recordset(null::persons, p_rows) r
      left join json_each_text(p_notes) n on n.key::integer = r.id
  ), placed as materialized (
    select s.*, a.n as address_matches,
           coalesce(s.household_id, a.household_id) as home_id,
           hh.id is not null as home_found, hh.geom as home_geom, hh.grid_id as home_grid_id, hh.grid_path as home_grid_path,
           g.id as point_grid_id, g.path as point_grid_path
      from src s
      left join lateral (
        -- exact matches first; only without one the matches ignoring white space
        select coalesce(min(h.id) filter (where h.address = s.address), min(h.id)) as household_id,
               coalesce(nullif(count(*) filter (where h.address = s.address), 0), count(*)) as n
          from households h
         where h.tenant_id = t and regexp_replace(h.address, '\s', '', 'g') = regexp_replace(s.address, '\s', '', 'g')
           and h.grid_path <@ scope
      ) a on s.household_id is null and s.geom is null and s.address is not null
      left join lateral (
        select h.id, h.geom, h.grid_id, h.grid_path from households h
         where h.tenant_id = t and h.id = coalesce(s.household_id, a.household_id) and h.grid_path <@ scope
         limit 1 -- kept a subquery: a probe of the key per row, never a scan of the tenant's households
      ) hh on true
      left join lateral (
        select j.id, j.path from jurisdictions j
         where j.tenant_id = t and j.level = 5 and st_covers(j.geom, s.geom)
         order by j.id limit 1
      ) g on s.geom is not null
  ), flagged as (
    select p.*,
           p.household_id is not null and not p.home_found as home_refused,
           p.geom is not null and not (p.household_id is not null and not p.home_found)
             and (p.point_grid_path is null or not p.point_grid_path <@ scope) as outside,
           p.id_number_hash is not null and exists (
             select 1 from persons x where x.tenant_id = t and x.id_type = p.id_type
                and x.id_number_hash = p.id_number_hash and x.status <> 'closed') as registered
      from placed p
  ), checked as materialized (
    select f.*,
           coalesce(f.point_grid_id, f.home_grid_id) as new_grid_id,
           coalesce(f.point_grid_path, f.home_grid_path) as new_grid_path,
           coalesce(f.geom, f.home_geom) as new_geom,
           case when coalesce(f.address_matches, 1) = 1 and not f.home_refused and not f.outside and not f.registered then '[]'::jsonb
           else jsonb_path_query_array(jsonb_build_array(
             case when f.address_matches > 1 then jsonb_build_object('field', 'address', 'message', format('地址匹配到 %s 户，请填写所属户编号或经纬度', f.address_matches))
                  when f.address_matches = 0 then jsonb_build_object('field', 'address', 'message', '地址在您辖区的住户中找不到，请填写经纬度或所属户编号') end,
             case when f.home_refused then jsonb_build_object('field', 'householdId', 'message', '所属户不存在或不在您的辖区内') end,
             case when f.outside then jsonb_build_object('field', 'location', 'message', '不在您辖区的任何网格内') end,
             case when f.registered then jsonb_build_object('field', 'idNumber', 'message', '该证件号码已登记') end),
             '$[*] ? (@ != null)') end as errs
      from flagged f
  ), valid as materialized (
    select nextval(pg_get_serial_sequence('persons', 'id')) as person_id, c.*
      from checked c
     where p_write and c.errs = '[]'::jsonb
     order by c.id
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
    select t, v.person_id, u, v.name, v.id_type, v.id_number_enc, v.id_number_hash, v.id_number_masked,
      v.native_place, v.sex, v.birth_date, v.age, v.arrival_category, v.address, v.home_id, v.new_geom, v.phone_enc, v.phone_hash,
      v.phone_masked, v.emergency_phone_enc, v.emergency_phone_masked, coalesce(v.conditions, '{}'), v.condition_note, v.post_release_state,
      v.isolation_confirmed_at, v.observation_start, v.observation_end, v.arrived_at, v.arrival_transport, v.arrival_trip_no,
      v.wuhan_history, v.hubei_history, v.contact_with_exposed, v.wild_animal_contact, v.wet_market_visit, v.infection_route,
      v.source, v.notice_signed, v.home_guide_given, v.enterprise_managed, v.handover_person, v.isolation_start_evidence,
      v.observation_mode, v.observation_place, v.centralized_room_no, v.housing_type, v.co_resident_count, coalesce(v.co_residents, '[]'),
      coalesce(v.inspector_attendance, '[]'), v.visit_contact, coalesce(v.release_notice_issued, false), v.status, v.severity,
      v.new_grid_id, v.new_grid_path
      from valid v
    returning id, status, severity, grid_id, grid_path
  ), created as (
    insert into person_events (tenant_id, person_id, kind, actor_id, to_status, to_severity, changes)
    select t, v.person_id, 'created', u, v.status, v.severity, jsonb_build_object('import', p_import, 'row', v.id)
      from valid v
  ), notes as (
    insert into person_events (tenant_id, person_id, kind, actor_id, reason)
    select t, v.person_id, 'note', u, v.note from valid v where v.note is not null
  ), live as (
    -- (data-modifying CTEs run to completion whether or not the query reads them)
    -- one event per grid of the batch: how many persons of each status it added there
    insert into live_events (tenant_id, type, grid_path, payload)
    select t, 'import', p.grid_path,
           jsonb_build_object('importId', p_import, 'gridId', p.grid_id, 'count', count(*),
             'statuses', jsonb_build_object('watching', count(*) filter (where p.status = 'watching'),
                                            'suspected', count(*) filter (where p.status = 'suspected'),
                                            'confirmed', count(*) filter (where p.status = 'confirmed')))
      from person_rows p
     group by p.grid_id, p.grid_path
     order by p.grid_id
  )
  select c.id::integer, c.errs from checked c
   where c.errs <> '[]'::jsonb
   order by c.id;

  if p_write then
    perform set_config('app.bulk_live_events', '', true);
    perform set_config('app.bulk_derivation', coalesce(bulk, ''), true);
    delete from app.bulk_derivations where xact = pg_current_xact_id();
  end if;
end
$$;
comment on function app.import_person_batch(bigint, json, json, boolean) is
  'Places and checks a batch of the caller''s import (households and grids of the caller''s jurisdiction, ID numbers registered in the tenant) and, when asked, inserts the valid rows as persons with their events; returns the rows with errors.';
