-- 0032 on PostgreSQL: for each kind of visit other than home, the active households it reached, by
-- the last day it did (0020's phone_last_on …), carrying their grid and that kind's visited days
-- (0018) — so that the coverage of one such kind alone over a past range (queries/reports.sql,
-- coverage__postgres, the other_kind_days arm) reads only the households that kind reached on or
-- after the range's first day, not every active household's days.
--
-- A household was visited by phone in [a, b] only if its last phone call is on or after a, and then
-- exactly when its phone days meet the range. Phone calls, meetings and receptions are rare beside
-- home visits (at county scale a household in two had a phone call in a year), and fewer still since
-- a given day: over a month four months back ~59,000 index entries, against 291,000 households'
-- day sets (BENCHMARKS.md, twenty-sixth session). Index-only: the grid and the days are carried.
CREATE INDEX households_active_phone_days ON households (phone_last_on) INCLUDE (grid_code, phone_days)
    WHERE status = 'active' AND phone_last_on IS NOT NULL;
CREATE INDEX households_active_meeting_days ON households (meeting_last_on) INCLUDE (grid_code, meeting_days)
    WHERE status = 'active' AND meeting_last_on IS NOT NULL;
CREATE INDEX households_active_reception_days ON households (reception_last_on) INCLUDE (grid_code, reception_days)
    WHERE status = 'active' AND reception_last_on IS NOT NULL;
