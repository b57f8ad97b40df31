-- Persons per (grid path, status), kept by statement triggers on persons, for the choropleth of
-- the command center's first view (issue 5). Counting a whole city's persons under row-level
-- security took 0.3–1.9 s on city-L (100k persons: every row passes the scope predicate), on the
-- path of the first map. The counts are keyed by the grid's path, which is what the choropleth
-- rolls up, and visible under the same predicate as the persons themselves. A TRUNCATE of persons,
-- or triggers disabled, would leave them wrong (as grid_household_counts, 0017).
create table grid_person_counts (
  tenant_id   integer not null references tenants (id) on delete cascade,
  grid_path   ltree not null,
  status      text not null,
  n           integer not null default 0 check (n >= 0),
  primary key (tenant_id, grid_path, status)
);
comment on table grid_person_counts is
  'Number of persons per (grid path, status), maintained by statement triggers on persons; visible exactly when those persons are.';

create function app.shift_person_counts(p_tenants integer[], p_paths ltree[], p_statuses text[], p_deltas integer[]) returns void
language sql volatile security definer set search_path = public, app as $$
  with d as (
    select u.t as tenant_id, u.p as grid_path, u.s as status, sum(u.n)::integer as n
      from unnest(p_tenants, p_paths, p_statuses, p_deltas) as u (t, p, s, n)
     where u.p is not null
     group by u.t, u.p, u.s
    having sum(u.n) <> 0
  ), lost as (
    update grid_person_counts c set n = c.n + d.n
      from d where d.n < 0 and c.tenant_id = d.tenant_id and c.grid_path = d.grid_path and c.status = d.status
  )
  insert into grid_person_counts as c (tenant_id, grid_path, status, n)
  select d.tenant_id, d.grid_path, d.status, d.n from d
   where d.n > 0
   order by d.tenant_id, d.grid_path, d.status
  on conflict (tenant_id, grid_path, status) do update set n = c.n + excluded.n
$$;
comment on function app.shift_person_counts(integer[], ltree[], text[], integer[]) is
  'Adds a delta (+n persons arrived in, -n left) to the counts of (tenant, grid path, status).';

create function app.count_persons() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
declare
  t integer[];
  p ltree[];
  s text[];
  n integer[];
begin
  -- A transition table exists only for its own operation, hence one query per operation.
  if tg_op = 'INSERT' then
    select array_agg(w.tenant_id), array_agg(w.grid_path), array_agg(w.status), array_agg(1)
      into t, p, s, n from new_rows w where w.grid_path is not null;
  elsif tg_op = 'DELETE' then
    select array_agg(o.tenant_id), array_agg(o.grid_path), array_agg(o.status), array_agg(-1)
      into t, p, s, n from old_rows o where o.grid_path is not null;
  else
    select array_agg(x.tenant_id), array_agg(x.grid_path), array_agg(x.status), array_agg(x.n) into t, p, s, n
      from (select o.tenant_id, o.grid_path, o.status, -1 as n
              from old_rows o join new_rows w on w.tenant_id = o.tenant_id and w.id = o.id
             where (o.grid_path, o.status) is distinct from (w.grid_path, w.status)
            union all
            select w.tenant_id, w.grid_path, w.status, 1
              from old_rows o join new_rows w on w.tenant_id = o.tenant_id and w.id = o.id
             where (o.grid_path, o.status) is distinct from (w.grid_path, w.status)) x
     where x.grid_path is not null;
  end if;
  if t is not null then
    perform app.shift_person_counts(t, p, s, n);
  end if;
  return null;
end
$$;
comment on function app.count_persons() is
  'Statement trigger: moves the persons of a statement between the counts of their (grid path, status) (grid_person_counts).';

create trigger persons_count_insert after insert on persons
  referencing new table as new_rows for each statement execute function app.count_persons();
create trigger persons_count_update after update on persons
  referencing old table as old_rows new table as new_rows for each statement execute function app.count_persons();
create trigger persons_count_delete after delete on persons
  referencing old table as old_rows for each statement execute function app.count_persons();

insert into grid_person_counts (tenant_id, grid_path, status, n)
select tenant_id, grid_path, status, count(*)::integer from persons where grid_path is not null group by tenant_id, grid_path, status;

grant select on grid_person_counts to gec_app;
alter table grid_person_counts enable row level security;
alter table grid_person_counts force row level security;
create policy grid_person_count_scope on grid_person_counts using (app.in_scope(tenant_id, grid_path));

-- Only the trigger moves counts: the application role may read them, never shift them.
revoke execute on function app.shift_person_counts(integer[], ltree[], text[], integer[]) from public;
