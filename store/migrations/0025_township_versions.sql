-- 0025: a fourth part of the data's version, per township (issue 16 §1, store/version.py). A visit saved
-- in one township changes no figure of another, yet moved the whole version and so emptied every area's
-- shared coverage results. Now a visit the app writes for one household (store/version.py
-- ONE_HOUSEHOLD_STATEMENTS) moves only its township's version: a row added here with a fresh number of the
-- sequence data_version_townships (a township's version is its greatest number). Rows are only added
-- (and the older of a township pruned now and then): two visits saved at once never conflict, as an
-- update of one row would on DuckDB. Every other write of visits only (an import, a recount) moves
-- data_version_other_visits. A result whose figures read visits only inside known townships is shared
-- under (version without visits, other visits, those townships' versions) (ui/shared.py TOWNSHIPS).
-- Same SQL on both stores.
CREATE SEQUENCE data_version_other_visits START 1;
CREATE SEQUENCE data_version_townships START 1;
CREATE TABLE township_versions (
    township_code VARCHAR NOT NULL,  -- '' for a household in no township (no township's figures)
    version       BIGINT NOT NULL    -- a number of data_version_townships, drawn after the visit's COMMIT
);
