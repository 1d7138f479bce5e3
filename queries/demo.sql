-- Bulk loading of the generated demo world (demo/build.py registers the frames as demo_*).

-- name: demo_households!
INSERT INTO households (code, head_name, phone, address, members, lon, lat, grid_code, grid_given, tags, status, created_on)
SELECT code, head_name, phone, address, members, lon, lat, grid_code, FALSE, tags, status, created_on
FROM demo_households;

-- name: demo_staff!
INSERT INTO staff (id, name, role, phone, rank) SELECT id, name, role, phone, rank FROM demo_staff;

-- name: demo_staff_grids!
INSERT INTO staff_grids (staff_id, grid_code) SELECT staff_id, grid_code FROM demo_staff_grids;

-- name: demo_pairings!
INSERT INTO pairings (staff_id, household_code, since) SELECT staff_id, household_code, since FROM demo_pairings;

-- name: demo_visits!
INSERT INTO visits (household_code, staff_id, visited_on, kind, note, needs_action, created_by)
SELECT household_code, staff_id, visited_on, kind, note, needs_action, 'demo' FROM demo_visits;

-- name: demo_petitions!
INSERT INTO petitions (id, received_on, household_code, lon, lat, village_code, category, channel, people,
                       status, replied_on, closed_on, satisfaction, level_reached)
SELECT id, received_on, household_code, lon, lat, village_code, category, channel, people,
       status, replied_on, closed_on, satisfaction, level_reached
FROM demo_petitions;

-- name: meta_set!
INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: meta_get
SELECT value FROM meta WHERE key = $key;
