#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 + PostGIS cluster for tests and benchmarks and prints the
# URLs to use. Usage: .ci/postgis-cluster.sh DIR [PORT]
#   owner role gec_owner (BYPASSRLS: runs migrations, imports, the generator)
#   login role gec_login (no BYPASSRLS, member of gec_app: the API's runtime connection)
set -euo pipefail
DIR=${1:?usage: postgis-cluster.sh DIR [PORT]}
PORT=${2:-55432}
BIN=/usr/lib/postgresql/15/bin
if [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  apt-get update -q >/dev/null && apt-get install -y -q postgresql-15-postgis-3 >/dev/null
fi
mkdir -p "$DIR"
chown postgres:postgres "$DIR"
as_pg() { su postgres -s /bin/bash -c "$*"; }
if [ ! -f "$DIR/PG_VERSION" ]; then
  as_pg "$BIN/initdb -D '$DIR' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
fi
if ! as_pg "$BIN/pg_ctl -D '$DIR' status" >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl -D '$DIR' -o \"-p $PORT -k '$DIR' -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=1GB -c work_mem=32MB -c maintenance_work_mem=512MB -c max_wal_size=4GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" -l '$DIR/log' -w start" >/dev/null
fi
psql_pg() { psql -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_pg -d postgres <<SQL >/dev/null
do \$\$ begin
  if not exists (select 1 from pg_roles where rolname = 'gec_owner') then
    create role gec_owner login bypassrls createdb password 'owner';
  end if;
  if not exists (select 1 from pg_roles where rolname = 'gec_app') then
    create role gec_app nologin nobypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'gec_login') then
    create role gec_login login nobypassrls password 'login' in role gec_app;
  end if;
end \$\$;
-- bulk loads by the owner may skip row-by-row foreign-key checks (sql/migrations/0028)
grant set on parameter session_replication_role to gec_owner;
-- the fault tests terminate the API's connections as an operator would (api/src/http/faults.test.ts)
grant pg_signal_backend to gec_owner;
SQL
# gec_template: an empty database with the extensions, from which the owner may create fresh
# databases (the backup/restore test restores into one).
for db in gec gec_test gec_template; do
  if [ -z "$(psql_pg -d postgres -c "select 1 from pg_database where datname = '$db'")" ]; then
    psql_pg -d postgres -c "create database $db owner gec_owner" >/dev/null
    # Extensions need a superuser on PostgreSQL 15; the migrations then find them present.
    psql_pg -d "$db" -c "create extension if not exists postgis; create extension if not exists ltree; create extension if not exists pgcrypto; create extension if not exists btree_gist;" >/dev/null
  fi
  # PostGIS predicates must be LEAKPROOF for row-level security to keep the spatial indexes
  # (sql/migrations/0016); only a superuser can mark them.
  psql_pg -d "$db" -c "alter function geometry_overlaps(geometry, geometry) leakproof; alter function st_covers(geometry, geometry) leakproof; alter function st_intersects(geometry, geometry) leakproof; alter function st_dwithin(geometry, geometry, double precision) leakproof;" >/dev/null
done
psql_pg -d postgres -c "alter database gec_template is_template true" >/dev/null
echo "DATABASE_URL=postgres://gec_login:login@127.0.0.1:$PORT/gec"
echo "DATABASE_OWNER_URL=postgres://gec_owner:owner@127.0.0.1:$PORT/gec"
echo "TEST_DATABASE_URL=postgres://gec_login:login@127.0.0.1:$PORT/gec_test"
echo "TEST_DATABASE_OWNER_URL=postgres://gec_owner:owner@127.0.0.1:$PORT/gec_test"
