-- The household-point default (app.person_defaults) only acts on a row with a household and no
-- point of its own: a WHEN clause says so before a plpgsql call is made for every row (an import of
-- 100,000 located rows made 100,000 calls that returned the row unchanged).
drop trigger persons_a_defaults on persons;
create trigger persons_a_defaults before insert or update of household_id, geom on persons
  for each row when (new.household_id is not null and new.geom is null)
  execute function app.person_defaults();
