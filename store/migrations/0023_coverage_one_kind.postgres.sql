-- 0023 on PostgreSQL: coverage of one kind of visit reads only the households that kind reached
-- (queries/reports.sql, coverage__postgres). Before, phone visits alone over a year and home visits
-- over a year ending 60 days ago read every active household of the grids shown (the four last days
-- of 0020, or the four day sets of 0018) — 2.5× and 2.9× DuckDB's time at county scale
-- (BENCHMARKS.md, "PostgreSQL coverage variants (pgcov)"). The households of each grid come from
-- household_tallies (0013) instead.

-- Phone, meeting or reception visits alone in a range ending on or after the newest visit: the
-- households of a grid whose last day of that kind is on or after the range's first day, an index
-- range (about half the households have a phone visit in the last year, few the other two kinds).
CREATE INDEX households_active_phone_last ON households (grid_code, phone_last_on)
    WHERE status = 'active' AND phone_last_on IS NOT NULL;
CREATE INDEX households_active_meeting_last ON households (grid_code, meeting_last_on)
    WHERE status = 'active' AND meeting_last_on IS NOT NULL;
CREATE INDEX households_active_reception_last ON households (grid_code, reception_last_on)
    WHERE status = 'active' AND reception_last_on IS NOT NULL;

-- Home visits alone in a range ending before the newest home visit: the households of a grid last
-- visited at home in the range were visited in it (a range of the narrow index of the last days);
-- only those visited at home after it need their home days tested against it (a range of the index
-- of the day sets). Both covering indexes of 0018 and 0020 get the last home visit as their second
-- key for that; their other reads, every household of a grid, are the same range of their first key
-- as before. The last day of the home days (0020's generated column), not households.last_home_on:
-- the days are kept by the database on every write of visits (0018), the last home visit by the app.
DROP INDEX households_active_days;
CREATE INDEX households_active_days ON households (grid_code, home_last_on)
    INCLUDE (home_days, phone_days, meeting_days, reception_days) WHERE status = 'active';
DROP INDEX households_active_last_days;
CREATE INDEX households_active_last_days ON households (grid_code, home_last_on)
    INCLUDE (phone_last_on, meeting_last_on, reception_last_on) WHERE status = 'active';
