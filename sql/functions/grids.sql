-- Re-derivation of every point's grid after boundaries change (boundary import, edits).
create or replace function app.rederive_grids(p_tenant integer)
returns table (households_changed bigint, persons_changed bigint)
language plpgsql volatile security definer set search_path = public, app as $$
declare
  h bigint;
  p bigint;
begin
  -- Writing grid_id fires app.derive_grid(), which sets the real grid and path from geom.
  update households x set grid_id = null, updated_at = now()
   where x.tenant_id = p_tenant
     and x.grid_id is distinct from (select j.id from jurisdictions j
                                      where j.tenant_id = x.tenant_id and j.level = 5 and st_covers(j.geom, x.geom)
                                      order by j.id limit 1);
  get diagnostics h = row_count;
  update persons x set grid_id = null, updated_at = now()
   where x.tenant_id = p_tenant and x.geom is not null
     and x.grid_id is distinct from (select j.id from jurisdictions j
                                      where j.tenant_id = x.tenant_id and j.level = 5 and st_covers(j.geom, x.geom)
                                      order by j.id limit 1);
  get diagnostics p = row_count;
  update reports x set grid_id = null
   where x.tenant_id = p_tenant
     and x.grid_id is distinct from (select j.id from jurisdictions j
                                      where j.tenant_id = x.tenant_id and j.level = 5 and st_covers(j.geom, x.geom)
                                      order by j.id limit 1);
  update tasks x set grid_id = null
   where x.tenant_id = p_tenant
     and x.grid_id is distinct from (select j.id from jurisdictions j
                                      where j.tenant_id = x.tenant_id and j.level = 5 and st_covers(j.geom, x.geom)
                                      order by j.id limit 1);
  return query select h, p;
end
$$;
comment on function app.rederive_grids(integer) is
  'Recomputes the containing grid of every household, person, report and task of a tenant; returns how many households and persons changed.';

