"""bench/page_bytes.py on the tiny world: every page of the three accounts' sidebars, measured. That it
reports each page's bytes and largest messages with what they draw, and CPU — never its figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import page_bytes
from tests import factories as F
from tests.e2e.conftest import CHROMIUM

pytestmark = pytest.mark.e2e


@pytest.mark.skipif(
    F.on_postgres(),
    reason="the benchmark runs on a copy of a DuckDB file it builds, whatever the suite's store: the DuckDB "
    "round ran it (the PostgreSQL round would repeat it exactly)",
)
def test_every_page_of_every_account_is_measured(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: install Debian's chromium (apt-get install chromium)")
    dbp = tmp_path / "tiny.duckdb"
    F.build(dbp).close()
    before = dbp.read_bytes()

    rows = page_bytes.run(dbp, journeys=("leader", "grid_leader"))  # two accounts: their home pages differ

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
    assert dbp.read_bytes() == before  # the pages were read from a copy
