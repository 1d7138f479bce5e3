-- 0014 on PostgreSQL: the rules of 0014_shared_rules.sql (keep the two in step).

-- assigned_during(…): see 0014_shared_rules.sql. A SQL function of one expression
-- with no sub-select, not STRICT, which the planner inlines into the query that calls it (the
-- plan is the one of the expression written out).
CREATE FUNCTION assigned_during(valid_from date, valid_to date, period_start date, period_end date)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (valid_from IS NULL OR valid_from <= period_end) AND (valid_to IS NULL OR valid_to >= period_start)
$$;

-- responsible_for, built from assigned_during and in_scope (0012). Still a SQL function returning a
-- table, STABLE, which the planner inlines into the calling query; there in_scope becomes
-- `grid_code = ANY('{…the scope's areas…}')` (or nothing for a NULL scope), see 0012.
CREATE OR REPLACE FUNCTION responsible_for(week_start date, week_end date, scope varchar[])
RETURNS TABLE (staff_id varchar, grid_code varchar)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT sg.staff_id, sg.grid_code
    FROM staff_grids sg
    JOIN staff s ON s.id = sg.staff_id AND s.active
    WHERE assigned_during(sg.valid_from, sg.valid_to, week_start, week_end)
      AND in_scope(sg.grid_code, scope)
$$;
