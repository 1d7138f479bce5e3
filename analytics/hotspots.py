"""Petition hotspots over time: monthly counts, emerging hot spots, repeats, escalations, the hottest list.

Also the class breaks of petitions per 1,000 households (what the hotspot page and the watch-list ask).
The hot/cold spots of a period are :func:`analytics.reports.hotspots` (the same numbers as
``manage.py report hotspots``); the monthly Gi* uses :func:`analytics.reports.gi_star` and
:func:`analytics.reports.gi_bins`, so nothing here re-implements Getis-Ord Gi*.

Emerging hot spots follow the published definitions of Esri's *Emerging Hot Spot Analysis*:
Gi* per time step (a calendar month), a Mann–Kendall test on each area's Gi* z-series, and
eight hot patterns with their cold mirrors (see :func:`emerging_classes`).
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import reports
from store import db
from vocabulary.petitions import ESCALATED_LEVELS  # noqa: F401  (re-exported)
from vocabulary.petitions import GROUP_PETITION_PEOPLE

Scope = Sequence[str] | None

#: The hot patterns in Esri's order; each has a cold mirror ``<name>_cold``.
PATTERN_NAMES = (
    "new",
    "consecutive",
    "intensifying",
    "persistent",
    "diminishing",
    "sporadic",
    "oscillating",
    "historical",
)
PATTERNS = tuple(f"{p}_hot" for p in PATTERN_NAMES) + tuple(f"{p}_cold" for p in PATTERN_NAMES) + ("none",)

#: Levels a petition can reach above the county: escalated petitions.


def _filters(
    categories: Sequence[str] | None, channels: Sequence[str] | None, group_only: bool, unresolved_only: bool
) -> dict[str, Any]:
    return {
        "categories": list(categories) if categories else None,
        "channels": list(channels) if channels else None,
        "group_only": bool(group_only),
        "unresolved_only": bool(unresolved_only),
    }


# ----------------------------------------------------------------------------- months


def month_window(end: dt.date, months: int = 12) -> list[dt.date]:
    """The first days of the ``months`` calendar months ending with the month of ``end``.

    Parameters
    ----------
    end : datetime.date
        A day of the last month.
    months : int
        How many months.

    Returns
    -------
    list of datetime.date
        The months' first days, oldest first.

    Examples
    --------
    >>> [m.isoformat() for m in month_window(dt.date(2026, 2, 10), 3)]
    ['2025-12-01', '2026-01-01', '2026-02-01']
    """
    y, m = end.year, end.month
    out = []
    for _ in range(months):
        out.append(dt.date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def monthly_counts(
    con: duckdb.DuckDBPyConnection,
    level: str,
    end: dt.date,
    months: int = 12,
    categories: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    group_only: bool = False,
    unresolved_only: bool = False,
) -> pd.DataFrame:
    """Located petitions per area and calendar month, for the ``months`` months ending with ``end``.

    Parameters
    ----------
    level : village or grid (township too).
    end : the last day counted (the last month may be partial).
    categories, channels, group_only, unresolved_only : the filters of ``reports.hotspots``.

    Returns
    -------
    DataFrame indexed by area code — every area of the level, in code order — with one
    integer column per month (``datetime.date`` of the month's first day), zeros filled.
    """
    window = month_window(end, months)
    codes = db.df(con, "areas_in_scope", level=level, scope=None)["code"].tolist()
    long = db.df(
        con,
        "hotspots_page_monthly",
        level=level,
        date_from=window[0],
        date_to=end,
        group_people=GROUP_PETITION_PEOPLE,
        **_filters(categories, channels, group_only, unresolved_only),
    )
    if len(long):
        long["month"] = pd.to_datetime(long["month"]).dt.date
        wide = long.pivot_table(index="code", columns="month", values="petitions", aggfunc="sum")
    else:
        wide = pd.DataFrame(index=pd.Index([], name="code"))
    wide = wide.reindex(index=codes, columns=window).fillna(0).astype(int)
    wide.index.name = "code"
    wide.columns.name = "month"
    return wide


def monthly_gi(
    con: duckdb.DuckDBPyConnection, level: str, counts: pd.DataFrame, households: pd.Series, fdr: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Gi* of petitions per 1,000 households for every month (``reports.gi_star`` per column).

    Parameters
    ----------
    counts : :func:`monthly_counts`.
    households : active households per area code (areas without households count as 0, as in
        ``reports.hotspots``).
    fdr : FDR-corrected bins (``reports.gi_bins``).

    Returns
    -------
    (z, p, bins): DataFrames shaped like ``counts``.
    """
    hh = households.reindex(counts.index).fillna(0).to_numpy(dtype=float)
    codes = counts.index.tolist()
    z = np.zeros(counts.shape, dtype=float)
    for j, month in enumerate(counts.columns):
        n = counts[month].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(hh > 0, 1000.0 * n / hh, 0.0)
        z[:, j] = reports.gi_star(con, level, codes, rate)
    p = reports.two_sided_p(z)
    bins = (
        np.column_stack([reports.gi_bins(z[:, j], p[:, j], fdr=fdr) for j in range(z.shape[1])])
        if z.shape[1]
        else np.zeros(z.shape, dtype=int)
    )
    mk = lambda a: pd.DataFrame(a, index=counts.index, columns=counts.columns)  # noqa: E731
    return mk(z), mk(p), mk(bins.astype(int))


# ----------------------------------------------------------------------------- trends


def mann_kendall(series: Sequence[float], alpha: float = 0.05) -> tuple[str, float, float, float]:
    """Mann–Kendall trend test (pymannkendall.original_test).

    Returns
    -------
    (trend, p, tau, slope): trend is ``"increasing"``, ``"decreasing"`` or ``"no trend"``
    (also for fewer than 3 values or a constant series); slope is Sen's slope per step.
    """
    x = np.asarray(series, dtype=float)
    if len(x) < 3 or not np.all(np.isfinite(x)) or np.allclose(x, x[0]):
        return "no trend", 1.0, 0.0, 0.0
    import pymannkendall as pmk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = pmk.original_test(x, alpha=alpha)
    p = float(r.p) if np.isfinite(r.p) else 1.0
    trend = r.trend if p < alpha else "no trend"
    return trend, p, float(r.Tau), float(r.slope)


def count_trends(counts: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Direction of change of each area's monthly petitions (Mann–Kendall, Sen's slope).

    Returns
    -------
    DataFrame indexed like ``counts``: ``trend, trend_p, slope``.
    """
    rows = [mann_kendall(r, alpha) for r in counts.to_numpy(dtype=float)]
    return pd.DataFrame(
        {"trend": [r[0] for r in rows], "trend_p": [r[1] for r in rows], "slope": [r[3] for r in rows]},
        index=counts.index,
    )


def _trailing_run(x: np.ndarray) -> int:
    n = 0
    for v in x[::-1]:
        if not v:
            break
        n += 1
    return n


def _pattern(hot: np.ndarray, cold: np.ndarray, trend: int) -> str | None:
    """One side (hot, or cold with the arrays swapped and the trend negated) of Esri's patterns.

    Returns
    -------
    str or None
        A name of :data:`PATTERN_NAMES` without its side, or None when no pattern fits.
    """
    n = len(hot)
    n_hot = int(hot.sum())
    if n == 0 or n_hot == 0:
        return None
    if n_hot / n >= 0.9:
        if not hot[-1]:
            return "historical"
        if trend > 0:
            return "intensifying"
        if trend < 0:
            return "diminishing"
        return "persistent"
    if not hot[-1]:
        return None
    if n_hot == 1:
        return "new"
    run = _trailing_run(hot)
    if run >= 2 and run == n_hot:
        return "consecutive"
    if cold.any():
        return "oscillating"
    return "sporadic"


def emerging_classes(
    z: Any, p: Any = None, bins: Any = None, alpha: float = 0.05, trend_alpha: float = 0.05
) -> pd.DataFrame:
    """Esri's emerging hot spot pattern of each area from its Gi* time series.

    Parameters
    ----------
    z : areas × time steps Gi* z-scores (array or DataFrame; a DataFrame's index is kept).
    p : matching p-values; a step is significant when ``p ≤ alpha``. Default: two-sided normal
        p of ``z``.
    bins : matching Gi* bins (``reports.gi_bins``); when given they decide significance
        (hot: bin > 0, cold: bin < 0) instead of ``p``.
    alpha : significance of a step (ignored with ``bins``).
    trend_alpha : significance of the Mann–Kendall trend of the z-series.

    Returns
    -------
    DataFrame ``pattern, trend, trend_p, tau, hot_steps, cold_steps`` with ``pattern`` one of
    :data:`PATTERNS`:

    - new: hot in the final step and never hot before;
    - consecutive: an uninterrupted run of at least two hot steps at the end, never hot before
      the run, fewer than 90 % of steps hot;
    - intensifying / persistent / diminishing: hot in at least 90 % of steps including the final
      one, with a significant increasing / no / a significant decreasing trend of z;
    - sporadic: hot in the final step, on and off before, fewer than 90 % hot, never cold;
    - oscillating: hot in the final step, fewer than 90 % hot, cold in some earlier step;
    - historical: not hot in the final step, but hot in at least 90 % of steps;
    - the ``_cold`` patterns mirror these; ``none`` for anything else.

    Examples
    --------
    >>> emerging_classes([[0, 0, 0, 0, 0, 0, 0, 0, 0, 3.0]])["pattern"].tolist()
    ['new_hot']
    """
    index = z.index if isinstance(z, pd.DataFrame) else None
    zz = np.atleast_2d(np.asarray(z, dtype=float))
    if bins is not None:
        b = np.atleast_2d(np.asarray(bins, dtype=float))
        hot, cold = b > 0, b < 0
    else:
        pp = reports.two_sided_p(zz) if p is None else np.atleast_2d(np.asarray(p, dtype=float))
        sig = pp <= alpha
        hot, cold = sig & (zz > 0), sig & (zz < 0)
    out = []
    for i in range(zz.shape[0]):
        trend, tp, tau, _ = mann_kendall(zz[i], trend_alpha)
        d = 1 if trend == "increasing" else (-1 if trend == "decreasing" else 0)
        h, c = hot[i], cold[i]
        hp, cp = _pattern(h, c, d), _pattern(c, h, -d)
        if len(h) and h[-1]:
            pat = f"{hp}_hot"
        elif len(c) and c[-1]:
            pat = f"{cp}_cold"
        elif hp:
            pat = f"{hp}_hot"
        elif cp:
            pat = f"{cp}_cold"
        else:
            pat = "none"
        out.append((pat, trend, tp, tau, int(h.sum()), int(c.sum())))
    return pd.DataFrame(out, columns=["pattern", "trend", "trend_p", "tau", "hot_steps", "cold_steps"], index=index)


@dataclass
class Emerging:
    """Monthly counts, their Gi* and each area's pattern and count trend."""

    months: list[dt.date]
    counts: pd.DataFrame  # code × month
    z: pd.DataFrame
    bins: pd.DataFrame
    # classes, by code: pattern, trend (of z), trend_p, tau, hot_steps, cold_steps, count_trend,
    # count_trend_p, count_slope
    classes: pd.DataFrame


def emerging(
    con: duckdb.DuckDBPyConnection,
    level: str,
    end: dt.date,
    months: int = 12,
    fdr: bool = False,
    min_bin: int = 2,
    categories: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    group_only: bool = False,
    unresolved_only: bool = False,
) -> Emerging:
    """Emerging hot spots of the ``months`` months ending with ``end`` over every area of the level.

    A month counts as hot (cold) for an area when its Gi* bin is at least ``min_bin`` (at most
    ``-min_bin``): 2 is 95 % confidence, as in Esri's tool.

    Returns
    -------
    Emerging
        The months, the counts, Gi* z-scores and bins (area code × month) and each area's classes
        (:func:`emerging_classes` plus ``count_trend, count_trend_p, count_slope``).
    """
    flt = _filters(categories, channels, group_only, unresolved_only)
    counts = monthly_counts(con, level, end, months, **flt)
    base = db.df(
        con,
        "hotspot_counts",
        level=level,
        date_from=end,
        date_to=end,
        scope=None,
        group_people=GROUP_PETITION_PEOPLE,
        **flt,
    )
    households = base.set_index("code")["households"]
    z, p, bins = monthly_gi(con, level, counts, households, fdr=fdr)
    sig = bins.where(bins.abs() >= min_bin, 0)
    classes = emerging_classes(z, bins=sig)
    ct = count_trends(counts)
    classes["count_trend"] = ct["trend"]
    classes["count_trend_p"] = ct["trend_p"]
    classes["count_slope"] = ct["slope"]
    return Emerging(list(counts.columns), counts, z, bins, classes)


# ----------------------------------------------------------------------------- petitions


def petitions(
    con: duckdb.DuckDBPyConnection,
    date_from: dt.date,
    date_to: dt.date,
    scope: Scope = None,
    area: str | None = None,
    with_unlocated: bool | None = None,
    categories: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    group_only: bool = False,
    unresolved_only: bool = False,
) -> pd.DataFrame:
    """Petitions received in the range with where they are located (``village_code`` empty: unlocated).

    ``with_unlocated`` defaults to True only for a county-wide view (no ``area``, scope None or
    a county): unlocated petitions belong to no township or village.

    Returns
    -------
    pandas.DataFrame
        The named query ``hotspots_page_petitions``' rows, ``received_on``, ``replied_on`` and
        ``closed_on`` as dates.
    """
    if with_unlocated is None:
        with_unlocated = area is None and county_wide(con, scope)
    out = db.df(
        con,
        "hotspots_page_petitions",
        date_from=date_from,
        date_to=date_to,
        scope=None if scope is None else list(scope),
        area=area,
        with_unlocated=bool(with_unlocated),
        group_people=GROUP_PETITION_PEOPLE,
        **_filters(categories, channels, group_only, unresolved_only),
    )
    for c in ("received_on", "replied_on", "closed_on"):
        out[c] = pd.to_datetime(out[c]).dt.date
    return out


county_wide = reports.county_wide


def repeat_petitions(
    con: duckdb.DuckDBPyConnection,
    date_from: dt.date,
    date_to: dt.date,
    days: int = 90,
    scope: Scope = None,
    area: str | None = None,
) -> pd.DataFrame:
    """Petitions of a household that petitioned before within ``days`` days (SQL window function).

    Returns
    -------
    DataFrame ``id, received_on, household_code, head_name, category, status, previous_id,
    previous_on, previous_category, days_between, village_code, village_name``.
    """
    out = db.df(
        con,
        "hotspots_page_repeats",
        date_from=date_from,
        date_to=date_to,
        days=int(days),
        scope=None if scope is None else list(scope),
        area=area,
    )
    for c in ("received_on", "previous_on"):
        out[c] = pd.to_datetime(out[c]).dt.date
    return out


def escalated(petitions_df: pd.DataFrame) -> pd.DataFrame:
    """The petitions that reached the city, the province or Beijing (``level_reached``).

    Parameters
    ----------
    petitions_df : pandas.DataFrame
        Petitions with a ``level_reached`` column.

    Returns
    -------
    pandas.DataFrame
        Those whose level is one of ``ESCALATED_LEVELS`` (case and spaces ignored), index renumbered.
    """
    lvl = petitions_df["level_reached"].astype("string").str.strip().str.lower()
    return petitions_df[lvl.isin(ESCALATED_LEVELS).fillna(False).to_numpy(bool)].reset_index(drop=True)


def overdue(
    con: duckdb.DuckDBPyConnection, petitions_df: pd.DataFrame, today: dt.date, every: pd.DataFrame | None = None
) -> pd.Series:
    """Which petitions are overdue as of ``today`` (past a due date and not replied / not closed).

    The deadlines are those of :func:`analytics.petitions.items` (working days counted in
    :mod:`analytics.calendar`), so the counts match the other pages. ``every``, when given, is the
    county's petitions of the work list of ``today`` (:func:`analytics.petitions.petition_items` with no
    scope), which the pages share between sessions under the data's version without visits (a saved
    visit changes no petition's deadline): the flags are read from it instead of queried again.

    Returns
    -------
    Series of bool aligned with ``petitions_df`` (False for a petition the work list does not hold).
    """
    from analytics import petitions as P

    if petitions_df.empty:
        return pd.Series([], dtype=bool, index=petitions_df.index)
    if every is None:
        received = pd.to_datetime(petitions_df["received_on"])
        its = P.petition_items(con, today, None, date_from=received.min().date(), date_to=received.max().date())
    else:
        its = every
    late = pa.array(its.loc[its["overdue"].to_numpy(bool), "id"], type=pa.string())
    # pyarrow's hash lookup: pandas' isin of 90,000 ids in 66,000 takes 0.2 s, this 5 ms
    flags = pc.is_in(pa.array(petitions_df["id"], type=pa.string()), value_set=late)
    return pd.Series(flags.to_numpy(zero_copy_only=False), index=petitions_df.index, dtype=bool, name="id")


def repeat_days(con: duckdb.DuckDBPyConnection) -> int:
    """The repeat-petition window in days (rule ``repeat_days``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.

    Returns
    -------
    int
        Days.

    Raises
    ------
    KeyError
        When the rules table has no ``repeat_days`` (a database older than migration 0002).
    """  # noqa: DOC502 — raised by store.db.rule
    return int(db.rule(con, "repeat_days"))


# ----------------------------------------------------------------------------- the hottest list


def hottest_list(
    hot: pd.DataFrame,
    min_count: int,
    classes: pd.DataFrame | None = None,
    overdue_counts: pd.Series | None = None,
    n: int | None = 10,
) -> pd.DataFrame:
    """The hottest areas: ranked by ``gi_z`` (then petitions), areas with few petitions left out.

    Areas with fewer than ``min_count`` petitions are left out (they keep their z-score in the full
    table).

    Parameters
    ----------
    hot : ``reports.hotspots`` output.
    min_count : rule ``hotspot_min_count``.
    classes : :attr:`Emerging.classes` (adds ``pattern`` and ``count_trend``).
    overdue_counts : overdue petitions per area code.
    n : how many rows (None: all eligible).

    Returns
    -------
    DataFrame ``rank, code, name, households, petitions, per_1000, gi_z, gi_p, gi_bin,
    count_trend, pattern, overdue_count``.
    """
    df = hot[hot["petitions"] >= min_count].copy()
    df = df.sort_values(["gi_z", "petitions", "code"], ascending=[False, False, True], kind="mergesort")
    if n is not None:
        df = df.head(n)
    df = df.reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    if classes is not None and len(classes):
        df["count_trend"] = df["code"].map(classes["count_trend"]).fillna("no trend")
        df["pattern"] = df["code"].map(classes["pattern"]).fillna("none")
    else:
        df["count_trend"] = "no trend"
        df["pattern"] = "none"
    oc = overdue_counts if overdue_counts is not None else pd.Series(dtype=int)
    df["overdue_count"] = df["code"].map(oc).fillna(0).astype(int)
    return df


def rate_breaks(values: Sequence[float], k: int = 5) -> list[float]:
    """Class breaks for petitions per 1,000 households: 0 on its own, the rest by quantiles.

    Parameters
    ----------
    values : sequence of float
        Petitions per 1,000 households of the areas on the map; NaN and None are left out.
    k : int, default 5
        At most this many classes.

    Returns
    -------
    list of float
        Increasing breaks, one more than the classes (at most ``k``): ``[0, 1e-9, …, top + 1e-9]``,
        so class 0 holds the areas without petitions. The map colours them
        (:func:`gis.maps.rate_classes`).

    Examples
    --------
    >>> rate_breaks([0, 0, 10, 20, 30, 40])
    [0.0, 1e-09, 17.5, 25.0, 32.5, 40.000000001]
    >>> rate_breaks([0, 0])
    [0.0, 1e-09, 1.0]
    """
    v = np.asarray(pd.to_numeric(pd.Series(values, dtype=object), errors="coerce"), dtype=float)
    v = v[np.isfinite(v)]
    pos = v[v > 0]
    if len(pos) == 0:
        return [0.0, 1e-9, 1.0]
    top = float(pos.max())
    qs = np.unique(np.round(np.quantile(pos, np.linspace(0, 1, k))[1:-1], 2))
    breaks = sorted({0.0, 1e-9} | {float(q) for q in qs if 1e-9 < q < top})
    breaks.append(top + 1e-9)
    return breaks
