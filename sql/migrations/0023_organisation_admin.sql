-- Organisation administration (issue 12, requirements §4.2.2): roles, positions and departments
-- that can be disabled, direct user roles, staff phones stored like residents' phones, forced
-- password change, separation of duties (三员分立) and an append-only audit log.

-- 1. role:manage, the security administrator's permission (roles and their permissions).
insert into permissions (code, description) values
  ('role:manage', 'Create roles, edit their permissions and disable them (security administrator)')
on conflict (code) do nothing;

-- 2. Disable instead of delete: history (tasks, audit, checks) refers to these rows.
alter table roles add column active boolean not null default true;
alter table roles add column builtin boolean not null default false;
alter table roles add column duty text check (duty in ('system', 'security', 'audit'));
alter table roles add column created_at timestamptz not null default now();
comment on column roles.builtin is 'Created by the system for every tenant; its code is fixed.';
comment on column roles.duty is
  'Separation of duties (三员分立, MLPS level 3): system, security or audit administrator. No user may hold two duties.';

alter table departments add column active boolean not null default true;
alter table departments add column created_at timestamptz not null default now();
alter table positions add column active boolean not null default true;
alter table positions add column created_at timestamptz not null default now();

-- 3. Staff phones: AES-GCM ciphertext, keyed lookup hash and a mask, as persons.phone_*.
alter table users add column phone_enc bytea;
alter table users add column phone_hash bytea;
alter table users add column phone_masked text;
alter table users add column must_change_password boolean not null default false;
alter table users add column updated_at timestamptz not null default now();
create index users_phone_hash on users (tenant_id, phone_hash) where phone_hash is not null;
comment on column users.must_change_password is
  'Set for new, imported and reset accounts: every route but me, password and logout refuses until the user sets a password.';

-- 4. Roles given to a user directly, besides those of the user's positions.
create table user_roles (
  tenant_id integer not null,
  user_id   bigint not null,
  role_id   bigint not null,
  primary key (tenant_id, user_id, role_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade,
  foreign key (tenant_id, role_id) references roles (tenant_id, id) on delete cascade
);
comment on table user_roles is 'Roles granted to a user directly (in addition to the roles of the user''s positions).';
create index user_roles_role on user_roles (tenant_id, role_id);
grant select, insert, update, delete on user_roles to gec_app;
alter table user_roles enable row level security;
alter table user_roles force row level security;
create policy tenant_isolation on user_roles using (app.in_tenant(tenant_id)) with check (app.in_tenant(tenant_id));

-- 5. Built-in roles of existing tenants (new tenants get them from api/src/auth/permissions.ts):
--    the admin is the system administrator and no longer reads the audit log; the security and
--    audit administrators are new, each with a department and position of their own as the seed makes.
update roles set builtin = true
 where code in ('commander', 'street_staff', 'community_staff', 'grid_worker', 'doctor', 'checkpoint', 'admin');
update roles set duty = 'system' where code = 'admin';

insert into roles (tenant_id, code, name, builtin, duty)
select t.id, r.code, r.name, true, r.duty
  from tenants t
 cross join (values ('security_admin', '安全管理员', 'security'), ('audit_admin', '审计管理员', 'audit')) as r (code, name, duty)
on conflict (tenant_id, code) do update set builtin = true, duty = excluded.duty;

insert into role_permissions (tenant_id, role_id, permission_code)
select r.tenant_id, r.id, p.code
  from roles r
  join (values ('security_admin', 'role:manage'), ('security_admin', 'jurisdiction:read'), ('audit_admin', 'audit:read')) as p (role, code)
    on p.role = r.code
on conflict do nothing;

delete from role_permissions rp using roles r
 where r.tenant_id = rp.tenant_id and r.id = rp.role_id
   and rp.permission_code = 'audit:read' and r.code <> 'audit_admin';

with d as (
  insert into departments (tenant_id, name)
  select r.tenant_id, r.name || '部门' from roles r where r.code in ('security_admin', 'audit_admin')
  returning tenant_id, id, name
), p as (
  insert into positions (tenant_id, department_id, name)
  select d.tenant_id, d.id, left(d.name, length(d.name) - 2) from d
  returning tenant_id, id, name
)
insert into position_roles (tenant_id, position_id, role_id)
select p.tenant_id, p.id, r.id from p join roles r on r.tenant_id = p.tenant_id and r.name = p.name
 where r.code in ('security_admin', 'audit_admin');

-- 6. The principal now also carries direct roles, skips disabled roles and positions, and says
--    whether the password must be changed: the function is recreated in sql/functions/auth.sql.
drop function if exists app.session_principal(integer, uuid, interval);

-- 7. The audit log is append-only for everyone, the owner included: no UPDATE, no TRUNCATE, and
--    DELETE only through app.purge_audit of rows past the retention (MLPS level 3 asks for at
--    least six months; the floor of 180 days is enforced here, whatever the caller asks).
create function app.refuse_audit_change() returns trigger
language plpgsql volatile as $$
begin
  if tg_op = 'DELETE' and current_setting('app.audit_purge', true) = 'on'
     and old.at < now() - interval '180 days' then
    return old;
  end if;
  raise exception 'audit records cannot be changed or deleted (% refused)', tg_op
    using errcode = 'insufficient_privilege', hint = 'the audit log is append-only; old rows leave only by retention';
end
$$;
comment on function app.refuse_audit_change() is
  'Trigger: refuses UPDATE, DELETE and TRUNCATE of audit_log; only app.purge_audit removes rows older than 180 days.';

create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function app.refuse_audit_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function app.refuse_audit_change();

create function app.purge_audit(p_age interval) returns bigint
language plpgsql volatile security definer set search_path = public, app as $$
declare
  n bigint;
begin
  if p_age < interval '180 days' then
    raise exception 'audit retention must be at least 180 days' using errcode = 'invalid_parameter_value';
  end if;
  perform set_config('app.audit_purge', 'on', true);
  delete from audit_log where at < now() - p_age;
  get diagnostics n = row_count;
  perform set_config('app.audit_purge', '', true);
  return n;
end
$$;
comment on function app.purge_audit(interval) is
  'Retention: deletes audit rows older than p_age (at least 180 days); the only way rows leave the audit log.';
revoke execute on function app.purge_audit(interval) from public;
revoke update, delete, truncate on audit_log from gec_app;

-- The hourly housekeeping purge (0018) now also applies the audit retention of 180 days.
create or replace function app.purge_expired(p_live interval, p_idempotency interval, p_sms interval)
returns table (live_events bigint, idempotency_keys bigint, sms_codes bigint)
language plpgsql volatile security definer set search_path = public, app as $$
declare
  a bigint;
  b bigint;
  c bigint;
begin
  delete from live_events where created_at < now() - p_live;
  get diagnostics a = row_count;
  delete from idempotency_keys where created_at < now() - p_idempotency;
  get diagnostics b = row_count;
  delete from sms_codes where created_at < now() - p_sms;
  get diagnostics c = row_count;
  perform app.purge_audit(interval '180 days');
  return query select a, b, c;
end
$$;
comment on function app.purge_expired(interval, interval, interval) is
  'Deletes live events, idempotency keys and SMS codes older than the given ages and audit rows older than 180 days (all tenants).';
