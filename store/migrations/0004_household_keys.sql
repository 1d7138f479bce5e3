-- 0004: integer household keys and the last home visit of each household (issue 10).
-- The visit reports join and count households by a dense integer (hid) instead of the code
-- string: coverage marks the visited households in one bitmap over hid (queries/reports.sql),
-- and the "unvisited" list reads each household's last home visit from last_home_visits instead
-- of scanning every visit. The household code stays the key people see and files carry.
-- (DuckDB cannot rebuild a table's indexes with updates outstanding in the same transaction,
-- so every ALTER … ADD COLUMN comes before the first UPDATE.)

-- The newest home visit of each household, whatever its date; kept by every statement that
-- writes visits (queries/visits.sql, queries/ingest.sql, queries/demo.sql).
CREATE TABLE last_home_visits (
    hid         INTEGER PRIMARY KEY,
    visited_on  DATE NOT NULL
);
CREATE SEQUENCE households_hid_seq START 1;
ALTER TABLE households ADD COLUMN hid INTEGER;
-- Every statement that writes a visit fills hid from its household; NULL only for a visit whose
-- household is not stored (never counted for any household anyway).
ALTER TABLE visits ADD COLUMN hid INTEGER;

UPDATE households SET hid = nextval('households_hid_seq');
ALTER TABLE households ALTER COLUMN hid SET DEFAULT nextval('households_hid_seq');
UPDATE visits SET hid = h.hid FROM households h WHERE h.code = visits.household_code;
INSERT INTO last_home_visits
SELECT hid, max(visited_on) FROM visits WHERE kind = 'home' AND hid IS NOT NULL GROUP BY hid;
