-- Boundaries that move re-derive the grid of every point at once (households, persons, reports,
-- tasks), in the same transaction as the change.
create or replace function app.rederive_after_boundary_change() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
declare
  t integer;
begin
  for t in select distinct tenant_id from changed_rows where level = 5 loop
    perform app.rederive_grids(t);
  end loop;
  return null;
end
$$;
comment on function app.rederive_after_boundary_change() is
  'Statement trigger: when grids are inserted, moved or deleted, every point of their tenants gets its grid again.';

create trigger jurisdictions_rederive_insert after insert on jurisdictions
  referencing new table as changed_rows for each statement execute function app.rederive_after_boundary_change();
create trigger jurisdictions_rederive_update after update on jurisdictions
  referencing new table as changed_rows for each statement execute function app.rederive_after_boundary_change();
create trigger jurisdictions_rederive_delete after delete on jurisdictions
  referencing old table as changed_rows for each statement execute function app.rederive_after_boundary_change();
