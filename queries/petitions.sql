-- Petitions (信访) and visit issues (民情日志 items, visits.needs_action): the two parts of one work list,
-- with deadlines (CONTRACT.md §4 "Petition deadlines"). analytics/petitions.py calls these and puts the
-- parts together; the calendar must cover the years involved first (analytics.calendar.ensure_calendar).

-- name: petition_items
-- Every petition received up to $today (optionally only those received in [$date_from, $date_to]), in
-- $scope, located, with its reply deadline; reads no visit (its result is shared under the data's
-- version without visits: ui/shared.py READS_NO_VISITS). The state as of $today, the other deadline, the
-- flags and the order of the work list are analytics/petitions.py's (_as_of, the same for visit issues).
--   located: by its household's grid, else its point (grid, else village), else its village_code
--   (petitions_located, as hotspot_counts). Unlocated petitions are in scope when $scope IS NULL or
--   $with_unlocated (a scope that sees the whole county: analytics.reports.county_wide).
--   reply_due: $reply_days working days after received_on (calendar_days.workday_no).
--   is_repeat: its household petitioned before within $repeat_days days (any scope, any date), as
--   hotspots_page_repeats lists them (written twice: one view of both computed every lag for either,
--   measured slower on DuckDB — tests/test_shared_predicates.py checks that the two agree). The lag is
--   taken over every petition up to $today of the households the items name (whole partitions, so
--   the same lag as over all petitions): a township's work list orders its households' petitions,
--   not the county's 100,000.
--   loc: the code it is located by (petitions_located), as the scope test reads it: what
--   analytics.petitions.cut cuts a scope's items out of the county's by.
WITH it AS (
    SELECT p.id AS item_id, p.received_on, p.category, p.channel, p.people,
           p.household_code, p.household_head AS head_name,
           pl.grid_code, pl.village_code, pl.village_name, pl.township_code, pl.township_name,
           (pl.village_code IS NOT NULL OR pl.grid_code IS NOT NULL) AS located,
           p.status AS status_now, p.replied_on, p.closed_on, p.satisfaction, p.reply_text AS text, p.loc
    FROM petitions_located p
    LEFT JOIN area_places pl ON pl.code = p.loc
    WHERE p.received_on <= $today::DATE
      AND (CAST($date_from AS DATE) IS NULL OR p.received_on >= CAST($date_from AS DATE))
      AND (CAST($date_to AS DATE) IS NULL OR p.received_on <= CAST($date_to AS DATE))
      AND (in_scope(p.loc, CAST($scope AS VARCHAR[]))
           OR (CAST($with_unlocated AS BOOLEAN) AND pl.village_code IS NULL AND pl.grid_code IS NULL))
), lags AS (
    SELECT q.id, date_diff('day',
               lag(q.received_on) OVER (PARTITION BY q.household_code ORDER BY q.received_on, q.id),
               q.received_on) <= $repeat_days::INTEGER AS near
    FROM petitions q
    WHERE q.received_on <= $today::DATE AND q.household_code IN (SELECT household_code FROM it)
)
SELECT 'petition' AS kind, it.item_id AS id, it.received_on, it.category, it.channel, it.people,
       it.household_code, it.head_name,
       it.grid_code, it.village_code, it.village_name, it.township_code, it.township_name, it.located,
       it.status_now, it.replied_on, it.closed_on, it.satisfaction, d.day AS reply_due,
       (it.household_code IS NOT NULL AND l.near) AS is_repeat, it.text, it.loc
FROM it
LEFT JOIN lags l ON l.id = it.item_id
LEFT JOIN calendar_days s ON s.day = it.received_on
LEFT JOIN calendar_days d ON d.workday AND d.workday_no = s.workday_no + $reply_days::INTEGER;

-- name: petition_items__postgres
-- petition_items on PostgreSQL, with two changes to the rows the lag runs over (the lag is the same):
-- * `it` NOT MATERIALIZED. PostgreSQL keeps no statistics of a materialised CTE, so it guessed 200
--   households in `it` and looked each of the ~77,000 a county's items name up by index (nested
--   loop): ~1.2 s of server CPU for the county's part. Inlined, the households' semi-join is planned
--   on the tables (a hash join).
-- * With no $scope the lag is taken over every petition up to $today, with no semi-join at all (each
--   statement is planned for its own parameters, plan_cache_mode=force_custom_plan: the test folds
--   away). Every household's partition is whole either way.
-- Server CPU per call, rows sent included, county copy: the county's part ~0.7 s (materialised
-- ~1.2 s, b1521f8's form ~0.56 s), a township's ~0.22 s (b1521f8's ~0.44 s); BENCHMARKS.md, eighth
-- session, "On PostgreSQL".
WITH it AS NOT MATERIALIZED (
    SELECT p.id AS item_id, p.received_on, p.category, p.channel, p.people,
           p.household_code, p.household_head AS head_name,
           pl.grid_code, pl.village_code, pl.village_name, pl.township_code, pl.township_name,
           (pl.village_code IS NOT NULL OR pl.grid_code IS NOT NULL) AS located,
           p.status AS status_now, p.replied_on, p.closed_on, p.satisfaction, p.reply_text AS text, p.loc
    FROM petitions_located p
    LEFT JOIN area_places pl ON pl.code = p.loc
    WHERE p.received_on <= $today::DATE
      AND (CAST($date_from AS DATE) IS NULL OR p.received_on >= CAST($date_from AS DATE))
      AND (CAST($date_to AS DATE) IS NULL OR p.received_on <= CAST($date_to AS DATE))
      AND (in_scope(p.loc, CAST($scope AS VARCHAR[]))
           OR (CAST($with_unlocated AS BOOLEAN) AND pl.village_code IS NULL AND pl.grid_code IS NULL))
), lags AS (
    SELECT q.id, date_diff('day',
               lag(q.received_on) OVER (PARTITION BY q.household_code ORDER BY q.received_on, q.id),
               q.received_on) <= $repeat_days::INTEGER AS near
    FROM petitions q
    WHERE q.received_on <= $today::DATE
      AND (CAST($scope AS VARCHAR[]) IS NULL OR q.household_code IN (SELECT household_code FROM it))
)
SELECT 'petition' AS kind, it.item_id AS id, it.received_on, it.category, it.channel, it.people,
       it.household_code, it.head_name,
       it.grid_code, it.village_code, it.village_name, it.township_code, it.township_name, it.located,
       it.status_now, it.replied_on, it.closed_on, it.satisfaction, d.day AS reply_due,
       (it.household_code IS NOT NULL AND l.near) AS is_repeat, it.text, it.loc
FROM it
LEFT JOIN lags l ON l.id = it.item_id
LEFT JOIN calendar_days s ON s.day = it.received_on
LEFT JOIN calendar_days d ON d.workday AND d.workday_no = s.workday_no + $reply_days::INTEGER;

-- name: visit_issue_items
-- Every visit issue (a visit with needs_action) made up to $today (optionally only those in
-- [$date_from, $date_to]), in $scope, located by its household's grid, with its reply deadline; the
-- columns of petition_items (a visit issue has no category, satisfaction or repeat; its channel is the
-- visit's kind; its state lives in visit_issues, "received" until taken up). Unlocated ones are in scope
-- when $scope IS NULL or $with_unlocated, as above. Of visits it reads the flagged ones only (the
-- v.needs_action of its WHERE), and of households no last home visit: shared under the data's version
-- without quiet visits (ui/shared.py READS_NO_QUIET_VISITS, tests/test_data_version_parts.py). loc: as
-- above, its household's grid (NULL when the household is not joined: out of scope or unknown).
WITH iss AS (
    SELECT CAST(v.id AS VARCHAR) AS item_id, v.visited_on AS received_on, v.kind AS channel,
           v.household_code, h.head_name, h.grid_code AS loc,
           coalesce(i.status, 'received') AS status_now, i.resolved_on AS closed_on,
           coalesce(i.note, v.note) AS text
    FROM visits v
    -- only the households the outer WHERE can keep: in $scope, or all when unlocated ones are kept
    -- (the same test, earlier: a township's issues join its own households, not the county's 300,000)
    LEFT JOIN (SELECT code, head_name, grid_code FROM households
               WHERE CAST($with_unlocated AS BOOLEAN) OR in_scope(grid_code, CAST($scope AS VARCHAR[]))) h
           ON h.code = v.household_code
    LEFT JOIN visit_issues i ON i.visit_id = v.id
    WHERE v.needs_action AND v.visited_on <= $today::DATE
      AND (CAST($date_from AS DATE) IS NULL OR v.visited_on >= CAST($date_from AS DATE))
      AND (CAST($date_to AS DATE) IS NULL OR v.visited_on <= CAST($date_to AS DATE))
)
SELECT 'visit_issue' AS kind, it.item_id AS id, it.received_on, NULL::VARCHAR AS category, it.channel,
       1 AS people, it.household_code, it.head_name,
       pl.grid_code, pl.village_code, pl.village_name, pl.township_code, pl.township_name,
       (pl.village_code IS NOT NULL OR pl.grid_code IS NOT NULL) AS located,
       it.status_now, NULL::DATE AS replied_on, it.closed_on, NULL::VARCHAR AS satisfaction,
       d.day AS reply_due, FALSE AS is_repeat, it.text, it.loc
FROM iss it
LEFT JOIN calendar_days s ON s.day = it.received_on
LEFT JOIN calendar_days d ON d.workday AND d.workday_no = s.workday_no + $reply_days::INTEGER
LEFT JOIN area_places pl ON pl.code = it.loc
WHERE in_scope(it.loc, CAST($scope AS VARCHAR[]))
   OR (CAST($with_unlocated AS BOOLEAN) AND pl.village_code IS NULL AND pl.grid_code IS NULL);

-- name: visit_issue_items__postgres
-- visit_issue_items on PostgreSQL: households joined whole, the scope tested once, in the outer WHERE
-- (its form before 8f89562). PostgreSQL pushes that test down to the households itself (the WHERE on
-- h.grid_code makes the LEFT JOIN an inner one); testing it twice, as the DuckDB form does, made it
-- count the scope's selectivity twice and plan a township's issues with nested loops (~25 ms more
-- server CPU each: BENCHMARKS.md, eighth session, "On PostgreSQL").
WITH iss AS (
    SELECT CAST(v.id AS VARCHAR) AS item_id, v.visited_on AS received_on, v.kind AS channel,
           v.household_code, h.head_name, h.grid_code AS loc,
           coalesce(i.status, 'received') AS status_now, i.resolved_on AS closed_on,
           coalesce(i.note, v.note) AS text
    FROM visits v
    LEFT JOIN households h ON h.code = v.household_code
    LEFT JOIN visit_issues i ON i.visit_id = v.id
    WHERE v.needs_action AND v.visited_on <= $today::DATE
      AND (CAST($date_from AS DATE) IS NULL OR v.visited_on >= CAST($date_from AS DATE))
      AND (CAST($date_to AS DATE) IS NULL OR v.visited_on <= CAST($date_to AS DATE))
)
SELECT 'visit_issue' AS kind, it.item_id AS id, it.received_on, NULL::VARCHAR AS category, it.channel,
       1 AS people, it.household_code, it.head_name,
       pl.grid_code, pl.village_code, pl.village_name, pl.township_code, pl.township_name,
       (pl.village_code IS NOT NULL OR pl.grid_code IS NOT NULL) AS located,
       it.status_now, NULL::DATE AS replied_on, it.closed_on, NULL::VARCHAR AS satisfaction,
       d.day AS reply_due, FALSE AS is_repeat, it.text, it.loc
FROM iss it
LEFT JOIN calendar_days s ON s.day = it.received_on
LEFT JOIN calendar_days d ON d.workday AND d.workday_no = s.workday_no + $reply_days::INTEGER
LEFT JOIN area_places pl ON pl.code = it.loc
WHERE in_scope(it.loc, CAST($scope AS VARCHAR[]))
   OR (CAST($with_unlocated AS BOOLEAN) AND pl.village_code IS NULL AND pl.grid_code IS NULL);

-- name: worklist_scope_areas
-- Every area in $scope (a list of codes, never NULL): those listed and every area under them, the
-- areas in_scope (migration 0012) holds true for. analytics.petitions.cut keeps the county's work-list
-- items whose loc is one of them.
SELECT DISTINCT code FROM area_ancestors WHERE ancestor_code IN (SELECT unnest(CAST($scope AS VARCHAR[])));

-- name: petition_received_years
-- The first and last year of any petition (the calendar must cover them).
SELECT min(year(received_on)), max(year(received_on)) FROM petitions;

-- name: visit_issue_years
-- The first and last year of any visit with needs_action (the calendar must cover them).
SELECT min(year(visited_on)), max(year(visited_on)) FROM visits WHERE needs_action;

-- name: petition_get
SELECT id, received_on, status, replied_on, closed_on, satisfaction, reply_text, household_code,
       lon, lat, village_code
FROM petitions WHERE id = $petition_id;

-- name: petition_lock!
-- Hold the petition's row until the transaction ends (an update that changes nothing): two people
-- changing one petition's status at once are served one after the other, each checking the
-- lifecycle against the state the other left.
UPDATE petitions SET status = status WHERE id = $petition_id;

-- name: petition_set_status!
-- The new state of a petition (analytics.petitions.change_status checks the lifecycle first).
UPDATE petitions
SET status = $status, replied_on = CAST($replied_on AS DATE), closed_on = CAST($closed_on AS DATE),
    reply_text = $reply_text, satisfaction = $satisfaction, updated_at = now()
WHERE id = $petition_id;

-- name: petition_set_location!
-- Attach a petition to a household, a point (with the village and grid holding it), or a village.
UPDATE petitions
SET household_code = $household_code, lon = $lon, lat = $lat,
    point_village_code = $point_village_code, point_grid_code = $point_grid_code,
    village_code = $village_code, updated_at = now()
WHERE id = $petition_id;

-- name: petition_area_code
-- Where a petition is located (grid or village code), or NULL.
SELECT loc FROM petitions_located WHERE id = $petition_id;

-- name: household_exists
SELECT count(*) FROM households WHERE code = $household_code;

-- name: village_exists
SELECT count(*) FROM areas WHERE code = $village_code AND level = 'village';

-- name: visit_issue_get
-- A flagged visit and its issue state.
SELECT v.id, v.visited_on, coalesce(i.status, 'received') AS status, i.resolved_on, i.note, h.grid_code
FROM visits v
LEFT JOIN visit_issues i ON i.visit_id = v.id
LEFT JOIN households h ON h.code = v.household_code
WHERE v.id = $visit_id AND v.needs_action;

-- name: visit_issue_lock!
-- Hold a flagged visit's row until the transaction ends (as petition_lock, for its issue's state).
UPDATE visits SET needs_action = needs_action WHERE id = $visit_id;

-- name: visit_issue_upsert!
INSERT INTO visit_issues (visit_id, status, resolved_on, note, updated_at)
VALUES ($visit_id, $status, CAST($resolved_on AS DATE), $note, now())
ON CONFLICT (visit_id) DO UPDATE SET status = excluded.status, resolved_on = excluded.resolved_on,
    note = excluded.note, updated_at = excluded.updated_at;

-- name: area_households
-- Every area of $level in $scope with its active households (as in the coverage report).
SELECT a.code, a.name, a.parent_code,
       (SELECT count(*) FROM households h JOIN area_ancestors anc ON anc.code = h.grid_code
        WHERE anc.ancestor_code = a.code AND h.status = 'active') AS households
FROM areas a
WHERE a.level = $level
  AND in_scope(a.code, $scope::VARCHAR[])
ORDER BY a.code;

-- name: grid_areas
-- Each grid with its village and township (for attributing staff-weeks to areas).
SELECT g.code AS grid_code, v.ancestor_code AS village_code, t.ancestor_code AS township_code
FROM areas g
LEFT JOIN area_ancestors v ON v.code = g.code AND v.ancestor_level = 'village'
LEFT JOIN area_ancestors t ON t.code = g.code AND t.ancestor_level = 'township'
WHERE g.level = 'grid';
