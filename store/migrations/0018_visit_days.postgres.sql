-- 0018 on PostgreSQL: the days each household was visited, one set of days per kind of visit
-- (home_days, phone_days, meeting_days, reception_days: a datemultirange, NULL when never), kept
-- on the household by triggers on visits, in the transaction of every statement that writes
-- visits. Coverage of a range that ends before the newest visit, or of kinds other than home
-- visits alone, then reads each active household once — "was it visited in the range" is one
-- `days && range` per kind — instead of the range's visits (queries/reports.sql, coverage__postgres:
-- 1.2 s → tens of ms on the county set). The kinds are those of visits' CHECK (0001).
ALTER TABLE households
    ADD COLUMN home_days datemultirange,
    ADD COLUMN phone_days datemultirange,
    ADD COLUMN meeting_days datemultirange,
    ADD COLUMN reception_days datemultirange;

-- New visits add their days to their households' sets: one UPDATE that reads the row it updates,
-- so that two writers adding days to one household at once both count (the second waits for the
-- first's row lock and adds to what it wrote). The rows are locked in household order first, so
-- two imports touching the same households cannot deadlock. FOR NO KEY UPDATE, as an UPDATE
-- takes: it does not wait for the key-share locks that inserting a visit takes on its household.
CREATE FUNCTION visit_days_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM households WHERE hid IN (SELECT hid FROM new_rows) ORDER BY hid FOR NO KEY UPDATE;
    UPDATE households h
    SET home_days = coalesce(h.home_days + n.home, h.home_days, n.home),
        phone_days = coalesce(h.phone_days + n.phone, h.phone_days, n.phone),
        meeting_days = coalesce(h.meeting_days + n.meeting, h.meeting_days, n.meeting),
        reception_days = coalesce(h.reception_days + n.reception, h.reception_days, n.reception)
    FROM (SELECT hid,
                 range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'home') AS home,
                 range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'phone') AS phone,
                 range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'meeting') AS meeting,
                 range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'reception') AS reception
          FROM new_rows WHERE hid IS NOT NULL GROUP BY hid) n
    WHERE h.hid = n.hid;
    RETURN NULL;
END $$;

-- Some households lost or moved visits (a delete, an edit of the day, kind or household): their
-- sets are counted again from their visits. The rows are locked first, in household order, and
-- counted in the next statement: READ COMMITTED gives that statement a snapshot taken after the
-- locks, so it sees every visit of those households committed meanwhile (every writer of their
-- visits holds the same row locks until it commits).
CREATE FUNCTION visit_days_recount(hids integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM households WHERE hid = ANY (hids) ORDER BY hid FOR NO KEY UPDATE;
    UPDATE households h
    SET home_days = d.home, phone_days = d.phone, meeting_days = d.meeting, reception_days = d.reception
    FROM (SELECT k.hid,
                 range_agg(daterange(v.visited_on, v.visited_on, '[]')) FILTER (WHERE v.kind = 'home') AS home,
                 range_agg(daterange(v.visited_on, v.visited_on, '[]')) FILTER (WHERE v.kind = 'phone') AS phone,
                 range_agg(daterange(v.visited_on, v.visited_on, '[]')) FILTER (WHERE v.kind = 'meeting') AS meeting,
                 range_agg(daterange(v.visited_on, v.visited_on, '[]')) FILTER (WHERE v.kind = 'reception') AS reception
          FROM unnest(hids) AS k (hid) LEFT JOIN visits v ON v.hid = k.hid
          GROUP BY k.hid) d
    WHERE h.hid = d.hid;
END $$;

CREATE FUNCTION visit_days_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM visit_days_recount(ARRAY(SELECT DISTINCT hid FROM old_rows WHERE hid IS NOT NULL));
    RETURN NULL;
END $$;

CREATE FUNCTION visit_days_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM visit_days_recount(ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[OLD.hid, NEW.hid]) AS x WHERE x IS NOT NULL));
    RETURN NULL;
END $$;

-- The triggers first: CREATE TRIGGER locks visits against writers until this migration commits,
-- so the fill below sees every visit and none can slip in between. Edits that change only a
-- visit's note or follow-up (most of an import's updates) run no trigger.
CREATE TRIGGER visit_days_insert AFTER INSERT ON visits
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_days_inserted();
CREATE TRIGGER visit_days_delete AFTER DELETE ON visits
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_days_deleted();
CREATE TRIGGER visit_days_update AFTER UPDATE OF hid, kind, visited_on ON visits FOR EACH ROW
    WHEN (OLD.hid IS DISTINCT FROM NEW.hid OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.visited_on IS DISTINCT FROM NEW.visited_on)
    EXECUTE FUNCTION visit_days_moved();

-- Every household's sets counted from all its visits, in one pass over visits (households with no
-- visit are left as they are: NULL). The migration fills with it below. (manage.py copy-to writes the
-- days with the households, read from the file's visits, and loads the visits with visit_days_insert
-- off: store/transfer.py.)
CREATE FUNCTION visit_days_fill() RETURNS void LANGUAGE sql AS $$
    UPDATE households h
    SET home_days = d.home, phone_days = d.phone, meeting_days = d.meeting, reception_days = d.reception
    FROM (SELECT hid,
                 range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'home') AS home,
                 range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'phone') AS phone,
                 range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'meeting') AS meeting,
                 range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'reception') AS reception
          FROM visits WHERE hid IS NOT NULL GROUP BY hid) d
    WHERE h.hid = d.hid
$$;

SELECT visit_days_fill();

-- coverage__postgres reads every active household of the grids shown, grid by grid, from this
-- index alone (its days included: no visit to the table's pages).
CREATE INDEX households_active_days ON households (grid_code)
    INCLUDE (home_days, phone_days, meeting_days, reception_days) WHERE status = 'active';
