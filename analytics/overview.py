"""The overview page's headline figures, each beside its benchmark (CONTRACT.md §4)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

import duckdb

from store import db

from . import reports


def headline(
    con: duckdb.DuckDBPyConnection,
    date_from: dt.date,
    date_to: dt.date,
    scope: Sequence[str] | None,
    today: dt.date,
    with_petitions: bool = True,
) -> dict[str, Any]:
    """Households, grids, staff, visit coverage and petition figures for the scope and period.

    Parameters
    ----------
    with_petitions : bool, default True
        Whether to add the petitions' summary (:func:`analytics.petitions.summary`, which queries the
        whole work list). The overview page asks without it and sums the work list's parts it shares
        with the petitions page (``summary(every=…)``, the same figures): after a saved visit it
        recomputes the coverage, not the 175,000 items of a county's work list.

    Returns
    -------
    dict with households, unassigned, grids, staff, visited, coverage (None without households),
    the benchmarks (benchmark_coverage, benchmark_solved, benchmark_satisfaction) and, with
    ``with_petitions``, the petitions' summary under ``petitions``.
    """
    counts = db.execute(con, "overview_counts", scope=None if scope is None else list(scope)).fetchone()
    households, unassigned, grids, staff = (int(x or 0) for x in counts)
    cov = reports.coverage(con, "grid", date_from, date_to, scope=scope)
    hh = int(cov["households"].sum())
    visited = int(cov["visited"].sum())
    out: dict[str, Any] = {
        "households": households,
        "unassigned": unassigned,
        "grids": grids,
        "staff": staff,
        "visited": visited,
        "coverage": reports.coverage_ratio(visited, hh),
        "benchmark_coverage": db.rule(con, "benchmark_coverage"),
        "benchmark_solved": db.rule(con, "benchmark_solved"),
        "benchmark_satisfaction": db.rule(con, "benchmark_satisfaction"),
    }
    if with_petitions:
        from . import petitions

        out["petitions"] = petitions.summary(con, date_from, date_to, scope, today)
    return out
