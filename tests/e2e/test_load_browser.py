"""The load benchmark (bench/load.py) on the tiny world: 2 browser sessions (an office user drilling
the coverage map, a grid leader recording a visit) against a server it starts itself. Its report's
structure, every session signed in, and no confirmed visit lost — never its timings."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bench import load
from tests.e2e.conftest import BENCH_ON_DUCKDB

pytestmark = pytest.mark.e2e


@BENCH_ON_DUCKDB
def test_two_sessions_sign_in_and_lose_no_visit(bench_world):
    r = load.run_load(
        bench_world,
        sessions=2,
        duration=0,
        think=0,
        stagger=0.5,
        rounds=1,
        today=dt.date(2026, 11, 22),
        label="tiny",
        log=lambda line: None,
        # the browsers through the low-priority wrapper (tests/test_load_accounting.py checks what it sets),
        # at a niceness that does not leave them only what the other pytest worker leaves (at 19 this test
        # took 195 s instead of 83 in CI)
        client_nice=1,
    )

    assert r["sessions"] == 2 and r["journeys"] == {"office": 1, "grid_leader": 1, "leader": 0}
    assert r["signed_in"] == 2, r["errors"]  # what a session met, should one not sign in
    assert r["visits"]["confirmed"] >= 1, r["errors"]  # the grid leader saw 已登记 …
    assert r["visits"]["lost"] == 0  # … and every confirmed visit is stored
    assert r["visits"]["stored"] >= r["visits"]["confirmed"]
    assert {"login form", "sign-in", "coverage", "visit saved"} <= set(r["pages"])
    # the office user: the page, a village, its grid, back up — four coverage views
    assert r["pages"]["coverage"]["views"] + r["pages"]["coverage"]["failed"] == 4, r["errors"]
    for p in r["pages"].values():
        assert set(p) == {"views", "failed", "median_ms", "p95_ms", "max_ms"}
    assert r["page_views"] == sum(p["views"] + p["failed"] for p in r["pages"].values())
    assert r["after_sign_in"]["after_s"] > 0  # both signed in: the views after the last sign-in, apart
    assert r["server_cpu_s"] > 0 and r["server_cpu_ms_per_view"] > 0 and r["peak_memory_mb"] > 0
    # the browsers' CPU beside the server's: every Chromium process, the zygote's renderers included
    assert r["client_cpu_by_kind"].get("renderer", 0) > 0 and r["client_cpu_by_kind"].get("browser", 0) > 0
    assert r["browser_cpu_s"] >= r["client_cpu_by_kind"]["renderer"] and r["browser_cpu_ms_per_view"] > 0
    assert r["client_cpu_s"] >= r["browser_cpu_s"] and "of the browsers'" in load.table(r)
    assert r["rush"]["cores"] == pytest.approx(r["server_cpu_ms_per_view"] / 1000 * 15, abs=0.01)
    assert len(r["load_average_start"]) == 3 and r["server"].startswith("DuckDB")
    text = load.table(r)
    assert "| coverage |" in text and "sessions signed in: 2 of 2" in text and "0 lost" in text
    # warmed up before the run (not counted), browsers below the server's priority
    assert r["warm_up_s"] > 0 and r["client_nice"] == 1 and "warmed up" in text
    # the server's own run log (ui/runlog.py): the sign-in's login run, the pages the sessions opened
    runs = r["server_runs"]
    assert {"login", "coverage", "weekly"} <= set(runs), runs
    assert all(x["runs"] >= 1 and x["p95_ms"] >= x["median_ms"] > 0 for x in runs.values())
    assert "| coverage |" in text.split("server side")[1]
    assert 0 < r["machine_busy_share"] <= 1
    assert [v["page"] for v in r["timeline"]].count("coverage") == 4
    json.dumps(r)  # JSON-ready
