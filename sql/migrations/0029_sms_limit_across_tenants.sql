-- The per-address limit on SMS codes counts every tenant's sends: an attacker asking for codes
-- of many tenants' sign-ins from one address meets one limit, not one per tenant. The API reads
-- sms_codes only within its caller's tenant (row-level security), so the count across tenants is
-- this one function, which returns numbers and nothing of any row.

create index sms_codes_address on sms_codes (ip, created_at) where ip is not null;

create function app.sms_codes_from_address(p_ip inet) returns table (sent bigint, first_at double precision)
language sql stable security definer set search_path = public, app as $$
  select count(*), extract(epoch from min(created_at))::float8
    from sms_codes where ip = p_ip and created_at > now() - interval '1 hour'
$$;
comment on function app.sms_codes_from_address(inet) is
  'SMS codes sent to requests from one address in the last hour, over every tenant, and when the first was sent.';
revoke execute on function app.sms_codes_from_address(inet) from public;
grant execute on function app.sms_codes_from_address(inet) to gec_app;
