-- The live event of an alert names its grid (gridId), as the events of reports, statuses and tasks
-- do: the command wall's feed names a line's grid by it, and alert lines named none.
create or replace function app.live_alert_raised() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
declare
  person record;
begin
  select p.grid_path, p.grid_id into person from persons p where p.tenant_id = new.tenant_id and p.id = new.person_id;
  insert into live_events (tenant_id, type, grid_path, payload) values (new.tenant_id, 'alert', person.grid_path,
    jsonb_build_object('alertId', new.id, 'personId', new.person_id, 'kind', new.kind, 'gridId', person.grid_id));
  return null;
end
$$;
comment on function app.live_alert_raised() is 'Live event when an alert is raised, in the grid of its person (gridPath, gridId).';
