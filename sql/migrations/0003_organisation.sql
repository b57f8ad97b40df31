-- Organisation: departments, positions (岗位), roles, permissions, users, their scopes, sessions.
create table permissions (
  code        text primary key check (code ~ '^[a-z_]+:[a-z_]+$'),
  description text not null
);
comment on table permissions is 'System-defined permission catalogue shared by all tenants.';

create table roles (
  tenant_id   integer not null references tenants (id) on delete cascade,
  id          bigint generated always as identity,
  code        text not null check (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name        text not null,
  primary key (tenant_id, id),
  unique (tenant_id, code)
);
comment on table roles is 'A named bundle of permissions, configured per tenant.';

create table role_permissions (
  tenant_id       integer not null,
  role_id         bigint not null,
  permission_code text not null references permissions (code) on delete cascade,
  primary key (tenant_id, role_id, permission_code),
  foreign key (tenant_id, role_id) references roles (tenant_id, id) on delete cascade
);
comment on table role_permissions is 'Which permissions a role grants.';

create table departments (
  tenant_id   integer not null references tenants (id) on delete cascade,
  id          bigint generated always as identity,
  parent_id   bigint,
  name        text not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, parent_id) references departments (tenant_id, id) on delete cascade
);
comment on table departments is 'Departments (部门) of the tenant''s organisation.';

create table positions (
  tenant_id     integer not null,
  id            bigint generated always as identity,
  department_id bigint not null,
  name          text not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id) on delete cascade
);
comment on table positions is 'Positions (岗位) inside a department; a position carries roles.';

create table position_roles (
  tenant_id   integer not null,
  position_id bigint not null,
  role_id     bigint not null,
  primary key (tenant_id, position_id, role_id),
  foreign key (tenant_id, position_id) references positions (tenant_id, id) on delete cascade,
  foreign key (tenant_id, role_id) references roles (tenant_id, id) on delete cascade
);
comment on table position_roles is 'Roles granted to everyone holding a position.';

create table users (
  tenant_id           integer not null references tenants (id) on delete cascade,
  id                  bigint generated always as identity,
  username            text not null check (username ~ '^[A-Za-z0-9_.@-]{3,64}$'),
  display_name        text not null,
  password_hash       text not null,
  department_id       bigint,
  active              boolean not null default true,
  is_demo             boolean not null default false,
  failed_logins       integer not null default 0,
  locked_until        timestamptz,
  password_changed_at timestamptz not null default now(),
  created_at          timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id) on delete set null
);
create unique index users_username on users (tenant_id, lower(username));
comment on table users is 'Staff accounts; passwords are argon2id hashes.';

create table user_positions (
  tenant_id   integer not null,
  user_id     bigint not null,
  position_id bigint not null,
  primary key (tenant_id, user_id, position_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade,
  foreign key (tenant_id, position_id) references positions (tenant_id, id) on delete cascade
);
comment on table user_positions is 'Positions a user holds; their roles give the user''s permissions.';

create table user_scopes (
  tenant_id       integer not null,
  user_id         bigint not null,
  jurisdiction_id bigint not null,
  primary key (tenant_id, user_id, jurisdiction_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade,
  foreign key (tenant_id, jurisdiction_id) references jurisdictions (tenant_id, id) on delete cascade
);
comment on table user_scopes is 'Jurisdiction nodes a user is assigned to; the user sees their subtrees.';

create table sessions (
  tenant_id   integer not null,
  id          uuid not null default gen_random_uuid(),
  user_id     bigint not null,
  created_at  timestamptz not null default now(),
  last_seen   timestamptz not null default now(),
  revoked_at  timestamptz,
  ip          inet,
  user_agent  text,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
comment on table sessions is 'Server-side login sessions; the cookie carries a signed token naming one.';
