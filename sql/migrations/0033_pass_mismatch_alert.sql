-- Repeated pass requests on a registered person's ID number by someone else (issue 13, defect 0):
-- from the third refusal within an hour the person's community is alerted (once an hour), through
-- the alerts the command center and the field app already show, and the live feed of their grid.
alter table alerts drop constraint alerts_kind_check;
alter table alerts add constraint alerts_kind_check check (kind in ('abnormal_reading', 'pass_mismatch'));
comment on table alerts is
  'Live alerts for the command center and the community: abnormal readings, and repeated pass requests on a person''s ID number by others (pass_mismatch); also announced on the gec_events channel.';

create function app.pass_mismatch_alert(p_tenant integer, p_person bigint, p_threshold integer) returns bigint
language sql volatile security definer set search_path = public, app as $$
  with refused as (
    select count(*)::int as n from audit_log
     where tenant_id = p_tenant and action = 'pass.register' and result = 'denied' and at > now() - interval '1 hour'
       and detail ->> 'reason' = 'not_holder' and (detail ->> 'personId')::bigint = p_person
  )
  insert into alerts (tenant_id, person_id, kind, detail)
  select p_tenant, p_person, 'pass_mismatch', jsonb_build_object('attempts', refused.n)
    from refused
   where refused.n >= p_threshold
     and not exists (select 1 from alerts a where a.tenant_id = p_tenant and a.person_id = p_person
                       and a.kind = 'pass_mismatch' and a.created_at > now() - interval '1 hour')
  returning id
$$;
comment on function app.pass_mismatch_alert(integer, bigint, integer) is
  'Alerts the community of a person whose ID number others asked a pass for p_threshold times within an hour (at most one alert an hour); returns the alert id or null.';
