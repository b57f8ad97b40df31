-- Versions of the organisation's records (users, departments, positions, roles): an edit may name
-- the version its author read, and is refused when someone changed the record meanwhile, instead of
-- the last of two admins silently overwriting the first. Bumped by the API's edits only (a sign-in
-- that counts failures or stamps the last login is not an edit of the account).
alter table users add column version integer not null default 1;
alter table departments add column version integer not null default 1;
alter table positions add column version integer not null default 1;
alter table roles add column version integer not null default 1;
comment on column users.version is 'Bumped by every edit or account action through the API; PATCH /api/users/:id may name it (If-Match or version).';
comment on column departments.version is 'Bumped by every edit through the API; PATCH may name it (If-Match or version).';
comment on column positions.version is 'Bumped by every edit through the API; PATCH may name it (If-Match or version).';
comment on column roles.version is 'Bumped by every edit through the API; PATCH may name it (If-Match or version).';
