-- Bulk loads derive the grid of their points set-based, and skip the per-row derivation.
--
-- app.derive_grid() (0005) probes the grids once per inserted or moved row: about 165 of the
-- 210 µs a household cost when the generator loaded city-L (docs/benchmarks.md). A bulk load (the
-- generator; boundary applies through app.rederive_grids) instead joins all its points to the grids
-- at once (app.covering_grids, sql/functions/grids.sql), writes grid_id and grid_path itself, and
-- asks the trigger to stand aside by setting app.bulk_derivation = 'on' for its transaction.
--
-- Anyone may set a custom setting, so the trigger honours it only (app.may_skip_derivation):
--   1. in the database owner's own session (session user owns the database, no role switched to):
--      the generator. The API never has such a session: on a server it logs in as a role that
--      does not own the database (gec_login, member of gec_app), and in embedded mode every API
--      transaction runs `set local role gec_app` (security-definer functions keep both).
--   2. while app.rederive_grids runs, which may be called from an API transaction (a boundary
--      apply): it holds a row of app.bulk_derivations for its transaction and removes it before
--      it returns. The application role cannot write that table, and no code of the API runs
--      while the row exists, so gec_app never skips derivation of a row it writes.
-- (In embedded mode the one session user is the superuser, who could reset the role: that mode
-- trusts its process anyway.)
--
-- Not chosen: session_replication_role = replica (a superuser setting on PostgreSQL 15, and it
-- also switches off foreign keys and every other trigger: counts, tile versions, live events),
-- and ALTER TABLE … DISABLE TRIGGER (an exclusive lock on the whole table, for every tenant, for
-- as long as the load runs).

create table app.bulk_derivations (
  xact  xid8 primary key
);
comment on table app.bulk_derivations is
  'Transactions in which app.rederive_grids is running: their set-based derivation may skip the per-row trigger. Owner only.';
revoke all on app.bulk_derivations from public;

create function app.bulk_derivation_running() returns boolean
language sql stable security definer set search_path = public, app as $$
  select exists (select 1 from app.bulk_derivations where xact = pg_current_xact_id())
$$;
comment on function app.bulk_derivation_running() is
  'Whether app.rederive_grids is running in this transaction (reads a table the caller may not read).';

create function app.may_skip_derivation() returns boolean
language plpgsql stable as $$
begin
  if current_setting('role') = 'none' and pg_has_role(session_user, 'pg_database_owner', 'member') then
    return true;
  end if;
  return app.bulk_derivation_running();
end
$$;
comment on function app.may_skip_derivation() is
  'Whether this session may skip the per-row grid derivation after setting app.bulk_derivation (see migration 0022).';

do $$
declare
  t record;
begin
  for t in select * from (values
      ('households', 'households_derive_grid'),
      ('persons', 'persons_b_derive_grid'),
      ('reports', 'reports_derive_grid'),
      ('tasks', 'tasks_derive_grid')) as x (tab, trg) loop
    execute format('drop trigger %I on %I', t.trg, t.tab);
    -- the setting is read first, so that single inserts pay nothing more than that
    execute format(
      $f$create trigger %I before insert or update of geom, grid_id, grid_path on %I for each row
           when (coalesce(current_setting('app.bulk_derivation', true), '') <> 'on' or not app.may_skip_derivation())
           execute function app.derive_grid()$f$, t.trg, t.tab);
  end loop;
end
$$;
