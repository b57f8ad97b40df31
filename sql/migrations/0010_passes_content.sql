-- Electronic passes (§4.1.3) and guidance content (§4.1.4): per-tenant Ed25519 signing keys, passes
-- held by citizens, checkpoint scans, and articles (publicity, news, self-check guide links).

create table tenant_keys (
  tenant_id        integer not null references tenants (id) on delete cascade,
  kid              text not null check (kid ~ '^[A-Za-z0-9_-]{16,64}$'),
  alg              text not null default 'EdDSA' check (alg = 'EdDSA'),
  public_jwk       jsonb not null check (public_jwk ->> 'kty' = 'OKP' and public_jwk ->> 'crv' = 'Ed25519' and not (public_jwk ? 'd')),
  private_key_enc  bytea not null,
  created_at       timestamptz not null default now(),
  retired_at       timestamptz,
  primary key (tenant_id, kid)
);
comment on table tenant_keys is
  'Signing keys of pass tokens, one active per tenant (created on first use); the private JWK is encrypted by the API''s PII cipher. '
  'Rotation: retire the active key and let the next use create a new one; retired keys still verify until their tokens have expired.';
comment on column tenant_keys.public_jwk is 'Public JWK (OKP/Ed25519) served at /api/passes/keys for offline verification; never holds the private part.';
create unique index tenant_keys_active on tenant_keys (tenant_id) where retired_at is null;

create table passes (
  tenant_id       integer not null references tenants (id) on delete cascade,
  id              bigint generated always as identity,
  citizen_id      bigint not null,
  holder_name     text not null check (length(holder_name) between 1 and 50),
  id_number_enc   bytea not null,
  id_number_hash  bytea not null,
  id_masked       text not null,
  issued_at       timestamptz not null default now(),
  revoked_at      timestamptz,
  revoked_reason  text,
  primary key (tenant_id, id),
  foreign key (tenant_id, citizen_id) references citizens (tenant_id, id) on delete cascade,
  check ((revoked_at is null) = (revoked_reason is null))
);
comment on table passes is
  'Electronic passes (电子通行证) of citizens. Whether a pass is good is decided online from the holder''s current person status '
  '(found by id_number_hash); revoked_at records a revocation once the API has seen it.';
comment on column passes.id_number_hash is 'Same keyed hash as persons.id_number_hash (resident_id:<ID>): the link to the holder''s status.';
comment on column passes.id_number_enc is 'Encrypted ID number: lets a checkpoint registration put the holder on the watch list.';
create unique index passes_active_citizen on passes (tenant_id, citizen_id) where revoked_at is null;
create index passes_id_hash on passes (tenant_id, id_number_hash);

create table pass_scans (
  tenant_id    integer not null references tenants (id) on delete cascade,
  id           bigint generated always as identity,
  pass_id      bigint,
  place        text not null check (length(place) between 1 and 100),
  geom         geometry(Point, 4326),
  temperature  numeric(3, 1) not null check (temperature between 30 and 45),
  result       text not null check (result in ('allowed', 'refused')),
  reason       text,
  report_id    bigint,
  scanned_by   bigint,
  scope_path   ltree not null,
  device_time  timestamptz,
  created_at   timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, pass_id) references passes (tenant_id, id) on delete set null (pass_id),
  foreign key (tenant_id, report_id) references reports (tenant_id, id) on delete set null (report_id),
  foreign key (tenant_id, scanned_by) references users (tenant_id, id) on delete set null (scanned_by),
  check ((result = 'refused') = (reason is not null))
);
comment on table pass_scans is
  'Checkpoint scans (卡口扫码): pass, temperature, place, who scanned, device and server time; a fever links the checkpoint registration report.';
comment on column pass_scans.scope_path is
  'Jurisdiction the scan belongs to: the grid of its location, else the scanning staff''s node; staff above it see the scan.';
comment on column pass_scans.reason is 'Comma-separated refusal reasons (no_pass, invalid_token, token_expired, pass_revoked, holder_<status>, fever).';
create index pass_scans_created on pass_scans (tenant_id, created_at);
create index pass_scans_pass on pass_scans (tenant_id, pass_id);
create index pass_scans_scope_gist on pass_scans using gist (tenant_id, scope_path);

create table articles (
  tenant_id     integer not null references tenants (id) on delete cascade,
  id            bigint generated always as identity,
  kind          text not null check (kind in ('publicity', 'news', 'guide')),
  title         text not null check (length(title) between 1 and 200),
  body          text not null default '' check (length(body) <= 50000),
  url           text check (length(url) <= 2000 and url ~ '^https?://'),
  status        text not null default 'draft' check (status in ('draft', 'published')),
  published_at  timestamptz,
  author_id     bigint,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, author_id) references users (tenant_id, id) on delete set null (author_id),
  check ((status = 'published') = (published_at is not null)),
  check (kind <> 'guide' or url is not null),
  check (kind = 'guide' or length(body) > 0)
);
comment on table articles is
  'Guidance content (宣传/新闻/自查指引): drafts are seen only by content managers (checked by the API), published items by everyone of the tenant.';
create index articles_published on articles (tenant_id, status, kind, published_at desc);

grant select, insert, update on tenant_keys, passes, articles to gec_app;
grant select, insert on pass_scans to gec_app;

alter table tenant_keys enable row level security;
alter table tenant_keys force row level security;
create policy tenant_isolation on tenant_keys using (app.in_tenant(tenant_id)) with check (app.in_tenant(tenant_id));

-- A pass has no place: the citizen sees their own, any staff caller of the tenant (a checkpoint
-- anywhere in the city, or system work with tenant scope) sees all of the tenant's passes.
alter table passes enable row level security;
alter table passes force row level security;
create policy pass_holder_or_staff on passes
  using (app.in_tenant(tenant_id) and (citizen_id = app.current_citizen() or app.current_scope() is not null))
  with check (app.in_tenant(tenant_id) and (citizen_id = app.current_citizen() or app.current_scope() is not null));

-- A scan is seen by staff whose jurisdiction covers it and is written only as the scanning user.
alter table pass_scans enable row level security;
alter table pass_scans force row level security;
create policy pass_scan_scope on pass_scans
  using (app.in_scope(tenant_id, scope_path))
  with check (app.in_scope(tenant_id, scope_path) and scanned_by = app.current_user_id());

alter table articles enable row level security;
alter table articles force row level security;
create policy tenant_isolation on articles using (app.in_tenant(tenant_id)) with check (app.in_tenant(tenant_id));
