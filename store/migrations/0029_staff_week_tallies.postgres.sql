-- 0029 on PostgreSQL: the weekly quota's visits, days and households per staff member and ISO week,
-- kept by triggers in the transaction of every statement that writes visits or households. The
-- quota of all staff (queries/reports.sql, quotas__postgres) read the week's 32,117 home visits of
-- the county set and grouped them by staff member with count(DISTINCT hid), which PostgreSQL 15 does
-- by sorting every group: ~21 of its ~35 ms, 1.5–2.2× DuckDB's time (BENCHMARKS.md, twenty-first
-- session). It now reads the week's rows of this table, one per staff member who visited.
--
-- The numbers are those of quota_visits (0017) — home visits whose household is not inactive,
-- `v.hid NOT IN (SELECT hid FROM households WHERE status <> 'active')` — to the last one, NULLs
-- included: a visit with no household key (an unknown household) counts only while no household at
-- all is inactive, and none counts while an inactive household has no key (NOT IN over a set holding
-- NULL). The table therefore keeps the visits with a key and those without apart, and the read
-- (staff_week_quota below) applies those two rules, which need no tally (two index probes).
CREATE TABLE staff_week_tallies (
    week_start      DATE NOT NULL,       -- the ISO week's Monday
    staff_id        VARCHAR NOT NULL,
    visits          INTEGER NOT NULL DEFAULT 0,  -- home visits with a household key, not inactive
    days            INTEGER NOT NULL DEFAULT 0,  -- their days as bits: bit d is the Monday + d
    households      INTEGER NOT NULL DEFAULT 0,  -- their distinct households
    unkeyed_visits  INTEGER NOT NULL DEFAULT 0,  -- home visits with no household key
    unkeyed_days    INTEGER NOT NULL DEFAULT 0,  -- their days as bits
    PRIMARY KEY (week_start, staff_id)
) WITH (fillfactor = 70);    -- room on each page for the recounted row (HOT updates)

-- The ISO week's Monday of a day (reports.quotas always asks a whole ISO week: analytics.reports.parse_week).
CREATE FUNCTION week_monday(day date) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT day - (CAST(extract(isodow FROM day) AS integer) - 1)
$$;

-- Some (week, staff member) tallies may have changed: their rows are added if missing and locked, in
-- key order (two writers lock tallies in the same order, and always after the households they
-- write: 0018's visit_days triggers, named earlier, fire first and lock the visits' households),
-- then counted again in the next statement: READ COMMITTED gives it a snapshot taken after the
-- locks, so it sees every visit committed meanwhile by any writer of those tallies (each holds the
-- same row locks until it commits). An INSERT … ON CONFLICT DO NOTHING of a row another writer has
-- just added waits for that writer to end.
CREATE FUNCTION staff_week_tallies_recount(weeks date[], staff_ids varchar[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO staff_week_tallies (week_start, staff_id)
    SELECT DISTINCT w, s FROM unnest(weeks, staff_ids) AS k (w, s) ORDER BY w, s
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM staff_week_tallies t
    WHERE (t.week_start, t.staff_id) IN (SELECT w, s FROM unnest(weeks, staff_ids) AS k (w, s))
    ORDER BY t.week_start, t.staff_id FOR NO KEY UPDATE;
    UPDATE staff_week_tallies t
    SET visits = c.visits, days = c.days, households = c.households,
        unkeyed_visits = c.unkeyed_visits, unkeyed_days = c.unkeyed_days
    FROM (SELECT DISTINCT w, s FROM unnest(weeks, staff_ids) AS k (w, s)) k
    CROSS JOIN LATERAL (
        SELECT count(v.hid) AS visits,
               coalesce(bit_or(1 << (v.visited_on - k.w)) FILTER (WHERE v.hid IS NOT NULL), 0) AS days,
               count(DISTINCT v.hid) AS households,
               count(*) FILTER (WHERE v.hid IS NULL) AS unkeyed_visits,
               coalesce(bit_or(1 << (v.visited_on - k.w)) FILTER (WHERE v.hid IS NULL), 0) AS unkeyed_days
        FROM visits v
        WHERE v.staff_id = k.s AND v.visited_on BETWEEN k.w AND k.w + 6 AND v.kind = 'home'
          AND NOT EXISTS (SELECT 1 FROM households h WHERE h.hid = v.hid AND h.status <> 'active')
    ) c
    WHERE t.week_start = k.w AND t.staff_id = k.s;
END $$;

-- New or deleted visits: the tallies of their home visits' weeks and staff.
CREATE FUNCTION staff_week_tallies_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM staff_week_tallies_recount(ARRAY(SELECT week_monday(visited_on) FROM new_rows WHERE kind = 'home'),
                                       ARRAY(SELECT staff_id FROM new_rows WHERE kind = 'home'));
    RETURN NULL;
END $$;

CREATE FUNCTION staff_week_tallies_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM staff_week_tallies_recount(ARRAY(SELECT week_monday(visited_on) FROM old_rows WHERE kind = 'home'),
                                       ARRAY(SELECT staff_id FROM old_rows WHERE kind = 'home'));
    RETURN NULL;
END $$;

-- Edited visits: only those whose staff member, household key, kind or day changed, as the rows
-- before and after the statement that differ in them (EXCEPT ALL both ways: a note edited, most of an
-- import's updates, leaves nothing). A statement trigger with transition tables cannot name its
-- columns (UPDATE OF …), so it fires on every update of visits.
CREATE FUNCTION staff_week_tallies_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    w date[];
    s varchar[];
BEGIN
    SELECT array_agg(week_monday(visited_on)), array_agg(staff_id) INTO w, s FROM (
        (SELECT staff_id, hid, kind, visited_on FROM old_rows EXCEPT ALL SELECT staff_id, hid, kind, visited_on FROM new_rows)
        UNION ALL
        (SELECT staff_id, hid, kind, visited_on FROM new_rows EXCEPT ALL SELECT staff_id, hid, kind, visited_on FROM old_rows)
    ) d WHERE kind = 'home';
    IF w IS NOT NULL THEN
        PERFORM staff_week_tallies_recount(w, s);
    END IF;
    RETURN NULL;
END $$;

-- Households that became inactive or active again, or came or went inactive (an insert, a delete,
-- a key changed): every week in which they were visited at home, by whoever visited them. They are
-- the keys in the inactive households before the statement or after it but not both.
CREATE FUNCTION staff_week_tallies_households() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved integer[];
    w date[];
    s varchar[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        moved := ARRAY(SELECT hid FROM new_rows WHERE status <> 'active' AND hid IS NOT NULL);
    ELSIF TG_OP = 'DELETE' THEN
        moved := ARRAY(SELECT hid FROM old_rows WHERE status <> 'active' AND hid IS NOT NULL);
    ELSE
        moved := ARRAY(
            (SELECT hid FROM old_rows WHERE status <> 'active' AND hid IS NOT NULL
             EXCEPT SELECT hid FROM new_rows WHERE status <> 'active')
            UNION
            (SELECT hid FROM new_rows WHERE status <> 'active' AND hid IS NOT NULL
             EXCEPT SELECT hid FROM old_rows WHERE status <> 'active'));
    END IF;
    IF cardinality(moved) > 0 THEN
        SELECT array_agg(week_monday(visited_on)), array_agg(staff_id) INTO w, s
        FROM visits WHERE hid = ANY (moved) AND kind = 'home';
        IF w IS NOT NULL THEN
            PERFORM staff_week_tallies_recount(w, s);
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- Every tally counted from all the visits, in one pass (the migration fills with it below;
-- manage.py copy-to loads visits and households with the triggers off and fills once after:
-- store/transfer.py).
CREATE FUNCTION staff_week_tallies_fill() RETURNS void LANGUAGE sql AS $$
    DELETE FROM staff_week_tallies;
    INSERT INTO staff_week_tallies (week_start, staff_id, visits, days, households, unkeyed_visits, unkeyed_days)
    SELECT week_monday(v.visited_on), v.staff_id, count(v.hid),
           coalesce(bit_or(1 << (v.visited_on - week_monday(v.visited_on))) FILTER (WHERE v.hid IS NOT NULL), 0),
           count(DISTINCT v.hid),
           count(*) FILTER (WHERE v.hid IS NULL),
           coalesce(bit_or(1 << (v.visited_on - week_monday(v.visited_on))) FILTER (WHERE v.hid IS NULL), 0)
    FROM visits v
    WHERE v.kind = 'home' AND NOT EXISTS (SELECT 1 FROM households h WHERE h.hid = v.hid AND h.status <> 'active')
    GROUP BY 1, 2 ORDER BY 1, 2;
$$;

-- The quota's visits, days and households of each staff member who visited in the week of Monday
-- week_start, as quota_visits (0017) counts them: a SQL function of one SELECT, which the planner
-- inlines. Staff members with no row visited no one that week.
CREATE FUNCTION staff_week_quota(week_start date)
RETURNS TABLE (staff_id varchar, visits bigint, visit_days bigint, households_visited bigint)
LANGUAGE sql STABLE AS $$
    SELECT t.staff_id,
           CAST(t.visits + CASE WHEN u.counted THEN t.unkeyed_visits ELSE 0 END AS bigint),
           bit_count(CAST(t.days | CASE WHEN u.counted THEN t.unkeyed_days ELSE 0 END AS BIT(7))),
           CAST(t.households AS bigint)
    FROM staff_week_tallies t,
         (SELECT NOT EXISTS (SELECT 1 FROM households h WHERE h.status <> 'active') AS counted) u
    WHERE t.week_start = staff_week_quota.week_start
      AND NOT EXISTS (SELECT 1 FROM households h WHERE h.status <> 'active' AND h.hid IS NULL)
$$;

-- The triggers first: CREATE TRIGGER locks visits and households against writers until this
-- migration commits, so the fill below sees every write and none can slip in between. Their names
-- sort after 0018's visit_days_*: triggers of one event fire in name order, so the households are
-- locked before the tallies.
CREATE TRIGGER visit_week_tallies_insert AFTER INSERT ON visits
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION staff_week_tallies_inserted();
CREATE TRIGGER visit_week_tallies_delete AFTER DELETE ON visits
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION staff_week_tallies_deleted();
CREATE TRIGGER visit_week_tallies_update AFTER UPDATE ON visits
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION staff_week_tallies_updated();
CREATE TRIGGER household_week_tallies_insert AFTER INSERT ON households
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION staff_week_tallies_households();
CREATE TRIGGER household_week_tallies_delete AFTER DELETE ON households
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION staff_week_tallies_households();
CREATE TRIGGER household_week_tallies_update AFTER UPDATE ON households
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION staff_week_tallies_households();

SELECT staff_week_tallies_fill();
