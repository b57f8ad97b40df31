-- Administrators' second factor (TOTP, RFC 6238) and step-up re-authentication (issue 13).
-- The secret is encrypted by the API (AES-GCM, like ID numbers); a code's time step is kept so
-- that a code is accepted once only. A session remembers when its user last proved who they are
-- (the sign-in itself, or a step-up): exports, role changes and full ID numbers need it recent.
alter table users
  add column totp_secret_enc  bytea,
  add column totp_pending_enc bytea,
  add column totp_enabled_at  timestamptz,
  add column totp_last_step   bigint;
comment on column users.totp_secret_enc is 'The TOTP secret (base32, encrypted by the API); null: no second factor.';
comment on column users.totp_pending_enc is 'A secret being set up, until a first code confirms it.';
comment on column users.totp_last_step is 'The time step of the last accepted code: a code is accepted once only.';

alter table sessions add column stepped_up_at timestamptz not null default now();
comment on column sessions.stepped_up_at is 'When the user last proved who they are in this session (sign-in or step-up).';
