-- 0013 on PostgreSQL: how many active households each grid has, by the month of their last home
-- visit — kept by the database itself, in the transaction of every statement that writes
-- households, so that coverage and hotspots add up ~30,000 tallies (a county) instead of reading
-- 300,000 households (queries/reports.sql, coverage__postgres and hotspot_counts__postgres).
-- Not a cache: no statement can change households without its tallies (statement triggers over
-- the rows it changed), and it commits or rolls back with them. DuckDB counts its columns fast
-- enough without (0013_household_tallies.sql does nothing).
CREATE TABLE household_tallies (
    grid_code   VARCHAR NOT NULL,
    month       DATE,                 -- the first day of the month of last_home_on; NULL: never visited at home
    households  INTEGER NOT NULL,     -- active households of the grid with that month
    CONSTRAINT household_tallies_key UNIQUE NULLS NOT DISTINCT (grid_code, month)
) WITH (fillfactor = 70);    -- room on each page for the updated row (HOT updates: every visit changes one or two)

-- The change a statement made, as +1 for each active household row after it and -1 for each
-- before it, summed per (grid, month) and added in key order (two writers lock tallies in the same
-- order: no deadlock between single statements). Rows whose sum is 0 (an edit that moved no
-- household between tallies) are left alone.
CREATE FUNCTION household_tallies_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO household_tallies AS t (grid_code, month, households)
    SELECT grid_code, CAST(date_trunc('month', CAST(last_home_on AS timestamp)) AS DATE), count(*)
    FROM new_rows WHERE status = 'active' AND grid_code IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT household_tallies_key DO UPDATE SET households = t.households + excluded.households;
    RETURN NULL;
END $$;

CREATE FUNCTION household_tallies_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO household_tallies AS t (grid_code, month, households)
    SELECT grid_code, CAST(date_trunc('month', CAST(last_home_on AS timestamp)) AS DATE), -count(*)
    FROM old_rows WHERE status = 'active' AND grid_code IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT household_tallies_key DO UPDATE SET households = t.households + excluded.households;
    RETURN NULL;
END $$;

CREATE FUNCTION household_tallies_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO household_tallies AS t (grid_code, month, households)
    SELECT grid_code, month, sum(d) FROM (
        SELECT grid_code, CAST(date_trunc('month', CAST(last_home_on AS timestamp)) AS DATE) AS month, 1 AS d
        FROM new_rows WHERE status = 'active' AND grid_code IS NOT NULL
        UNION ALL
        SELECT grid_code, CAST(date_trunc('month', CAST(last_home_on AS timestamp)) AS DATE), -1
        FROM old_rows WHERE status = 'active' AND grid_code IS NOT NULL
    ) c
    GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT household_tallies_key DO UPDATE SET households = t.households + excluded.households;
    RETURN NULL;
END $$;

-- The triggers first: CREATE TRIGGER locks households against writers until this migration
-- commits, so the count below sees every write before it and none can slip in between.
CREATE TRIGGER household_tallies_insert AFTER INSERT ON households
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION household_tallies_inserted();
CREATE TRIGGER household_tallies_delete AFTER DELETE ON households
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION household_tallies_deleted();
CREATE TRIGGER household_tallies_update AFTER UPDATE ON households
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION household_tallies_updated();

INSERT INTO household_tallies (grid_code, month, households)
SELECT grid_code, CAST(date_trunc('month', CAST(last_home_on AS timestamp)) AS DATE), count(*)
FROM households WHERE status = 'active' AND grid_code IS NOT NULL
GROUP BY 1, 2;

-- the households of one month whose last home visit is before a day of it (coverage__postgres
-- subtracts them from their month's tally), read from the index alone
CREATE INDEX households_active_last_home ON households (last_home_on, grid_code) WHERE status = 'active';

-- Every home visit updates its household (last_home_on): vacuum and analyse households after 2 %
-- of them changed (PostgreSQL's default waits for 20 %), so that the index-only scans of the
-- reports keep finding all-visible pages during the evening rush.
ALTER TABLE households SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
