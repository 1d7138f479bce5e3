-- 0017 on PostgreSQL: the shared SQL of 0017_shared_sql.sql (keep the two in step: same names,
-- same meaning).

-- in_area(area, parent): see 0017_shared_sql.sql. in_scope (0012) with a scope of one area: a SQL
-- function of one expression with no sub-select, which the planner inlines; for the statement's
-- $parent it becomes `area = ANY('{…the areas under it…}')` computed while planning (scope_areas,
-- IMMUTABLE: see its catch in 0012), or nothing at all for a NULL parent.
CREATE FUNCTION in_area(area varchar, parent varchar) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT parent IS NULL OR in_scope(area, ARRAY[parent])
$$;

-- quota_visits(week_start, week_end): see 0017_shared_sql.sql. A SQL function returning a table of
-- one SELECT, STABLE, which the planner inlines into the calling query (as responsible_for, 0014):
-- the plan is the one of the SELECT written out in the query. It returns its own columns, not
-- visits' row type, so that no later migration of visits has to drop it first.
CREATE FUNCTION quota_visits(week_start date, week_end date)
RETURNS TABLE (staff_id varchar, visited_on date, hid integer)
LANGUAGE sql STABLE AS $$
    SELECT v.staff_id, v.visited_on, v.hid FROM visits v
    WHERE v.kind = 'home' AND v.visited_on BETWEEN week_start AND week_end
      AND v.hid NOT IN (SELECT h.hid FROM households h WHERE h.status <> 'active')
$$;

-- household_matches(household_code, head_name, address, pattern): see 0017_shared_sql.sql. A SQL
-- function of one expression, not STRICT, which the planner inlines.
CREATE FUNCTION household_matches(household_code varchar, head_name varchar, address varchar, pattern varchar)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT household_code ILIKE pattern ESCAPE '\' OR head_name ILIKE pattern ESCAPE '\'
        OR coalesce(address, '') ILIKE pattern ESCAPE '\'
$$;
