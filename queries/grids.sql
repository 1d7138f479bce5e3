-- Grid responsibility (issue 11): who answers for every grid and every household.
-- "Currently responsible" on $on: an active staff member with a staff_grids row whose
-- [valid_from, valid_to] (NULL = open) holds $on (assigned_during, store/migrations/0014).
-- $scope is NULL (everything) or a list of area codes (see auth/scope.py).

-- name: grids_directory
-- One row per grid under $area (NULL: all) in $scope, optionally only the grids in $grids:
-- households, the responsible staff by role, pairing leaders of its households, and a staffing status.
WITH g AS (
    SELECT a.code, a.name, v.ancestor_code AS village_code
    FROM areas a
    LEFT JOIN area_ancestors v ON v.code = a.code AND v.ancestor_level = 'village'
    WHERE a.level = 'grid'
      AND in_area(a.code, $area::VARCHAR)
      AND ($grids::VARCHAR[] IS NULL OR list_contains($grids::VARCHAR[], a.code))
      AND in_scope(a.code, $scope::VARCHAR[])
),
resp AS (
    SELECT DISTINCT sg.grid_code, s.id, s.name, s.role, s.phone
    FROM staff_grids sg
    JOIN staff s ON s.id = sg.staff_id AND s.active
    WHERE assigned_during(sg.valid_from, sg.valid_to, $on::DATE, $on::DATE)
      AND sg.grid_code IN (SELECT code FROM g)
),
r AS (
    SELECT grid_code,
           count(*) AS staff_count,
           array_agg(id ORDER BY id) AS staff_ids,
           count(*) FILTER (WHERE role = 'grid_leader') AS leader_count,
           array_agg(id ORDER BY id) FILTER (WHERE role = 'grid_leader') AS leader_ids,
           array_agg(name ORDER BY id) FILTER (WHERE role = 'grid_leader') AS leader_names,
           array_agg(phone ORDER BY id) FILTER (WHERE role = 'grid_leader') AS leader_phones,
           count(*) FILTER (WHERE role = 'grid_member') AS members,
           array_agg(id ORDER BY id) FILTER (WHERE role = 'grid_member') AS member_ids,
           array_agg(name ORDER BY id) FILTER (WHERE role = 'grid_member') AS member_names,
           array_agg(phone ORDER BY id) FILTER (WHERE role = 'grid_member') AS member_phones,
           array_agg(name ORDER BY id) FILTER (WHERE role NOT IN ('grid_leader', 'grid_member')) AS other_names
    FROM resp GROUP BY grid_code
),
hh AS (
    SELECT h.grid_code, count(*) AS n FROM households h
    WHERE h.status = 'active' AND h.grid_code IN (SELECT code FROM g)
    GROUP BY h.grid_code
),
pair AS (
    SELECT h.grid_code, count(DISTINCT p.household_code) AS paired_households,
           array_agg(DISTINCT s.name ORDER BY s.name) AS pairing_names
    FROM pairings p
    JOIN staff s ON s.id = p.staff_id AND s.active
    JOIN households h ON h.code = p.household_code AND h.status = 'active'
    WHERE h.grid_code IN (SELECT code FROM g)
    GROUP BY h.grid_code
)
SELECT g.code, g.name, g.village_code,
       coalesce(hh.n, 0) AS households,
       r.leader_ids[1] AS leader_id,
       r.leader_names[1] AS leader_name,
       coalesce(r.members, 0) AS members,
       va.name AS village_name,
       r.leader_phones[1] AS leader_phone,
       coalesce(r.leader_count, 0) AS leader_count,
       coalesce(r.leader_ids, ARRAY[]::VARCHAR[]) AS leader_ids,
       coalesce(r.leader_names, ARRAY[]::VARCHAR[]) AS leader_names,
       coalesce(r.leader_phones, ARRAY[]::VARCHAR[]) AS leader_phones,
       coalesce(r.member_ids, ARRAY[]::VARCHAR[]) AS member_ids,
       coalesce(r.member_names, ARRAY[]::VARCHAR[]) AS member_names,
       coalesce(r.member_phones, ARRAY[]::VARCHAR[]) AS member_phones,
       coalesce(r.other_names, ARRAY[]::VARCHAR[]) AS other_names,
       coalesce(r.staff_count, 0) AS staff_count,
       coalesce(r.staff_ids, ARRAY[]::VARCHAR[]) AS staff_ids,
       CASE WHEN coalesce(r.staff_count, 0) = 0 THEN NULL
            ELSE round(CAST(coalesce(hh.n, 0) AS FLOAT8) / r.staff_count, 1) END AS households_per_staff,
       coalesce(pair.pairing_names, ARRAY[]::VARCHAR[]) AS pairing_names,
       coalesce(pair.paired_households, 0) AS paired_households,
       CASE WHEN coalesce(r.staff_count, 0) = 0 THEN 'no_staff'
            WHEN coalesce(r.leader_count, 0) = 0 THEN 'leader_vacant'
            WHEN coalesce(hh.n, 0) > $max_per_staff::FLOAT8 * r.staff_count THEN 'overloaded'
            ELSE 'ok' END AS status,
       coalesce(r.staff_count, 0) > 0
           AND coalesce(hh.n, 0) > $max_per_staff::FLOAT8 * r.staff_count AS overloaded
FROM g
LEFT JOIN r ON r.grid_code = g.code
LEFT JOIN hh ON hh.grid_code = g.code
LEFT JOIN pair ON pair.grid_code = g.code
LEFT JOIN areas va ON va.code = g.village_code
ORDER BY g.code;

-- name: grids_idle_staff
-- Active grid leaders and members (the roles that answer for a grid; secretaries and cadres need
-- none) responsible for no grid on $on. With $unrestricted all of them, else only those whose
-- earlier grids lay in $area/$scope.
WITH cur AS (
    SELECT DISTINCT staff_id FROM staff_grids
    WHERE assigned_during(valid_from, valid_to, $on::DATE, $on::DATE)
),
past AS (
    SELECT staff_id, (array_agg(grid_code ORDER BY valid_to DESC, grid_code))[1] AS last_grid,
           max(valid_to) AS last_until
    FROM staff_grids
    WHERE valid_to IS NOT NULL AND valid_to < $on::DATE
    GROUP BY staff_id
)
SELECT s.id AS staff_id, s.name, s.role, s.phone, s.rank, past.last_grid AS grid_code,
       past.last_until AS valid_to
FROM staff s
LEFT JOIN past ON past.staff_id = s.id
WHERE s.active AND s.role IN ('grid_leader', 'grid_member') AND s.id NOT IN (SELECT staff_id FROM cur)
  AND ($unrestricted::BOOLEAN OR (past.last_grid IS NOT NULL
       AND in_area(past.last_grid, $area::VARCHAR)
       AND in_scope(past.last_grid, $scope::VARCHAR[])))
ORDER BY s.id;

-- name: grids_pairing_gaps
-- Cadres with a rank whose active paired households are fewer than the rule pairing_quota_rank<r>.
-- Restricted to $area/$scope unless $unrestricted: then those paired with, or responsible for, a grid there.
WITH q AS (
    SELECT s.id, s.name, s.role, s.rank, r.value::INTEGER AS quota
    FROM staff s JOIN rules r ON r.key = 'pairing_quota_rank' || s.rank::VARCHAR
    WHERE s.active AND s.rank IS NOT NULL
),
p AS (
    SELECT pr.staff_id, count(*) AS paired, array_agg(h.grid_code) AS grids
    FROM pairings pr JOIN households h ON h.code = pr.household_code AND h.status = 'active'
    GROUP BY pr.staff_id
),
places AS (
    SELECT pr.staff_id, h.grid_code FROM pairings pr JOIN households h ON h.code = pr.household_code
    WHERE h.status = 'active' AND h.grid_code IS NOT NULL
    UNION
    SELECT staff_id, grid_code FROM staff_grids
    WHERE assigned_during(valid_from, valid_to, $on::DATE, $on::DATE)
)
SELECT q.id AS staff_id, q.name, q.role, q.rank, q.quota, coalesce(p.paired, 0) AS paired,
       q.quota - coalesce(p.paired, 0) AS missing
FROM q LEFT JOIN p ON p.staff_id = q.id
WHERE coalesce(p.paired, 0) < q.quota
  AND ($unrestricted::BOOLEAN OR EXISTS (
        SELECT 1 FROM places pl WHERE pl.staff_id = q.id
          AND in_area(pl.grid_code, $area::VARCHAR)
          AND in_scope(pl.grid_code, $scope::VARCHAR[])))
ORDER BY q.rank, q.id;

-- name: grids_find_households
-- Active households whose code, head's name or address matches: exact code first, then exact name,
-- then the rest by code; with the last home visit up to $on and who made it.
WITH hit AS (
    SELECT h.code, h.head_name, h.address, h.phone, h.grid_code,
           CASE WHEN lower(h.code) = lower($query) THEN 0
                WHEN h.head_name = $query THEN 1
                WHEN h.code ILIKE $like ESCAPE '\' THEN 2
                WHEN h.head_name ILIKE $like ESCAPE '\' THEN 3
                ELSE 4 END AS hit_rank
    FROM households h
    WHERE h.status = 'active'
      AND household_matches(h.code, h.head_name, h.address, $like)
      AND in_scope(h.grid_code, $scope::VARCHAR[])
    ORDER BY hit_rank, h.code
    LIMIT $limit
),
last AS (
    SELECT v.household_code, v.visited_on, v.staff_id,
           row_number() OVER (PARTITION BY v.household_code ORDER BY v.visited_on DESC, v.staff_id) AS k
    FROM visits v
    WHERE v.kind = 'home' AND v.visited_on <= $on::DATE AND v.household_code IN (SELECT code FROM hit)
)
SELECT hit.code AS household_code, hit.head_name, hit.address, hit.phone, hit.grid_code,
       ga.name AS grid_name, va.code AS village_code, va.name AS village_name,
       last.visited_on AS last_visit, last.staff_id AS last_visit_staff_id, s.name AS last_visit_by,
       hit.hit_rank
FROM hit
LEFT JOIN areas ga ON ga.code = hit.grid_code
LEFT JOIN area_ancestors vx ON vx.code = hit.grid_code AND vx.ancestor_level = 'village'
LEFT JOIN areas va ON va.code = vx.ancestor_code
LEFT JOIN last ON last.household_code = hit.code AND last.k = 1
LEFT JOIN staff s ON s.id = last.staff_id
ORDER BY hit.hit_rank, hit.code;

-- name: grids_area_level
SELECT level FROM areas WHERE code = $code;

-- name: grids_staff_get
SELECT id, name, role, active FROM staff WHERE id = $id;

-- name: grids_staff_options
-- Active staff for the reassignment form.
SELECT id, name, role, phone FROM staff WHERE active ORDER BY id;

-- name: grids_current_rows
-- The grid's assignments that hold on $effective or start after it (valid_to NULL or ≥ $effective).
SELECT sg.id, sg.staff_id, s.role, sg.valid_from, sg.valid_to
FROM staff_grids sg JOIN staff s ON s.id = sg.staff_id
WHERE sg.grid_code = $grid AND (sg.valid_to IS NULL OR sg.valid_to >= $effective::DATE)
ORDER BY sg.staff_id, sg.valid_from NULLS FIRST;

-- name: grids_last_change
-- The latest date an assignment of the grid started or ended (NULL: none dated).
SELECT max(d) FROM (
    SELECT valid_from AS d FROM staff_grids WHERE grid_code = $grid
    UNION ALL
    SELECT valid_to + 1 FROM staff_grids WHERE grid_code = $grid
) AS changes;

-- name: grids_lock!
-- Hold the grid's row until the transaction ends (an update that changes nothing): two
-- reassignments of one grid at once are served one after the other, each reading the history the
-- other left (so intervals never overlap and a grid never gets two leaders).
UPDATE areas SET name = name WHERE code = $grid AND level = 'grid';

-- name: grids_close_row!
UPDATE staff_grids SET valid_to = $valid_to::DATE WHERE id = $id;

-- name: grids_delete_row!
-- An assignment that would end before it starts never took effect.
DELETE FROM staff_grids WHERE id = $id;

-- name: grids_open_row!
INSERT INTO staff_grids (staff_id, grid_code, valid_from) VALUES ($staff_id, $grid, $valid_from::DATE);
