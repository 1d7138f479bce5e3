"""The working-day calendar: official holidays and 调休 make-up days, as a DuckDB table.

``calendar_days(day, workday, source, workday_no)`` covers a contiguous range of years. Each year
is filled from the ``chinesecalendar`` package when it knows the year (it knows the years already
announced: in 2026, up to 2026); an administrator's entries in ``holidays_custom`` override it; a
year nobody has announced is counted weekends-only (``source = 'weekends-only'``) and
:func:`calendar_notice` says so. A deadline that runs into such a year is never an error.

``workday_no`` is the cumulative count of workdays, so "N working days after D" is one join::

    JOIN calendar_days s ON s.day = D
    JOIN calendar_days d ON d.workday AND d.workday_no = s.workday_no + N
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Iterable

import duckdb
import pandas as pd

from i18n import WordedError
from store import db

SOURCES = ("official", "custom", "weekends", "weekends-only")


class CalendarError(WordedError, ValueError):
    """A calendar entry that makes no sense; the message says what to fix (worded by the catalog)."""


def today() -> dt.date:
    """Today in Asia/Shanghai, the one day every figure, deadline and command is judged at.

    ``$LIANXIN_TODAY`` (ISO ``YYYY-MM-DD``) overrides it, for tests, demos and the benchmark; the
    pages (ui.common.today), the command line and the analytics all read it here.

    Returns
    -------
    datetime.date
        ``$LIANXIN_TODAY`` if set (``date.fromisoformat`` raises ValueError for anything but an
        ISO date), else the local date in Asia/Shanghai (auth.audit.now_local).
    """
    fixed = os.environ.get("LIANXIN_TODAY")
    if fixed:
        return dt.date.fromisoformat(fixed)
    from auth.audit import now_local

    return now_local().date()


PERIODS = ("week", "month", "quarter", "year", "last_days", "custom")


def period_range(
    kind: str, ref: dt.date, custom: tuple[dt.date, dt.date] | None = None, days: int = 182
) -> tuple[dt.date, dt.date]:
    """The date range of a period preset around ``ref`` (today).

    Parameters
    ----------
    kind : str
        One of :data:`PERIODS`.
    ref : datetime.date
        The reference day (today).
    custom : tuple of (datetime.date, datetime.date), optional
        The range of ``kind == "custom"``.
    days : int, default 182
        The length of ``"last_days"``, in days.

    Returns
    -------
    tuple of (datetime.date, datetime.date)
        First and last day, both included: the calendar week (Monday–Sunday), month, quarter or year
        holding ``ref``; the ``days`` days ending at ``ref``; else ``custom``, or 1 January to ``ref``
        when no custom range is given.
    """
    if kind == "week":
        start = ref - dt.timedelta(days=ref.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == "month":
        start = ref.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return start, nxt - dt.timedelta(days=1)
    if kind == "quarter":
        q0 = 3 * ((ref.month - 1) // 3) + 1
        start = ref.replace(month=q0, day=1)
        end_month = q0 + 2
        nxt = dt.date(ref.year + (end_month == 12), end_month % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    if kind == "year":
        return dt.date(ref.year, 1, 1), dt.date(ref.year, 12, 31)
    if kind == "last_days":
        return ref - dt.timedelta(days=days - 1), ref
    if custom:
        return custom
    return dt.date(ref.year, 1, 1), ref


def official_workday(day: dt.date) -> bool | None:
    """The package's answer for ``day``, or None when it does not know the year.

    Parameters
    ----------
    day : datetime.date
        Any day.

    Returns
    -------
    bool or None
        Whether chinese-calendar counts it a working day (holidays and 调休 included), or None.

    Examples
    --------
    >>> official_workday(dt.date(2026, 10, 1)), official_workday(dt.date(2026, 10, 10))
    (False, True)
    >>> official_workday(dt.date(2999, 1, 1)) is None
    True
    """
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - the package is a requirement
        return None
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def official_holiday_name(day: dt.date) -> str | None:
    """The Chinese name of the official holiday ``day`` belongs to (国庆节…), or None.

    None on a working day, an ordinary weekend, or in a year the package does not know.

    Parameters
    ----------
    day : datetime.date
        Any day.

    Returns
    -------
    str or None
        The holiday's Chinese name, or None.

    Examples
    --------
    >>> official_holiday_name(dt.date(2026, 10, 1)), official_holiday_name(dt.date(2026, 9, 30))
    ('国庆节', None)
    >>> official_holiday_name(dt.date(2999, 1, 1)) is None
    True
    """
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - the package is a requirement
        return None
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if not on_holiday or not name:
        return None
    for h in chinese_calendar.Holiday:
        if h.value == name:
            return h.chinese
    return str(name)  # pragma: no cover - a holiday the package does not name in Chinese


def year_known(year: int) -> bool:
    """Whether the package knows the official holidays of ``year``.

    Parameters
    ----------
    year : int
        A calendar year.

    Returns
    -------
    bool
        True when chinese-calendar answers for 1 January of that year.
    """
    return official_workday(dt.date(year, 1, 1)) is not None


def _year_days(year: int, custom: dict[dt.date, bool]) -> tuple[list[dt.date], list[bool], list[str]]:
    known = year_known(year)
    announced_by_admin = any(d.year == year for d in custom)
    days, work, src = [], [], []
    d = dt.date(year, 1, 1)
    while d.year == year:
        if d in custom:
            w, s = custom[d], "custom"
        elif known:
            w, s = bool(official_workday(d)), "official"
        else:
            w, s = d.weekday() < 5, ("weekends" if announced_by_admin else "weekends-only")
        days.append(d)
        work.append(w)
        src.append(s)
        d += dt.timedelta(days=1)
    return days, work, src


def _fill(con: duckdb.DuckDBPyConnection, years: list[int]) -> None:
    """(Re)build the given years and renumber the whole table (no transaction of its own)."""
    if not years:
        return
    custom = {r[0]: bool(r[1]) for r in db.rows(con, "holidays_custom_of_years", years=years)}
    days: list[dt.date] = []
    work: list[bool] = []
    src: list[str] = []
    for y in years:
        d, w, s = _year_days(y, custom)
        days += d
        work += w
        src += s
    db.execute(con, "calendar_delete_years", years=years)
    db.execute(con, "calendar_insert", days=days, workdays=work, sources=src)
    db.execute(con, "calendar_renumber")


def _years_todo(con: duckdb.DuckDBPyConnection, want: set[int], force: set[int] = frozenset()) -> list[int]:
    """The years to fill so that the calendar covers ``want`` contiguously (``force``: fill again anyway).

    Returns
    -------
    list of int
        Ascending: years missing or incomplete between the earliest and latest wanted or stored, forced
        ones, and weekends-only years the package has learnt since.
    """
    have = {int(r[0]): (int(r[1]), bool(r[2])) for r in db.rows(con, "calendar_years")}
    allyears = want | set(have)
    if not allyears:
        return []
    todo = []
    for y in range(min(allyears), max(allyears) + 1):
        full = dt.date(y, 12, 31).timetuple().tm_yday
        if y in force or y not in have or have[y][0] != full or (have[y][1] and year_known(y)):
            todo.append(y)
    return todo


def ensure_calendar(con: duckdb.DuckDBPyConnection, years: Iterable[int]) -> None:
    """Make sure the calendar covers ``years`` (and every year between them and the years present).

    Years already present are left alone, except a weekends-only year the package has learnt
    since (a newer chinesecalendar), which is filled again. Runs in a transaction of its own.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    years : iterable of int
        The years wanted. A store error while filling is raised as it came, unless it was a write
        conflict with another session that filled the same years meanwhile.

    Examples
    --------
    >>> con = db.connect(":memory:")
    >>> ensure_calendar(con, [2026])
    >>> add_working_days(con, dt.date(2026, 9, 30), 7)
    datetime.date(2026, 10, 15)
    """
    want = {int(y) for y in years}
    if not want or not _years_todo(con, want):
        return
    try:
        with db.transaction(con):
            _fill(con, _years_todo(con, want))
    except Exception as e:
        # another session filled the same years at the same moment: fine if they are there now
        if not db.is_conflict(e) or _years_todo(con, want):
            raise


def refresh_calendar(con: duckdb.DuckDBPyConnection, years: Iterable[int] | None = None) -> None:
    """Fill ``years`` (default: every year present) again, e.g. after the administrator's entries changed."""
    ys = {int(y) for y in years} if years is not None else {int(r[0]) for r in db.rows(con, "calendar_years")}
    with db.transaction(con):
        _fill(con, _years_todo(con, ys, force=ys))


def add_working_days(con: duckdb.DuckDBPyConnection, start: dt.date, n: int) -> dt.date:
    """The workday ``n`` working days after ``start`` (a start on a holiday counts from the next workday).

    Parameters
    ----------
    start : the day counting starts from (not itself counted).
    n : working days, ≥ 0; 0 gives ``start``.

    Returns
    -------
    datetime.date
        The working day reached. Years the package does not know are counted weekends-only; see
        :func:`calendar_notice`.

    Raises
    ------
    CalendarError
        When ``n`` is negative, or (a calendar without working days) no working day is found.

    Examples
    --------
    >>> con = db.connect(":memory:")
    >>> add_working_days(con, dt.date(2026, 12, 28), 7)    # into 2027: weekends-only, no error
    datetime.date(2027, 1, 6)
    """
    if n < 0:
        raise CalendarError(key="calendar.error.negative", n=n)
    years = list(range(start.year, start.year + 2))
    while True:
        ensure_calendar(con, years)
        r = db.one(con, "calendar_add_workdays", start=start, n=int(n))
        if r is not None:
            return r.date() if isinstance(r, dt.datetime) else r
        years.append(years[-1] + 1)
        if years[-1] > start.year + 1 + n // 200 + 2:  # pragma: no cover - a calendar without workdays
            raise CalendarError(key="calendar.error.too_far")


def is_workday(con: duckdb.DuckDBPyConnection, day: dt.date) -> bool:
    """Whether ``day`` is a working day in the stored calendar (filled on demand).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    day : datetime.date
        Any day.

    Returns
    -------
    bool
        True on a working day (official, the administrator's entries, or weekends-only).
    """
    ensure_calendar(con, [day.year])
    r = db.rows(con, "calendar_range", date_from=day, date_to=day)
    return bool(r[0][1])


def days_between(con: duckdb.DuckDBPyConnection, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """Every day from ``date_from`` to ``date_to`` as the stored calendar counts it (filled on demand).

    The one answer to "is this a working day, and why": the official calendar, overridden by the
    administrator's 放假安排 (:func:`set_custom_day`), weekends-only for a year nobody announced —
    the same table the petition deadlines count in.

    Parameters
    ----------
    date_from, date_to : datetime.date
        Both included; ``date_to`` before ``date_from`` gives no rows.

    Returns
    -------
    pandas.DataFrame
        One row per day: ``day`` (date), ``workday`` (bool), ``holiday`` (a day off that is not an
        ordinary weekend: an official holiday or one the administrator entered), ``holiday_name``
        (e.g. 国庆节, or the administrator's name; None on working days), ``makeup`` (a weekend made a
        working day, 调休), ``known`` (False in a weekends-only year) and ``source`` (:data:`SOURCES`).

    Examples
    --------
    >>> con = db.connect(":memory:")
    >>> d = days_between(con, dt.date(2026, 10, 1), dt.date(2026, 10, 10))
    >>> d.loc[0, "holiday_name"], bool(d.loc[9, "makeup"]), int(d["workday"].sum())
    ('国庆节', True, 3)
    >>> set_custom_day(con, "admin", dt.date(2027, 2, 10), False, "春节")
    >>> feb = days_between(con, dt.date(2027, 2, 10), dt.date(2027, 2, 11))
    >>> feb[["holiday", "holiday_name", "known"]].values.tolist()
    [[True, '春节', True], [False, None, True]]
    """
    columns = ["day", "workday", "holiday", "holiday_name", "makeup", "known", "source"]
    if date_to < date_from:
        return pd.DataFrame(columns=columns)
    years = list(range(date_from.year, date_to.year + 1))
    ensure_calendar(con, years)
    names = {_as_date(r[0]): r[2] for r in db.rows(con, "holidays_custom_of_years", years=years)}
    rows = []
    for day, workday, source, _ in db.rows(con, "calendar_range", date_from=date_from, date_to=date_to):
        day, workday = _as_date(day), bool(workday)
        weekend = day.weekday() >= 5
        name = None
        if not workday:
            name = names.get(day) if source == "custom" else official_holiday_name(day)
        rows.append(
            {
                "day": day,
                "workday": workday,
                "holiday": (not workday) and (name is not None or source == "custom" or not weekend),
                "holiday_name": name,
                "makeup": workday and weekend,
                "known": source != "weekends-only",
                "source": source,
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    # None, not NaN, where a day has no name (pandas would infer a string column and write NaN)
    out["holiday_name"] = pd.Series([r["holiday_name"] for r in rows], dtype=object, index=out.index)
    return out


def _as_date(v: Any) -> dt.date:
    return v.date() if isinstance(v, dt.datetime) else v


def weekends_only_years(con: duckdb.DuckDBPyConnection, years: Iterable[int]) -> list[int]:
    """Those of ``years`` that are counted weekends-only (nobody has announced their holidays).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    years : iterable of int
        Calendar years.

    Returns
    -------
    list of int
        Ascending, each once.
    """
    ys = sorted({int(y) for y in years})
    if not ys:
        return []
    ensure_calendar(con, ys)
    return [int(r[0]) for r in db.rows(con, "calendar_weekends_only_years", years=ys)]


def calendar_notice(con: duckdb.DuckDBPyConnection, years: Iterable[int], lang: str = "zh") -> str | None:
    """A sentence for the page when any of ``years`` is counted weekends-only, else None.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    years : iterable of int
        The years a page shows.
    lang : str
        ``zh`` or ``en``.

    Returns
    -------
    str or None
        The catalog's ``admin.holidays_missing`` naming those years, or None.

    Examples
    --------
    >>> con = db.connect(":memory:")
    >>> calendar_notice(con, [2026]) is None
    True
    >>> calendar_notice(con, [2026, 2027])
    '2027 年的放假安排尚未录入，暂按周末计算工作日'
    """
    from i18n import t

    missing = weekends_only_years(con, years)
    if not missing:
        return None
    return t("admin.holidays_missing", lang, year="、".join(str(y) for y in missing))


# ----------------------------------------------------------------------------- administrator's entries


def custom_days(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The administrator's 放假安排 entries.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.

    Returns
    -------
    pandas.DataFrame
        The named query ``holidays_custom_all``: one row per entered day (day, workday, name).
    """
    return db.df(con, "holidays_custom_all")


def set_custom_day(
    con: duckdb.DuckDBPyConnection, user: Any, day: dt.date, workday: bool, name: str | None = None
) -> None:
    """Enter one day of a year's 放假安排 (a holiday, or a 调休 working day); audited as ``rule_change``.

    The year is filled again at once, in the same transaction.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    user : auth.users.User or str
        Who enters it (the audit's actor).
    day : datetime.date
        The day.
    workday : bool
        True for a 调休 working day, False for a day off.
    name : str, optional
        The holiday's name (春节 …).

    Raises
    ------
    CalendarError
        When ``day`` is not a date.
    """
    from auth.audit import record

    if not isinstance(day, dt.date):
        raise CalendarError(key="calendar.error.no_date")
    with db.transaction(con):
        db.execute(con, "holidays_custom_upsert", day=day, workday=bool(workday), holiday_name=(name or None))
        record(
            con,
            user,
            "rule_change",
            detail=f"放假安排 {day.isoformat()} {'上班' if workday else '放假'} {name or ''}".strip(),
        )
        _fill(con, _years_todo(con, {day.year}, force={day.year}))


def delete_custom_day(con: duckdb.DuckDBPyConnection, user: Any, day: dt.date) -> None:
    """Remove an entry; the day falls back to the official calendar or weekends. Audited."""
    from auth.audit import record

    with db.transaction(con):
        db.execute(con, "holidays_custom_delete", day=day)
        record(con, user, "rule_change", detail=f"放假安排 {day.isoformat()} 删除")
        _fill(con, _years_todo(con, {day.year}, force={day.year}))
