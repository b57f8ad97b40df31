-- Extensions, the unprivileged application role, the app schema and tenants.
create extension if not exists postgis;
create extension if not exists ltree;
create extension if not exists pgcrypto;
create extension if not exists btree_gist;

-- gec_app is the role every API transaction runs as (set local role gec_app, see
-- api/src/db/scope.ts). It owns nothing and has no BYPASSRLS, so row-level security applies.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'gec_app') then
    create role gec_app nologin nobypassrls;
  end if;
end
$$;

create schema if not exists app;
comment on schema app is 'Helper functions for scoping, derivation and security-definer lookups.';
grant usage on schema app to gec_app;
grant usage on schema public to gec_app;

create table tenants (
  id          integer generated always as identity primary key,
  code        text not null unique check (code ~ '^[a-z][a-z0-9_-]{1,39}$'),
  name        text not null,
  settings    jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now()
);
comment on table tenants is 'A city or district using the service; every other row carries its tenant_id.';
