-- Cheaper statements on the path every audited write takes (measured with pg_stat_statements
-- during bench/load.ts): the chain head is locked with a select first, and inserted only for a
-- tenant's first audit row (an `insert … on conflict do nothing` tried for every row cost a
-- speculative insertion each time, a third of the audit append); the tenant's roots are read by
-- plpgsql, whose statement plan the session keeps (as a SQL function it was planned at every call).

create or replace function app.chain_audit() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
declare
  head audit_chain;
begin
  select * into head from audit_chain where tenant_id = new.tenant_id for update;
  if not found then
    insert into audit_chain (tenant_id) values (new.tenant_id) on conflict do nothing;
    select * into head from audit_chain where tenant_id = new.tenant_id for update;
  end if;
  new.seq := head.seq + 1;
  new.prev_hash := head.hash;
  new.hash := sha256(head.hash || app.audit_text(new));
  update audit_chain set seq = new.seq, hash = new.hash where tenant_id = new.tenant_id;
  return new;
end
$$;

create or replace function app.tenant_roots(p_tenant integer) returns text[]
language plpgsql stable security definer set search_path = public, app as $$
begin
  return (select coalesce(array_agg(path::text order by path), '{}') from jurisdictions where tenant_id = p_tenant and level = 1);
end
$$;
