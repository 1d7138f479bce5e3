-- Today's walk (今天走哪几户, issue 20): analytics/walk.py reads these. Which households are due is
-- not defined here: it is the contract's rule (queries/reports.sql unvisited, through
-- analytics.visits.due_households).

-- name: walk_last_home_visit
-- The staff member's latest home visit to a household with a point (where they stood last):
-- household, point, date and when it was recorded. Only visits dated from $since when given
-- (analytics/walk.py asks the last week first: the visits are stored about in date order, so DuckDB
-- skips the older ones, and the latest visit, when there is one that week, is the same). Joined by the
-- households' integer key (hid, migration 0004; the same household as by code): on DuckDB half the
-- work of the join by code.
SELECT v.household_code, h.lon, h.lat, v.visited_on, v.created_at
FROM visits v JOIN households h ON h.hid = v.hid
WHERE v.staff_id = $staff_id AND v.kind = 'home' AND v.visited_on <= $today::DATE
  AND v.visited_on >= coalesce($since::DATE, DATE '0001-01-01')
  AND h.lon IS NOT NULL AND h.lat IS NOT NULL
ORDER BY v.visited_on DESC, v.created_at DESC NULLS LAST, v.id DESC
LIMIT 1;

-- name: walk_done_today
-- Which of $codes had a home visit (by anyone) dated $today, with the time the first was recorded.
-- IN (SELECT unnest(…)), a join, not list_contains: $codes are all of a grid worker's due households
-- (some hundreds), and list_contains looks through the list for each of the day's visits.
SELECT household_code, min(created_at) AS recorded_at
FROM visits
WHERE kind = 'home' AND visited_on = $today::DATE AND household_code IN (SELECT unnest($codes::VARCHAR[]))
GROUP BY household_code;

-- name: walk_grid_geoms
-- The polygons (WKB, WGS-84) of some grids, for the centre a walk starts from when nothing better is known.
SELECT code, geom FROM areas WHERE level = 'grid' AND list_contains($codes::VARCHAR[], code) ORDER BY code;

-- name: walk_area_last_visited
-- The point of the household of an area visited at home last (bench/walk.py: where a walk starts).
SELECT h.lon, h.lat FROM households h JOIN area_ancestors a ON a.code = h.grid_code
WHERE a.ancestor_code = $area AND h.last_home_on IS NOT NULL AND h.lon IS NOT NULL AND h.lat IS NOT NULL
ORDER BY h.last_home_on DESC, h.code
LIMIT 1;
