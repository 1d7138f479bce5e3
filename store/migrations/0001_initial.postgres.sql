-- 0001 on PostgreSQL 15 + PostGIS 3: the model of 0001_initial.sql (keep the two in step), plus
-- the DuckDB functions the named queries use, so that most queries are written once.

CREATE EXTENSION IF NOT EXISTS postgis;

-- ---------------------------------------------------------------- DuckDB functions, in SQL
-- Plain SQL functions: the planner inlines them, so `list_contains(col_list, x)` costs what
-- `x = ANY(col_list)` costs and a filter on an indexed column still uses its index.

-- list_contains(list, x): whether x is an element of list (NULL list → NULL, as in DuckDB).
CREATE FUNCTION list_contains(anycompatiblearray, anycompatible) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT $2 = ANY($1)';

-- date_diff('day', a, b): whole days from a to b. Only the part 'day' (the only one the queries
-- use; any other part gives NULL — add it here before using it).
CREATE FUNCTION date_diff(part text, a date, b date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN part = 'day' THEN b - a END $$;

-- year(d), month(d)
CREATE FUNCTION year(date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CAST(extract(year FROM $1) AS integer)';
CREATE FUNCTION year(timestamp) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CAST(extract(year FROM $1) AS integer)';
CREATE FUNCTION month(date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CAST(extract(month FROM $1) AS integer)';

-- round(double, n): PostgreSQL rounds only numeric to n places (half away from zero, as DuckDB).
CREATE FUNCTION round(double precision, integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CAST(round(CAST($1 AS numeric), $2) AS double precision)';

-- list_sort(list): the elements in ascending order.
CREATE FUNCTION list_sort(anycompatiblearray) RETURNS anycompatiblearray
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT array(SELECT x FROM unnest($1) AS t(x) ORDER BY x)';

-- ---------------------------------------------------------------- the model (as 0001_initial.sql)

CREATE TABLE areas (
    code           VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    level          VARCHAR NOT NULL CHECK (level IN ('county', 'township', 'village', 'grid')),
    parent_code    VARCHAR,
    parent_derived BOOLEAN NOT NULL DEFAULT FALSE,   -- parent found spatially, not given in the file
    geom           BYTEA,                            -- WKB, WGS-84
    minx DOUBLE PRECISION, miny DOUBLE PRECISION, maxx DOUBLE PRECISION, maxy DOUBLE PRECISION,
    area_m2        DOUBLE PRECISION,
    imported_at    TIMESTAMP DEFAULT current_timestamp,
    -- the polygon as a PostGIS geometry, kept by the server: QGIS or any GIS opens the layers
    -- straight from the database (the app itself reads geom and does geometry with shapely)
    shape          geometry(Geometry, 4326) GENERATED ALWAYS AS (ST_GeomFromWKB(geom, 4326)) STORED
);
CREATE INDEX areas_level ON areas (level, code);
CREATE INDEX areas_shape ON areas USING gist (shape);

CREATE TABLE area_ancestors (
    code           VARCHAR NOT NULL,
    ancestor_code  VARCHAR NOT NULL,
    ancestor_level VARCHAR NOT NULL,
    PRIMARY KEY (code, ancestor_code)
);
CREATE INDEX area_ancestors_level ON area_ancestors (ancestor_level, code, ancestor_code);
CREATE INDEX area_ancestors_ancestor ON area_ancestors (ancestor_code, code);

CREATE TABLE area_neighbors (
    code     VARCHAR NOT NULL,
    neighbor VARCHAR NOT NULL,
    PRIMARY KEY (code, neighbor)
);

CREATE TABLE households (
    code        VARCHAR PRIMARY KEY,
    head_name   VARCHAR NOT NULL,
    phone       VARCHAR,
    address     VARCHAR,
    members     INTEGER,
    lon         DOUBLE PRECISION,       -- WGS-84
    lat         DOUBLE PRECISION,
    grid_code   VARCHAR,                -- NULL: unassigned (kept, listed, never dropped)
    grid_given  BOOLEAN NOT NULL DEFAULT FALSE,  -- grid came from the file, not from point-in-polygon
    tags        VARCHAR[] NOT NULL DEFAULT '{}',
    status      VARCHAR NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'moved', 'closed')),
    created_on  DATE NOT NULL DEFAULT current_date,
    updated_at  TIMESTAMP DEFAULT current_timestamp
);
CREATE INDEX households_grid ON households (grid_code, status);

CREATE TABLE staff (
    id      VARCHAR PRIMARY KEY,
    name    VARCHAR NOT NULL,
    role    VARCHAR NOT NULL DEFAULT 'grid_member'
            CHECK (role IN ('grid_leader', 'grid_member', 'secretary', 'cadre')),
    phone   VARCHAR,
    rank    INTEGER,
    active  BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE SEQUENCE staff_grids_seq;
CREATE TABLE staff_grids (
    id          BIGINT PRIMARY KEY DEFAULT nextval('staff_grids_seq'),
    staff_id    VARCHAR NOT NULL,
    grid_code   VARCHAR NOT NULL,
    valid_from  DATE,
    valid_to    DATE
);
CREATE INDEX staff_grids_staff ON staff_grids (staff_id);
CREATE INDEX staff_grids_grid ON staff_grids (grid_code);

CREATE TABLE pairings (
    staff_id        VARCHAR NOT NULL,
    household_code  VARCHAR NOT NULL,
    since           DATE,
    PRIMARY KEY (staff_id, household_code)
);
CREATE INDEX pairings_household ON pairings (household_code);

CREATE SEQUENCE visits_seq;
CREATE TABLE visits (
    id              BIGINT PRIMARY KEY DEFAULT nextval('visits_seq'),
    household_code  VARCHAR NOT NULL,
    staff_id        VARCHAR NOT NULL,
    visited_on      DATE NOT NULL,
    kind            VARCHAR NOT NULL DEFAULT 'home' CHECK (kind IN ('home', 'phone', 'meeting', 'reception')),
    note            VARCHAR,
    needs_action    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP DEFAULT current_timestamp,
    created_by      VARCHAR,
    UNIQUE (household_code, staff_id, visited_on, kind)
);
CREATE INDEX visits_day ON visits (visited_on, kind);
CREATE INDEX visits_staff ON visits (staff_id, visited_on);
CREATE INDEX visits_flagged ON visits (visited_on) WHERE needs_action;

CREATE TABLE petitions (
    id                  VARCHAR PRIMARY KEY,
    received_on         DATE NOT NULL,
    household_code      VARCHAR,
    lon                 DOUBLE PRECISION,
    lat                 DOUBLE PRECISION,
    village_code        VARCHAR,
    point_village_code  VARCHAR,
    point_grid_code     VARCHAR,
    category            VARCHAR,
    channel             VARCHAR,
    people              INTEGER NOT NULL DEFAULT 1,
    status              VARCHAR NOT NULL DEFAULT 'received'
                        CHECK (status IN ('received', 'in_progress', 'replied', 'closed')),
    replied_on          DATE,
    closed_on           DATE,
    satisfaction        VARCHAR CHECK (satisfaction IS NULL OR satisfaction IN ('satisfied', 'partly', 'unsatisfied')),
    reply_text          VARCHAR,
    level_reached       VARCHAR,
    updated_at          TIMESTAMP DEFAULT current_timestamp
);
CREATE INDEX petitions_received ON petitions (received_on);
CREATE INDEX petitions_household ON petitions (household_code);

CREATE TABLE rules (
    key         VARCHAR PRIMARY KEY,
    value       DOUBLE PRECISION NOT NULL,
    unit        VARCHAR,
    description VARCHAR
);

INSERT INTO rules VALUES
    ('visit_target_days',      3,     'days/week',    '每周走访不少于3天'),
    ('revisit_days',           182,   'days',         '每户每半年至少入户一次'),
    ('reply_working_days',     7,     'working days', '7个工作日内答复'),
    ('close_days',             60,    'days',         '60日内办结（信访工作条例）'),
    ('hotspot_min_count',      3,     'petitions',    '少于3件不列入热点排名'),
    ('benchmark_coverage',     0.978, 'ratio',        '入户覆盖率基准（重庆 2008–2011）'),
    ('benchmark_solved',       0.84,  'ratio',        '问题解决率基准'),
    ('benchmark_satisfaction', 0.965, 'ratio',        '群众满意率基准'),
    ('pairing_quota_rank1',    5,     'households',   '结穷亲：一级领导 5 户'),
    ('pairing_quota_rank2',    4,     'households',   '结穷亲：二级 4 户'),
    ('pairing_quota_rank3',    3,     'households',   '结穷亲：三级 3 户'),
    ('pairing_quota_rank4',    2,     'households',   '结穷亲：四级 2 户'),
    ('pairing_quota_rank5',    1,     'households',   '结穷亲：五级 1 户'),
    ('households_per_staff_max', 150, 'households',   '每名网格工作人员负责户数上限');

CREATE TABLE users (
    name            VARCHAR PRIMARY KEY,
    password_hash   VARCHAR NOT NULL,
    role            VARCHAR NOT NULL CHECK (role IN ('admin', 'leader', 'office', 'grid_leader', 'member')),
    areas           VARCHAR[] NOT NULL DEFAULT '{}',
    staff_id        VARCHAR,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,
    is_demo         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP DEFAULT current_timestamp
);

CREATE SEQUENCE audit_seq;
CREATE TABLE audit_log (
    id         BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
    logged_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    user_name  VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,
    area       VARCHAR,
    counts     VARCHAR,                  -- JSON
    detail     VARCHAR
);

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
