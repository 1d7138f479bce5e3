-- Petitions (信访) and visit issues (民情日志 items, visits.needs_action) as one work list, with deadlines
-- (CONTRACT.md §4 "Petition deadlines"). analytics/petitions.py calls these; the calendar must cover
-- the years involved first (analytics.calendar.ensure_calendar).

-- name: petition_items
-- Every item received up to $today (optionally only those received in [$date_from, $date_to]), in $scope,
-- located, with its deadlines and its state as of $today (from the reply/close dates, so a report for a
-- past day is the same whenever it is run).
--   located: a petition by its household's grid, else its point (grid, else village), else its village_code
--   (as hotspot_counts); a visit issue by its household's grid. Unlocated items are in scope when $scope IS NULL
--   or $with_unlocated (a scope that sees the whole county: analytics.reports.county_wide).
--   reply_due: $reply_days working days after received_on (calendar_days.workday_no); close_due: + $close_days days.
--   replied (as of $today): a reply dated on or before $today, or status replied/closed without a date;
--     a visit issue counts as taken up ("replied") once in progress or closed.
--   overdue: not replied after reply_due, or not closed after close_due.
--   repeat: a petition whose household petitioned before within $repeat_days days. group: people ≥ 5.
WITH pet AS (
    SELECT 'petition' AS kind, p.id AS item_id, p.received_on, p.category, p.channel, p.people,
           p.household_code, p.household_head AS head_name, p.loc,
           p.status AS status_now, p.replied_on, p.closed_on, p.satisfaction, p.reply_text AS text,
           (p.household_code IS NOT NULL AND date_diff('day',
               lag(p.received_on) OVER (PARTITION BY p.household_code ORDER BY p.received_on, p.id),
               p.received_on) <= $repeat_days::INTEGER) AS is_repeat
    FROM petitions_located p
    WHERE p.received_on <= $today::DATE
),
iss AS (
    SELECT 'visit_issue' AS kind, CAST(v.id AS VARCHAR) AS item_id, v.visited_on AS received_on,
           NULL::VARCHAR AS category, v.kind AS channel, 1 AS people,
           v.household_code, h.head_name, h.grid_code AS loc,
           coalesce(i.status, 'received') AS status_now, NULL::DATE AS replied_on,
           i.resolved_on AS closed_on, NULL::VARCHAR AS satisfaction, coalesce(i.note, v.note) AS text,
           FALSE AS is_repeat
    FROM visits v
    LEFT JOIN households h ON h.code = v.household_code
    LEFT JOIN visit_issues i ON i.visit_id = v.id
    WHERE v.needs_action AND v.visited_on <= $today::DATE
),
items AS (
    SELECT * FROM pet UNION ALL SELECT * FROM iss
),
located AS (
    SELECT it.*,
           ag.ancestor_code AS grid_code, av.ancestor_code AS village_code, att.ancestor_code AS township_code,
           (av.ancestor_code IS NOT NULL OR ag.ancestor_code IS NOT NULL) AS located,
           ((it.closed_on IS NOT NULL AND it.closed_on <= $today::DATE)
             OR (it.closed_on IS NULL AND it.status_now = 'closed')) AS closed_asof
    FROM items it
    LEFT JOIN area_ancestors ag ON ag.code = it.loc AND ag.ancestor_level = 'grid'
    LEFT JOIN area_ancestors av ON av.code = it.loc AND av.ancestor_level = 'village'
    LEFT JOIN area_ancestors att ON att.code = it.loc AND att.ancestor_level = 'township'
    WHERE (CAST($date_from AS DATE) IS NULL OR it.received_on >= CAST($date_from AS DATE))
      AND (CAST($date_to AS DATE) IS NULL OR it.received_on <= CAST($date_to AS DATE))
      AND (in_scope(it.loc, CAST($scope AS VARCHAR[]))
           OR (CAST($with_unlocated AS BOOLEAN) AND av.ancestor_code IS NULL AND ag.ancestor_code IS NULL))
),
staged AS (
    SELECT l.*,
           CASE WHEN l.kind = 'petition'
                THEN l.closed_asof OR (l.replied_on IS NOT NULL AND l.replied_on <= $today::DATE)
                     OR (l.replied_on IS NULL AND l.status_now IN ('replied', 'closed'))
                ELSE l.closed_asof OR l.status_now = 'in_progress' END AS replied_asof,
           d.day AS reply_due,
           l.received_on + $close_days::INTEGER AS close_due
    FROM located l
    LEFT JOIN calendar_days s ON s.day = l.received_on
    LEFT JOIN calendar_days d ON d.workday AND d.workday_no = s.workday_no + $reply_days::INTEGER
),
flagged AS (
    SELECT st.*,
           (NOT st.replied_asof AND $today::DATE > st.reply_due) AS reply_overdue,
           (NOT st.closed_asof AND $today::DATE > st.close_due) AS close_overdue
    FROM staged st
)
SELECT f.kind, f.item_id AS id, f.received_on, f.category, f.channel, f.people,
       f.household_code, f.head_name, f.grid_code, f.village_code, va.name AS village_name,
       f.township_code, ta.name AS township_name, f.located,
       CASE WHEN f.closed_asof THEN 'closed'
            WHEN f.replied_asof AND f.kind = 'petition' THEN 'replied'
            WHEN f.replied_asof OR f.status_now <> 'received' THEN 'in_progress'
            ELSE 'received' END AS status,
       CASE WHEN f.replied_asof AND f.kind = 'petition' THEN f.replied_on END AS replied_on,
       CASE WHEN f.closed_asof THEN f.closed_on END AS closed_on,
       f.reply_due, f.close_due,
       (f.reply_overdue OR f.close_overdue) AS overdue,
       greatest(CASE WHEN f.reply_overdue THEN date_diff('day', f.reply_due, $today::DATE) END,
                CASE WHEN f.close_overdue THEN date_diff('day', f.close_due, $today::DATE) END) AS days_overdue,
       f.replied_asof AS replied,
       (f.replied_asof AND f.replied_on IS NOT NULL AND f.replied_on <= f.reply_due) AS replied_on_time,
       f.closed_asof AS closed,
       (f.closed_asof AND f.closed_on IS NOT NULL AND f.closed_on <= f.close_due) AS closed_on_time,
       CASE WHEN f.closed_asof THEN f.satisfaction END AS satisfaction,
       (f.kind = 'petition' AND f.people >= $group_people::INTEGER) AS is_group,
       f.is_repeat,
       f.text
FROM flagged f
LEFT JOIN areas va ON va.code = f.village_code
LEFT JOIN areas ta ON ta.code = f.township_code
ORDER BY (f.reply_overdue OR f.close_overdue) DESC,
         CASE WHEN f.closed_asof THEN 1 ELSE 0 END,
         least(CASE WHEN NOT f.replied_asof THEN f.reply_due END,
               CASE WHEN NOT f.closed_asof THEN f.close_due END) NULLS LAST,
         f.received_on, f.kind, f.item_id;

-- name: petition_received_years
-- The first and last year of any petition or flagged visit (the calendar must cover them).
SELECT min(y), max(y) FROM (
    SELECT year(received_on) AS y FROM petitions
    UNION ALL SELECT year(visited_on) FROM visits WHERE needs_action
) AS years;

-- name: petition_get
SELECT id, received_on, status, replied_on, closed_on, satisfaction, reply_text, household_code,
       lon, lat, village_code
FROM petitions WHERE id = $petition_id;

-- name: petition_lock!
-- Hold the petition's row until the transaction ends (an update that changes nothing): two people
-- changing one petition's status at once are served one after the other, each checking the
-- lifecycle against the state the other left.
UPDATE petitions SET status = status WHERE id = $petition_id;

-- name: petition_set_status!
-- The new state of a petition (analytics.petitions.change_status checks the lifecycle first).
UPDATE petitions
SET status = $status, replied_on = CAST($replied_on AS DATE), closed_on = CAST($closed_on AS DATE),
    reply_text = $reply_text, satisfaction = $satisfaction, updated_at = now()
WHERE id = $petition_id;

-- name: petition_set_location!
-- Attach a petition to a household, a point (with the village and grid holding it), or a village.
UPDATE petitions
SET household_code = $household_code, lon = $lon, lat = $lat,
    point_village_code = $point_village_code, point_grid_code = $point_grid_code,
    village_code = $village_code, updated_at = now()
WHERE id = $petition_id;

-- name: petition_area_code
-- Where a petition is located (grid or village code), or NULL.
SELECT loc FROM petitions_located WHERE id = $petition_id;

-- name: household_exists
SELECT count(*) FROM households WHERE code = $household_code;

-- name: village_exists
SELECT count(*) FROM areas WHERE code = $village_code AND level = 'village';

-- name: visit_issue_get
-- A flagged visit and its issue state.
SELECT v.id, v.visited_on, coalesce(i.status, 'received') AS status, i.resolved_on, i.note, h.grid_code
FROM visits v
LEFT JOIN visit_issues i ON i.visit_id = v.id
LEFT JOIN households h ON h.code = v.household_code
WHERE v.id = $visit_id AND v.needs_action;

-- name: visit_issue_lock!
-- Hold a flagged visit's row until the transaction ends (as petition_lock, for its issue's state).
UPDATE visits SET needs_action = needs_action WHERE id = $visit_id;

-- name: visit_issue_upsert!
INSERT INTO visit_issues (visit_id, status, resolved_on, note, updated_at)
VALUES ($visit_id, $status, CAST($resolved_on AS DATE), $note, now())
ON CONFLICT (visit_id) DO UPDATE SET status = excluded.status, resolved_on = excluded.resolved_on,
    note = excluded.note, updated_at = excluded.updated_at;

-- name: area_households
-- Every area of $level in $scope with its active households (as in the coverage report).
SELECT a.code, a.name, a.parent_code,
       (SELECT count(*) FROM households h JOIN area_ancestors anc ON anc.code = h.grid_code
        WHERE anc.ancestor_code = a.code AND h.status = 'active') AS households
FROM areas a
WHERE a.level = $level
  AND in_scope(a.code, $scope::VARCHAR[])
ORDER BY a.code;

-- name: grid_areas
-- Each grid with its village and township (for attributing staff-weeks to areas).
SELECT g.code AS grid_code, v.ancestor_code AS village_code, t.ancestor_code AS township_code
FROM areas g
LEFT JOIN area_ancestors v ON v.code = g.code AND v.ancestor_level = 'village'
LEFT JOIN area_ancestors t ON t.code = g.code AND t.ancestor_level = 'township'
WHERE g.level = 'grid';
