-- Binding a transaction to a caller happens in api/src/db/scope.ts; this is its one variant that
-- needs the database: acting for a whole tenant (self-reports, dispatch, jobs) binds the tenant's
-- roots as the scope in the same round trip that opens the transaction.
create or replace function app.bind_tenant_scope(p_tenant integer) returns void
language plpgsql volatile as $$
declare
  r text[] := app.tenant_roots(p_tenant);
begin
  -- plpgsql rather than SQL: the session keeps this function's plans (it opens every tenant-wide transaction).
  perform set_config('app.tenant_id', p_tenant::text, true),
          set_config('app.user_id', '', true),
          set_config('app.citizen_id', '', true),
          set_config('app.scope', case when cardinality(r) = 0 then '' else '{' || array_to_string(r, ',') || '}' end, true),
          set_config('app.scope_q', case when cardinality(r) = 0 then ''
                                         else '{' || array_to_string(array(select x || '.*' from unnest(r) x), ',') || '}' end, true);
end
$$;
comment on function app.bind_tenant_scope(integer) is
  'Sets the transaction''s caller to the whole tenant (scope = its root paths), as withScope would with app.tenant_roots.';
