-- The jurisdiction tree: city > district > street > community > grid.
create table jurisdictions (
  tenant_id   integer not null references tenants (id) on delete cascade,
  id          bigint generated always as identity,
  parent_id   bigint,
  code        text not null,
  name        text not null,
  level       smallint not null check (level between 1 and 5),
  path        ltree not null,
  geom        geometry(MultiPolygon, 4326) not null check (st_isvalid(geom)),
  label_point geometry(Point, 4326) not null,
  area_m2     double precision not null default 0,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, code),
  foreign key (tenant_id, parent_id) references jurisdictions (tenant_id, id) on delete cascade,
  check ((level = 1) = (parent_id is null))
);
comment on table jurisdictions is
  'Jurisdiction nodes (1 city, 2 district, 3 street, 4 community, 5 grid); path is the ltree of node ids from the root.';
comment on column jurisdictions.path is 'Materialized path of labels j<id> from the root, maintained by trigger.';

create index jurisdictions_geom_gist on jurisdictions using gist (tenant_id, geom);
create index jurisdictions_path_gist on jurisdictions using gist (tenant_id, path);
create index jurisdictions_parent on jurisdictions (tenant_id, parent_id);
create index jurisdictions_level on jurisdictions (tenant_id, level);
