-- The load benchmark (bench/load.py): what its browser sessions click on and what they stored.

-- name: load_drill_paths
-- For each township: its first village (by code) with a drawn grid that has active households, and
-- that village's first such grid — the path an office user's session drills down the coverage map.
WITH g AS (
    SELECT a.code, a.name, a.parent_code AS village, a.geom
    FROM areas a
    WHERE a.level = 'grid' AND a.geom IS NOT NULL
      AND EXISTS (SELECT 1 FROM households h WHERE h.grid_code = a.code AND h.status = 'active')
),
pick AS (
    SELECT v.parent_code AS township, v.code AS village, min(g.code) AS grid
    FROM g JOIN areas v ON v.code = g.village AND v.level = 'village' AND v.geom IS NOT NULL
    GROUP BY v.parent_code, v.code
),
first_village AS (SELECT township, min(village) AS village FROM pick GROUP BY township)
SELECT t.code AS township_code, t.name AS township_name,
       v.code AS village_code, v.name AS village_name, v.geom AS village_geom,
       g.code AS grid_code, g.name AS grid_name, g.geom AS grid_geom
FROM first_village f
JOIN pick p ON p.village = f.village
JOIN areas t ON t.code = f.township AND t.level = 'township'
JOIN areas v ON v.code = p.village
JOIN areas g ON g.code = p.grid
ORDER BY t.code;

-- name: load_grid_leaders
-- Active grid leaders with their grids on $day (comma-separated), the grids having active households.
WITH mine AS (
    SELECT DISTINCT sg.staff_id, sg.grid_code
    FROM staff_grids sg JOIN staff s ON s.id = sg.staff_id
    WHERE s.role = 'grid_leader' AND s.active
      AND assigned_during(sg.valid_from, sg.valid_to, $day::DATE, $day::DATE)
      AND EXISTS (SELECT 1 FROM households h WHERE h.grid_code = sg.grid_code AND h.status = 'active')
)
SELECT staff_id, string_agg(grid_code, ',' ORDER BY grid_code) AS grids
FROM mine GROUP BY staff_id ORDER BY staff_id;

-- name: load_visits_stored
-- The home visits of $day an account recorded (the benchmark's grid leaders record home visits dated today).
SELECT household_code FROM visits
WHERE created_by = $user_name AND visited_on = $day::DATE AND kind = 'home'
ORDER BY household_code;
