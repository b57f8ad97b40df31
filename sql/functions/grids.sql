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

-- The ST_Hexagon cell (i, j) containing Web-Mercator point (x, y) for hexagons of edge `size` and
-- origin 0,0: the cell ST_HexagonGrid would give, found arithmetically (flat-top hexagons, centre
-- of cell i,j = (1.5·size·i, √3·size·(j + ½ when i is odd)); axial coordinates rounded in cube
-- space). One expression per point instead of one ST_HexagonGrid call (8 µs a point).
create or replace function app.hex_cell(x float8, y float8, size float8) returns bigint[]
language sql immutable strict parallel safe as $$
  select array[q::bigint, (r + (q - ((q::bigint % 2 + 2) % 2)) / 2)::bigint]
    from (select case when dq > dr and dq > ds then -rr - rs else rq end as q,
                 case when dq > dr and dq > ds then rr when dr > ds then -rq - rs else rr end as r
            from (select rq, rr, rs, abs(rq - aq) as dq, abs(rr - ar) as dr, abs(rs + aq + ar) as ds
                    from (select aq, ar, round(aq) as rq, round(ar) as rr, round(-aq - ar) as rs
                            from (select (2.0 / 3 * x) / size as aq, (-1.0 / 3 * x + sqrt(3) / 3 * y) / size as ar) a) b) c) d
$$;
comment on function app.hex_cell(float8, float8, float8) is
  'ST_Hexagon cell {i, j} (origin 0,0, edge size) containing the Web-Mercator point x, y.';
grant execute on function app.hex_cell(float8, float8, float8) to gec_app;
