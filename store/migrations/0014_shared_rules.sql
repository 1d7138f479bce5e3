-- 0014: two more rules the named queries share, defined once (issue 19 item 5). On PostgreSQL:
-- 0014_shared_rules.postgres.sql (keep the two in step: same names, same meaning).

-- assigned_during(valid_from, valid_to, period_start, period_end): whether an assignment of
-- staff_grids valid over [valid_from, valid_to] (NULL: open on that side — since always, still)
-- holds on at least one day of [period_start, period_end]; on one day $on: both ends $on.
-- Call it as `assigned_during(sg.valid_from, sg.valid_to, $on::DATE, $on::DATE)`.
CREATE MACRO assigned_during(valid_from, valid_to, period_start, period_end) AS
    (valid_from IS NULL OR valid_from <= period_end) AND (valid_to IS NULL OR valid_to >= period_start);

-- responsible_for of 0005 again, built from the shared rules instead of copies of them: active
-- staff whose assignment holds during [week_start, week_end] (assigned_during), on grids in
-- scope (in_scope, 0012). Same answers as 0005's.
CREATE OR REPLACE MACRO responsible_for(week_start, week_end, scope) AS TABLE
    SELECT DISTINCT sg.staff_id, sg.grid_code
    FROM staff_grids sg
    JOIN staff s ON s.id = sg.staff_id AND s.active
    WHERE assigned_during(sg.valid_from, sg.valid_to, week_start, week_end)
      AND in_scope(sg.grid_code, scope);
