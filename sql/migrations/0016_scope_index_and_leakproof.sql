-- Row-level security that keeps the indexes in play (measured with bench/explain.ts on city-L):
-- 1. The scope predicate becomes `path ? lquery[]` ('j1.j2.*' per node), which the GiST ltree
--    index supports; `path <@ ltree[]` was only a filter, so a grid worker's list scanned the city.
-- 2. PostGIS predicates used in queries under RLS must be LEAKPROOF, or the planner may not apply
--    them before the policy and the spatial index is skipped (a 1 km box: 970 ms → 2.5 ms).
--    Marking them needs a superuser: done here when the migrator is one (embedded), otherwise by
--    the database administrator (see .ci/postgis-cluster.sh and the README).

create function app.current_scope_query() returns lquery[]
language sql stable parallel safe as $$ select nullif(current_setting('app.scope_q', true), '')::lquery[] $$;
comment on function app.current_scope_query() is
  'The caller''s subtrees as lquery patterns (node.*), set by withScope beside app.scope.';
grant execute on function app.current_scope_query() to gec_app;

create or replace function app.in_scope(row_tenant integer, row_path ltree) returns boolean
language sql stable parallel safe as $$
  select row_tenant = app.current_tenant() and row_path ? app.current_scope_query()
$$;
comment on function app.in_scope(integer, ltree) is
  'The one scoping predicate: the row belongs to the caller''s tenant and lies under one of the caller''s nodes (GiST-indexable).';

do $$
begin
  if (select rolsuper from pg_roles where rolname = current_user) then
    alter function geometry_overlaps(geometry, geometry) leakproof;
    alter function st_covers(geometry, geometry) leakproof;
    alter function st_intersects(geometry, geometry) leakproof;
    alter function st_dwithin(geometry, geometry, double precision) leakproof;
  else
    raise notice 'not a superuser: mark the PostGIS predicates LEAKPROOF as an administrator (see README)';
  end if;
end
$$;
