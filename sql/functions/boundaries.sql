-- Applying a validated boundary import (issue 11). The API role may read the tree but not write
-- it; these security-definer functions make the one change the boundary API needs, for the
-- caller's tenant only and only for a caller holding boundary:manage.

create or replace function app.caller_manages_boundaries() returns boolean
language sql stable security definer set search_path = public, app as $$
  select exists (
    select 1
      from user_positions up
      join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
      join role_permissions rp on rp.tenant_id = pr.tenant_id and rp.role_id = pr.role_id
     where up.tenant_id = app.current_tenant() and up.user_id = app.current_user_id()
       and rp.permission_code = 'boundary:manage')
$$;
comment on function app.caller_manages_boundaries() is
  'Whether the calling user holds boundary:manage in the calling tenant (the second wall behind the route''s check).';

create or replace function app.boundary_reshaped(a geometry, b geometry) returns boolean
language sql immutable parallel safe as $$
  -- Uploads are rounded to 7 decimals (about 1 cm): a boundary that moved by less than about 10 cm
  -- (1e-6 degree) is the same boundary.
  select not (a = b or st_hausdorffdistance(a, b) < 1e-6)
$$;
comment on function app.boundary_reshaped(geometry, geometry) is
  'Whether two boundaries differ by more than 1e-6 degree (about 10 cm) anywhere.';

-- Makes the tenant's jurisdiction tree equal to the staged tree of an import (its file nodes and the
-- nodes it keeps): nodes whose code stays keep their id (scopes, tasks and points follow them), new
-- codes are inserted, moved subtrees get their paths again, accounts scoped to removed nodes go to
-- the nodes named in p_reassign ([{userId, code}]), tasks assigned to removed nodes go to the
-- nearest ancestor that stays (else the first root). The caller then re-derives every point once
-- (app.rederive_grids: new grids, paths of moved grids) and deletes the removed nodes
-- (app.remove_boundary_nodes).
create or replace function app.check_boundary_change(t integer, p_import bigint) returns void
language plpgsql stable security definer set search_path = public, app as $$
begin
  if t is null or not app.caller_manages_boundaries() then
    raise exception 'boundary:manage required' using errcode = 'insufficient_privilege';
  end if;
  -- A tree of nothing would remove every node: only an import of the tenant with a staged tree applies.
  if not exists (select 1 from boundary_import_nodes s where s.tenant_id = t and s.import_id = p_import and s.origin in ('file', 'kept')) then
    raise exception 'import % of tenant % has no staged tree', p_import, t using errcode = 'no_data_found';
  end if;
end
$$;
comment on function app.check_boundary_change(integer, bigint) is
  'Refuses a change of the tree unless the caller manages boundaries and the import is the tenant''s with a staged tree.';

create or replace function app.apply_boundary_tree(p_import bigint, p_reassign jsonb)
returns jsonb
language plpgsql volatile security definer set search_path = public, app as $$
declare
  t integer := app.current_tenant();
  removed bigint[];
  moved bigint[];
  inserted integer := 0;
  n integer;
  updated integer;
  users_moved integer;
  tasks_moved integer;
  lvl integer;
  first_tree boolean;
begin
  perform app.check_boundary_change(t, p_import);
  perform set_config('app.defer_rederive', 'on', true);
  first_tree := not exists (select 1 from jurisdictions j where j.tenant_id = t);

  select coalesce(array_agg(j.id), '{}') into removed
    from jurisdictions j
   where j.tenant_id = t
     and not exists (select 1 from boundary_import_nodes s
                      where s.tenant_id = t and s.import_id = p_import and s.origin in ('file', 'kept') and s.code = j.code);

  -- New codes, top down so that every parent exists when its children arrive.
  for lvl in 1..5 loop
    insert into jurisdictions (tenant_id, parent_id, code, name, level, geom)
    select t, p.id, s.code, s.name, s.level, st_multi(s.geom)
      from boundary_import_nodes s
      left join jurisdictions p on p.tenant_id = t and p.code = s.parent_code
     where s.tenant_id = t and s.import_id = p_import and s.origin in ('file', 'kept') and s.level = lvl
       and not exists (select 1 from jurisdictions j where j.tenant_id = t and j.code = s.code)
     order by s.code;
    get diagnostics n = row_count;
    inserted := inserted + n;
  end loop;

  -- Codes that stay: name, level, parent and (when it moved by more than ~10 cm) the boundary.
  update jurisdictions j
     set name = s.name, level = s.level, parent_id = p.id,
         geom = case when app.boundary_reshaped(j.geom, s.geom) then st_multi(s.geom) else j.geom end,
         updated_at = now()
    from boundary_import_nodes s
    left join jurisdictions p on p.tenant_id = t and p.code = s.parent_code
   where s.tenant_id = t and s.import_id = p_import and s.origin in ('file', 'kept') and j.tenant_id = t and j.code = s.code
     and (j.name <> s.name or j.level <> s.level or j.parent_id is distinct from p.id
          or app.boundary_reshaped(j.geom, s.geom));
  get diagnostics updated = row_count;

  -- Paths of the whole tree again (moved subtrees follow their new parents).
  with recursive tree as (
    select j.id, text2ltree('j' || j.id) as path from jurisdictions j where j.tenant_id = t and j.parent_id is null
    union all
    select c.id, tree.path || text2ltree('j' || c.id)
      from tree join jurisdictions c on c.tenant_id = t and c.parent_id = tree.id
  ), changed as (
    update jurisdictions j set path = tree.path from tree
     where j.tenant_id = t and j.id = tree.id and j.path <> tree.path
    returning j.id
  )
  select coalesce(array_agg(id), '{}') into moved from changed;

  -- Accounts scoped to removed nodes (the API has checked that each one is reassigned).
  if exists (select 1 from user_scopes us where us.tenant_id = t and us.jurisdiction_id = any (removed)
              and not exists (select 1 from jsonb_array_elements(p_reassign) r where (r ->> 'userId')::bigint = us.user_id)) then
    raise exception 'accounts are scoped to removed nodes and not reassigned' using errcode = 'check_violation';
  end if;
  insert into user_scopes (tenant_id, user_id, jurisdiction_id)
  select distinct t, us.user_id, n2.id
    from user_scopes us
    join jsonb_array_elements(p_reassign) r on (r ->> 'userId')::bigint = us.user_id
    join jurisdictions n2 on n2.tenant_id = t and n2.code = r ->> 'code' and n2.id <> all (removed)
   where us.tenant_id = t and us.jurisdiction_id = any (removed)
  on conflict do nothing;
  delete from user_scopes us where us.tenant_id = t and us.jurisdiction_id = any (removed);
  get diagnostics users_moved = row_count;

  -- Tasks (open and closed, so none is lost with its node) go up to the nearest node that stays.
  update tasks k
     set assignee_jurisdiction_id = coalesce(
           (select a.id from jurisdictions a
             where a.tenant_id = t and a.path @> r.path and a.id <> all (removed)
             order by nlevel(a.path) desc limit 1),
           (select a.id from jurisdictions a
             where a.tenant_id = t and a.parent_id is null and a.id <> all (removed)
             order by a.code limit 1))
    from jurisdictions r
   where k.tenant_id = t and r.tenant_id = t and r.id = k.assignee_jurisdiction_id and r.id = any (removed);
  get diagnostics tasks_moved = row_count;

  -- Removed grids stop being grids until they are deleted (app.remove_boundary_nodes, after the
  -- re-derivation): the one set-based re-derivation then places their points in the new grids,
  -- where deleting them first would re-derive each of their points one by one (on delete set null).
  update jurisdictions j set level = 4 where j.tenant_id = t and j.id = any (removed) and j.level = 5;

  -- A new tenant's first tree: the account that applied it managed the whole (empty) tenant and
  -- goes on managing the whole of it, so it is scoped to the new roots.
  if first_tree and app.current_user_id() is not null then
    insert into user_scopes (tenant_id, user_id, jurisdiction_id)
    select t, app.current_user_id(), j.id from jurisdictions j where j.tenant_id = t and j.parent_id is null
    on conflict do nothing;
  end if;

  perform set_config('app.defer_rederive', 'off', true);
  return jsonb_build_object('inserted', inserted, 'updated', updated, 'removed', cardinality(removed),
                            'pathsChanged', cardinality(moved), 'scopesReassigned', users_moved, 'tasksMoved', tasks_moved);
end
$$;
comment on function app.apply_boundary_tree(bigint, jsonb) is
  'Makes the caller''s tenant tree equal to the staged tree of an import: keeps ids of kept codes, inserts new ones, re-paths moved subtrees, '
  'reassigns accounts (p_reassign) and tasks of removed nodes, and makes removed grids no grids. The caller re-derives points, then deletes removed nodes.';

create or replace function app.remove_boundary_nodes(p_import bigint) returns integer
language plpgsql volatile security definer set search_path = public, app as $$
declare
  t integer := app.current_tenant();
  n integer;
begin
  perform app.check_boundary_change(t, p_import);
  perform set_config('app.defer_rederive', 'on', true);
  delete from jurisdictions j
   where j.tenant_id = t
     and not exists (select 1 from boundary_import_nodes s
                      where s.tenant_id = t and s.import_id = p_import and s.origin in ('file', 'kept') and s.code = j.code);
  get diagnostics n = row_count;
  perform set_config('app.defer_rederive', 'off', true);
  return n;
end
$$;
comment on function app.remove_boundary_nodes(bigint) is
  'Deletes the nodes of the caller''s tenant that the staged tree of an import does not hold (after app.apply_boundary_tree and the re-derivation).';

-- The change is announced: the tile data version is bumped (tiles and cached aggregates refresh even
-- when no mapped row changed) and a tenant-wide live event tells open dashboards to reload.
create or replace function app.announce_boundaries_changed(p_version bigint) returns void
language plpgsql volatile security definer set search_path = public, app as $$
declare
  t integer := app.current_tenant();
  v record;
begin
  if t is null or not app.caller_manages_boundaries() then
    raise exception 'boundary:manage required' using errcode = 'insufficient_privilege';
  end if;
  select id, number, source into v from boundary_versions where tenant_id = t and id = p_version;
  if not found then
    raise exception 'version % not found', p_version using errcode = 'no_data_found';
  end if;
  insert into tile_versions (tenant_id) values (t)
  on conflict (tenant_id) do update set version = tile_versions.version + 1, changed_at = now();
  insert into live_events (tenant_id, type, grid_path, payload)
  values (t, 'boundaries_changed', null, jsonb_build_object('versionId', v.id, 'number', v.number, 'source', v.source));
end
$$;
comment on function app.announce_boundaries_changed(bigint) is
  'After a boundary apply: bumps the tenant''s tile data version and adds a tenant-wide boundaries_changed live event.';

-- A new version: a copy of the tenant's tree as it is now (read whole, whatever the caller's scope
-- paths were when the transaction began: an apply may have moved them).
create or replace function app.record_boundary_version(p_source text, p_import bigint, p_restored bigint, p_diff jsonb)
returns table (version_id bigint, version_number integer, version_counts jsonb)
language plpgsql volatile security definer set search_path = public, app as $$
declare
  t integer := app.current_tenant();
  v_id bigint;
  v_number integer;
  v_counts jsonb;
begin
  if t is null or not app.caller_manages_boundaries() then
    raise exception 'boundary:manage required' using errcode = 'insufficient_privilege';
  end if;
  select jsonb_build_object('nodes', coalesce(sum(c.n), 0), 'byLevel', coalesce(jsonb_object_agg(c.level::text, c.n), '{}'::jsonb))
    into v_counts
    from (select j.level, count(*)::integer as n from jurisdictions j where j.tenant_id = t group by j.level) c;
  insert into boundary_versions (tenant_id, number, source, import_id, restored_version_id, counts, diff, created_by)
  values (t, coalesce((select max(v.number) from boundary_versions v where v.tenant_id = t), 0) + 1, p_source, p_import, p_restored,
          v_counts, p_diff, case when p_source = 'initial' then null else app.current_user_id() end)
  returning id, number into v_id, v_number;
  insert into boundary_version_nodes (tenant_id, version_id, code, name, level, parent_code, geom)
  select t, v_id, j.code, j.name, j.level, p.code, j.geom
    from jurisdictions j left join jurisdictions p on p.tenant_id = t and p.id = j.parent_id
   where j.tenant_id = t;
  return query select v_id, v_number, v_counts;
end
$$;
comment on function app.record_boundary_version(text, bigint, bigint, jsonb) is
  'Adds the next version of the caller''s tenant: a copy of its whole tree now, with its counts and the given diff.';

-- Version 1 of a tenant made after migration 0021 (the demo-city generator, onboarding): the tree
-- as it is before the first import. Returns the current version.
create or replace function app.ensure_boundary_version() returns bigint
language plpgsql volatile security definer set search_path = public, app as $$
declare
  t integer := app.current_tenant();
  v bigint;
begin
  if t is null or not app.caller_manages_boundaries() then
    raise exception 'boundary:manage required' using errcode = 'insufficient_privilege';
  end if;
  select id into v from boundary_versions where tenant_id = t order by number desc limit 1;
  if v is null then
    select version_id into v from app.record_boundary_version('initial', null, null, null);
  end if;
  return v;
end
$$;
comment on function app.ensure_boundary_version() is
  'The current version of the caller''s tenant, making version 1 from the current tree when there is none.';

create or replace function app.analyze_boundary_import() returns void
language plpgsql volatile security definer set search_path = public, app as $$
begin
  -- The validation's joins are planned from the staging table's statistics; an import's rows are
  -- not committed yet, and without fresh statistics (sampled from this transaction's own rows)
  -- the planner takes 10,000 staged grids for a handful and pairs them by nested scans:
  -- minutes instead of seconds on city-L. The app role does not own the table, hence definer.
  analyze boundary_import_nodes;
end
$$;
comment on function app.analyze_boundary_import() is
  'Refreshes the planner statistics of boundary_import_nodes inside the calling transaction (its staged, uncommitted rows included).';
revoke all on function app.analyze_boundary_import() from public;
grant execute on function app.analyze_boundary_import() to gec_app;
