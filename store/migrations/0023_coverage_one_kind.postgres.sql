-- 0023 on PostgreSQL: coverage of one kind of visit other than home reads only the households that
-- kind reached in a range ending on or after the newest visit (queries/reports.sql, coverage__postgres). Before,
-- phone visits alone over a year read the four last days of 0020 of every active household of the
-- grids shown (2.5× DuckDB's time at county scale; BENCHMARKS.md, "PostgreSQL coverage variants
-- (pgcov)"). The households of each grid come from household_tallies (0013) instead.

-- Phone, meeting or reception visits alone in a range ending on or after the newest visit: the
-- households of a grid whose last day of that kind is on or after the range's first day, an index
-- range (about half the households have a phone visit in the last year, few the other two kinds).
CREATE INDEX households_active_phone_last ON households (grid_code, phone_last_on)
    WHERE status = 'active' AND phone_last_on IS NOT NULL;
CREATE INDEX households_active_meeting_last ON households (grid_code, meeting_last_on)
    WHERE status = 'active' AND meeting_last_on IS NOT NULL;
CREATE INDEX households_active_reception_last ON households (grid_code, reception_last_on)
    WHERE status = 'active' AND reception_last_on IS NOT NULL;
