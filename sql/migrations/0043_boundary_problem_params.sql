-- A validation problem's details as values (the parts its message is built from), so that each
-- language builds its own sentence from them instead of reading them back out of the English.
alter table boundary_import_problems add column params jsonb not null default '{}'::jsonb;
comment on column boundary_import_problems.params is
  'The problem''s details as values (reason, parts, area, levels, property, value …): what its message says, for other languages.';
