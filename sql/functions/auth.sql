-- Security-definer lookups used before a caller is known (login, session resolution).
-- They bypass row-level security on purpose and return only what the auth flow needs.

-- (dropped first: a function's result columns cannot be changed in place)
drop function if exists app.login_candidates(text, text);
create or replace function app.login_candidates(p_username text, p_tenant_code text)
returns table (tenant_id integer, user_id bigint, password_hash text, active boolean,
               failed_logins integer, locked_until timestamptz, totp_secret_enc bytea, totp_last_step bigint)
language sql stable security definer set search_path = public, app as $$
  select u.tenant_id, u.id, u.password_hash, u.active, u.failed_logins, u.locked_until, u.totp_secret_enc, u.totp_last_step
    from users u join tenants t on t.id = u.tenant_id
   where lower(u.username) = lower(p_username)
     and (p_tenant_code is null or t.code = p_tenant_code)
$$;
comment on function app.login_candidates(text, text) is 'Accounts matching a login name, optionally within one tenant code.';

create or replace function app.record_login_failure(p_tenant integer, p_user bigint, p_max integer, p_lock interval)
returns timestamptz
language sql volatile security definer set search_path = public, app as $$
  update users
     set failed_logins = case when failed_logins + 1 >= p_max then 0 else failed_logins + 1 end,
         locked_until  = case when failed_logins + 1 >= p_max then now() + p_lock else locked_until end
   where tenant_id = p_tenant and id = p_user
  returning locked_until
$$;
comment on function app.record_login_failure(integer, bigint, integer, interval) is
  'Counts a failed password; the p_max-th failure in a row locks the account for p_lock.';

create or replace function app.open_session(p_tenant integer, p_user bigint, p_ip inet, p_agent text)
returns uuid
language plpgsql volatile security definer set search_path = public, app as $$
declare
  sid uuid;
begin
  update users set failed_logins = 0, locked_until = null where tenant_id = p_tenant and id = p_user;
  insert into sessions (tenant_id, user_id, ip, user_agent) values (p_tenant, p_user, p_ip, left(p_agent, 300))
  returning id into sid;
  return sid;
end
$$;
comment on function app.open_session(integer, bigint, inet, text) is 'Resets the failure counter and opens a server-side session.';

drop function if exists app.session_principal(integer, uuid, interval);
create or replace function app.session_principal(p_tenant integer, p_session uuid, p_idle interval)
returns table (tenant_id integer, tenant_code text, user_id bigint, username text, display_name text,
               is_demo boolean, scope_ids bigint[], scope_paths text[], roles text[], permissions text[],
               must_change_password boolean, totp_enabled boolean, stepped_up_at timestamptz)
language plpgsql volatile security definer set search_path = public, app as $$
begin
  -- Touch at most once a minute: the idle timeout needs no write on every request.
  update sessions s set last_seen = now()
   where s.tenant_id = p_tenant and s.id = p_session and s.revoked_at is null
     and s.last_seen > now() - p_idle and s.last_seen < now() - interval '1 minute';
  -- Roles and permissions are read afresh on every request: a change to a role, a position or a
  -- user's assignments applies at the user's next request.
  return query
  with held as (
    select pr.role_id from user_positions up
      join positions p on p.tenant_id = up.tenant_id and p.id = up.position_id and p.active
      join position_roles pr on pr.tenant_id = up.tenant_id and pr.position_id = up.position_id
     where up.tenant_id = p_tenant and up.user_id = (select s.user_id from sessions s where s.tenant_id = p_tenant and s.id = p_session)
    union
    select ur.role_id from user_roles ur
     where ur.tenant_id = p_tenant and ur.user_id = (select s.user_id from sessions s where s.tenant_id = p_tenant and s.id = p_session)
  ), active_roles as (
    select r.id, r.code from held h join roles r on r.tenant_id = p_tenant and r.id = h.role_id and r.active
  )
  select u.tenant_id, t.code, u.id, u.username, u.display_name, u.is_demo,
         coalesce((select array_agg(j.id order by j.path) from user_scopes us
                     join jurisdictions j on j.tenant_id = us.tenant_id and j.id = us.jurisdiction_id
                    where us.tenant_id = u.tenant_id and us.user_id = u.id), '{}'),
         coalesce((select array_agg(j.path::text order by j.path) from user_scopes us
                     join jurisdictions j on j.tenant_id = us.tenant_id and j.id = us.jurisdiction_id
                    where us.tenant_id = u.tenant_id and us.user_id = u.id), '{}'),
         coalesce((select array_agg(distinct ar.code order by ar.code) from active_roles ar), '{}'),
         coalesce((select array_agg(distinct rp.permission_code order by rp.permission_code) from active_roles ar
                     join role_permissions rp on rp.tenant_id = p_tenant and rp.role_id = ar.id), '{}'),
         u.must_change_password, u.totp_secret_enc is not null, s.stepped_up_at
    from sessions s
    join users u on u.tenant_id = s.tenant_id and u.id = s.user_id
    join tenants t on t.id = u.tenant_id
   where s.tenant_id = p_tenant and s.id = p_session and s.revoked_at is null
     and s.last_seen > now() - p_idle and u.active;
end
$$;
comment on function app.session_principal(integer, uuid, interval) is
  'Resolves a live session to its user, jurisdiction scope, roles and permissions (of active roles, through active positions and directly), whether the password must be changed, whether a second factor is set up and when the user last re-authenticated; idle sessions resolve to nothing.';

create or replace function app.revoke_session(p_tenant integer, p_session uuid)
returns void
language sql volatile security definer set search_path = public, app as $$
  update sessions set revoked_at = now() where tenant_id = p_tenant and id = p_session and revoked_at is null
$$;
comment on function app.revoke_session(integer, uuid) is 'Ends a session on the server (logout).';

create or replace function app.write_audit(p_tenant integer, p_user bigint, p_action text, p_object_type text,
                                           p_object_id text, p_ip inet, p_result text, p_detail jsonb)
returns void
language sql volatile security definer set search_path = public, app as $$
  insert into audit_log (tenant_id, user_id, action, object_type, object_id, ip, result, detail)
  values (p_tenant, p_user, p_action, p_object_type, p_object_id, p_ip, p_result, coalesce(p_detail, '{}'))
$$;
comment on function app.write_audit(integer, bigint, text, text, text, inet, text, jsonb) is
  'Appends to the audit log outside the caller''s transaction scope (denied and failed actions are recorded too).';

create or replace function app.tenant_by_code(p_code text) returns integer
language sql stable security definer set search_path = public, app as $$
  select id from tenants where code = p_code
$$;
comment on function app.tenant_by_code(text) is 'Resolves a tenant code for public (citizen) requests.';

-- Dropped first: its result gained the tenant's name, and a function's result type cannot be
-- replaced in place (sql/functions is applied in one transaction at every start).
drop function if exists app.citizen_session(integer, uuid, interval);
create function app.citizen_session(p_tenant integer, p_session uuid, p_idle interval)
returns table (tenant_id integer, tenant_code text, tenant_name text, citizen_id bigint, person_id bigint, phone_masked text)
language plpgsql volatile security definer set search_path = public, app as $$
begin
  update citizen_sessions s set last_seen = now()
   where s.tenant_id = p_tenant and s.id = p_session and s.revoked_at is null
     and s.last_seen > now() - p_idle and s.last_seen < now() - interval '1 minute';
  return query
  select c.tenant_id, t.code, t.name, c.id, c.person_id, c.phone_masked
    from citizen_sessions s
    join citizens c on c.tenant_id = s.tenant_id and c.id = s.citizen_id
    join tenants t on t.id = c.tenant_id
   where s.tenant_id = p_tenant and s.id = p_session and s.revoked_at is null and s.last_seen > now() - p_idle;
end
$$;
comment on function app.citizen_session(integer, uuid, interval) is 'Resolves a live citizen session.';

create or replace function app.citizen_sign_in(p_tenant integer, p_phone_hash bytea, p_phone_enc bytea, p_phone_masked text)
returns table (citizen_id bigint, session_id uuid)
language plpgsql volatile security definer set search_path = public, app as $$
declare
  cid bigint;
begin
  insert into citizens as c (tenant_id, phone_hash, phone_enc, phone_masked, last_login_at)
  values (p_tenant, p_phone_hash, p_phone_enc, p_phone_masked, now())
  on conflict (tenant_id, phone_hash) do update set last_login_at = now()
  returning c.id into cid;
  return query
  insert into citizen_sessions (tenant_id, citizen_id) values (p_tenant, cid) returning cid, citizen_sessions.id;
end
$$;
comment on function app.citizen_sign_in(integer, bytea, bytea, text) is
  'Creates the citizen of a verified phone if new and opens a session (the caller has no identity yet).';

create or replace function app.login_blocked(p_keys text[])
returns integer
language sql stable security definer set search_path = public, app as $$
  select coalesce(max(ceil(extract(epoch from blocked_until - now()))), 0)::integer
    from login_throttle where key = any(p_keys) and blocked_until > now()
$$;
comment on function app.login_blocked(text[]) is 'Seconds until none of the throttle keys blocks a sign-in (0: not blocked).';

create or replace function app.login_failed(p_keys text[], p_limits integer[], p_window interval, p_block interval)
returns integer
language plpgsql volatile security definer set search_path = public, app as $$
begin
  -- rows of windows long past are not worth keeping
  delete from login_throttle where window_start < now() - p_window - interval '1 day' and (blocked_until is null or blocked_until < now());
  insert into login_throttle as t (key, failures, window_start)
  select k, 1, now() from unnest(p_keys) as k
  on conflict (key) do update
     set failures = case when t.window_start < now() - p_window then 1 else t.failures + 1 end,
         window_start = case when t.window_start < now() - p_window then now() else t.window_start end;
  update login_throttle t set blocked_until = now() + p_block
    from unnest(p_keys, p_limits) as u (k, lim)
   where t.key = u.k and t.failures >= u.lim and (t.blocked_until is null or t.blocked_until <= now());
  return app.login_blocked(p_keys);
end
$$;
comment on function app.login_failed(text[], integer[], interval, interval) is
  'Counts a failed sign-in under each key; a key reaching its limit in the window blocks for p_block. Returns app.login_blocked.';

create or replace function app.login_succeeded(p_key text)
returns void
language sql volatile security definer set search_path = public, app as $$
  delete from login_throttle where key = p_key
$$;
comment on function app.login_succeeded(text) is 'Forgets the failures of a (name, address) key after a successful sign-in.';

create or replace function app.login_unblock(p_username text)
returns void
language sql volatile security definer set search_path = public, app as $$
  delete from login_throttle where starts_with(key, 'name:' || lower(p_username) || '|')
$$;
comment on function app.login_unblock(text) is 'Lifts every address''s block on a login name (an administrator''s unlock).';

create or replace function app.login_name_blocked_until(p_username text)
returns timestamptz
language sql stable security definer set search_path = public, app as $$
  select max(blocked_until) from login_throttle
   where starts_with(key, 'name:' || lower(p_username) || '|') and blocked_until > now()
$$;
comment on function app.login_name_blocked_until(text) is
  'Until when a login name is blocked from some address after failed sign-ins (null: nowhere); what administrators see as locked.';

-- The second factor of the calling user (api/src/auth/totp.ts). Called only with the session's
-- own tenant and user: a user reads and changes their own factor, never another's.
create or replace function app.totp_state(p_tenant integer, p_user bigint)
returns table (password_hash text, totp_secret_enc bytea, totp_pending_enc bytea, totp_last_step bigint)
language sql stable security definer set search_path = public, app as $$
  select u.password_hash, u.totp_secret_enc, u.totp_pending_enc, u.totp_last_step
    from users u where u.tenant_id = p_tenant and u.id = p_user and u.active
$$;
comment on function app.totp_state(integer, bigint) is 'The password hash and second factor of one (active) user.';

create or replace function app.totp_set_pending(p_tenant integer, p_user bigint, p_enc bytea)
returns void
language sql volatile security definer set search_path = public, app as $$
  update users set totp_pending_enc = p_enc where tenant_id = p_tenant and id = p_user
$$;
comment on function app.totp_set_pending(integer, bigint, bytea) is 'Keeps a new secret until a first code confirms it.';

create or replace function app.totp_use_step(p_tenant integer, p_user bigint, p_step bigint, p_confirm boolean)
returns boolean
language sql volatile security definer set search_path = public, app as $$
  -- Accepts a code's time step once: a step at or before the last accepted one is a replay.
  -- p_confirm: the pending secret becomes the user's factor with this first code.
  with u as (
    update users
       set totp_last_step = p_step,
           totp_secret_enc = case when p_confirm then totp_pending_enc else totp_secret_enc end,
           totp_pending_enc = case when p_confirm then null else totp_pending_enc end,
           totp_enabled_at = case when p_confirm then now() else totp_enabled_at end
     where tenant_id = p_tenant and id = p_user
       and (totp_last_step is null or totp_last_step < p_step)
       and (case when p_confirm then totp_pending_enc is not null else totp_secret_enc is not null end)
    returning 1)
  select exists (select 1 from u)
$$;
comment on function app.totp_use_step(integer, bigint, bigint, boolean) is
  'Records an accepted code''s time step (refusing a replay) and, when confirming, makes the pending secret the user''s factor.';

create or replace function app.totp_clear(p_tenant integer, p_user bigint)
returns void
language sql volatile security definer set search_path = public, app as $$
  update users set totp_secret_enc = null, totp_pending_enc = null, totp_enabled_at = null
   where tenant_id = p_tenant and id = p_user
$$;
comment on function app.totp_clear(integer, bigint) is 'Removes a user''s second factor (their own choice, where allowed).';

create or replace function app.session_step_up(p_tenant integer, p_session uuid)
returns timestamptz
language sql volatile security definer set search_path = public, app as $$
  update sessions set stepped_up_at = now()
   where tenant_id = p_tenant and id = p_session and revoked_at is null
  returning stepped_up_at
$$;
comment on function app.session_step_up(integer, uuid) is 'Records that the session''s user has just proved who they are again.';
