"""The household tallies of migration 0013 on PostgreSQL: active households per grid and month of
their last home visit, kept by triggers in the transaction of every statement that writes
households. Coverage and hotspots on PostgreSQL add them up instead of reading every household
(queries/reports.sql, ``coverage__postgres`` and ``hotspot_counts__postgres``). Known answers on
the tiny world; after every kind of write they are what a recount gives, and a rolled-back write
leaves them as they were. (Both stores' reports are compared with plain-SQL references in
tests/test_household_keys.py, which checks the tallies after every writer too.)"""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import reports
from analytics import visits as V
from auth.users import User
from ingest.tables import load
from store import db
from tests import factories as F
from tests.factories import G111, G112, G121, G211, G212

pytestmark = pytest.mark.skipif(
    not F.on_postgres(),
    reason="PostgreSQL only: DuckDB counts the households' "
    "columns directly and has no tallies (its migration 0013 changes nothing); "
    "runs in the PostgreSQL round (LIANXIN_TEST_STORE=postgres, scripts/test.sh)",
)
D = dt.date
TODAY = D(2026, 11, 22)
NOV, MAR = D(2026, 11, 1), D(2026, 3, 1)


def tallies(con) -> list[tuple]:
    return con.execute(
        "SELECT grid_code, month, households FROM household_tallies WHERE households <> 0 ORDER BY 1, 2"
    ).fetchall()


def test_the_tiny_world_is_tallied(tiny_ro):
    """G111: H01 (last home visit 11-22) and H02 (11-18), H03 moved; G112: H04, H05 (11-17); G121:
    H06 (11-17) and H07 (a phone visit only: never at home); G211: H08 (11-23), H09 (03-01); G212
    empty; H10 lies in no grid."""
    con, _ = tiny_ro
    assert tallies(con) == [
        (G111, NOV, 2),
        (G112, NOV, 2),
        (G121, NOV, 1),
        (G121, None, 1),
        (G211, MAR, 1),
        (G211, NOV, 1),
    ]


def test_every_kind_of_write_keeps_them(tiny, tmp_path):
    con, _ = tiny
    member = User("member", "member", [G211], staff_id="S3")
    # a home visit moves H09 from March to November, and back when it becomes a phone visit
    V.record_visit(con, member, "H09", D(2026, 11, 20), "home", today=TODAY)
    assert (G211, MAR, 1) not in tallies(con) and (G211, NOV, 2) in tallies(con)
    vid = con.execute(
        "SELECT id FROM visits WHERE household_code = 'H09' AND visited_on = ?", [D(2026, 11, 20)]
    ).fetchone()[0]
    V.edit_visit(con, member, vid, today=TODAY, kind="phone")
    assert (G211, MAR, 1) in tallies(con)
    F.assert_tallies_recount(con)
    # an import: H04 moved away, a new household in the empty grid G212 (never visited)
    f = F.write_csv(
        tmp_path / "hh.csv",
        ["户编号", "户主", "联系电话", "经度", "纬度", "户类别", "状态"],
        [
            ("H04", "赵六", "023-12345678", 107.05, 30.15, "留守儿童", "迁出"),
            ("H11", "新户", "", 107.35, 30.10, "", "在册"),
        ],
    )
    assert load(con, "households", f).written
    assert (G112, NOV, 1) in tallies(con) and (G212, None, 1) in tallies(con)
    F.assert_tallies_recount(con)
    # any other statement: a household moved to another grid, one deleted, one inserted
    con.execute("UPDATE households SET grid_code = ? WHERE code = 'H06'", [G212])
    con.execute("DELETE FROM households WHERE code = 'H05'")
    con.execute(
        "INSERT INTO households (code, head_name, grid_code, last_home_on) VALUES ('H12', '甲', ?, ?)",
        [G111, D(2026, 10, 3)],
    )
    assert tallies(con) == [
        (G111, D(2026, 10, 1), 1),
        (G111, NOV, 2),
        (G121, None, 1),
        (G211, MAR, 1),
        (G211, NOV, 1),
        (G212, NOV, 1),
        (G212, None, 1),
    ]
    F.assert_tallies_recount(con)


def test_a_rolled_back_write_leaves_them(tiny):
    con, _ = tiny
    before = tallies(con)
    with pytest.raises(RuntimeError):
        with db.transaction(con):
            con.execute("UPDATE households SET status = 'moved'")
            assert tallies(con) == []  # inside: the tallies moved with the households
            raise RuntimeError("abandoned")
    assert tallies(con) == before


def test_coverage_and_hotspots_add_them_up(tiny):
    """The reports read the tallies, not the households: ten households tallied for the empty grid
    G212 (never visited) show in coverage of a range ending today and in the hotspots."""
    con, _ = tiny
    con.execute("INSERT INTO household_tallies (grid_code, month, households) VALUES (?, NULL, 10)", [G212])
    cov = reports.coverage(con, "grid", D(2026, 11, 1), D(2026, 11, 30)).set_index("code")
    assert (cov.loc[G212, "households"], cov.loc[G212, "visited"]) == (10, 0)
    assert (cov.loc[G111, "households"], cov.loc[G111, "visited"]) == (2, 2)
    hot = reports.hotspots(con, "grid", D(2026, 1, 1), D(2026, 12, 31)).set_index("code")
    assert hot.loc[G212, "households"] == 10
