-- One household's whole record (民情档案, issue 20): analytics/household.py reads these; the page
-- pages/household.py and `manage.py report household` show the same record. Petitions and open
-- follow-ups come from the work list (queries/petitions.sql petition_items), not from here.

-- name: household_head
-- The household with its grid, village and township names (any status: a moved household keeps its record).
SELECT h.code AS household_code, h.head_name, h.phone, h.address, h.members, h.tags, h.status,
       h.grid_code, g.name AS grid_name, v.code AS village_code, v.name AS village_name,
       t.code AS township_code, t.name AS township_name, h.lon, h.lat, h.created_on, h.last_home_on
FROM households h
LEFT JOIN areas g ON g.code = h.grid_code
LEFT JOIN area_ancestors av ON av.code = h.grid_code AND av.ancestor_level = 'village'
LEFT JOIN areas v ON v.code = av.ancestor_code
LEFT JOIN area_ancestors ant ON ant.code = h.grid_code AND ant.ancestor_level = 'township'
LEFT JOIN areas t ON t.code = ant.ancestor_code
WHERE h.code = $code;

-- name: household_visible
-- Whether the household may be seen with $scope (NULL: everything): its grid lies in scope, or the
-- user's staff member ($staff_id, may be NULL) is paired with it (结穷亲), as on the weekly page.
SELECT in_scope((SELECT h.grid_code FROM households h WHERE h.code = $code), $scope::VARCHAR[])
    OR EXISTS (SELECT 1 FROM pairings p WHERE p.household_code = $code AND p.staff_id = $staff_id::VARCHAR);

-- name: household_visits
-- Every visit of the household, newest first, with who made it and the state of an issue raised.
SELECT v.id AS visit_id, v.visited_on, v.kind, v.staff_id, s.name AS staff_name, v.note, v.needs_action,
       CASE WHEN v.needs_action THEN coalesce(i.status, 'received') END AS issue_status
FROM visits v
LEFT JOIN staff s ON s.id = v.staff_id
LEFT JOIN visit_issues i ON i.visit_id = v.id
WHERE v.household_code = $code
ORDER BY v.visited_on DESC, v.id DESC;

-- name: household_pairings
-- The leaders paired with the household (结穷亲), newest first.
SELECT p.staff_id, s.name AS staff_name, s.role, s.rank, p.since
FROM pairings p LEFT JOIN staff s ON s.id = p.staff_id
WHERE p.household_code = $code
ORDER BY p.since DESC NULLS LAST, p.staff_id;

-- name: household_changes
-- Recorded changes of the household's status and grid (store/migrations/0009), newest first.
SELECT changed_on, field, old_value, new_value, source, changed_by
FROM household_changes
WHERE household_code = $code
ORDER BY changed_at DESC, id DESC;

-- name: household_changes_since
-- The day recording of status and grid changes began (store/migrations/0009).
SELECT value FROM meta WHERE key = 'household_changes_since';

-- name: household_responsible
-- Who answered for each grid in $grids, with history (staff_grids), newest first.
SELECT sg.grid_code, a.name AS grid_name, sg.staff_id, s.name AS staff_name, s.role,
       sg.valid_from, sg.valid_to
FROM staff_grids sg
LEFT JOIN staff s ON s.id = sg.staff_id
LEFT JOIN areas a ON a.code = sg.grid_code
WHERE list_contains($grids::VARCHAR[], sg.grid_code)
ORDER BY coalesce(sg.valid_to, DATE '9999-12-31') DESC, sg.valid_from DESC NULLS LAST, s.role, sg.staff_id;

-- name: household_search
-- Households (any status) whose code, head's name or address contains $like, in $scope: exact
-- code first, then exact name, then by code.
SELECT h.code AS household_code, h.head_name, h.address, h.grid_code, h.status
FROM households h
WHERE household_matches(h.code, h.head_name, h.address, $like)
  AND in_scope(h.grid_code, $scope::VARCHAR[])
ORDER BY CASE WHEN lower(h.code) = lower($query) THEN 0 WHEN h.head_name = $query THEN 1 ELSE 2 END, h.code
LIMIT $limit;

-- name: household_changes_from_import!
-- Before a household import is written (incoming_households, queries/ingest.sql households_upsert):
-- the stored households whose status or grid it changes.
INSERT INTO household_changes (household_code, changed_on, field, old_value, new_value, source, changed_by)
SELECT h.code, $today::DATE, 'status', h.status, i.status, 'import', $actor
FROM incoming_households i JOIN households h ON h.code = i.code
WHERE h.status IS DISTINCT FROM i.status
UNION ALL
SELECT h.code, $today::DATE, 'grid_code', h.grid_code, i.grid_code, 'import', $actor
FROM incoming_households i JOIN households h ON h.code = i.code
WHERE h.grid_code IS DISTINCT FROM i.grid_code;

-- name: household_changes_from_assign!
-- Before households are put into the grids holding their points after a boundary import
-- (incoming_assign, queries/areas.sql households_set_grid).
INSERT INTO household_changes (household_code, changed_on, field, old_value, new_value, source, changed_by)
SELECT h.code, $today::DATE, 'grid_code', h.grid_code, a.grid_code, 'boundaries', $actor::VARCHAR
FROM incoming_assign a JOIN households h ON h.code = a.code
WHERE h.grid_code IS DISTINCT FROM a.grid_code;
