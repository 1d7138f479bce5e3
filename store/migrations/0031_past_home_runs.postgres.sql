-- 0031 on PostgreSQL: the gaps between home visits (0030) by the day each one ends — the first day of
-- the household's next home visit — so that the coverage of home visits over a short past range
-- counts the households visited instead of those not visited (queries/reports.sql,
-- coverage__postgres, the home_runs arm).
--
-- A household was visited at home over [a, b] exactly when a gap of its ends within the range
-- (a <= upper(gap) <= b: its next home visit is in the range) having begun on or before a
-- (lower(gap) <= a, or the gap before its first visit) — the gap before its first home visit in the
-- range — or, when no gap does, its visits run day after day across the range's start (visited on
-- a - 1 and a: queries/reports.sql counts these from the two days' visits). A later gap ending in
-- the range begins after a visit in it, after a; so each grid's count is a plain count of rows, no
-- household counted twice. Its cost is the gaps ending in the
-- range (about the range's home visits): over a week or a month at county scale ~30,000 / ~140,000
-- index entries, against 0030's gaps containing the range (most households over a short range) or
-- every active household's day sets (0018).
--
-- Index-only: the gap's end and its start (-infinity before a first visit) are the keys, so that both
-- conditions are compared on the index's own values (not the range unpacked again for each entry:
-- half the time); the gap itself and the grid are carried (the planner takes an index-only scan only
-- when the column an expression reads is in the index, PostgreSQL documentation 11.9, "Index-Only
-- Scans and Covering Indexes").
CREATE INDEX household_home_gaps_next ON household_home_gaps (upper(gap), coalesce(lower(gap), '-infinity'::date))
    INCLUDE (gap, grid_code);
-- The same for one household in 32, from which coverage__postgres estimates how many gaps end in the
-- range before choosing this way (a few thousand rows at most): the estimate picks the way, never
-- the answer.
CREATE INDEX household_home_gaps_next_sample ON household_home_gaps (upper(gap)) INCLUDE (gap) WHERE hid % 32 = 0;
-- Statistics of the new expressions now, not at autovacuum's next analyze: without them the
-- planner prices a range of upper(gap) blind and read the sample's estimate from 0030's quad tree
-- (~15 ms instead of ~1 ms at county scale).
ANALYZE household_home_gaps;
