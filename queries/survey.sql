-- The 民意调查 of the 三维考核 (analytics/survey.py). Tables: store/migrations/0010.
-- $month is the first day of a month.

-- name: survey_questions_all
-- The questionnaire, in order (inactive questions last).
SELECT id, position, text, active FROM survey_questions ORDER BY active DESC, position, id;

-- name: survey_question_answers
-- How many answers each question has (a question with answers is deactivated, never deleted).
SELECT question_id, count(*) AS n FROM survey_responses GROUP BY question_id;

-- name: survey_question_upsert!
INSERT INTO survey_questions (id, position, text, active) VALUES ($id, $position, $text, $active)
ON CONFLICT (id) DO UPDATE SET position = excluded.position, text = excluded.text, active = excluded.active;

-- name: survey_question_delete!
DELETE FROM survey_questions WHERE id = $id;

-- name: survey_strata_now
-- Each township in $scope with its resident population (active households' members; a household
-- whose members are not recorded counts as the township's mean household, else 1), its active
-- households, and those that may be drawn for $month: not drawn in any month from $since (the
-- first of the months left out, rule survey_exclude_months) to the month before $month.
WITH hh AS (
    SELECT h.code, h.members, t.ancestor_code AS township_code
    FROM households h
    JOIN area_ancestors t ON t.code = h.grid_code AND t.ancestor_level = 'township'
    WHERE h.status = 'active'
),
recent AS (
    SELECT DISTINCT household_code FROM survey_samples
    WHERE month < $month::DATE AND month >= $since::DATE
),
per AS (
    SELECT township_code, count(*) AS households,
           count(*) FILTER (WHERE code NOT IN (SELECT household_code FROM recent)) AS eligible,
           sum(members) AS known_members, count(members) AS known
    FROM hh GROUP BY township_code
)
SELECT a.code AS township_code, a.name,
       coalesce(p.households, 0) AS households,
       coalesce(p.eligible, 0) AS eligible,
       CAST(round(coalesce(p.known_members, 0)
            + (coalesce(p.households, 0) - coalesce(p.known, 0))
              * CASE WHEN coalesce(p.known, 0) > 0 THEN CAST(p.known_members AS FLOAT8) / p.known ELSE 1 END)
            AS INTEGER) AS residents
FROM areas a
LEFT JOIN per p ON p.township_code = a.code
WHERE a.level = 'township'
  AND in_scope(a.code, $scope::VARCHAR[])
ORDER BY a.code;

-- name: survey_eligible
-- The households of $month's draw frame: active, in a township, not drawn from $since to the month
-- before $month; by township and code (the order the seeded draw reads them in).
SELECT h.code AS household_code, t.ancestor_code AS township_code
FROM households h
JOIN area_ancestors t ON t.code = h.grid_code AND t.ancestor_level = 'township'
WHERE h.status = 'active'
  AND h.code NOT IN (
        SELECT household_code FROM survey_samples
        WHERE month < $month::DATE AND month >= $since::DATE)
ORDER BY t.ancestor_code, h.code;

-- name: survey_draw_get
SELECT month, seed, overall_question, share, minimum, exclude_months, drawn_at, drawn_by
FROM survey_draws WHERE month = $month;

-- name: survey_answers_count
SELECT count(*) FROM survey_responses WHERE month = $month;

-- name: survey_samples_clear!
-- Forget $month's draw (only ever done when it has no answers): its sample, strata and draw.
DELETE FROM survey_samples WHERE month = $month;

-- name: survey_strata_clear!
DELETE FROM survey_strata WHERE month = $month;

-- name: survey_draw_clear!
DELETE FROM survey_draws WHERE month = $month;

-- name: survey_draw_insert!
INSERT INTO survey_draws (month, seed, overall_question, share, minimum, exclude_months, drawn_at, drawn_by)
VALUES ($month, $seed, $overall_question, $share, $minimum, $exclude_months, $drawn_at, $drawn_by);

-- name: survey_strata_insert!
INSERT INTO survey_strata (month, township_code, residents, households, eligible, sample_size)
SELECT $month, township_code, residents, households, eligible, sample_size FROM survey_new_strata;

-- name: survey_samples_insert!
INSERT INTO survey_samples (month, household_code, township_code, position)
SELECT $month, household_code, township_code, position FROM survey_new_sample;

-- name: survey_strata_of
-- The strata of $month's draw with the townships' names.
SELECT s.township_code, a.name, s.residents, s.households, s.eligible, s.sample_size
FROM survey_strata s LEFT JOIN areas a ON a.code = s.township_code
WHERE s.month = $month
  AND in_scope(s.township_code, $scope::VARCHAR[])
ORDER BY s.township_code;

-- name: survey_sample_of
-- $month's sample in calling order, with what a caller needs (the caller masks phones by role).
SELECT s.township_code, t.name AS township_name, s.position, s.household_code, h.head_name, h.phone,
       h.address, v.name AS village_name, h.grid_code, h.members
FROM survey_samples s
LEFT JOIN households h ON h.code = s.household_code
LEFT JOIN areas t ON t.code = s.township_code
LEFT JOIN area_ancestors va ON va.code = h.grid_code AND va.ancestor_level = 'village'
LEFT JOIN areas v ON v.code = va.ancestor_code
WHERE s.month = $month
  AND in_scope(s.township_code, $scope::VARCHAR[])
ORDER BY s.township_code, s.position;

-- name: survey_responses_of
-- $month's answers (one row per household and question).
SELECT r.household_code, r.question_id, r.answer, r.method, r.answered_on, r.recorded_by, r.recorded_at
FROM survey_responses r WHERE r.month = $month
ORDER BY r.household_code, r.question_id;

-- name: survey_in_sample
SELECT count(*) FROM survey_samples WHERE month = $month AND household_code = $household_code;

-- name: survey_response_get
SELECT answer, method, answered_on FROM survey_responses
WHERE month = $month AND household_code = $household_code AND question_id = $question_id;

-- name: survey_response_upsert!
INSERT INTO survey_responses (month, household_code, question_id, answer, method, answered_on, recorded_at, recorded_by)
VALUES ($month, $household_code, $question_id, $answer, $method, $answered_on, $recorded_at, $recorded_by)
ON CONFLICT (month, household_code, question_id) DO UPDATE SET
    answer = excluded.answer, method = excluded.method, answered_on = excluded.answered_on,
    recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by;

-- name: survey_results
-- Per township of $month's draw: households sampled, recorded (any answer), reached (an answer other
-- than not_reached), and the answers to the month's overall question $question.
WITH r AS (
    SELECT household_code,
           bool_or(answer <> 'not_reached') AS reached,
           max(CASE WHEN question_id = $question::INTEGER THEN answer END) AS overall
    FROM survey_responses WHERE month = $month GROUP BY household_code
)
SELECT s.township_code AS code, a.name,
       count(*) AS sampled,
       count(r.household_code) AS recorded,
       count(*) FILTER (WHERE r.reached) AS reached,
       count(*) FILTER (WHERE r.overall IN ('satisfied', 'partly', 'unsatisfied')) AS answered,
       count(*) FILTER (WHERE r.overall = 'satisfied') AS satisfied,
       count(*) FILTER (WHERE r.overall = 'partly') AS partly,
       count(*) FILTER (WHERE r.overall = 'unsatisfied') AS unsatisfied
FROM survey_samples s
LEFT JOIN r ON r.household_code = s.household_code
LEFT JOIN areas a ON a.code = s.township_code
WHERE s.month = $month
  AND in_scope(s.township_code, $scope::VARCHAR[])
GROUP BY s.township_code, a.name
ORDER BY s.township_code;

-- name: survey_question_results
-- Per township and question of $month: answers given (not_reached left out) and how they split.
SELECT s.township_code AS code, r.question_id,
       count(*) FILTER (WHERE r.answer <> 'not_reached') AS answered,
       count(*) FILTER (WHERE r.answer = 'satisfied') AS satisfied,
       count(*) FILTER (WHERE r.answer = 'partly') AS partly,
       count(*) FILTER (WHERE r.answer = 'unsatisfied') AS unsatisfied
FROM survey_responses r
JOIN survey_samples s ON s.month = r.month AND s.household_code = r.household_code
WHERE r.month = $month
  AND in_scope(s.township_code, $scope::VARCHAR[])
GROUP BY s.township_code, r.question_id
ORDER BY s.township_code, r.question_id;
