-- 0015 on PostgreSQL: the grid of each petition's household, kept on the petition
-- (petitions.household_grid_code), so that petitions_located — where a petition is located, the
-- rule of 0003 — finds a petition's area without reading the households. The hotspot reports then
-- read no household at all: PostgreSQL drops the view's join to households when a query uses none
-- of its columns (households.code is the primary key). Before, locating a county's 100,000
-- petitions hashed all its 300,000 households on every call.
--
-- Not a cache: the column is always the grid_code of the household named by household_code (NULL
-- when there is none), written only by the triggers below, in the transaction of the statement
-- that changed either side, and committed or rolled back with it:
--   * a petition inserted, or its household_code changed: its household's grid, read by the row
--     trigger petition_household_grid;
--   * households inserted or deleted (statement triggers over the rows changed), or a household's
--     grid or code changed (row trigger, only when one of them changed: the visits, which move
--     last_home_on all evening, never run it): the petitions of those households follow.
-- Writers of the two sides at once: both sides take the transaction-level advisory lock
-- (2026, 15) — a petition writer shared, a household writer exclusive (after its change, before it
-- updates the petitions) — and read the other side only once they hold it. So a petition written
-- while a household moves, appears or goes either reads the household's committed state (the
-- household's writer committed first), or is committed before the household's writer updates the
-- petitions, which then sees it (READ COMMITTED: each statement of a trigger reads what is
-- committed when it starts). Petition writers do not wait for one another, nor visit writers for
-- anybody; household imports and grid reassignments wait for petition imports and the reverse.
ALTER TABLE petitions ADD COLUMN household_grid_code VARCHAR;

CREATE FUNCTION petition_household_grid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.household_code IS NULL THEN
        NEW.household_grid_code := NULL;
    ELSE
        PERFORM pg_advisory_xact_lock_shared(2026, 15);
        SELECT h.grid_code INTO NEW.household_grid_code FROM households h WHERE h.code = NEW.household_code;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION households_inserted_to_petitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(2026, 15);
    UPDATE petitions p SET household_grid_code = n.grid_code
    FROM new_rows n
    WHERE p.household_code = n.code AND p.household_grid_code IS DISTINCT FROM n.grid_code;
    RETURN NULL;
END $$;

CREATE FUNCTION households_deleted_to_petitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(2026, 15);
    UPDATE petitions p SET household_grid_code = NULL
    FROM old_rows o
    WHERE p.household_code = o.code AND p.household_grid_code IS NOT NULL;
    RETURN NULL;
END $$;

CREATE FUNCTION household_moved_to_petitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(2026, 15);
    UPDATE petitions SET household_grid_code = NULL
    WHERE household_code = OLD.code AND OLD.code IS DISTINCT FROM NEW.code AND household_grid_code IS NOT NULL;
    UPDATE petitions SET household_grid_code = NEW.grid_code
    WHERE household_code = NEW.code AND household_grid_code IS DISTINCT FROM NEW.grid_code;
    RETURN NULL;
END $$;

-- The triggers first: CREATE TRIGGER locks both tables against writers until this migration
-- commits, so the filling below sees every write before it and none can slip in between.
CREATE TRIGGER petition_household_grid_insert BEFORE INSERT ON petitions
    FOR EACH ROW EXECUTE FUNCTION petition_household_grid();
CREATE TRIGGER petition_household_grid_update BEFORE UPDATE OF household_code ON petitions
    FOR EACH ROW WHEN (OLD.household_code IS DISTINCT FROM NEW.household_code)
    EXECUTE FUNCTION petition_household_grid();
CREATE TRIGGER households_to_petitions_insert AFTER INSERT ON households
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION households_inserted_to_petitions();
CREATE TRIGGER households_to_petitions_delete AFTER DELETE ON households
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION households_deleted_to_petitions();
CREATE TRIGGER households_to_petitions_update AFTER UPDATE OF grid_code, code ON households
    FOR EACH ROW WHEN (OLD.grid_code IS DISTINCT FROM NEW.grid_code OR OLD.code IS DISTINCT FROM NEW.code)
    EXECUTE FUNCTION household_moved_to_petitions();

UPDATE petitions p SET household_grid_code = h.grid_code
FROM households h WHERE h.code = p.household_code AND h.grid_code IS NOT NULL;

-- where a petition is located (0003; made again: a PostgreSQL view fixes the columns of p.* when
-- it is made): the household's grid now from the petition itself
DROP VIEW petitions_located;
CREATE VIEW petitions_located AS
SELECT p.*,
       coalesce(p.household_grid_code, p.point_grid_code, p.point_village_code, p.village_code) AS loc,
       h.head_name AS household_head,
       coalesce(p.lon, h.lon) AS map_lon,
       coalesce(p.lat, h.lat) AS map_lat
FROM petitions p
LEFT JOIN households h ON h.code = p.household_code;
