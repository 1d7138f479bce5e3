-- The working-day calendar (analytics/calendar.py): table calendar_days, entries in holidays_custom.

-- name: calendar_years
-- Each year present in the calendar with its number of days and whether it is weekends-only.
SELECT year(day) AS year, count(*) AS days, bool_or(source = 'weekends-only') AS weekends_only
FROM calendar_days
GROUP BY 1
ORDER BY 1;

-- name: calendar_delete_years!
-- Drop the days of some years before filling them again.
DELETE FROM calendar_days WHERE list_contains(CAST($years AS INTEGER[]), CAST(year(day) AS INTEGER));

-- name: calendar_insert!
-- Insert days given as three parallel lists.
INSERT INTO calendar_days (day, workday, source)
SELECT unnest(CAST($days AS DATE[])), unnest(CAST($workdays AS BOOLEAN[])), unnest(CAST($sources AS VARCHAR[]));

-- name: calendar_renumber!
-- The cumulative count of workdays, over the whole (contiguous) table.
UPDATE calendar_days SET workday_no = o.n
FROM (SELECT day, CAST(sum(CASE WHEN workday THEN 1 ELSE 0 END) OVER (ORDER BY day) AS INTEGER) AS n
      FROM calendar_days) o
WHERE calendar_days.day = o.day;

-- name: calendar_add_workdays
-- The workday $n working days after $start (NULL when the calendar does not reach that far).
-- A start on a holiday counts from the next workday; $n = 0 gives $start itself.
SELECT CASE WHEN $n::INTEGER = 0 THEN s.day ELSE d.day END
FROM calendar_days s
LEFT JOIN calendar_days d ON d.workday AND d.workday_no = s.workday_no + $n::INTEGER
WHERE s.day = $start::DATE;

-- name: calendar_range
-- The days between two dates, for the page and tests.
SELECT day, workday, source, workday_no FROM calendar_days
WHERE day BETWEEN $date_from::DATE AND $date_to::DATE
ORDER BY day;

-- name: calendar_weekends_only_years
-- Which of $years are counted weekends-only (not announced: no official calendar, no custom entries).
SELECT DISTINCT CAST(year(day) AS INTEGER) AS year FROM calendar_days
WHERE source = 'weekends-only' AND list_contains(CAST($years AS INTEGER[]), CAST(year(day) AS INTEGER))
ORDER BY 1;

-- name: holidays_custom_of_years
-- The administrator's entries for some years.
SELECT day, workday, name FROM holidays_custom
WHERE list_contains(CAST($years AS INTEGER[]), CAST(year(day) AS INTEGER))
ORDER BY day;

-- name: holidays_custom_all
SELECT day, workday, name FROM holidays_custom ORDER BY day;

-- name: holidays_custom_upsert!
INSERT INTO holidays_custom (day, workday, name) VALUES ($day::DATE, $workday, $holiday_name)
ON CONFLICT (day) DO UPDATE SET workday = excluded.workday, name = excluded.name;

-- name: holidays_custom_delete!
DELETE FROM holidays_custom WHERE day = $day::DATE;
