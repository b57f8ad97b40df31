-- Bulk loads by the owner skip the per-row foreign-key checks and verify the same constraints
-- set-based instead.
--
-- Loading city-L (1,000,000 households, 1,000,000 health checks) spent about a quarter of the
-- database's time in row-by-row foreign-key triggers (one SPI query and one row lock per key and
-- row: 31 µs of a health check's 48 µs). The generator now runs its large insert statements with
-- `set local session_replication_role = replica`, which PostgreSQL offers for exactly this: row
-- triggers and foreign-key checks of "origin" mode stand aside, and the loader checks the
-- inserted keys with one anti-join per statement before it commits (geodata/src/generate).
--
-- Who may: the parameter is superuser-only; PostgreSQL 15 lets a superuser grant it
-- (`grant set on parameter session_replication_role to <owner>`, as .ci/postgis-cluster.sh does).
-- The application role is never granted it. Without the grant the loader keeps the row-by-row
-- path, with the same result.
--
-- What must still run in replica mode: the statement triggers that keep derived data (counts per
-- grid, tile versions). They fire "always" from now on. This database is not a logical-replication
-- subscriber; one that became one would have to disable them there, or the counts would be
-- incremented twice (once replicated, once by the trigger).

alter table households enable always trigger households_count_insert;
alter table households enable always trigger households_count_update;
alter table households enable always trigger households_count_delete;
alter table households enable always trigger households_tile_version_insert;
alter table households enable always trigger households_tile_version_update;
alter table households enable always trigger households_tile_version_delete;
alter table persons enable always trigger persons_count_insert;
alter table persons enable always trigger persons_count_update;
alter table persons enable always trigger persons_count_delete;
alter table persons enable always trigger persons_tile_version_insert;
alter table persons enable always trigger persons_tile_version_update;
alter table persons enable always trigger persons_tile_version_delete;
