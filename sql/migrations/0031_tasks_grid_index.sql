-- Tasks counted per grid (tiles for callers who see no exact locations, issue 13 defect 1) look
-- tasks up by grid like persons and households do.
create index tasks_grid on tasks (tenant_id, grid_id);
