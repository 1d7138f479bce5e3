"""The weekly quota after every kind of write, on tiny worlds whose answers are known.

On PostgreSQL the quota's visits, days and households per staff member and ISO week are kept by
triggers on visits and households (migration 0029: ``staff_week_tallies``), and ``quotas__postgres``
reads them instead of the week's visits; on DuckDB the quota counts the week's visits. Both stores
must give the same, known numbers after inserts, deletes, edits of a visit's day, kind, household or
staff member, a household going inactive and back, an import, and visits with no household key (the
``NOT IN`` of quota_visits, 0017); on PostgreSQL the tallies must stay what quota_visits gives
(:func:`tests.factories.assert_week_tallies_recount`) after each, and after several writers of one
staff member's week at once. The copy into PostgreSQL is checked in tests/test_transfer.py.

Week 2026-W47 is Mon 2026-11-16 … Sun 2026-11-22. The tiny world's S1 visited H01 (Mon, Sun) and
H02 (Wed) at home in it, and H03 (moved: never counted) on Monday; S2 visited H04, H05, H06 on Tuesday.
"""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import reports
from analytics import visits as V
from auth.users import User
from ingest.tables import load
from store import db
from tests import factories as F
from tests.factories import G111, T1, add_visit, write_csv

D = dt.date
TODAY = D(2026, 11, 24)
LEADER = User("grid_leader", "grid_leader", [G111], staff_id="S1")
VISIT_HEADER = ["户编号", "工号", "走访日期", "走访方式"]
HOUSEHOLD_HEADER = ["户编号", "户主", "联系电话", "经度", "纬度", "户类别", "状态"]


def quota(con, staff_id: str, week: str = "2026-W47") -> tuple[int, int, int]:
    """(visits, visit days, households visited) of a staff member's week, as the report gives them,
    with the tallies checked against a recount on PostgreSQL."""
    F.assert_week_tallies_recount(con)
    r = reports.quotas(con, week).set_index("staff_id").loc[staff_id]
    return int(r["visits"]), int(r["visit_days"]), int(r["households_visited"])


def hid(con, code: str) -> int:
    return con.execute("SELECT hid FROM households WHERE code = ?", [code]).fetchone()[0]


def test_the_quota_follows_inserts_edits_and_deletes(tiny):
    con, _ = tiny
    assert quota(con, "S1") == (3, 3, 2)
    assert quota(con, "S2") == (3, 1, 3)
    add_visit(con, "H02", "S1", D(2026, 11, 17))  # a new day, a household already visited
    add_visit(con, "H02", "S1", D(2026, 11, 19), "phone")  # not a home visit: nothing
    assert quota(con, "S1") == (4, 4, 2)
    # the day moved into the next week (W48: S1's first visit there)
    con.execute(
        "UPDATE visits SET visited_on = DATE '2026-11-24' "
        "WHERE household_code = 'H02' AND visited_on = DATE '2026-11-17'"
    )
    assert quota(con, "S1") == (3, 3, 2)
    assert quota(con, "S1", "2026-W48") == (1, 1, 1)
    # a home visit becomes a phone call, and a phone call a home visit
    con.execute("UPDATE visits SET kind = 'phone' WHERE household_code = 'H01' AND visited_on = DATE '2026-11-22'")
    con.execute("UPDATE visits SET kind = 'home' WHERE household_code = 'H02' AND visited_on = DATE '2026-11-19'")
    assert quota(con, "S1") == (3, 3, 2)  # Mon H01, Wed H02, Thu H02
    # filed under another household: the moved H03, which never counts
    con.execute(
        "UPDATE visits SET household_code = 'H03', hid = ? "
        "WHERE household_code = 'H02' AND visited_on = DATE '2026-11-18'",
        [hid(con, "H03")],
    )
    assert quota(con, "S1") == (2, 2, 2)  # Mon H01, Thu H02
    # another staff member's visit: it leaves S1's week for S2's
    con.execute("UPDATE visits SET staff_id = 'S2' WHERE household_code = 'H01' AND visited_on = DATE '2026-11-16'")
    assert quota(con, "S1") == (1, 1, 1)
    assert quota(con, "S2") == (4, 2, 4)
    # several rows in one statement, a note alone (no change), then deletes
    con.execute("UPDATE visits SET note = '改了备注' WHERE staff_id IN ('S1', 'S2')")
    assert quota(con, "S2") == (4, 2, 4)
    con.execute("DELETE FROM visits WHERE household_code IN ('H04', 'H05')")
    assert quota(con, "S2") == (2, 2, 2)
    con.execute("DELETE FROM visits WHERE staff_id = 'S1'")
    assert quota(con, "S1") == (0, 0, 0)
    assert quota(con, "S1", "2026-W48") == (0, 0, 0)


def test_the_app_writers_keep_the_quota(tiny):
    """Recording, editing and deleting through analytics.visits, and a rolled-back write."""
    con, _ = tiny
    V.record_visit(con, LEADER, "H02", D(2026, 11, 20), "home", today=TODAY)
    assert quota(con, "S1") == (4, 4, 2)
    vid = con.execute(
        "SELECT id FROM visits WHERE household_code = 'H02' AND staff_id = 'S1' AND visited_on = DATE '2026-11-20'"
    ).fetchone()[0]
    V.edit_visit(con, LEADER, vid, today=TODAY, kind="phone")
    assert quota(con, "S1") == (3, 3, 2)
    V.delete_visit(con, LEADER, vid, today=TODAY)
    assert quota(con, "S1") == (3, 3, 2)
    with pytest.raises(RuntimeError):
        with db.transaction(con):
            con.execute("DELETE FROM visits WHERE staff_id = 'S1'")
            raise RuntimeError("rolled back")
    assert quota(con, "S1") == (3, 3, 2)


def test_a_household_going_inactive_and_back(tiny, tmp_path):
    """A household's status moves every week it was visited in, whoever visited it; by statement and
    by the households' import."""
    con, _ = tiny
    add_visit(con, "H01", "S2", D(2026, 11, 18))  # S2 visited H01 too
    add_visit(con, "H01", "S1", D(2026, 11, 10))  # and S1 the week before (W46)
    assert quota(con, "S1") == (3, 3, 2) and quota(con, "S2") == (4, 2, 4)
    assert quota(con, "S1", "2026-W46") == (1, 1, 1)
    con.execute("UPDATE households SET status = 'moved' WHERE code = 'H01'")
    assert quota(con, "S1") == (1, 1, 1)  # H02 on Wednesday
    assert quota(con, "S2") == (3, 1, 3)
    assert quota(con, "S1", "2026-W46") == (0, 0, 0)
    con.execute("UPDATE households SET status = 'active' WHERE code = 'H01'")
    assert quota(con, "S1") == (3, 3, 2) and quota(con, "S2") == (4, 2, 4)
    assert quota(con, "S1", "2026-W46") == (1, 1, 1)
    # the import: H03 back in the register (在册), H01 closed (注销)
    f = write_csv(
        tmp_path / "hh.csv",
        HOUSEHOLD_HEADER,
        [
            ("H01", "张三", "13812341234", 107.05, 30.05, "低保、空巢老人", "注销"),
            ("H03", "王五", "", 107.07, 30.07, "", "在册"),
        ],
    )
    res = load(con, "households", f)
    assert res.updated == 2
    assert con.execute("SELECT status FROM households WHERE code IN ('H01', 'H03') ORDER BY code").fetchall() == [
        ("closed",),
        ("active",),
    ]
    assert quota(con, "S1") == (2, 2, 2)  # H03 on Monday, H02 on Wednesday
    assert quota(con, "S2") == (3, 1, 3)
    # a household deleted while inactive: its visits count again (no household says they don't)
    con.execute("DELETE FROM households WHERE code = 'H01'")
    assert quota(con, "S1") == (4, 3, 3)


def test_an_import_of_visits(tiny, tmp_path):
    """Imported visits, new and again (a note changed), count once; a visit of a household not in the
    register has no key."""
    con, _ = tiny
    rows = [
        ("H08", "S3", "2026-11-17", "入户走访"),
        ("H09", "S3", "2026-11-17", "入户走访"),
        ("H09", "S3", "2026-11-19", "入户走访"),
        ("H08", "S3", "2026-11-19", "电话"),
        ("H01", "S1", "2026-11-20", "入户走访"),
    ]
    res = load(con, "visits", write_csv(tmp_path / "v.csv", VISIT_HEADER, rows))
    assert res.imported == 5
    assert quota(con, "S3") == (3, 2, 2)
    assert quota(con, "S1") == (4, 4, 2)
    again = [(*r, "复访") for r in rows]
    load(con, "visits", write_csv(tmp_path / "v2.csv", [*VISIT_HEADER, "走访情况"], again))
    assert quota(con, "S3") == (3, 2, 2) and quota(con, "S1") == (4, 4, 2)


def test_visits_with_no_household_key_count_as_quota_visits_says(tiny):
    """quota_visits (0017) keeps a home visit whose household is not among the inactive ones by
    ``hid NOT IN (…)``: a visit with no key counts only while no household is inactive, and nothing
    counts while an inactive household has no key. Both stores give the same numbers."""
    con, _ = tiny
    con.execute(
        "INSERT INTO visits (household_code, staff_id, visited_on, kind) VALUES ('ZZ', 'S1', DATE '2026-11-19', 'home')"
    )
    assert quota(con, "S1") == (3, 3, 2)  # H03 is moved: the unknown household's visit does not count
    con.execute("UPDATE households SET status = 'active' WHERE code = 'H03'")  # no household inactive
    assert quota(con, "S1") == (5, 4, 3)  # H03 on Monday and ZZ on Thursday count
    con.execute("UPDATE households SET status = 'closed', hid = NULL WHERE code = 'H10'")
    assert quota(con, "S1") == (0, 0, 0) and quota(con, "S2") == (0, 0, 0)
    con.execute("UPDATE households SET status = 'active' WHERE code = 'H10'")
    assert quota(con, "S1") == (5, 4, 3)


def insert(code: str, day: str):
    return lambda c: c.execute(
        "INSERT INTO visits (household_code, staff_id, visited_on, kind, hid) "
        f"SELECT code, 'S1', DATE '{day}', 'home', hid FROM households WHERE code = ?",
        [code],
    )


@F.SEVERAL_WRITERS
@pytest.mark.parametrize(
    ("first_write", "second_write", "expected"),
    [
        (insert("H02", "2026-11-17"), insert("H04", "2026-11-19"), (5, 5, 3)),
        (
            insert("H04", "2026-11-19"),
            lambda c: c.execute("DELETE FROM visits WHERE household_code = 'H02'"),
            (3, 3, 2),
        ),
        (
            lambda c: c.execute("UPDATE households SET status = 'moved' WHERE code = 'H01'"),
            insert("H04", "2026-11-19"),
            (2, 2, 2),
        ),
        (
            insert("H04", "2026-11-19"),
            lambda c: c.execute("UPDATE households SET status = 'moved' WHERE code = 'H01'"),
            (2, 2, 2),
        ),
    ],
    ids=["insert-insert", "insert-delete", "inactive-insert", "insert-inactive"],
)
def test_two_writers_of_one_staff_week_at_once(tiny, first_write, second_write, expected):
    """Two transactions changing S1's W47 through different households at once (so no household lock
    orders them), the first committing only after the second waits: the tally counts both (a recount
    that read the visits before locking the tally would miss the other's write)."""
    con, url = tiny
    F.write_while_held(con, url, first_write, second_write)
    assert quota(con, "S1") == expected


@F.SEVERAL_WRITERS
def test_several_writers_of_one_staff_week_at_once(tiny):
    """Four connections recording S1's home visits of W47 (and its neighbours) to four households at
    once lose no visit: the tally is a recount after, and the quota counts every one."""
    con, _ = tiny
    jobs = [
        (h, D(2026, 11, 15) + dt.timedelta(days=d), "home")
        for h in ("H01", "H02", "H11", "H12")
        for d in range(9)  # Sun W46 … Mon W48
    ]
    con.execute(
        "INSERT INTO households (code, head_name, lon, lat, grid_code, status, created_on) VALUES "
        "('H11', '甲', 107.01, 30.01, ?, 'active', DATE '2026-01-01'), "
        "('H12', '乙', 107.02, 30.02, ?, 'active', DATE '2026-01-01')",
        [G111, G111],
    )
    known = set(con.execute("SELECT household_code, visited_on, kind FROM visits WHERE staff_id = 'S1'").fetchall())
    errors = F.run_concurrently(con, jobs, lambda cur, j: V.record_visit(cur, LEADER, *j, today=TODAY))
    assert errors == []
    assert quota(con, "S1") == (4 * 7, 7, 4)
    assert quota(con, "S1", "2026-W46") == (4, 1, 4)
    assert quota(con, "S1", "2026-W48") == (4, 1, 4)
    assert len(known) == 4  # H01 twice, H02, H03 (moved) of the tiny world


def test_the_tallies_after_the_whole_tiny_world(tiny_ro):
    """Every week of the tiny world: the report's numbers for each staff member are those the DuckDB
    statement counts from the visits (a known answer for W47), and on PostgreSQL the tallies a recount."""
    con, _ = tiny_ro
    F.assert_week_tallies_recount(con)
    q = reports.quotas(con, "2026-W47").set_index("staff_id")
    assert q.loc[["S1", "S2", "S3"], ["visits", "visit_days", "households_visited"]].values.tolist() == [
        [3, 3, 2],
        [3, 1, 3],
        [0, 0, 0],
    ]
    assert T1  # the township of S1 and S2's grids (tests/factories.py)
