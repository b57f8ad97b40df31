-- The field app's API (grid workers, doctors, checkpoint staff on phones): follow-up notes in a
-- person's history (§5.1 后续行为动态记录), and indexes for the lists the phones ask for.

-- 1. A note is a person event of its own kind: written by POST /api/persons/:id/notes, its text in
--    reason, shown with the other events of the person's history.
alter table person_events drop constraint person_events_kind_check;
alter table person_events add constraint person_events_kind_check check (kind in ('created', 'status', 'edit', 'note'));
comment on column person_events.kind is
  'created, status (a status change), edit (field changes, in changes) or note (a follow-up note; its text is reason).';

-- 2. Closing a task records when: done_at is also set when a task is cancelled, so a task's history
--    (GET /api/tasks/:id) can say when it ended.
comment on column tasks.done_at is 'When the task was done or cancelled (cancellations before migration 0020 have none).';
comment on column tasks.result is
  'Outcome of a done task (verification: outcome, reason, hospital; check: checkId; referral: outcome, hospital, severity, reason; '
  'closed by a status change: resolvedBy = status) or why it was cancelled (cancelled).';

-- 3. A doctor's own checks (GET /api/checks?mine=true), newest first.
create index health_checks_recorder on health_checks (tenant_id, recorder_user_id, created_at)
  where recorder_user_id is not null;

-- 4. A person's open tasks: closed together when the status ends a referral (confirmed, cured,
--    dead, released, closed) and looked up on every abnormal reading.
create index tasks_person_open on tasks (tenant_id, person_id, kind)
  where state = 'open' and person_id is not null;
