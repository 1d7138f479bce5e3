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
       -- 4 decimals, half up on the exact fraction: analytics.reports.coverage_ratio
       CASE WHEN coalesce(n.households, 0) = 0 THEN NULL
            ELSE floor((20000 * CAST(coalesce(v.visited, 0) AS FLOAT8) + n.households) / (2 * CAST(n.households AS FLOAT8)))
                / 10000 END AS coverage
FROM lvl l
CROSS JOIN months m
LEFT JOIN n ON n.area_code = l.code
LEFT JOIN v ON v.area_code = l.code AND v.month = m.month
ORDER BY l.code, m.month;

-- name: coverage_monthly__postgres
-- coverage_monthly on PostgreSQL (no bitstring_agg), for at most 12 months (analytics/coverage.py
-- monthly_trend asks no more): each active household's months visited (0022: per kind, a mask per
-- year) as the 12 bits of one integer, the kinds asked OR-ed; then one pass over the households
-- counting per grid the households with each bit set (12 counts in one row, no row per household
-- and month), the grids' counts summed per area. The households come from the index
-- households_active_months alone; hh is MATERIALIZED so that each household's integer is computed
-- once, not once per count (county: ~2× less CPU; BENCHMARKS.md, "the trend on PostgreSQL (pgtrend)").
WITH lvl AS (
    SELECT a.code FROM areas a
    WHERE a.level = $level
      AND in_area(a.code, $parent::VARCHAR)
      AND in_scope(a.code, $scope::VARCHAR[])
),
months AS (
    SELECT CAST(m AS DATE) AS month, CAST(row_number() OVER (ORDER BY m) AS INTEGER) AS i
    FROM generate_series(date_trunc('month', $month_from::DATE), date_trunc('month', $month_to::DATE),
                         INTERVAL '1 month') AS g(m)
),
grids AS (
    SELECT anc.code AS grid_code, anc.ancestor_code AS area_code
    FROM area_ancestors anc
    JOIN lvl ON lvl.code = anc.ancestor_code
    WHERE anc.ancestor_level = $level
),
hh AS MATERIALIZED (
    SELECT h.grid_code,
           CASE WHEN list_contains($kinds::VARCHAR[], 'home') THEN twelve_months(h.home_months, $month_from::DATE) ELSE 0 END
           | CASE WHEN list_contains($kinds::VARCHAR[], 'phone') THEN twelve_months(h.phone_months, $month_from::DATE) ELSE 0 END
           | CASE WHEN list_contains($kinds::VARCHAR[], 'meeting') THEN twelve_months(h.meeting_months, $month_from::DATE) ELSE 0 END
           | CASE WHEN list_contains($kinds::VARCHAR[], 'reception') THEN twelve_months(h.reception_months, $month_from::DATE) ELSE 0 END
           AS bits
    FROM households h
    WHERE h.status = 'active' AND h.grid_code IN (SELECT grid_code FROM grids)
),
per_grid AS (
    SELECT grid_code, count(*) AS households,
           ARRAY[count(*) FILTER (WHERE bits & 1 <> 0), count(*) FILTER (WHERE bits & 2 <> 0),
                 count(*) FILTER (WHERE bits & 4 <> 0), count(*) FILTER (WHERE bits & 8 <> 0),
                 count(*) FILTER (WHERE bits & 16 <> 0), count(*) FILTER (WHERE bits & 32 <> 0),
                 count(*) FILTER (WHERE bits & 64 <> 0), count(*) FILTER (WHERE bits & 128 <> 0),
                 count(*) FILTER (WHERE bits & 256 <> 0), count(*) FILTER (WHERE bits & 512 <> 0),
                 count(*) FILTER (WHERE bits & 1024 <> 0), count(*) FILTER (WHERE bits & 2048 <> 0)] AS visited
    FROM hh
    GROUP BY grid_code
),
n AS (
    SELECT g.area_code, CAST(sum(pg.households) AS BIGINT) AS households
    FROM per_grid pg JOIN grids g USING (grid_code)
    GROUP BY g.area_code
),
v AS (
    SELECT g.area_code, m.month, CAST(sum(pg.visited[m.i]) AS BIGINT) AS visited
    FROM per_grid pg JOIN grids g USING (grid_code) CROSS JOIN months m
    GROUP BY g.area_code, m.month
)
SELECT l.code, m.month,
       coalesce(n.households, 0) AS households,
       coalesce(v.visited, 0) AS visited,
       -- 4 decimals, half up on the exact fraction: analytics.reports.coverage_ratio
       CASE WHEN coalesce(n.households, 0) = 0 THEN NULL
            ELSE floor((20000 * CAST(coalesce(v.visited, 0) AS FLOAT8) + n.households) / (2 * CAST(n.households AS FLOAT8)))
                / 10000 END AS coverage
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
