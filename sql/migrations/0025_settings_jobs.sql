-- Settings in the admin console (issue 12): the referral deadline becomes a setting of the tenant
-- (it was a constant two hours), and every run of a scheduled job is recorded (api/src/jobs).

alter table check_rules
  add column referral_due_hours smallint not null default 2 check (referral_due_hours between 1 and 72);
comment on column check_rules.referral_due_hours is 'Hours a referral task (after an abnormal reading) has before it is overdue.';

create table job_runs (
  id             bigint generated always as identity primary key,
  -- null: a job of the whole installation (housekeeping), seen by every tenant.
  tenant_id      integer references tenants (id) on delete cascade,
  job            text not null check (job ~ '^[a-z][a-z0-9-]{1,39}$'),
  trigger        text not null check (trigger in ('schedule', 'manual')),
  started_by     bigint,
  started_at     timestamptz not null default now(),
  finished_at    timestamptz,
  status         text not null default 'running' check (status in ('running', 'ok', 'error', 'skipped')),
  message        text check (length(message) <= 2000),
  rows_affected  integer,
  detail         jsonb not null default '{}'::jsonb,
  check ((status = 'running') = (finished_at is null)),
  foreign key (tenant_id, started_by) references users (tenant_id, id) on delete set null (started_by)
);
comment on table job_runs is 'Runs of scheduled jobs, per tenant (or for the whole installation): trigger, who asked, start and end, result, rows affected.';
comment on column job_runs.status is 'running until it ends; skipped when another instance held the tenant''s lock; error with the message.';

-- One run of a job at a time per tenant: a second "run now" (or a run-now during the scheduled
-- run) fails on this index and is refused with 409.
create unique index job_runs_one_running on job_runs (job, coalesce(tenant_id, 0)) where status = 'running';
create index job_runs_latest on job_runs (job, tenant_id, started_at desc);

grant select, insert, update on job_runs to gec_app;

alter table job_runs enable row level security;
alter table job_runs force row level security;
create policy tenant_isolation on job_runs
  using (tenant_id is null or app.in_tenant(tenant_id))
  with check (tenant_id is null or app.in_tenant(tenant_id));
