-- Live events (issue 4 item 5): every event the command center streams is a row here, so a client
-- that reconnects with Last-Event-ID gets what it missed, and every API instance can re-read a
-- notified row through row-level security. Rows are written by triggers on the tables that change
-- (security definer: callers have no insert right here); each row is announced on the
-- gec_live channel as {tenantId, id} when its transaction commits.
create table live_events (
  tenant_id   integer not null references tenants (id) on delete cascade,
  id          bigint generated always as identity,
  type        text not null check (type in ('report', 'status', 'task_created', 'task_done', 'alert')),
  -- the grid the event belongs to; null = tenant-wide (visible to all staff of the tenant)
  grid_path   ltree,
  payload     jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now(),
  primary key (tenant_id, id)
);
comment on table live_events is
  'Events of the live stream (GET /api/live): new reports, status changes, tasks created and done, alerts. No personal data in payload.';
create index live_events_path_gist on live_events using gist (tenant_id, grid_path);
create index live_events_created on live_events (created_at);

alter table live_events enable row level security;
alter table live_events force row level security;
create policy live_event_scope on live_events for select
  using (app.in_scope(tenant_id, grid_path)
         or (grid_path is null and app.in_tenant(tenant_id) and app.current_user_id() is not null));
grant select on live_events to gec_app;

create function app.announce_live_event() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
begin
  perform pg_notify('gec_live', json_build_object('tenantId', new.tenant_id, 'id', new.id)::text);
  return null;
end
$$;
comment on function app.announce_live_event() is 'Announces a new live event on gec_live as {tenantId, id}; listeners re-read the row under RLS.';

create trigger live_events_announce after insert on live_events
  for each row execute function app.announce_live_event();


create function app.live_report_created() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
begin
  insert into live_events (tenant_id, type, grid_path, payload) values (new.tenant_id, 'report', new.grid_path,
    jsonb_build_object('reportId', new.id, 'kind', new.kind, 'gridId', new.grid_id, 'state', new.state));
  return null;
end
$$;
comment on function app.live_report_created() is 'Live event for a new report.';
create trigger reports_live after insert on reports for each row execute function app.live_report_created();

create function app.live_person_status() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
begin
  if tg_op = 'INSERT' or old.status is distinct from new.status or old.severity is distinct from new.severity then
    insert into live_events (tenant_id, type, grid_path, payload) values (new.tenant_id, 'status', new.grid_path,
      jsonb_build_object('personId', new.id, 'gridId', new.grid_id, 'status', new.status, 'severity', new.severity,
                         'fromStatus', case when tg_op = 'UPDATE' then old.status end));
  end if;
  return null;
end
$$;
comment on function app.live_person_status() is 'Live event when a person is registered or their status or severity changes.';
create trigger persons_live after insert or update of status, severity on persons
  for each row execute function app.live_person_status();

create function app.live_task_changed() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
begin
  if tg_op = 'INSERT' then
    insert into live_events (tenant_id, type, grid_path, payload) values (new.tenant_id, 'task_created', new.grid_path,
      jsonb_build_object('taskId', new.id, 'kind', new.kind, 'gridId', new.grid_id, 'reportId', new.report_id, 'personId', new.person_id));
  elsif old.state is distinct from new.state and new.state = 'done' then
    insert into live_events (tenant_id, type, grid_path, payload) values (new.tenant_id, 'task_done', new.grid_path,
      jsonb_build_object('taskId', new.id, 'kind', new.kind, 'gridId', new.grid_id, 'reportId', new.report_id, 'personId', new.person_id));
  end if;
  return null;
end
$$;
comment on function app.live_task_changed() is 'Live event when a task is created or done.';
create trigger tasks_live after insert or update of state on tasks for each row execute function app.live_task_changed();

create function app.live_alert_raised() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
begin
  insert into live_events (tenant_id, type, grid_path, payload) values (new.tenant_id, 'alert',
    (select p.grid_path from persons p where p.tenant_id = new.tenant_id and p.id = new.person_id),
    jsonb_build_object('alertId', new.id, 'personId', new.person_id, 'kind', new.kind));
  return null;
end
$$;
comment on function app.live_alert_raised() is 'Live event when an alert is raised.';
create trigger alerts_live after insert on alerts for each row execute function app.live_alert_raised();
