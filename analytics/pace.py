"""Coverage pace: whether each area will reach the coverage benchmark by the end of the period.

For every area of a level, over a period ``[date_from, date_to]`` seen on ``as_of``:

- ``visited`` — households reached so far: :func:`analytics.reports.coverage` of ``[date_from, as_of]``;
- ``pace_per_week`` — new households reached per week over the last ``pace_weeks`` weeks (rule, 8):
  ``(visited by as_of − visited by the day before the window) / weeks of the window``, the window
  being the ``7 · pace_weeks`` days ending ``as_of`` (shorter when the period began later);
- ``projected_visited`` — the households reached by ``date_to`` if the pace goes on *as a share of
  the households not yet reached*: the window's new households were a share ``1 − s`` per week of
  the unreached (``s = (unreached now / unreached at the window's start) ^ (1 / window weeks)``), and
  ``projected_visited = households − unreached now · s ^ weeks_left`` with ``weeks_left = (date_to −
  as_of) / 7``. The last households of an area are the hardest to reach, so new households per week
  fall as coverage rises; a straight line (``visited + pace · weeks_left``) overshoots. On the demo's
  history the share model's error was about half the straight line's (:func:`backtest`, README
  "Coverage pace"), so the share model is what the page and ``report pace`` show;
  ``projected = projected_visited / households``;
- ``needed_per_week`` — new households a week still needed to reach ``benchmark_coverage``
  (rule, 97.8 %) by ``date_to``: ``⌈(⌈benchmark · households⌉ − visited) / weeks_left⌉``, 0 when
  already reached, empty when the period is over and it was not;
- ``shortfall`` — ``benchmark − projected`` when positive, else 0 (empty without households).

Both counts come from :func:`analytics.reports.coverage` (the coverage page's and ``manage.py report
coverage``'s function), so "visited" here is the coverage page's "visited".
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, NamedTuple, Sequence

import duckdb
import numpy as np
import pandas as pd

from analytics import reports
from analytics.reports import ReportError, Scope
from store import db

PACE_COLUMNS = [
    "code",
    "name",
    "households",
    "visited",
    "coverage",
    "pace_per_week",
    "projected_visited",
    "projected",
    "benchmark",
    "shortfall",
    "needed_per_week",
    "weeks_left",
]
BACKTEST_COLUMNS = ["code", "name", "households", "projected", "actual", "error", "forecast_reaches", "actual_reaches"]


def default_start(date_to: dt.date) -> dt.date:
    """The period a pace is about when only its end is given: the calendar year of ``date_to``.

    Parameters
    ----------
    date_to : datetime.date
        The period's last day.

    Returns
    -------
    datetime.date
        1 January of that year.

    Examples
    --------
    >>> default_start(dt.date(2026, 12, 31))
    datetime.date(2026, 1, 1)
    """
    return dt.date(date_to.year, 1, 1)


def window_start(date_from: dt.date, as_of: dt.date, weeks: int) -> dt.date:
    """The first day of the pace window: ``7 · weeks`` days ending ``as_of``, not before ``date_from``.

    Parameters
    ----------
    date_from : datetime.date
        The period's first day.
    as_of : datetime.date
        The day the pace is seen on.
    weeks : int
        The window's length in weeks (rule ``pace_weeks``).

    Returns
    -------
    datetime.date
        The window's first day.

    Examples
    --------
    >>> window_start(dt.date(2026, 1, 1), dt.date(2026, 6, 30), 8)
    datetime.date(2026, 5, 6)
    >>> window_start(dt.date(2026, 6, 1), dt.date(2026, 6, 30), 8)
    datetime.date(2026, 6, 1)
    """
    return max(date_from, as_of - dt.timedelta(days=7 * weeks - 1))


def households_needed(benchmark: float, households: int) -> int:
    """The fewest visited households for ``visited / households ≥ benchmark``.

    Parameters
    ----------
    benchmark : float
        The coverage benchmark, a fraction 0–1.
    households : int
        Active households.

    Returns
    -------
    int
        ⌈benchmark · households⌉ (the product rounded to 6 decimals first, so 0.978 · 1000 is 978).

    Examples
    --------
    >>> households_needed(0.978, 1000), households_needed(0.978, 20), households_needed(0.978, 0)
    (978, 20, 0)
    """
    return int(math.ceil(round(benchmark * households, 6)))


def project(
    households: np.ndarray,
    visited: np.ndarray,
    visited_before: np.ndarray,
    window_days: int,
    days_left: int,
    benchmark: float,
    method: str = "share",
) -> pd.DataFrame:
    """The pace arithmetic for arrays of areas (no database).

    Parameters
    ----------
    households : active households per area.
    visited : households reached from the period's start to ``as_of``.
    visited_before : households reached from the period's start to the day before the pace window.
    window_days : length of the pace window in days (``as_of − window start + 1``); 0 before the period.
    days_left : days from ``as_of`` to the period's end (0 when it is over).
    benchmark : the coverage benchmark (a ratio).
    method : ``"share"`` (the window's weekly share of the unreached goes on, see the module) or
        ``"linear"`` (the window's new households per week go on, capped at ``households``).

    Returns
    -------
    DataFrame ``pace_per_week, projected_visited, projected, benchmark, shortfall, needed_per_week,
    weeks_left`` (rows in the order of the arrays); ratios with 4 decimals, empty without households.

    Raises
    ------
    ValueError
        When ``method`` is neither ``"share"`` nor ``"linear"``.

    Examples
    --------
    100 households, 60 reached, 44 of them before an 8-week window, 10 weeks left: 2 new a week.
    The unreached fell from 56 to 40 in 8 weeks (s = (40/56)^(1/8) ≈ 0.959 a week), so in 10
    weeks 40 · (40/56)^(10/8) ≈ 26.3 stay unreached; a straight line would say 60 + 2 · 10 = 80.

    >>> r = project(np.array([100]), np.array([60]), np.array([44]), 56, 70, 0.978).iloc[0]
    >>> float(r.pace_per_week), float(r.projected_visited), float(r.projected), int(r.needed_per_week)
    (2.0, 73.7, 0.7373, 4)
    >>> float(project(np.array([100]), np.array([60]), np.array([44]), 56, 70, 0.978, "linear").projected.iloc[0])
    0.8
    """
    if method not in ("share", "linear"):
        raise ValueError(f"unknown pace method {method!r}")
    hh = np.asarray(households, dtype=float)
    vis = np.asarray(visited, dtype=float)
    before = np.asarray(visited_before, dtype=float)
    weeks_window = window_days / 7.0
    weeks_left = max(days_left, 0) / 7.0
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = (vis - before) / weeks_window if weeks_window > 0 else np.full(len(hh), np.nan)
        if method == "linear" or weeks_window <= 0:
            proj_visited = np.minimum(hh, vis + np.nan_to_num(pace, nan=0.0) * weeks_left)
        else:
            unreached_then, unreached_now = hh - before, hh - vis
            kept = np.where(unreached_then > 0, unreached_now / unreached_then, 1.0) ** (1.0 / weeks_window)
            proj_visited = hh - unreached_now * kept**weeks_left
        projected = np.where(hh > 0, proj_visited / hh, np.nan)
    need = np.array([households_needed(benchmark, int(n)) for n in hh], dtype=float)
    gap = need - vis
    if weeks_left > 0:
        per_week = np.where(gap > 0, np.ceil(np.round(gap / weeks_left, 6)), 0.0)
    else:
        per_week = np.where(gap > 0, np.nan, 0.0)
    per_week = np.where(hh > 0, per_week, np.nan)
    shortfall = np.where(hh > 0, np.maximum(benchmark - np.round(projected, 4), 0.0), np.nan)
    return pd.DataFrame(
        {
            "pace_per_week": np.round(pace, 2),
            "projected_visited": np.round(proj_visited, 1),
            "projected": np.round(projected, 4),
            "benchmark": benchmark,
            "shortfall": np.round(shortfall, 4),
            "needed_per_week": pd.array(np.where(np.isnan(per_week), None, per_week), dtype="Int64"),
            "weeks_left": round(weeks_left, 1),
        }
    )


def pace(
    con: duckdb.DuckDBPyConnection,
    level: str,
    date_from: dt.date,
    date_to: dt.date,
    as_of: dt.date,
    kinds: Sequence[str] = ("home",),
    scope: Scope = None,
    parent: str | None = None,
    weeks: int | None = None,
    method: str = "share",
) -> pd.DataFrame:
    """Coverage projected to the period's end at the recent pace, for every area of a level.

    Parameters
    ----------
    level : county, township, village or grid.
    date_from, date_to : the period (both inclusive); ``date_to`` is the day projected to.
    as_of : the day the projection is made (visits after it are not read); clipped to the period.
    kinds : the visit kinds that count (default home visits), as for coverage.
    scope, parent : as for :func:`analytics.reports.coverage`.
    weeks : the pace window in weeks (default: rule ``pace_weeks``, 8).
    method : how the pace goes on (:func:`project`; the backtest compares both).

    Returns
    -------
    DataFrame :data:`PACE_COLUMNS`, the areas in code order (the page sorts by ``shortfall``);
    ``visited``/``coverage`` are those of ``[date_from, as_of]``.

    Raises
    ------
    ReportError
        When the range is reversed or a level or kind is unknown.
    """
    reports._check_range(date_from, date_to)
    weeks = int(db.rule(con, "pace_weeks")) if weeks is None else int(weeks)
    if weeks < 1:
        raise ReportError(key="pace.error.weeks")
    benchmark = float(db.rule(con, "benchmark_coverage"))
    as_of = min(max(as_of, date_from - dt.timedelta(days=1)), date_to)
    if as_of < date_from:  # the period has not begun: nothing visited, no pace yet
        now = reports.coverage(con, level, date_from, date_from, kinds=kinds, scope=scope, parent=parent)
        now["visited"] = 0
        now["coverage"] = np.where(now["households"] > 0, 0.0, np.nan)
        before, window_days = now["visited"], 0
    else:
        now = reports.coverage(con, level, date_from, as_of, kinds=kinds, scope=scope, parent=parent)
        start = window_start(date_from, as_of, weeks)
        window_days = (as_of - start).days + 1
        if start > date_from:
            earlier = reports.coverage(
                con, level, date_from, start - dt.timedelta(days=1), kinds=kinds, scope=scope, parent=parent
            )
            before = now[["code"]].merge(earlier[["code", "visited"]], on="code", how="left")["visited"].fillna(0)
        else:
            before = pd.Series(0, index=now.index)
    days_left = (date_to - as_of).days if as_of >= date_from else (date_to - date_from).days + 1
    proj = project(
        now["households"].to_numpy(),
        now["visited"].to_numpy(),
        before.to_numpy(),
        window_days,
        days_left,
        benchmark,
        method,
    )
    out = pd.concat([now.reset_index(drop=True), proj], axis=1)
    return out[PACE_COLUMNS]


def by_shortfall(frame: pd.DataFrame) -> pd.DataFrame:
    """Pace rows worst first: the largest projected shortfall, then the lowest projection, then code.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`pace`'s rows.

    Returns
    -------
    pandas.DataFrame
        The same rows, sorted (areas without a shortfall last), index renumbered.
    """
    return frame.sort_values(
        ["shortfall", "projected", "code"], ascending=[False, True, True], na_position="last", kind="mergesort"
    ).reset_index(drop=True)


class Headline(NamedTuple):
    """The selected area's pace; None where it cannot be computed.

    Households, visited, new households a week, projected coverage (0–1), households needed a
    week, projected shortfall (0–1).
    """

    households: int
    visited: int
    pace_per_week: float | None
    projected: float | None
    needed_per_week: int | None
    shortfall: float | None


def headline(
    con: duckdb.DuckDBPyConnection,
    area_code: str | None,
    area_level: str,
    date_from: dt.date,
    date_to: dt.date,
    as_of: dt.date,
    kinds: Sequence[str] = ("home",),
    scope: Scope = None,
    rows: pd.DataFrame | None = None,
) -> Headline:
    """The pace of the selected area.

    Its own row of :func:`pace`; for "everything in my scope", the pace of the sum of ``rows``.

    Returns
    -------
    Headline
        The area's numbers; zeros and None without households.
    """
    if area_code is not None:
        own = pace(con, area_level, date_from, date_to, as_of, kinds=kinds, scope=scope, parent=area_code)
        own = own[own["code"] == area_code]
        if len(own):
            r = own.iloc[0]
            return Headline(
                int(r["households"]),
                int(r["visited"]),
                _num(r["pace_per_week"]),
                _num(r["projected"]),
                None if pd.isna(r["needed_per_week"]) else int(r["needed_per_week"]),
                _num(r["shortfall"]),
            )
    if rows is None or not len(rows):
        return Headline(0, 0, None, None, None, None)
    weeks = int(db.rule(con, "pace_weeks"))
    benchmark = float(db.rule(con, "benchmark_coverage"))
    n, v = int(rows["households"].sum()), int(rows["visited"].sum())
    p = rows["pace_per_week"].sum(min_count=1)
    as_of = min(max(as_of, date_from), date_to)
    window_days = (as_of - window_start(date_from, as_of, weeks)).days + 1
    before = v - (p * window_days / 7.0 if pd.notna(p) else 0.0)
    r = project(np.array([n]), np.array([v]), np.array([before]), window_days, (date_to - as_of).days, benchmark).iloc[
        0
    ]
    return Headline(
        n,
        v,
        _num(r["pace_per_week"]),
        _num(r["projected"]),
        None if pd.isna(r["needed_per_week"]) else int(r["needed_per_week"]),
        _num(r["shortfall"]),
    )


def _num(v: Any) -> float | None:
    return None if pd.isna(v) else float(v)


# ----------------------------------------------------------------------------- is it any good?


class Backtest(NamedTuple):
    """How a past pace forecast did: per-area rows and summary errors (None when no area qualifies)."""

    rows: pd.DataFrame  # BACKTEST_COLUMNS, one row per area with households
    mae: float | None  # mean absolute error, in coverage (0.05 = 5 percentage points)
    bias: float | None  # mean of projected − actual
    within_5pts: float | None  # share of areas projected within 5 points of the actual
    verdict_right: float | None  # share whose "reaches the benchmark" forecast came true


def backtest(
    con: duckdb.DuckDBPyConnection,
    level: str,
    date_from: dt.date,
    made_on: dt.date,
    target_on: dt.date,
    kinds: Sequence[str] = ("home",),
    scope: Scope = None,
    method: str = "share",
) -> Backtest:
    """The pace forecast made on ``made_on`` for ``target_on`` against the coverage actually reached.

    The forecast is :func:`pace` of ``[date_from, target_on]`` as of ``made_on`` (only the visits up
    to ``made_on`` are read); the actual is :func:`analytics.reports.coverage` of ``[date_from,
    target_on]``. ``error = projected − actual``. Areas without households are left out.

    Returns
    -------
    Backtest
        The per-area rows and the summary errors (None when no area qualifies).

    Raises
    ------
    ReportError
        Unless ``date_from ≤ made_on < target_on``.
    """
    if not date_from <= made_on < target_on:
        raise ReportError(key="pace.error.backtest_dates")
    fc = pace(con, level, date_from, target_on, made_on, kinds=kinds, scope=scope, method=method)
    actual = reports.coverage(con, level, date_from, target_on, kinds=kinds, scope=scope)
    t = fc[["code", "name", "households", "projected", "benchmark"]].merge(
        actual[["code", "coverage"]].rename(columns={"coverage": "actual"}), on="code"
    )
    t = t[t["households"] > 0].reset_index(drop=True)
    t["error"] = (t["projected"] - t["actual"]).round(4)
    t["forecast_reaches"] = t["projected"] >= t["benchmark"]
    t["actual_reaches"] = t["actual"] >= t["benchmark"]
    rows = t[BACKTEST_COLUMNS]
    if not len(rows):
        return Backtest(rows, None, None, None, None)
    err = rows["error"].to_numpy(dtype=float)
    return Backtest(
        rows,
        round(float(np.abs(err).mean()), 4),
        round(float(err.mean()), 4),
        round(float((np.abs(err) <= 0.05).mean()), 4),
        round(float((rows["forecast_reaches"] == rows["actual_reaches"]).mean()), 4),
    )


# ----------------------------------------------------------------------------- shortfall classes

#: Projected shortfall classes (coverage ratio points below the benchmark), for the map: class 0
#: "reaches the benchmark" (a shortfall of 0), then upper breaks of 2, 5, 10 and 20 points, then
#: beyond. The map colours them (gis.maps.shortfall_classes, gis.palette.SHORTFALL_COLORS).
SHORTFALL_BINS = (0.0, 1e-9, 0.02, 0.05, 0.10, 0.20, 1.0 + 1e-9)
