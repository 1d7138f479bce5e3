-- The data's version (store/version.py, migration 0011): the database's id and the sequence every
-- write moves forward.

-- name: data_version
-- (database id, version): the key of every result shared between sessions (ui/shared.py).
SELECT (SELECT value FROM meta WHERE key = 'database_id') AS database_id,
       (SELECT last_value FROM duckdb_sequences() WHERE sequence_name = 'data_version') AS version;

-- name: data_version__postgres
-- (a sequence nobody has drawn from yet shows its start value as last_value, with is_called false)
SELECT (SELECT value FROM meta WHERE key = 'database_id') AS database_id,
       (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM data_version) AS version;

-- name: data_version_bump
-- One step forward, after a write has committed (never rolled back, never waits for another writer).
SELECT nextval('data_version') AS version;
