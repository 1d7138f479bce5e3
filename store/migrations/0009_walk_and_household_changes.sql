-- 0009: today's walk and the household's record (民情档案, issue 20).
-- The day's plan of a grid worker's walk is a rule (default 12 households, editable and audited
-- like every rule). Changes of a household's status (在册/迁出/注销) and grid were not kept before:
-- from this migration on every writer that changes them appends a row here (queries/household.sql:
-- household_changes_from_import, household_changes_from_assign). Before the day recorded in
-- meta 'household_changes_since' only the current status and grid are known.
INSERT INTO rules VALUES ('walk_stops', 12, 'households', '每日走访计划户数');

CREATE SEQUENCE household_changes_seq;
CREATE TABLE household_changes (
    id              BIGINT PRIMARY KEY DEFAULT nextval('household_changes_seq'),
    household_code  VARCHAR NOT NULL,
    changed_on      DATE NOT NULL,
    field           VARCHAR NOT NULL CHECK (field IN ('status', 'grid_code')),
    old_value       VARCHAR,
    new_value       VARCHAR,
    source          VARCHAR NOT NULL,      -- 'import' (a household file) or 'boundaries' (grid from the point)
    changed_by      VARCHAR,
    changed_at      TIMESTAMP DEFAULT current_timestamp
);

INSERT INTO meta (key, value) VALUES ('household_changes_since', CAST(current_date AS VARCHAR));
