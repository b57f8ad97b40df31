-- Sign-in throttles that an attacker cannot turn against a known user: failed sign-ins are counted
-- per client address and per (typed name, address), never per account alone, so guessing at
-- someone's password from one address blocks that address, not the person (issue 13, defect 5).
-- Keys are built by the API ('ip:…', 'name:…|…'); the name is the one typed, known or not, so
-- the answers do not tell which names exist. Only the security-definer functions in
-- sql/functions/auth.sql touch the table.

create table login_throttle (
  key           text primary key check (length(key) <= 400),
  failures      integer not null,
  window_start  timestamptz not null,
  blocked_until timestamptz
);
comment on table login_throttle is 'Failed sign-ins per address and per (name, address) in the current window, and blocks.';
create index login_throttle_window on login_throttle (window_start);
revoke all on login_throttle from public;
