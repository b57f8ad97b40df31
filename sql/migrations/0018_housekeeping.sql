-- Housekeeping: rows that only matter for a while are purged by an hourly job
-- (api/src/housekeeping): live events past the replay window, idempotency keys past any
-- sensible offline retry, and SMS codes past the rate-limit windows.

create function app.purge_expired(p_live interval, p_idempotency interval, p_sms interval)
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
  return query select a, b, c;
end
$$;
comment on function app.purge_expired(interval, interval, interval) is
  'Deletes live events, idempotency keys and SMS codes older than the given ages (all tenants); returns the counts.';
revoke execute on function app.purge_expired(interval, interval, interval) from public;
grant execute on function app.purge_expired(interval, interval, interval) to gec_app;

create index if not exists sms_codes_created on sms_codes (created_at);
create index if not exists idempotency_keys_age on idempotency_keys (created_at);
