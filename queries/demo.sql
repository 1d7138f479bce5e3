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
INSERT INTO visits (household_code, staff_id, visited_on, kind, note, needs_action, created_by, hid)
SELECT d.household_code, d.staff_id, d.visited_on, d.kind, d.note, d.needs_action, 'demo', h.hid
FROM demo_visits d LEFT JOIN households h ON h.code = d.household_code;

-- name: demo_visit_issues!
-- How the generated visits' follow-ups were handled (the visit found by its dedupe key).
INSERT INTO visit_issues (visit_id, status, resolved_on, note)
SELECT v.id, d.issue_status, d.issue_resolved_on, d.issue_note
FROM demo_visits d
JOIN visits v ON v.household_code = d.household_code AND v.staff_id = d.staff_id
             AND v.visited_on = d.visited_on AND v.kind = d.kind
WHERE d.needs_action AND d.issue_status IS NOT NULL;

-- name: last_home_rebuild!
-- Every household's last home visit, counted again from the visits (after a bulk load).
UPDATE households SET last_home_on = m.last_on
FROM (SELECT h.hid, max(v.visited_on) AS last_on
      FROM households h LEFT JOIN visits v ON v.hid = h.hid AND v.kind = 'home' GROUP BY h.hid) m
WHERE m.hid = households.hid AND m.last_on IS DISTINCT FROM households.last_home_on;

-- name: demo_petitions!
INSERT INTO petitions (id, received_on, household_code, lon, lat, village_code, category, channel, people,
                       status, replied_on, closed_on, satisfaction, level_reached, escalated_on)
SELECT id, received_on, household_code, lon, lat, village_code, category, channel, people,
       status, replied_on, closed_on, satisfaction, level_reached, escalated_on
FROM demo_petitions;

-- name: meta_set!
INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: meta_get
SELECT value FROM meta WHERE key = $key;

-- name: demo_database_state
-- What `manage.py demo` must know before replacing a database: its demo marker, how many accounts
-- are not demo accounts, and whether it holds anything at all (accounts, areas, households).
SELECT (SELECT value FROM meta WHERE key = 'demo') AS demo,
       (SELECT count(*) FROM users WHERE NOT is_demo) AS real_accounts,
       (SELECT count(*) FROM users) + (SELECT count(*) FROM areas) + (SELECT count(*) FROM households) AS rows;

-- name: copy_target_rows
-- What `manage.py copy-to` must know beyond demo_database_state before copying into a database:
-- whether it holds visits, petitions or staff (together with demo_database_state: is it empty).
SELECT (SELECT count(*) FROM visits) + (SELECT count(*) FROM petitions) + (SELECT count(*) FROM staff) AS rows;

-- name: demo_survey_responses!
INSERT INTO survey_responses (month, household_code, question_id, answer, method, answered_on, recorded_by)
SELECT month, household_code, question_id, answer, method, answered_on, 'demo' FROM demo_survey_responses;
