"""Migration 0027 on PostgreSQL: a past range's coverage reads households from one index alone.

coverage__postgres counts a range that ends before some visit grid by grid, from the day sets of
each active household (queries/reports.sql, the "any other range" arm). Its lookup of a grid is
keyed under the "C" collation, as households_active_days is since 0027, so that no other index of
households can serve it: before, the planner read a narrower index plus the table's pages as soon
as one page of the table was not all-visible (the migration's header says why and what it cost).
What the planner picks is checked here on a tiny world right after it is built — never vacuumed, so
no page is all-visible: the worst case (on the code before 0027 these read households_active_months).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from store import db
from tests import factories as F

PG_ONLY = pytest.mark.skipif(
    not F.on_postgres(),
    reason="PostgreSQL only: runs in the PostgreSQL round (LIANXIN_TEST_STORE=postgres, scripts/test.sh); "
    "a DuckDB file has no query planner choosing among indexes (0027's DuckDB file is a comment)",
)


def _ran(node: dict) -> list[dict]:
    """The plan nodes under ``node`` (itself included) that ran at least once."""
    if node.get("Actual Loops", 0) == 0:
        return []
    return [node] + [n for child in node.get("Plans", []) for n in _ran(child)]


def _reads_of(con, relation: str = "households", **params) -> set[tuple[str, str | None]]:
    """(node type, index) of every read of ``relation`` in coverage__postgres's plan, as it ran."""
    text, _ = db.sql("coverage", db.POSTGRES)
    with con.transaction():
        con.execute("SET LOCAL enable_seqscan = off")  # a tiny table is read whole otherwise
        plan = con.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + text, params).fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    ran = _ran(plan[0]["Plan"])
    return {(n["Node Type"], n.get("Index Name")) for n in ran if n.get("Relation Name") == relation}


@PG_ONLY
@pytest.mark.parametrize("level", ["grid", "village", "county"])
@pytest.mark.parametrize("kinds", [["home"], ["home", "phone"]])
def test_a_past_range_reads_the_households_day_sets_index_alone(tiny, level, kinds):
    con, _ = tiny
    max_hid, _last_home = db.execute(con, "households_max_hid").fetchone()
    newest = con.execute("SELECT max(visited_on) FROM visits").fetchone()[0]
    got = _reads_of(
        con,
        level=level,
        parent=None,
        scope=None,
        date_from=newest - dt.timedelta(days=400),
        date_to=newest - dt.timedelta(days=1),  # a visit after the range: the past-range arm
        kinds=kinds,
        max_hid=int(max_hid),
        from_last_home=False,
        gaps_share=-1.0,  # the days' way (home visits over a past range may be counted from the gaps: 0030, 0031)
        runs_share=-1.0,
    )
    assert got == {("Index Only Scan", "households_active_days")}


@PG_ONLY
def test_a_short_past_range_of_home_visits_reads_the_gaps_ending_in_it_from_the_index_alone(tiny):
    """Migration 0031: the households visited at home over a past range, every grid shown, are
    counted from the gaps ending in the range — both conditions on the index's keys, no table page
    read — and the estimate of how many there are from its sample of one household in 32."""
    con, _ = tiny
    max_hid, _last_home = db.execute(con, "households_max_hid").fetchone()
    newest = con.execute("SELECT max(visited_on) FROM visits").fetchone()[0]
    got = _reads_of(
        con,
        relation="household_home_gaps",
        level="grid",
        parent=None,
        scope=None,
        date_from=newest - dt.timedelta(days=30),
        date_to=newest - dt.timedelta(days=1),
        kinds=["home"],
        max_hid=int(max_hid),
        from_last_home=False,
        gaps_share=-1.0,  # not the gaps containing the range (0030)
        runs_share=1.0,
    )
    assert {node for node, _index in got} == {"Index Only Scan"}
    # (0030's estimate may read its own sample first, or not: the shares decide before it is needed)
    assert {index for _node, index in got} - {"household_home_gaps_sample"} == {
        "household_home_gaps_next",
        "household_home_gaps_next_sample",
    }


@PG_ONLY
def test_the_apps_connections_compile_no_statement(tiny):
    """JIT is off on the app's connections: a report's statement holds arms for every case whose
    estimates add up past jit_above_cost even when one arm runs (store/postgres.py)."""
    con, _ = tiny
    assert con.execute("SHOW jit").fetchone() == ("off",)


@PG_ONLY
def test_the_day_sets_index_is_keyed_under_the_c_collation(tiny):
    con, _ = tiny
    row = con.execute(
        """SELECT c.collname FROM pg_index i JOIN pg_collation c ON c.oid = i.indcollation[0]
           WHERE i.indexrelid = CAST('households_active_days' AS regclass)"""
    ).fetchone()
    assert row == ("C",)
