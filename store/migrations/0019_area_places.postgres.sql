-- 0019: one ancestor of each level per area, and the places of an area (its grid, village and
-- township) as one view (issue 19 item 5: the village/township of an area was joined out in each
-- query that shows it). On DuckDB: 0019_area_places.sql (keep the two in step: the same but for the
-- unique index).

-- area_ancestors lists an area's nearest ancestor of each level only (queries/areas.sql
-- ancestors_rebuild): a chain with a parent of the same or a lower level — a parent code in a
-- boundary file that names an area of the wrong level, kept when no area of the right level holds
-- the area — once listed two ancestors of one level. Those rows are dropped here (the farther one:
-- the one that is itself an ancestor of the other), then the rule is an index.
DELETE FROM area_ancestors
WHERE code <> ancestor_code
  AND EXISTS (
        SELECT 1 FROM area_ancestors nearer
        JOIN area_ancestors farther ON farther.code = nearer.ancestor_code
                                   AND farther.ancestor_code = area_ancestors.ancestor_code
        WHERE nearer.code = area_ancestors.code AND nearer.ancestor_level = area_ancestors.ancestor_level
          AND nearer.ancestor_code <> area_ancestors.ancestor_code);
CREATE UNIQUE INDEX area_ancestors_one_per_level ON area_ancestors (code, ancestor_level);

-- area_places: every area (code, name, level) with its grid, village and township (codes and names),
-- each NULL where the area lies under none (a township has no village; an area whose parents are
-- missing has no township). `LEFT JOIN area_places pl ON pl.code = x.grid_code`: an unknown or NULL
-- code finds no row, so every column is NULL, as for an unlocated petition. PostgreSQL leaves out the
-- joins of the columns a query does not read (the unique index above makes each join one row at most).
-- Named columns: a migration that drops or retypes one of areas' columns it reads makes it again.
-- Which queries read it: see 0019_area_places.sql.
CREATE VIEW area_places AS
SELECT a.code, a.name, a.level,
       ag.ancestor_code AS grid_code, g.name AS grid_name,
       av.ancestor_code AS village_code, v.name AS village_name,
       att.ancestor_code AS township_code, t.name AS township_name
FROM areas a
LEFT JOIN area_ancestors ag ON ag.code = a.code AND ag.ancestor_level = 'grid'
LEFT JOIN areas g ON g.code = ag.ancestor_code
LEFT JOIN area_ancestors av ON av.code = a.code AND av.ancestor_level = 'village'
LEFT JOIN areas v ON v.code = av.ancestor_code
LEFT JOIN area_ancestors att ON att.code = a.code AND att.ancestor_level = 'township'
LEFT JOIN areas t ON t.code = att.ancestor_code;
