-- store: postgres
-- manage.py copy-to (store/transfer.py): what the copy reads from and runs in the PostgreSQL store it
-- fills. (The statements that name a table, an index, a constraint or a trigger taken from the
-- catalogs are composed in store/transfer.py with psycopg.sql: a name cannot be a parameter.)

-- name: copy_indexes
-- The indexes of the table $table (its name, as the search path finds it), each with its schema,
-- name and definition, and the key constraint it backs (NULL for a plain index) with the
-- constraint's definition — pg_get_indexdef and pg_get_constraintdef give the SQL that builds them
-- again. In their order of creation.
SELECT n.nspname AS index_schema, c.relname AS index_name, pg_get_indexdef(i.indexrelid) AS index_def,
       k.conname AS constraint_name, pg_get_constraintdef(k.oid) AS constraint_def
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')
WHERE i.indrelid = CAST(quote_ident(CAST($table AS VARCHAR)) AS regclass)
ORDER BY i.indexrelid

-- name: copy_commit_synchronously
-- For the rest of the copy's transaction: its COMMIT waits for its WAL to be on disk even where
-- synchronous_commit is off (the throwaway clusters) — until then VACUUM may not mark the copied
-- rows visible to all, and the reports' index-only scans would read the tables themselves
-- (relallvisible 0). (SET LOCAL synchronous_commit = on, as a statement that can be prepared.)
SELECT set_config('synchronous_commit', 'on', true)

-- name: copy_home_gaps_fill
-- Migration 0030's gaps between home visits, counted once after the households are copied.
SELECT household_home_gaps_fill()

-- name: copy_staff_week_tallies_fill
-- Migration 0029's weekly tallies per staff member, counted once after every table is copied.
SELECT staff_week_tallies_fill()

-- name: copy_sequences_past_keys
-- Each sequence moved past the largest key copied into its table (the next value is that + 1, or 1
-- for an empty table).
SELECT setval('visits_seq', coalesce((SELECT max(id) FROM visits), 0) + 1, false) AS visits_seq,
       setval('staff_grids_seq', coalesce((SELECT max(id) FROM staff_grids), 0) + 1, false) AS staff_grids_seq,
       setval('audit_seq', coalesce((SELECT max(id) FROM audit_log), 0) + 1, false) AS audit_seq,
       setval('households_hid_seq', coalesce((SELECT max(hid) FROM households), 0) + 1, false) AS households_hid_seq
