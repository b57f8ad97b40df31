-- The grid of every point, derived set-based: bulk loads (the generator) and boundary changes
-- (app.rederive_grids). Single inserts and moves from the API keep the per-row trigger
-- app.derive_grid() (0005), which a bulk load asks to stand aside (0022) because it writes the
-- grids derived here itself.

create or replace function app.covering_grids(p_tenant integer, p_points regclass)
returns table (id bigint, grid_id bigint, grid_path ltree)
language plpgsql stable rows 100000 set search_path = public, app set jit = off set work_mem = '256MB' as $$
begin
  -- Each grid that can hold one of the points probes the points' GiST index once (the fence,
  -- offset 0, keeps the planner from turning it round into one probe of the grids per point,
  -- which costs as much as the per-row trigger). A point on an edge shared by two grids takes the
  -- lower grid id, as app.derive_grid() does.
  return query execute format(
    'select distinct on (p.id) p.id::bigint, g.id, g.path
       from jurisdictions g
      cross join lateral (select p.id from %1$s p
                           where p.tenant_id = g.tenant_id and st_covers(g.geom, p.geom) offset 0) p
      where g.tenant_id = $1 and g.level = 5
        and g.geom && (select st_setsrid(st_extent(e.geom)::geometry, 4326) from %1$s e where e.tenant_id = $1)
      order by p.id, g.id', p_points)
  using p_tenant;
end
$$;
comment on function app.covering_grids(integer, regclass) is
  'The containing grid of every row of a table of points (id, tenant_id, geom) of a tenant; rows outside every grid are left out. Security invoker.';

create or replace function app.apply_covering_grids(p_tenant integer, p_table regclass, p_touch boolean)
returns bigint
language plpgsql volatile set search_path = public, app as $$
declare
  n bigint;
begin
  execute format(
    'update %1$s x set grid_id = d.grid_id, grid_path = d.grid_path%2$s
       from (select y.id, c.grid_id, c.grid_path
               from %1$s y left join app.covering_grids($1, %1$L) c on c.id = y.id
              where y.tenant_id = $1) d
      where x.tenant_id = $1 and x.id = d.id
        and (x.grid_id, x.grid_path) is distinct from (d.grid_id, d.grid_path)',
    p_table, case when p_touch then ', updated_at = now()' else '' end)
  using p_tenant;
  get diagnostics n = row_count;
  return n;
end
$$;
comment on function app.apply_covering_grids(integer, regclass, boolean) is
  'Sets grid_id and grid_path of every row of a tenant in a table of points from app.covering_grids; returns how many changed. Security invoker.';

create or replace function app.rederive_grids(p_tenant integer)
returns table (households_changed bigint, persons_changed bigint)
language plpgsql volatile security definer set search_path = public, app as $$
declare
  h bigint;
  p bigint;
  bulk text := current_setting('app.bulk_derivation', true);
begin
  -- The rows get their grid from the set-based join, so the per-row trigger stands aside while
  -- this runs, even in an API transaction (migration 0022); the mark is gone before it returns.
  insert into app.bulk_derivations values (pg_current_xact_id()) on conflict do nothing;
  perform set_config('app.bulk_derivation', 'on', true);
  h := app.apply_covering_grids(p_tenant, 'households', true);
  p := app.apply_covering_grids(p_tenant, 'persons', true);
  perform app.apply_covering_grids(p_tenant, 'reports', false);
  perform app.apply_covering_grids(p_tenant, 'tasks', false);
  perform set_config('app.bulk_derivation', coalesce(bulk, ''), true);
  delete from app.bulk_derivations where xact = pg_current_xact_id();
  return query select h, p;
end
$$;
comment on function app.rederive_grids(integer) is
  'Recomputes the containing grid of every household, person, report and task of a tenant, set-based; returns how many households and persons changed.';
