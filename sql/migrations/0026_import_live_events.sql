-- The live event of each registered person (persons_live, 0015) may be written set-based by a bulk
-- insert, as the grid derivation may (0022).
--
-- A 100,000-row person import spent 12 of its 39 s of insert in this per-row trigger (plpgsql
-- call, one insert into live_events each; docs/benchmarks.md). app.insert_staged_persons
-- (sql/functions/person_imports.sql) now writes the same events, same payloads, in one statement,
-- and asks the trigger to stand aside by setting app.bulk_live_events = 'on' for its own
-- statement. The insert trigger honours the setting only where app.bulk_derivation is honoured
-- (app.may_skip_derivation(): the owner's own session, or while a security-definer bulk function
-- holds its row of app.bulk_derivations), so the application role never skips a live event of a
-- row it writes. Changes of status or severity keep their per-row trigger, without exception.

drop trigger persons_live on persons;
create trigger persons_live after insert on persons
  for each row
  when (coalesce(current_setting('app.bulk_live_events', true), '') <> 'on' or not app.may_skip_derivation())
  execute function app.live_person_status();
create trigger persons_live_status after update of status, severity on persons
  for each row execute function app.live_person_status();
