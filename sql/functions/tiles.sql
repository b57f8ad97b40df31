-- Vector tiles, Martin-style: app.tile_<layer>(z, x, y, params) returns the MVT of one layer, built on
-- app.tile_<layer>_features(z, x, y, params), which returns the same features in WGS-84 with their
-- attributes. Both are security invoker: row-level security limits rows to the caller's scope.
-- Embedded PGlite has no protobuf, so the API encodes the _features rows there itself
-- (api/src/tiles/encode.ts). params: {"counts": true} adds person counts by status to grids;
-- {"exact": true} gives persons, households and tasks at their own points, which only callers with
-- the exact-location right get; without it they are counted per grid (the _grid_features below).

-- The tile's envelope in WGS-84 with a 64/4096 buffer, the same buffer the encoders use.
create or replace function app.tile_bbox(z integer, x integer, y integer) returns geometry
language sql immutable parallel safe as $$
  select st_transform(st_tileenvelope(z, x, y, margin => 64.0 / 4096), 4326)
$$;
comment on function app.tile_bbox(integer, integer, integer) is
  'WGS-84 envelope of tile z/x/y plus a 64/4096 buffer: the area whose features a tile carries.';

create or replace function app.tile_exact(params jsonb) returns boolean
language sql immutable parallel safe as $$
  select coalesce((params ->> 'exact')::boolean, false)
$$;
comment on function app.tile_exact(jsonb) is
  'Whether a tile carries exact points (params.exact, set only for callers who may see them); absent means per grid.';

-- What a caller without the exact-location right sees (api/src/auth/exact-location.ts): nothing
-- finer than a grid. One feature per grid and status (persons), per grid (households), per grid,
-- kind and state (tasks), at a point inside the grid (ST_PointOnSurface), with how many it stands
-- for. Feature ids are stable: the grid id shifted left, the status or kind/state in the low bits.
create or replace function app.tile_grid_anchors(z integer, x integer, y integer)
returns table (id bigint, tenant_id integer, anchor geometry)
language sql stable security invoker parallel safe as $$
  select g.id, g.tenant_id, st_pointonsurface(g.geom)
    from jurisdictions g cross join app.tile_bbox(z, x, y) as b(bbox)
   where g.tenant_id = app.current_tenant() and g.level = 5 and g.geom && b.bbox
     and st_intersects(st_pointonsurface(g.geom), b.bbox)
$$;
comment on function app.tile_grid_anchors(integer, integer, integer) is
  'Grids in scope whose point inside (ST_PointOnSurface) lies on tile z/x/y: where per-grid counts are drawn.';

create or replace function app.tile_persons_grid_features(z integer, x integer, y integer, params jsonb default '{}')
returns table (id bigint, geom geometry, status text, severity text, count integer)
language sql stable security invoker parallel safe as $$
  select (j.id << 4) + array_position(array['watching','suspected','confirmed','cured','dead','released','closed'], c.status),
         j.anchor, c.status, null::text, c.n
    from app.tile_grid_anchors(z, x, y) j
    join lateral (select p.status, count(*)::int as n from persons p
                   where p.tenant_id = j.tenant_id and p.grid_id = j.id group by p.status) c on true
   order by 1
$$;
comment on function app.tile_persons_grid_features(integer, integer, integer, jsonb) is
  'Persons in scope on tile z/x/y counted per grid and status, at a point inside the grid: no position finer than a grid.';

create or replace function app.tile_households_grid_features(z integer, x integer, y integer, params jsonb default '{}')
returns table (id bigint, geom geometry, persons integer, households integer)
language sql stable security invoker parallel safe as $$
  select j.id, j.anchor,
         (select count(*)::int from persons p where p.tenant_id = j.tenant_id and p.grid_id = j.id and p.household_id is not null),
         c.n
    from app.tile_grid_anchors(z, x, y) j
    join lateral (select count(*)::int as n from households h where h.tenant_id = j.tenant_id and h.grid_id = j.id) c on c.n > 0
   order by j.id
$$;
comment on function app.tile_households_grid_features(integer, integer, integer, jsonb) is
  'Households in scope on tile z/x/y counted per grid (with the persons living in them), at a point inside the grid.';

create or replace function app.tile_tasks_grid_features(z integer, x integer, y integer, params jsonb default '{}')
returns table (id bigint, geom geometry, kind text, state text, count integer)
language sql stable security invoker parallel safe as $$
  select (j.id << 6) + (array_position(array['verification','check','referral','self_report_overdue'], c.kind) << 3)
           + array_position(array['open','done','cancelled'], c.state),
         j.anchor, c.kind, c.state, c.n
    from app.tile_grid_anchors(z, x, y) j
    join lateral (select t.kind, t.state, count(*)::int as n from tasks t
                   where t.tenant_id = j.tenant_id and t.grid_id = j.id group by t.kind, t.state) c on true
   order by 1
$$;
comment on function app.tile_tasks_grid_features(integer, integer, integer, jsonb) is
  'Tasks in scope on tile z/x/y counted per grid, kind and state, at a point inside the grid.';

create or replace function app.tile_grids_features(z integer, x integer, y integer, params jsonb default '{}')
returns table (id bigint, geom geometry, name text, watching integer, suspected integer, confirmed integer,
               cured integer, dead integer, released integer, closed integer)
language sql stable security invoker parallel safe as $$
  select j.id, j.geom, j.name, c.watching, c.suspected, c.confirmed, c.cured, c.dead, c.released, c.closed
    from jurisdictions j
    cross join app.tile_bbox(z, x, y) as b(bbox)
    left join lateral (
      select count(*) filter (where p.status = 'watching')::int as watching,
             count(*) filter (where p.status = 'suspected')::int as suspected,
             count(*) filter (where p.status = 'confirmed')::int as confirmed,
             count(*) filter (where p.status = 'cured')::int as cured,
             count(*) filter (where p.status = 'dead')::int as dead,
             count(*) filter (where p.status = 'released')::int as released,
             count(*) filter (where p.status = 'closed')::int as closed
        from persons p
       where p.tenant_id = j.tenant_id and p.grid_id = j.id
    ) c on coalesce((params ->> 'counts')::boolean, false)
   where j.tenant_id = app.current_tenant() and j.level = 5
     and j.geom && b.bbox and st_intersects(j.geom, b.bbox)
   order by j.id
$$;
comment on function app.tile_grids_features(integer, integer, integer, jsonb) is
  'Grid polygons in scope on tile z/x/y (WGS-84) with name and, when params.counts, visible persons per status.';

create or replace function app.tile_grids(z integer, x integer, y integer, params jsonb default '{}') returns bytea
language sql stable security invoker parallel safe as $$
  select coalesce(st_asmvt(t, 'grids', 4096, 'geom', 'id'), '')
    from (select f.id, st_asmvtgeom(st_transform(f.geom, 3857), st_tileenvelope(z, x, y), 4096, 64, true) as geom,
                 f.name, f.watching, f.suspected, f.confirmed, f.cured, f.dead, f.released, f.closed
            from app.tile_grids_features(z, x, y, params) f) t
   where t.geom is not null
$$;
comment on function app.tile_grids(integer, integer, integer, jsonb) is
  'MVT layer "grids" of tile z/x/y (feature id = grid id), built on app.tile_grids_features.';

create or replace function app.tile_households_features(z integer, x integer, y integer, params jsonb default '{}')
returns table (id bigint, geom geometry, persons integer)
language sql stable security invoker parallel safe as $$
  select h.id, h.geom,
         (select count(*)::int from persons p where p.tenant_id = h.tenant_id and p.household_id = h.id)
    from households h
    cross join app.tile_bbox(z, x, y) as b(bbox)
   where h.tenant_id = app.current_tenant() and h.geom && b.bbox
   order by h.id
$$;
comment on function app.tile_households_features(integer, integer, integer, jsonb) is
  'Households in scope on tile z/x/y (WGS-84 points) with the number of visible persons living there.';

create or replace function app.tile_households(z integer, x integer, y integer, params jsonb default '{}') returns bytea
language sql stable security invoker parallel safe as $$
  select coalesce(st_asmvt(t, 'households', 4096, 'geom', 'id'), '')
    from (select f.id, st_asmvtgeom(st_transform(f.geom, 3857), st_tileenvelope(z, x, y), 4096, 64, true) as geom, f.persons, f.households
            from (select e.*, 1 as households from app.tile_households_features(z, x, y, params) e where app.tile_exact(params)
                  union all
                  select c.* from app.tile_households_grid_features(z, x, y, params) c where not app.tile_exact(params)) f) t
   where t.geom is not null
$$;
comment on function app.tile_households(integer, integer, integer, jsonb) is
  'MVT layer "households" of tile z/x/y (feature id = household id), built on app.tile_households_features.';

create or replace function app.tile_persons_features(z integer, x integer, y integer, params jsonb default '{}')
returns table (id bigint, geom geometry, status text, severity text)
language sql stable security invoker parallel safe as $$
  -- Never names, ID numbers or phones: a tile is a map symbol, not a record.
  select p.id, p.geom, p.status, p.severity
    from persons p
    cross join app.tile_bbox(z, x, y) as b(bbox)
   where p.tenant_id = app.current_tenant() and p.geom && b.bbox
   order by p.id
$$;
comment on function app.tile_persons_features(integer, integer, integer, jsonb) is
  'Persons in scope on tile z/x/y (WGS-84 points) with status and severity only.';

create or replace function app.tile_persons(z integer, x integer, y integer, params jsonb default '{}') returns bytea
language sql stable security invoker parallel safe as $$
  select coalesce(st_asmvt(t, 'persons', 4096, 'geom', 'id'), '')
    from (select f.id, st_asmvtgeom(st_transform(f.geom, 3857), st_tileenvelope(z, x, y), 4096, 64, true) as geom,
                 f.status, f.severity, f.count
            from (select e.*, 1 as count from app.tile_persons_features(z, x, y, params) e where app.tile_exact(params)
                  union all
                  select c.* from app.tile_persons_grid_features(z, x, y, params) c where not app.tile_exact(params)) f) t
   where t.geom is not null
$$;
comment on function app.tile_persons(integer, integer, integer, jsonb) is
  'MVT layer "persons" of tile z/x/y (feature id = person id), built on app.tile_persons_features.';

create or replace function app.tile_tasks_features(z integer, x integer, y integer, params jsonb default '{}')
returns table (id bigint, geom geometry, kind text, state text)
language sql stable security invoker parallel safe as $$
  select t.id, t.geom, t.kind, t.state
    from tasks t
    cross join app.tile_bbox(z, x, y) as b(bbox)
   where t.tenant_id = app.current_tenant() and t.geom && b.bbox
   order by t.id
$$;
comment on function app.tile_tasks_features(integer, integer, integer, jsonb) is
  'Tasks in scope on tile z/x/y (WGS-84 points) with kind and state.';

create or replace function app.tile_tasks(z integer, x integer, y integer, params jsonb default '{}') returns bytea
language sql stable security invoker parallel safe as $$
  select coalesce(st_asmvt(t, 'tasks', 4096, 'geom', 'id'), '')
    from (select f.id, st_asmvtgeom(st_transform(f.geom, 3857), st_tileenvelope(z, x, y), 4096, 64, true) as geom,
                 f.kind, f.state, f.count
            from (select e.*, 1 as count from app.tile_tasks_features(z, x, y, params) e where app.tile_exact(params)
                  union all
                  select c.* from app.tile_tasks_grid_features(z, x, y, params) c where not app.tile_exact(params)) f) t
   where t.geom is not null
$$;
comment on function app.tile_tasks(integer, integer, integer, jsonb) is
  'MVT layer "tasks" of tile z/x/y (feature id = task id), built on app.tile_tasks_features.';

