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
