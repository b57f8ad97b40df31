-- The demo generator wrote inspector visits as {date, inspector}, while the API, the import and the
-- export read {name, at} (persons/schema.ts): exported, such a visit read "undefined undefined".
-- Rewrites the generated ones in the API's shape (the time of day was not generated: 09:00 Beijing).
update persons p
   set inspector_attendance = (
     select coalesce(jsonb_agg(case when x.e ? 'inspector' and not x.e ? 'name'
                                    then jsonb_build_object('name', x.e->>'inspector', 'at', (x.e->>'date') || 'T09:00:00+08:00')
                                    else x.e end order by x.o), '[]'::jsonb)
       from jsonb_array_elements(p.inspector_attendance) with ordinality as x(e, o))
 where jsonb_typeof(p.inspector_attendance) = 'array'
   and exists (select 1 from jsonb_array_elements(p.inspector_attendance) e where e ? 'inspector');
