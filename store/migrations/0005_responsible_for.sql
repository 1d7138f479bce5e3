-- 0005: who answers for which grid during a period, as one rule that the weekly quota and the
-- office's ranking both read (queries/reports.sql `quotas`, queries/visits.sql
-- `staff_grid_coverage`): active staff whose assignment overlaps [week_start, week_end], on grids
-- in scope (NULL: everywhere; else an area code list, a grid counting when it or an ancestor is
-- listed). A table macro, because a view cannot take the week.
CREATE MACRO responsible_for(week_start, week_end, scope) AS TABLE
    SELECT DISTINCT sg.staff_id, sg.grid_code
    FROM staff_grids sg
    JOIN staff s ON s.id = sg.staff_id AND s.active
    WHERE (sg.valid_from IS NULL OR sg.valid_from <= week_end)
      AND (sg.valid_to IS NULL OR sg.valid_to >= week_start)
      AND (scope IS NULL OR EXISTS (
            SELECT 1 FROM area_ancestors x WHERE x.code = sg.grid_code AND list_contains(scope, x.ancestor_code)));
