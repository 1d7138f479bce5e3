-- 0002: the working-day calendar, administrator-entered 放假安排, and visit issues (民情日志 items to follow up).

-- One row per day, filled by analytics/calendar.py for a contiguous range of years.
-- source: 'official' (the chinesecalendar package), 'custom' (an administrator's entry),
-- 'weekends' (a day not entered in a year the administrator has announced),
-- 'weekends-only' (a year nobody has announced yet: Saturdays and Sundays off, with a visible notice).
-- workday_no: the cumulative count of workdays up to and including the day (the SQL-friendly form:
-- N working days after D is the workday whose workday_no is D's workday_no + N).
CREATE TABLE calendar_days (
    day         DATE PRIMARY KEY,
    workday     BOOLEAN NOT NULL,
    source      VARCHAR NOT NULL,
    workday_no  INTEGER
);

-- 放假安排 entered by an administrator (for a year the package does not know, or a correction):
-- workday FALSE = a holiday, TRUE = a 调休 make-up working day.
CREATE TABLE holidays_custom (
    day      DATE PRIMARY KEY,
    workday  BOOLEAN NOT NULL,
    name     VARCHAR
);

-- The state of an issue raised during a visit (visits.needs_action = TRUE). A flagged visit without a
-- row here is 'received' (open). Same words as petitions: received → in_progress → closed (resolved).
CREATE TABLE visit_issues (
    visit_id     BIGINT PRIMARY KEY,
    status       VARCHAR NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'in_progress', 'closed')),
    resolved_on  DATE,
    note         VARCHAR,
    updated_at   TIMESTAMP DEFAULT current_timestamp
);

INSERT INTO rules VALUES
    ('repeat_days', 90, 'days', '同一户90天内再次信访计为重复信访');
