"""manage.py bench at the small scale: every implementation gives the same answers (no timing asserted)."""

from __future__ import annotations

import shutil

import pytest

from bench import data, run
from bench import postgis as PG


def _postgis_unavailable() -> str | None:
    """None when the benchmark can start a PostGIS cluster here, else why it cannot."""
    why = PG.available()
    if why is None and shutil.which("runuser") is None:
        why = "runuser not found (the throwaway cluster is started as the postgres user)"
    return why


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """One small-scale run for the whole module (with PostGIS when this machine has it)."""
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "BENCHMARKS.md"
    res = run.bench(
        "small",
        runs=1,
        output=out,
        postgres=_postgis_unavailable() is None,
        log=lambda line: None,
        path=tmp / "bench-small.duckdb",
    )
    return res, out


def test_small_scale_all_implementations_agree(small):
    res, out = small
    ops = {r.op for r in res.rows}
    assert any(o.startswith("coverage") for o in ops) and any(o.startswith("hotspots") for o in ops)
    impls = {r.impl for r in res.rows}
    assert {"DuckDB", "pandas"} <= impls
    assert len(res.checks) >= 7
    assert [p["view"] for p in res.pages][:4] == [
        "county → townships",
        "township → villages",
        "village → grids",
        "one grid",
    ]
    text = out.read_text(encoding="utf-8")
    assert "<!-- bench:small -->" in text and "| operation |" in text


def test_small_scale_postgis_agrees(small):
    why = _postgis_unavailable()
    if why:
        pytest.skip(f"PostGIS comparison not run: {why}")
    res, _ = small
    assert "PostGIS" in {r.impl for r in res.rows}
    assert any("= PostGIS" in c for c in res.checks)


def test_mismatch_is_reported():
    import pandas as pd

    a = pd.DataFrame({"code": ["A", "B"], "coverage": [0.5, 0.25]})
    b = pd.DataFrame({"code": ["A", "B"], "coverage": [0.5, 0.2501]})
    run.assert_same("coverage", a, a.copy(), "x")
    with pytest.raises(run.Mismatch):
        run.assert_same("coverage", a, b, "x")


def test_two_stores_timed_in_turn():
    """Each repetition calls both, alternating which goes first; the second's last answer is returned."""
    calls = []

    def duck():
        calls.append("d")
        return "duck"

    def pg():
        calls.append("p")
        return f"pg{len(calls)}"

    t_duck, t_pg, out = run.timed_in_turn(duck, pg, 3)
    assert calls == ["d", "p", "d", "p", "p", "d", "d", "p"]
    assert len(t_duck) == len(t_pg) == 3 and out == "pg8"


def test_scales_are_defined():
    assert set(data.SCALES) == {"small", "county", "city"}
    assert data.SCALES["county"].households == 300_000
    assert data.SCALES["city"].households == 10_000_000


@pytest.mark.skipif(
    not __import__("tests.stores", fromlist=["x"]).on_postgres(),
    reason="the PostgreSQL store's round (LIANXIN_TEST_STORE=postgres)",
)
def test_small_scale_on_the_postgresql_store_agrees(tmp_path):
    """manage.py bench --on-postgres: the app's functions on the PostgreSQL store and DuckDB over
    PostgreSQL give the DuckDB file's answers (the data set copied in by store/transfer.py)."""
    from tests.stores import new_db

    out = tmp_path / "BENCHMARKS.md"
    res = run.bench(
        "small",
        runs=1,
        output=out,
        postgres=False,
        on_postgres=str(new_db(tmp_path, "bench")),
        log=lambda line: None,
        path=tmp_path / "bench-small.duckdb",
    )
    impls = {r.impl for r in res.rows}
    assert {"DuckDB", "PostgreSQL store", "DuckDB over PostgreSQL"} <= impls
    # the six reports, and nine coverages of other kinds and past ranges (bench.run._other_coverage:
    # four over a year or to today, five over a past week, month or quarter)
    assert sum("= the PostgreSQL store" in c for c in res.checks) == 15
    assert all("pg_min_ms" in p for p in res.pages)
    assert "| operation | DuckDB (app) | PostgreSQL store (app) |" in out.read_text(encoding="utf-8")
