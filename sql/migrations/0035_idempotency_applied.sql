-- A submission's first transaction that writes marks its Idempotency-Key applied, in that same
-- transaction (api/src/db/scope.ts commit hook). A request that died after its change committed but
-- before its answer was stored (the API restarted, its connection was cut) then leaves an applied
-- key: a retry is told it was applied instead of applying it again.
alter table idempotency_keys add column applied_at timestamptz;
comment on column idempotency_keys.applied_at is
  'When the request''s change committed (set in its own transaction); an abandoned claim with it is never run again.';
