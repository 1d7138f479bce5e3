-- 0003: where each petition is located (CONTRACT.md §2), as one named rule every query reads:
-- its household's grid; else the grid holding its point (or the village, when the point lies in
-- no grid); else the village code it gives; NULL when none of these: unlocated (counted, listed,
-- never dropped). Also the head of its household and a point for maps (its own, else its household's).
CREATE VIEW petitions_located AS
SELECT p.*,
       coalesce(h.grid_code, p.point_grid_code, p.point_village_code, p.village_code) AS loc,
       h.head_name AS household_head,
       coalesce(p.lon, h.lon) AS map_lon,
       coalesce(p.lat, h.lat) AS map_lat
FROM petitions p
LEFT JOIN households h ON h.code = p.household_code;
