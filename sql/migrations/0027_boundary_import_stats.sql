-- No planner statistics on the staged boundary geometries.
--
-- A boundary validation analyzes boundary_import_nodes inside its own transaction
-- (app.analyze_boundary_import): without statistics the planner took 10,000 staged grids for a
-- handful. But the table holds the geometries of every import of every tenant, scattered over the
-- country, and their 2-D histogram made PostGIS's join estimator for && fail outright ("invalid join
-- selectivity: 219074392", seen on the embedded database after many tests' imports). The joins
-- of the validation are by tenant, import and a GiST index probe; the default selectivity of &&
-- plans them well, so the geometry columns are left out of the statistics.
alter table boundary_import_nodes alter column geom set statistics 0;
alter table boundary_import_nodes alter column geom_raw set statistics 0;
