-- 0004: integer household keys and the last home visit of each household (issue 10).
-- The visit reports join and count households by a dense integer (hid) instead of the code
-- string, and read each household's newest home visit from households.last_home_on instead of
-- scanning every visit: coverage of a range that ends after it needs no visit at all, and the
-- "unvisited" list becomes a scan of the area's households. The household code stays the key
-- people see and files carry.
-- (DuckDB cannot rebuild a table's indexes with updates outstanding in the same transaction,
-- so every ALTER … ADD COLUMN comes before the first UPDATE.)
CREATE SEQUENCE households_hid_seq START 1;
ALTER TABLE households ADD COLUMN hid INTEGER;
-- The newest home visit of the household, whatever its date (NULL: never visited at home); kept
-- by every statement that writes visits (queries/visits.sql, queries/ingest.sql, queries/demo.sql).
ALTER TABLE households ADD COLUMN last_home_on DATE;
-- Every statement that writes a visit fills hid from its household; NULL only for a visit whose
-- household is not stored (never counted for any household anyway).
ALTER TABLE visits ADD COLUMN hid INTEGER;

UPDATE households SET hid = nextval('households_hid_seq');
ALTER TABLE households ALTER COLUMN hid SET DEFAULT nextval('households_hid_seq');
UPDATE visits SET hid = h.hid FROM households h WHERE h.code = visits.household_code;
UPDATE households SET last_home_on = m.last_on
FROM (SELECT hid, max(visited_on) AS last_on FROM visits WHERE kind = 'home' AND hid IS NOT NULL GROUP BY hid) m
WHERE m.hid = households.hid;
