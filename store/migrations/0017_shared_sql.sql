-- 0017: more SQL the named queries share, defined once (issue 19 item 5; the list of what was
-- still written more than once: scope2's closing note). On PostgreSQL: 0017_shared_sql.postgres.sql
-- (keep the two in step: same names, same meaning).

-- in_area(area, parent): whether the area with code `area` is `parent` or lies under it — the
-- "$parent / $area (or NULL)" filter of the reports, pages and directories; a NULL `parent` keeps
-- every area; a NULL or unknown `area` is under no area. It is in_scope (0012) with a scope of one
-- area, written with `=` so that DuckDB's plans stay those of the filter written out.
-- Call it as `in_area(a.code, $parent::VARCHAR)`. A macro is pasted into the query: its table
-- alias is one no query uses (see in_scope).
CREATE MACRO in_area(area, parent) AS
    parent IS NULL OR EXISTS (
        SELECT 1 FROM area_ancestors in_area_of
        WHERE in_area_of.code = area AND in_area_of.ancestor_code = parent);

-- quota_visits(week_start, week_end): the visits a quota counts (CONTRACT §4, quotas) — home visits
-- dated in [week_start, week_end] to households that are active — as (staff_id, visited_on, hid).
-- Active is tested as an anti-join on the few households that are not (a join on all of them reads
-- every household). Read by quotas and the weekly page's visit_week_days / visit_week_totals:
-- `FROM quota_visits($week_start::DATE, $week_end::DATE) v WHERE …`.
CREATE MACRO quota_visits(week_start, week_end) AS TABLE
    SELECT v.staff_id, v.visited_on, v.hid FROM visits v
    WHERE v.kind = 'home' AND v.visited_on BETWEEN week_start AND week_end
      AND v.hid NOT IN (SELECT quota_visits_h.hid FROM households quota_visits_h
                        WHERE quota_visits_h.status <> 'active');

-- household_matches(household_code, head_name, address, pattern): whether a household's code, head's
-- name or address contains the search (case-insensitive ILIKE; `pattern` is '%…%' with \ escaping
-- %, _ and \ — analytics/grids._like). The search of the household page (household_search) and of
-- the grid directory (grids_find_households); each ranks its hits its own way.
CREATE MACRO household_matches(household_code, head_name, address, pattern) AS
    household_code ILIKE pattern ESCAPE '\' OR head_name ILIKE pattern ESCAPE '\'
    OR coalesce(address, '') ILIKE pattern ESCAPE '\';
