-- 0022 on PostgreSQL: the months each household was visited, per kind of visit, beside 0018's day
-- sets — an integer array indexed by the year (home_months[2026]), each element a 12-bit mask of
-- that year's months visited (bit 0 January … bit 11 December; NULL: none that year; the array NULL
-- when never). The coverage page's 12-month trend (queries/coverage_page.sql,
-- coverage_monthly__postgres) then reads two integers per household and kind instead of testing its
-- day sets against each month (384,000 multirange tests grouped by area and month for a township's
-- villages on the county set, ~2.6× DuckDB's time; BENCHMARKS.md, "the trend on PostgreSQL (pgtrend)").
-- Kept by a trigger on households from the day sets, so that every writer of the day sets (0018's
-- triggers on visits, copy-to's households) keeps them too, in the same statement.

-- The months of a set of days, as above. IMMUTABLE: the months of given days never change.
CREATE FUNCTION visit_months(days datemultirange) RETURNS integer[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    r daterange;
    k integer;  -- a month as year * 12 + month - 1
    masks integer[];
BEGIN
    FOR r IN SELECT unnest(days) LOOP
        FOR k IN CAST(extract(year FROM lower(r)) * 12 + extract(month FROM lower(r)) - 1 AS integer)
              .. CAST(extract(year FROM upper(r) - 1) * 12 + extract(month FROM upper(r) - 1) - 1 AS integer) LOOP
            masks[k / 12] := coalesce(masks[k / 12], 0) | (1 << (k % 12));
        END LOOP;
    END LOOP;
    RETURN masks;
END $$;

-- The 12 months from the month of first_day, visited or not, as the bits of an integer (bit 0 that
-- month, bit 11 the eleventh after it), from months kept as above. A plain SQL function: the planner
-- inlines it, and with first_day a parameter it comes down to two array reads and two shifts.
CREATE FUNCTION twelve_months(months integer[], first_day date) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((coalesce(months[CAST(extract(year FROM first_day) AS integer)], 0) >> CAST(extract(month FROM first_day) - 1 AS integer))
            | (coalesce(months[CAST(extract(year FROM first_day) AS integer) + 1], 0) << CAST(13 - extract(month FROM first_day) AS integer)))
           & 4095
$$;

-- Added without a default: no rewrite of the table, only its catalog entry.
ALTER TABLE households
    ADD COLUMN home_months integer[],
    ADD COLUMN phone_months integer[],
    ADD COLUMN meeting_months integer[],
    ADD COLUMN reception_months integer[];

CREATE FUNCTION visit_months_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.home_months := visit_months(NEW.home_days);
    NEW.phone_months := visit_months(NEW.phone_days);
    NEW.meeting_months := visit_months(NEW.meeting_days);
    NEW.reception_months := visit_months(NEW.reception_days);
    RETURN NEW;
END $$;

-- The triggers first: CREATE TRIGGER locks households against writers until this migration commits,
-- so the fill below sees every day set and none can change in between. A household is inserted
-- without days (they come from its visits) and most updates of households touch no day set: the
-- WHEN clauses keep the function from running for them.
CREATE TRIGGER visit_months_insert BEFORE INSERT ON households FOR EACH ROW
    WHEN (NEW.home_days IS NOT NULL OR NEW.phone_days IS NOT NULL OR NEW.meeting_days IS NOT NULL OR NEW.reception_days IS NOT NULL)
    EXECUTE FUNCTION visit_months_kept();
CREATE TRIGGER visit_months_update BEFORE UPDATE OF home_days, phone_days, meeting_days, reception_days ON households FOR EACH ROW
    WHEN (OLD.home_days IS DISTINCT FROM NEW.home_days OR OLD.phone_days IS DISTINCT FROM NEW.phone_days
          OR OLD.meeting_days IS DISTINCT FROM NEW.meeting_days OR OLD.reception_days IS DISTINCT FROM NEW.reception_days)
    EXECUTE FUNCTION visit_months_kept();

-- The households ever visited (a new database has none: nothing to do).
UPDATE households
SET home_months = visit_months(home_days), phone_months = visit_months(phone_days),
    meeting_months = visit_months(meeting_days), reception_months = visit_months(reception_days)
WHERE home_days IS NOT NULL OR phone_days IS NOT NULL OR meeting_days IS NOT NULL OR reception_days IS NOT NULL;

-- coverage_monthly__postgres reads every active household of the areas shown from this index alone.
CREATE INDEX households_active_months ON households (grid_code)
    INCLUDE (home_months, phone_months, meeting_months, reception_months) WHERE status = 'active';
