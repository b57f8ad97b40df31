-- Excel imports of persons (requirements §4.2.1, issue 12): a job per upload with its progress, and
-- its rows staged for set-based checks and one set-based insert (sql/functions/person_imports.sql).
--
-- A job belongs to the user who started it: the uploaded file and the staged rows hold personal
-- data in clear, so even the tenant's other users do not see them (policy below). A job still
-- running when the server starts was interrupted by a restart: the API marks it failed at start
-- (api/src/person-data/imports.ts failInterruptedImports) and the user uploads again.

create table person_imports (
  tenant_id     integer not null references tenants (id) on delete cascade,
  id            bigint generated always as identity,
  user_id       bigint,
  file_name     text not null check (length(file_name) between 1 and 255),
  file          bytea not null,
  mode          text not null check (mode in ('all_or_nothing', 'valid_rows')),
  status        text not null default 'running' check (status in ('running', 'done', 'failed')),
  phase         text not null default 'reading' check (phase in ('reading', 'checking', 'writing', 'finished')),
  rows_read     integer not null default 0,
  rows_valid    integer not null default 0,
  rows_invalid  integer not null default 0,
  rows_written  integer not null default 0,
  error         text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  finished_at   timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete set null (user_id)
);
comment on table person_imports is
  'Excel imports of persons: the uploaded file, the mode (all_or_nothing or valid_rows), progress counts and outcome. Seen only by the user who started it.';
create index person_imports_user on person_imports (tenant_id, user_id, created_at desc);
create index person_imports_running on person_imports (status) where status = 'running';

create table person_import_rows (
  tenant_id     integer not null,
  id            bigint generated always as identity,
  import_id     bigint not null,
  row_no        integer not null,
  -- [{field, header, message}]; empty when the row is valid
  errors        jsonb not null default '[]'::jsonb check (jsonb_typeof(errors) = 'array'),
  -- the persons columns of a row that read well (encrypted values as bytea hex), null otherwise
  record        jsonb,
  id_type       text,
  id_hash       bytea,
  address       text,
  household_id  bigint,
  geom          geometry(Point, 4326),
  note          text,
  -- written only by the security-definer functions of sql/functions/person_imports.sql
  grid_id       bigint,
  grid_path     ltree,
  checked       boolean not null default false,
  person_id     bigint,
  primary key (tenant_id, id),
  foreign key (tenant_id, import_id) references person_imports (tenant_id, id) on delete cascade
);
comment on table person_import_rows is
  'Rows of a person import staged for the set-based checks (address geocoding, scope, duplicates) and insert; valid rows are removed once written, rows with errors stay for the error report.';
create index person_import_rows_import on person_import_rows (tenant_id, import_id, row_no);
create index person_import_rows_geom on person_import_rows using gist (tenant_id, geom);

-- The application writes the rows it read, never their grid, check mark or person (column grants).
grant select, insert, update, delete on person_imports to gec_app;
grant select, delete on person_import_rows to gec_app;
grant insert (tenant_id, import_id, row_no, errors, record, id_type, id_hash, address, household_id, geom, note)
  on person_import_rows to gec_app;

alter table person_imports enable row level security;
alter table person_imports force row level security;
create policy person_import_owner on person_imports
  using (app.in_tenant(tenant_id) and user_id = app.current_user_id())
  with check (app.in_tenant(tenant_id) and user_id = app.current_user_id());

alter table person_import_rows enable row level security;
alter table person_import_rows force row level security;
create policy person_import_row_owner on person_import_rows
  using (exists (select 1 from person_imports i where i.tenant_id = person_import_rows.tenant_id and i.id = person_import_rows.import_id))
  with check (exists (select 1 from person_imports i where i.tenant_id = person_import_rows.tenant_id and i.id = person_import_rows.import_id));
