-- The data's version (store/version.py, migration 0011): the database's id and the sequence every
-- write moves forward.

-- name: data_version
-- (database id, version, version without visits, version without quiet visits, version of the visits
-- written other than one household at a time): the key of every result shared between sessions
-- (ui/shared.py; the second sequence is migration 0016's, the third 0021's, the fourth 0025's).
-- duckdb_sequences() read once (each scalar subquery of it would read it again: 2.1–2.4 → 0.8–1.3 ms a
-- read at the median on the county set); a sequence not drawn from yet, or missing, is NULL either way.
SELECT (SELECT value FROM meta WHERE key = 'database_id') AS database_id,
       s.version, s.version_no_visits, s.version_no_quiet_visits, s.version_other_visits
FROM (SELECT max(last_value) FILTER (WHERE sequence_name = 'data_version') AS version,
             max(last_value) FILTER (WHERE sequence_name = 'data_version_no_visits') AS version_no_visits,
             max(last_value) FILTER (WHERE sequence_name = 'data_version_no_quiet_visits')
                 AS version_no_quiet_visits,
             max(last_value) FILTER (WHERE sequence_name = 'data_version_other_visits') AS version_other_visits
      FROM duckdb_sequences()) s;

-- name: data_version__postgres
-- (a sequence nobody has drawn from yet shows its start value as last_value, with is_called false)
SELECT (SELECT value FROM meta WHERE key = 'database_id') AS database_id,
       (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM data_version) AS version,
       (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM data_version_no_visits)
           AS version_no_visits,
       (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM data_version_no_quiet_visits)
           AS version_no_quiet_visits,
       (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM data_version_other_visits)
           AS version_other_visits;

-- name: data_version_bump
-- One step forward, after a write has committed (never rolled back, never waits for another writer):
-- every part (the townships' sequence too: on DuckDB every opening draws from each, store/version.py).
SELECT nextval('data_version') AS version, nextval('data_version_no_visits') AS version_no_visits,
       nextval('data_version_no_quiet_visits') AS version_no_quiet_visits,
       nextval('data_version_other_visits') AS version_other_visits,
       nextval('data_version_townships') AS version_townships;

-- name: data_version_bump_visits
-- One step forward after a write of visits only (store/version.py VISIT_TABLES): the whole version and
-- the version without quiet visits, not the version without visits.
SELECT nextval('data_version') AS version, nextval('data_version_no_quiet_visits') AS version_no_quiet_visits;

-- name: data_version_bump_quiet
-- One step forward after a write of quiet visits only (store/version.py QUIET_STATEMENTS: visits that
-- raise no issue, before or after): the whole version alone.
SELECT nextval('data_version') AS version;

-- name: data_version_bump_other_visits
-- After a write of visits only that is not one household's (an import, a recount: store/version.py), with
-- data_version_bump_visits or _quiet: every township's results are computed again.
SELECT nextval('data_version_other_visits') AS version_other_visits;

-- name: data_version_bump_township
-- After a write of one household's visits (store/version.py ONE_HOUSEHOLD_STATEMENTS), with
-- data_version_bump_visits or _quiet: its township's version moves to a fresh number ('' for a household
-- in no township). A row added, never updated: two at once never conflict (DuckDB would abort one update
-- of a row written by another); the number drawn after the COMMIT is greater than any a view read before.
INSERT INTO township_versions (township_code, version)
SELECT coalesce((SELECT max(a.ancestor_code) FROM households h
                 JOIN area_ancestors a ON a.code = h.grid_code AND a.ancestor_level = 'township'
                 WHERE h.code = $household_code), ''),
       nextval('data_version_townships')
RETURNING version;

-- name: township_versions_prune!
-- Now and then (store/version.py PRUNE_EVERY): drop each township's rows but its greatest, which is its
-- version (a row added meanwhile is greater and stays).
DELETE FROM township_versions
WHERE version < (SELECT max(u.version) FROM township_versions u WHERE u.township_code = township_versions.township_code);

-- name: township_versions
-- Every township's version, its greatest number (no row: never moved, 0), read once per page view
-- (ui/shared.py).
SELECT township_code, max(version) AS version FROM township_versions GROUP BY township_code;

-- name: townships_of_areas
-- The township of each of the areas $codes (itself for a township, its ancestor below; NULL for the
-- county or an area above the townships), one row per area found (migration 0019's area_places; read
-- once per version without visits: ui/shared.py townships).
SELECT code, township_code FROM area_places WHERE list_contains($codes::VARCHAR[], code);
