-- Field workflows, part 1: public accounts (citizens) with SMS sign-in, case reports from every
-- source, tasks dispatched by location, and idempotency of phone submissions.

create table citizens (
  tenant_id     integer not null references tenants (id) on delete cascade,
  id            bigint generated always as identity,
  phone_enc     bytea not null,
  phone_hash    bytea not null,
  phone_masked  text not null,
  person_id     bigint,
  bound_at      timestamptz,
  created_at    timestamptz not null default now(),
  last_login_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, phone_hash),
  foreign key (tenant_id, person_id) references persons (tenant_id, id) on delete set null
);
comment on table citizens is 'Public accounts (市民/隔离居民) identified by phone; person_id is set by identity binding.';
create unique index citizens_person on citizens (tenant_id, person_id) where person_id is not null;

create table citizen_sessions (
  tenant_id   integer not null,
  id          uuid not null default gen_random_uuid(),
  citizen_id  bigint not null,
  created_at  timestamptz not null default now(),
  last_seen   timestamptz not null default now(),
  revoked_at  timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, citizen_id) references citizens (tenant_id, id) on delete cascade
);
comment on table citizen_sessions is 'Server-side sessions of citizens.';

create table sms_codes (
  tenant_id   integer not null references tenants (id) on delete cascade,
  id          bigint generated always as identity,
  phone_hash  bytea not null,
  code_hash   bytea not null,
  ip          inet,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  used_at     timestamptz,
  attempts    integer not null default 0,
  primary key (tenant_id, id)
);
comment on table sms_codes is 'One-time sign-in codes, stored only as keyed hashes; rows also count sends for rate limits.';
create index sms_codes_phone on sms_codes (tenant_id, phone_hash, created_at);
create index sms_codes_ip on sms_codes (tenant_id, ip, created_at);

create table reports (
  tenant_id             integer not null references tenants (id) on delete cascade,
  id                    bigint generated always as identity,
  kind                  text not null check (kind in ('citizen', 'close_contact', 'enterprise', 'checkpoint', 'patrol', 'doctor_survey')),
  reporter_citizen_id   bigint,
  reporter_user_id      bigint,
  subject_name          text not null,
  subject_phone_enc     bytea,
  subject_phone_hash    bytea,
  subject_phone_masked  text,
  subject_id_enc        bytea,
  subject_id_hash       bytea,
  subject_id_masked     text,
  fever                 boolean not null default false,
  cough                 boolean not null default false,
  fatigue               boolean not null default false,
  short_breath          boolean not null default false,
  temperature           numeric(3, 1) check (temperature between 30 and 45),
  description           text,
  geom                  geometry(Point, 4326) not null,
  address               text,
  details               jsonb not null default '{}'::jsonb,
  grid_id               bigint,
  grid_path             ltree,
  state                 text not null default 'open' check (state in ('open', 'closed', 'registered', 'referred')),
  person_id             bigint,
  device_time           timestamptz,
  created_at            timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, reporter_citizen_id) references citizens (tenant_id, id) on delete set null,
  foreign key (tenant_id, person_id) references persons (tenant_id, id) on delete set null,
  foreign key (tenant_id, grid_id) references jurisdictions (tenant_id, id) on delete set null
);
comment on table reports is 'Case reports from every source of §3.2 (citizen, close contact, enterprise, checkpoint, patrol, doctor survey).';
create index reports_geom_gist on reports using gist (tenant_id, geom);
create index reports_path_gist on reports using gist (tenant_id, grid_path);
create index reports_citizen on reports (tenant_id, reporter_citizen_id, created_at);
create trigger reports_derive_grid before insert or update of geom, grid_id, grid_path on reports
  for each row execute function app.derive_grid();

create table tasks (
  tenant_id                 integer not null references tenants (id) on delete cascade,
  id                        bigint generated always as identity,
  kind                      text not null check (kind in ('verification', 'check', 'referral', 'self_report_overdue')),
  report_id                 bigint,
  person_id                 bigint,
  assignee_jurisdiction_id  bigint not null,
  assignee_user_id          bigint,
  geom                      geometry(Point, 4326) not null,
  grid_id                   bigint,
  grid_path                 ltree,
  state                     text not null default 'open' check (state in ('open', 'done', 'cancelled')),
  dedupe_key                text,
  due_at                    timestamptz,
  result                    jsonb,
  done_by                   bigint,
  done_at                   timestamptz,
  created_at                timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, report_id) references reports (tenant_id, id) on delete cascade,
  foreign key (tenant_id, person_id) references persons (tenant_id, id) on delete cascade,
  foreign key (tenant_id, assignee_jurisdiction_id) references jurisdictions (tenant_id, id) on delete cascade,
  foreign key (tenant_id, assignee_user_id) references users (tenant_id, id) on delete set null,
  foreign key (tenant_id, grid_id) references jurisdictions (tenant_id, id) on delete set null
);
comment on table tasks is 'Work for staff: verification of reports, scheduled checks, referrals, overdue self-reports; located for KNN.';
comment on column tasks.dedupe_key is 'Set by generators (e.g. check:<person>:<date>:<slot>) so running them twice creates nothing twice.';
create index tasks_geom_gist on tasks using gist (tenant_id, geom);
create index tasks_path_gist on tasks using gist (tenant_id, grid_path);
create index tasks_open on tasks (tenant_id, state, kind);
create unique index tasks_dedupe on tasks (tenant_id, dedupe_key) where dedupe_key is not null;
create trigger tasks_derive_grid before insert or update of geom, grid_id, grid_path on tasks
  for each row execute function app.derive_grid();

create table idempotency_keys (
  tenant_id       integer not null references tenants (id) on delete cascade,
  actor           text not null,
  key             text not null check (length(key) between 8 and 100),
  request_hash    bytea not null,
  status          integer,
  response        jsonb,
  created_at      timestamptz not null default now(),
  primary key (tenant_id, actor, key)
);
comment on table idempotency_keys is 'Idempotency-Key of phone submissions: the first response is replayed for the same key and body.';
create index idempotency_keys_created on idempotency_keys (tenant_id, created_at);

-- The caller may also be a citizen: app.citizen_id is set for citizen requests.
create function app.current_citizen() returns bigint
language sql stable parallel safe as $$ select nullif(current_setting('app.citizen_id', true), '')::bigint $$;
comment on function app.current_citizen() is 'Citizen of the calling transaction, or null.';

grant select, insert, update on citizens, citizen_sessions, sms_codes, reports, tasks, idempotency_keys to gec_app;
grant execute on function app.current_citizen() to gec_app;

alter table citizens enable row level security;
alter table citizens force row level security;
create policy citizen_self_or_staff on citizens
  using (app.in_tenant(tenant_id) and (id = app.current_citizen() or app.current_scope() is not null))
  with check (app.in_tenant(tenant_id));

do $$
declare
  t text;
begin
  foreach t in array array['citizen_sessions', 'sms_codes', 'idempotency_keys'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_isolation on %I using (app.in_tenant(tenant_id)) with check (app.in_tenant(tenant_id))', t);
  end loop;
end
$$;

-- A report is seen by staff of its grid and by the citizen who filed it.
alter table reports enable row level security;
alter table reports force row level security;
create policy report_scope on reports
  using (app.in_scope(tenant_id, grid_path)
         or (app.in_tenant(tenant_id) and reporter_citizen_id = app.current_citizen()))
  with check (app.in_scope(tenant_id, grid_path)
              or (app.in_tenant(tenant_id) and reporter_citizen_id = app.current_citizen()));

-- A task is seen by staff whose scope covers where it is or the node it is assigned to.
alter table tasks enable row level security;
alter table tasks force row level security;
create policy task_scope on tasks
  using (app.in_scope(tenant_id, grid_path))
  with check (app.in_scope(tenant_id, grid_path));

-- Tenant-wide scope for system work (dispatch, scheduled jobs): the paths of the tenant's roots.
create function app.tenant_roots(p_tenant integer) returns text[]
language sql stable security definer set search_path = public, app as $$
  select coalesce(array_agg(path::text order by path), '{}') from jurisdictions where tenant_id = p_tenant and level = 1
$$;
comment on function app.tenant_roots(integer) is 'Root paths of a tenant: the scope of system work that acts for the whole tenant.';
grant execute on function app.tenant_roots(integer) to gec_app;
