-- store: duckdb
-- The city-scale benchmark data set (bench/city.py), drawn in SQL straight into the store.
-- Deterministic: every random choice is hash() of a row number and a salt. bench_grids (gi, code,
-- lon, lat, n) is registered by bench/city.py: the grids in code order with a point inside each
-- and how many households each gets (their sum is the household count).

-- name: city_households!
-- Households, grid by grid (a county's register is kept village by village, so a grid's
-- households are neighbours in the table and in households.hid).
INSERT INTO households (code, head_name, phone, address, members, lon, lat, grid_code, grid_given, tags,
                        status, created_on)
SELECT 'C' || lpad(k::VARCHAR, 8, '0'),
       '户主' || (hash(k, 1) % 9973)::VARCHAR,
       '13' || lpad((hash(k, 2) % 1000000000)::VARCHAR, 9, '0'),
       g.code || '-' || (k - g.first)::VARCHAR || '号',
       1 + (hash(k, 3) % 5)::INTEGER,
       g.lon + ((hash(k, 4) % 2001)::DOUBLE - 1000) * 1e-7,
       g.lat + ((hash(k, 5) % 2001)::DOUBLE - 1000) * 1e-7,
       g.code, TRUE,
       CASE WHEN hash(k, 6) % 25 = 0 THEN ['低保'] WHEN hash(k, 6) % 25 = 1 THEN ['空巢老人'] ELSE [] END,
       CASE WHEN hash(k, 7) % 60 = 0 THEN 'moved' ELSE 'active' END,
       DATE '2020-01-01'
FROM (SELECT gi, code, lon, lat, n, (sum(n) OVER (ORDER BY gi) - n)::BIGINT AS first FROM bench_grids) g,
     range(g.first, g.first + g.n) r(k)
ORDER BY k;

-- name: city_staff!
-- A leader for every grid, a member for every second one.
INSERT INTO staff (id, name, role, phone, rank)
SELECT 'L' || lpad(gi::VARCHAR, 6, '0'), '网格长' || gi::VARCHAR, 'grid_leader', NULL, 1 + (gi % 5)
FROM bench_grids
UNION ALL
SELECT 'M' || lpad(gi::VARCHAR, 6, '0'), '网格员' || gi::VARCHAR, 'grid_member', NULL, NULL
FROM bench_grids WHERE gi % 2 = 0;

-- name: city_staff_grids!
INSERT INTO staff_grids (staff_id, grid_code)
SELECT 'L' || lpad(gi::VARCHAR, 6, '0'), code FROM bench_grids
UNION ALL
SELECT 'M' || lpad(gi::VARCHAR, 6, '0'), code FROM bench_grids WHERE gi % 2 = 0;

-- name: city_visits!
-- $per visits of each household in the year [$start, $start + 364], on distinct days, by its
-- grid's leader (a member for one in four), 80 % home, 14 % phone, 6 % meeting; only those dated in
-- month $month, in date order (visits arrive over time: the table is in date order, as in use).
INSERT INTO visits (household_code, staff_id, visited_on, kind, note, needs_action, created_by, hid)
SELECT code, staff_id, d, kind, NULL, FALSE, 'bench', hid
FROM (
    SELECT h.code, h.hid,
           CASE WHEN g.gi % 2 = 0 AND hash(h.hid, j, 8) % 4 = 0 THEN 'M' ELSE 'L' END
               || lpad(g.gi::VARCHAR, 6, '0') AS staff_id,
           $start::DATE + ((h.hid * 7 + j * 61) % 365)::INTEGER AS d,
           CASE WHEN hash(h.hid, j, 9) % 100 < 80 THEN 'home'
                WHEN hash(h.hid, j, 9) % 100 < 94 THEN 'phone' ELSE 'meeting' END AS kind
    FROM households h JOIN bench_grids g ON g.code = h.grid_code, range($per::INTEGER) r(j)
) WHERE month(d) = $month::INTEGER
ORDER BY d, hid;

-- name: city_petitions!
-- $n petitions received in the year: nine in ten give a household, the rest a village code
-- ($villages: how many villages there are).
INSERT INTO petitions (id, received_on, household_code, village_code, category, channel, people, status)
SELECT 'CP' || lpad(k::VARCHAR, 8, '0'),
       $start::DATE + (hash(k, 10) % 365)::INTEGER,
       CASE WHEN hash(k, 11) % 10 < 9 THEN 'C' || lpad((hash(k, 12) % $households::BIGINT)::VARCHAR, 8, '0') END,
       CASE WHEN hash(k, 11) % 10 >= 9 THEN v.code END,
       ['土地征收', '环境', '劳资', '邻里纠纷'][1 + (hash(k, 13) % 4)::INTEGER],
       ['来访', '网上', '12345'][1 + (hash(k, 14) % 3)::INTEGER],
       [1, 1, 1, 2, 5][1 + (hash(k, 15) % 5)::INTEGER],
       ['received', 'in_progress', 'replied', 'closed'][1 + (hash(k, 16) % 4)::INTEGER]
FROM range($n::BIGINT) r(k)
JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS vi FROM areas WHERE level = 'village') v
  ON v.vi = hash(k, 17) % $villages::BIGINT;
