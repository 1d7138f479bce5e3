"""The integer household keys of store/migrations/0004 (households.hid, visits.hid) and the
``households.last_home_on`` column, on tiny worlds whose answers are known.

Every writer of visits (the factory's import, a visits import, the weekly page's add / edit /
delete) must leave ``households.last_home_on`` equal to a plain recount, and the reports that now read
the keys (coverage's bitmap, unvisited's last home visit) must agree with a plain-SQL reference
computed on household codes.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from analytics import reports
from analytics import visits as V
from auth.users import User
from ingest.tables import load
from store import db
from tests.factories import (
    COUNTY,
    G111,
    G211,
    G212,
    T1,
    T2,
    V11,
    V21,
    add_visit,
    assert_tallies_recount,
    assert_visit_days_recount,
    new_db,
    assert_petition_grids_follow,
    on_postgres,
    run_concurrently,
    write_csv,
)

D = dt.date
TODAY = D(2026, 11, 22)
LEADER = User("grid_leader", "grid_leader", [G111], staff_id="S1")

VISIT_HEADER = ["户编号", "工号", "走访日期", "走访方式"]
HOUSEHOLD_HEADER = ["户编号", "户主", "联系电话", "经度", "纬度", "户类别", "状态"]


# ----------------------------------------------------------------------------- helpers


def last_home(con) -> dict[str, dt.date]:
    """``households.last_home_on`` by household code."""
    return dict(con.execute("SELECT code, last_home_on FROM households WHERE last_home_on IS NOT NULL").fetchall())


def hids(con) -> dict[str, int]:
    return dict(con.execute("SELECT code, hid FROM households").fetchall())


def assert_last_home_consistent(con) -> None:
    """The stored keys and last home visits are exactly what a recount from scratch gives."""
    # every household has a key, and keys are unique
    n, n_hid, n_distinct = con.execute("SELECT count(*), count(hid), count(DISTINCT hid) FROM households").fetchone()
    assert n == n_hid == n_distinct, "households.hid must be non-NULL and unique"
    # every visit of a stored household carries that household's key
    wrong = con.execute("""
        SELECT v.id, v.household_code, v.hid, h.hid FROM visits v
        JOIN households h ON h.code = v.household_code
        WHERE v.hid IS DISTINCT FROM h.hid""").fetchall()
    assert wrong == [], f"visits with a wrong hid: {wrong}"
    # the last home visit of each household, nothing more, nothing less
    stored = con.execute(
        "SELECT hid, last_home_on FROM households WHERE last_home_on IS NOT NULL ORDER BY hid"
    ).fetchall()
    expected = con.execute(
        "SELECT hid, max(visited_on) FROM visits WHERE kind = 'home' GROUP BY hid ORDER BY hid"
    ).fetchall()
    assert stored == expected
    assert_tallies_recount(con)  # PostgreSQL: the grids' tallies follow (migration 0013)
    assert_petition_grids_follow(con)  # and the petitions' household grids (migration 0015)
    assert_visit_days_recount(con)  # and the households' visited days per kind (migration 0018)


def snapshot(con) -> tuple:
    """Everything an import may touch for visits (ids left out: equal rows are equal)."""
    return (
        con.execute(
            "SELECT household_code, staff_id, visited_on, kind, note, hid FROM visits ORDER BY 1, 2, 3, 4, 5, 6"
        ).fetchall(),
        con.execute("SELECT hid, last_home_on FROM households ORDER BY 1, 2").fetchall(),
        con.execute("SELECT code, hid FROM households ORDER BY 1, 2").fetchall(),
    )


def visit_id(con, household: str, staff: str, day: dt.date, kind: str) -> int:
    return con.execute(
        "SELECT id FROM visits WHERE household_code = ? AND staff_id = ? AND visited_on = ? AND kind = ?",
        [household, staff, day, kind],
    ).fetchone()[0]


# ----------------------------------------------------------------------------- plain-SQL references


def ref_coverage(con, level: str, date_from: dt.date, date_to: dt.date, kinds=("home",)) -> list[tuple]:
    """Coverage by household code: active households under each area of the level, and those with a
    visit of the kinds in the range."""
    return con.execute(
        """
        WITH hh AS (
            SELECT anc.ancestor_code AS area, h.code FROM households h
            JOIN area_ancestors anc ON anc.code = h.grid_code
            WHERE h.status = 'active' AND anc.ancestor_level = $level
        ),
        seen AS (
            SELECT DISTINCT household_code FROM visits
            WHERE visited_on BETWEEN $a AND $b AND list_contains($kinds, kind)
        )
        SELECT a.code, count(hh.code) AS households, count(seen.household_code) AS visited
        FROM areas a
        LEFT JOIN hh ON hh.area = a.code
        LEFT JOIN seen ON seen.household_code = hh.code
        WHERE a.level = $level
        GROUP BY a.code ORDER BY a.code""",
        {"level": level, "a": date_from, "b": date_to, "kinds": list(kinds)},
    ).fetchall()


def got_coverage(con, level: str, date_from: dt.date, date_to: dt.date, kinds=("home",)) -> list[tuple]:
    out = reports.coverage(con, level, date_from, date_to, kinds=kinds)
    for _, r in out.iterrows():  # the ratio follows the counts
        if r["households"]:
            assert r["coverage"] == pytest.approx(round(r["visited"] / r["households"], 4))
    return [(r["code"], int(r["households"]), int(r["visited"])) for _, r in out.iterrows()]


def ref_unvisited(con, area: str, as_of: dt.date, days: int) -> list[tuple]:
    """Due households by household code: active under the area, no home visit in the days up to as_of."""
    return con.execute(
        """
        WITH hh AS (
            SELECT h.code FROM households h
            JOIN area_ancestors a ON a.code = h.grid_code AND a.ancestor_code = $area
            WHERE h.status = 'active'
        ),
        last AS (
            SELECT household_code, max(visited_on) AS last_visit FROM visits
            WHERE kind = 'home' AND visited_on <= $as_of GROUP BY household_code
        )
        SELECT hh.code, last.last_visit, date_diff('day', last.last_visit, $as_of) AS days_since
        FROM hh LEFT JOIN last ON last.household_code = hh.code
        WHERE last.last_visit IS NULL OR date_diff('day', last.last_visit, $as_of) >= $days
        ORDER BY last.last_visit ASC NULLS FIRST, hh.code""",
        {"area": area, "as_of": as_of, "days": days},
    ).fetchall()


def got_unvisited(con, area: str, as_of: dt.date, days: int) -> list[tuple]:
    out = reports.unvisited(con, area, as_of, days=days)
    return [
        (code, None if pd.isna(last) else pd.Timestamp(last).date(), None if pd.isna(since) else int(since))
        for code, last, since in zip(out["household_code"], out["last_visit"], out["days_since"])
    ]


# ----------------------------------------------------------------------------- 1. the factory build


def test_factory_build_fills_keys_and_last_home(tiny_ro):
    """The import path used by every test world fills households.hid, visits.hid and households.last_home_on."""
    con, _ = tiny_ro
    assert_last_home_consistent(con)
    assert con.execute("SELECT count(*) FROM visits WHERE hid IS NULL").fetchone()[0] == 0
    # the known last home visits of the tiny world (H07 only had a phone visit, H10 none)
    assert last_home(con) == {
        "H01": D(2026, 11, 22),
        "H02": D(2026, 11, 18),
        "H03": D(2026, 11, 16),
        "H04": D(2026, 11, 17),
        "H05": D(2026, 11, 17),
        "H06": D(2026, 11, 17),
        "H08": D(2026, 11, 23),
        "H09": D(2026, 3, 1),
    }


# ----------------------------------------------------------------------------- 2. a visits import


def test_visits_import_moves_last_home_forward_only(tiny, tmp_path):
    """An imported later home visit moves a household's last home visit forward; an earlier one or
    a phone visit does not; a first home visit adds a row; re-importing the file changes nothing."""
    con, _ = tiny
    before = last_home(con)
    f = write_csv(
        tmp_path / "more_visits.csv",
        VISIT_HEADER,
        [
            ("H02", "S1", "2026-11-25", "入户走访"),  # later than 11-18: taken
            ("H01", "S1", "2026-10-01", "入户走访"),  # earlier than 11-22: ignored
            ("H07", "S2", "2026-11-24", "电话"),  # phone: H07 still has no home visit
            ("H10", "S2", "2026-11-21", "入户走访"),  # H10's first home visit (an unassigned household)
        ],
    )
    res = load(con, "visits", f)
    assert res.written and res.imported == 4 and res.rejected == 0
    assert_last_home_consistent(con)
    after = last_home(con)
    assert after["H02"] == D(2026, 11, 25)
    assert after["H01"] == before["H01"] == D(2026, 11, 22)
    assert "H07" not in after
    assert after["H10"] == D(2026, 11, 21)
    untouched = lambda d: {k: v for k, v in d.items() if k not in ("H02", "H10")}  # noqa: E731
    assert untouched(after) == untouched(before)

    state = snapshot(con)
    again = load(con, "visits", f)
    assert again.imported == 0 and again.updated == 0
    assert snapshot(con) == state
    assert_last_home_consistent(con)


def test_visits_import_dry_run_writes_nothing(tiny, tmp_path):
    """A preview (dry run) of a visits import leaves the keys and last home visits alone."""
    con, _ = tiny
    state = snapshot(con)
    f = write_csv(tmp_path / "preview.csv", VISIT_HEADER, [("H09", "S3", "2026-11-20", "入户走访")])
    res = load(con, "visits", f, dry_run=True)
    assert res.imported == 1 and not res.written
    assert snapshot(con) == state


# ----------------------------------------------------------------------------- 3. the weekly page


def test_add_edit_delete_keep_last_home(tiny):
    """Recording, moving earlier, turning home→phone and deleting visits through analytics.visits
    keeps households.last_home_on a recount — down to NULL when the only home visit goes."""
    con, _ = tiny
    # H02: S1 home 2026-11-18, S4 reception 2026-11-20
    created, _ = V.record_visit(con, LEADER, "H02", D(2026, 11, 21), "home", today=TODAY)
    assert created
    assert_last_home_consistent(con)
    assert last_home(con)["H02"] == D(2026, 11, 21)
    new = visit_id(con, "H02", "S1", D(2026, 11, 21), "home")
    assert con.execute("SELECT hid FROM visits WHERE id = ?", [new]).fetchone()[0] == hids(con)["H02"]

    # a phone visit is recorded but does not move the last home visit
    V.record_visit(con, LEADER, "H02", D(2026, 11, 22), "phone", today=TODAY)
    assert_last_home_consistent(con)
    assert last_home(con)["H02"] == D(2026, 11, 21)

    # the new visit moved earlier than the imported one: the imported one is the last again
    V.edit_visit(con, LEADER, new, today=TODAY, visited_on=D(2026, 11, 10))
    assert_last_home_consistent(con)
    assert last_home(con)["H02"] == D(2026, 11, 18)

    # the imported home visit becomes a phone visit: the moved one is the only home visit left
    old = visit_id(con, "H02", "S1", D(2026, 11, 18), "home")
    V.edit_visit(con, LEADER, old, today=TODAY, kind="phone")
    assert_last_home_consistent(con)
    assert last_home(con)["H02"] == D(2026, 11, 10)

    # and back: a phone visit turned home visit counts again
    V.edit_visit(con, LEADER, old, today=TODAY, kind="home")
    assert_last_home_consistent(con)
    assert last_home(con)["H02"] == D(2026, 11, 18)
    V.edit_visit(con, LEADER, old, today=TODAY, kind="phone")

    # deleting the household's only home visit leaves it never visited at home
    V.delete_visit(con, LEADER, new, today=TODAY)
    assert_last_home_consistent(con)
    assert "H02" not in last_home(con)
    # the other households were never touched
    assert last_home(con)["H01"] == D(2026, 11, 22)


def test_delete_latest_home_visit_falls_back(tiny):
    """Deleting a household's newest home visit falls back to its previous one, not to nothing."""
    con, _ = tiny
    # H01: S1 home 2026-11-16 and 2026-11-22
    V.delete_visit(con, LEADER, visit_id(con, "H01", "S1", D(2026, 11, 22), "home"), today=TODAY)
    assert_last_home_consistent(con)
    assert last_home(con)["H01"] == D(2026, 11, 16)


def test_concurrent_visits_keep_last_home(tiny):
    """Four workers recording visits of every kind for the same two households at once lose no
    visit and leave households.last_home_on a recount."""
    con, _ = tiny
    before = con.execute("SELECT count(*) FROM visits").fetchone()[0]
    jobs = [
        (h, TODAY - dt.timedelta(days=d), k)
        for h in ("H01", "H02")
        for d in range(1, 31)
        for k in ("home", "phone", "meeting", "reception")
    ]
    known = set(con.execute("SELECT household_code, visited_on, kind FROM visits WHERE staff_id = 'S1'").fetchall())
    new = [j for j in jobs if j not in known]  # H01 11-16 and H02 11-18 (home) were imported
    assert len(new) == len(jobs) - 2
    errors = run_concurrently(con, jobs, lambda cur, j: V.record_visit(cur, LEADER, *j, today=TODAY))
    assert errors == []
    assert con.execute("SELECT count(*) FROM visits").fetchone()[0] == before + len(new)
    assert_last_home_consistent(con)
    assert last_home(con)["H01"] == TODAY and last_home(con)["H02"] == TODAY - dt.timedelta(days=1)


# ----------------------------------------------------------------------------- 4. households re-import


def test_household_reimport_keeps_key_new_household_gets_larger_one(tiny, tmp_path):
    """A household imported again (renamed) keeps its hid, so its visits and last home visit still
    belong to it; a new household gets a new key larger than every existing one."""
    con, _ = tiny
    before = hids(con)
    f = write_csv(
        tmp_path / "hh.csv",
        HOUSEHOLD_HEADER,
        [
            ("H01", "张三丰", "13812341234", 107.05, 30.05, "低保、空巢老人", "在册"),  # renamed
            ("H11", "新户", "", 107.06, 30.07, "", "在册"),  # new, in G111
        ],
    )
    res = load(con, "households", f)
    assert res.imported == 1 and res.updated == 1
    after = hids(con)
    assert con.execute("SELECT head_name FROM households WHERE code = 'H01'").fetchone()[0] == "张三丰"
    assert {k: after[k] for k in before} == before
    assert after["H11"] > max(before.values())
    assert_last_home_consistent(con)
    assert last_home(con)["H01"] == D(2026, 11, 22)

    # the new household's first visit is filed under its new key
    add_visit(con, "H11", "S1", D(2026, 11, 20))
    assert con.execute("SELECT hid FROM visits WHERE household_code = 'H11'").fetchone()[0] == after["H11"]
    assert_last_home_consistent(con)
    assert last_home(con)["H11"] == D(2026, 11, 20)


# ----------------------------------------------------------------------------- 5. the migration


def _schema_3(tmp_path):
    """A database as it was before 0004: migrations 0001–0003 applied the way store.db.migrate does."""
    if on_postgres():
        from store import postgres

        con = postgres.connect(str(new_db(tmp_path, "schema3")), read_only=True, create=True)
        assert con.migrate(db.migrations(db.POSTGRES)[:3]) == 3
        return con
    con = duckdb.connect(":memory:")
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    for version, path in db.migrations():
        if version > 3:
            break
        con.execute(path.read_text(encoding="utf-8"))
        con.execute("INSERT INTO schema_version (version) VALUES (?)", [version])
    assert db.schema_version(con) == 3
    return con


def test_migration_0004_keys_existing_data(tmp_path):
    """An existing (schema 3) database gets a key per household, its visits' keys and the last home
    visit of each household; a visit of an unknown household keeps a NULL key and counts nowhere."""
    con = _schema_3(tmp_path)
    con.execute("INSERT INTO households (code, head_name) VALUES ('A1', '甲'), ('A2', '乙')")
    con.execute("""INSERT INTO visits (household_code, staff_id, visited_on, kind) VALUES
        ('A1', 'S1', DATE '2025-12-30', 'home'),
        ('A1', 'S1', DATE '2026-01-05', 'home'),
        ('A2', 'S1', DATE '2026-01-10', 'phone'),
        ('ZZ', 'S1', DATE '2026-01-11', 'home')""")
    newest = max(v for v, _ in db.migrations())
    assert db.migrate(con) == newest >= 4

    keys = hids(con)
    assert sorted(keys.values()) == [1, 2]
    assert con.execute("SELECT household_code, hid FROM visits ORDER BY visited_on").fetchall() == [
        ("A1", keys["A1"]),
        ("A1", keys["A1"]),
        ("A2", keys["A2"]),
        ("ZZ", None),
    ]
    assert con.execute("SELECT hid, last_home_on FROM households ORDER BY hid").fetchall() == [
        (keys["A1"], D(2026, 1, 5)),
        (keys["A2"], None),
    ]
    # a household inserted after the migration draws the next key
    con.execute("INSERT INTO households (code, head_name) VALUES ('A3', '丙')")
    assert hids(con)["A3"] == 3
    con.close()


def test_migrate_twice_is_a_no_op(tiny):
    """Migrating an up-to-date database applies nothing and changes no key or last home visit."""
    con, _ = tiny
    version = db.schema_version(con)
    state = snapshot(con)
    n_versions = con.execute("SELECT count(*) FROM schema_version").fetchone()[0]
    assert db.migrate(con) == version
    assert db.migrate(con) == version
    assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == n_versions
    assert snapshot(con) == state


def test_keys_survive_reopening(tiny):
    """After the database is closed and opened again, the key sequence still fills new households
    with larger keys, and the app keeps the keys of new visits."""
    con, path = tiny
    top = max(hids(con).values())
    con.close()
    con = db.connect(path)
    try:
        con.execute("INSERT INTO households (code, head_name, grid_code) VALUES ('H12', '后户', ?)", [G111])
        assert hids(con)["H12"] > top
        add_visit(con, "H12", "S1", D(2026, 11, 21))
        assert_last_home_consistent(con)
        assert last_home(con)["H12"] == D(2026, 11, 21)
    finally:
        con.close()


@pytest.mark.skipif(
    on_postgres(),
    reason="DuckDB's write-ahead log replay (duckdb/duckdb#18259); PostgreSQL "
    "replays its own WAL and its DDL is transactional",
)
@pytest.mark.parametrize("start", ["fresh", "schema 3"])
def test_migrated_database_survives_a_crash(tmp_path, start):
    """A database migrated to 0004 opens again even if the process died before a checkpoint
    (simulated by disabling the checkpoint at shutdown)."""
    path = tmp_path / "crash.duckdb"
    if start == "schema 3":
        old = duckdb.connect(str(path))
        old.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        for version, f in db.migrations():
            if version <= 3:
                old.execute(f.read_text(encoding="utf-8"))
                old.execute("INSERT INTO schema_version (version) VALUES (?)", [version])
        old.execute("INSERT INTO households (code, head_name) VALUES ('A1', '甲')")
        old.execute("INSERT INTO visits (household_code, staff_id, visited_on) VALUES ('A1', 'S1', DATE '2026-01-05')")
        old.close()  # a clean close: checkpointed
    con = db.connect(path)  # migrates
    con.execute("PRAGMA disable_checkpoint_on_shutdown")  # as if the process were killed now
    con.close()
    con = db.connect(path)
    try:
        assert db.schema_version(con) >= 4
        assert_last_home_consistent(con)
    finally:
        con.close()


# ----------------------------------------------------------------------------- 6. the reports


@pytest.fixture(scope="module")
def reports_world(tiny_template, tmp_path_factory):
    """The tiny world plus visits around the new year (every kind), read by the report tests."""
    from tests import stores

    path = stores.copy_db(tiny_template, tmp_path_factory.mktemp("keys"), "keys")
    con = db.connect(path)
    for code, staff, day, kind in [
        ("H01", "S1", D(2025, 12, 20), "home"),  # H01's last home visit is 2026-11-22
        ("H04", "S2", D(2025, 12, 31), "home"),
        ("H06", "S2", D(2026, 1, 2), "home"),
        ("H08", "S3", D(2025, 12, 15), "phone"),
        ("H09", "S3", D(2026, 1, 31), "home"),
        ("H05", "S2", D(2026, 1, 15), "meeting"),
        ("H03", "S1", D(2026, 1, 3), "home"),  # moved: never counted
        ("H10", "S2", D(2026, 1, 4), "home"),  # unassigned: in no area
    ]:
        add_visit(con, code, staff, day, kind)
    assert_last_home_consistent(con)
    yield con
    con.close()
    stores.drop_db(path)


RANGES = [
    (D(2026, 1, 1), D(2026, 12, 31)),
    (D(2026, 11, 16), D(2026, 11, 22)),  # week 47
    (D(2025, 12, 1), D(2026, 1, 31)),  # across the new year
    (D(2025, 12, 31), D(2026, 1, 1)),
    (D(2026, 11, 23), D(2026, 11, 23)),  # a single day
    (D(2024, 1, 1), D(2024, 12, 31)),  # no visits at all
    (D(2026, 3, 1), D(2026, 12, 31)),  # from H09's last home visit on (PostgreSQL: whole month tallies)
    (D(2026, 3, 2), D(2026, 12, 31)),  # from the day after it: its month's tally less H09
]
KINDS = [("home",), ("home", "phone"), ("phone", "meeting", "reception"), ("home", "phone", "meeting", "reception")]


@pytest.mark.parametrize("level", ["county", "township", "village", "grid"])
def test_coverage_matches_reference(reports_world, level):
    """Coverage by bitmap over hid counts the same households as a plain join on codes."""
    con = reports_world
    for date_from, date_to in RANGES:
        for kinds in KINDS:
            assert got_coverage(con, level, date_from, date_to, kinds) == ref_coverage(
                con, level, date_from, date_to, kinds
            ), (date_from, date_to, kinds)


def test_coverage_known_answers(reports_world):
    """A few coverage numbers worked out by hand, so the reference itself is checked."""
    con = reports_world
    grid = {r[0]: r[1:] for r in got_coverage(con, "grid", D(2025, 12, 1), D(2026, 1, 31))}
    # G111: H01 (2025-12-20) of H01, H02 (H03 moved); G112: H04 of H04, H05 (H05 only a meeting);
    # G121: H06 of H06, H07; G211: H09 (2026-01-31) of H08, H09 (H08 only a phone visit); G212 empty
    assert grid == {G111: (2, 1), "500100001201-W02": (2, 1), "500100001202-W01": (2, 1), G211: (2, 1), G212: (0, 0)}
    county = got_coverage(con, "county", D(2026, 11, 16), D(2026, 11, 22))
    assert county == [(COUNTY, 8, 5)]  # H01 H02 H04 H05 H06 home; H07 phone, H08 outside, H09 before


AS_OFS = [
    D(2026, 11, 22),  # today: H08's last home visit (11-23) is after it
    D(2026, 11, 17),  # before H01's, H02's and H08's last visits
    D(2026, 3, 1),  # H09's last home visit day
    D(2026, 1, 1),  # across the new year: H01 re-read back to 2025-12-20
    D(2025, 12, 31),
    D(2025, 6, 1),  # before every visit
    D(2027, 6, 1),  # after every visit
]


@pytest.mark.parametrize("area", [COUNTY, T1, T2, V11, V21, G111, G211, G212])
def test_unvisited_matches_reference(reports_world, area):
    """Unvisited (households.last_home_on, re-reading visits only for a look into the past) lists the same
    households, last visits and days as a plain scan of the home visits up to as_of."""
    con = reports_world
    for as_of in AS_OFS:
        for days in (1, 2, 5, 30, 182, 400):
            assert got_unvisited(con, area, as_of, days) == ref_unvisited(con, area, as_of, days), (as_of, days)


def test_unvisited_known_answers(reports_world):
    """Looking back before a household's last home visit finds its earlier one."""
    con = reports_world
    got = {r[0]: r[1:] for r in got_unvisited(con, V11, D(2026, 1, 10), 1)}
    # H01's last home visit is 2026-11-22, but as of 2026-01-10 it was 2025-12-20
    assert got["H01"] == (D(2025, 12, 20), 21)
    assert got["H04"] == (D(2025, 12, 31), 10)
    assert got["H02"] == (None, None) and got["H05"] == (None, None)
    assert "H03" not in got  # moved
    # as of today H01 was visited today: not due even for days = 1
    assert "H01" not in {r[0] for r in got_unvisited(con, V11, TODAY, 1)}


def test_coverage_with_gaps_in_keys(tiny, tmp_path):
    """Coverage stays right when the keys have gaps (re-imports draw from the sequence) and the
    household with the largest key — the last bit of the bitmap — is the visited one."""
    con, _ = tiny
    from tests.factories import HOUSEHOLDS

    for i in range(3):  # every household renamed and re-imported, three times
        rows = [(c, f"{n}{i}", p, lon, lat, tags, st) for c, n, p, lon, lat, tags, st in HOUSEHOLDS]
        assert load(con, "households", write_csv(tmp_path / f"hh{i}.csv", HOUSEHOLD_HEADER, rows)).updated == 10
    con.execute("SELECT nextval('households_hid_seq') FROM generate_series(1, 5)").fetchall()  # gaps for sure
    load(
        con,
        "households",
        write_csv(tmp_path / "new.csv", HOUSEHOLD_HEADER, [("H11", "东户", "", 107.35, 30.1, "", "在册")]),
    )  # in G212
    keys = hids(con)
    assert keys["H11"] == max(keys.values()) > len(keys) + 4
    assert_last_home_consistent(con)

    def g212(date_from, date_to, kinds=("home",)):
        return [r for r in got_coverage(con, "grid", date_from, date_to, kinds) if r[0] == G212]

    assert g212(D(2026, 11, 1), D(2026, 11, 30)) == [(G212, 1, 0)]
    add_visit(con, "H11", "S3", D(2026, 11, 20))
    assert_last_home_consistent(con)
    assert g212(D(2026, 11, 1), D(2026, 11, 30)) == [(G212, 1, 1)]
    assert g212(D(2026, 11, 21), D(2026, 11, 30)) == [(G212, 1, 0)]
    assert reports.coverage(con, "grid", D(2026, 11, 1), D(2026, 11, 30)).set_index("code").loc[G212, "coverage"] == 1.0
    for level in ("county", "township", "village", "grid"):
        for date_from, date_to in RANGES:
            assert got_coverage(con, level, date_from, date_to) == ref_coverage(con, level, date_from, date_to)
    assert got_unvisited(con, G212, TODAY, 182) == []
    assert got_unvisited(con, G212, D(2026, 11, 19), 182) == [("H11", None, None)]


def test_coverage_only_the_largest_key_visited(tiny):
    """The bitmap's last bit alone: only the household with the largest key has a visit in range."""
    con, _ = tiny
    code = con.execute("SELECT code FROM households ORDER BY hid DESC LIMIT 1").fetchone()[0]
    # make sure it counts somewhere (H10, the last imported, lies outside the county)
    con.execute("UPDATE households SET grid_code = ?, status = 'active' WHERE code = ?", [G212, code])
    add_visit(con, code, "S3", D(2024, 5, 5))
    may = (D(2024, 5, 1), D(2024, 5, 31))
    rows = got_coverage(con, "grid", *may)
    assert rows == ref_coverage(con, "grid", *may)
    assert [r for r in rows if r[2]] == [(G212, 1, 1)]
    county = got_coverage(con, "county", *may)
    assert county == ref_coverage(con, "county", *may) and county[0][2] == 1
