-- 0024 on PostgreSQL: coverage of home visits together with other kinds (home + phone, every kind…)
-- in a range ending on or after the newest visit, without reading every household. Before, it read
-- the four last days of 0020 of every active household of the grids shown (the last 30 days of home
-- + phone visits by grid: 2.3–3.3× DuckDB's time at county scale; BENCHMARKS.md, "the county reports
-- on PostgreSQL (pgratio)"). Now (queries/reports.sql, coverage__postgres):
--
-- - the households of each grid, and those whose last home visit is in a month after the range's
--   first, from household_home_tallies below (~9 rows a grid);
-- - those last visited at home in the rest of the range's first month: an index range of last home
--   days (a few days of visits, not the whole grid);
-- - those not visited at home since the range's first day but by another kind that counts: an index
--   range of that kind's last days, the earlier kinds' last days beside it to leave out the
--   households already counted.
--
-- household_home_tallies is household_tallies (0013) by the month of home_last_on — the last home
-- visit as the visits themselves say it (0020, generated from the days 0018's triggers keep) —
-- rather than of last_home_on, which the app writes beside its visits (a plain SQL write of visits
-- leaves last_home_on as it was). Kept the same way: statement triggers over the rows a statement
-- changed, in its transaction; not a cache.
CREATE TABLE household_home_tallies (
    grid_code   VARCHAR NOT NULL,
    month       DATE,                 -- the first day of the month of home_last_on; NULL: never visited at home
    households  INTEGER NOT NULL,     -- active households of the grid with that month
    CONSTRAINT household_home_tallies_key UNIQUE NULLS NOT DISTINCT (grid_code, month)
) WITH (fillfactor = 70);    -- room on each page for the updated row (HOT updates)

-- +1 for each active household row after the statement, -1 for each before it, summed per (grid,
-- month) and added in key order (two writers lock tallies in the same order), as 0013 does.
CREATE FUNCTION household_home_tallies_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO household_home_tallies AS t (grid_code, month, households)
    SELECT grid_code, CAST(date_trunc('month', CAST(home_last_on AS timestamp)) AS DATE), count(*)
    FROM new_rows WHERE status = 'active' AND grid_code IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT household_home_tallies_key DO UPDATE SET households = t.households + excluded.households;
    RETURN NULL;
END $$;

CREATE FUNCTION household_home_tallies_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO household_home_tallies AS t (grid_code, month, households)
    SELECT grid_code, CAST(date_trunc('month', CAST(home_last_on AS timestamp)) AS DATE), -count(*)
    FROM old_rows WHERE status = 'active' AND grid_code IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT household_home_tallies_key DO UPDATE SET households = t.households + excluded.households;
    RETURN NULL;
END $$;

CREATE FUNCTION household_home_tallies_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO household_home_tallies AS t (grid_code, month, households)
    SELECT grid_code, month, sum(d) FROM (
        SELECT grid_code, CAST(date_trunc('month', CAST(home_last_on AS timestamp)) AS DATE) AS month, 1 AS d
        FROM new_rows WHERE status = 'active' AND grid_code IS NOT NULL
        UNION ALL
        SELECT grid_code, CAST(date_trunc('month', CAST(home_last_on AS timestamp)) AS DATE), -1
        FROM old_rows WHERE status = 'active' AND grid_code IS NOT NULL
    ) c
    GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT household_home_tallies_key DO UPDATE SET households = t.households + excluded.households;
    RETURN NULL;
END $$;

-- The triggers first: CREATE TRIGGER locks households against writers until this migration
-- commits, so the count below sees every write before it and none can slip in between.
CREATE TRIGGER household_home_tallies_insert AFTER INSERT ON households
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION household_home_tallies_inserted();
CREATE TRIGGER household_home_tallies_delete AFTER DELETE ON households
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION household_home_tallies_deleted();
CREATE TRIGGER household_home_tallies_update AFTER UPDATE ON households
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION household_home_tallies_updated();

INSERT INTO household_home_tallies (grid_code, month, households)
SELECT grid_code, CAST(date_trunc('month', CAST(home_last_on AS timestamp)) AS DATE), count(*)
FROM households WHERE status = 'active' AND grid_code IS NOT NULL
GROUP BY 1, 2;

-- The households last visited at home from a day on (the rest of the range's first month), each
-- with its grid, from the index alone.
CREATE INDEX households_active_home_since ON households (home_last_on) INCLUDE (grid_code)
    WHERE status = 'active' AND home_last_on IS NOT NULL;
-- The households last reached by phone, at a meeting or at a reception from a day on, with the last
-- days of the kinds before it in this order (home, phone, meeting, reception): a household reached
-- by an earlier kind that counts is left out, so each is counted once.
CREATE INDEX households_active_phone_since ON households (phone_last_on) INCLUDE (grid_code, home_last_on)
    WHERE status = 'active' AND phone_last_on IS NOT NULL;
CREATE INDEX households_active_meeting_since ON households (meeting_last_on)
    INCLUDE (grid_code, home_last_on, phone_last_on)
    WHERE status = 'active' AND meeting_last_on IS NOT NULL;
CREATE INDEX households_active_reception_since ON households (reception_last_on)
    INCLUDE (grid_code, home_last_on, phone_last_on, meeting_last_on)
    WHERE status = 'active' AND reception_last_on IS NOT NULL;
