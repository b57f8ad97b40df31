-- Field workflows, part 2 (requirements §4.1.6, §4.1.8): check rules of a tenant, doctors' checks
-- and residents' self-reports, alerts on abnormal readings, and uploaded photos.

create table check_rules (
  tenant_id                 integer primary key references tenants (id) on delete cascade,
  statuses                  text[] not null default '{watching,suspected}'
                            check (cardinality(statuses) between 1 and 5
                                   and statuses <@ array['watching', 'suspected', 'confirmed', 'cured', 'released']),
  check_times               time[] not null default '{09:00,15:00}' check (cardinality(check_times) between 1 and 6),
  observation_days          smallint not null default 14 check (observation_days between 1 and 60),
  fever_threshold           numeric(3, 1) not null default 37.3 check (fever_threshold between 36.0 and 40.0),
  self_report_overdue_hours smallint not null default 24 check (self_report_overdue_hours between 1 and 168),
  timezone                  text not null default 'Asia/Shanghai',
  updated_by                bigint,
  updated_at                timestamptz not null default now(),
  foreign key (tenant_id, updated_by) references users (tenant_id, id) on delete set null (updated_by)
);
comment on table check_rules is 'Check rules of a tenant (one row, inserted with the defaults on first use): who is checked, when, the observation length, the fever threshold and the self-report window.';
comment on column check_rules.check_times is 'Local times (in timezone) of the daily checks; their count is the number of checks a day.';
comment on column check_rules.observation_days is 'Observation length for persons without an observation_end of their own.';

create table files (
  tenant_id    integer not null references tenants (id) on delete cascade,
  id           bigint generated always as identity,
  person_id    bigint not null,
  sha256       text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  mime         text not null check (mime in ('image/jpeg', 'image/png', 'image/webp')),
  size         integer not null check (size between 1 and 5242880),
  storage_key  text not null,
  created_by   bigint,
  created_at   timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, person_id) references persons (tenant_id, id) on delete cascade,
  foreign key (tenant_id, created_by) references users (tenant_id, id) on delete set null (created_by)
);
comment on table files is 'Uploaded photos (type checked by content); the bytes live in the storage under storage_key, keyed by content hash.';
create index files_person on files (tenant_id, person_id, created_at);

create table health_checks (
  tenant_id         integer not null references tenants (id) on delete cascade,
  id                bigint generated always as identity,
  person_id         bigint not null,
  kind              text not null check (kind in ('doctor', 'self')),
  fever             boolean not null default false,
  cough             boolean not null default false,
  fatigue           boolean not null default false,
  short_breath      boolean not null default false,
  temperature       numeric(3, 1) check (temperature between 30 and 45),
  abnormal          boolean not null,
  photo_id          bigint,
  description       text check (length(description) <= 500),
  geom              geometry(Point, 4326),
  address_detail    text check (length(address_detail) <= 200),
  task_id           bigint,
  recorder_user_id  bigint,
  citizen_id        bigint,
  device_time       timestamptz,
  created_at        timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, person_id) references persons (tenant_id, id) on delete cascade,
  foreign key (tenant_id, photo_id) references files (tenant_id, id) on delete set null (photo_id),
  foreign key (tenant_id, task_id) references tasks (tenant_id, id) on delete set null (task_id),
  foreign key (tenant_id, recorder_user_id) references users (tenant_id, id) on delete set null (recorder_user_id),
  foreign key (tenant_id, citizen_id) references citizens (tenant_id, id) on delete set null (citizen_id)
);
comment on table health_checks is 'Health checks by doctors (上门检查) and self-reports of quarantined residents (自报): symptoms, temperature, place; device and server time.';
comment on column health_checks.abnormal is 'Temperature at or above the fever threshold in force, or any symptom, when the reading was recorded.';
create index health_checks_person on health_checks (tenant_id, person_id, created_at);
create index health_checks_created on health_checks (tenant_id, created_at);
create index health_checks_citizen on health_checks (tenant_id, citizen_id, created_at) where citizen_id is not null;
create index health_checks_abnormal on health_checks (tenant_id, person_id, created_at) where abnormal;

create table alerts (
  tenant_id        integer not null references tenants (id) on delete cascade,
  id               bigint generated always as identity,
  person_id        bigint not null,
  kind             text not null check (kind in ('abnormal_reading')),
  detail           jsonb not null default '{}'::jsonb,
  created_at       timestamptz not null default now(),
  acknowledged_at  timestamptz,
  acknowledged_by  bigint,
  primary key (tenant_id, id),
  foreign key (tenant_id, person_id) references persons (tenant_id, id) on delete cascade,
  foreign key (tenant_id, acknowledged_by) references users (tenant_id, id) on delete set null (acknowledged_by)
);
comment on table alerts is 'Live alerts (abnormal readings) for the command center; also announced on the gec_events channel.';
create index alerts_open on alerts (tenant_id, created_at) where acknowledged_at is null;
create index alerts_person on alerts (tenant_id, person_id, created_at);

-- Scheduled jobs act for every tenant in turn; gec_app cannot list tenants otherwise.
create function app.tenant_ids() returns setof integer
language sql stable security definer set search_path = public, app as $$ select id from tenants order by id $$;
comment on function app.tenant_ids() is 'Every tenant id: the loop of scheduled jobs, which then act per tenant with tenant-wide scope.';

grant select, insert, update on check_rules, alerts to gec_app;
grant select, insert on files, health_checks to gec_app;
grant execute on function app.tenant_ids() to gec_app;

alter table check_rules enable row level security;
alter table check_rules force row level security;
create policy tenant_isolation on check_rules using (app.in_tenant(tenant_id)) with check (app.in_tenant(tenant_id));

-- Files and alerts are visible exactly when their person is.
alter table files enable row level security;
alter table files force row level security;
create policy file_scope on files
  using (exists (select 1 from persons p where p.tenant_id = files.tenant_id and p.id = files.person_id))
  with check (exists (select 1 from persons p where p.tenant_id = files.tenant_id and p.id = files.person_id));

alter table alerts enable row level security;
alter table alerts force row level security;
create policy alert_scope on alerts
  using (exists (select 1 from persons p where p.tenant_id = alerts.tenant_id and p.id = alerts.person_id))
  with check (exists (select 1 from persons p where p.tenant_id = alerts.tenant_id and p.id = alerts.person_id));

-- A check is seen by staff who see the person, and a self-report also by the citizen who sent it.
alter table health_checks enable row level security;
alter table health_checks force row level security;
create policy health_check_scope on health_checks
  using (exists (select 1 from persons p where p.tenant_id = health_checks.tenant_id and p.id = health_checks.person_id)
         or (app.in_tenant(tenant_id) and citizen_id = app.current_citizen()))
  with check (exists (select 1 from persons p where p.tenant_id = health_checks.tenant_id and p.id = health_checks.person_id));
