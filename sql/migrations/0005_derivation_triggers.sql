-- Derived columns: jurisdiction paths and label points, and the grid of every point by containment.

create function app.jurisdiction_derive() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
declare
  parent_path ltree;
begin
  if new.parent_id is null then
    new.path := text2ltree('j' || new.id);
  else
    select j.path into parent_path from jurisdictions j
     where j.tenant_id = new.tenant_id and j.id = new.parent_id;
    if parent_path is null then
      raise exception 'parent jurisdiction % not found', new.parent_id using errcode = 'foreign_key_violation';
    end if;
    new.path := parent_path || text2ltree('j' || new.id);
  end if;
  if new.label_point is null or tg_op = 'UPDATE' and not st_equals(new.geom, old.geom) then
    new.label_point := st_pointonsurface(new.geom);
  end if;
  new.area_m2 := st_area(new.geom::geography);
  new.updated_at := now();
  return new;
end
$$;
comment on function app.jurisdiction_derive() is 'Maintains path (ltree of node ids), label point and area of a jurisdiction node.';

create trigger jurisdictions_derive before insert or update of parent_id, geom, label_point on jurisdictions
  for each row execute function app.jurisdiction_derive();

-- Security definer so that the containing grid is found across the whole tenant; row-level
-- security on the target table then decides whether the caller may write a row in that grid.
create function app.derive_grid() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
begin
  new.grid_id := null;
  new.grid_path := null;
  if new.geom is not null then
    select j.id, j.path into new.grid_id, new.grid_path
      from jurisdictions j
     where j.tenant_id = new.tenant_id and j.level = 5 and st_covers(j.geom, new.geom)
     order by j.id
     limit 1;
  end if;
  return new;
end
$$;
comment on function app.derive_grid() is 'Sets grid_id and grid_path of a row from the level-5 jurisdiction covering its geom.';

create function app.person_defaults() returns trigger
language plpgsql volatile security definer set search_path = public, app as $$
begin
  if new.household_id is not null and new.geom is null then
    select h.geom into new.geom from households h
     where h.tenant_id = new.tenant_id and h.id = new.household_id;
  end if;
  return new;
end
$$;
comment on function app.person_defaults() is 'A person registered at a household without a point of their own lives at the household point.';

create trigger households_derive_grid before insert or update of geom, grid_id, grid_path on households
  for each row execute function app.derive_grid();
create trigger persons_a_defaults before insert or update of household_id, geom on persons
  for each row execute function app.person_defaults();
create trigger persons_b_derive_grid before insert or update of geom, household_id, grid_id, grid_path on persons
  for each row execute function app.derive_grid();
