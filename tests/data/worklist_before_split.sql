-- The work list's query as it was before it was split in two (commit 6344333, queries/petitions.sql
-- petition_items): tests/test_worklist_parts.py checks that the two parts put together give the same
-- rows in the same order. Not a query of the app.

-- name: worklist_before_split
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
