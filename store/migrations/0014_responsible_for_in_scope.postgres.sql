-- 0014 on PostgreSQL: responsible_for of 0014_responsible_for_in_scope.sql (keep the two in
-- step), its scope test the inlined in_scope of 0012. Still a SQL function returning a table,
-- STABLE, which the planner inlines into the calling query; there in_scope becomes
-- `grid_code = ANY('{…the scope's areas…}')` (or nothing for a NULL scope), see 0012.
CREATE OR REPLACE FUNCTION responsible_for(week_start date, week_end date, scope varchar[])
RETURNS TABLE (staff_id varchar, grid_code varchar)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT sg.staff_id, sg.grid_code
    FROM staff_grids sg
    JOIN staff s ON s.id = sg.staff_id AND s.active
    WHERE (sg.valid_from IS NULL OR sg.valid_from <= week_end)
      AND (sg.valid_to IS NULL OR sg.valid_to >= week_start)
      AND in_scope(sg.grid_code, scope)
$$;
