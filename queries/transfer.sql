-- store: duckdb
-- manage.py copy-to (store/transfer.py): what the copy reads from the DuckDB file beyond its tables.

-- name: visit_days_for_copy
-- The days each household was visited, per kind of visit, in PostgreSQL's text form of a
-- datemultirange — the columns households.home_days … reception_days that PostgreSQL keeps from the
-- visits (migration 0018, visit_days_fill()) — so that copy-to writes them with the households
-- instead of filling them after with an update of every household (more than 30 minutes for the 10M
-- households of the city data set; BENCHMARKS.md). Each visit is written as its one day,
-- [day, the day after), in no order: PostgreSQL's input of a multirange sorts its ranges and merges
-- those that overlap or touch ({[2026-11-03,2026-11-04),[2026-11-02,2026-11-03)} reads as
-- {[2026-11-02,2026-11-04)}), so the column holds what the migration's range_agg gives, and DuckDB
-- needs no sort, no window and no DISTINCT over the visits (with them: 22 GB of memory at city
-- scale, and out of memory under a 4 GB limit). A kind never visited is NULL. One row per household
-- with a visit among the households first_hid … last_hid: store/transfer.py reads them a slice of
-- households at a time (all 10M at once took more than 4 GB here too) and joins them to the
-- households it copies.
WITH days AS (   -- each visit's day as a range: [day, the day after)
    SELECT hid, kind, '[' || CAST(visited_on AS VARCHAR) || ',' || CAST(visited_on + 1 AS VARCHAR) || ')' AS day
    FROM visits
    WHERE hid BETWEEN $first_hid AND $last_hid
)
SELECT hid,
       '{' || string_agg(day, ',') FILTER (WHERE kind = 'home') || '}' AS home_days,
       '{' || string_agg(day, ',') FILTER (WHERE kind = 'phone') || '}' AS phone_days,
       '{' || string_agg(day, ',') FILTER (WHERE kind = 'meeting') || '}' AS meeting_days,
       '{' || string_agg(day, ',') FILTER (WHERE kind = 'reception') || '}' AS reception_days
FROM days
GROUP BY hid

-- name: households_hid_range
-- The households' first and last hid (store/transfer.py cuts visit_days_for_copy into slices of them).
SELECT min(hid) AS first_hid, max(hid) AS last_hid FROM households

-- name: copy_tables
-- The file's tables that copy-to copies, by name: all but schema_version (each store keeps its own).
SELECT table_name
FROM information_schema.tables
WHERE table_schema = 'main' AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'
ORDER BY table_name

-- name: copy_columns
-- The columns of the file's table $table and their DuckDB types (BLOB, VARCHAR[], …), in their order.
SELECT column_name, data_type
FROM information_schema.columns
WHERE table_name = $table AND table_schema = 'main'
ORDER BY ordinal_position

-- name: copy_row_count
-- The rows of the file's table $table (query_table reads the table of that name).
SELECT count(*) AS n FROM query_table($table)

-- name: copy_bytea_macro!
-- copy_bytea(b): a BLOB (the areas' WKB geometry) in PostgreSQL's text form of a bytea, hex: \x0101…
-- (NULL stays NULL). store/transfer.py writes every BLOB column through it.
CREATE OR REPLACE TEMP MACRO copy_bytea(b) AS CASE WHEN b IS NULL THEN NULL ELSE '\x' || lower(hex(b)) END

-- name: copy_array_macro!
-- copy_array(l): a list (VARCHAR[]: tags, scopes) in PostgreSQL's text form of an array, {"a","b"}:
-- every element quoted, its \ and " escaped with a \, a NULL element written NULL, an empty list {}
-- (a NULL list stays NULL). store/transfer.py writes every list column through it.
CREATE OR REPLACE TEMP MACRO copy_array(l) AS
CASE WHEN l IS NULL THEN NULL
     ELSE '{' || coalesce(array_to_string(list_transform(l, x -> CASE WHEN x IS NULL THEN 'NULL'
          ELSE '"' || replace(replace(CAST(x AS VARCHAR), '\', '\\'), '"', '\"') || '"' END), ','), '') || '}'
END
