-- name: overview_counts
-- Headline counts for the overview, within the scope.
SELECT
  (SELECT count(*) FROM households h
    WHERE h.status = 'active' AND h.grid_code IS NOT NULL
      AND ($scope::VARCHAR[] IS NULL OR EXISTS (SELECT 1 FROM area_ancestors x
           WHERE x.code = h.grid_code AND list_contains($scope::VARCHAR[], x.ancestor_code)))) AS households,
  (SELECT count(*) FROM households h WHERE h.status = 'active' AND h.grid_code IS NULL
      AND $scope::VARCHAR[] IS NULL) AS unassigned,
  (SELECT count(*) FROM areas a WHERE a.level = 'grid'
      AND ($scope::VARCHAR[] IS NULL OR EXISTS (SELECT 1 FROM area_ancestors x
           WHERE x.code = a.code AND list_contains($scope::VARCHAR[], x.ancestor_code)))) AS grids,
  (SELECT count(DISTINCT sg.staff_id) FROM staff_grids sg WHERE sg.valid_to IS NULL
      AND ($scope::VARCHAR[] IS NULL OR EXISTS (SELECT 1 FROM area_ancestors x
           WHERE x.code = sg.grid_code AND list_contains($scope::VARCHAR[], x.ancestor_code)))) AS staff;
