-- Upserts of the tabular imports. Each reads a DataFrame registered by ingest/tables.py under
-- the name incoming_<kind>; ingest validates rows before they get here.

-- name: existing_households
-- Which of the given household codes are stored.
SELECT code FROM households WHERE code IN (SELECT unnest($codes));

-- name: existing_staff
SELECT id FROM staff WHERE id IN (SELECT unnest($codes));

-- name: existing_areas
-- Which of the given codes are areas of the level.
SELECT code FROM areas WHERE level = $level AND code IN (SELECT unnest($codes));

-- name: households_diff
-- New and changed households of an import, before it is written.
SELECT count(*) FILTER (WHERE h.code IS NULL) AS new,
       count(*) FILTER (WHERE h.code IS NOT NULL AND (
            h.head_name IS DISTINCT FROM i.head_name OR h.phone IS DISTINCT FROM i.phone
         OR h.address IS DISTINCT FROM i.address OR h.members IS DISTINCT FROM i.members
         OR h.lon IS DISTINCT FROM i.lon OR h.lat IS DISTINCT FROM i.lat
         OR h.grid_code IS DISTINCT FROM i.grid_code OR h.grid_given IS DISTINCT FROM i.grid_given
         OR h.tags IS DISTINCT FROM i.tags OR h.status IS DISTINCT FROM i.status)) AS changed
FROM incoming_households i LEFT JOIN households h ON h.code = i.code;

-- name: households_upsert!
INSERT INTO households (code, head_name, phone, address, members, lon, lat, grid_code, grid_given, tags, status)
SELECT i.code, i.head_name, i.phone, i.address, i.members, i.lon, i.lat, i.grid_code, i.grid_given, i.tags, i.status
FROM incoming_households i
WHERE NOT EXISTS (
    SELECT 1 FROM households h
    WHERE h.code = i.code
      AND h.head_name IS NOT DISTINCT FROM i.head_name AND h.phone IS NOT DISTINCT FROM i.phone
      AND h.address IS NOT DISTINCT FROM i.address AND h.members IS NOT DISTINCT FROM i.members
      AND h.lon IS NOT DISTINCT FROM i.lon AND h.lat IS NOT DISTINCT FROM i.lat
      AND h.grid_code IS NOT DISTINCT FROM i.grid_code AND h.grid_given IS NOT DISTINCT FROM i.grid_given
      AND h.tags IS NOT DISTINCT FROM i.tags AND h.status IS NOT DISTINCT FROM i.status)
ON CONFLICT (code) DO UPDATE SET
    head_name = excluded.head_name, phone = excluded.phone, address = excluded.address,
    members = excluded.members, lon = excluded.lon, lat = excluded.lat, grid_code = excluded.grid_code,
    grid_given = excluded.grid_given, tags = excluded.tags, status = excluded.status,
    updated_at = now();

-- name: staff_diff
-- New staff, and staff whose name, role, phone or set of current grids changed.
WITH cur AS (
    SELECT staff_id, list_sort(list(grid_code)) AS grids FROM staff_grids
    WHERE valid_to IS NULL GROUP BY staff_id
)
SELECT count(*) FILTER (WHERE s.id IS NULL) AS new,
       count(*) FILTER (WHERE s.id IS NOT NULL AND (s.name IS DISTINCT FROM i.name
            OR s.role IS DISTINCT FROM i.role OR s.phone IS DISTINCT FROM i.phone
            OR coalesce(cur.grids, []::VARCHAR[]) IS DISTINCT FROM list_sort(i.grids))) AS changed
FROM incoming_staff i LEFT JOIN staff s ON s.id = i.id LEFT JOIN cur ON cur.staff_id = i.id;

-- name: staff_upsert!
INSERT INTO staff (id, name, role, phone)
SELECT i.id, i.name, i.role, i.phone FROM incoming_staff i
WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.id = i.id AND s.name IS NOT DISTINCT FROM i.name
                  AND s.role IS NOT DISTINCT FROM i.role AND s.phone IS NOT DISTINCT FROM i.phone)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, phone = excluded.phone;

-- name: staff_grids_close!
-- End the current assignments that the file no longer lists (effective the day before $today).
UPDATE staff_grids SET valid_to = $today::DATE - 1
WHERE valid_to IS NULL
  AND staff_id IN (SELECT id FROM incoming_staff)
  AND NOT EXISTS (SELECT 1 FROM incoming_staff i, unnest(i.grids) AS g(grid_code)
                  WHERE i.id = staff_grids.staff_id AND g.grid_code = staff_grids.grid_code);

-- name: staff_grids_open!
-- Start the assignments the file lists that are not current: since always for someone with no
-- history yet (a first import), else from $today.
INSERT INTO staff_grids (staff_id, grid_code, valid_from)
SELECT i.id, g.grid_code,
       CASE WHEN EXISTS (SELECT 1 FROM staff_grids h WHERE h.staff_id = i.id) THEN $today::DATE END
FROM incoming_staff i, unnest(i.grids) AS g(grid_code)
WHERE NOT EXISTS (SELECT 1 FROM staff_grids c WHERE c.staff_id = i.id AND c.grid_code = g.grid_code
                  AND c.valid_to IS NULL);

-- name: visits_diff
SELECT count(*) FILTER (WHERE v.id IS NULL) AS new,
       count(*) FILTER (WHERE v.id IS NOT NULL AND v.note IS DISTINCT FROM i.note) AS changed
FROM incoming_visits i
LEFT JOIN visits v ON v.household_code = i.household_code AND v.staff_id = i.staff_id
                  AND v.visited_on = i.visited_on AND v.kind = i.kind;

-- name: visits_upsert!
INSERT INTO visits (household_code, staff_id, visited_on, kind, note, created_by, hid)
SELECT i.household_code, i.staff_id, i.visited_on, i.kind, i.note, $actor, h.hid
FROM incoming_visits i LEFT JOIN households h ON h.code = i.household_code
WHERE NOT EXISTS (SELECT 1 FROM visits v WHERE v.household_code = i.household_code AND v.staff_id = i.staff_id
                  AND v.visited_on = i.visited_on AND v.kind = i.kind AND v.note IS NOT DISTINCT FROM i.note)
ON CONFLICT (household_code, staff_id, visited_on, kind) DO UPDATE SET note = excluded.note;

-- name: last_home_from_incoming!
-- The imported home visits move each household's last home visit forward (never back: an
-- import adds or re-notes visits, it never deletes one).
UPDATE households SET last_home_on = greatest(coalesce(households.last_home_on, i.last_on), i.last_on)
FROM (SELECT household_code, max(visited_on) AS last_on FROM incoming_visits
      WHERE kind = 'home' GROUP BY household_code) i
WHERE households.code = i.household_code;

-- name: petitions_diff
SELECT count(*) FILTER (WHERE p.id IS NULL) AS new,
       count(*) FILTER (WHERE p.id IS NOT NULL AND (
            p.received_on IS DISTINCT FROM i.received_on OR p.household_code IS DISTINCT FROM i.household_code
         OR p.lon IS DISTINCT FROM i.lon OR p.lat IS DISTINCT FROM i.lat
         OR p.village_code IS DISTINCT FROM i.village_code
         OR p.point_village_code IS DISTINCT FROM i.point_village_code
         OR p.point_grid_code IS DISTINCT FROM i.point_grid_code
         OR p.category IS DISTINCT FROM i.category OR p.channel IS DISTINCT FROM i.channel
         OR p.people IS DISTINCT FROM i.people OR p.status IS DISTINCT FROM i.status
         OR p.replied_on IS DISTINCT FROM i.replied_on OR p.closed_on IS DISTINCT FROM i.closed_on
         OR p.satisfaction IS DISTINCT FROM i.satisfaction
         OR (i.level_reached IS NOT NULL AND p.level_reached IS DISTINCT FROM i.level_reached)
         OR (i.escalated_on IS NOT NULL AND p.escalated_on IS DISTINCT FROM i.escalated_on))) AS changed
FROM incoming_petitions i LEFT JOIN petitions p ON p.id = i.id;

-- name: petitions_upsert!
-- level_reached and escalated_on (migration 0010) are optional columns: a file without them keeps
-- what is stored (a file may add or change an escalation, never erase one).
INSERT INTO petitions (id, received_on, household_code, lon, lat, village_code, point_village_code,
                       point_grid_code, category, channel, people, status, replied_on, closed_on, satisfaction,
                       level_reached, escalated_on)
SELECT i.id, i.received_on, i.household_code, i.lon, i.lat, i.village_code, i.point_village_code,
       i.point_grid_code, i.category, i.channel, i.people, i.status, i.replied_on, i.closed_on, i.satisfaction,
       i.level_reached, i.escalated_on
FROM incoming_petitions i
WHERE NOT EXISTS (
    SELECT 1 FROM petitions p WHERE p.id = i.id
      AND p.received_on IS NOT DISTINCT FROM i.received_on AND p.household_code IS NOT DISTINCT FROM i.household_code
      AND p.lon IS NOT DISTINCT FROM i.lon AND p.lat IS NOT DISTINCT FROM i.lat
      AND p.village_code IS NOT DISTINCT FROM i.village_code
      AND p.point_village_code IS NOT DISTINCT FROM i.point_village_code
      AND p.point_grid_code IS NOT DISTINCT FROM i.point_grid_code
      AND p.category IS NOT DISTINCT FROM i.category AND p.channel IS NOT DISTINCT FROM i.channel
      AND p.people IS NOT DISTINCT FROM i.people AND p.status IS NOT DISTINCT FROM i.status
      AND p.replied_on IS NOT DISTINCT FROM i.replied_on AND p.closed_on IS NOT DISTINCT FROM i.closed_on
      AND p.satisfaction IS NOT DISTINCT FROM i.satisfaction
      AND (i.level_reached IS NULL OR p.level_reached IS NOT DISTINCT FROM i.level_reached)
      AND (i.escalated_on IS NULL OR p.escalated_on IS NOT DISTINCT FROM i.escalated_on))
ON CONFLICT (id) DO UPDATE SET
    received_on = excluded.received_on, household_code = excluded.household_code, lon = excluded.lon,
    lat = excluded.lat, village_code = excluded.village_code, point_village_code = excluded.point_village_code,
    point_grid_code = excluded.point_grid_code, category = excluded.category, channel = excluded.channel,
    people = excluded.people, status = excluded.status, replied_on = excluded.replied_on,
    closed_on = excluded.closed_on, satisfaction = excluded.satisfaction,
    level_reached = coalesce(excluded.level_reached, petitions.level_reached),
    escalated_on = coalesce(excluded.escalated_on, petitions.escalated_on), updated_at = now();

-- name: households_grid_of
-- The stored grid of the given households (an import as a scoped user may not touch others').
SELECT code, grid_code FROM households WHERE code IN (SELECT unnest($codes));

-- name: petitions_loc_of
-- Where the given stored petitions are located (the petitions_located rule of migration 0003).
SELECT id, loc FROM petitions_located WHERE id IN (SELECT unnest($codes));

-- name: staff_grids_of
-- The grids the given staff answer for now.
SELECT staff_id, grid_code FROM staff_grids
WHERE valid_to IS NULL AND staff_id IN (SELECT unnest($codes));
