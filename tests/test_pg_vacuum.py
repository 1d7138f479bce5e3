"""Migration 0026 on PostgreSQL: autovacuum sooner for the tables an evening of visits writes.

What autovacuum does, and when, is the server's: a test cannot wait for it (it looks at each
database once a minute, ``autovacuum_naptime``) without timing. So these check that the settings are
in place on a migrated store, and the behaviour of the app's own write they rest on: a home visit
updates its household without a HOT update (so a fillfactor would not help households, and every
such update leaves a dead version and a page no longer all-visible), while the grid tallies it moves
are updated in place (HOT, 0013/0024's fillfactor 70: they need no setting of their own).
BENCHMARKS.md, "Twelfth session: PostgreSQL after an evening's writes (pgvacuum)", has the figures.
"""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import visits as V
from auth.users import User
from tests import factories as F

D = dt.date
TODAY = D(2026, 11, 22)
PG_ONLY = pytest.mark.skipif(
    not F.on_postgres(),
    reason="PostgreSQL only: runs in the PostgreSQL round (LIANXIN_TEST_STORE=postgres, scripts/test.sh); "
    "a DuckDB file has no autovacuum, dead row versions or visibility map (0026's DuckDB file is a comment)",
)


def _options(con, table: str) -> dict[str, str]:
    row = con.execute("SELECT reloptions FROM pg_class WHERE oid = CAST(? AS regclass)", [table]).fetchone()
    return dict(o.split("=", 1) for o in (row[0] or []))


def _updates(con, table: str) -> tuple[int, int]:
    """(rows updated, of them HOT) by the current transaction in ``table``."""
    row = con.execute(
        "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relid = CAST(? AS regclass)", [table]
    ).fetchone()
    return int(row[0]), int(row[1])


@PG_ONLY
def test_the_evening_tables_are_vacuumed_sooner(tiny):
    con, _ = tiny
    households = _options(con, "households")
    assert households["autovacuum_vacuum_scale_factor"] == "0.005"  # 0026 (0013 had 0.02)
    assert households["autovacuum_analyze_scale_factor"] == "0.02"  # 0013's, kept
    assert "fillfactor" not in households  # its updates are never HOT: test below
    assert _options(con, "visits") == {"autovacuum_vacuum_insert_scale_factor": "0.001"}
    for tallies in ("household_tallies", "household_home_tallies"):
        assert _options(con, tallies) == {"fillfactor": "70"}  # 0013, 0024: no autovacuum setting


@PG_ONLY
def test_a_home_visit_updates_its_household_not_in_place_and_the_tallies_in_place(tiny):
    con, _ = tiny
    member = User("member", "member", [F.G211], staff_id="S3")
    with con.transaction():  # the statistics of this transaction's own writes
        created, _msg = V.record_visit(con, member, "H09", D(2026, 11, 21), "home", today=TODAY)
        households, tallies = _updates(con, "households"), _updates(con, "household_tallies")
        home_tallies = _updates(con, "household_home_tallies")
    assert created
    # the visit's days (0018's trigger) and its last home visit: indexed columns both, so never HOT
    assert households == (2, 0)
    # the tallies of the household's grid, moved by the households triggers: HOT, on their own page
    assert tallies[0] >= 1 and tallies[1] == tallies[0]
    assert home_tallies[0] >= 1 and home_tallies[1] == home_tallies[0]
