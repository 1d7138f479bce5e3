-- 0010: foresight (issue 21) — the day a petition escalated, the 民意调查 of the 三维考核, and the
-- rules of the coverage pace, the escalation watch-list and the survey.

-- The day a petition reached the level above the county named in level_reached (city, province,
-- national: 越级到市/省/京). NULL when it did not escalate or no date was given.
ALTER TABLE petitions ADD COLUMN escalated_on DATE;

-- The questionnaire of the monthly satisfaction survey, editable by an administrator. The first
-- active question (lowest position) at a draw is that month's overall one: a township's
-- satisfaction is read from it (analytics/survey.py); the others are reported beside it.
CREATE TABLE survey_questions (
    id        INTEGER PRIMARY KEY,
    position  INTEGER NOT NULL,
    text      VARCHAR NOT NULL,
    active    BOOLEAN NOT NULL DEFAULT TRUE
);

INSERT INTO survey_questions (id, position, text, active) VALUES
    (1, 1, '您对所在村（社区）的网格化服务管理工作总体是否满意？', TRUE),
    (2, 2, '您对网格员入户走访、联系群众的情况是否满意？', TRUE),
    (3, 3, '您对反映问题的办理和答复是否满意？', TRUE);

-- One draw per month: the seed that reproduces it, the rule values it used, and the overall
-- question at the draw (the month's satisfaction is read from it even if the questionnaire changes).
CREATE TABLE survey_draws (
    month            DATE PRIMARY KEY,        -- the first day of the month
    seed             BIGINT NOT NULL,
    overall_question INTEGER NOT NULL,
    share          DOUBLE PRECISION NOT NULL, -- rule survey_share at the draw
    minimum        INTEGER NOT NULL,          -- rule survey_min
    exclude_months INTEGER NOT NULL,          -- rule survey_exclude_months
    drawn_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    drawn_by       VARCHAR
);

-- Each township (stratum) of a draw: its resident population, the households that could be drawn,
-- and how many were.
CREATE TABLE survey_strata (
    month          DATE NOT NULL,
    township_code  VARCHAR NOT NULL,
    residents      INTEGER NOT NULL,
    households     INTEGER NOT NULL,          -- active households of the township
    eligible       INTEGER NOT NULL,          -- of them, not surveyed in the months left out
    sample_size    INTEGER NOT NULL,
    PRIMARY KEY (month, township_code)
);

-- The households drawn, in calling order within their township.
CREATE TABLE survey_samples (
    month           DATE NOT NULL,
    household_code  VARCHAR NOT NULL,
    township_code   VARCHAR NOT NULL,
    position        INTEGER NOT NULL,
    PRIMARY KEY (month, household_code)
);

-- One answer per drawn household and question. not_reached: nobody could be asked.
CREATE TABLE survey_responses (
    month           DATE NOT NULL,
    household_code  VARCHAR NOT NULL,
    question_id     INTEGER NOT NULL,
    answer          VARCHAR NOT NULL CHECK (answer IN ('satisfied', 'partly', 'unsatisfied', 'not_reached')),
    method          VARCHAR CHECK (method IS NULL OR method IN ('phone', 'home', 'meeting')),
    answered_on     DATE,
    recorded_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    recorded_by     VARCHAR,
    PRIMARY KEY (month, household_code, question_id)
);

INSERT INTO rules (key, value, unit, description) VALUES
    ('pace_weeks',             8,    'weeks',     '覆盖进度按最近8周每周新走访的户数推算'),
    ('watch_min_score',        3,    'points',    '风险分达到3分列入越级风险观察名单'),
    ('watch_w_repeat',         2,    'points',    '风险分：同一户在重复信访期限内再次信访'),
    ('watch_w_overdue',        2,    'points',    '风险分：逾期未答复或未办结'),
    ('watch_w_unsatisfied',    3,    'points',    '风险分：办结时不满意'),
    ('watch_w_partly',         1,    'points',    '风险分：办结时基本满意'),
    ('watch_w_group',          2,    'points',    '风险分：5人及以上集体访'),
    ('watch_w_category',       1,    'points',    '风险分：所属类别近12个月越级多'),
    ('watch_category_lift',    1.5,  'ratio',     '类别越级率达到全县的几倍算越级多'),
    ('watch_category_min',     3,    'petitions', '类别近12个月至少越级几件才算越级多'),
    ('watch_w_hotspot',        1,    'points',    '风险分：所在村为新出现、连续或加剧的热点'),
    ('watch_w_village_listed', 1,    'points',    '村的风险分：村内每有一件信访在观察名单上'),
    ('watch_recent_days',      90,   'days',      '办结时不满意或基本满意的信访，办结后继续观察的天数'),
    ('watch_lead_days',        30,   'days',      '命中率：越级前多少天已在观察名单上'),
    ('survey_share',           0.02, 'ratio',     '民意调查每个乡镇抽样不少于常住人口的2%'),
    ('survey_min',             20,   'people',    '民意调查每个乡镇至少抽20人'),
    ('survey_exclude_months',  6,    'months',    '近6个月内已抽中调查的户不再抽取'),
    ('survey_weight',          0.23, 'ratio',     '民意调查满意率在乡镇考核得分中的权重（三维考核）');
