-- The audit log as a hash chain per tenant (issue 13, defect 6). Every row gets the next number of
-- its tenant's chain and hash = sha256(previous hash || the row's canonical text), computed by a
-- trigger under a lock of the tenant's chain head, so rows are chained in commit order of their
-- inserts. A changed, removed or inserted row breaks the chain at that point; `npm run
-- audit:verify` names the first broken link. Retention (app.purge_audit) keeps the hash the first
-- remaining row links to as the chain's anchor, so removing more than retention allows shows too.

create table audit_chain (
  tenant_id     integer primary key,
  seq           bigint not null default 0,
  hash          bytea not null default '\x'::bytea,
  anchor_seq    bigint not null default 0,
  anchor_hash   bytea not null default '\x'::bytea
);
comment on table audit_chain is
  'Head of each tenant''s audit hash chain (last seq and hash) and its anchor: the seq and hash the oldest kept row follows (0 and empty until retention removed rows).';
revoke all on audit_chain from public;

alter table audit_log add column seq bigint, add column prev_hash bytea, add column hash bytea;
comment on column audit_log.seq is 'Position in the tenant''s audit chain (1, 2, …, no gaps).';
comment on column audit_log.hash is 'sha256(prev_hash || app.audit_text(row)): changing any field of this or an earlier row breaks the chain.';

create function app.audit_text(r audit_log) returns bytea
language sql stable parallel safe as $$
  select convert_to(concat_ws(E'\x1f', r.tenant_id::text, r.seq::text, r.id::text,
                              to_char(r.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
                              coalesce(r.user_id::text, ''), r.action, coalesce(r.object_type, ''), coalesce(r.object_id, ''),
                              coalesce(host(r.ip), ''), r.result, r.detail::text), 'UTF8')
$$;
comment on function app.audit_text(audit_log) is
  'The canonical bytes of an audit row that its hash covers (every column but the chain''s own; jsonb text is normalised).';

create function app.chain_audit() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
declare
  head audit_chain;
begin
  insert into audit_chain (tenant_id) values (new.tenant_id) on conflict do nothing;
  select * into head from audit_chain where tenant_id = new.tenant_id for update;
  new.seq := head.seq + 1;
  new.prev_hash := head.hash;
  new.hash := sha256(head.hash || app.audit_text(new));
  update audit_chain set seq = new.seq, hash = new.hash where tenant_id = new.tenant_id;
  return new;
end
$$;
comment on function app.chain_audit() is
  'Trigger: links a new audit row to its tenant''s chain (seq, prev_hash, hash) under a lock of the chain head.';

-- Existing rows join the chain in id order (the triggers that refuse changes are paused for it).
alter table audit_log disable trigger audit_log_append_only;
do $$
declare
  r audit_log;
  head bytea;
  n bigint;
  t integer := -1;
begin
  for r in select * from audit_log order by tenant_id, id loop
    if r.tenant_id <> t then
      if t <> -1 then insert into audit_chain (tenant_id, seq, hash) values (t, n, head); end if;
      t := r.tenant_id; n := 0; head := '\x'::bytea;
    end if;
    n := n + 1;
    r.seq := n;
    r.prev_hash := head;
    head := sha256(head || app.audit_text(r));
    update audit_log set seq = n, prev_hash = r.prev_hash, hash = head where tenant_id = r.tenant_id and id = r.id;
  end loop;
  if t <> -1 then insert into audit_chain (tenant_id, seq, hash) values (t, n, head); end if;
end
$$;
alter table audit_log enable trigger audit_log_append_only;

alter table audit_log alter column seq set not null, alter column prev_hash set not null, alter column hash set not null;
create unique index audit_log_chain on audit_log (tenant_id, seq);

create trigger audit_log_chain before insert on audit_log for each row execute function app.chain_audit();
-- Bulk loads run with session_replication_role = replica (0028): the audit's triggers hold there too.
alter table audit_log enable always trigger audit_log_chain;
alter table audit_log enable always trigger audit_log_append_only;
alter table audit_log enable always trigger audit_log_no_truncate;

-- Retention removes the oldest part of each chain: rows past the age that come before every row
-- still within it (a row recorded late by a long transaction waits for its neighbours), and keeps
-- the link the oldest remaining row follows as the chain's anchor.
create or replace function app.purge_audit(p_age interval) returns bigint
language plpgsql volatile security definer set search_path = public, app as $$
declare
  n bigint;
begin
  if p_age < interval '180 days' then
    raise exception 'audit retention must be at least 180 days' using errcode = 'invalid_parameter_value';
  end if;
  perform set_config('app.audit_purge', 'on', true);
  delete from audit_log a
   where a.at < now() - p_age
     and a.seq < coalesce((select min(b.seq) from audit_log b where b.tenant_id = a.tenant_id and b.at >= now() - p_age), a.seq + 1);
  get diagnostics n = row_count;
  perform set_config('app.audit_purge', '', true);
  if n > 0 then
    update audit_chain c set anchor_seq = f.seq - 1, anchor_hash = f.prev_hash
      from (select distinct on (tenant_id) tenant_id, seq, prev_hash from audit_log order by tenant_id, seq) f
     where f.tenant_id = c.tenant_id;
    -- a tenant whose every row went: the chain starts again from its head
    update audit_chain c set anchor_seq = c.seq, anchor_hash = c.hash
     where not exists (select 1 from audit_log a where a.tenant_id = c.tenant_id);
  end if;
  return n;
end
$$;
revoke execute on function app.purge_audit(interval) from public;

-- What `npm run audit:verify` reads (the owner runs it): every link of a tenant's chain recomputed.
create function app.audit_links(p_tenant integer, p_after bigint, p_limit integer)
returns table (id bigint, seq bigint, prev_hash bytea, hash bytea, expected bytea)
language sql stable as $$
  select a.id, a.seq, a.prev_hash, a.hash, sha256(a.prev_hash || app.audit_text(a))
    from audit_log a
   where a.tenant_id = p_tenant and a.seq > p_after
   order by a.seq
   limit p_limit
$$;
comment on function app.audit_links(integer, bigint, integer) is
  'A page of a tenant''s audit chain with each row''s stored and recomputed hash (for audit:verify).';
revoke execute on function app.audit_links(integer, bigint, integer) from public;
