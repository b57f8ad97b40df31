-- Households and the person register (requirements §5.1, 44 fields in five groups).
create table households (
  tenant_id   integer not null references tenants (id) on delete cascade,
  id          bigint generated always as identity,
  geom        geometry(Point, 4326) not null,
  address     text not null check (length(address) between 2 and 200),
  building    text,
  unit        text,
  room        text,
  -- derived by containment (app.derive_grid), never written by callers
  grid_id     bigint,
  grid_path   ltree,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, grid_id) references jurisdictions (tenant_id, id) on delete set null
);
comment on table households is 'Dwellings as points; grid_id/grid_path are derived from the geometry by PostGIS containment.';
create index households_geom_gist on households using gist (tenant_id, geom);
create index households_path_gist on households using gist (tenant_id, grid_path);
create index households_grid on households (tenant_id, grid_id);

create table persons (
  tenant_id                 integer not null references tenants (id) on delete cascade,
  id                        bigint generated always as identity,
  -- 1. identity (身份信息)
  name                      text not null check (length(name) between 1 and 50),
  id_type                   text not null default 'resident_id'
                            check (id_type in ('resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'other')),
  id_number_enc             bytea,
  id_number_hash            bytea,
  id_number_masked          text,
  native_place              text,
  sex                       text check (sex in ('male', 'female')),
  birth_date                date,
  age                       smallint check (age between 0 and 130),
  arrival_category          text check (arrival_category in ('resident', 'new_arrival', 'returning_worker')),
  address                   text,
  household_id              bigint,
  geom                      geometry(Point, 4326),
  phone_enc                 bytea,
  phone_hash                bytea,
  phone_masked              text,
  emergency_phone_enc       bytea,
  emergency_phone_masked    text,
  -- 2. health (健康信息); temperature records are rows of temperature_readings
  conditions                text[] not null default '{}'
                            check (conditions <@ array['none', 'fever', 'cough', 'vomiting', 'diarrhoea', 'rash', 'headache', 'other']),
  condition_note            text,
  post_release_state        text check (post_release_state in ('centralized_treatment', 'free')),
  isolation_confirmed_at    timestamptz,
  observation_start         date,
  observation_end           date,
  observation_days          integer generated always as (observation_end - observation_start) stored,
  -- 3. trajectory (轨迹信息)
  arrived_at                date,
  arrival_transport         text check (arrival_transport in ('plane', 'train', 'coach', 'car', 'ship', 'other')),
  arrival_trip_no           text,
  wuhan_history             boolean,
  hubei_history             boolean,
  contact_with_exposed      boolean,
  wild_animal_contact       boolean,
  wet_market_visit          boolean,
  infection_route           text check (infection_route in ('imported', 'local_contact', 'cluster', 'unknown')),
  -- 4. management (管理信息)
  source                    text not null check (source in ('cdc', 'self_declared', 'three_person_team', 'grid_survey',
                              'checkpoint', 'citizen_report', 'close_contact', 'enterprise', 'doctor_survey', 'other')),
  notice_signed             boolean,
  home_guide_given          boolean,
  enterprise_managed        boolean,
  handover_person           text,
  isolation_start_evidence  text,
  observation_mode          text check (observation_mode in ('home', 'centralized')),
  observation_place         text,
  centralized_room_no       text,
  housing_type              text check (housing_type in ('owned', 'rented', 'dormitory', 'hotel', 'other')),
  co_resident_count         smallint check (co_resident_count between 0 and 50),
  co_residents              jsonb not null default '[]'::jsonb,
  inspector_attendance      jsonb not null default '[]'::jsonb,
  visit_contact             text,
  release_notice_issued     boolean not null default false,
  -- follow-up behaviour log (后续行为动态记录) is person_events
  -- 5. decision (决策信息)
  comparison_model          jsonb not null default '{}'::jsonb,
  periodic_reporting        jsonb not null default '{}'::jsonb,
  -- status (§4.1.7)
  status                    text not null check (status in ('watching', 'suspected', 'confirmed', 'cured', 'dead', 'released', 'closed')),
  severity                  text check (severity in ('mild', 'severe', 'critical')),
  status_changed_at         timestamptz not null default now(),
  -- derived by containment from geom, never written by callers
  grid_id                   bigint,
  grid_path                 ltree,
  version                   integer not null default 1,
  created_by                bigint,
  created_at                timestamptz not null default now(),
  updated_at                timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, household_id) references households (tenant_id, id) on delete set null,
  foreign key (tenant_id, grid_id) references jurisdictions (tenant_id, id) on delete set null,
  check ((status = 'confirmed') = (severity is not null)),
  check (observation_end is null or observation_start is null or observation_end >= observation_start),
  check (jsonb_typeof(co_residents) = 'array' and jsonb_typeof(inspector_attendance) = 'array')
);
comment on table persons is 'The epidemic person register (疫情人员); ID number and phones are encrypted by the API with a keyed hash for lookup.';
comment on column persons.id_number_hash is 'HMAC-SHA256 of the normalised ID number under the lookup key: lookup and duplicate detection.';
create index persons_geom_gist on persons using gist (tenant_id, geom);
create index persons_path_gist on persons using gist (tenant_id, grid_path);
create index persons_status on persons (tenant_id, status, status_changed_at);
create index persons_source on persons (tenant_id, source);
create index persons_grid on persons (tenant_id, grid_id);
create index persons_id_hash on persons (tenant_id, id_number_hash);
create index persons_phone_hash on persons (tenant_id, phone_hash);
create index persons_household on persons (tenant_id, household_id);
create unique index persons_id_number_unique on persons (tenant_id, id_type, id_number_hash)
  where id_number_hash is not null and status <> 'closed';

create table person_events (
  tenant_id     integer not null,
  id            bigint generated always as identity,
  person_id     bigint not null,
  kind          text not null check (kind in ('created', 'status', 'edit')),
  actor_id      bigint,
  at            timestamptz not null default now(),
  from_status   text,
  to_status     text,
  from_severity text,
  to_severity   text,
  changes       jsonb not null default '{}'::jsonb,
  reason        text,
  primary key (tenant_id, id),
  foreign key (tenant_id, person_id) references persons (tenant_id, id) on delete cascade
);
comment on table person_events is 'Every creation, status change and edit of a person (后续行为动态记录); personal values are never copied here in clear.';
create index person_events_person on person_events (tenant_id, person_id, at);
create index person_events_at on person_events (tenant_id, at);

create table temperature_readings (
  tenant_id    integer not null,
  id           bigint generated always as identity,
  person_id    bigint not null,
  kind         text not null check (kind in ('self', 'measured')),
  celsius      numeric(3, 1) not null check (celsius between 30 and 45),
  measured_by  text,
  recorder_id  bigint,
  taken_at     timestamptz not null,
  recorded_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, person_id) references persons (tenant_id, id) on delete cascade
);
comment on table temperature_readings is 'Self-measured (自查) and measured (被动测量) temperatures with who measured (体温检测执行人).';
create index temperature_readings_person on temperature_readings (tenant_id, person_id, taken_at);

create table audit_log (
  tenant_id    integer not null,
  id           bigint generated always as identity,
  at           timestamptz not null default now(),
  user_id      bigint,
  action       text not null,
  object_type  text,
  object_id    text,
  ip           inet,
  result       text not null check (result in ('ok', 'denied', 'error')),
  detail       jsonb not null default '{}'::jsonb,
  primary key (tenant_id, id)
);
comment on table audit_log is 'Who did what to which object, when, from where, and with what result; reveals of personal data included.';
create index audit_log_at on audit_log (tenant_id, at);
create index audit_log_object on audit_log (tenant_id, object_type, object_id);
