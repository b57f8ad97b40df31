-- A person import tells the live stream once per batch and grid ('import': how many persons of each
-- status a batch added to a grid), not once per person: 100,000 imported rows were 100,000 events,
-- notifications and feed lines on every wall, and the stream's catch-up of late commits carried
-- every one of their ids. Persons registered one at a time keep their 'status' event.
alter table live_events drop constraint live_events_type_check;
alter table live_events add constraint live_events_type_check
  check (type in ('report', 'status', 'task_created', 'task_done', 'alert', 'boundaries_changed', 'import'));
