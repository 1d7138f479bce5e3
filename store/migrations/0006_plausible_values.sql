-- 0006: what a plausible imported value is, as rules (ingest/validate.py reads them), and queen
-- neighbours to be recomputed: they are now areas sharing any boundary point (T-junctions
-- included), not only a vertex. The store cannot compute geometry; the levels listed in
-- neighbors_stale are rebuilt by gis/areas.py (refresh_stale_neighbors) when the app or the
-- command line opens the database, and before a hotspot report reads them.
INSERT INTO rules VALUES
    ('earliest_record_year',  2000, 'year',       '导入的日期不早于该年1月1日（走访、信访）'),
    ('household_members_max', 50,   'people',     '每户人口数上限（超过视为填错）'),
    ('petition_people_max',   1000, 'people',     '每件信访人数上限（超过视为填错）');

CREATE TABLE neighbors_stale (
    level VARCHAR PRIMARY KEY
);
INSERT INTO neighbors_stale (level) SELECT DISTINCT level FROM areas;
