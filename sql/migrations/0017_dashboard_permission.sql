-- The command center (issue 5): its permission, and household counts per grid for its overview.

-- 1. dashboard:view for the built-in roles that watch the command center, in tenants that already
--    exist (new tenants get it from api/src/auth/permissions.ts). Grid workers, doctors and
--    checkpoint staff do not get it.
insert into permissions (code, description) values
  ('dashboard:view', 'Open the command center dashboard and its statistics')
on conflict (code) do nothing;

insert into role_permissions (tenant_id, role_id, permission_code)
select r.tenant_id, r.id, 'dashboard:view'
  from roles r
 where r.code in ('commander', 'street_staff', 'community_staff', 'admin')
on conflict do nothing;

-- 2. Households per grid, kept by statement triggers. Counting a city's million households under
--    row-level security took 0.6–3 s on city-L (every row passes the scope predicate); the
--    summary (GET /api/stats/summary) sums these rows instead, still through row-level security.
create table grid_household_counts (
  tenant_id   integer not null,
  grid_id     bigint not null,
  households  integer not null default 0,
  primary key (tenant_id, grid_id),
  foreign key (tenant_id, grid_id) references jurisdictions (tenant_id, id) on delete cascade
);
comment on table grid_household_counts is
  'Number of households per grid, maintained by statement triggers on households; visible exactly when the grid is.';

create function app.shift_household_counts(p_tenants integer[], p_grids bigint[], p_deltas integer[]) returns void
language sql volatile security definer set search_path = public, app as $$
  with d as (
    select u.t as tenant_id, u.g as grid_id, sum(u.n)::integer as n
      from unnest(p_tenants, p_grids, p_deltas) as u (t, g, n)
     where u.g is not null
     group by u.t, u.g
    having sum(u.n) <> 0
  ), lost as (
    update grid_household_counts c set households = c.households + d.n
      from d where d.n < 0 and c.tenant_id = d.tenant_id and c.grid_id = d.grid_id
  )
  -- A grid deleted in the same statement (cascade) has no row to add to.
  insert into grid_household_counts as c (tenant_id, grid_id, households)
  select d.tenant_id, d.grid_id, d.n from d
   where d.n > 0 and exists (select 1 from jurisdictions j where j.tenant_id = d.tenant_id and j.id = d.grid_id)
   order by d.tenant_id, d.grid_id
  on conflict (tenant_id, grid_id) do update set households = c.households + excluded.households
$$;
comment on function app.shift_household_counts(integer[], bigint[], integer[]) is
  'Adds a delta (+n households arrived, -n left) to the counts of (tenant, grid) pairs.';

create function app.count_households() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
declare
  t integer[];
  g bigint[];
  n integer[];
begin
  -- A transition table exists only for its own operation, hence one query per operation.
  if tg_op = 'INSERT' then
    select array_agg(w.tenant_id), array_agg(w.grid_id), array_agg(1) into t, g, n from new_rows w where w.grid_id is not null;
  elsif tg_op = 'DELETE' then
    select array_agg(o.tenant_id), array_agg(o.grid_id), array_agg(-1) into t, g, n from old_rows o where o.grid_id is not null;
  else
    select array_agg(x.tenant_id), array_agg(x.grid_id), array_agg(x.n) into t, g, n
      from (select o.tenant_id, o.grid_id, -1 as n, w.grid_id as other
              from old_rows o join new_rows w on w.tenant_id = o.tenant_id and w.id = o.id
            union all
            select w.tenant_id, w.grid_id, 1, o.grid_id
              from old_rows o join new_rows w on w.tenant_id = o.tenant_id and w.id = o.id) x
     where x.grid_id is distinct from x.other;
  end if;
  if t is not null then
    perform app.shift_household_counts(t, g, n);
  end if;
  return null;
end
$$;
comment on function app.count_households() is
  'Statement trigger: moves the households of a statement between the counts of their grids (grid_household_counts).';

create trigger households_count_insert after insert on households
  referencing new table as new_rows for each statement execute function app.count_households();
create trigger households_count_update after update on households
  referencing old table as old_rows new table as new_rows for each statement execute function app.count_households();
create trigger households_count_delete after delete on households
  referencing old table as old_rows for each statement execute function app.count_households();

insert into grid_household_counts (tenant_id, grid_id, households)
select tenant_id, grid_id, count(*)::integer from households where grid_id is not null group by tenant_id, grid_id;

grant select on grid_household_counts to gec_app;
alter table grid_household_counts enable row level security;
alter table grid_household_counts force row level security;
create policy grid_household_count_scope on grid_household_counts
  using (exists (select 1 from jurisdictions j where j.tenant_id = grid_household_counts.tenant_id and j.id = grid_household_counts.grid_id));
-- 3. Entries into the trend statuses (the summary's daily and cumulative series): a fifth of the
--    events of city-L, read without touching the heap. The predicate is the one of
--    api/src/stats/summary-queries.ts timeline().
create index person_events_entries on person_events (tenant_id, at) include (person_id, to_status)
  where kind in ('created', 'status') and to_status in ('suspected', 'confirmed', 'cured', 'dead')
    and from_status is distinct from to_status;

-- Only the trigger moves counts: the application role may read them, never shift them.
revoke execute on function app.shift_household_counts(integer[], bigint[], integer[]) from public;
