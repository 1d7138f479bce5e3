"""Today's walk (今天走哪几户, issue 20): the households a grid worker should visit today, in walking order.

The walk starts from where the worker stands.

- **Which households.** The households of the worker's grids due for a home visit (CONTRACT.md §4,
  the same rule and order as the weekly page's due list: never visited first, then the oldest last
  visit, the vulnerable and the 结穷亲 households first among equals), as they stood at the start of
  today — a visit recorded today ticks its stop instead of dropping it and pulling in another
  household — cut to a day's plan (rule ``walk_stops``, default 12).
- **From where.** The most recent of: the phone's position (when the user allowed it), the household
  the worker visited last (today's last visit once the walk has begun); else the centre of the grid
  holding most of the day's households; else nowhere in particular (the walk may start at any stop).
- **In which order.** The shortest open path from the start through every stop not yet visited today,
  over geodesic (great-circle) distances on the WGS-84 ellipsoid between the stored points
  (``pyproj.Geod``): no road data is used, so the distances are straight lines, not walking
  distances. The path comes from Google OR-Tools' routing solver (path-cheapest-arc first solution,
  then its local search to a local optimum — deterministic, so the same inputs always give the same
  walk). Stops already visited today are listed first, in the order they were visited.
- Households of the plan without a point are listed after the walk, named as such.

No streamlit here: ``ui/walk.py`` draws it, ``manage.py`` could print it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from analytics import visits as V
from store import db

#: where a walk starts from (see :func:`plan`)
START_SOURCES = ("position", "last_visit", "grid_centre", "none")

#: the columns of :attr:`Walk.stops`
STOP_COLUMNS = [
    "stop",
    "household_code",
    "head_name",
    "grid_code",
    "last_visit",
    "days_since",
    "tags",
    "vulnerable",
    "paired",
    "phone",
    "address",
    "lon",
    "lat",
    "done",
    "leg_m",
    "to_next_m",
]


@dataclass
class Position:
    """Where the phone said the user stood (WGS-84 degrees), and when (naive Asia/Shanghai time)."""

    lon: float
    lat: float
    at: dt.datetime

    def valid(self) -> bool:
        """A finite point on the globe.

        Returns
        -------
        bool
            True when lon is within [-180, 180] and lat within [-90, 90], both finite.
        """
        return math.isfinite(self.lon) and math.isfinite(self.lat) and -180 <= self.lon <= 180 and -90 <= self.lat <= 90


@dataclass
class Walk:
    """A day's walk.

    Attributes
    ----------
    stops : DataFrame with :data:`STOP_COLUMNS`, in walking order: first the stops done today (``done``
        True, in the order visited), then the rest from the start. ``stop`` numbers them 1…n;
        ``leg_m`` is the distance in metres from the previous point (the start, for the first stop
        not done; empty for the done ones), ``to_next_m`` to the next stop (empty for the last).
    unplaced : the day's households without a point (same columns, no distances).
    start : ``(lon, lat)`` of the start, or None.
    start_source : one of :data:`START_SOURCES`; ``start_ref`` names the household or grid.
    length_m : the remaining walk, start → every stop not done, in metres.
    date_order_m : the same stops walked in the due list's order (never-visited first, oldest …).
    due : households due in all (before the cut); ``plan_size`` the rule ``walk_stops``.
    """

    stops: pd.DataFrame
    unplaced: pd.DataFrame
    start: tuple[float, float] | None = None
    start_source: str = "none"
    start_ref: str | None = None
    length_m: float = 0.0
    date_order_m: float = 0.0
    due: int = 0
    plan_size: int = 12

    @property
    def next_stop(self) -> int | None:
        """The number of the first stop not yet visited today (None when every stop is done)."""
        left = self.stops[~self.stops["done"]]
        return None if left.empty else int(left["stop"].iloc[0])

    @property
    def households(self) -> int:
        """Households in today's plan (with or without a point)."""
        return len(self.stops) + len(self.unplaced)


# ----------------------------------------------------------------------------- distances and order


def distance_matrix(lon: Sequence[float], lat: Sequence[float]) -> np.ndarray:
    """Geodesic distances between every pair of points on the WGS-84 ellipsoid.

    Parameters
    ----------
    lon, lat : n WGS-84 longitudes and latitudes in degrees.

    Returns
    -------
    ndarray (n, n) of metres (symmetric, zero diagonal), from ``pyproj.Geod(ellps="WGS84").inv``
    (Karney's algorithm) — the great-circle distance made exact for the ellipsoid.

    Examples
    --------
    >>> d = distance_matrix([107.0, 107.0], [30.0, 30.001])
    >>> round(float(d[0, 1]), 1)
    110.9
    """
    from pyproj import Geod

    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    n = len(x)
    if n == 0:
        return np.zeros((0, 0))
    a = np.repeat(np.arange(n), n)
    b = np.tile(np.arange(n), n)
    _, _, d = Geod(ellps="WGS84").inv(x[a], y[a], x[b], y[b])
    out = np.asarray(d, dtype=float).reshape(n, n)
    np.fill_diagonal(out, 0.0)
    return out


def path_length(dist: np.ndarray, order: Sequence[int], start: int | None = None) -> float:
    """Metres walked visiting ``order`` (indices into ``dist``), from ``start`` when given.

    Parameters
    ----------
    dist : numpy.ndarray
        (k, k) metres between the points.
    order : sequence of int
        The stops in walking order.
    start : int, optional
        Where the walk starts (not a stop itself).

    Returns
    -------
    float
        The sum of the legs, in metres.

    Examples
    --------
    >>> path_length(np.array([[0, 5, 9], [5, 0, 4], [9, 4, 0]]), [1, 2], start=0)
    9.0
    """
    seq = ([start] if start is not None else []) + list(order)
    return float(sum(dist[a, b] for a, b in zip(seq, seq[1:])))


def shortest_path(dist: np.ndarray, start: int | None = None) -> list[int]:
    """The order of the points that makes the shortest open path (a walk that need not come back).

    Parameters
    ----------
    dist : (k, k) metres between the points (:func:`distance_matrix`).
    start : the index of the point the walk starts from (not a stop itself); None: the walk may
        start at any point.

    Returns
    -------
    list of int
        The indices of the stops (every index but ``start``) in walking order.

    Notes
    -----
    Solved with Google OR-Tools' routing library as a one-vehicle route from ``start`` (or a free
    start: a node at distance 0 from every point) to a free end (a node every point reaches at
    distance 0), so the route is an open path. First solution PATH_CHEAPEST_ARC, then OR-Tools'
    local search (2-opt, or-opt, relocate, exchange…) to a local optimum: deterministic and well
    under a second for 100 stops; BENCHMARKS.md compares it with the order by date and with a
    3-second guided local search.

    Examples
    --------
    >>> d = distance_matrix([107.0, 107.03, 107.01, 107.02], [30.0, 30.0, 30.0, 30.0])
    >>> shortest_path(d, start=0)
    [2, 3, 1]
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    k = dist.shape[0]
    stops = [i for i in range(k) if i != start]
    if len(stops) <= 1:
        return stops
    n = len(stops)
    # nodes: 0 = the start (or a free start), 1…n = the stops, n + 1 = a free end
    cost = np.zeros((n + 2, n + 2), dtype=np.int64)
    idx = np.asarray(stops)
    cost[1 : n + 1, 1 : n + 1] = np.rint(dist[np.ix_(idx, idx)]).astype(np.int64)
    if start is not None:
        cost[0, 1 : n + 1] = np.rint(dist[start, idx]).astype(np.int64)
    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [0], [n + 1])
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitMatrix(cost.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    solution = routing.SolveWithParameters(params)
    if solution is None:  # pragma: no cover - a complete graph always has a route
        return stops
    order: list[int] = []
    i = routing.Start(0)
    while not routing.IsEnd(i):
        node = manager.IndexToNode(i)
        if 1 <= node <= n:
            order.append(stops[node - 1])
        i = solution.Value(routing.NextVar(i))
    return order


# ----------------------------------------------------------------------------- the day's plan


def plan_size(con: Any) -> int:
    """Households in a day's plan: the rule ``walk_stops`` (default 12).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.

    Returns
    -------
    int
        The rule's value.
    """
    return int(db.rule(con, "walk_stops"))


def day_households(
    con: Any,
    staff_id: str,
    today: dt.date,
    scope: Sequence[str] | None = None,
    grids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The households due at the start of ``today`` in the staff member's grids, in the due list's order.

    The contract's rule evaluated with the visits of ``today`` set aside: due when never visited at
    home or ``today − last_visit ≥ revisit_days`` — which is :func:`analytics.visits.due_households`
    as of yesterday with one day less (a visit after ``as_of`` is ignored there). ``days_since``
    counts to today. With ``revisit_days`` 1 the list is the one of today (today's visits drop out).

    Parameters
    ----------
    grids : sequence of str, optional
        The staff member's grids on ``today`` when the caller has read them already
        (:func:`analytics.visits.staff_grids`); default: read here.

    Returns
    -------
    pandas.DataFrame
        :func:`analytics.visits.due_households`' columns, ``days_since`` counted to today.
    """
    days = int(db.rule(con, "revisit_days"))
    grids = V.staff_grids(con, staff_id, today) if grids is None else list(grids)
    if days < 2:
        return V.due_households(con, staff_id, today, scope=scope, days=days, grids=grids)
    out = V.due_households(con, staff_id, today - dt.timedelta(days=1), scope=scope, days=days - 1, grids=grids)
    out["days_since"] = (out["days_since"] + 1).astype("Int64")
    return out


def day_rows(
    con: Any,
    staff_id: str,
    today: dt.date,
    scope: Sequence[str] | None = None,
    grids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The day's households (:func:`day_households`) and which of them had a home visit dated today.

    What the weekly page reads once for both its parts: the walk (:func:`plan` ``rows=``) and the due
    list (:func:`due_now`), instead of the due households twice (as of today, and as of yesterday).

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    staff_id, today, scope, grids : as for :func:`day_households`.

    Returns
    -------
    pandas.DataFrame
        :func:`day_households`' rows and columns, plus ``done`` (bool: a home visit by anyone dated
        ``today``, named query ``walk_done_today``) and ``done_at`` (when the first of them was
        recorded; empty when not done).
    """
    out = day_households(con, staff_id, today, scope, grids)
    got = db.df(con, "walk_done_today", today=today, codes=out["household_code"].tolist())
    done_at = dict(zip(got["household_code"], got["recorded_at"]))
    out["done"] = out["household_code"].isin(set(done_at)).astype(bool)
    out["done_at"] = out["household_code"].map(done_at)
    return out


def due_now(rows: pd.DataFrame) -> pd.DataFrame:
    """The due list as of today, cut out of the day's households: those not visited at home today.

    Equal to ``analytics.visits.due_households(con, staff_id, today, scope)`` (rows, order, columns
    and values): a household without a home visit dated today has the same last visit up to today as
    up to yesterday, so :func:`day_households`' rule is today's for it; one visited today has its last
    visit today and is not due today (``revisit_days`` ≥ 1); and a household not due as of the start
    of today is not due after a visit either. The order (never visited, oldest last visit, vulnerable,
    paired, code) is kept by the cut.

    Parameters
    ----------
    rows : pandas.DataFrame
        :func:`day_rows` of the staff member, ``today`` and scope.

    Returns
    -------
    pandas.DataFrame
        :func:`analytics.visits.due_households`' columns, the rows whose ``done`` is False.
    """
    return rows[~rows["done"].astype(bool)].drop(columns=["done", "done_at"]).reset_index(drop=True)


#: days back the household visited last is looked for first (:func:`last_home_visit`)
LAST_VISIT_WEEK = 7


def last_home_visit(con: Any, staff_id: str, today: dt.date) -> tuple | None:
    """The staff member's latest home visit up to ``today`` to a household with a point.

    Looked for in the last :data:`LAST_VISIT_WEEK` days first, then (none there) in all their visits:
    the same answer, since the latest visit of all is in the week when any visit is; a grid worker at
    work has one there, and a week of visits costs a fraction of all of them to read (DuckDB skips the
    older visits by their dates).

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    staff_id : str
        The grid worker.
    today : datetime.date
        The day; visits dated after it are not counted.

    Returns
    -------
    tuple or None
        ``(household_code, lon, lat, visited_on, created_at)`` (named query ``walk_last_home_visit``),
        None when they have visited no household with a point.
    """
    week = today - dt.timedelta(days=LAST_VISIT_WEEK)
    for since in (week, None):
        row = db.execute(con, "walk_last_home_visit", staff_id=staff_id, today=today, since=since).fetchone()
        if row is not None:
            return tuple(row)
    return None


def _grid_centre(con: Any, grids: Sequence[str]) -> tuple[tuple[float, float], str] | None:
    import shapely

    rows = db.df(con, "walk_grid_geoms", codes=list(grids))
    for code in grids:
        hit = rows[rows["code"] == code]
        if len(hit) and hit["geom"].iloc[0] is not None:
            c = shapely.from_wkb(bytes(hit["geom"].iloc[0])).centroid
            if not c.is_empty:
                return (float(c.x), float(c.y)), str(code)
    return None


def _moment(visited_on: Any, created_at: Any, today: dt.date) -> dt.datetime:
    """When a visit happened as well as we know: its recording time when dated today, else its day.

    Returns
    -------
    datetime.datetime
        ``created_at`` for a visit dated ``today``, else midnight of ``visited_on``.
    """
    day = pd.Timestamp(visited_on).date()
    if day == today and created_at is not None and not pd.isna(created_at):
        return pd.Timestamp(created_at).to_pydatetime()
    return dt.datetime.combine(day, dt.time.min)


def plan(
    con: Any,
    staff_id: str,
    today: dt.date,
    scope: Sequence[str] | None = None,
    position: Position | None = None,
    size: int | None = None,
    rows: pd.DataFrame | None = None,
) -> Walk:
    """Today's walk of a grid worker.

    Parameters
    ----------
    staff_id : the grid worker (their grids on ``today``).
    today : the day (Asia/Shanghai).
    scope : the user's areas (None: everything), as for the due list.
    position : where the phone says the user stands, when they allowed it; None when refused or
        not asked (the walk then starts from the household visited last, else the grid's centre).
    size : households in the plan (default the rule ``walk_stops``).
    rows : :func:`day_rows` of the same ``staff_id``, ``today`` and ``scope`` when the caller has them
        (the weekly page reads them once for its due list too); default: read here.

    Returns
    -------
    :class:`Walk`.

    Examples
    --------
    >>> plan(db.connect(":memory:"), "S1", dt.date(2026, 11, 22)).households
    0
    """
    size = plan_size(con) if size is None else int(size)
    due = day_rows(con, staff_id, today, scope) if rows is None else rows
    day = due.head(max(size, 0)).reset_index(drop=True)
    done_at = dict(zip(day.loc[day["done"], "household_code"], day.loc[day["done"], "done_at"]))
    has_point = day["lon"].notna() & day["lat"].notna()
    placed = day[has_point].reset_index(drop=True)
    unplaced = day[~has_point].reset_index(drop=True)

    # where the walk starts: the most recent of the phone's position and the last household visited
    start: tuple[float, float] | None = None
    source, ref = "none", None
    last = last_home_visit(con, staff_id, today)
    if position is not None and position.valid():
        start, source = (float(position.lon), float(position.lat)), "position"
    if last is not None:
        when = _moment(last[3], last[4], today)
        if start is None or when > position.at:  # type: ignore[union-attr]
            start, source, ref = (float(last[1]), float(last[2])), "last_visit", str(last[0])
    if start is None and len(placed):
        counts = placed["grid_code"].value_counts()
        top = sorted(counts.index, key=lambda g: (-counts[g], g))
        centre = _grid_centre(con, top)
        if centre is not None:
            start, source, ref = centre[0], "grid_centre", centre[1]

    # the order: stops done today first (as visited), then the shortest path through the rest
    done_part = placed[placed["done"]].copy()
    done_part["_at"] = done_part["household_code"].map(done_at)
    done_part = done_part.sort_values(["_at", "household_code"], kind="mergesort").drop(columns="_at")
    todo = placed[~placed["done"]].reset_index(drop=True)
    lon = ([start[0]] if start else []) + todo["lon"].astype(float).tolist()
    lat = ([start[1]] if start else []) + todo["lat"].astype(float).tolist()
    dist = distance_matrix(lon, lat)
    s = 0 if start else None
    order = shortest_path(dist, start=s)
    by_date = [i for i in range(len(lon)) if i != s]  # the due list's order
    length = path_length(dist, order, s)
    date_length = path_length(dist, by_date, s)
    off = 1 if start else 0
    walk = todo.iloc[[i - off for i in order]].reset_index(drop=True)
    legs, nexts = [], []
    seq = ([s] if start else []) + order
    for j, i in enumerate(order):
        prev = seq[j] if start else (order[j - 1] if j else None)
        legs.append(float(dist[prev, i]) if prev is not None else 0.0)
        nexts.append(float(dist[i, order[j + 1]]) if j + 1 < len(order) else np.nan)
    walk["leg_m"] = legs
    walk["to_next_m"] = nexts
    done_part["leg_m"] = np.nan
    done_part["to_next_m"] = np.nan
    stops = pd.concat([done_part, walk], ignore_index=True) if len(done_part) else walk
    stops.insert(0, "stop", range(1, len(stops) + 1))
    unplaced = unplaced.assign(stop=pd.NA, leg_m=np.nan, to_next_m=np.nan)
    return Walk(
        stops=stops[STOP_COLUMNS].reset_index(drop=True),
        unplaced=unplaced[STOP_COLUMNS],
        start=start,
        start_source=source,
        start_ref=ref,
        length_m=length,
        date_order_m=date_length,
        due=len(due),
        plan_size=size,
    )
