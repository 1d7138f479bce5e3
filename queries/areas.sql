-- Areas: the county → township → village → grid hierarchy and its geometry (WKB, WGS-84).

-- name: areas_of_level
-- Every area of one level with its geometry.
SELECT code, name, level, parent_code, geom FROM areas WHERE level = $level ORDER BY code;

-- name: area_get
SELECT code, name, level, parent_code, minx, miny, maxx, maxy FROM areas WHERE code = $code;

-- name: areas_codes_other_levels
-- Codes of the given list already used by areas of another level.
SELECT code, level FROM areas WHERE level <> $level AND code IN (SELECT unnest($codes::VARCHAR[]));

-- name: areas_delete_level!
DELETE FROM areas WHERE level = $level;

-- name: areas_insert!
INSERT INTO areas (code, name, level, parent_code, parent_derived, geom, minx, miny, maxx, maxy, area_m2)
SELECT code, name, $level, parent_code, parent_derived, geom, minx, miny, maxx, maxy, area_m2
FROM incoming_areas;

-- name: areas_set_parent!
-- Set parents found spatially (incoming_parents: code, parent_code).
UPDATE areas SET parent_code = p.parent_code, parent_derived = TRUE
FROM incoming_parents p WHERE areas.code = p.code;

-- name: areas_needing_parent
-- Areas of a level whose parent is missing, derived, or no longer exists.
SELECT a.code, a.geom FROM areas a
WHERE a.level = $level
  AND (a.parent_code IS NULL OR a.parent_derived
       OR NOT EXISTS (SELECT 1 FROM areas p WHERE p.code = a.parent_code AND p.level = $parent_level));

-- name: ancestors_rebuild!
-- Each area with itself and all its ancestors, one of each level: the nearest, when a parent code
-- names an area of the same or a lower level (kept when no area of the right level holds the area)
-- and the chain meets a level twice (area_ancestors is unique on (code, ancestor_level): 0019).
DELETE FROM area_ancestors;
INSERT INTO area_ancestors (code, ancestor_code, ancestor_level)
WITH RECURSIVE chain(code, ancestor_code, depth) AS (
    SELECT code, code, 0 FROM areas
    UNION ALL
    SELECT c.code, a.parent_code, c.depth + 1
    FROM chain c JOIN areas a ON a.code = c.ancestor_code
    WHERE a.parent_code IS NOT NULL AND c.depth < 4
),
ranked AS (
    SELECT c.code, c.ancestor_code, a.level,
           row_number() OVER (PARTITION BY c.code, a.level ORDER BY c.depth) AS nearness
    FROM chain c JOIN areas a ON a.code = c.ancestor_code
)
SELECT code, ancestor_code, level FROM ranked WHERE nearness = 1;

-- name: neighbors_delete_level!
DELETE FROM area_neighbors WHERE code IN (SELECT code FROM areas WHERE level = $level)
   OR code NOT IN (SELECT code FROM areas);

-- name: neighbors_insert!
INSERT INTO area_neighbors (code, neighbor) SELECT code, neighbor FROM incoming_neighbors;

-- name: neighbors_of_level
SELECT n.code, n.neighbor FROM area_neighbors n JOIN areas a ON a.code = n.code
WHERE a.level = $level ORDER BY n.code, n.neighbor;

-- name: households_to_reassign
-- Households whose grid comes from their point (not given in the file).
SELECT code, lon, lat, grid_code FROM households
WHERE NOT grid_given AND lon IS NOT NULL AND lat IS NOT NULL;

-- name: households_set_grid!
-- incoming_assign: code, grid_code.
UPDATE households SET grid_code = a.grid_code, updated_at = now()
FROM incoming_assign a WHERE households.code = a.code AND households.grid_code IS DISTINCT FROM a.grid_code;

-- name: petitions_with_points
SELECT id, lon, lat FROM petitions WHERE lon IS NOT NULL AND lat IS NOT NULL;

-- name: petitions_set_points!
-- incoming_assign: id, point_village_code, point_grid_code.
UPDATE petitions SET point_village_code = a.point_village_code, point_grid_code = a.point_grid_code
FROM incoming_assign a WHERE petitions.id = a.id;

-- name: areas_in_scope
-- Areas of a level the scope may see ($scope NULL: all).
SELECT a.code, a.name, a.parent_code FROM areas a
WHERE a.level = $level
  AND in_scope(a.code, $scope::VARCHAR[])
ORDER BY a.code;

-- name: area_chain
-- An area and its ancestors, from the top level down.
SELECT a.code, a.name, a.level FROM area_ancestors x JOIN areas a ON a.code = x.ancestor_code
WHERE x.code = $code
ORDER BY CASE a.level WHEN 'county' THEN 0 WHEN 'township' THEN 1 WHEN 'village' THEN 2 ELSE 3 END;

-- name: area_children
-- Areas of $level under $parent (all of the level when $parent is NULL) that the scope may see.
SELECT a.code, a.name FROM areas a
WHERE a.level = $level
  AND in_area(a.code, $parent::VARCHAR)
  AND in_scope(a.code, $scope::VARCHAR[])
ORDER BY a.code;

-- name: areas_version
-- Changes whenever boundaries are imported: for caches of map geometry.
SELECT count(*), max(imported_at) FROM areas;

-- name: area_overlaps_scope
-- Whether the area lies inside the scope, or holds one of the scope's areas: whether the area or
-- one of the areas under it is in scope ($scope is a list here, never NULL).
SELECT EXISTS (SELECT 1 FROM area_ancestors x
               WHERE x.ancestor_code = $code AND in_scope(x.code, $scope::VARCHAR[]));

-- name: neighbors_stale_levels
-- Levels whose stored queen neighbours were computed by an older rule (migration 0006).
SELECT level FROM neighbors_stale ORDER BY level;

-- name: neighbors_fresh!
-- The level's neighbours were just rebuilt.
DELETE FROM neighbors_stale WHERE level = $level;

-- name: areas_extent_by_level
-- The lon/lat extent of each stored level (where a new boundary file is expected to lie).
SELECT level, min(minx) AS minx, min(miny) AS miny, max(maxx) AS maxx, max(maxy) AS maxy, count(*) AS n
FROM areas GROUP BY level;
