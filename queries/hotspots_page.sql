-- The petition hotspot page (pages/hotspots.py, analytics/hotspots_page.py).
-- Where a petition is located is the rule of hotspot_counts (queries/reports.sql):
-- its household's grid, else the grid/village holding its point, else its village_code,
-- mapped to any level through area_ancestors. Petitions with none of these are "unlocated".
-- $scope is NULL (everything) or a list of area codes (an area or any of its ancestors).

-- name: hotspots_page_monthly
-- Located petitions per area of $level and calendar month, received in [$date_from, $date_to],
-- with the filters of hotspot_counts. Months without petitions are absent (the caller fills 0).
SELECT anc.ancestor_code AS code,
       CAST(date_trunc('month', p.received_on) AS DATE) AS month,
       count(*) AS petitions
FROM petitions_located p
JOIN area_ancestors anc ON anc.code = p.loc AND anc.ancestor_level = $level
WHERE p.received_on BETWEEN $date_from::DATE AND $date_to::DATE
  AND petition_matches(p.category, p.channel, p.people, p.status, $categories::VARCHAR[], $channels::VARCHAR[],
                       $group_only::BOOLEAN, $group_people::INTEGER, $unresolved_only::BOOLEAN)
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: hotspots_page_petitions
-- Petitions received in [$date_from, $date_to] with the filters, each with where it is located
-- (village and grid, both empty when unlocated) and a point for the density layer (its own,
-- else its household's). $area (any level, NULL for all) keeps those located inside it;
-- $with_unlocated keeps the unlocated ones too (they belong to no area, so only a county-wide
-- view should see them).
WITH p AS (
    SELECT p.*, p.household_head AS head_name
    FROM petitions_located p
    WHERE p.received_on BETWEEN $date_from::DATE AND $date_to::DATE
      AND petition_matches(p.category, p.channel, p.people, p.status, $categories::VARCHAR[], $channels::VARCHAR[],
                           $group_only::BOOLEAN, $group_people::INTEGER, $unresolved_only::BOOLEAN)
)
SELECT p.id, p.received_on, p.category, p.channel, p.people, p.status, p.replied_on, p.closed_on,
       p.level_reached, p.satisfaction, p.household_code, p.head_name,
       pl.village_code, pl.village_name, pl.grid_code, pl.grid_name,
       p.map_lon AS lon, p.map_lat AS lat
FROM p
LEFT JOIN area_places pl ON pl.code = p.loc
WHERE in_area(p.loc, $area::VARCHAR)
  AND (
        (pl.village_code IS NOT NULL AND in_scope(p.loc, $scope::VARCHAR[]))
     OR (pl.village_code IS NULL AND $area::VARCHAR IS NULL AND $with_unlocated::BOOLEAN)
  )
ORDER BY p.received_on DESC, p.id;

-- name: hotspots_page_repeats
-- Repeat petitions: the same household petitioning again within $days days of its previous
-- petition (over the whole history), for repeats received in [$date_from, $date_to] and in scope.
-- The repeat flag of the work list (petitions.sql petition_items) is the same rule.
WITH seq AS (
    SELECT p.id, p.received_on, p.household_code, p.category, p.status, p.people, p.level_reached,
           p.loc, p.household_head AS head_name,
           lag(p.id) OVER w AS previous_id,
           lag(p.received_on) OVER w AS previous_on,
           lag(p.category) OVER w AS previous_category
    FROM petitions_located p
    WHERE p.household_code IS NOT NULL
    WINDOW w AS (PARTITION BY p.household_code ORDER BY p.received_on, p.id)
),
r AS (
    SELECT s.*, date_diff('day', s.previous_on, s.received_on) AS days_between
    FROM seq s
    WHERE s.previous_on IS NOT NULL
      AND date_diff('day', s.previous_on, s.received_on) <= $days::INTEGER
      AND s.received_on BETWEEN $date_from::DATE AND $date_to::DATE
)
SELECT r.id, r.received_on, r.household_code, r.head_name, r.category, r.status,
       r.previous_id, r.previous_on, r.previous_category, r.days_between,
       v.code AS village_code, v.name AS village_name
FROM r
LEFT JOIN area_ancestors av ON av.code = r.loc AND av.ancestor_level = 'village'
LEFT JOIN areas v ON v.code = av.ancestor_code
WHERE in_area(r.loc, $area::VARCHAR)
  AND in_scope(r.loc, $scope::VARCHAR[])
ORDER BY r.received_on DESC, r.id;

-- name: hotspots_page_options
-- The categories and channels present in the data (the filter choices).
SELECT 'category' AS kind, category AS value, count(*) AS n FROM petitions
WHERE category IS NOT NULL AND trim(category) <> '' GROUP BY category
UNION ALL
SELECT 'channel' AS kind, channel AS value, count(*) AS n FROM petitions
WHERE channel IS NOT NULL AND trim(channel) <> '' GROUP BY channel
ORDER BY kind, n DESC, value;

-- name: hotspots_page_stamp
-- Changes whenever petitions, households or areas change (the page's cache key).
SELECT (SELECT count(*) FROM petitions) || '/' || coalesce((SELECT max(updated_at) FROM petitions)::VARCHAR, '')
       || '/' || (SELECT count(*) FROM households) || '/' || coalesce((SELECT max(updated_at) FROM households)::VARCHAR, '')
       || '/' || (SELECT count(*) FROM areas) || '/' || coalesce((SELECT max(imported_at) FROM areas)::VARCHAR, '') AS stamp;

-- name: petitions_count
-- Whether there is any petition at all (the background warm-up has nothing to do without one).
SELECT count(*) FROM petitions;
