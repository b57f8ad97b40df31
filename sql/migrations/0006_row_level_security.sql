-- Jurisdiction scoping and tenant isolation, the second wall behind withScope() (api/src/db/scope.ts).
-- The caller is set per transaction with set_config(..., true): app.tenant_id, app.user_id and
-- app.scope (an ltree[] of the caller's jurisdiction nodes). Nothing set, nothing visible.

create function app.current_tenant() returns integer
language sql stable parallel safe as $$ select nullif(current_setting('app.tenant_id', true), '')::integer $$;
comment on function app.current_tenant() is 'Tenant of the calling transaction, or null when no caller is set.';

create function app.current_user_id() returns bigint
language sql stable parallel safe as $$ select nullif(current_setting('app.user_id', true), '')::bigint $$;
comment on function app.current_user_id() is 'Staff user of the calling transaction, or null.';

create function app.current_scope() returns ltree[]
language sql stable parallel safe as $$ select nullif(current_setting('app.scope', true), '')::ltree[] $$;
comment on function app.current_scope() is 'Jurisdiction paths the caller may see (their subtrees), or null.';

create function app.in_scope(row_tenant integer, row_path ltree) returns boolean
language sql stable parallel safe as $$
  select row_tenant = app.current_tenant() and row_path <@ app.current_scope()
$$;
comment on function app.in_scope(integer, ltree) is
  'The one scoping predicate: the row belongs to the caller''s tenant and lies under one of the caller''s nodes.';

create function app.in_tenant(row_tenant integer) returns boolean
language sql stable parallel safe as $$ select row_tenant = app.current_tenant() $$;
comment on function app.in_tenant(integer) is 'Tenant isolation for tables that are not scoped by jurisdiction.';

-- Privileges of the application role: data only, no DDL, no ownership.
grant select on permissions to gec_app;
grant select on tenants to gec_app;
grant select on jurisdictions to gec_app;
grant select, insert, update, delete on roles, role_permissions, departments, positions, position_roles,
  users, user_positions, user_scopes, sessions to gec_app;
grant select, insert, update on households, persons to gec_app;
grant select, insert on person_events, temperature_readings, audit_log to gec_app;
grant execute on all functions in schema app to gec_app;

alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenant_self on tenants using (id = app.current_tenant());

do $$
declare
  t text;
begin
  foreach t in array array['roles', 'role_permissions', 'departments', 'positions', 'position_roles',
                           'users', 'user_positions', 'user_scopes', 'sessions', 'audit_log'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_isolation on %I using (app.in_tenant(tenant_id)) with check (app.in_tenant(tenant_id))', t);
  end loop;
end
$$;

alter table jurisdictions enable row level security;
alter table jurisdictions force row level security;
create policy jurisdiction_scope on jurisdictions using (app.in_scope(tenant_id, path));

alter table households enable row level security;
alter table households force row level security;
create policy household_scope on households
  using (app.in_scope(tenant_id, grid_path)) with check (app.in_scope(tenant_id, grid_path));

alter table persons enable row level security;
alter table persons force row level security;
create policy person_scope on persons
  using (app.in_scope(tenant_id, grid_path)) with check (app.in_scope(tenant_id, grid_path));

-- Events and readings are visible exactly when their person is (the person policy applies inside).
alter table person_events enable row level security;
alter table person_events force row level security;
create policy person_event_scope on person_events
  using (exists (select 1 from persons p where p.tenant_id = person_events.tenant_id and p.id = person_events.person_id))
  with check (exists (select 1 from persons p where p.tenant_id = person_events.tenant_id and p.id = person_events.person_id));

alter table temperature_readings enable row level security;
alter table temperature_readings force row level security;
create policy temperature_reading_scope on temperature_readings
  using (exists (select 1 from persons p where p.tenant_id = temperature_readings.tenant_id and p.id = temperature_readings.person_id))
  with check (exists (select 1 from persons p where p.tenant_id = temperature_readings.tenant_id and p.id = temperature_readings.person_id));
