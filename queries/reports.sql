-- The numbers of CONTRACT.md §4. Pages and manage.py both call these, through analytics/.
-- $scope is NULL (everything) or a list of area codes: an area is in scope when it or one of
-- its ancestors is listed.

-- name: households_max_hid
-- The largest integer household key (the size of coverage's bitmap) and the newest last home visit.
SELECT max(hid), max(last_home_on) FROM households;

-- name: coverage
-- Coverage of each area of $level over [$date_from, $date_to]: active households in its grids,
-- those with at least one visit of the $kinds dated in the range. $parent (or NULL) limits the
-- rows to the areas under one area (a page showing one village's grids). $max_hid: the largest
-- households.hid (store/migrations/0004); $from_last_home: see `seen` below.
WITH lvl AS (
    SELECT a.code, a.name FROM areas a
    WHERE a.level = $level
      AND in_area(a.code, $parent::VARCHAR)
      AND in_scope(a.code, $scope::VARCHAR[])
),
hh AS (
    SELECT h.hid, h.last_home_on, anc.ancestor_code AS area_code
    FROM households h
    JOIN area_ancestors anc ON anc.code = h.grid_code AND anc.ancestor_level = $level
    WHERE h.status = 'active' AND anc.ancestor_code IN (SELECT code FROM lvl)
),
seen AS (
    -- The households with a counted visit in the range, as one bitmap over the integer household
    -- key (bit hid-1 set): one pass over the range's visits, no hash table of household codes.
    -- Not needed when $from_last_home (home visits only, and no household's last home visit is
    -- later than the range's end — a range ending today): then a household was visited in the
    -- range exactly when its last home visit falls in it (analytics.reports.coverage decides).
    SELECT bitstring_agg(hid, 1, $max_hid::INTEGER) AS bits FROM visits
    WHERE NOT $from_last_home::BOOLEAN
      AND visited_on BETWEEN $date_from::DATE AND $date_to::DATE
      AND list_contains($kinds::VARCHAR[], kind) AND hid IS NOT NULL
),
agg AS (
    SELECT hh.area_code, count(*) AS households,
           count(*) FILTER (WHERE ($from_last_home::BOOLEAN AND hh.last_home_on BETWEEN $date_from::DATE AND $date_to::DATE)
                               OR get_bit(seen.bits, hh.hid - 1) = 1) AS visited
    FROM hh, seen GROUP BY hh.area_code
)
SELECT l.code, l.name,
       coalesce(agg.households, 0) AS households,
       coalesce(agg.visited, 0) AS visited,
       -- 4 decimals, half up on the exact fraction: analytics.reports.coverage_ratio
       CASE WHEN coalesce(agg.households, 0) = 0 THEN NULL
            ELSE floor((20000 * CAST(agg.visited AS FLOAT8) + agg.households) / (2 * CAST(agg.households AS FLOAT8))) / 10000
            END AS coverage
FROM lvl l
LEFT JOIN agg ON agg.area_code = l.code
ORDER BY l.code;

-- name: coverage__postgres
-- coverage on PostgreSQL (no bitstring_agg): households counted grid by grid first (an index-only
-- scan of households_active_grid, store/migrations/0004_household_keys.postgres.sql), then the
-- grids' counts added up to the areas; when the last home visit cannot say whether a household was
-- visited in the range, the last day or the days kept on the household per kind of visit say it
-- (see by_grid).
WITH lvl AS (
    SELECT a.code, a.name FROM areas a
    WHERE a.level = $level
      AND in_area(a.code, $parent::VARCHAR)
      AND in_scope(a.code, $scope::VARCHAR[])
),
grids AS (   -- every area under the areas shown (grids among them), with the area it counts for
    SELECT anc.code AS grid_code, anc.ancestor_code AS area_code
    FROM area_ancestors anc JOIN lvl ON lvl.code = anc.ancestor_code
    WHERE anc.ancestor_level = $level
),
-- Home visits alone over a range ending before some visit, every area shown: the households NOT
-- visited are counted from the gaps between home visits (store/migrations/0030_past_home_gaps.postgres.sql)
-- — a household was not visited over the range exactly when one of its gaps contains the range, or
-- it was never visited at home — and taken from the grid's active households. Used while the gaps
-- containing the range are at most $gaps_share of the households, as estimated from the gaps of
-- one household in 32 (an index of its own, a few thousand rows read at most): few over a long
-- range; over a short one, when most households were not visited, reading each household's days
-- once (the last arm) is cheaper. The estimate only picks the way; both count exactly.
home_gaps_households AS (   -- active households per grid, and those never visited at home (0024)
    SELECT t.grid_code, sum(t.households) AS households,
           coalesce(sum(t.households) FILTER (WHERE t.month IS NULL), 0) AS never
    FROM household_home_tallies t
    WHERE NOT $from_last_home::BOOLEAN AND cardinality($kinds::VARCHAR[]) = 1 AND list_contains($kinds::VARCHAR[], 'home')
      AND $parent::VARCHAR IS NULL AND $scope::VARCHAR[] IS NULL
      AND coalesce((SELECT max(visited_on) FROM visits), $date_to::DATE) > $date_to::DATE
    GROUP BY t.grid_code
),
home_gaps_most AS (   -- how many gaps may contain the range (home_gaps), or end in it (home_runs), for that way
    SELECT floor($gaps_share::FLOAT8 * coalesce(sum(households), 0)) AS gaps,
           floor($runs_share::FLOAT8 * coalesce(sum(households), 0)) AS runs
    FROM home_gaps_households
),
home_gaps AS (
    SELECT EXISTS (SELECT FROM home_gaps_households)
           AND 32 * (SELECT count(*) FROM (
                         SELECT FROM household_home_gaps x
                         WHERE x.hid % 32 = 0 AND x.gap @> daterange($date_from::DATE, $date_to::DATE, '[]')
                         LIMIT (SELECT CAST(greatest(gaps, -1) AS BIGINT) / 32 + 1 FROM home_gaps_most)) sample)
               <= (SELECT gaps FROM home_gaps_most) AS used
),
-- Home visits alone over a range ending before some visit, every area shown, when home_gaps is not
-- used: the households visited are counted from the gaps ending in the range
-- (store/migrations/0031_past_home_runs.postgres.sql) while those gaps are at most $runs_share of the
-- households, as estimated from one household in 32 — over a short range a few of them; past that,
-- reading each household's days once (the last arm) is cheaper. The estimate only picks the way.
home_runs AS (
    SELECT NOT (SELECT used FROM home_gaps) AND EXISTS (SELECT FROM home_gaps_households)
           AND 32 * (SELECT count(*) FROM (
                         SELECT FROM household_home_gaps x
                         WHERE x.hid % 32 = 0 AND upper(x.gap) >= $date_from::DATE AND upper(x.gap) <= $date_to::DATE
                         LIMIT (SELECT CAST(greatest(runs, -1) AS BIGINT) / 32 + 1 FROM home_gaps_most)) sample)
               <= (SELECT runs FROM home_gaps_most) AS used
),
by_grid AS (
    -- Home visits in a range ending on or after every last home visit ($from_last_home): added up
    -- from the tallies of the grids (household_tallies, store/migrations/0013_household_tallies.postgres.sql)
    -- — all active households of a grid, and those whose last home visit is in the month of
    -- $date_from or later — less those of that month last visited before $date_from (an index range).
    SELECT t.grid_code, CAST(sum(t.households) AS BIGINT) AS households,
           CAST(coalesce(sum(t.households) FILTER (WHERE t.month >= CAST(date_trunc('month', CAST($date_from::DATE AS TIMESTAMP)) AS DATE)), 0) AS BIGINT) AS visited
    FROM household_tallies t
    WHERE $from_last_home::BOOLEAN AND t.grid_code IN (SELECT grid_code FROM grids)
    GROUP BY t.grid_code
    UNION ALL
    SELECT h.grid_code, 0, -count(*)
    FROM households h
    WHERE $from_last_home::BOOLEAN AND h.status = 'active'
      AND h.last_home_on >= CAST(date_trunc('month', CAST($date_from::DATE AS TIMESTAMP)) AS DATE)
      AND h.last_home_on < $date_from::DATE
      AND h.grid_code IN (SELECT grid_code FROM grids)
    GROUP BY h.grid_code
    UNION ALL
    -- Home visits with other kinds in a range ending on or after the newest visit (no visit later
    -- than the range), every area shown (no parent, no scope; store/migrations/0024_coverage_to_today.postgres.sql):
    -- a household was visited when the last day of one of the kinds that count (0020) is on or after
    -- the range's first day. Each part below is read once for all grids, not grid by grid. The
    -- grids' households, and those last visited at home in a month after the range's first, from
    -- the tallies of last home days (household_home_tallies) …
    SELECT t.grid_code, CAST(sum(t.households) AS BIGINT),
           CAST(coalesce(sum(t.households) FILTER (WHERE t.month > CAST(date_trunc('month', CAST($date_from::DATE AS TIMESTAMP)) AS DATE)), 0) AS BIGINT)
    FROM household_home_tallies t
    WHERE NOT $from_last_home::BOOLEAN AND list_contains($kinds::VARCHAR[], 'home')
      AND $parent::VARCHAR IS NULL AND $scope::VARCHAR[] IS NULL
      AND coalesce((SELECT max(visited_on) FROM visits), $date_to::DATE) <= $date_to::DATE
    GROUP BY t.grid_code
    UNION ALL
    -- … those last visited at home in the rest of the range's first month (an index range) …
    SELECT h.grid_code, 0, count(*)
    FROM households h
    WHERE NOT $from_last_home::BOOLEAN AND list_contains($kinds::VARCHAR[], 'home')
      AND $parent::VARCHAR IS NULL AND $scope::VARCHAR[] IS NULL
      AND coalesce((SELECT max(visited_on) FROM visits), $date_to::DATE) <= $date_to::DATE
      AND h.status = 'active' AND h.home_last_on >= $date_from::DATE
      AND h.home_last_on < CAST(date_trunc('month', CAST($date_from::DATE AS TIMESTAMP)) + INTERVAL '1 month' AS DATE)
    GROUP BY h.grid_code
    UNION ALL
    -- … and those not visited at home since the range's first day, but by phone, at a meeting or at a
    -- reception (in this order: each household once, by the first of these kinds that reached it), an
    -- index range of that kind's last days.
    SELECT h.grid_code, 0, count(*)
    FROM households h
    WHERE NOT $from_last_home::BOOLEAN AND list_contains($kinds::VARCHAR[], 'home') AND list_contains($kinds::VARCHAR[], 'phone')
      AND $parent::VARCHAR IS NULL AND $scope::VARCHAR[] IS NULL
      AND coalesce((SELECT max(visited_on) FROM visits), $date_to::DATE) <= $date_to::DATE
      AND h.status = 'active' AND h.phone_last_on >= $date_from::DATE
      AND NOT coalesce(h.home_last_on >= $date_from::DATE, FALSE)
    GROUP BY h.grid_code
    UNION ALL
    SELECT h.grid_code, 0, count(*)
    FROM households h
    WHERE NOT $from_last_home::BOOLEAN AND list_contains($kinds::VARCHAR[], 'home') AND list_contains($kinds::VARCHAR[], 'meeting')
      AND $parent::VARCHAR IS NULL AND $scope::VARCHAR[] IS NULL
      AND coalesce((SELECT max(visited_on) FROM visits), $date_to::DATE) <= $date_to::DATE
      AND h.status = 'active' AND h.meeting_last_on >= $date_from::DATE
      AND NOT coalesce(h.home_last_on >= $date_from::DATE, FALSE)
      AND NOT (list_contains($kinds::VARCHAR[], 'phone') AND coalesce(h.phone_last_on >= $date_from::DATE, FALSE))
    GROUP BY h.grid_code
    UNION ALL
    SELECT h.grid_code, 0, count(*)
    FROM households h
    WHERE NOT $from_last_home::BOOLEAN AND list_contains($kinds::VARCHAR[], 'home') AND list_contains($kinds::VARCHAR[], 'reception')
      AND $parent::VARCHAR IS NULL AND $scope::VARCHAR[] IS NULL
      AND coalesce((SELECT max(visited_on) FROM visits), $date_to::DATE) <= $date_to::DATE
      AND h.status = 'active' AND h.reception_last_on >= $date_from::DATE
      AND NOT coalesce(h.home_last_on >= $date_from::DATE, FALSE)
      AND NOT (list_contains($kinds::VARCHAR[], 'phone') AND coalesce(h.phone_last_on >= $date_from::DATE, FALSE))
      AND NOT (list_contains($kinds::VARCHAR[], 'meeting') AND coalesce(h.meeting_last_on >= $date_from::DATE, FALSE))
    GROUP BY h.grid_code
    UNION ALL
    -- Other kinds of visit in a range ending on or after the newest visit, but one kind other than
    -- home alone (below) and home visits with others with every area shown (above): each active
    -- household of the grids shown once, grid by grid (an index-only scan of
    -- households_active_last_days), visited when the last day of one of the kinds that count is
    -- on or after the range's first day (store/migrations/0020_visit_last_days.postgres.sql).
    SELECT g.grid_code, c.households, c.visited
    FROM grids g CROSS JOIN LATERAL (
        SELECT count(*) AS households,
               count(*) FILTER (WHERE (list_contains($kinds::VARCHAR[], 'home') AND h.home_last_on >= $date_from::DATE)
                                  OR (list_contains($kinds::VARCHAR[], 'phone') AND h.phone_last_on >= $date_from::DATE)
                                  OR (list_contains($kinds::VARCHAR[], 'meeting') AND h.meeting_last_on >= $date_from::DATE)
                                  OR (list_contains($kinds::VARCHAR[], 'reception') AND h.reception_last_on >= $date_from::DATE)) AS visited
        FROM households h
        WHERE h.status = 'active' AND h.grid_code = g.grid_code) c
    WHERE NOT $from_last_home::BOOLEAN
      AND NOT (cardinality($kinds::VARCHAR[]) = 1 AND NOT list_contains($kinds::VARCHAR[], 'home'))
      AND NOT (list_contains($kinds::VARCHAR[], 'home') AND $parent::VARCHAR IS NULL AND $scope::VARCHAR[] IS NULL)
      AND coalesce((SELECT max(visited_on) FROM visits), $date_to::DATE) <= $date_to::DATE
    UNION ALL
    -- One other kind alone (phone, meeting or reception) in a range ending on or after the newest
    -- visit: the households of each grid from its tallies (above), and those whose last day of that
    -- kind is on or after the range's first day — an index range of that kind's last days
    -- (store/migrations/0023_coverage_one_kind.postgres.sql), not every household of the grid.
    SELECT g.grid_code,
           (SELECT coalesce(sum(t.households), 0) FROM household_tallies t WHERE t.grid_code = g.grid_code),
           (SELECT count(*) FROM households h
            WHERE h.status = 'active' AND h.grid_code = g.grid_code
              AND ((list_contains($kinds::VARCHAR[], 'phone') AND h.phone_last_on >= $date_from::DATE)
                   OR (list_contains($kinds::VARCHAR[], 'meeting') AND h.meeting_last_on >= $date_from::DATE)
                   OR (list_contains($kinds::VARCHAR[], 'reception') AND h.reception_last_on >= $date_from::DATE)))
    FROM grids g
    WHERE cardinality($kinds::VARCHAR[]) = 1 AND NOT list_contains($kinds::VARCHAR[], 'home')
      AND coalesce((SELECT max(visited_on) FROM visits), $date_to::DATE) <= $date_to::DATE
    UNION ALL
    -- Home visits alone over a range ending before some visit, every area shown, few households not
    -- visited (home_gaps above): a grid's active households, less those never visited at home and
    -- those with a gap containing the range.
    SELECT t.grid_code, CAST(t.households AS BIGINT),
           CAST(t.households - t.never - coalesce(m.households, 0) AS BIGINT)
    FROM home_gaps_households t
    LEFT JOIN (SELECT x.grid_code, count(*) AS households FROM household_home_gaps x
               WHERE (SELECT used FROM home_gaps) AND x.gap @> daterange($date_from::DATE, $date_to::DATE, '[]')
               GROUP BY x.grid_code) m ON m.grid_code = t.grid_code
    WHERE (SELECT used FROM home_gaps)
    UNION ALL
    -- Home visits alone over a range ending before some visit, every area shown, few gaps ending in
    -- the range (home_runs above): a grid's active households; those whose gap before the range's
    -- first day or containing it ends within the range (0031: the first home visit in the range is
    -- the gap's end); and those visited at home on the day before the range's first and on that first
    -- day (one run of days across the range's start: no gap ends in it) — each household once, as the
    -- migration shows. A grid's rows are added up in agg.
    SELECT t.grid_code, CAST(t.households AS BIGINT), CAST(coalesce(r.households, 0) AS BIGINT)
    FROM home_gaps_households t
    LEFT JOIN (SELECT x.grid_code, count(*) AS households FROM household_home_gaps x
               WHERE (SELECT used FROM home_runs)
                 AND upper(x.gap) >= $date_from::DATE AND upper(x.gap) <= $date_to::DATE
                 AND coalesce(lower(x.gap), '-infinity'::DATE) <= $date_from::DATE
               GROUP BY x.grid_code) r ON r.grid_code = t.grid_code
    WHERE (SELECT used FROM home_runs)
    UNION ALL
    SELECT h.grid_code, 0, count(*)
    FROM (SELECT v.hid FROM visits v
          WHERE (SELECT used FROM home_runs) AND v.visited_on = $date_from::DATE - 1 AND v.kind = 'home'
          INTERSECT
          SELECT v.hid FROM visits v
          WHERE (SELECT used FROM home_runs) AND v.visited_on = $date_from::DATE AND v.kind = 'home') across
    CROSS JOIN LATERAL (SELECT h.grid_code FROM households h
                        WHERE h.hid = across.hid AND h.status = 'active' AND h.grid_code IS NOT NULL
                        LIMIT 1) h   -- one household per key (households_hid); LIMIT keeps it a lookup
    GROUP BY h.grid_code
    UNION ALL
    -- One other kind alone (phone, meeting or reception) over a range ending before some visit, every
    -- area shown: the households of each grid from its tallies, and those the kind reached on or
    -- after the range's first day (an index range of its last days, carrying their days:
    -- store/migrations/0032_past_one_other_kind.postgres.sql) whose days of that kind meet the range.
    SELECT g.grid_code,
           (SELECT coalesce(sum(t.households), 0) FROM household_tallies t WHERE t.grid_code = g.grid_code),
           coalesce(v.households, 0)
    FROM grids g
    LEFT JOIN (SELECT h.grid_code, count(*) AS households FROM households h
               WHERE h.status = 'active'
                 AND ((list_contains($kinds::VARCHAR[], 'phone') AND h.phone_last_on >= $date_from::DATE
                       AND h.phone_days && daterange($date_from::DATE, $date_to::DATE, '[]'))
                      OR (list_contains($kinds::VARCHAR[], 'meeting') AND h.meeting_last_on >= $date_from::DATE
                          AND h.meeting_days && daterange($date_from::DATE, $date_to::DATE, '[]'))
                      OR (list_contains($kinds::VARCHAR[], 'reception') AND h.reception_last_on >= $date_from::DATE
                          AND h.reception_days && daterange($date_from::DATE, $date_to::DATE, '[]')))
               GROUP BY h.grid_code) v ON v.grid_code = g.grid_code
    WHERE cardinality($kinds::VARCHAR[]) = 1 AND NOT list_contains($kinds::VARCHAR[], 'home')
      AND $parent::VARCHAR IS NULL AND $scope::VARCHAR[] IS NULL
      AND coalesce((SELECT max(visited_on) FROM visits), $date_to::DATE) > $date_to::DATE
    UNION ALL
    -- Any other range (one ending before some visit: several kinds, or one of a few areas; home
    -- visits alone too, when neither home_gaps nor home_runs is used): each active household once,
    -- grid by grid (an index-only scan of households_active_days), visited when the days of one of the kinds that
    -- count meet the range (the days kept on the household per kind,
    -- store/migrations/0018_visit_days.postgres.sql). The grid is looked up under the "C" collation,
    -- as that index is keyed: no other index can serve the lookup, so the plan does not change when
    -- some of the table's pages are not all-visible (store/migrations/0027_past_range_one_index.postgres.sql;
    -- equal text is equal under every deterministic collation).
    SELECT g.grid_code, c.households, c.visited
    FROM grids g CROSS JOIN LATERAL (
        SELECT count(*) AS households,
               count(*) FILTER (WHERE (list_contains($kinds::VARCHAR[], 'home') AND h.home_days && daterange($date_from::DATE, $date_to::DATE, '[]'))
                                  OR (list_contains($kinds::VARCHAR[], 'phone') AND h.phone_days && daterange($date_from::DATE, $date_to::DATE, '[]'))
                                  OR (list_contains($kinds::VARCHAR[], 'meeting') AND h.meeting_days && daterange($date_from::DATE, $date_to::DATE, '[]'))
                                  OR (list_contains($kinds::VARCHAR[], 'reception') AND h.reception_days && daterange($date_from::DATE, $date_to::DATE, '[]'))) AS visited
        FROM households h
        WHERE h.status = 'active' AND h.grid_code COLLATE "C" = g.grid_code) c
    WHERE NOT $from_last_home::BOOLEAN
      AND coalesce((SELECT max(visited_on) FROM visits), $date_to::DATE) > $date_to::DATE
      AND NOT (SELECT used FROM home_gaps) AND NOT (SELECT used FROM home_runs)
      AND NOT (cardinality($kinds::VARCHAR[]) = 1 AND NOT list_contains($kinds::VARCHAR[], 'home')
               AND $parent::VARCHAR IS NULL AND $scope::VARCHAR[] IS NULL)
),
agg AS (
    SELECT g.area_code, CAST(sum(b.households) AS BIGINT) AS households, CAST(sum(b.visited) AS BIGINT) AS visited
    FROM by_grid b JOIN grids g ON g.grid_code = b.grid_code
    GROUP BY g.area_code
)
SELECT l.code, l.name,
       coalesce(agg.households, 0) AS households,
       coalesce(agg.visited, 0) AS visited,
       -- 4 decimals, half up on the exact fraction: analytics.reports.coverage_ratio
       CASE WHEN coalesce(agg.households, 0) = 0 THEN NULL
            ELSE floor((20000 * CAST(agg.visited AS FLOAT8) + agg.households) / (2 * CAST(agg.households AS FLOAT8))) / 10000
            END AS coverage
FROM lvl l
LEFT JOIN agg ON agg.area_code = l.code
ORDER BY l.code;

-- name: quotas
-- The weekly quota of every active staff member responsible for at least one grid during the week.
WITH live AS (  -- who answers for which grid this week (store/migrations/0005)
    SELECT staff_id, grid_code FROM responsible_for($week_start::DATE, $week_end::DATE, $scope::VARCHAR[])
),
firsts AS (
    SELECT staff_id, count(*) AS n, min(grid_code) AS first_grid FROM live GROUP BY staff_id
),
several AS (
    -- the grids joined with 、 in code order, built only for the few who answer for more than one
    -- (a list per staff member for all of them was the slow part at city scale)
    SELECT staff_id, string_agg(grid_code, '、' ORDER BY grid_code) AS grids FROM live
    WHERE staff_id IN (SELECT staff_id FROM firsts WHERE n > 1)
    GROUP BY staff_id
),
resp AS (
    SELECT f.staff_id, coalesce(several.grids, f.first_grid) AS grid_code
    FROM firsts f LEFT JOIN several ON several.staff_id = f.staff_id
),
v AS (
    SELECT v.staff_id, count(*) AS visits, count(DISTINCT v.visited_on) AS visit_days,
           count(DISTINCT v.hid) AS households_visited
    FROM quota_visits($week_start::DATE, $week_end::DATE) v  -- home visits to active households (0017)
    GROUP BY v.staff_id
)
SELECT r.staff_id, s.name, r.grid_code,
       coalesce(v.visits, 0) AS visits, coalesce(v.visit_days, 0) AS visit_days,
       coalesce(v.households_visited, 0) AS households_visited,
       $target::INTEGER AS target_days,
       coalesce(v.visit_days, 0) >= $target::INTEGER AS met
FROM resp r JOIN staff s ON s.id = r.staff_id
LEFT JOIN v ON v.staff_id = r.staff_id
ORDER BY r.staff_id;

-- name: quotas__postgres
-- quotas on PostgreSQL: each staff member's visits, days and households of the week read from the
-- tallies that triggers keep per staff member and ISO week (store/migrations/0029: staff_week_quota,
-- the numbers of quota_visits, 0017), not counted from the week's visits — PostgreSQL does
-- count(DISTINCT hid) by sorting every group (BENCHMARKS.md, twenty-second session). $week_start is
-- the ISO week's Monday (analytics.reports.parse_week). Each staff member's grids are joined in one
-- ordered grouping (a single grid stays as it is): cheaper here than the other variant's first grid
-- with a list for the few with several (BENCHMARKS.md, sixteenth session).
WITH resp AS (  -- who answers for which grids this week (store/migrations/0005), joined with 、 in code order
    SELECT staff_id, string_agg(grid_code, '、' ORDER BY grid_code) AS grid_code
    FROM responsible_for($week_start::DATE, $week_end::DATE, $scope::VARCHAR[])
    GROUP BY staff_id
),
-- the week's tallies read once and hashed: inlined, the planner (which expects ~200 staff members
-- from resp) probes the tallies' key once per staff member instead (20–22 against 14–15 ms of CPU)
v AS MATERIALIZED (
    SELECT * FROM staff_week_quota($week_start::DATE)
)
SELECT r.staff_id, s.name, r.grid_code,
       coalesce(v.visits, 0) AS visits, coalesce(v.visit_days, 0) AS visit_days,
       coalesce(v.households_visited, 0) AS households_visited,
       $target::INTEGER AS target_days,
       coalesce(v.visit_days, 0) >= $target::INTEGER AS met
FROM resp r JOIN staff s ON s.id = r.staff_id
LEFT JOIN v ON v.staff_id = r.staff_id
ORDER BY r.staff_id;

-- name: unvisited
-- Active households of $area with no home visit in the $days days up to $as_of (visits after it ignored).
-- The last home visit is households.last_home_on (store/migrations/0004); only for a household
-- whose last home visit is later than $as_of (a look into the past) are its visits read again.
WITH hh AS (
    SELECT h.hid, h.code, h.head_name, h.grid_code, h.tags, h.phone, h.address, h.lon, h.lat, h.last_home_on
    FROM households h
    JOIN area_ancestors a ON a.code = h.grid_code AND a.ancestor_code = $area
    WHERE h.status = 'active'
      AND in_scope(h.grid_code, $scope::VARCHAR[])
),
earlier AS (
    SELECT v.hid, max(v.visited_on) AS last_on FROM visits v
    WHERE v.kind = 'home' AND v.visited_on <= $as_of::DATE
      AND v.hid IN (SELECT hid FROM hh WHERE last_home_on > $as_of::DATE)
    GROUP BY v.hid
),
last AS (
    SELECT hh.*, CASE WHEN hh.last_home_on <= $as_of::DATE THEN hh.last_home_on ELSE earlier.last_on END AS last_visit
    FROM hh LEFT JOIN earlier ON earlier.hid = hh.hid
)
SELECT code AS household_code, head_name, grid_code, last_visit,
       date_diff('day', last_visit, $as_of::DATE) AS days_since,
       tags, phone, address, lon, lat
FROM last
WHERE last_visit IS NULL OR date_diff('day', last_visit, $as_of::DATE) >= $days::INTEGER
ORDER BY last_visit ASC NULLS FIRST, code;

-- name: hotspot_counts
-- Located petitions received in the range and active households, per area of $level.
-- Where a petition is located: the view petitions_located (store/migrations/0003).
WITH lvl AS (
    SELECT a.code, a.name FROM areas a
    WHERE a.level = $level
      AND in_scope(a.code, $scope::VARCHAR[])
),
hh AS (
    SELECT anc.ancestor_code AS area_code, count(*) AS n
    FROM households h JOIN area_ancestors anc ON anc.code = h.grid_code AND anc.ancestor_level = $level
    WHERE h.status = 'active'
    GROUP BY 1
),
pet AS (
    SELECT anc.ancestor_code AS area_code, count(*) AS n
    FROM petitions_located p
    JOIN area_ancestors anc ON anc.code = p.loc AND anc.ancestor_level = $level
    WHERE p.received_on BETWEEN $date_from::DATE AND $date_to::DATE
      AND petition_matches(p.category, p.channel, p.people, p.status, $categories::VARCHAR[], $channels::VARCHAR[],
                           $group_only::BOOLEAN, $group_people::INTEGER, $unresolved_only::BOOLEAN)
    GROUP BY 1
)
SELECT l.code, l.name, coalesce(hh.n, 0) AS households, coalesce(pet.n, 0) AS petitions
FROM lvl l LEFT JOIN hh ON hh.area_code = l.code LEFT JOIN pet ON pet.area_code = l.code
ORDER BY l.code;


-- name: hotspot_counts__postgres
-- hotspot_counts on PostgreSQL: active households counted grid by grid (the index-only scan of
-- coverage__postgres), then added up to the areas of the level.
WITH lvl AS (
    SELECT a.code, a.name FROM areas a
    WHERE a.level = $level
      AND in_scope(a.code, $scope::VARCHAR[])
),
by_grid AS (   -- active households per grid: the tallies of the grids (store/migrations/0013_household_tallies.postgres.sql)
    SELECT grid_code, sum(households) AS n FROM household_tallies GROUP BY grid_code
),
hh AS (
    SELECT anc.ancestor_code AS area_code, CAST(sum(b.n) AS BIGINT) AS n
    FROM by_grid b JOIN area_ancestors anc ON anc.code = b.grid_code AND anc.ancestor_level = $level
    GROUP BY 1
),
pet AS (
    SELECT anc.ancestor_code AS area_code, count(*) AS n
    FROM petitions_located p
    JOIN area_ancestors anc ON anc.code = p.loc AND anc.ancestor_level = $level
    WHERE p.received_on BETWEEN $date_from::DATE AND $date_to::DATE
      AND petition_matches(p.category, p.channel, p.people, p.status, $categories::VARCHAR[], $channels::VARCHAR[],
                           $group_only::BOOLEAN, $group_people::INTEGER, $unresolved_only::BOOLEAN)
    GROUP BY 1
)
SELECT l.code, l.name, coalesce(hh.n, 0) AS households, coalesce(pet.n, 0) AS petitions
FROM lvl l LEFT JOIN hh ON hh.area_code = l.code LEFT JOIN pet ON pet.area_code = l.code
ORDER BY l.code;