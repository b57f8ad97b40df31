-- Permissions of the field workflows, granted to the built-in roles of tenants that already exist
-- (new tenants get them from api/src/auth/permissions.ts).
insert into permissions (code, description) values
  ('report:read', 'See case reports in scope'),
  ('task:read', 'See tasks in scope'),
  ('task:work', 'Carry out tasks: verification results, checks'),
  ('task:assign', 'Reassign tasks in scope, singly and in bulk'),
  ('check:write', 'Record health checks of persons in scope'),
  ('rule:manage', 'Configure check rules of the tenant'),
  ('content:manage', 'Create, edit, publish and unpublish guidance content'),
  ('pass:scan', 'Scan electronic passes and register people at checkpoints')
on conflict (code) do nothing;

insert into role_permissions (tenant_id, role_id, permission_code)
select r.tenant_id, r.id, g.permission
  from roles r
  join (values
    ('commander', 'report:read'), ('commander', 'task:read'),
    ('street_staff', 'report:read'), ('street_staff', 'task:read'), ('street_staff', 'task:assign'),
    ('community_staff', 'report:read'), ('community_staff', 'task:read'), ('community_staff', 'task:work'), ('community_staff', 'task:assign'),
    ('grid_worker', 'report:read'), ('grid_worker', 'task:read'), ('grid_worker', 'task:work'),
    ('doctor', 'person:write'), ('doctor', 'report:read'), ('doctor', 'task:read'), ('doctor', 'task:work'), ('doctor', 'check:write'),
    ('admin', 'report:read'), ('admin', 'task:read'), ('admin', 'task:assign'), ('admin', 'rule:manage'), ('admin', 'content:manage')
  ) as g (role, permission) on g.role = r.code
on conflict do nothing;

-- Tenants are read-only to the application role; settings change through this one function.
create function app.set_tenant_setting(p_tenant integer, p_key text, p_value jsonb) returns void
language sql volatile security definer set search_path = public, app as $$
  update tenants set settings = jsonb_set(settings, array[p_key], p_value, true)
   where id = p_tenant and id = app.current_tenant()
$$;
comment on function app.set_tenant_setting(integer, text, jsonb) is 'Sets one key of the caller''s own tenant settings.';
grant execute on function app.set_tenant_setting(integer, text, jsonb) to gec_app;
