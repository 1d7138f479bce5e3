"""The monthly 通报 (每月一通报): township rankings, each township's villages, overdue items — one XLSX.

Every number comes from the functions the pages call, as of the same day, so the 通报 and the pages
cannot differ:

- coverage: :func:`analytics.reports.coverage` over the month (home visits);
- quota attainment: staff-weeks met / staff-weeks, over the ISO weeks that belong to the month (the
  week's Thursday is in the month, so each week belongs to exactly one month) and have ended by the
  report day, from :func:`analytics.reports.quotas`; a staff member counts in every area where they are
  responsible for a grid;
- petitions: :func:`analytics.petitions.figures_by_area` for petitions received in the month, as of the
  report day (per 1,000 households, on-time rate = closed on time / closed, satisfaction = satisfied / rated);
- survey satisfaction (townships only): :func:`analytics.survey.township_satisfaction` of the month's
  民意调查 (satisfied / answered on the overall question);
- score = ``survey_weight`` (rule, 23 %) × survey satisfaction + (1 − ``survey_weight``) × the mean of
  the rates available among coverage, quota attainment, on-time rate and petition satisfaction, × 100;
  without a survey result (a village, or a township nobody answered) the mean alone. The number of
  petitions is shown but not scored (ranking places by petition counts is not done since 2014; it
  rewards suppressing petitions). Rank 1 is the best; ties share a rank.
  The bottom three are marked (三维考核), when more than three places are ranked; otherwise the last one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics import calendar, petitions, reports
from analytics.reports import ReportError, Scope
from store import db

RANK_COLUMNS = [
    "rank",
    "code",
    "name",
    "households",
    "visited",
    "coverage",
    "staff_weeks",
    "staff_weeks_met",
    "quota_rate",
    "received",
    "per_1000",
    "closed",
    "closed_on_time",
    "on_time_rate",
    "rated",
    "satisfied",
    "satisfaction_rate",
    "overdue",
    "repeat",
    "group",
    "survey_satisfaction",
    "score",
    "mark",
]
OVERDUE_COLUMNS = [
    "kind",
    "id",
    "received_on",
    "township_name",
    "village_name",
    "category",
    "people",
    "status",
    "reply_due",
    "close_due",
    "days_overdue",
]
PERCENT = {
    "coverage",
    "quota_rate",
    "on_time_rate",
    "satisfaction_rate",
    "resolution_rate",
    "solved_rate",
    "survey_satisfaction",
}
SCORED = ("coverage", "quota_rate", "on_time_rate", "satisfaction_rate")


def parse_month(month: str) -> tuple[dt.date, dt.date]:
    """``2026-10`` (or ``2026/10``, ``202610``, ``2026年10月``) → (first day, last day).

    Parameters
    ----------
    month : str
        The month as typed.

    Returns
    -------
    tuple of (datetime.date, datetime.date)
        The month's first and last day.

    Raises
    ------
    ReportError
        When the text is no month of these forms.

    Examples
    --------
    >>> parse_month("2026-10")
    (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    """
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?\s*", month or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ReportError(key="monthly.error.month_format", month=repr(month))
    start = dt.date(int(m.group(1)), int(m.group(2)), 1)
    nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def month_weeks(start: dt.date, end: dt.date, as_of: dt.date) -> list[str]:
    """The ISO weeks of a month (Thursday in the month) that have ended by ``as_of``.

    Parameters
    ----------
    start, end : datetime.date
        The month's first and last day.
    as_of : datetime.date
        The report day: a week counts once its Sunday is on or before it.

    Returns
    -------
    list of str
        ISO weeks ``['2026-W40', …]``, in order.

    Examples
    --------
    >>> month_weeks(dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 26))
    ['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44']
    """
    out = []
    d = start + dt.timedelta(days=(3 - start.weekday()) % 7)  # the first Thursday in the month
    while d <= end:
        if d + dt.timedelta(days=3) <= as_of:
            y, w, _ = d.isocalendar()
            out.append(f"{y}-W{w:02d}")
        d += dt.timedelta(days=7)
    return out


def report_day() -> dt.date:
    """Today in Asia/Shanghai: :func:`analytics.calendar.today` (``LIANXIN_TODAY`` overrides it).

    Returns
    -------
    datetime.date
    """
    return calendar.today()


def week_quotas(con: duckdb.DuckDBPyConnection, weeks: list[str], scope: Scope) -> pd.DataFrame:
    """:func:`analytics.reports.quotas` of each week, one row per (week, staff member, grid).

    Returns
    -------
    pandas.DataFrame
        Columns ``week, staff_id, grid, met``.
    """
    parts = []
    for week in weeks:
        q = reports.quotas(con, week, scope=scope)
        q = q.assign(grid=q["grid_code"].str.split("、"), week=week).explode("grid")
        parts.append(q[["week", "staff_id", "grid", "met"]])
    if not parts:
        return pd.DataFrame({"week": [], "staff_id": [], "grid": [], "met": []})
    return pd.concat(parts, ignore_index=True)


def quota_attainment(con: duckdb.DuckDBPyConnection, level: str, quotas: pd.DataFrame) -> pd.DataFrame:
    """Staff-weeks and staff-weeks met per area of ``level`` (township or village) from :func:`week_quotas`.

    A staff member counts once per week in each area where they hold a grid.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, staff_weeks, staff_weeks_met``; areas without staff-weeks left out.
    """
    grids = db.df(con, "grid_areas").set_index("grid_code")[f"{level}_code"]
    q = quotas.assign(code=quotas["grid"].map(grids)).dropna(subset=["code"])
    q = q[["code", "week", "staff_id", "met"]].drop_duplicates(["code", "week", "staff_id"])
    q["met"] = q["met"].astype(bool)
    return q.groupby("code").agg(staff_weeks=("staff_id", "size"), staff_weeks_met=("met", "sum")).reset_index()


def _rank(table: pd.DataFrame, survey_weight: float = 0.0) -> pd.DataFrame:
    rates = table[list(SCORED)].astype(float)
    score = rates.mean(axis=1, skipna=True) * 100
    if "survey_satisfaction" in table.columns:  # the 民意调查's share of the score (rule survey_weight)
        survey = table["survey_satisfaction"].astype(float) * 100
        score = score.where(survey.isna(), survey_weight * survey + (1 - survey_weight) * score.fillna(survey))
    table = table.assign(score=score.round(1))
    table["rank"] = table["score"].rank(method="min", ascending=False, na_option="bottom").astype(int)
    table = table.sort_values(["rank", "code"]).reset_index(drop=True)
    n = len(table)
    cut = n - 3 if n > 3 else n - 1
    mark = "last_three" if n > 3 else "last"  # worded by _values (petitions_page.report.mark.*)
    table["mark"] = [mark if n > 1 and i >= cut else "" for i in range(n)]
    return table


def area_table(
    con: duckdb.DuckDBPyConnection,
    level: str,
    start: dt.date,
    end: dt.date,
    scope: Scope,
    as_of: dt.date,
    quotas: pd.DataFrame,
) -> pd.DataFrame:
    """The ranking columns (:data:`RANK_COLUMNS`) for every area of ``level`` in ``scope``, ranked.

    ``survey_satisfaction`` is empty below townships.

    Returns
    -------
    pandas.DataFrame
        One row per area, best rank first; rates are fractions 0–1, ``score`` 0–100.
    """
    cov = reports.coverage(con, level, start, end, scope=scope)
    figs = petitions.figures_by_area(con, level, start, end, scope, as_of)
    quota = quota_attainment(con, level, quotas)
    t = cov.merge(figs.drop(columns=["name", "households"]), on="code", how="left").merge(quota, on="code", how="left")
    t["staff_weeks"] = t["staff_weeks"].fillna(0).astype(int)
    t["staff_weeks_met"] = t["staff_weeks_met"].fillna(0).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        t["quota_rate"] = np.where(
            t["staff_weeks"] > 0, np.round(t["staff_weeks_met"] / t["staff_weeks"].replace(0, np.nan), 4), np.nan
        )
    t["coverage"] = t["coverage"].astype(float)
    if level == "township":
        from analytics.survey import township_satisfaction

        t["survey_satisfaction"] = t["code"].map(township_satisfaction(con, start, scope)).astype(float)
    else:
        t["survey_satisfaction"] = np.nan
    return _rank(t, float(db.rule(con, "survey_weight")))[RANK_COLUMNS]


def monthly_tables(
    con: duckdb.DuckDBPyConnection, month: str, scope: Scope = None, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The numbers of the 通报.

    Returns
    -------
    dict
        ``month`` (first day), ``end``, ``as_of``, ``weeks``, ``townships`` (ranked DataFrame),
        ``villages`` ({township code: ranked DataFrame}), ``overdue`` (DataFrame,
        :data:`OVERDUE_COLUMNS`), ``notice`` (the calendar notice or None).

    Raises
    ------
    ReportError
        When the month is no month, or has not begun by ``as_of``.
    """
    start, end = parse_month(month)
    as_of = as_of or report_day()
    if start > as_of:
        raise ReportError(key="monthly.error.not_started", month=f"{start:%Y-%m}", today=as_of)
    weeks = month_weeks(start, end, as_of)
    quotas = week_quotas(con, weeks, scope)
    towns = area_table(con, "township", start, end, scope, as_of, quotas)
    villages_all = area_table(con, "village", start, end, scope, as_of, quotas)
    parents = db.df(con, "area_households", level="village", scope=None if scope is None else list(scope))
    parent_of = dict(zip(parents["code"], parents["parent_code"]))
    villages = {}
    for code in towns.sort_values("code")["code"]:
        part = villages_all[villages_all["code"].map(parent_of) == code].drop(columns=["rank", "score", "mark"])
        villages[code] = _rank(part)[RANK_COLUMNS].drop(columns=["survey_satisfaction"])
    work = petitions.worklist(con, scope, as_of)
    overdue = work[work["overdue"]].reset_index(drop=True)[OVERDUE_COLUMNS]
    notice = petitions.deadline_notice(con, work, "zh")
    return {
        "month": start,
        "end": end,
        "as_of": as_of,
        "weeks": weeks,
        "townships": towns,
        "villages": villages,
        "overdue": overdue,
        "notice": notice,
    }


# ----------------------------------------------------------------------------- the workbook

#: Columns that are a figure shown on the pages too: their header is the figure's one name (``figure.*``).
FIGURE_OF_COLUMN = {
    "households": "households",
    "visited": "visited",
    "coverage": "coverage",
    "received": "petitions_received",
    "closed": "petitions_closed",
    "overdue": "petitions_overdue",
    "resolution_rate": "resolution_rate",
    "on_time_rate": "on_time_rate",
    "satisfaction_rate": "satisfaction_rate",
    "repeat": "petitions_repeat",
    "group": "petitions_group",
    "issues": "issues",
    "issues_closed": "issues_closed",
    "issues_overdue": "issues_overdue",
    "solved_rate": "solved_rate",
}


def label(column: str, lang: str = "zh") -> str:
    """The header of a 通报 column, in ``lang``.

    Returns
    -------
    str
        The figure's name when it is one (``figure.*``), else ``petitions_page.col.*``, else the
        shared ``col.*``, else ``column`` itself.
    """
    from i18n import CATALOG, normalize_lang

    table = CATALOG[normalize_lang(lang)]
    fig = FIGURE_OF_COLUMN.get(column)
    return (
        (fig and table.get(f"figure.{fig}"))
        or table.get(f"petitions_page.col.{column}")
        or table.get(f"col.{column}")
        or column
    )


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'")[:28] or "sheet"
    out, i = base, 2
    while out.lower() in used:
        out = f"{base[:26]}_{i}"
        i += 1
    used.add(out.lower())
    return out


def _values(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Codes as words where a person reads them (kind, status, mark).

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``kind``, ``status`` and ``mark`` worded in ``lang``.
    """
    from i18n import t

    out = frame.copy()
    if "kind" in out.columns:
        out["kind"] = [t(f"petitions_page.kind.{k}", lang) for k in out["kind"]]
    if "status" in out.columns:
        out["status"] = [t(f"status.{s}", lang) for s in out["status"]]
    if "mark" in out.columns:
        out["mark"] = [t(f"petitions_page.report.mark.{m}", lang) if m else "" for m in out["mark"]]
    return out


def _write_sheet(
    wb: Any, fmts: dict[str, Any], name: str, title: str, subtitle: str, frame: pd.DataFrame, lang: str
) -> None:
    from analytics.export import _is_missing, cell_text, set_widths

    ws = wb.add_worksheet(name)
    cols = list(frame.columns)
    last = max(0, len(cols) - 1)
    for row, text, f in ((0, title, fmts["title"]), (1, subtitle, fmts["sub"])):
        if last:
            ws.merge_range(row, 0, row, last, text, f)
        else:
            ws.write_string(row, 0, text, f)
    heads = [label(c, lang) for c in cols]
    for j, h in enumerate(heads):
        ws.write_string(2, j, h, fmts["head"])
    for i, rec in enumerate(frame.itertuples(index=False, name=None), start=3):
        marked = "mark" in cols and rec[cols.index("mark")]
        for j, (c, v) in enumerate(zip(cols, rec)):
            if _is_missing(v) or v == "":
                ws.write_blank(i, j, None)
            elif c == "mark":
                ws.write_string(i, j, str(v), fmts["mark"])
            elif isinstance(v, (dt.date, pd.Timestamp)):
                d = v.date() if isinstance(v, (pd.Timestamp, dt.datetime)) else v
                ws.write_datetime(i, j, dt.datetime(d.year, d.month, d.day), fmts["date"])
            elif isinstance(v, (bool, np.bool_)):
                ws.write_boolean(i, j, bool(v))
            elif isinstance(v, (int, float, np.integer, np.floating)):
                f = (
                    fmts["pct"]
                    if c in PERCENT
                    else fmts["dec2"]
                    if c == "per_1000"
                    else fmts["dec1"]
                    if c == "score"
                    else None
                )
                ws.write_number(i, j, float(v), f)
            else:
                ws.write_string(i, j, cell_text(c, v), fmts["name_mark"] if marked and c == "name" else None)
    set_widths(ws, frame, heads)
    ws.freeze_panes(3, 0)
    if len(frame):
        ws.autofilter(2, 0, 2 + len(frame), last)


def monthly_workbook(
    con: duckdb.DuckDBPyConnection, month: str, scope: Scope = None, as_of: dt.date | None = None, lang: str = "zh"
) -> bytes:
    """The 通报 as XLSX bytes: 乡镇排名, one sheet per township (its villages), 逾期信访件, 逾期走访问题, 说明.

    Rows 1–2 are a title and "as of" line, row 3 the headers (frozen); numbers are numbers
    (rates as 0.0 %), dates are dates.

    Returns
    -------
    bytes
        The workbook's content.
    """
    import xlsxwriter

    from i18n import fmt_month, fmt_week, t

    data = monthly_tables(con, month, scope, as_of)
    start, as_of = data["month"], data["as_of"]
    m = fmt_month(start.year, start.month, lang)
    # the weeks as the pages write them (2026年第45周); the ISO form stays for reports.quotas
    weeks = [fmt_week(int(w[:4]), int(w[6:]), lang) for w in data["weeks"]]
    sub = t("petitions_page.report.as_of", lang, date=as_of.isoformat(), weeks=("、".join(weeks) or "—"))
    if data["notice"]:
        sub += " " + data["notice"]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    fmts = {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "sub": wb.add_format({"italic": True, "font_color": "#555555"}),
        "head": wb.add_format({"bold": True, "bg_color": "#e8eef7", "border": 1, "text_wrap": True}),
        "pct": wb.add_format({"num_format": "0.0 %"}),
        "dec2": wb.add_format({"num_format": "0.00"}),
        "dec1": wb.add_format({"num_format": "0.0"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "mark": wb.add_format({"bold": True, "font_color": "#b00020", "bg_color": "#fde7e9"}),
        "name_mark": wb.add_format({"font_color": "#b00020"}),
    }
    used: set[str] = set()
    towns = data["townships"]
    _write_sheet(
        wb,
        fmts,
        _sheet_name(t("petitions_page.report.sheet_townships", lang), used),
        t("petitions_page.report.title_townships", lang, month=m),
        sub,
        _values(towns, lang),
        lang,
    )
    names = dict(zip(towns["code"], towns["name"]))
    for code, frame in data["villages"].items():
        _write_sheet(
            wb,
            fmts,
            _sheet_name(names.get(code, code), used),
            t("petitions_page.report.title_villages", lang, month=m, township=names.get(code, code)),
            sub,
            _values(frame, lang),
            lang,
        )
    over = data["overdue"]
    for kind in ("petition", "visit_issue"):  # petitions and visit follow-ups apart, each labelled
        _write_sheet(
            wb,
            fmts,
            _sheet_name(t(f"petitions_page.report.sheet_overdue.{kind}", lang), used),
            t(f"petitions_page.report.title_overdue.{kind}", lang, month=m, date=as_of.isoformat()),
            sub,
            _values(over[over["kind"] == kind].drop(columns="kind"), lang),
            lang,
        )
    weight = float(db.rule(con, "survey_weight"))
    notes = pd.DataFrame(
        {
            "definition": [
                t(f"petitions_page.report.note{i}", lang, weight=f"{weight:.0%}", rest=f"{1 - weight:.0%}")
                for i in range(1, 6)
            ]
        }
    )
    _write_sheet(
        wb,
        fmts,
        _sheet_name(t("petitions_page.report.sheet_notes", lang), used),
        t("petitions_page.report.sheet_notes", lang),
        sub,
        notes,
        lang,
    )
    wb.close()
    return buf.getvalue()
