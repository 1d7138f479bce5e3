-- 0026 on PostgreSQL: autovacuum sooner for the two tables an evening of visits writes, so that the
-- reports' index-only scans keep reading the index alone (BENCHMARKS.md, "Twelfth session:
-- PostgreSQL after an evening's writes"). Each write clears its page's bit in the visibility map;
-- until a vacuum sets it again, an index-only scan fetches the table row of every index entry on
-- such a page. The defaults wait for 20 % of a table to change.
--
-- households: a home visit updates its household twice (0018's day sets, then last_home_on), never
-- as a HOT update (both change indexed columns: no fillfactor helps), and spread over the county
-- each one clears a different page. 0013 vacuumed after 2 % of the households changed (~6,000 dead
-- versions at county scale, some 3,000 visits): by then ~40 % of the pages were not all-visible and
-- the coverage of a year ending 60 days ago fetched 117,000 table rows. Now after 0.5 % (~1,500).
ALTER TABLE households SET (autovacuum_vacuum_scale_factor = 0.005);

-- visits: only inserted in the evening; the default vacuums an insert-only table after 20 % more
-- rows (400,000 at county scale: never in an evening), so the new visits' pages stay not
-- all-visible and the weekly quota of this week fetched each of its new visits from the table. Now
-- after 0.1 % more rows plus the default 1,000 (~3,000 visits at county scale); such a vacuum reads
-- only the pages not yet all-visible and, with no dead rows, no index.
ALTER TABLE visits SET (autovacuum_vacuum_insert_scale_factor = 0.001);
