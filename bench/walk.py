"""Today's walk: time to plan and the walk's length against the order by date (BENCHMARKS.md, issue 20).

    python -m bench.walk --db data/demo.duckdb [--areas 10] [--sizes 12,30,100]

For each size N and each of up to ``--areas`` villages (then townships, when too few villages have
N) with at least N households due on the demo's "today" that have a point: the first N due
households in the due list's order (never visited first, then the oldest last visit — the contract's
order), a start at the household of the area visited last, then

- **plan time**: the distance matrix (``pyproj.Geod``) plus OR-Tools' shortest open path, i.e.
  :func:`analytics.walk.distance_matrix` + :func:`analytics.walk.shortest_path`, the part of the
  plan that grows with N (the due list itself is the weekly page's query, timed in issue 10);
- **ratio**: the walk's length / the same stops walked in the due list's order;
- **gap**: the walk's length / the best OR-Tools finds with a 3-second guided local search.

The data are the demo generator's (points drawn inside grids); the distances are straight lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from typing import Callable, Sequence

import duckdb
import numpy as np

from analytics import reports
from analytics import walk as W
from store import db


def best_known(dist: np.ndarray, start: int, seconds: float = 3.0) -> float:
    """The shortest open path OR-Tools finds in ``seconds`` of guided local search (the reference).

    Returns
    -------
    float
        Its length in metres (``dist``'s unit), from ``start`` through every other stop.
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    k = dist.shape[0]
    stops = [i for i in range(k) if i != start]
    n = len(stops)
    cost = np.zeros((n + 2, n + 2), dtype=np.int64)
    idx = np.asarray(stops)
    cost[1 : n + 1, 1 : n + 1] = np.rint(dist[np.ix_(idx, idx)]).astype(np.int64)
    cost[0, 1 : n + 1] = np.rint(dist[start, idx]).astype(np.int64)
    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [0], [n + 1])
    routing = pywrapcp.RoutingModel(manager)
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(cost.tolist()))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(params)
    order, i = [], routing.Start(0)
    while not routing.IsEnd(i):
        node = manager.IndexToNode(i)
        if 1 <= node <= n:
            order.append(stops[node - 1])
        i = solution.Value(routing.NextVar(i))
    return W.path_length(dist, order, start)


def cases(
    con: duckdb.DuckDBPyConnection, size: int, areas: int, as_of: dt.date
) -> list[tuple[str, list[float], list[float], tuple[float, float]]]:
    """Villages, then townships, with at least ``size`` due households that have a point.

    Returns
    -------
    list of tuple
        Up to ``areas`` of (area code, the first ``size`` due households' longitudes, latitudes,
        the start: the household visited last in the area, else their centroid), in degrees WGS-84.
    """
    out = []
    for level in ("village", "township"):
        for code in db.df(con, "areas_in_scope", level=level, scope=None)["code"]:
            due = reports.unvisited(con, code, as_of, extra=True).dropna(subset=["lon", "lat"])
            if len(due) < size:
                continue
            due = due.head(size)
            last = db.execute(con, "walk_area_last_visited", area=code).fetchone()
            start = (float(last[0]), float(last[1])) if last else (float(due["lon"].mean()), float(due["lat"].mean()))
            out.append((code, due["lon"].astype(float).tolist(), due["lat"].astype(float).tolist(), start))
            if len(out) >= areas:
                return out
    return out


def run(
    con: duckdb.DuckDBPyConnection,
    sizes: Sequence[int] = (12, 30, 100),
    areas: int = 10,
    runs: int = 3,
    reference_s: float = 3.0,
    as_of: dt.date | None = None,
    log: Callable[[str], None] = print,
) -> list[dict]:
    """Plan the walks of each size and compare them with date order and with the reference.

    Returns
    -------
    list of dict
        One row per size: areas, plan time (median and max, ms), ratio to date order, gap to the reference.
    """
    as_of = as_of or db.execute(con, "households_max_hid").fetchone()[1] or dt.date.today()
    rows = []
    for size in sizes:
        got = cases(con, size, areas, as_of)
        times, ratios, gaps = [], [], []
        for code, lon, lat, start in got:
            best = float("inf")
            for _ in range(runs):
                t0 = time.perf_counter()
                dist = W.distance_matrix([start[0]] + lon, [start[1]] + lat)
                order = W.shortest_path(dist, start=0)
                best = min(best, time.perf_counter() - t0)
            times.append(best * 1000)
            length = W.path_length(dist, order, 0)
            by_date = W.path_length(dist, list(range(1, len(lon) + 1)), 0)
            ratios.append(length / by_date)
            gaps.append(length / best_known(dist, 0, reference_s))
            log(f"walk {size:>3} stops, {code}: {times[-1]:.1f} ms, ratio {ratios[-1]:.3f}, gap {gaps[-1]:.4f}")
        rows.append(
            {
                "stops": size,
                "areas": len(got),
                "plan_ms_median": statistics.median(times) if times else None,
                "plan_ms_max": max(times) if times else None,
                "ratio_median": statistics.median(ratios) if ratios else None,
                "ratio_min": min(ratios) if ratios else None,
                "ratio_max": max(ratios) if ratios else None,
                "gap_median": statistics.median(gaps) if gaps else None,
                "gap_max": max(gaps) if gaps else None,
            }
        )
    return rows


def markdown(rows: list[dict], reference_s: float) -> str:
    """The rows as a Markdown table.

    Returns
    -------
    str
        The table, its header included.
    """
    head = (
        "| stops | areas | plan time, median / max | walk ÷ order by date, median (min–max) "
        f"| walk ÷ best of a {reference_s:g}-s guided local search, median / max |\n|---|---|---|---|---|\n"
    )
    body = "".join(
        f"| {r['stops']} | {r['areas']} | {r['plan_ms_median']:.1f} / {r['plan_ms_max']:.1f} ms "
        f"| {r['ratio_median']:.2f} ({r['ratio_min']:.2f}–{r['ratio_max']:.2f}) "
        f"| {r['gap_median']:.3f} / {r['gap_max']:.3f} |\n"
        if r["areas"]
        else f"| {r['stops']} | 0 | — | — | — |\n"
        for r in rows
    )
    return head + body


INTRO = """## Today's walk (issue 20)

`python -m bench.walk --db DB [--areas 8] [--runs 3] [--output BENCHMARKS.md]`: for each number of
stops, villages (then townships) of the demo database with at least that many households due that
have a point; the first N in the due list's order (never visited first, then the oldest last visit),
starting at the household of the area visited last. *Plan time* is the distance matrix
(`pyproj.Geod`, WGS-84 geodesics) plus OR-Tools' shortest open path (`analytics.walk.distance_matrix`
+ `shortest_path`, best of the runs); the due list around it is the weekly page's query (issue 10's
figures). *Walk ÷ order by date* is the planned walk's length over the same stops walked in the due
list's order. The last column compares the app's deterministic local search with what OR-Tools'
guided local search finds in 3 seconds (1.000 = as short). Straight lines: no road data is used."""


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.walk``: the walk benchmark, printed and optionally written to BENCHMARKS.md.

    Returns
    -------
    int
        The exit status (0).
    """
    p = argparse.ArgumentParser(prog="python -m bench.walk", description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True)
    p.add_argument("--areas", type=int, default=10)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--sizes", default="12,30,100")
    p.add_argument("--reference", type=float, default=3.0, help="seconds of guided local search for the reference")
    p.add_argument("--output", help="put the section into this Markdown file (e.g. BENCHMARKS.md)")
    p.add_argument("--note", default="", help="a line about the machine and the data, printed under the table")
    a = p.parse_args(argv)
    con = db.connect(a.db)
    rows = run(con, [int(s) for s in a.sizes.split(",")], a.areas, a.runs, a.reference)
    text = INTRO + "\n\n" + markdown(rows, a.reference) + ("\n" + a.note if a.note else "")
    print(text)
    if a.output:
        from pathlib import Path

        from bench.run import write_section

        write_section(Path(a.output), "walk", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
