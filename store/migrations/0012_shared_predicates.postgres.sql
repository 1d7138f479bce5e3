-- 0012 on PostgreSQL: the shared predicates of 0012_shared_predicates.sql (keep the two in step:
-- same names, same meaning) as SQL functions of one expression with no sub-select, which the
-- planner inlines into the query that calls them (LANGUAGE sql, not STRICT, a single SELECT of an
-- expression; PostgreSQL does not inline a function whose body holds an EXISTS).

-- scope_areas(scope): every area in scope — the listed areas and all the areas under them — as
-- one array (NULL for a NULL scope). Declared IMMUTABLE although it reads area_ancestors, so that
-- the planner computes it once, while planning, for the $scope of the statement (a constant
-- there: every connection of the app plans each statement for its own parameters,
-- plan_cache_mode=force_custom_plan in store/postgres.py) instead of once per row. The catch of
-- that declaration: a plan kept and reused after area_ancestors changed would use the old list —
-- so never use it in an index, a generated column or a statement whose plan is cached with a
-- constant scope written into it.
CREATE FUNCTION scope_areas(scope varchar[]) RETURNS varchar[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(x.code), '{}') FROM area_ancestors x WHERE x.ancestor_code = ANY(scope)
$$;

-- in_scope(area, scope): whether the area lies in scope (NULL: everything; else it or one of its
-- ancestors is listed; a NULL or unknown area is in no list). See 0012_shared_predicates.sql.
-- Inlined, it becomes `area IS NOT NULL AND area = ANY('{…the scope's areas…}')`, which
-- PostgreSQL checks with a hash table (and can estimate, unlike a coalesce(…)), or nothing at all
-- for a NULL scope.
CREATE FUNCTION in_scope(area varchar, scope varchar[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT scope IS NULL OR (area IS NOT NULL AND area = ANY(scope_areas(scope)))
$$;

-- petition_matches(…): whether a petition passes the hotspot reports' filters. See
-- 0012_shared_predicates.sql.
CREATE FUNCTION petition_matches(category varchar, channel varchar, people integer, status varchar,
                                 categories varchar[], channels varchar[], group_only boolean,
                                 group_people integer, unresolved_only boolean) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (categories IS NULL OR category = ANY(categories))
       AND (channels IS NULL OR channel = ANY(channels))
       AND (NOT group_only OR people >= group_people)
       AND (NOT unresolved_only OR status IN ('received', 'in_progress'))
$$;
