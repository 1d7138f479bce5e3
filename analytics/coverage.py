"""Home-visit coverage of an area beyond :mod:`analytics.reports`.

The rows of its children, its own headline, a monthly trend per area, the rows on their polygons
for a map, and the households due for a visit as people may see them (the coverage page and the
benchmark ask for these).

The numbers come from :func:`analytics.reports.coverage` and :func:`analytics.reports.unvisited`
(the functions ``manage.py report`` calls), so the page and the command line cannot differ.
Nothing here draws or picks a colour: gis.maps builds the map (colours from gis.palette), ui.maps
words it and draws it on the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple, Sequence

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd

from analytics import reports
from store import db
from vocabulary.areas import child_level

#: Never send more polygons than this to the browser.
MAX_POLYGONS = 3000
#: Rows of the due list on one page of the coverage page (its downloads hold every row): a township's
#: 4,000 rows were ~575 KB of Arrow for every view, and the browser's decoding of them its heaviest task.
DUE_PAGE_ROWS = 50
TREND_MONTHS = 12


DUE_COLUMNS = ["household_code", "head_name", "grid_code", "last_visit", "days_since", "tags", "phone", "address"]


# ----------------------------------------------------------------------------- the numbers


def shown_level(
    con: duckdb.DuckDBPyConnection, area_code: str | None, area_level: str, scope: Sequence[str] | None = None
) -> str:
    """The level the map and table show for a selected area: its children, the grid itself at grid level.

    For "everything in my scope" (``area_code`` None) the first level below ``area_level`` with
    an area the user may see.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    area_code : str or None
        The selected area, or None for everything in the scope.
    area_level : str
        The selected area's level (vocabulary/areas.py).
    scope : sequence of str, optional
        The user's areas (None: everything).

    Returns
    -------
    str
        An area level.
    """
    if area_code is not None:
        return child_level(area_level) or area_level
    lvl = child_level(area_level) or area_level
    while lvl is not None:
        if len(db.df(con, "areas_in_scope", level=lvl, scope=None if scope is None else list(scope))):
            return lvl
        lvl = child_level(lvl)
    return child_level(area_level) or area_level


def area_codes(
    con: duckdb.DuckDBPyConnection, level: str, area_code: str | None, scope: Sequence[str] | None = None
) -> list[str]:
    """Codes of the areas of ``level`` inside ``area_code`` (itself at its own level) the scope may see.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    level : str
        The level of the codes wanted.
    area_code : str or None
        The enclosing area, or None for every area of ``level`` in the scope.
    scope : sequence of str, optional
        The user's areas (None: everything).

    Returns
    -------
    list of str
        Area codes, in the named query's order.
    """
    sc = None if scope is None else list(scope)
    if area_code is None:
        return db.df(con, "areas_in_scope", level=level, scope=sc)["code"].tolist()
    return db.df(con, "area_children", level=level, parent=area_code, scope=sc)["code"].tolist()


def area_rows(
    con: duckdb.DuckDBPyConnection,
    area_code: str | None,
    area_level: str,
    date_from: dt.date,
    date_to: dt.date,
    kinds: Sequence[str] = ("home",),
    scope: Sequence[str] | None = None,
) -> tuple[str, pd.DataFrame]:
    """The coverage rows of the map and table: the shown level's report, limited to the selected area.

    The rows are :func:`analytics.reports.coverage` of :func:`shown_level`.

    Returns
    -------
    tuple of (str, pandas.DataFrame)
        The level shown and its rows ``code,name,households,visited,coverage`` (coverage a fraction
        0–1) — exactly those ``manage.py report coverage --level LEVEL`` prints for these areas.
    """
    level = shown_level(con, area_code, area_level, scope)
    # parent + scope give exactly the areas of area_codes() (the same filter as `area_children`)
    cov = reports.coverage(con, level, date_from, date_to, kinds=kinds, scope=scope, parent=area_code)
    return level, cov.reset_index(drop=True)


class Headline(NamedTuple):
    """The selected area's own numbers: households, households visited, coverage (fraction 0–1, None: no households)."""

    households: int
    visited: int
    coverage: float | None


def headline(
    con: duckdb.DuckDBPyConnection,
    area_code: str | None,
    area_level: str,
    date_from: dt.date,
    date_to: dt.date,
    kinds: Sequence[str] = ("home",),
    scope: Sequence[str] | None = None,
    rows: pd.DataFrame | None = None,
) -> Headline:
    """Households, visited and coverage of the selected area.

    Its own row of ``reports.coverage``; for "everything in my scope", the sum of ``rows``.

    Returns
    -------
    Headline
        The numbers; coverage rounded to 4 decimals when summed, None without households.
    """
    if area_code is not None:
        cov = reports.coverage(con, area_level, date_from, date_to, kinds=kinds, scope=scope, parent=area_code)
        mine = cov[cov["code"] == area_code]
        if len(mine):
            r = mine.iloc[0]
            c = r["coverage"]
            return Headline(int(r["households"]), int(r["visited"]), None if pd.isna(c) else float(c))
    if rows is None or not len(rows):
        return Headline(0, 0, None)
    n, v = int(rows["households"].sum()), int(rows["visited"].sum())
    return Headline(n, v, reports.coverage_ratio(v, n))


def trend_months(end: dt.date, months: int = TREND_MONTHS) -> tuple[dt.date, dt.date]:
    """First day of the first month and ``end`` for a trend of ``months`` calendar months ending at ``end``.

    Parameters
    ----------
    end : datetime.date
        The trend's last day.
    months : int
        Calendar months, ``end``'s included.

    Returns
    -------
    tuple of (datetime.date, datetime.date)
        The first month's first day, and ``end``.

    Examples
    --------
    >>> trend_months(dt.date(2026, 11, 26))
    (datetime.date(2025, 12, 1), datetime.date(2026, 11, 26))
    """
    y, m = end.year, end.month - (months - 1)
    while m < 1:
        m += 12
        y -= 1
    return dt.date(y, m, 1), end


def monthly_trend(
    con: duckdb.DuckDBPyConnection,
    level: str,
    parent: str | None,
    end: dt.date,
    kinds: Sequence[str] = ("home",),
    scope: Sequence[str] | None = None,
    months: int = TREND_MONTHS,
) -> pd.DataFrame:
    """Coverage per area of ``level`` under ``parent`` in each of the ``months`` calendar months up to ``end``.

    Computed in the store (query ``coverage_monthly``), in one snapshot.

    Returns
    -------
    pandas.DataFrame
        One row per area and month, ``code,month,households,visited,coverage`` (coverage a fraction 0–1).

    Raises
    ------
    ValueError
        When ``months`` is not 1 to :data:`TREND_MONTHS` (12): PostgreSQL counts the months of each
        household as the 12 bits of one integer (queries/coverage_page.sql, migration 0022).
    """
    if not 1 <= months <= TREND_MONTHS:
        raise ValueError(f"monthly_trend counts 1 to {TREND_MONTHS} months, not {months}")
    start, end = trend_months(end, months)
    with db.transaction(con):  # one snapshot: the largest household key and the visits agree
        max_hid = db.execute(con, "households_max_hid").fetchone()[0] or 1
        return db.df(
            con,
            "coverage_monthly",
            level=level,
            parent=parent,
            kinds=list(kinds),
            scope=None if scope is None else list(scope),
            month_from=start,
            month_to=end,
            max_hid=int(max_hid),
        )


def trend_lists(trend: pd.DataFrame) -> dict[str, list[float]]:
    """``code → [coverage in % per month]`` for a LineChartColumn (empty list: no households).

    Parameters
    ----------
    trend : pandas.DataFrame
        :func:`monthly_trend`'s rows.

    Returns
    -------
    dict of str to list of float
        Per area, its months' coverage in percent (1 decimal, a month without households as 0), or
        [] when no month has households.
    """
    out: dict[str, list[float]] = {}
    for code, g in trend.groupby("code", sort=False):
        vals = g["coverage"].to_numpy(dtype=float)
        out[str(code)] = [] if np.isnan(vals).all() else [round(float(x) * 100, 1) for x in np.nan_to_num(vals)]
    return out


def table_frame(rows: pd.DataFrame, trend: pd.DataFrame | None = None) -> pd.DataFrame:
    """The table beside the map: the report's columns plus ``trend`` (coverage % by month).

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`area_rows`' rows.
    trend : pandas.DataFrame, optional
        :func:`monthly_trend`'s rows; without it no ``trend`` column is added.

    Returns
    -------
    pandas.DataFrame
        A copy of ``rows``, with ``trend`` (a list per row, :func:`trend_lists`).
    """
    out = rows.copy()
    if trend is not None:
        lists = trend_lists(trend)
        out["trend"] = [lists.get(str(c), []) for c in out["code"]]
    return out


# ----------------------------------------------------------------------------- households due


def due_households(
    con: duckdb.DuckDBPyConnection,
    area_code: str | None,
    as_of: dt.date,
    days: int | None = None,
    scope: Sequence[str] | None = None,
    user: Any = None,
) -> pd.DataFrame:
    """Households of the area due for a home visit, as ``user`` may see them.

    :func:`analytics.reports.unvisited` with ``extra``: never-visited first then oldest, names and
    phones masked for ``user`` (auth.scope.mask_frame), tags joined with 、. For "everything in my
    scope" (``area_code`` None) the lists of each scope area (or each county) are joined and sorted
    the same way.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DUE_COLUMNS` plus ``lon, lat``; each household once.
    """
    from auth.scope import mask_frame

    if area_code is not None:
        codes = [area_code]
    elif scope:
        codes = list(dict.fromkeys(scope))
    else:
        codes = db.df(con, "areas_in_scope", level="county", scope=None)["code"].tolist()
    frames = [reports.unvisited(con, c, as_of, days=days, scope=scope, extra=True) for c in codes]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in DUE_COLUMNS + ["lon", "lat"]})
    due = pd.concat(frames, ignore_index=True).drop_duplicates("household_code")
    due = due.sort_values(["last_visit", "household_code"], na_position="first", kind="stable")
    due = due.reset_index(drop=True)
    due["tags"] = [tags_text(v) for v in due["tags"]]
    due = mask_frame(due, user, con)
    return due[DUE_COLUMNS + ["lon", "lat"]]


def tags_text(v: Any) -> str:
    """Tags as one string joined with 、.

    Parameters
    ----------
    v : list of str, str or None
        The stored tags.

    Returns
    -------
    str
        The tags joined ("" for None; a string as it is).

    Examples
    --------
    >>> tags_text(["低保", "空巢老人"]), tags_text(None)
    ('低保、空巢老人', '')
    """
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    try:
        return "、".join(str(x) for x in list(v) if x is not None and str(x))
    except TypeError:
        return str(v)


# ----------------------------------------------------------------------------- map


def map_frame(geoms: gpd.GeoDataFrame, rows: pd.DataFrame, lang: str = "zh") -> gpd.GeoDataFrame:
    """The choropleth's features: the rows' numbers on their polygons, with tooltip texts.

    At most :data:`MAX_POLYGONS` areas (the rows with the lowest coverage first when cut).

    Returns
    -------
    geopandas.GeoDataFrame
        The areas found in both (EPSG:4326), with ``households_text``, ``visited_text`` and
        ``coverage_text`` worded in ``lang``.
    """
    from i18n import fmt_int, fmt_pct

    g = geoms[["code", "geometry"]].merge(rows, on="code", how="inner")
    if len(g) > MAX_POLYGONS:
        g = g.sort_values("coverage", na_position="first").head(MAX_POLYGONS)
    g = gpd.GeoDataFrame(g, geometry="geometry", crs="EPSG:4326")
    g["households_text"] = [fmt_int(v, lang) for v in g["households"]]
    g["visited_text"] = [fmt_int(v, lang) for v in g["visited"]]
    g["coverage_text"] = [fmt_pct(v, lang) for v in g["coverage"]]
    return g.reset_index(drop=True)
