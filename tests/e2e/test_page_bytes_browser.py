"""bench/page_bytes.py on the tiny world: every page of the three accounts' sidebars, measured. That it
reports each page's bytes and largest messages with what they draw, and CPU — never its figures."""

from __future__ import annotations


import pytest

from bench import page_bytes
from tests.e2e.conftest import BENCH_ON_DUCKDB

pytestmark = pytest.mark.e2e


@BENCH_ON_DUCKDB
def test_every_page_of_every_account_is_measured(bench_world):
    rows = page_bytes.run(bench_world, journeys=("leader", "grid_leader"))  # two accounts: their home pages differ

    pages = {j: [r["page"] for r in rows if r["journey"] == j] for j in ("leader", "grid_leader")}
    assert {"overview", "coverage", "hotspots", "weekly", "petitions"} <= set(pages["leader"]), pages
    assert pages["leader"][-1] == "overview" and pages["grid_leader"][-1] == "weekly"  # the home page, last
    assert "hotspots" not in pages["grid_leader"]  # the sidebar's pages only
    for r in rows:
        assert r["ws_bytes"] > 0 and r["browser_cpu_s"] > 0, r
        assert 0 < len(r["largest"]) <= page_bytes.LARGEST, r
        sizes = [m["bytes"] for m in r["largest"]]
        assert sizes == sorted(sizes, reverse=True) and sum(sizes) <= r["ws_bytes"], r
    coverage = next(r for r in rows if r["journey"] == "leader" and r["page"] == "coverage")
    assert "component_instance" in {m["kind"] for m in coverage["largest"]}  # its map
    assert "| grid_leader | weekly |" in page_bytes.table(rows)
