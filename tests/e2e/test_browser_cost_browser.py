"""bench/browser_cost.py on the tiny world: an office user's coverage journey in one headless Chromium,
traced. That it reports a browser CPU for every view and splits the renderer's main thread between
Streamlit's page and the map's frame — never its timings."""

from __future__ import annotations

import pytest

from bench import browser_cost
from tests.e2e.conftest import BENCH_ON_DUCKDB

pytestmark = pytest.mark.e2e


@BENCH_ON_DUCKDB
def test_a_coverage_journey_reports_cpu_and_the_frame_split(bench_world, tmp_path, monkeypatch):
    monkeypatch.setattr(browser_cost, "TRACE_TAIL_S", 0.5)  # the tiny world's views are done sooner
    rows = browser_cost.run(bench_world, rounds=1, trace=tmp_path / "traces")

    assert [r["view"] for r in rows] == ["township", "village", "grid", "back"]
    for r in rows:
        assert r["cpu_s"] > 0 and r["by_process"].get("renderer", 0) > 0, r
        assert r["task_s"] > 0 and r["runs"] >= 1, r
        # every view draws a new map: its component message is among what the server sent
        assert 0 < r["map_bytes"] < r["ws_bytes"] and r["deltas"].get("component_instance") == 1, r
        assert r["frames"]["page"]["cpu"] > 0, r["frames"]
    # the map's frame (streamlit-folium's component) told apart from the page
    assert any(r["frames"].get("map", {}).get("cpu", 0) > 0 for r in rows), [r["frames"] for r in rows]
    assert len(list((tmp_path / "traces").glob("trace-*.json"))) == 4
    s = browser_cost.summary(rows)
    assert s["all"]["n"] == 4 and s["village"]["cpu_min"] == rows[1]["cpu_s"]
