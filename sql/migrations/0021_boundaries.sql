-- Boundaries in and out (issue 11): uploaded boundary files staged and validated in PostGIS,
-- versions of the jurisdiction tree (each a full copy of its nodes), rollback, the per-tenant
-- attribute mapping, and the permission that guards it all. The tree itself is changed only by
-- app.apply_boundary_tree (sql/functions/boundaries.sql), called by api/src/boundaries.

-- 1. boundary:manage for the admin role of tenants that already exist (new tenants get it from
--    api/src/auth/permissions.ts).
insert into permissions (code, description) values
  ('boundary:manage', 'Upload and validate jurisdiction boundaries, apply them as a new version, export and roll back versions')
on conflict (code) do nothing;

insert into role_permissions (tenant_id, role_id, permission_code)
select r.tenant_id, r.id, 'boundary:manage' from roles r where r.code = 'admin'
on conflict do nothing;

-- 2. Uploads. A row per uploaded file (or per rollback, which validates an earlier version the same
--    way); its mapped nodes and the rest of the tree they would form are staged beside it.
create table boundary_imports (
  tenant_id             integer not null references tenants (id) on delete cascade,
  id                    bigint generated always as identity,
  status                text not null check (status in ('invalid', 'valid', 'applied', 'superseded')),
  source                text not null default 'upload' check (source in ('upload', 'rollback')),
  file_name             text not null,
  file_format           text not null,
  crs                   jsonb not null,
  property_names        jsonb not null default '[]'::jsonb,
  feature_count         integer not null,
  mapping               jsonb,
  mapper_problems       jsonb not null default '[]'::jsonb,
  sliver_m2             double precision not null check (sliver_m2 >= 0),
  overlap_tolerance_m2  double precision not null check (overlap_tolerance_m2 >= 0),
  base_version_id       bigint,
  applied_version_id    bigint,
  report                jsonb,
  created_at            timestamptz not null default now(),
  created_by            bigint,
  primary key (tenant_id, id),
  foreign key (tenant_id, created_by) references users (tenant_id, id) on delete set null (created_by)
);
comment on table boundary_imports is
  'Uploaded boundary files (and rollbacks): the mapping and thresholds used, the tree version they were validated against, and the validation report.';
comment on column boundary_imports.mapper_problems is 'Problems of the attribute mapping (missing code, bad level …), kept to rebuild the report after a repair.';
comment on column boundary_imports.base_version_id is 'The current version when the import was validated: applying it later needs the same current version.';
create index boundary_imports_created on boundary_imports (tenant_id, created_at);

create table boundary_import_nodes (
  tenant_id      integer not null,
  import_id      bigint not null,
  id             bigint generated always as identity,
  origin         text not null check (origin in ('file', 'kept', 'removed')),
  feature_index  integer,
  code           text,
  name           text,
  level          smallint check (level between 1 and 5),
  parent_code    text,
  geom_raw       geometry(Geometry, 4326),
  geom           geometry(Geometry, 4326),
  repair         text check (repair in ('accepted', 'refused')),
  usable         boolean not null default false,
  area_m2        double precision,
  reshaped       boolean,
  primary key (tenant_id, import_id, id),
  foreign key (tenant_id, import_id) references boundary_imports (tenant_id, id) on delete cascade,
  check ((origin = 'file') = (feature_index is not null))
);
comment on table boundary_import_nodes is
  'Staging of an import: the file''s features as nodes (origin file, geometry as uploaded and as used after an accepted repair) and '
  'the current nodes the file leaves in place (origin kept) — together the whole tree the import would make — and the current nodes it removes (origin removed).';
comment on column boundary_import_nodes.usable is 'Polygonal, non-empty and valid: takes part in the spatial checks.';
comment on column boundary_import_nodes.reshaped is 'For a file node whose code is in the current tree: whether its boundary differs (null: a new code or unusable).';
create unique index boundary_import_nodes_feature on boundary_import_nodes (tenant_id, import_id, feature_index) where feature_index is not null;
create index boundary_import_nodes_code on boundary_import_nodes (tenant_id, import_id, code);
create index boundary_import_nodes_parent on boundary_import_nodes (tenant_id, import_id, parent_code);
create index boundary_import_nodes_geom on boundary_import_nodes using gist (tenant_id, import_id, geom);

create table boundary_import_problems (
  tenant_id      integer not null,
  import_id      bigint not null,
  id             bigint generated always as identity,
  severity       text not null check (severity in ('error', 'warning')),
  problem        text not null,
  feature_index  integer,
  code           text,
  other_code     text,
  area_m2        double precision,
  location       geometry(Point, 4326),
  geom           geometry(Geometry, 4326),
  message        text not null,
  repairable     boolean,
  primary key (tenant_id, import_id, id),
  foreign key (tenant_id, import_id) references boundary_imports (tenant_id, id) on delete cascade
);
comment on table boundary_import_problems is
  'Problems found by the validation of an import (recomputed after each repair decision), located where PostGIS can say where.';

-- 3. Versions: version 1 is the tree as it was before the first import; every apply and rollback
--    adds one. Each keeps a copy of its nodes, so every version stays readable and exportable.
create table boundary_versions (
  tenant_id            integer not null references tenants (id) on delete cascade,
  id                   bigint generated always as identity,
  number               integer not null check (number >= 1),
  source               text not null check (source in ('initial', 'import', 'rollback')),
  import_id            bigint,
  restored_version_id  bigint,
  counts               jsonb not null,
  diff                 jsonb,
  created_at           timestamptz not null default now(),
  created_by           bigint,
  primary key (tenant_id, id),
  unique (tenant_id, number),
  foreign key (tenant_id, import_id) references boundary_imports (tenant_id, id) on delete set null (import_id),
  foreign key (tenant_id, restored_version_id) references boundary_versions (tenant_id, id) on delete set null (restored_version_id),
  foreign key (tenant_id, created_by) references users (tenant_id, id) on delete set null (created_by)
);
comment on table boundary_versions is
  'Versions of a tenant''s jurisdiction tree; the highest number is the current one. counts: {nodes, byLevel}; diff: counts of changes against the previous version (null for version 1).';

create table boundary_version_nodes (
  tenant_id    integer not null,
  version_id   bigint not null,
  code         text not null,
  name         text not null,
  level        smallint not null check (level between 1 and 5),
  parent_code  text,
  geom         geometry(MultiPolygon, 4326) not null,
  primary key (tenant_id, version_id, code),
  foreign key (tenant_id, version_id) references boundary_versions (tenant_id, id) on delete cascade
);
comment on table boundary_version_nodes is 'The nodes of a version (code, name, level, parent code, boundary) as they were when it was made.';

alter table boundary_imports
  add foreign key (tenant_id, base_version_id) references boundary_versions (tenant_id, id) on delete set null (base_version_id),
  add foreign key (tenant_id, applied_version_id) references boundary_versions (tenant_id, id) on delete set null (applied_version_id);

-- 4. The attribute mapping a tenant used last, offered for its next upload.
create table boundary_mappings (
  tenant_id   integer primary key references tenants (id) on delete cascade,
  mapping     jsonb not null,
  updated_at  timestamptz not null default now(),
  updated_by  bigint,
  foreign key (tenant_id, updated_by) references users (tenant_id, id) on delete set null (updated_by)
);
comment on table boundary_mappings is 'The attribute mapping (level, code, name, parent code) of a tenant''s last upload.';

-- 5. Version 1 of every tenant that already has a tree. Tenants made later (the demo-city generator,
--    onboarding) get theirs from the API before their first import is validated.
with made as (
  insert into boundary_versions (tenant_id, number, source, counts)
  select j.tenant_id, 1, 'initial',
         jsonb_build_object('nodes', sum(j.n), 'byLevel', jsonb_object_agg(j.level::text, j.n))
    from (select tenant_id, level, count(*)::integer as n from jurisdictions group by tenant_id, level) j
   group by j.tenant_id
  returning tenant_id, id
)
insert into boundary_version_nodes (tenant_id, version_id, code, name, level, parent_code, geom)
select m.tenant_id, m.id, j.code, j.name, j.level, p.code, j.geom
  from made m
  join jurisdictions j on j.tenant_id = m.tenant_id
  left join jurisdictions p on p.tenant_id = j.tenant_id and p.id = j.parent_id;

-- 6. A live event tells open dashboards that the tree changed (they reload their map and counts).
alter table live_events drop constraint live_events_type_check;
alter table live_events add constraint live_events_type_check
  check (type in ('report', 'status', 'task_created', 'task_done', 'alert', 'boundaries_changed'));

-- 7. Applying a version changes the tree in several statements; each would re-derive every point of
--    the tenant (0012). The apply sets app.defer_rederive for those statements and re-derives once.
create or replace function app.rederive_after_boundary_change() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
declare
  t integer;
begin
  if current_setting('app.defer_rederive', true) = 'on' then
    return null;
  end if;
  for t in select distinct tenant_id from changed_rows where level = 5 loop
    perform app.rederive_grids(t);
  end loop;
  return null;
end
$$;
comment on function app.rederive_after_boundary_change() is
  'Statement trigger: when grids are inserted, moved or deleted, every point of their tenants gets its grid again '
  '(unless app.defer_rederive is on: a boundary apply re-derives once at its end).';

-- 8. Privileges and tenant isolation.
grant select, insert, update on boundary_imports, boundary_mappings to gec_app;
grant select, insert, update, delete on boundary_import_nodes to gec_app;
grant select, insert, delete on boundary_import_problems to gec_app;
grant select, insert on boundary_versions, boundary_version_nodes to gec_app;

do $$
declare
  t text;
begin
  foreach t in array array['boundary_imports', 'boundary_import_nodes', 'boundary_import_problems',
                           'boundary_versions', 'boundary_version_nodes', 'boundary_mappings'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_isolation on %I using (app.in_tenant(tenant_id)) with check (app.in_tenant(tenant_id))', t);
  end loop;
end
$$;
