"""The numbers of CONTRACT.md §4, as DataFrames with the contract's columns.

The pages and ``manage.py report`` call these same functions, so their numbers cannot differ.
On PostgreSQL with ``$LIANXIN_DB_REPLICA`` they read a streaming replica (store.db.for_reports).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import Any, Sequence

import duckdb
import numpy as np
import pandas as pd

from i18n import Message, WordedError
from store import db
from vocabulary.areas import LEVELS
from vocabulary.petitions import GROUP_PETITION_PEOPLE
from vocabulary.visits import VISIT_KINDS

COVERAGE_COLUMNS = ["code", "name", "households", "visited", "coverage"]
QUOTA_COLUMNS = ["staff_id", "name", "grid_code", "visits", "visit_days", "households_visited", "target_days", "met"]
UNVISITED_COLUMNS = ["household_code", "head_name", "grid_code", "last_visit", "days_since"]
HOTSPOT_COLUMNS = ["code", "name", "households", "petitions", "per_1000", "gi_z", "gi_p", "gi_bin"]
Scope = Sequence[str] | None


class ReportError(WordedError, ValueError):
    """A report asked for something that does not exist or makes no sense; the message says what to fix.

    Raised with a catalog ``key`` and its ``params`` (``ReportError(key="report.error.range", …)``),
    :meth:`text` words it in the page's language; ``str(e)`` is the command line's sentence, Chinese
    and English, from the key's ``.cli`` variant when there is one (it names the flag to fix)
    (i18n/message.py). Subclasses raised with a plain sentence keep it as their text.
    """


def parse_week(week: str) -> tuple[dt.date, dt.date]:
    """``2026-W47`` (or ``2026W47``, ``2026-47``) → (Monday, Sunday) of that ISO week.

    Parameters
    ----------
    week : str
        The week as typed.

    Returns
    -------
    tuple of (datetime.date, datetime.date)
        The week's Monday and Sunday.

    Raises
    ------
    ReportError
        When the text is no week of these forms, or the year has no such week.

    Examples
    --------
    >>> parse_week("2026-W47")
    (datetime.date(2026, 11, 16), datetime.date(2026, 11, 22))
    """
    m = re.fullmatch(r"\s*(\d{4})-?W?(\d{1,2})\s*", week or "", flags=re.IGNORECASE)
    if not m:
        raise ReportError(key="report.error.week_format", week=repr(week))
    year, wk = int(m.group(1)), int(m.group(2))
    try:
        monday = dt.date.fromisocalendar(year, wk, 1)
    except ValueError:
        raise ReportError(key="report.error.no_such_week", year=year, week=wk) from None
    return monday, monday + dt.timedelta(days=6)


def _scope(scope: Scope) -> list[str] | None:
    return None if scope is None else list(scope)


def county_wide(con: duckdb.DuckDBPyConnection, scope: Scope) -> bool:
    """True when ``scope`` sees the whole county: None, or it lists a county.

    Such a scope also sees what belongs to no township (unlocated petitions), so a county-wide
    figure is the same for the administrator and for a leader whose scope is the county.

    Returns
    -------
    bool
        Whether the scope is county-wide.
    """
    if scope is None:
        return True
    counties = set(db.df(con, "areas_in_scope", level="county", scope=None)["code"])
    return bool(counties & set(scope))


def _check_level(level: str, allowed: Sequence[str]) -> None:
    if level not in allowed:
        raise ReportError(key="report.error.level", level=level, allowed=", ".join(allowed))


def _check_range(date_from: dt.date, date_to: dt.date) -> None:
    if date_from > date_to:
        raise ReportError(key="report.error.range", date_from=date_from, date_to=date_to)


# Home visits over a past range on PostgreSQL: the households not visited are counted from the gaps
# between home visits while the gaps containing the range (estimated from one household in 32) are at
# most this share of the households (queries/reports.sql, coverage__postgres, home_gaps;
# store/migrations/0030_past_home_gaps.postgres.sql). Past it, reading every household's days once is
# cheaper: a gap read from its index costs about one and a half household reads (county set, BENCHMARKS.md).
PAST_HOME_GAPS_SHARE = 0.25
# Past those, the households visited are counted from the gaps ending in the range (migration 0031:
# about the range's home visits) while those gaps (estimated the same way) are at most this share of
# the households: a gap read costs about as much as a household's days (county set, BENCHMARKS.md,
# twenty-sixth session); past it, every household's days are read once.
PAST_HOME_RUNS_SHARE = 1.0


def coverage_ratio(visited: Any, households: Any) -> float | None | np.ndarray:
    """``visited / households`` to 4 decimals, half up on the exact fraction: the coverage rule.

    CONTRACT.md §2 gives coverage to 4 decimals; this rounds as a clerk would (114 of 1,600 is
    0.07125 → 0.0713, as a spreadsheet's ROUND gives), whatever binary double the division makes.
    The queries compute the same in SQL with the same formula on both stores (queries/reports.sql
    and queries/coverage_page.sql ``coverage``): ``floor((20000·v + n) / (2·n)) / 10000`` in
    float64, exact for counts below 2**40 (integers exact, one correctly rounded division, floor of a
    quotient at least 1/(2n) from the next integer).

    Parameters
    ----------
    visited, households : int or array-like of int
        Counts of households (``households`` ≥ 0).

    Returns
    -------
    float or None, or numpy.ndarray of float64
        For scalars a float, None when ``households`` is 0; for arrays NaN there.

    Examples
    --------
    >>> coverage_ratio(114, 1600), coverage_ratio(1, 32), coverage_ratio(2, 3), coverage_ratio(0, 0)
    (0.0713, 0.0313, 0.6667, None)
    """
    v = np.asarray(visited, dtype="float64")
    n = np.asarray(households, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(n > 0, np.floor((20000.0 * v + n) / (2.0 * n)) / 10000.0, np.nan)
    if out.ndim == 0:
        return None if np.isnan(out) else float(out)
    return out


def coverage(
    con: duckdb.DuckDBPyConnection,
    level: str,
    date_from: dt.date,
    date_to: dt.date,
    kinds: Sequence[str] = ("home",),
    scope: Scope = None,
    parent: str | None = None,
) -> pd.DataFrame:
    """Visit coverage of every area of a level.

    Parameters
    ----------
    level : township, village or grid (county too).
    date_from, date_to : the range, both inclusive.
    kinds : the visit kinds that count (default home visits only).
    scope : area codes the user may see; None for everything.
    parent : only the areas under this area (None: all of the level).

    Returns
    -------
    pandas.DataFrame
        ``code,name,households,visited,coverage`` (coverage a fraction 0–1, empty when households = 0).

    Raises
    ------
    ReportError
        When the level is unknown, ``date_from`` is after ``date_to``, or ``kinds`` is empty or names
        an unknown visit kind.

    Examples
    --------
    >>> from store import db
    >>> coverage(db.connect(":memory:"), "grid", dt.date(2026, 1, 1), dt.date(2026, 1, 31)).columns.tolist()
    ['code', 'name', 'households', 'visited', 'coverage']
    """
    _check_level(level, LEVELS)
    _check_range(date_from, date_to)
    bad = [k for k in kinds if k not in VISIT_KINDS]
    if bad or not kinds:
        raise ReportError(
            key="report.error.kinds", kinds=",".join(bad) or Message("message.empty"), allowed=",".join(VISIT_KINDS)
        )
    con = db.for_reports(con)
    with db.snapshot(con):  # one snapshot: the household keys, last home visits and visits agree
        max_hid, latest = db.execute(con, "households_max_hid").fetchone()
        # Home visits only, and no household's last home visit after the range: the last home visit
        # alone says whether a household was visited in the range; no visit needs reading.
        from_last_home = list(kinds) == ["home"] and (latest is None or latest <= date_to)
        out = db.df(
            con,
            "coverage",
            level=level,
            date_from=date_from,
            date_to=date_to,
            kinds=list(kinds),
            scope=_scope(scope),
            parent=parent,
            max_hid=int(max_hid or 1),
            from_last_home=from_last_home,
            gaps_share=PAST_HOME_GAPS_SHARE,
            runs_share=PAST_HOME_RUNS_SHARE,
        )
    return out[COVERAGE_COLUMNS]


def quotas(con: duckdb.DuckDBPyConnection, week: str, scope: Scope = None) -> pd.DataFrame:
    """Weekly quota per staff member responsible for a grid (``visit_days ≥ target_days`` is met).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    week : str
        An ISO week (:func:`parse_week`).
    scope : sequence of str, optional
        The user's areas (None: everything).

    Returns
    -------
    pandas.DataFrame
        Columns ``QUOTA_COLUMNS``, one row per staff member.
    """
    start, end = parse_week(week)
    con = db.for_reports(con)
    target = int(db.rule(con, "visit_target_days"))
    out = db.df(con, "quotas", week_start=start, week_end=end, target=target, scope=_scope(scope))
    return out[QUOTA_COLUMNS]


def unvisited(
    con: duckdb.DuckDBPyConnection,
    area: str,
    as_of: dt.date,
    days: int | None = None,
    scope: Scope = None,
    extra: bool = False,
) -> pd.DataFrame:
    """Households of an area due for a home visit as of a date: never visited first, then oldest.

    ``extra=True`` adds tags, phone, address, lon, lat for the pages.

    Returns
    -------
    pandas.DataFrame
        Columns ``UNVISITED_COLUMNS`` (and the extra ones), ``days_since`` as nullable integers.

    Raises
    ------
    ReportError
        When ``days`` is below 1, or nothing came back because the area does not exist.
    """
    con = db.for_reports(con)
    if days is None:
        days = int(db.rule(con, "revisit_days"))
    if days < 1:
        raise ReportError(key="report.error.days")
    out = db.df(con, "unvisited", area=area, as_of=as_of, days=int(days), scope=_scope(scope))
    if out.empty and db.one(con, "area_get", code=area) is None:  # asked only when nothing came back
        raise ReportError(key="report.error.no_area", area=area)
    out["days_since"] = out["days_since"].astype("Int64")
    return out if extra else out[UNVISITED_COLUMNS]


def hotspots(
    con: duckdb.DuckDBPyConnection,
    level: str,
    date_from: dt.date,
    date_to: dt.date,
    fdr: bool = False,
    scope: Scope = None,
    categories: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    group_only: bool = False,
    unresolved_only: bool = False,
) -> pd.DataFrame:
    """Petitions per 1,000 households and Getis-Ord Gi* per area (queen contiguity, binary, self included).

    The Gi* is computed over all areas of the level in the county (the neighbourhood of an area
    does not depend on who looks); ``scope`` only filters the rows returned.

    Returns
    -------
    pandas.DataFrame
        ``code,name,households,petitions,per_1000,gi_z,gi_p,gi_bin``.
    """
    _check_level(level, LEVELS[1:])
    _check_range(date_from, date_to)
    con = db.for_reports(con)
    counts = db.df(
        con,
        "hotspot_counts",
        level=level,
        date_from=date_from,
        date_to=date_to,
        scope=None,
        categories=list(categories) if categories else None,
        channels=list(channels) if channels else None,
        group_only=bool(group_only),
        group_people=GROUP_PETITION_PEOPLE,
        unresolved_only=bool(unresolved_only),
    )
    hh = counts["households"].to_numpy(dtype=float)
    pet = counts["petitions"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(hh > 0, 1000.0 * pet / hh, np.nan)
    counts["per_1000"] = np.round(rate, 2)
    z = gi_star(con, level, counts["code"].tolist(), np.nan_to_num(rate, nan=0.0))
    p = two_sided_p(z)
    counts["gi_z"] = np.round(z, 4)
    counts["gi_p"] = np.round(p, 4)
    counts["gi_bin"] = gi_bins(z, p, fdr=fdr)
    if scope is not None:
        visible = set(db.df(con, "areas_in_scope", level=level, scope=list(scope))["code"])
        counts = counts[counts["code"].isin(visible)].reset_index(drop=True)
    return counts[HOTSPOT_COLUMNS]


def gi_star(con: duckdb.DuckDBPyConnection, level: str, codes: list[str], y: np.ndarray) -> np.ndarray:
    """Analytical z-scores of Getis-Ord Gi* for the areas of a level.

    The neighbours are the queen neighbours stored at boundary import (see :func:`gi_star_from_pairs`).

    Returns
    -------
    numpy.ndarray
        Float array of shape (len(codes),), in the order of ``codes``.
    """
    from gis.areas import refresh_stale_neighbors

    refresh_stale_neighbors(con)  # a database migrated to 0006 recomputes them once
    return gi_star_from_pairs(codes, y, db.df(con, "neighbors_of_level", level=level))


def gi_star_from_pairs(codes: list[str], y: np.ndarray, pairs: pd.DataFrame) -> np.ndarray:
    """Analytical z-scores of Getis-Ord Gi* (esda.G_Local, star=True, binary weights).

    Parameters
    ----------
    codes : the areas, in the order of ``y``.
    y : the value per area.
    pairs : neighbour pairs (columns ``code``, ``neighbor``); pairs outside ``codes`` are ignored.

    Areas with no neighbours (islands) get z from their own value only; a constant ``y`` gives 0.

    Returns
    -------
    numpy.ndarray
        Float array of shape (len(codes),): the z-scores (0 with fewer than 3 areas).
    """
    n = len(codes)
    if n < 3 or np.allclose(y, y[0] if n else 0):
        return np.zeros(n)
    from esda.getisord import G_Local
    from libpysal.graph import Graph

    # The weights as a libpysal Graph built from arrays (vectorised; the dict-based W took seconds
    # at 100,000 grids). Ids are the positions 0…n-1, focal-sorted so the Graph keeps y's order;
    # an island is a self-pair of weight 0 (libpysal's convention for isolates).
    pos = pd.Index(codes)
    focal = pos.get_indexer(pairs["code"])
    neigh = pos.get_indexer(pairs["neighbor"])
    keep = (focal >= 0) & (neigh >= 0) & (focal != neigh)
    edges = np.unique(focal[keep].astype(np.int64) * n + neigh[keep])  # sorted by focal, neighbour
    islands = np.setdiff1d(np.arange(n), edges // n)
    focal = np.concatenate([edges // n, islands])
    neigh = np.concatenate([edges % n, islands])
    weight = np.concatenate([np.ones(len(edges)), np.zeros(len(islands))])
    order = np.argsort(focal, kind="stable")
    # np.errstate as well: numpy's own division warnings (an area whose expected variance is 0 gets
    # NaN, then 0 below) are silenced per thread, where catch_warnings changes the process's filters
    # and another page's thread may restore them in the middle of this one's
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        graph = Graph.from_arrays(focal[order], neigh[order], weight[order])
        g = G_Local(np.asarray(y, dtype=float), graph, transform="B", star=True, permutations=0)
    return np.nan_to_num(np.asarray(g.Zs, dtype=float), nan=0.0)


def two_sided_p(z: np.ndarray) -> np.ndarray:
    """Two-sided p-values of standard normal z-scores, ``2·P(Z > |z|)``.

    The p-value of Gi* (Getis & Ord 1995: the statistic is asymptotically normal).

    Parameters
    ----------
    z : array of any shape, z-scores.

    Returns
    -------
    numpy.ndarray of the same shape, in [0, 1].

    scipy.stats is imported here, not with the module: it takes about a second to import, and most
    commands (coverage, quotas, imports) never ask for a p-value.
    """
    from scipy.stats import norm

    return 2.0 * norm.sf(np.abs(z))


THRESHOLDS = ((2.576, 3), (1.960, 2), (1.645, 1))


def gi_bins(z: np.ndarray, p: np.ndarray, fdr: bool = False) -> np.ndarray:
    """±3/±2/±1/0 for |z| ≥ 2.576/1.960/1.645/below; with ``fdr`` the p cut-offs are FDR-corrected.

    Returns
    -------
    numpy.ndarray
        Integer array of shape (len(z),), the sign of z times the confidence bin.

    Examples
    --------
    >>> gi_bins([3.0, -2.0, 1.7, 0.5], [0.0027, 0.0455, 0.089, 0.617]).tolist()
    [3, -2, 1, 0]
    """
    z = np.asarray(z, dtype=float)
    out = np.zeros(len(z), dtype=int)
    if not fdr:
        for t, b in reversed(THRESHOLDS):
            out[np.abs(z) >= t] = b
    else:
        from esda import fdr as fdr_cut

        for alpha, b in ((0.10, 1), (0.05, 2), (0.01, 3)):
            cut = fdr_cut(np.asarray(p, dtype=float), alpha) if len(p) else 0.0
            out[np.asarray(p) <= cut] = b
    return np.sign(z).astype(int) * out
