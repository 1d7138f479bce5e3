-- 0030 on PostgreSQL: the gaps between the days each active household was visited at home, one row
-- per gap (the days of no home visit: before the first, between two, after the last — the complement
-- of 0018's home_days), with the household's grid. A household was not visited at home over a range
-- exactly when one of its gaps contains the whole range (a household never visited at home has no
-- row: 0024's household_home_tallies count it under month NULL). The coverage of home visits over a
-- range that ends before some visit (queries/reports.sql, coverage__postgres) then counts the
-- households NOT visited from an index of gaps — over a long range a few thousand rows at county scale
-- — and takes them from the grid's active households (household_home_tallies), instead of reading
-- every active household's day sets grid by grid (~2× DuckDB's time, BENCHMARKS.md, pgpast).
--
-- Kept by statement triggers on households over the rows a statement changed, in its transaction
-- (not a cache): 0018's triggers write home_days on the household of every visit written, so an
-- insert, delete or edit of visits, a household going inactive or moving grid all arrive here. The
-- rows of one household are written only by the statement that updates that household's row, which
-- holds its row lock until it commits: two writers of one household's gaps wait for each other there.
CREATE TABLE household_home_gaps (
    hid        INTEGER NOT NULL,
    grid_code  VARCHAR NOT NULL,
    gap        daterange NOT NULL
);
-- The gaps containing a range, each with its grid, from the index alone (a quad tree of the gaps'
-- first and last days: "contains the range" is one quadrant).
CREATE INDEX household_home_gaps_gap ON household_home_gaps USING spgist (gap) INCLUDE (grid_code);
CREATE INDEX household_home_gaps_hid ON household_home_gaps (hid);
-- Vacuumed as 0026 does households: after 0.5 % dead or newly inserted rows (~9,500 at county scale,
-- an evening's few thousand visits), so that the index-only scans above keep reading no table page.
ALTER TABLE household_home_gaps SET (autovacuum_vacuum_scale_factor = 0.005, autovacuum_vacuum_insert_scale_factor = 0.005);
-- The gaps of one household in 32, from which coverage__postgres estimates how many gaps contain a
-- range before reading them (a few thousand rows at most): the estimate picks the way, never the
-- answer.
CREATE INDEX household_home_gaps_sample ON household_home_gaps USING spgist (gap) WHERE hid % 32 = 0;

CREATE FUNCTION household_home_gaps_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO household_home_gaps (hid, grid_code, gap)
    SELECT n.hid, n.grid_code, g.gap
    FROM new_rows n CROSS JOIN LATERAL unnest(datemultirange(daterange(NULL, NULL)) - n.home_days) AS g (gap)
    WHERE n.status = 'active' AND n.grid_code IS NOT NULL AND n.home_days IS NOT NULL AND n.hid IS NOT NULL;
    RETURN NULL;
END $$;

CREATE FUNCTION household_home_gaps_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM household_home_gaps WHERE hid IN (SELECT hid FROM old_rows);
    RETURN NULL;
END $$;

-- Only the households whose key, status, grid or home days changed (most updates of households —
-- the last home visit the app writes beside a visit, a name — change none of these: nothing is
-- written), and of their gaps only those that differ: a new day of home visit splits or shortens one
-- gap (one row deleted, one or two inserted), not the household's every gap written again.
CREATE FUNCTION household_home_gaps_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (SELECT hid, status, grid_code, home_days FROM old_rows
                  EXCEPT ALL SELECT hid, status, grid_code, home_days FROM new_rows),
         came AS (SELECT hid, status, grid_code, home_days FROM new_rows
                  EXCEPT ALL SELECT hid, status, grid_code, home_days FROM old_rows),
         gaps_before AS (
             SELECT o.hid, o.grid_code, g.gap
             FROM gone o CROSS JOIN LATERAL unnest(datemultirange(daterange(NULL, NULL)) - o.home_days) AS g (gap)
             WHERE o.status = 'active' AND o.grid_code IS NOT NULL AND o.home_days IS NOT NULL AND o.hid IS NOT NULL),
         gaps_after AS (
             SELECT n.hid, n.grid_code, g.gap
             FROM came n CROSS JOIN LATERAL unnest(datemultirange(daterange(NULL, NULL)) - n.home_days) AS g (gap)
             WHERE n.status = 'active' AND n.grid_code IS NOT NULL AND n.home_days IS NOT NULL AND n.hid IS NOT NULL),
         dropped AS (
             DELETE FROM household_home_gaps x
             WHERE x.hid = ANY (ARRAY(SELECT hid FROM gone))   -- by the index of hid: a few rows each
               AND (x.hid, x.grid_code, x.gap) IN (SELECT * FROM gaps_before EXCEPT ALL SELECT * FROM gaps_after))
    INSERT INTO household_home_gaps (hid, grid_code, gap)
    SELECT * FROM gaps_after EXCEPT ALL SELECT * FROM gaps_before;
    RETURN NULL;
END $$;

-- Every household's gaps, counted again from scratch: the migration fills with it below; manage.py
-- copy-to (store/transfer.py) copies the households with their home days and then calls this (the
-- insert trigger off meanwhile, the gaps' indexes built after).
CREATE FUNCTION household_home_gaps_fill() RETURNS void LANGUAGE sql AS $$
    DELETE FROM household_home_gaps;
    INSERT INTO household_home_gaps (hid, grid_code, gap)
    SELECT h.hid, h.grid_code, g.gap
    FROM households h CROSS JOIN LATERAL unnest(datemultirange(daterange(NULL, NULL)) - h.home_days) AS g (gap)
    WHERE h.status = 'active' AND h.grid_code IS NOT NULL AND h.home_days IS NOT NULL AND h.hid IS NOT NULL;
$$;

-- The triggers first: CREATE TRIGGER locks households against writers until this migration commits,
-- so the fill below sees every write before it and none can slip in between.
CREATE TRIGGER household_home_gaps_insert AFTER INSERT ON households
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION household_home_gaps_inserted();
CREATE TRIGGER household_home_gaps_delete AFTER DELETE ON households
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION household_home_gaps_deleted();
CREATE TRIGGER household_home_gaps_update AFTER UPDATE ON households
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION household_home_gaps_updated();

SELECT household_home_gaps_fill();
