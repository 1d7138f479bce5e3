"""民意调查: the monthly satisfaction survey of the 三维考核.

The sample, the call sheets, the answers and the results per township.

**Sample** of a month: stratified by township. Each township's size is
``max(⌈survey_share · residents⌉, survey_min)`` (rules, 2 % and 20 people: "at least 2 % of the resident
population, at least 20 where that is fewer"), at most the households that may be drawn; one person
is asked per household. Residents are the members of the township's active households (a household
whose members are not recorded counts as the township's mean household). The frame is the township's
active households not drawn in the ``survey_exclude_months`` (rule, 6) months before; the households
are drawn by simple random sampling without replacement with ``numpy.random.default_rng(seed)``,
townships and households read in code order, so a month and a seed give the same sample on any
machine. The default seed is the month itself (``202612``).

**Answers**: per drawn household and question, 满意 / 基本满意 / 不满意 / 未联系上 (satisfied, partly,
unsatisfied, not_reached), with how (phone, home visit, meeting) and when. Recorded on the survey page
or imported from the returned call sheet; every change is audited.

**Results** per township: ``response_rate = reached / sampled`` (reached: any answer other than
未联系上); ``satisfaction = satisfied / answered`` on the month's overall question (the first active
question at the draw; 基本满意 is answered, not satisfied — as for petitions), with the 95 % Wilson
score interval of :func:`scipy.stats.binomtest` (``proportion_ci(method="wilson")``), beside the
benchmark (rule ``benchmark_satisfaction``, 96.5 %).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import duckdb
import numpy as np
import pandas as pd

from analytics import calendar
from analytics.reports import ReportError, Scope
from i18n import Message, message_of
from store import db

ANSWERS = ("satisfied", "partly", "unsatisfied", "not_reached")
METHODS = ("phone", "home", "meeting")
#: The words a call sheet may carry for an answer (the sheet offers the first of each).
ANSWER_WORDS: dict[str, str] = {
    "满意": "satisfied",
    "基本满意": "partly",
    "不满意": "unsatisfied",
    "未联系上": "not_reached",
    "比较满意": "partly",
    "很满意": "satisfied",
    "非常满意": "satisfied",
    "不太满意": "unsatisfied",
    "联系不上": "not_reached",
    "未接通": "not_reached",
    "无人接听": "not_reached",
    "空号": "not_reached",
    "拒访": "not_reached",
    "satisfied": "satisfied",
    "partly": "partly",
    "unsatisfied": "unsatisfied",
    "not_reached": "not_reached",
    "not reached": "not_reached",
}
METHOD_WORDS: dict[str, str] = {
    "电话": "phone",
    "电话访问": "phone",
    "入户": "home",
    "入户走访": "home",
    "上门": "home",
    "座谈": "meeting",
    "座谈会": "meeting",
    "院坝会": "meeting",
    "phone": "phone",
    "home": "home",
    "meeting": "meeting",
}
ANSWER_ZH = {"satisfied": "满意", "partly": "基本满意", "unsatisfied": "不满意", "not_reached": "未联系上"}
METHOD_ZH = {"phone": "电话", "home": "入户", "meeting": "座谈"}
RESULT_COLUMNS = [
    "code",
    "name",
    "sampled",
    "recorded",
    "reached",
    "response_rate",
    "answered",
    "satisfied",
    "satisfaction",
    "ci_low",
    "ci_high",
    "benchmark",
]
STRATA_COLUMNS = ["township_code", "name", "residents", "households", "eligible", "sample_size"]
SAMPLE_COLUMNS = [
    "township_code",
    "township_name",
    "position",
    "household_code",
    "head_name",
    "phone",
    "address",
    "village_name",
    "grid_code",
]
#: Columns of a call sheet before the questions, and after them.
SHEET_HEAD = ["序号", "户编号", "户主", "联系电话", "地址", "村（社区）", "网格"]
SHEET_TAIL = ["调查方式", "调查日期", "备注"]


class SurveyError(ReportError):
    """Something about the survey a person can fix; the message says what."""


def month_start(month: str | dt.date) -> dt.date:
    """``2026-12`` (or any form :func:`analytics.monthly.parse_month` reads, or a date) → 2026-12-01.

    Returns
    -------
    datetime.date
        The month's first day.
    """
    if isinstance(month, dt.date):
        return month.replace(day=1)
    from analytics.monthly import parse_month

    return parse_month(month)[0]


def months_before(month: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months before ``month``.

    Returns
    -------
    datetime.date
        That month's first day.

    Examples
    --------
    >>> months_before(dt.date(2026, 3, 1), 6)
    datetime.date(2025, 9, 1)
    """
    k = month.year * 12 + month.month - 1 - n
    return dt.date(k // 12, k % 12 + 1, 1)


def default_seed(month: dt.date) -> int:
    """The seed of a month's draw when none is given: the month as a number (2026-12 → 202612).

    Returns
    -------
    int
        ``year · 100 + month``.
    """
    return month.year * 100 + month.month


def sample_size(residents: int, eligible: int, share: float, minimum: int) -> int:
    """How many households a township's sample holds.

    Returns
    -------
    int
        ``max(⌈share · residents⌉, minimum)``, at most ``eligible``.

    Examples
    --------
    >>> sample_size(4400, 1800, 0.02, 20), sample_size(600, 250, 0.02, 20), sample_size(600, 12, 0.02, 20)
    (88, 20, 12)
    """
    want = max(int(math.ceil(round(share * residents, 6))), int(minimum))
    return int(min(want, eligible))


def wilson(satisfied: int, answered: int, confidence: float = 0.95) -> tuple[float | None, float | None]:
    """The Wilson score interval of ``satisfied / answered`` (scipy's ``binomtest(...).proportion_ci``).

    Returns
    -------
    tuple of (float or None, float or None)
        The interval's low and high ends (fractions 0–1), or (None, None) when nothing was answered.

    Examples
    --------
    >>> [round(x, 4) for x in wilson(81, 100)]
    [0.7222, 0.8749]
    >>> wilson(0, 0)
    (None, None)
    """
    if answered <= 0:
        return None, None
    from scipy.stats import binomtest

    ci = binomtest(int(satisfied), int(answered)).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


# ----------------------------------------------------------------------------- the questionnaire


def questions(con: duckdb.DuckDBPyConnection, active_only: bool = True) -> pd.DataFrame:
    """The questionnaire: ``id, position, text, active`` in order (the first is the overall question).

    Returns
    -------
    pandas.DataFrame
        The questions, only the active ones unless ``active_only`` is False.
    """
    q = db.df(con, "survey_questions_all")
    return q[q["active"]].reset_index(drop=True) if active_only else q


def save_questions(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, actor: Any = "admin") -> pd.DataFrame:
    """Replace the questionnaire with ``frame``, in its order; audited as ``survey_questions``.

    ``frame`` has ``id`` (empty for a new question), ``text`` and ``active``.

    A question that has answers is never deleted: left out of ``frame`` it becomes inactive. At least
    one active question must remain, each with a text of at most 200 characters.

    Returns
    -------
    pandas.DataFrame
        The questionnaire as stored (:func:`questions` with inactive ones).

    Raises
    ------
    SurveyError
        When a question's text is empty or longer than 200 characters, or no question is active.
    """
    rows = []
    for i, rec in enumerate(frame.to_dict("records"), start=1):
        text = (
            ""
            if rec.get("text") is None or (isinstance(rec.get("text"), float) and math.isnan(rec["text"]))
            else str(rec["text"]).strip()
        )
        qid = rec.get("id")
        qid = None if qid is None or (isinstance(qid, float) and math.isnan(qid)) or qid is pd.NA else int(qid)
        if not text:
            if qid is None:
                continue  # an empty new row: ignored
            raise SurveyError(key="survey.error.question_empty", n=i)
        if len(text) > 200:
            raise SurveyError(key="survey.error.question_long", n=i)
        active = rec.get("active")
        rows.append((qid, text, True if active is None or active is pd.NA else bool(active)))
    if not any(a for _, _, a in rows):
        raise SurveyError(key="survey.error.no_active_question")
    old = questions(con, active_only=False)
    answered = dict(db.rows(con, "survey_question_answers"))
    next_id = int(old["id"].max()) + 1 if len(old) else 1
    kept = set()
    with db.transaction(con):
        for pos, (qid, text, active) in enumerate(rows, start=1):
            if qid is None or qid not in set(old["id"]):
                qid, next_id = next_id, next_id + 1
            kept.add(qid)
            db.execute(con, "survey_question_upsert", id=qid, position=pos, text=text, active=active)
        for qid, pos, text in zip(old["id"], old["position"], old["text"]):
            if int(qid) in kept:
                continue
            if answered.get(int(qid)):
                db.execute(
                    con, "survey_question_upsert", id=int(qid), position=len(rows) + int(pos), text=text, active=False
                )
            else:
                db.execute(con, "survey_question_delete", id=int(qid))
        from auth.audit import record

        now = questions(con, active_only=False)
        record(
            con,
            actor,
            "survey_questions",
            counts={"questions": len(rows)},
            detail="；".join(
                f"Q{int(i)} {t}" + ("" if a else "（停用）") for i, t, a in zip(now["id"], now["text"], now["active"])
            ),
        )
    return questions(con, active_only=False)


# ----------------------------------------------------------------------------- the draw


@dataclass
class Draw:
    """A month's draw: the strata (:data:`STRATA_COLUMNS`) and the seed.

    ``sample`` is the households drawn (township_code, household_code, position).
    """

    month: dt.date
    seed: int
    overall_question: int
    strata: pd.DataFrame
    sample: pd.DataFrame = field(default_factory=pd.DataFrame)


def plan(con: duckdb.DuckDBPyConnection, month: str | dt.date, scope: Scope = None) -> pd.DataFrame:
    """The strata a draw for ``month`` would have now.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STRATA_COLUMNS`, every township in scope.
    """
    m = month_start(month)
    share, minimum = float(db.rule(con, "survey_share")), int(db.rule(con, "survey_min"))
    since = months_before(m, int(db.rule(con, "survey_exclude_months")))
    s = db.df(con, "survey_strata_now", month=m, since=since, scope=None if scope is None else list(scope))
    s["sample_size"] = [sample_size(int(r), int(e), share, minimum) for r, e in zip(s["residents"], s["eligible"])]
    return s[STRATA_COLUMNS]


def draw_sample(frame: pd.DataFrame, sizes: Mapping[str, int], seed: int) -> pd.DataFrame:
    """The seeded stratified draw (no database).

    From ``frame`` (``household_code, township_code``, sorted by township and code) take
    ``sizes[township]`` households of each township, without replacement, townships in code order.

    Returns
    -------
    pandas.DataFrame
        ``township_code, household_code, position`` (1 = first drawn, the calling order).
    """
    rng = np.random.default_rng(int(seed))
    parts = []
    for town, g in frame.groupby("township_code", sort=True):
        k = int(sizes.get(town, 0))
        if k <= 0:
            continue
        pick = rng.choice(len(g), size=min(k, len(g)), replace=False)
        parts.append(
            pd.DataFrame(
                {
                    "township_code": town,
                    "household_code": g["household_code"].to_numpy()[pick],
                    "position": np.arange(1, len(pick) + 1),
                }
            )
        )
    if not parts:
        return pd.DataFrame({"township_code": [], "household_code": [], "position": []})
    return pd.concat(parts, ignore_index=True)


def draw(con: duckdb.DuckDBPyConnection, month: str | dt.date, seed: int | None = None, actor: Any = "admin") -> Draw:
    """Draw (or draw again) the sample of ``month`` over the whole county and store it; audited as ``survey_draw``.

    Returns
    -------
    Draw
        The month, seed, overall question, strata and the households drawn.

    Raises
    ------
    SurveyError
        When the seed is negative, the month already has answers (its sample can no longer change),
        or nothing can be drawn (no township with active households, or all drawn recently).
    """
    m = month_start(month)
    seed = default_seed(m) if seed is None else int(seed)
    if seed < 0:
        raise SurveyError(key="survey.error.seed")
    answers = int(db.one(con, "survey_answers_count", month=m) or 0)
    if answers:
        raise SurveyError(key="survey.error.has_answers", month=f"{m:%Y-%m}", answers=answers)
    qs = questions(con)
    strata = plan(con, m)
    exclude = int(db.rule(con, "survey_exclude_months"))
    if not len(strata) or int(strata["households"].sum()) == 0:
        raise SurveyError(key="survey.error.no_households")
    if int(strata["sample_size"].sum()) == 0:
        raise SurveyError(key="survey.error.all_drawn", months=exclude)
    frame = db.df(con, "survey_eligible", month=m, since=months_before(m, exclude))
    sample = draw_sample(frame, dict(zip(strata["township_code"], strata["sample_size"])), seed)
    from auth.audit import now_local, record

    name = getattr(actor, "name", None) or str(actor)
    with db.transaction(con):
        for q in ("survey_samples_clear", "survey_strata_clear", "survey_draw_clear"):
            db.execute(con, q, month=m)
        db.execute(
            con,
            "survey_draw_insert",
            month=m,
            seed=seed,
            overall_question=int(qs["id"].iloc[0]),
            share=float(db.rule(con, "survey_share")),
            minimum=int(db.rule(con, "survey_min")),
            exclude_months=exclude,
            drawn_at=now_local(),
            drawn_by=name,
        )
        con.register("survey_new_strata", strata)
        con.register("survey_new_sample", sample)
        try:
            db.execute(con, "survey_strata_insert", month=m)
            db.execute(con, "survey_samples_insert", month=m)
        finally:
            con.unregister("survey_new_strata")
            con.unregister("survey_new_sample")
        record(
            con,
            actor,
            "survey_draw",
            counts={"townships": int((strata["sample_size"] > 0).sum()), "households": len(sample), "seed": seed},
            detail=f"{m:%Y-%m} seed={seed}",
        )
    return Draw(m, seed, int(qs["id"].iloc[0]), strata.reset_index(drop=True), sample)


def drawn(con: duckdb.DuckDBPyConnection, month: str | dt.date, scope: Scope = None) -> Draw | None:
    """The stored draw of ``month`` (strata in scope), or None when the month has not been drawn.

    Returns
    -------
    Draw or None
        The draw without its ``sample`` (an empty frame), or None.
    """
    m = month_start(month)
    row = db.execute(con, "survey_draw_get", month=m).fetchone()
    if row is None:
        return None
    strata = db.df(con, "survey_strata_of", month=m, scope=None if scope is None else list(scope))
    return Draw(m, int(row[1]), int(row[2]), strata[STRATA_COLUMNS])


def sample(con: duckdb.DuckDBPyConnection, month: str | dt.date, user: Any = None, scope: Scope = None) -> pd.DataFrame:
    """The month's sample in calling order, names and phones masked for ``user``.

    Masked by :func:`auth.scope.mask_frame` (the administrator — and the command line — sees them).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SAMPLE_COLUMNS`.
    """
    from auth.scope import mask_frame

    s = db.df(con, "survey_sample_of", month=month_start(month), scope=None if scope is None else list(scope))
    return mask_frame(s, user, con)[SAMPLE_COLUMNS]


# ----------------------------------------------------------------------------- call sheets


def call_sheets(con: duckdb.DuckDBPyConnection, month: str | dt.date, user: Any = None, scope: Scope = None) -> bytes:
    """The call sheets of the month's sample as XLSX.

    A 说明 sheet (the questionnaire and the answer words), then one sheet per township — households
    in calling order, one column per question with a drop-down of the answers, how and when they
    were asked. Phones as :func:`sample` shows them.

    Returns
    -------
    bytes
        The workbook's content.

    Raises
    ------
    SurveyError
        When the month has not been drawn.
    """
    import xlsxwriter

    m = month_start(month)
    d = drawn(con, m, scope)
    if d is None:
        raise SurveyError(key="survey.error.not_drawn", month=f"{m:%Y-%m}")
    qs = questions(con)
    s = sample(con, m, user, scope)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "bg_color": "#e8eef7", "border": 1, "text_wrap": True, "valign": "top"})
    note = wb.add_format({"italic": True, "font_color": "#555555"})
    text = wb.add_format({"num_format": "@"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    info = wb.add_worksheet("说明")
    info.write_string(0, 0, f"民意调查（三维考核）{m.year}年{m.month}月 — 电话调查表", bold)
    lines = [
        f"抽样：各乡镇（街道）常住人口的 {float(db.rule(con, 'survey_share')):.0%}，不少于 "
        f"{int(db.rule(con, 'survey_min'))} 人；随机种子 {d.seed}（同一月份、同一种子抽出同一样本）。",
        "每户询问一人。答案请从下拉框选择：" + "、".join(ANSWER_ZH[a] for a in ANSWERS) + "；"
        "调查方式：" + "、".join(METHOD_ZH[x] for x in METHODS) + "。",
        f"第 1 题（Q{int(qs['id'].iloc[0])}）为总体满意度，乡镇满意率按此题计算。",
        f"填好后在「民意调查」页面导入本文件，或用 python manage.py survey import 文件 --month {m:%Y-%m}。",
    ]
    for i, ln in enumerate(lines, start=2):
        info.write_string(i, 0, ln)
    for i, (qid, qt) in enumerate(zip(qs["id"], qs["text"]), start=2 + len(lines) + 1):
        info.write_string(i, 0, f"Q{int(qid)} {qt}")
    info.set_column(0, 0, 110)
    used = {"说明"}
    heads = SHEET_HEAD + [f"Q{int(q)} {t}" for q, t in zip(qs["id"], qs["text"])] + SHEET_TAIL
    for code, g in s.groupby("township_code", sort=True):
        name = str(g["township_name"].iloc[0] or code)
        sheet = re.sub(r"[\[\]:*?/\\]", "_", name)[:28] or str(code)
        while sheet in used:
            sheet = sheet[:26] + "_" + str(len(used))
        used.add(sheet)
        ws = wb.add_worksheet(sheet)
        ws.write_string(0, 0, f"{name}（{code}）民意调查 {m.year}年{m.month}月，共 {len(g)} 户", bold)
        ws.write_string(1, 0, "答案请从下拉框选择；未联系上的户每题都选「未联系上」", note)
        for j, h in enumerate(heads):
            ws.write_string(2, j, h, head)
        for i, rec in enumerate(g.itertuples(index=False), start=3):
            vals = [
                rec.position,
                rec.household_code,
                rec.head_name,
                rec.phone,
                rec.address,
                rec.village_name,
                rec.grid_code,
            ]
            for j, v in enumerate(vals):
                if j == 0:
                    ws.write_number(i, j, int(v))
                elif v is None or (isinstance(v, float) and math.isnan(v)):
                    ws.write_blank(i, j, None, text)
                else:
                    ws.write_string(i, j, str(v), text)
        last = 2 + len(g)
        q0, q1 = len(SHEET_HEAD), len(SHEET_HEAD) + len(qs) - 1
        ws.data_validation(3, q0, last, q1, {"validate": "list", "source": [ANSWER_ZH[a] for a in ANSWERS]})
        ws.data_validation(3, q1 + 1, last, q1 + 1, {"validate": "list", "source": [METHOD_ZH[x] for x in METHODS]})
        ws.set_column(q1 + 2, q1 + 2, 12, date)
        widths = [6, 14, 10, 15, 28, 14, 20] + [18] * len(qs) + [10, 12, 20]
        for j, wdt in enumerate(widths):
            if j != q1 + 2:
                ws.set_column(j, j, wdt)
        ws.set_row(2, 45)
        ws.freeze_panes(3, 3)
    wb.close()
    return buf.getvalue()


# ----------------------------------------------------------------------------- answers


def _answer(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    if not s:
        return None
    a = ANSWER_WORDS.get(s) or ANSWER_WORDS.get(s.lower())
    if a is None:
        raise ValueError(Message("survey.error.answer", value=s))
    return a


def _method(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    if not s:
        return None
    m = METHOD_WORDS.get(s) or METHOD_WORDS.get(s.lower())
    if m is None:
        raise ValueError(Message("survey.error.method", value=s))
    return m


def record(
    con: duckdb.DuckDBPyConnection,
    month: str | dt.date,
    household_code: str,
    answers: Mapping[int, Any],
    method: Any = None,
    answered_on: dt.date | None = None,
    actor: Any = "admin",
    today: dt.date | None = None,
) -> int:
    """Record one household's answers (question id → answer word or code); audited as ``survey_response``.

    Blank answers are left as they were.

    Returns
    -------
    int
        How many answers changed.

    Raises
    ------
    SurveyError
        When the household is not in the month's sample, a question, answer or way of asking is
        unknown, or the date lies outside the month's reach (before the month, after today).
    """  # noqa: DOC501 — the ValueError of an unknown question is caught inside and raised as SurveyError
    m = month_start(month)
    code = str(household_code).strip()
    if not db.one(con, "survey_in_sample", month=m, household_code=code):
        raise SurveyError(key="survey.error.not_in_sample", code=code, month=f"{m:%Y-%m}")
    known = set(int(x) for x in questions(con, active_only=False)["id"])
    try:
        meth = _method(method)
        parsed = {}
        for qid, v in answers.items():
            if int(qid) not in known:
                raise ValueError(Message("survey.error.no_question_number", q=qid))
            a = _answer(v)
            if a is not None:
                parsed[int(qid)] = a
    except ValueError as e:
        raise SurveyError(message_of(e)) from None
    if answered_on is not None:
        limit = today or calendar.today()
        if answered_on < m or answered_on > limit:
            raise SurveyError(key="survey.error.date_range", date=answered_on, start=m, end=limit)
    changed = _write(con, m, code, parsed, meth, answered_on, actor)
    if changed:
        from auth.audit import record as audit

        audit(
            con,
            actor,
            "survey_response",
            area=None,
            counts={"answers": changed},
            detail=f"{m:%Y-%m} {code}: " + "、".join(f"Q{q}={a}" for q, a in sorted(parsed.items())),
        )
    return changed


def _write(
    con: duckdb.DuckDBPyConnection,
    m: dt.date,
    code: str,
    parsed: Mapping[int, str],
    method: str | None,
    answered_on: dt.date | None,
    actor: Any,
) -> int:
    from auth.audit import now_local

    name = getattr(actor, "name", None) or str(actor)
    changed = 0
    with db.transaction(con):
        for qid, a in sorted(parsed.items()):
            old = db.execute(con, "survey_response_get", month=m, household_code=code, question_id=qid).fetchone()
            if old is not None and (old[0], old[1], old[2]) == (a, method, answered_on):
                continue
            db.execute(
                con,
                "survey_response_upsert",
                month=m,
                household_code=code,
                question_id=qid,
                answer=a,
                method=method,
                answered_on=answered_on,
                recorded_at=now_local(),
                recorded_by=name,
            )
            changed += 1
    return changed


def answers(con: duckdb.DuckDBPyConnection, month: str | dt.date) -> pd.DataFrame:
    """The month's answers, one row per household and question.

    Returns
    -------
    pandas.DataFrame
        The named query ``survey_responses_of``.
    """
    return db.df(con, "survey_responses_of", month=month_start(month))


def answer_table(con: duckdb.DuckDBPyConnection, month: str | dt.date, township: str, user: Any = None) -> pd.DataFrame:
    """One township's drawn households in calling order with their answers so far.

    As the survey page's answer table shows them.

    Returns
    -------
    pandas.DataFrame
        ``position, household_code, head_name, phone, village_name``, one column ``Q<id>`` per
        active question (the answer word, 满意 …, empty when not recorded), ``method`` (电话 …) and
        ``answered_on``.
    """
    m = month_start(month)
    s = sample(con, m, user)
    s = s[s["township_code"] == township].reset_index(drop=True)
    a = answers(con, m)
    out = s[["position", "household_code", "head_name", "phone", "village_name"]].copy()
    for qid in questions(con)["id"]:
        got = dict(zip(a.loc[a["question_id"] == qid, "household_code"], a.loc[a["question_id"] == qid, "answer"]))
        out[f"Q{int(qid)}"] = [ANSWER_ZH.get(got.get(h)) for h in out["household_code"]]
    first = a.drop_duplicates("household_code").set_index("household_code")
    out["method"] = [METHOD_ZH.get(first["method"].get(h)) if h in first.index else None for h in out["household_code"]]
    when = [first["answered_on"].get(h) if h in first.index else None for h in out["household_code"]]
    out["answered_on"] = pd.to_datetime(pd.Series(when, dtype=object)).dt.date
    return out


def record_edits(
    con: duckdb.DuckDBPyConnection,
    month: str | dt.date,
    before: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    actor: Any = "admin",
    today: dt.date | None = None,
) -> tuple[int, int]:
    """Record the cells changed in the survey page's answer table.

    Parameters
    ----------
    before : :func:`answer_table` as it was shown.
    edited_rows : Streamlit's data editor state, row position → {column: new value} (dates as ISO text).

    Returns
    -------
    tuple of (int, int)
        Households with an answer changed, answers changed. Each household is :func:`record`-ed
        (and audited).

    Raises
    ------
    SurveyError
        For a date that is no ISO date, or the first household :func:`record` refuses (those before
        it stay recorded).
    """
    households = changed = 0
    for i, patch in sorted(edited_rows.items(), key=lambda kv: int(kv[0])):
        row = before.iloc[int(i)].to_dict()
        row.update(patch)
        given = {int(k[1:]): v for k, v in row.items() if k.startswith("Q") and k[1:].isdigit()}
        when = row.get("answered_on")
        if isinstance(when, str):
            try:
                when = dt.date.fromisoformat(when[:10]) if when.strip() else None
            except ValueError:
                raise SurveyError(key="survey.error.date_format", date=when) from None
        elif when is None or pd.isna(when):  # None, NaN, NaT: no date
            when = None
        elif isinstance(when, (pd.Timestamp, dt.datetime)):
            when = when.date()
        n = record(
            con,
            month,
            str(row["household_code"]),
            given,
            method=row.get("method"),
            answered_on=when,
            actor=actor,
            today=today,
        )
        changed += n
        households += 1 if n else 0
    return households, changed


@dataclass
class ImportResult:
    """What an import of a returned call sheet did."""

    source: str
    households: int = 0  # households with at least one answer changed
    answers: int = 0  # answers written
    unchanged: int = 0  # rows already recorded exactly so
    blank: int = 0  # rows with no answer (not called yet)
    errors: list = field(default_factory=list)  # ingest.errors.RowError

    def summary(self) -> str:
        """One line: the file, households and answers recorded, unchanged, blank and rejected rows.

        Returns
        -------
        str
            The command line's summary of the import.
        """
        return (
            f"{self.source}: survey answers recorded for {self.households} households ({self.answers} answers), "
            f"unchanged {self.unchanged}, blank {self.blank}, rejected {len({e.row for e in self.errors})}"
        )


def import_sheet(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    month: str | dt.date,
    actor: Any = "admin",
    today: dt.date | None = None,
    source: str | None = None,
) -> ImportResult:
    """Import the answers of a returned call sheet (every township sheet of the workbook).

    The header row is found among the first 10 rows of each sheet (户编号 and at least one ``Q<id>``
    column). A bad row (a household not in the sample, an unknown answer or way, a bad date) is
    reported as ``FILE row N column C: …`` and skipped; the good rows are written in one transaction
    and audited as ``import``. Importing the same sheet again changes nothing.

    Returns
    -------
    ImportResult
        The counts and the rejected rows.

    Raises
    ------
    ImportFailed
        (ingest.errors) When the file is missing, not a workbook, the month has not been drawn, or it
        has no call sheet in it.
    """  # noqa: DOC501 — a bad date's ValueError is caught inside and reported as that row's error
    from ingest.errors import ImportFailed, RowError
    from ingest.values import parse_date

    p = Path(path)
    name = source or p.name
    if not p.is_file():
        raise ImportFailed(key="ingest.error.no_file", at=f"{p}: ")
    if p.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise ImportFailed(key="survey.error.not_xlsx", at=f"{name}: ")
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(p))
    except Exception as e:  # calamine's own error types for broken files
        raise ImportFailed(key="ingest.error.excel", at=f"{name}: ", error=type(e).__name__) from e
    m = month_start(month)
    if drawn(con, m) is None:
        raise ImportFailed(key="survey.error.not_drawn_import", month=f"{m:%Y-%m}")
    in_sample = set(db.df(con, "survey_sample_of", month=m, scope=None)["household_code"])
    known = set(int(x) for x in questions(con, active_only=False)["id"])
    res = ImportResult(name)
    limit = today or _today()
    parsed_rows: list[tuple[str, dict[int, str], str | None, dt.date | None]] = []
    sheets_found = 0
    for sheet in wb.sheet_names:
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        found = _call_sheet_header(rows)
        if found is None:
            continue
        sheets_found += 1
        hdr, cols = found
        src = f"{name}[{sheet}]"
        for i in range(hdr + 1, len(rows)):
            cells = rows[i]
            n = i + 1

            def cell(j: int | None) -> Any:
                return cells[j] if j is not None and j < len(cells) else None

            code = _text(cell(cols["code"]))
            given = {q: cell(j) for q, j in cols["questions"].items()}
            if not code and not any(_text(v) for v in given.values()):
                continue
            bad = False
            ans: dict[int, str] = {}
            for q, v in given.items():
                try:
                    a = _answer(v)
                except ValueError as e:
                    res.errors.append(RowError(src, n, f"Q{q}", _text(v), message_of(e)))
                    bad = True
                    continue
                if a is not None:
                    if q not in known:
                        res.errors.append(RowError(src, n, f"Q{q}", _text(v), Message("survey.error.no_question", q=q)))
                        bad = True
                    ans[q] = a
            if not ans and not bad:
                res.blank += 1
                continue
            if code not in in_sample:
                res.errors.append(
                    RowError(
                        src,
                        n,
                        "户编号",
                        code or "",
                        Message(
                            "survey.error.not_in_sample", code=code or Message("message.empty"), month=f"{m:%Y-%m}"
                        ),
                    )
                )
                continue
            try:
                meth = _method(cell(cols.get("method")))
            except ValueError as e:
                res.errors.append(RowError(src, n, "调查方式", _text(cell(cols.get("method"))), message_of(e)))
                continue
            when = None
            raw = cell(cols.get("date"))
            if _text(raw):
                try:
                    when = parse_date(raw if isinstance(raw, (dt.date, dt.datetime)) else _text(raw))
                    if when < m or when > limit:
                        raise ValueError(Message("survey.error.date_range", date=when, start=m, end=limit))
                except ValueError as e:
                    res.errors.append(RowError(src, n, "调查日期", _text(raw), message_of(e)))
                    continue
            if bad:
                continue
            parsed_rows.append((code, ans, meth, when))
    if not sheets_found:
        raise ImportFailed(key="survey.error.no_call_sheet", at=f"{name}: ")
    from auth.audit import record as audit

    with db.transaction(con):
        for code, ans, meth, when in parsed_rows:
            k = _write(con, m, code, ans, meth, when, actor)
            if k:
                res.households += 1
                res.answers += k
            else:
                res.unchanged += 1
        audit(
            con,
            actor,
            "import",
            counts={
                "households": res.households,
                "answers": res.answers,
                "unchanged": res.unchanged,
                "rejected": len({e.row for e in res.errors}),
            },
            detail=f"survey {m:%Y-%m} {name}",
        )
    return res


def _today() -> dt.date:
    from analytics.monthly import report_day

    return report_day()


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


_Q = re.compile(r"^\s*Q\s*(\d+)\b", re.IGNORECASE)


def _call_sheet_header(rows: list[list[Any]]) -> tuple[int, dict[str, Any]] | None:
    """The header row of a call sheet (户编号 and at least one ``Q<id>`` column) and its columns.

    Returns
    -------
    tuple of (int, dict) or None
        The row's index among the first 10 and the column indexes (``code``, ``questions`` by id,
        ``method`` and ``date`` when present), or None.
    """
    for i, cells in enumerate(rows[:10]):
        texts = [_text(c) for c in cells]
        if "户编号" not in texts:
            continue
        qs = {int(mm.group(1)): j for j, tx in enumerate(texts) if (mm := _Q.match(tx))}
        if not qs:
            continue
        cols: dict[str, Any] = {"code": texts.index("户编号"), "questions": qs}
        if "调查方式" in texts:
            cols["method"] = texts.index("调查方式")
        if "调查日期" in texts:
            cols["date"] = texts.index("调查日期")
        return i, cols
    return None


# ----------------------------------------------------------------------------- results


def results(con: duckdb.DuckDBPyConnection, month: str | dt.date, scope: Scope = None) -> pd.DataFrame:
    """Per township of the month's draw: response rate, and satisfaction on the overall question.

    The satisfaction comes with its 95 % Wilson interval, beside the benchmark.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RESULT_COLUMNS` (rates fractions 0–1, 4 decimals); empty when not drawn.
    """
    m = month_start(month)
    d = drawn(con, m, scope)
    if d is None:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    r = db.df(con, "survey_results", month=m, question=d.overall_question, scope=None if scope is None else list(scope))
    with np.errstate(divide="ignore", invalid="ignore"):
        r["response_rate"] = np.round(np.where(r["sampled"] > 0, r["reached"] / r["sampled"], np.nan), 4)
        r["satisfaction"] = np.round(np.where(r["answered"] > 0, r["satisfied"] / r["answered"], np.nan), 4)
    ci = [wilson(int(k), int(n)) for k, n in zip(r["satisfied"], r["answered"])]
    r["ci_low"] = [None if lo is None else round(lo, 4) for lo, _ in ci]
    r["ci_high"] = [None if hi is None else round(hi, 4) for _, hi in ci]
    r["ci_low"] = r["ci_low"].astype(float)
    r["ci_high"] = r["ci_high"].astype(float)
    r["benchmark"] = float(db.rule(con, "benchmark_satisfaction"))
    return r[RESULT_COLUMNS]


def question_results(con: duckdb.DuckDBPyConnection, month: str | dt.date, scope: Scope = None) -> pd.DataFrame:
    """Per township and question, the answers and the share satisfied.

    Returns
    -------
    pandas.DataFrame
        ``code, question_id, answered, satisfied, partly, unsatisfied, satisfaction`` (a fraction,
        NaN when nobody answered).
    """
    r = db.df(con, "survey_question_results", month=month_start(month), scope=None if scope is None else list(scope))
    with np.errstate(divide="ignore", invalid="ignore"):
        r["satisfaction"] = np.round(np.where(r["answered"] > 0, r["satisfied"] / r["answered"], np.nan), 4)
    return r


def township_satisfaction(con: duckdb.DuckDBPyConnection, month: str | dt.date, scope: Scope = None) -> pd.Series:
    """Survey satisfaction per township code for the monthly 通报.

    Returns
    -------
    pandas.Series
        Township code → satisfaction (a fraction; NaN where nobody answered); empty when the month
        was not drawn.
    """
    r = results(con, month, scope)
    return r.set_index("code")["satisfaction"].astype(float) if len(r) else pd.Series(dtype=float)
