-- 0011: the data's version (issue 16 §1). One number for the whole store that every write moves
-- forward (store/version.py bumps it after each committed write), read on every page view to key the
-- results shared between sessions (ui/shared.py). A sequence, not a row: concurrent writers never
-- wait for or conflict on it, in DuckDB or PostgreSQL. The database's own random id goes into the
-- key beside it, so that a database replaced by another (a rebuilt demo) never answers from the
-- other's cache.
CREATE SEQUENCE data_version START 1;

INSERT INTO meta (key, value) VALUES ('database_id', CAST(gen_random_uuid() AS VARCHAR));
