-- The data's version (store/version.py, migration 0011): the database's id and the sequence every
-- write moves forward.

-- name: data_version
-- (database id, version, version without visits, version without quiet visits): the key of every
-- result shared between sessions (ui/shared.py; the second sequence is migration 0016's, the third 0021's).
SELECT (SELECT value FROM meta WHERE key = 'database_id') AS database_id,
       (SELECT last_value FROM duckdb_sequences() WHERE sequence_name = 'data_version') AS version,
       (SELECT last_value FROM duckdb_sequences() WHERE sequence_name = 'data_version_no_visits')
           AS version_no_visits,
       (SELECT last_value FROM duckdb_sequences() WHERE sequence_name = 'data_version_no_quiet_visits')
           AS version_no_quiet_visits;

-- name: data_version__postgres
-- (a sequence nobody has drawn from yet shows its start value as last_value, with is_called false)
SELECT (SELECT value FROM meta WHERE key = 'database_id') AS database_id,
       (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM data_version) AS version,
       (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM data_version_no_visits)
           AS version_no_visits,
       (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM data_version_no_quiet_visits)
           AS version_no_quiet_visits;

-- name: data_version_bump
-- One step forward, after a write has committed (never rolled back, never waits for another writer):
-- every part.
SELECT nextval('data_version') AS version, nextval('data_version_no_visits') AS version_no_visits,
       nextval('data_version_no_quiet_visits') AS version_no_quiet_visits;

-- name: data_version_bump_visits
-- One step forward after a write of visits only (store/version.py VISIT_TABLES): the whole version and
-- the version without quiet visits, not the version without visits.
SELECT nextval('data_version') AS version, nextval('data_version_no_quiet_visits') AS version_no_quiet_visits;

-- name: data_version_bump_quiet
-- One step forward after a write of quiet visits only (store/version.py QUIET_STATEMENTS: visits that
-- raise no issue, before or after): the whole version alone.
SELECT nextval('data_version') AS version;
