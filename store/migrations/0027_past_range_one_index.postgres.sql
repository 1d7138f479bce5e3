-- 0027 on PostgreSQL: the index coverage__postgres reads a past range from (queries/reports.sql, the
-- "any other range" arm: every active household of the grids shown, grid by grid, with its day sets)
-- keyed on grid_code under the "C" collation, and the arm looks it up the same way — so that no
-- other index of households can serve that lookup.
--
-- Why: with 0018's index (grid_code, default collation) the planner chose, for each grid, between an
-- index-only scan of it and a plain index scan of a narrower index on grid_code with the same
-- predicate (households_active_last_days, _months, …) plus the table's pages. The grid-by-grid
-- lookup is planned once per grid (loop count 1), so as soon as one page of the table is not
-- all-visible (pg_class.relallvisible < its pages: a single visit after a vacuum) the index-only
-- scan is priced one whole random table page more per grid (the estimate is rounded up) and the
-- narrower index wins: ~28,600 buffers for the past year at county scale instead of ~14,900 fresh
-- or ~17,700 with 1,000 visits' pages to fetch, ~1.5× the server CPU. Equal text is equal under
-- every deterministic collation, so the answer is the same; the lookup is by equality only.
DROP INDEX households_active_days;
CREATE INDEX households_active_days ON households (grid_code COLLATE "C")
    INCLUDE (home_days, phone_days, meeting_days, reception_days) WHERE status = 'active';
