-- A composite foreign key (tenant_id, x) with plain ON DELETE SET NULL would null tenant_id too
-- and make the delete fail; null only the referencing column. Also let the application release
-- an idempotency key whose request failed on the server.
do $$
declare
  fk record;
begin
  for fk in
    select * from (values
      ('users', 'department_id', 'departments'),
      ('households', 'grid_id', 'jurisdictions'),
      ('citizens', 'person_id', 'persons'),
      ('persons', 'household_id', 'households'),
      ('persons', 'grid_id', 'jurisdictions'),
      ('reports', 'reporter_citizen_id', 'citizens'),
      ('reports', 'person_id', 'persons'),
      ('reports', 'grid_id', 'jurisdictions'),
      ('tasks', 'assignee_user_id', 'users'),
      ('tasks', 'grid_id', 'jurisdictions')
    ) as t (tbl, col, ref)
  loop
    execute format('alter table %I drop constraint %I', fk.tbl, fk.tbl || '_tenant_id_' || fk.col || '_fkey');
    execute format('alter table %I add constraint %I foreign key (tenant_id, %I) references %I (tenant_id, id) on delete set null (%I)',
                   fk.tbl, fk.tbl || '_tenant_id_' || fk.col || '_fkey', fk.col, fk.ref, fk.col);
  end loop;
end
$$;

grant delete on idempotency_keys to gec_app;
