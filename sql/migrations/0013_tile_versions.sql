-- A per-tenant data version for vector tiles: any write to the mapped tables bumps it, so a tile's
-- ETag and the API's tile cache change with the data (api/src/tiles/service.ts).
create table tile_versions (
  tenant_id   integer primary key references tenants (id) on delete cascade,
  version     bigint not null default 1,
  changed_at  timestamptz not null default now()
);
comment on table tile_versions is 'Data version per tenant, bumped by statement triggers on every mapped table; keys tile ETags and caches.';

create function app.bump_tile_version() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
begin
  -- A tenant being deleted (its rows go by cascade) has no version to bump.
  insert into tile_versions (tenant_id)
  select distinct c.tenant_id from changed_rows c where exists (select 1 from tenants t where t.id = c.tenant_id)
  on conflict (tenant_id) do update set version = tile_versions.version + 1, changed_at = now();
  return null;
end
$$;
comment on function app.bump_tile_version() is
  'Statement trigger: bumps the tile data version of every tenant whose rows the statement changed.';

do $$
declare
  t text;
begin
  foreach t in array array['jurisdictions', 'households', 'persons', 'reports', 'tasks'] loop
    execute format('create trigger %I after insert on %I referencing new table as changed_rows
                      for each statement execute function app.bump_tile_version()', t || '_tile_version_insert', t);
    execute format('create trigger %I after update on %I referencing new table as changed_rows
                      for each statement execute function app.bump_tile_version()', t || '_tile_version_update', t);
    execute format('create trigger %I after delete on %I referencing old table as changed_rows
                      for each statement execute function app.bump_tile_version()', t || '_tile_version_delete', t);
  end loop;
end
$$;

grant select on tile_versions to gec_app;
alter table tile_versions enable row level security;
create policy tenant_isolation on tile_versions using (app.in_tenant(tenant_id));
