-- name: overview_counts
-- Headline counts for the overview, within the scope.
SELECT
  (SELECT count(*) FROM households h
    WHERE h.status = 'active' AND h.grid_code IS NOT NULL
      AND in_scope(h.grid_code, $scope::VARCHAR[])) AS households,
  (SELECT count(*) FROM households h WHERE h.status = 'active' AND h.grid_code IS NULL
      AND $scope::VARCHAR[] IS NULL) AS unassigned,
  (SELECT count(*) FROM areas a WHERE a.level = 'grid'
      AND in_scope(a.code, $scope::VARCHAR[])) AS grids,
  (SELECT count(DISTINCT sg.staff_id) FROM staff_grids sg WHERE sg.valid_to IS NULL
      AND in_scope(sg.grid_code, $scope::VARCHAR[])) AS staff;
