-- The coverage page (pages/coverage.py, analytics/coverage_page.py): what it needs beyond reports.sql.
-- $scope is NULL (everything) or a list of area codes, as in reports.sql.

-- name: coverage_monthly
-- Coverage of each area of $level under $parent (NULL: every area of the level) in each calendar
-- month from $month_from to $month_to: active households in its grids (today's register), those
-- with at least one visit of the $kinds dated in that month. Same definition as `coverage`,
-- one month at a time; empty coverage when the area has no households.
WITH lvl AS (
    SELECT a.code FROM areas a
    WHERE a.level = $level
      AND in_area(a.code, $parent::VARCHAR)
      AND in_scope(a.code, $scope::VARCHAR[])
),
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(date_trunc('month', $month_from::DATE), date_trunc('month', $month_to::DATE),
                         INTERVAL '1 month') AS g(m)
),
hh AS (
    SELECT h.hid, anc.ancestor_code AS area_code
    FROM households h
    JOIN area_ancestors anc ON anc.code = h.grid_code AND anc.ancestor_level = $level
    JOIN lvl ON lvl.code = anc.ancestor_code
    WHERE h.status = 'active'
),
n AS (
    SELECT area_code, count(*) AS households FROM hh GROUP BY area_code
),
bits AS (
    -- Per month, the households visited in it as a bitmap over the integer household key (bit
    -- hid-1; $max_hid is the largest key): one pass over the visits, no DISTINCT over millions of
    -- (household, month) pairs. Only keys between the area's smallest and largest are read.
    SELECT CAST(date_trunc('month', visited_on) AS DATE) AS month,
           bitstring_agg(hid, 1, $max_hid::INTEGER) AS bits
    FROM visits
    WHERE visited_on >= date_trunc('month', $month_from::DATE)
      AND visited_on < date_trunc('month', $month_to::DATE) + INTERVAL '1 month'
      AND list_contains($kinds::VARCHAR[], kind)
      AND hid BETWEEN (SELECT min(hid) FROM hh) AND (SELECT max(hid) FROM hh)
    GROUP BY 1
),
v AS (
    SELECT hh.area_code, b.month, count(*) FILTER (WHERE get_bit(b.bits, hh.hid - 1) = 1) AS visited
    FROM hh CROSS JOIN bits b
    GROUP BY hh.area_code, b.month
)
SELECT l.code, m.month,
       coalesce(n.households, 0) AS households,
       coalesce(v.visited, 0) AS visited,
       CASE WHEN coalesce(n.households, 0) = 0 THEN NULL
            ELSE round(CAST(coalesce(v.visited, 0) AS FLOAT8) / n.households, 4) END AS coverage
FROM lvl l
CROSS JOIN months m
LEFT JOIN n ON n.area_code = l.code
LEFT JOIN v ON v.area_code = l.code AND v.month = m.month
ORDER BY l.code, m.month;

-- name: coverage_monthly__postgres
-- coverage_monthly on PostgreSQL (no bitstring_agg): each active household's visited days per kind
-- (0018's day sets, read with the households from the index households_active_days alone) tested
-- against each month, instead of the distinct (month, household) pairs of the range's visits
-- (BENCHMARKS.md, "The weekly quota and the 12-month trend on PostgreSQL").
WITH lvl AS (
    SELECT a.code FROM areas a
    WHERE a.level = $level
      AND in_area(a.code, $parent::VARCHAR)
      AND in_scope(a.code, $scope::VARCHAR[])
),
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(date_trunc('month', $month_from::DATE), date_trunc('month', $month_to::DATE),
                         INTERVAL '1 month') AS g(m)
),
hh AS (
    SELECT anc.ancestor_code AS area_code, h.home_days, h.phone_days, h.meeting_days, h.reception_days
    FROM households h
    JOIN area_ancestors anc ON anc.code = h.grid_code AND anc.ancestor_level = $level
    JOIN lvl ON lvl.code = anc.ancestor_code
    WHERE h.status = 'active'
),
n AS (
    SELECT area_code, count(*) AS households FROM hh GROUP BY area_code
),
v AS (
    SELECT hh.area_code, m.month,
           count(*) FILTER (WHERE (list_contains($kinds::VARCHAR[], 'home') AND hh.home_days && daterange(m.month, CAST(m.month + INTERVAL '1 month' AS DATE)))
                            OR (list_contains($kinds::VARCHAR[], 'phone') AND hh.phone_days && daterange(m.month, CAST(m.month + INTERVAL '1 month' AS DATE)))
                            OR (list_contains($kinds::VARCHAR[], 'meeting') AND hh.meeting_days && daterange(m.month, CAST(m.month + INTERVAL '1 month' AS DATE)))
                            OR (list_contains($kinds::VARCHAR[], 'reception') AND hh.reception_days && daterange(m.month, CAST(m.month + INTERVAL '1 month' AS DATE)))) AS visited
    FROM hh CROSS JOIN months m
    GROUP BY hh.area_code, m.month
)
SELECT l.code, m.month,
       coalesce(n.households, 0) AS households,
       coalesce(v.visited, 0) AS visited,
       CASE WHEN coalesce(n.households, 0) = 0 THEN NULL
            ELSE round(CAST(coalesce(v.visited, 0) AS FLOAT8) / n.households, 4) END AS coverage
FROM lvl l
CROSS JOIN months m
LEFT JOIN n ON n.area_code = l.code
LEFT JOIN v ON v.area_code = l.code AND v.month = m.month
ORDER BY l.code, m.month;


-- name: coverage_page_counts
-- Whether there is anything to show: areas with boundaries, grids, active households.
SELECT (SELECT count(*) FROM areas) AS areas,
       (SELECT count(*) FROM areas WHERE level = 'grid') AS grids,
       (SELECT count(*) FROM households WHERE status = 'active') AS households;
