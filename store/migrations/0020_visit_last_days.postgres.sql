-- 0020 on PostgreSQL: each household's last day visited, per kind of visit, beside the day sets of
-- 0018 — generated from them (the last day of each set; NULL when never), so no trigger writes them
-- and they cannot disagree with the sets. A range that ends on or after the newest visit (every
-- page's default: "to today") was visited by one of the kinds that count exactly when one of those
-- kinds' last days is on or after the range's first day: coverage__postgres (queries/reports.sql)
-- then reads four dates per household from a narrow covering index instead of the day sets (the
-- last 30 days of home + phone visits by grid read every household's sets, ~3.5× DuckDB's time).
-- A DuckDB file reads the range's visits (0020_visit_last_days.sql: nothing changes there).
ALTER TABLE households
    ADD COLUMN home_last_on date GENERATED ALWAYS AS (upper(home_days) - 1) STORED,
    ADD COLUMN phone_last_on date GENERATED ALWAYS AS (upper(phone_days) - 1) STORED,
    ADD COLUMN meeting_last_on date GENERATED ALWAYS AS (upper(meeting_days) - 1) STORED,
    ADD COLUMN reception_last_on date GENERATED ALWAYS AS (upper(reception_days) - 1) STORED;

-- coverage__postgres reads every active household of the grids shown, grid by grid, from this
-- index alone when the range ends on or after the newest visit.
CREATE INDEX households_active_last_days ON households (grid_code)
    INCLUDE (home_last_on, phone_last_on, meeting_last_on, reception_last_on) WHERE status = 'active';
