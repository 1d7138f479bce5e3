-- 0014: responsible_for of 0005 again, its scope test now the one scope predicate of 0012
-- (in_scope) instead of a copy of it (issue 19 item 5). Same answers: active staff whose
-- assignment overlaps [week_start, week_end], on grids in scope. On PostgreSQL:
-- 0014_responsible_for_in_scope.postgres.sql (keep the two in step).
CREATE OR REPLACE MACRO responsible_for(week_start, week_end, scope) AS TABLE
    SELECT DISTINCT sg.staff_id, sg.grid_code
    FROM staff_grids sg
    JOIN staff s ON s.id = sg.staff_id AND s.active
    WHERE (sg.valid_from IS NULL OR sg.valid_from <= week_end)
      AND (sg.valid_to IS NULL OR sg.valid_to >= week_start)
      AND in_scope(sg.grid_code, scope);
