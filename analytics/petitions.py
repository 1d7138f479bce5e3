"""Petitions (信访) and visit issues: the work list with deadlines, the figures, and the lifecycle.

Deadlines (CONTRACT.md §4, both rules): reply due ``reply_working_days`` (7) working days after
``received_on`` — holidays and 调休 make-up days counted through :mod:`analytics.calendar` —, close
due ``close_days`` (60) calendar days after it. Overdue = past a due date and not replied / not closed.

Issues raised during visits (``visits.needs_action``) are items of the same work list (kind
``visit_issue``) with the same words for their state (received → in_progress → closed) and the same
deadlines ("replied" for them means taken up: in progress or closed); their state lives in
``visit_issues``.

Every figure is about the items **received in the period**, in the state they were in on ``today``
(reconstructed from the reply and close dates), so a report for a past day never changes.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import calendar
from analytics.reports import ReportError, Scope, _check_level, _check_range, county_wide
from i18n import WordedError
from ingest.normalize import normalize_value
from store import db
from vocabulary.petitions import GROUP_PETITION_PEOPLE

STATUSES = ("received", "in_progress", "replied", "closed")
ISSUE_STATUSES = ("received", "in_progress", "closed")
SATISFACTION = ("satisfied", "partly", "unsatisfied")
OPEN_STATUSES = ("received", "in_progress", "replied")

WORKLIST_COLUMNS = [
    "kind",
    "id",
    "received_on",
    "category",
    "channel",
    "people",
    "household_code",
    "head_name",
    "grid_code",
    "village_code",
    "village_name",
    "township_code",
    "township_name",
    "located",
    "status",
    "replied_on",
    "closed_on",
    "reply_due",
    "close_due",
    "overdue",
    "days_overdue",
    "replied",
    "replied_on_time",
    "closed",
    "closed_on_time",
    "satisfaction",
    "is_group",
    "is_repeat",
    "text",
]

#: The work list's columns of text (pandas' str type, NaN where empty).
TEXT_COLUMNS = [
    c
    for c in WORKLIST_COLUMNS
    if c.endswith(("_code", "_name")) or c in ("kind", "id", "category", "channel", "status", "satisfaction", "text")
]

SUMMARY_KEYS = (
    "received",
    "closed",
    "overdue",
    "closed_on_time",
    "resolution_rate",
    "satisfaction_rate",
    "repeat",
    "group",
    "unlocated",
    "replied",
    "replied_on_time",
    "on_time_rate",
    "rated",
    "satisfied",
    "issues",
    "issues_closed",
    "issues_overdue",
    "solved_rate",
    "benchmark_solved",
    "benchmark_satisfaction",
)

FIGURE_COLUMNS = [
    "code",
    "name",
    "households",
    "received",
    "per_1000",
    "closed",
    "resolution_rate",
    "closed_on_time",
    "on_time_rate",
    "overdue",
    "rated",
    "satisfied",
    "satisfaction_rate",
    "repeat",
    "group",
    "issues",
    "issues_closed",
    "solved_rate",
    "benchmark_solved",
    "benchmark_satisfaction",
]


class PetitionError(WordedError, ValueError):
    """A status change or attachment the rules do not allow; the message says what to fix.

    Raised with a catalog key (i18n/parts/analytics_messages.py): ``str(e)`` is the command line's
    sentence, ``e.text(lang)`` the page's.
    """


# ----------------------------------------------------------------------------- the items


def _ensure_calendar(con: duckdb.DuckDBPyConnection, today: dt.date, years_query: str) -> None:
    lo, hi = db.execute(con, years_query).fetchone()
    years = {today.year}
    if lo is not None:
        years |= {int(lo), int(hi) + 1}
    calendar.ensure_calendar(con, years)


#: The two parts of the work list: the named query of each, and the one that lists the years it spans.
_PARTS = {
    "petition": ("petition_items", "petition_received_years"),
    "visit_issue": ("visit_issue_items", "visit_issue_years"),
}


def ensure_calendar(con: duckdb.DuckDBPyConnection, today: dt.date) -> None:
    """Make sure the working-day calendar covers the years of both parts of the work list as of ``today``.

    Each part does it itself first (:func:`petition_items`, :func:`visit_issue_items`); a filling is
    a write, which moves the data's version (store/version.py). Who computes the parts ahead of a
    page under the version read before (the warm-up at start, ui/warm.py) calls this first, so that
    the first computation's filling does not move the version away from what it stores.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    today : datetime.date
        The day the deadlines are judged at.
    """
    for _query, years_query in _PARTS.values():
        _ensure_calendar(con, today, years_query)


def _part(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    today: dt.date,
    scope: Scope,
    date_from: dt.date | None,
    date_to: dt.date | None,
    with_loc: bool = False,
) -> pd.DataFrame:
    """One part of the work list (``kind`` petition or visit_issue), as of ``today``, in order.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WORKLIST_COLUMNS` and ``_order``, with ``with_loc`` ``loc`` too (:func:`cut`), in
        the work list's order (:func:`_in_order`).
    """
    query, years_query = _PARTS[kind]
    _ensure_calendar(con, today, years_query)
    raw = db.df_text(  # through Arrow on DuckDB: the text of 100,000 items without a Python string each
        con,
        query,
        today=today,
        date_from=date_from,
        date_to=date_to,
        scope=None if scope is None else list(scope),
        with_unlocated=county_wide(con, scope),
        reply_days=int(db.rule(con, "reply_working_days")),
        repeat_days=int(db.rule(con, "repeat_days")),
    )
    out = _as_of(raw, today, int(db.rule(con, "close_days")))
    if with_loc:
        out["loc"] = raw["loc"].astype("str")
    return _in_order(out)


#: The work list's dates: ``datetime64[s]`` (midnight, NaT where empty) in its parts and :func:`combined`,
#: ``datetime.date`` objects in :func:`items` and :func:`worklist` (:func:`with_dates`).
DATE_COLUMNS = ["received_on", "replied_on", "closed_on", "reply_due", "close_due"]


def _days(values: pd.Series) -> pd.Series:
    """Dates or timestamps as ``datetime64[s]`` at midnight (NaT where empty), whichever store gave them.

    Returns
    -------
    pandas.Series
        Of dtype ``datetime64[s]``.
    """
    return pd.to_datetime(values).dt.normalize().astype("datetime64[s]")


def with_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (items of the work list) with its :data:`DATE_COLUMNS` as ``datetime.date`` objects.

    The parts (:func:`petition_items`, :func:`visit_issue_items`) keep their dates as ``datetime64[s]``:
    shared between sessions, such a column is copied as one block of numbers, where 175,000 date
    objects take a third of a second. A page converts the rows it shows; :func:`items` converts all.

    Parameters
    ----------
    frame : pandas.DataFrame
        Items with the columns of :data:`DATE_COLUMNS` (others are kept as they are).

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` whose date columns are of dtype object: ``datetime.date``, NaT where empty.
    """
    out = frame.copy()
    for c in DATE_COLUMNS:
        out[c] = pd.to_datetime(out[c]).dt.date.astype(object)
    return out


def _as_of(raw: pd.DataFrame, today: dt.date, close_days: int) -> pd.DataFrame:
    """The items' state, deadlines and flags as of ``today`` (CONTRACT.md §4), for both parts.

    ``raw`` is a part as its query gives it: the state now (``status_now``) and the reply and close
    dates as recorded, ``reply_due``. The state as of ``today`` is read from the dates, so a report for
    a past day is the same whenever it is run:

    - closed: a close date on or before ``today``, or status closed without a date;
    - replied: a petition closed, or with a reply dated on or before ``today``, or status replied or
      closed without a date; a visit issue once in progress or closed ("taken up");
    - ``close_due`` = received_on + ``close_days`` (rule, 60) calendar days; overdue: not replied
      after ``reply_due``, or not closed after ``close_due``; ``days_overdue`` the longer of the two;
    - on time: replied (closed) with a date on or before its due date; ``is_group``: a petition of
      :data:`vocabulary.petitions.GROUP_PETITION_PEOPLE` people or more.

    Returns
    -------
    pandas.DataFrame
        :data:`WORKLIST_COLUMNS` and the order's key ``_order`` (:func:`_order_key`); the dates of
        :data:`DATE_COLUMNS` as ``datetime64[s]``.
    """
    out = raw.copy()
    received = _days(out["received_on"])
    replied_on, closed_on = _days(out["replied_on"]), _days(out["closed_on"])
    reply_due = _days(out["reply_due"])
    close_due = received + np.timedelta64(close_days, "D")
    day = pd.Timestamp(today)
    status_now = out["status_now"].astype("str")
    petition = (out["kind"] == "petition").to_numpy(bool)
    closed = ((closed_on <= day) | (closed_on.isna() & (status_now == "closed"))).to_numpy(bool)
    replied = np.where(
        petition,
        closed | (replied_on <= day).to_numpy(bool) | (replied_on.isna() & status_now.isin(["replied", "closed"])),
        closed | (status_now == "in_progress").to_numpy(bool),
    )
    reply_late = ~replied & (day > reply_due).to_numpy(bool)
    close_late = ~closed & (day > close_due).to_numpy(bool)
    days = pd.concat(
        [(day - reply_due).dt.days.where(reply_late), (day - close_due).dt.days.where(close_late)], axis=1
    ).max(axis=1)
    out["status"] = np.select(
        [closed, replied & petition, replied | (status_now != "received").to_numpy(bool)],
        ["closed", "replied", "in_progress"],
        "received",
    )
    out["received_on"] = received
    out["replied_on"] = replied_on.where(replied & petition)
    out["closed_on"] = closed_on.where(closed)
    out["reply_due"] = reply_due
    out["close_due"] = close_due
    out["satisfaction"] = out["satisfaction"].where(closed)
    out["overdue"] = reply_late | close_late
    out["days_overdue"] = days.astype("Int64")
    out["replied"] = replied
    out["replied_on_time"] = replied & (replied_on <= reply_due).to_numpy(bool)
    out["closed"] = closed
    out["closed_on_time"] = closed & (closed_on <= close_due).to_numpy(bool)
    out["is_group"] = petition & (pd.to_numeric(out["people"]) >= GROUP_PETITION_PEOPLE).to_numpy(bool)
    for c in ("is_repeat", "located"):
        out[c] = out[c].fillna(False).astype(bool)
    for c in TEXT_COLUMNS:  # one type whichever store or part: a part whose column is all empty included
        out[c] = out[c].astype("str")
    next_due = pd.concat([reply_due.where(~replied), close_due.where(~closed)], axis=1).min(axis=1)
    out["_order"] = _order_key(out["overdue"].to_numpy(bool), closed, next_due, received)
    return out[WORKLIST_COLUMNS + ["_order"]]


#: Days are counted as ordinals (0001-01-01 is 1, 9999-12-31 is 3,652,059): 22 bits each in the key.
_DAY_BITS = 22


def _order_key(overdue: np.ndarray, closed: np.ndarray, next_due: pd.Series, received: pd.Series) -> np.ndarray:
    """The work list's order (the one rule, for both parts and the whole), as one number per item.

    Overdue first, then the open items before the closed ones, then by the nearest deadline not yet met
    (none last), then by the day received; items equal in all four are ordered by kind (petitions before
    visit issues) and number (:func:`_in_order`, :func:`combined`).

    Parameters
    ----------
    overdue, closed : numpy.ndarray of bool
        Per item, as of the work list's day.
    next_due : pandas.Series of datetime64
        The nearest deadline not yet met (NaT: none).
    received : pandas.Series of datetime64
        The day received.

    Returns
    -------
    numpy.ndarray of int64
        Ascending in the work list's order.
    """
    epoch = dt.date(1970, 1, 1).toordinal()
    none = (1 << _DAY_BITS) - 1
    due = next_due.to_numpy("datetime64[D]")
    due_day = np.where(np.isnat(due), none, due.astype("int64") + epoch)
    received_day = received.to_numpy("datetime64[D]").astype("int64") + epoch
    flags = (~overdue).astype("int64") << 1 | closed.astype("int64")
    return (flags << 2 * _DAY_BITS) | (due_day << _DAY_BITS) | received_day


def _in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in the work list's order: by its key (:func:`_order_key`), then kind, then number.

    Returns
    -------
    pandas.DataFrame
        ``frame`` sorted, index renumbered.
    """
    keys = pa.table({"order": frame["_order"].to_numpy(), "kind": frame["kind"], "id": frame["id"]})
    # pyarrow sorts the text by its bytes (UTF-8: the code points' order, as Python and the C collation)
    order = pc.sort_indices(keys, sort_keys=[("order", "ascending"), ("kind", "ascending"), ("id", "ascending")])
    return frame.iloc[order.to_numpy()].reset_index(drop=True)


def petition_items(
    con: duckdb.DuckDBPyConnection,
    today: dt.date,
    scope: Scope = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    with_loc: bool = False,
) -> pd.DataFrame:
    """The petitions of :func:`items` (the work list's first part): it reads no visit.

    So its result is shared under the data's version without visits (ui/shared.py
    ``READS_NO_VISITS``): a saved visit does not make it computed again.

    ``with_loc``: with a column ``loc`` too, the code of the area each item is located by (the
    scope test's, queries/petitions.sql): what :func:`cut` cuts a scope's items by out of the county's.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WORKLIST_COLUMNS` and ``_order`` (the order's key, :func:`_order_key`),
        ``kind`` petition, in the work list's order; the dates of :data:`DATE_COLUMNS` as
        ``datetime64[s]`` (:func:`with_dates` makes them ``datetime.date``, as :func:`items` has them).
    """
    return _part(con, "petition", today, scope, date_from, date_to, with_loc)


def visit_issue_items(
    con: duckdb.DuckDBPyConnection,
    today: dt.date,
    scope: Scope = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    with_loc: bool = False,
) -> pd.DataFrame:
    """The visit issues of :func:`items` (the work list's second part): it reads flagged visits only.

    Of visits it reads those with ``needs_action`` alone (and their issues' state), so its result is
    shared under the data's version without quiet visits (ui/shared.py ``READS_NO_QUIET_VISITS``,
    store/version.py): a saved visit that raises no issue does not make it computed again; one that
    raises an issue, or any other write, does.

    Returns
    -------
    pandas.DataFrame
        As :func:`petition_items`, ``kind`` visit_issue.
    """
    return _part(con, "visit_issue", today, scope, date_from, date_to, with_loc)


def cut(con: duckdb.DuckDBPyConnection, county: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The items of ``scope`` out of a part of the county's work list: the part ``scope`` would get.

    ``county`` is :func:`petition_items` or :func:`visit_issue_items` of the whole county (no scope,
    no dates) with ``with_loc``; the result is that function's for ``scope`` (same ``today``), row for
    row, in the same order, without ``loc``: the items whose ``loc`` lies in ``scope`` (is one of its
    areas or under one: query ``worklist_scope_areas``, the rule of ``in_scope``), and, when ``scope``
    sees the whole county (:func:`analytics.reports.county_wide`), the unlocated ones too. Every item's
    state, deadlines and repeat flag are the same whichever scope it is read in (a repeat looks back
    over its household's every petition), and the work list's order is total, so the cut is the
    scope's part. tests/test_worklist_cut.py compares the two for every area of a tiny world.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store (the areas of the scope).
    county : pandas.DataFrame
        The county's part, with ``loc``; only read.
    scope : sequence of str or None
        The area codes asked about; None: the whole county (every item).

    Returns
    -------
    pandas.DataFrame
        A new frame: :data:`WORKLIST_COLUMNS` and ``_order`` of the scope's items, in order.
    """
    columns = [c for c in county.columns if c != "loc"]
    if scope is None:
        return county[columns].copy()
    areas = db.df(con, "worklist_scope_areas", scope=list(scope))["code"].astype("str")
    keep = county["loc"].isin(areas).to_numpy(bool)
    if county_wide(con, scope):  # what belongs to no township: seen county-wide only
        keep = keep | ~county["located"].to_numpy(bool)
    return county.loc[keep, columns].reset_index(drop=True)


def combined(petitions_part: pd.DataFrame, issues_part: pd.DataFrame, head: int | None = None) -> pd.DataFrame:
    """The work list of its two parts (:func:`petition_items`, :func:`visit_issue_items`), in its order.

    Each part is in that order already, so the two are merged by their key alone: a stable sort keeps
    the petitions (put first) before the visit issues of an equal key, and each part's own order.

    Parameters
    ----------
    petitions_part, issues_part : pandas.DataFrame
        The parts, or rows of each kept in their order (e.g. the items of some states), or some of
        their columns, the order's key ``_order`` among them.
    head : int, optional
        Only the first ``head`` items of the work list: they are among the first ``head`` of each
        part, so no more than those are merged (a page showing the most urgent 500 of 175,000).

    Returns
    -------
    pandas.DataFrame
        The parts' columns but ``_order`` (:data:`WORKLIST_COLUMNS` of whole parts): both parts' rows
        (the first ``head``), ordered as :func:`_in_order` says; dates as the parts have them.
    """
    if head is not None:
        return combined(petitions_part.head(head), issues_part.head(head)).head(head)
    both = pd.concat([petitions_part, issues_part], ignore_index=True)
    order = np.argsort(both["_order"].to_numpy(), kind="stable")
    return both.iloc[order].drop(columns="_order").reset_index(drop=True)


def items(
    con: duckdb.DuckDBPyConnection,
    today: dt.date,
    scope: Scope = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> pd.DataFrame:
    """Every petition and visit issue received up to ``today`` in ``scope``, as of ``today``.

    Only those received in ``[date_from, date_to]`` when given. Unlocated petitions are in scope only
    when ``scope`` sees the whole county (None, or it lists the county:
    :func:`analytics.reports.county_wide`) — they belong to no township. The two parts are
    :func:`petition_items` and :func:`visit_issue_items`; their state and deadlines as :func:`_as_of`
    says.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WORKLIST_COLUMNS`, overdue first, then by the nearest open deadline
        (:func:`_in_order`); the dates of :data:`DATE_COLUMNS` as ``datetime.date`` (:func:`with_dates`).
    """
    return with_dates(
        combined(
            petition_items(con, today, scope, date_from, date_to),
            visit_issue_items(con, today, scope, date_from, date_to),
        )
    )


def worklist(
    con: duckdb.DuckDBPyConnection, scope: Scope, today: dt.date, statuses: Sequence[str] | None = None
) -> pd.DataFrame:
    """The work list of a scope: petitions and visit issues with their due dates, overdue first.

    Parameters
    ----------
    scope : area codes the user may see; None for everything (unlocated petitions included).
    today : the day the list is for (deadlines are judged against it).
    statuses : keep only items in these states (received, in_progress, replied, closed); None for all.

    Returns
    -------
    DataFrame with :data:`WORKLIST_COLUMNS`: ``kind`` is ``petition`` or ``visit_issue``; ``reply_due``,
    ``close_due`` dates; ``overdue`` and ``days_overdue``.

    Raises
    ------
    ReportError
        When ``statuses`` names a state that does not exist.

    Examples
    --------
    >>> con = db.connect(":memory:")
    >>> worklist(con, None, dt.date(2026, 11, 26)).columns[:3].tolist()
    ['kind', 'id', 'received_on']
    """
    out = items(con, today, scope)
    if statuses is not None:
        bad = [s for s in statuses if s not in STATUSES]
        if bad:
            raise ReportError(key="petition.error.status", status=",".join(bad), allowed=",".join(STATUSES))
        out = out[out["status"].isin(list(statuses))].reset_index(drop=True)
    return out


COUNT_COLUMNS = [
    "received",
    "closed",
    "overdue",
    "closed_on_time",
    "repeat",
    "group",
    "unlocated",
    "replied",
    "replied_on_time",
    "rated",
    "satisfied",
    "issues",
    "issues_closed",
    "issues_overdue",
]


def _indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """One 0/1 column per count of :data:`COUNT_COLUMNS`, per item (summed per area or overall).

    Returns
    -------
    pandas.DataFrame
        Integer columns :data:`COUNT_COLUMNS`, indexed like ``frame``.
    """
    pet = (frame["kind"] == "petition").to_numpy()
    iss = ~pet
    closed = frame["closed"].to_numpy(dtype=bool)
    overdue = frame["overdue"].to_numpy(dtype=bool)
    sat = frame["satisfaction"]
    cols = {
        "received": pet,
        "closed": pet & closed,
        "overdue": pet & overdue,
        "closed_on_time": pet & frame["closed_on_time"].to_numpy(dtype=bool),
        "repeat": pet & frame["is_repeat"].to_numpy(dtype=bool),
        "group": pet & frame["is_group"].to_numpy(dtype=bool),
        "unlocated": pet & ~frame["located"].to_numpy(dtype=bool),
        "replied": pet & frame["replied"].to_numpy(dtype=bool),
        "replied_on_time": pet & frame["replied_on_time"].to_numpy(dtype=bool),
        "rated": pet & sat.notna().to_numpy(),
        "satisfied": pet & (sat == "satisfied").to_numpy(),
        "issues": iss,
        "issues_closed": iss & closed,
        "issues_overdue": iss & overdue,
    }
    return pd.DataFrame({k: v.astype(int) for k, v in cols.items()}, index=frame.index)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(den.to_numpy() > 0, num.to_numpy(dtype=float) / den.to_numpy(dtype=float), np.nan)
    return pd.Series(np.round(r, 4), index=num.index)


def _with_rates(c: pd.DataFrame) -> pd.DataFrame:
    """Counts (:data:`COUNT_COLUMNS`) with the rates beside them (NaN when the denominator is 0).

    Returns
    -------
    pandas.DataFrame
        A copy of ``c`` with ``resolution_rate, satisfaction_rate, on_time_rate, solved_rate``
        (fractions 0–1, 4 decimals).
    """
    c = c.copy()
    c["resolution_rate"] = _ratio(c["closed"], c["received"])
    c["satisfaction_rate"] = _ratio(c["satisfied"], c["rated"])
    c["on_time_rate"] = _ratio(c["closed_on_time"], c["closed"])
    c["solved_rate"] = _ratio(c["closed"] + c["issues_closed"], c["received"] + c["issues"])
    return c


#: The work list whole (:func:`items`) or in its parts (:func:`petition_items`, :func:`visit_issue_items`).
Items = pd.DataFrame | Sequence[pd.DataFrame]


def _parts(every: Items) -> list[pd.DataFrame]:
    """The frames of :data:`Items`.

    Returns
    -------
    list of pandas.DataFrame
        The whole work list as one part, or its parts.
    """
    return [every] if isinstance(every, pd.DataFrame) else list(every)


def _received_in(
    con: duckdb.DuckDBPyConnection,
    today: dt.date,
    scope: Scope,
    date_from: dt.date,
    date_to: dt.date,
    every: Items | None,
    by: str | None = None,
) -> list[tuple[pd.DataFrame, pd.Series | None]]:
    """The counts (:func:`_indicators`) of the items received in ``[date_from, date_to]``, part by part.

    The items are queried, or taken from ``every``: the items of (``today``, ``scope``) of every date,
    when the caller holds them already (the same rows: the query filters on the received date after
    computing every item's deadlines and repeat flag), whole or in parts. The figures are sums, so
    they are counted part by part, and only the numbers are kept of the items of the period (not
    their text: a county's part holds 100,000 items).

    Parameters
    ----------
    by : str, optional
        A column to count by (e.g. ``village_code``).

    Returns
    -------
    list of (DataFrame, Series or None)
        Per part: :func:`_indicators` of its items received in the period, and their ``by`` (None
        without ``by``), indexed alike.
    """
    if every is None:
        frames = [part(con, today, scope, date_from, date_to) for part in (petition_items, visit_issue_items)]
        kept = [np.ones(len(frame), dtype=bool) for frame in frames]
    else:
        frames = _parts(every)
        lo, hi = pd.Timestamp(date_from), pd.Timestamp(date_to)
        received = [pd.to_datetime(frame["received_on"]) for frame in frames]
        kept = [((r >= lo) & (r <= hi)).to_numpy(bool) for r in received]
    return [(_indicators(frame)[keep], None if by is None else frame[by][keep]) for frame, keep in zip(frames, kept)]


def summary(
    con: duckdb.DuckDBPyConnection,
    date_from: dt.date,
    date_to: dt.date,
    scope: Scope,
    today: dt.date,
    every: Items | None = None,
) -> dict[str, Any]:
    """The headline petition figures of a period, as of ``today``.

    Counts are over the petitions **received** in ``[date_from, date_to]`` (and ≤ ``today``), in scope:

    - ``received``: how many; ``closed``: of them, closed by ``today``; ``replied``: replied by ``today``.
    - ``overdue``: of them, past a due date and not replied / not closed on ``today``.
    - ``closed_on_time``: closed on or before the close due date; ``replied_on_time`` likewise.
    - ``resolution_rate`` = closed / received; ``on_time_rate`` = closed_on_time / closed.
    - ``satisfaction_rate`` = satisfied / rated, where rated = closed petitions with a satisfaction
      recorded (满意 only; 基本满意 counts as rated, not satisfied). None when nothing is rated.
    - ``repeat``: petitions whose household petitioned before within ``repeat_days`` (rule, 90) days.
    - ``group``: petitions of 5 people or more (集访). ``unlocated``: petitions without a location.
    - ``issues``, ``issues_closed``, ``issues_overdue``: visit issues raised in the period.
    - ``solved_rate`` = (closed petitions + closed visit issues) / (petitions + visit issues): the share
      of raised matters solved, beside ``benchmark_solved`` (84 %).
    - ``benchmark_solved``, ``benchmark_satisfaction``: the rules, for showing beside the figures.

    Rates have 4 decimals and are None when their denominator is 0.

    ``every``, when given, is :func:`items` of (``today``, ``scope``) of every date, or its two parts
    (:data:`Items`; the petitions page's, shared between sessions): the period's items are taken from
    it instead of queried again; the figures are the same.

    Returns
    -------
    dict of str to Any
        The figures above by name: counts as int, rates as float or None, the benchmarks as the
        rules hold them.

    Examples
    --------
    >>> s = summary(db.connect(":memory:"), dt.date(2026, 1, 1), dt.date(2026, 12, 31), None, dt.date(2026, 11, 26))
    >>> s["received"], s["resolution_rate"], s["benchmark_solved"]
    (0, None, 0.84)
    """
    _check_range(date_from, date_to)
    counts = sum(ind.sum() for ind, _ in _received_in(con, today, scope, date_from, date_to, every)).to_frame().T
    row = _with_rates(counts).iloc[0]
    out: dict[str, Any] = {
        k: (None if pd.isna(v) else float(v)) if k.endswith("_rate") else int(v) for k, v in row.items()
    }
    out["benchmark_solved"] = db.rule(con, "benchmark_solved")
    out["benchmark_satisfaction"] = db.rule(con, "benchmark_satisfaction")
    return out


def figures_by_area(
    con: duckdb.DuckDBPyConnection,
    level: str,
    date_from: dt.date,
    date_to: dt.date,
    scope: Scope,
    today: dt.date,
    every: Items | None = None,
) -> pd.DataFrame:
    """:func:`summary`'s figures per area of ``level`` (township, village or grid), benchmarks beside them.

    Every area of the level in scope is listed (zeros when nothing was received); ``households`` are
    active households (as in the coverage report) and ``per_1000 = 1000 · received / households``
    (2 decimals, empty when no households). Petitions located only to a village have no grid.
    ``every``: as in :func:`summary`.

    Returns
    -------
    DataFrame with :data:`FIGURE_COLUMNS`, by code.
    """
    _check_level(level, ("township", "village", "grid"))
    _check_range(date_from, date_to)
    areas = db.df(con, "area_households", level=level, scope=None if scope is None else list(scope))
    codes = areas["code"].tolist()
    counts = sum(
        ind.groupby(area).sum().reindex(codes, fill_value=0)
        for ind, area in _received_in(con, today, scope, date_from, date_to, every, by=f"{level}_code")
    ).reset_index(drop=True)
    out = pd.concat([areas[["code", "name", "households"]].reset_index(drop=True), _with_rates(counts)], axis=1)
    hh = out["households"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["per_1000"] = np.round(np.where(hh > 0, 1000.0 * out["received"].to_numpy(dtype=float) / hh, np.nan), 2)
    out["benchmark_solved"] = db.rule(con, "benchmark_solved")
    out["benchmark_satisfaction"] = db.rule(con, "benchmark_satisfaction")
    return out[FIGURE_COLUMNS]


def deadline_notice(con: duckdb.DuckDBPyConnection, frame: Items, lang: str = "zh") -> str | None:
    """The calendar notice for a work list whose deadlines run into a weekends-only year, else None.

    ``frame`` is the work list, whole or in its parts (:data:`Items`).

    Returns
    -------
    str or None
        :func:`analytics.calendar.calendar_notice` of the years of ``received_on`` and ``reply_due``.
    """
    years: set[int] = set()
    for part in _parts(frame):
        for c in ("received_on", "reply_due"):
            years |= {int(y) for y in pd.to_datetime(part[c], errors="coerce").dt.year.dropna().unique()}
    return calendar.calendar_notice(con, years, lang) if years else None


# ----------------------------------------------------------------------------- the lifecycle


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else calendar.today()


def _as_date(d: Any) -> dt.date | None:
    if d is None or (isinstance(d, float) and math.isnan(d)):
        return None
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    return dt.date.fromisoformat(str(d)[:10])


def _check_date(date: Any, received_on: dt.date, today: dt.date) -> dt.date:
    d = _as_date(date)
    if d is None:
        raise PetitionError(key="petition.error.no_date")
    if d < received_on:
        raise PetitionError(key="petition.error.date_before_received", date=d, received=received_on)
    if d > today:
        raise PetitionError(key="petition.error.date_future", date=d, today=today)
    return d


def change_status(
    con: duckdb.DuckDBPyConnection,
    user: Any,
    petition_id: str,
    new_status: str,
    date: dt.date,
    reply_text: str | None = None,
    satisfaction: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Move a petition along received → in_progress → replied → closed (audited as ``petition_status``).

    Rules: only forward; replying needs a reply text; closing needs a reply (given now, or earlier —
    a reply given with the closing is dated the same day); no date before the receipt or the reply,
    none after ``today``; satisfaction (satisfied / partly / unsatisfied) is recorded on closing only.

    Returns
    -------
    dict of str to Any
        id, status, replied_on, closed_on, satisfaction.

    Raises
    ------
    PetitionError
        With a sentence saying what to fix.
    """
    today = _today(today)
    if new_status not in STATUSES:
        raise PetitionError(key="petition.error.status", status=new_status, allowed="、".join(STATUSES))
    if satisfaction is not None and satisfaction not in SATISFACTION:
        raise PetitionError(key="petition.error.satisfaction", satisfaction=satisfaction)
    if satisfaction is not None and new_status != "closed":
        raise PetitionError(key="petition.error.satisfaction_not_closing")

    def change() -> dict[str, Any]:
        # the petition's row is held from here to the commit: its state is read and checked under it
        with db.transaction(con):
            db.execute(con, "petition_lock", petition_id=str(petition_id))
            return _change_status(con, user, str(petition_id), new_status, date, reply_text, satisfaction, today)

    return db.retrying(change)


def _change_status(
    con: Any,
    user: Any,
    petition_id: str,
    new_status: str,
    date: dt.date,
    reply_text: str | None,
    satisfaction: str | None,
    today: dt.date,
) -> dict[str, Any]:
    row = db.execute(con, "petition_get", petition_id=petition_id).fetchone()
    if row is None:
        raise PetitionError(key="petition.error.no_petition", id=petition_id)
    pid, received_on, status, replied_on, closed_on, sat_now, text_now = row[:7]
    received_on, replied_on, closed_on = _as_date(received_on), _as_date(replied_on), _as_date(closed_on)
    if STATUSES.index(new_status) <= STATUSES.index(status):
        raise PetitionError(key="petition.error.backwards", id=pid, status=status, new_status=new_status)
    d = _check_date(date, received_on, today)
    text = (reply_text or "").strip() or None
    new_replied, new_closed, new_text, new_sat = replied_on, closed_on, text_now, sat_now
    if new_status == "replied":
        if not text:
            raise PetitionError(key="petition.error.no_reply_text")
        new_replied, new_text = d, text
    elif new_status == "closed":
        has_reply = replied_on is not None or bool(text_now) or status == "replied"
        if not has_reply and not text:
            raise PetitionError(key="petition.error.close_without_reply")
        if text:
            new_text = text
            if replied_on is None:
                new_replied = d
        if new_replied is not None and d < new_replied:
            raise PetitionError(key="petition.error.closed_before_reply", date=d, replied=new_replied)
        new_closed, new_sat = d, satisfaction
    from auth.audit import record

    db.execute(
        con,
        "petition_set_status",
        petition_id=pid,
        status=new_status,
        replied_on=new_replied,
        closed_on=new_closed,
        reply_text=new_text,
        satisfaction=new_sat,
    )
    record(
        con,
        user,
        "petition_status",
        area=db.one(con, "petition_area_code", petition_id=pid),
        detail=f"{pid}: {status} → {new_status} {d.isoformat()}"
        + (f" 满意度 {new_sat}" if new_status == "closed" and new_sat else ""),
    )
    return {
        "id": pid,
        "status": new_status,
        "replied_on": new_replied,
        "closed_on": new_closed,
        "satisfaction": new_sat,
    }


def change_issue_status(
    con: duckdb.DuckDBPyConnection,
    user: Any,
    visit_id: int,
    new_status: str,
    date: dt.date,
    note: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Move a visit issue along received → in_progress → closed (audited as ``petition_status``).

    Closing needs a note saying what was done; dates as for :func:`change_status`.

    Returns
    -------
    dict of str to Any
        id, status, closed_on (None unless closed).

    Raises
    ------
    PetitionError
        With a sentence saying what to fix: no such issue, a step backwards, a date out of range,
        closing without a note, an unknown status.
    """
    today = _today(today)
    try:
        vid = int(visit_id)
    except (TypeError, ValueError):
        raise PetitionError(key="petition.error.no_issue", id=visit_id) from None
    if new_status not in ISSUE_STATUSES:
        raise PetitionError(key="petition.error.status", status=new_status, allowed="、".join(ISSUE_STATUSES))
    from auth.audit import record

    def change() -> dict[str, Any]:
        # the visit's row is held from here to the commit: the issue's state is read and checked under it
        with db.transaction(con):
            db.execute(con, "visit_issue_lock", visit_id=vid)
            row = db.execute(con, "visit_issue_get", visit_id=vid).fetchone()
            if row is None:
                raise PetitionError(key="petition.error.no_issue", id=visit_id)
            _, visited_on, status, _, note_now, grid = row
            if ISSUE_STATUSES.index(new_status) <= ISSUE_STATUSES.index(status):
                raise PetitionError(key="petition.error.issue_backwards", id=vid, status=status, new_status=new_status)
            d = _check_date(date, _as_date(visited_on), today)
            text = (note or "").strip() or note_now
            if new_status == "closed" and not text:
                raise PetitionError(key="petition.error.no_outcome")
            db.execute(
                con,
                "visit_issue_upsert",
                visit_id=vid,
                status=new_status,
                resolved_on=d if new_status == "closed" else None,
                note=text,
            )
            record(
                con, user, "petition_status", area=grid, detail=f"visit {vid}: {status} → {new_status} {d.isoformat()}"
            )
            return {"id": str(vid), "status": new_status, "closed_on": d if new_status == "closed" else None}

    return db.retrying(change)


def attach(
    con: duckdb.DuckDBPyConnection,
    user: Any,
    petition_id: str,
    household_code: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    village_code: str | None = None,
) -> str | None:
    """Locate a petition: to a household, or a point (WGS-84 lon/lat), or a village — exactly one of them.

    The petition is then located as CONTRACT.md §2 says (household, else point, else village); the other
    two are cleared so the location is what was chosen. Audited as ``petition_status``.

    Returns
    -------
    str or None
        The grid or village code the petition is now located in (None: the point lies outside every area).

    Raises
    ------
    PetitionError
        When not exactly one location is given, the petition, household or village does not exist,
        or the point is no number or lies outside the globe.
    """
    given = [household_code not in (None, ""), lon is not None or lat is not None, village_code not in (None, "")]
    if sum(given) != 1:
        raise PetitionError(key="petition.error.one_location")
    row = db.execute(con, "petition_get", petition_id=str(petition_id)).fetchone()
    if row is None:
        raise PetitionError(key="petition.error.no_petition", id=petition_id)
    pid = row[0]
    hh, plon, plat, pv, pg, vc = None, None, None, None, None, None
    if given[0]:
        hh = normalize_value(household_code)  # Ｈ０１, pasted zero-width spaces
        if not db.one(con, "household_exists", household_code=hh):
            raise PetitionError(key="petition.error.no_household", code=hh)
    elif given[1]:
        try:
            plon, plat = float(lon), float(lat)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise PetitionError(key="petition.error.no_point") from None
        if not (-180 <= plon <= 180 and -90 <= plat <= 90):
            raise PetitionError(key="petition.error.point_range", lon=plon, lat=plat)
        from gis import areas as A

        pv = A.locate_points(np.array([plon]), np.array([plat]), A.load_level(con, "village"))[0]
        pg = A.locate_points(np.array([plon]), np.array([plat]), A.load_level(con, "grid"))[0]
    else:
        vc = normalize_value(village_code)
        if not db.one(con, "village_exists", village_code=vc):
            raise PetitionError(key="petition.error.no_village", code=vc)
    from auth.audit import record

    with db.transaction(con):
        db.execute(
            con,
            "petition_set_location",
            petition_id=pid,
            household_code=hh,
            lon=plon,
            lat=plat,
            point_village_code=pv,
            point_grid_code=pg,
            village_code=vc,
        )
        where = db.one(con, "petition_area_code", petition_id=pid)
        record(
            con,
            user,
            "petition_status",
            area=where,
            detail=f"{pid}: 定位 " + (f"户 {hh}" if hh else f"点 {plon},{plat}" if given[1] else f"村 {vc}"),
        )
    return where
