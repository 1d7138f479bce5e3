-- 0005 on PostgreSQL: responsible_for of 0005_responsible_for.sql (keep the two in step) as a
-- SQL function returning a table (the planner inlines it into the query that calls it).
CREATE FUNCTION responsible_for(week_start date, week_end date, scope varchar[])
RETURNS TABLE (staff_id varchar, grid_code varchar)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT sg.staff_id, sg.grid_code
    FROM staff_grids sg
    JOIN staff s ON s.id = sg.staff_id AND s.active
    WHERE (sg.valid_from IS NULL OR sg.valid_from <= week_end)
      AND (sg.valid_to IS NULL OR sg.valid_to >= week_start)
      AND (scope IS NULL OR EXISTS (
            SELECT 1 FROM area_ancestors x WHERE x.code = sg.grid_code AND list_contains(scope, x.ancestor_code)))
$$;
