-- 0012: the predicates many named queries share, defined once (issue 19 item 5). On PostgreSQL:
-- 0012_shared_predicates.postgres.sql (keep the two in step: same names, same meaning).

-- in_scope(area, scope): whether the area with code `area` lies in `scope` — the $scope
-- convention of every query (auth/scope.py): NULL is everything; otherwise a list of area codes,
-- and an area is in scope when it or one of its ancestors is listed (area_ancestors lists each
-- area with all its ancestors, itself included). A NULL or unknown `area` is in no list.
-- Call it as `in_scope(h.grid_code, $scope::VARCHAR[])`. A macro is pasted into the query: its
-- table alias is one no query uses, so that an argument such as `x.code` keeps meaning the caller's x.
CREATE MACRO in_scope(area, scope) AS
    scope IS NULL OR EXISTS (
        SELECT 1 FROM area_ancestors in_scope_of
        WHERE in_scope_of.code = area AND list_contains(scope, in_scope_of.ancestor_code));

-- petition_matches(category, channel, people, status, categories, channels, group_only,
-- group_people, unresolved_only): whether a petition passes the filters of the hotspot reports
-- (queries/reports.sql hotspot_counts, queries/hotspots_page.sql): `categories`/`channels` NULL
-- or a list the petition's is in; with `group_only`, group petitions only (from `group_people`
-- people on: vocabulary/petitions.GROUP_PETITION_PEOPLE, passed as $group_people); with
-- `unresolved_only`, those not yet replied to or closed.
CREATE MACRO petition_matches(category, channel, people, status,
                              categories, channels, group_only, group_people, unresolved_only) AS
    (categories IS NULL OR list_contains(categories, category))
    AND (channels IS NULL OR list_contains(channels, channel))
    AND (NOT group_only OR people >= group_people)
    AND (NOT unresolved_only OR status IN ('received', 'in_progress'));
