-- store: duckdb
-- manage.py copy-to (store/transfer.py): what the copy reads from the DuckDB file beyond its tables.

-- name: visit_days_for_copy
-- The days each household was visited, per kind of visit, in PostgreSQL's text form of a
-- datemultirange — the columns households.home_days … reception_days that PostgreSQL keeps from the
-- visits (migration 0018, visit_days_fill()) — so that copy-to writes them with the households
-- instead of filling them after with an update of every household (more than 30 minutes for the 10M
-- households of the city data set; BENCHMARKS.md). Consecutive days form one range, written
-- [first day, the day after the last) as PostgreSQL writes a date range; a kind never visited is
-- NULL. One row per household with a visit (store/transfer.py joins it to the households it copies).
-- (The runs of consecutive days: a day minus its rank among the household's days of that kind is
-- the same for every day of a run — the "gaps and islands" grouping.)
WITH days AS (
    SELECT DISTINCT hid, kind, visited_on FROM visits WHERE hid IS NOT NULL
), runs AS (
    SELECT hid, kind, visited_on,
           visited_on - CAST(row_number() OVER (PARTITION BY hid, kind ORDER BY visited_on) AS INTEGER) AS run
    FROM days
), ranges AS (
    SELECT hid, kind, min(visited_on) AS first_day, max(visited_on) + 1 AS day_after
    FROM runs GROUP BY hid, kind, run
)
SELECT hid,
       '{' || string_agg('[' || CAST(first_day AS VARCHAR) || ',' || CAST(day_after AS VARCHAR) || ')', ',' ORDER BY first_day)
              FILTER (WHERE kind = 'home') || '}' AS home_days,
       '{' || string_agg('[' || CAST(first_day AS VARCHAR) || ',' || CAST(day_after AS VARCHAR) || ')', ',' ORDER BY first_day)
              FILTER (WHERE kind = 'phone') || '}' AS phone_days,
       '{' || string_agg('[' || CAST(first_day AS VARCHAR) || ',' || CAST(day_after AS VARCHAR) || ')', ',' ORDER BY first_day)
              FILTER (WHERE kind = 'meeting') || '}' AS meeting_days,
       '{' || string_agg('[' || CAST(first_day AS VARCHAR) || ',' || CAST(day_after AS VARCHAR) || ')', ',' ORDER BY first_day)
              FILTER (WHERE kind = 'reception') || '}' AS reception_days
FROM ranges
GROUP BY hid
