-- Visits entered in the app (the weekly page, issue 7): the grid worker's households, recording,
-- editing and deleting their own visits, the seven days of a week, and the township's view.
-- $scope is NULL (everything) or a list of area codes, as in reports.sql.

-- name: visit_staff_grids
-- The grids a staff member answers for on $as_of (staff_grids keeps the history).
SELECT DISTINCT sg.grid_code
FROM staff_grids sg JOIN areas a ON a.code = sg.grid_code
WHERE sg.staff_id = $staff_id
  AND assigned_during(sg.valid_from, sg.valid_to, $as_of::DATE, $as_of::DATE)
ORDER BY sg.grid_code;

-- name: visit_staff_pairings
-- The households a staff member is paired with (结穷亲).
SELECT household_code FROM pairings WHERE staff_id = $staff_id ORDER BY household_code;

-- name: visit_households
-- Active households a staff member may record visits for: those of their grids on $as_of (within
-- $scope) and those they are paired with; with their last home visit up to $as_of. Only those
-- households are read (their grids' by grid, the paired ones by code: one condition with OR read
-- every household on PostgreSQL), and their last home visit is households.last_home_on
-- (store/migrations/0004); only a household whose last home visit is later than $as_of (a look into
-- the past) has its visits read again, as in unvisited.
WITH mine AS (
    SELECT DISTINCT sg.grid_code FROM staff_grids sg
    WHERE sg.staff_id = $staff_id
      AND assigned_during(sg.valid_from, sg.valid_to, $as_of::DATE, $as_of::DATE)
),
paired AS (SELECT household_code FROM pairings WHERE staff_id = $staff_id),
hh AS (
    SELECT h.code, h.head_name, h.address, h.grid_code, h.tags, h.created_on, h.lon, h.lat, h.last_home_on
    FROM households h
    WHERE h.status = 'active'
      AND h.grid_code IN (SELECT grid_code FROM mine)
      AND in_scope(h.grid_code, $scope::VARCHAR[])
    UNION  -- a paired household of their grids once
    SELECT h.code, h.head_name, h.address, h.grid_code, h.tags, h.created_on, h.lon, h.lat, h.last_home_on
    FROM households h
    WHERE h.status = 'active'
      AND h.code IN (SELECT household_code FROM paired)
),
earlier AS (
    SELECT v.household_code, max(v.visited_on) AS last_on FROM visits v
    WHERE v.kind = 'home' AND v.visited_on <= $as_of::DATE
      AND v.household_code IN (SELECT code FROM hh WHERE last_home_on > $as_of::DATE)
    GROUP BY v.household_code
),
last AS (
    SELECT hh.*, CASE WHEN hh.last_home_on <= $as_of::DATE THEN hh.last_home_on ELSE earlier.last_on END AS last_visit
    FROM hh LEFT JOIN earlier ON earlier.household_code = hh.code
)
SELECT code AS household_code, head_name, address, grid_code, tags, created_on, lon, lat, last_visit,
       code IN (SELECT household_code FROM paired) AS paired
FROM last
ORDER BY last_visit ASC NULLS FIRST, code;

-- name: visit_household_get
-- One household, for validating a visit: code, head_name, grid_code, status, created_on.
SELECT code, head_name, grid_code, status, created_on FROM households WHERE code = $code;

-- name: visit_is_paired
SELECT count(*) > 0 FROM pairings WHERE staff_id = $staff_id AND household_code = $household_code;

-- name: visit_insert
-- A new visit; nothing (no row returned) when the same household, staff, day and kind is already recorded.
INSERT INTO visits (household_code, staff_id, visited_on, kind, note, needs_action, created_by, hid)
SELECT $household_code::VARCHAR, $staff_id::VARCHAR, $visited_on::DATE, $kind::VARCHAR, $note::VARCHAR,
       $needs_action::BOOLEAN, $created_by::VARCHAR, (SELECT hid FROM households WHERE code = $household_code)
ON CONFLICT (household_code, staff_id, visited_on, kind) DO NOTHING
RETURNING id;

-- name: visit_insert_quiet
-- visit_insert of a visit that raises no issue (needs_action FALSE, written here, not a parameter): a
-- write of quiet visits only, which leaves the data's version without quiet visits where it is
-- (store/version.py QUIET_STATEMENTS; the work list's visit issues read flagged visits only).
INSERT INTO visits (household_code, staff_id, visited_on, kind, note, needs_action, created_by, hid)
SELECT $household_code::VARCHAR, $staff_id::VARCHAR, $visited_on::DATE, $kind::VARCHAR, $note::VARCHAR,
       FALSE, $created_by::VARCHAR, (SELECT hid FROM households WHERE code = $household_code)
ON CONFLICT (household_code, staff_id, visited_on, kind) DO NOTHING
RETURNING id;

-- name: visit_get
SELECT v.id, v.household_code, v.staff_id, v.visited_on, v.kind, v.note, v.needs_action, v.created_by,
       h.head_name, h.grid_code, h.created_on
FROM visits v LEFT JOIN households h ON h.code = v.household_code
WHERE v.id = $id;

-- name: visit_key_taken
-- Whether another visit (not $id) already has this household, staff, day and kind.
SELECT count(*) > 0 FROM visits
WHERE household_code = $household_code AND staff_id = $staff_id AND visited_on = $visited_on::DATE
  AND kind = $kind AND id <> $id;

-- name: visit_update!
UPDATE visits SET visited_on = $visited_on::DATE, kind = $kind, note = $note, needs_action = $needs_action::BOOLEAN
WHERE id = $id AND household_code = $household_code;

-- name: visit_delete!
-- (the household named too: one household's write, store/version.py ONE_HOUSEHOLD_STATEMENTS)
DELETE FROM visits WHERE id = $id AND household_code = $household_code;

-- name: visit_update_quiet
-- visit_update of a visit that raised no issue and raises none: only a row whose needs_action is
-- FALSE, and needs_action is not written (store/version.py QUIET_STATEMENTS). Its id, or no row when
-- the visit is flagged (or gone): then the caller runs visit_update, which moves the visit issues' part.
UPDATE visits SET visited_on = $visited_on::DATE, kind = $kind, note = $note
WHERE id = $id AND household_code = $household_code AND NOT needs_action
RETURNING id;

-- name: visit_delete_quiet
-- visit_delete of a visit that raised no issue: only a row whose needs_action is FALSE (store/version.py
-- QUIET_STATEMENTS). Its id, or no row when the visit is flagged (or gone): then visit_delete.
DELETE FROM visits WHERE id = $id AND household_code = $household_code AND NOT needs_action
RETURNING id;

-- name: household_lock!
-- Hold the household's row until the transaction ends (an update that changes nothing): a second
-- writer of the same household waits for this one (PostgreSQL) or is aborted and tries again
-- (DuckDB). Taken first by every change that may move households.last_home_on back (an edit, a
-- delete), so that its recount below sees every visit committed before it.
UPDATE households SET last_home_on = last_home_on WHERE code = $household_code;

-- name: last_home_forward!
-- A new home visit moves its household's last home visit forward, never back: one statement that
-- reads the row it updates, so that two visits recorded at once can never hide each other.
UPDATE households SET last_home_on = greatest(coalesce(last_home_on, $visited_on::DATE), $visited_on::DATE)
WHERE code = $household_code;

-- name: last_home_recount!
-- One household's last home visit, counted again after a home visit of it was added, changed or
-- deleted (store/migrations/0004).
UPDATE households SET last_home_on = (
    SELECT max(v.visited_on) FROM visits v WHERE v.household_code = $household_code AND v.kind = 'home')
WHERE code = $household_code;

-- name: visits_recent_of_staff
-- A staff member's visits (every kind) dated from $since, newest first.
SELECT v.id, v.visited_on, v.kind, v.household_code, h.head_name, h.grid_code, v.note, v.needs_action
FROM visits v LEFT JOIN households h ON h.code = v.household_code
WHERE v.staff_id = $staff_id AND v.visited_on >= $since::DATE
ORDER BY v.visited_on DESC, v.id DESC
LIMIT $limit;

-- name: visit_week_days
-- Home visits per day of [$week_start, $week_end] by some staff (active households, as in quotas).
SELECT v.visited_on, count(*) AS visits, count(DISTINCT v.hid) AS households
FROM quota_visits($week_start::DATE, $week_end::DATE) v
WHERE list_contains($staff::VARCHAR[], v.staff_id)
GROUP BY v.visited_on
ORDER BY v.visited_on;

-- name: visit_week_other_kinds
-- Visits of the other kinds (phone, meeting, reception) by some staff in the week, per kind.
SELECT v.kind, count(*) AS visits
FROM visits v
WHERE v.kind <> 'home' AND v.visited_on BETWEEN $week_start::DATE AND $week_end::DATE
  AND list_contains($staff::VARCHAR[], v.staff_id)
GROUP BY v.kind ORDER BY v.kind;

-- name: staff_grid_coverage
-- For every staff member responsible for a grid in the week (the rows of quotas): active households
-- of their grids and those with a home visit (by anyone) in the $days days up to $as_of.
WITH resp AS (  -- who answers for which grid this week (store/migrations/0005)
    SELECT staff_id, grid_code FROM responsible_for($week_start::DATE, $week_end::DATE, $scope::VARCHAR[])
),
hh AS (
    SELECT DISTINCT r.staff_id, h.code
    FROM resp r JOIN households h ON h.grid_code = r.grid_code AND h.status = 'active'
),
seen AS (
    SELECT DISTINCT household_code FROM visits
    WHERE kind = 'home' AND visited_on <= $as_of::DATE
      AND date_diff('day', visited_on, $as_of::DATE) < $days::INTEGER
)
SELECT r.staff_id, count(DISTINCT hh.code) AS grid_households, count(DISTINCT seen.household_code) AS grid_visited
FROM (SELECT DISTINCT staff_id FROM resp) r
LEFT JOIN hh ON hh.staff_id = r.staff_id
LEFT JOIN seen ON seen.household_code = hh.code
GROUP BY r.staff_id
ORDER BY r.staff_id;

-- name: secretary_receptions
-- Village secretaries (书记每周一次接待群众): receptions (kind 'reception') in the week.
-- A secretary is in $scope when one of their assigned areas is, or they ever visited a household in it.
SELECT s.id AS staff_id, s.name,
       count(v.id) AS receptions, count(DISTINCT v.visited_on) AS reception_days,
       count(v.id) > 0 AS met
FROM staff s
LEFT JOIN visits v ON v.staff_id = s.id AND v.kind = 'reception'
                  AND v.visited_on BETWEEN $week_start::DATE AND $week_end::DATE
WHERE s.role = 'secretary' AND s.active
  AND ($scope::VARCHAR[] IS NULL
       OR EXISTS (SELECT 1 FROM staff_grids sg
                  WHERE sg.staff_id = s.id AND in_scope(sg.grid_code, $scope::VARCHAR[]))
       OR EXISTS (SELECT 1 FROM visits w JOIN households h ON h.code = w.household_code
                  WHERE w.staff_id = s.id AND in_scope(h.grid_code, $scope::VARCHAR[])))
GROUP BY s.id, s.name
ORDER BY s.id;

-- name: visit_staff_responsible
-- A staff member's row of quotas without the counts: their name and the grids they answer for in the
-- week (store/migrations/0005), joined with 、 in code order as in quotas; no row when they answer for none.
SELECT s.name, string_agg(r.grid_code, '、' ORDER BY r.grid_code) AS grid_code
FROM responsible_for($week_start::DATE, $week_end::DATE, CAST(NULL AS VARCHAR[])) r
JOIN staff s ON s.id = r.staff_id
WHERE r.staff_id = $staff_id
GROUP BY s.name;

-- name: visit_week_of_staff
-- One staff member's visits of the week as the weekly page counts them, read once (analytics.visits.
-- staff_week): the home visits a quota counts (quota_visits, as visit_week_days / visit_week_totals)
-- with kind 'home', and the visits of the other kinds (as visit_week_other_kinds), one row each.
SELECT 'home' AS kind, v.visited_on, v.hid
FROM quota_visits($week_start::DATE, $week_end::DATE) v
WHERE v.staff_id = $staff_id
UNION ALL
SELECT v.kind, v.visited_on, v.hid
FROM visits v
WHERE v.kind <> 'home' AND v.visited_on BETWEEN $week_start::DATE AND $week_end::DATE AND v.staff_id = $staff_id;

-- name: visit_week_totals
-- Home visits, visit days and households visited by some staff in the week (the quota's counts,
-- for someone who answers for no grid and so has no row in quotas).
SELECT count(*) AS visits, count(DISTINCT v.visited_on) AS visit_days, count(DISTINCT v.hid) AS households
FROM quota_visits($week_start::DATE, $week_end::DATE) v
WHERE list_contains($staff::VARCHAR[], v.staff_id);
