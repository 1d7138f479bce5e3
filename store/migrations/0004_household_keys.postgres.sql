-- 0004 on PostgreSQL: 0004_household_keys.sql (keep the two in step), plus the indexes the
-- visit reports read by (the household key and each household's last home visit).
CREATE SEQUENCE households_hid_seq START 1;
ALTER TABLE households ADD COLUMN hid INTEGER;
-- The newest home visit of the household, whatever its date (NULL: never visited at home); kept
-- by every statement that writes visits (queries/visits.sql, queries/ingest.sql, queries/demo.sql).
ALTER TABLE households ADD COLUMN last_home_on DATE;
ALTER TABLE visits ADD COLUMN hid INTEGER;

UPDATE households SET hid = nextval('households_hid_seq');
ALTER TABLE households ALTER COLUMN hid SET DEFAULT nextval('households_hid_seq');
UPDATE visits SET hid = h.hid FROM households h WHERE h.code = visits.household_code;
UPDATE households SET last_home_on = m.last_on
FROM (SELECT hid, max(visited_on) AS last_on FROM visits WHERE kind = 'home' AND hid IS NOT NULL GROUP BY hid) m
WHERE m.hid = households.hid;

CREATE UNIQUE INDEX households_hid ON households (hid);
CREATE INDEX households_inactive ON households (hid) WHERE status <> 'active';
-- coverage and hotspots count active households grid by grid, from this index alone
CREATE INDEX households_active_grid ON households (grid_code, last_home_on, hid) WHERE status = 'active';
-- the newest last home visit (coverage asks it first) without reading every household
CREATE INDEX households_last_home ON households (last_home_on);
-- the visits of a range by day and kind, with the household key and the staff member: coverage of
-- a range and the weekly quota read them from this index alone
DROP INDEX visits_day;
CREATE INDEX visits_day ON visits (visited_on, kind, hid, staff_id);
-- one household's visits (its last home visit counted again, the unvisited look into the past)
CREATE INDEX visits_hid ON visits (hid, kind, visited_on);
