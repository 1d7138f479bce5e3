"""Coverage of a past range or of other kinds of visit, on tiny worlds whose answers are known.

On PostgreSQL each household's visited days per kind of visit are kept on the household by
triggers on visits (migration 0018: ``households.home_days`` … ``reception_days``), and
``coverage__postgres`` reads them instead of the range's visits; on DuckDB coverage marks the
range's visits in a bitmap. Both stores must give the same, known answers over ranges that cross
week and month edges, and on PostgreSQL the kept days must stay a recount of the visits after every
kind of statement, a rollback, and two writers of one household at once
(:func:`tests.factories.assert_visit_days_recount`). The app's own writers (record, edit, delete,
import, several at once) are checked in tests/test_household_keys.py.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from analytics import reports
from store import db
from tests import factories as F
from tests.factories import G111, G112, G121, G211, G212, T1, V11, V12, V21, add_visit
from tests.test_household_keys import ref_coverage

D = dt.date
# Week 2026-W27 is Mon 2026-06-29 … Sun 2026-07-05: it crosses the end of June. The tiny world's
# own visits are in March and November, and its newest home visit (2026-11-23) lies after every
# range here, so no range's answer can come from the last home visits alone.
SUMMER = [
    ("H01", "S1", D(2026, 6, 30), "home"),
    ("H02", "S1", D(2026, 7, 1), "phone"),
    ("H04", "S2", D(2026, 6, 28), "meeting"),  # the Sunday before W27
    ("H05", "S2", D(2026, 6, 29), "home"),
    ("H05", "S2", D(2026, 6, 29), "phone"),  # the same day, another kind
    ("H06", "S2", D(2026, 7, 31), "reception"),
    ("H07", "S2", D(2026, 8, 1), "home"),  # the first day of August
    ("H08", "S3", D(2026, 6, 30), "phone"),
    ("H03", "S1", D(2026, 6, 30), "home"),  # moved: never counted
    ("H10", "S2", D(2026, 6, 30), "phone"),  # unassigned: in no area
]
ALL = ("home", "phone", "meeting", "reception")
W27 = (D(2026, 6, 29), D(2026, 7, 5))

# (range, kinds) → visited households per grid; every grid has 2 active households but G212 (none)
KNOWN = [
    (W27, ("home",), {G111: 1, G112: 1}),  # H01, H05
    (W27, ("phone",), {G111: 1, G112: 1, G211: 1}),  # H02, H05, H08
    (W27, ALL, {G111: 2, G112: 1, G211: 1}),  # H04's meeting was the day before
    ((D(2026, 6, 1), D(2026, 6, 30)), ("meeting", "reception"), {G112: 1}),  # H04
    ((D(2026, 7, 1), D(2026, 7, 31)), ("reception",), {G121: 1}),  # H06 on the month's last day
    ((D(2026, 7, 31), D(2026, 8, 1)), ("home", "reception"), {G121: 2}),  # H06, H07 across the month
    ((D(2026, 7, 2), D(2026, 7, 30)), ALL, {}),  # between visits
    # Home visits alone in ranges ending in November, before the newest home visit: H01 last visited
    # 11-22, the day after the range, and H08 11-23 — H01 was visited in it too (11-16), H08 not (11-15)
    ((D(2026, 11, 16), D(2026, 11, 21)), ("home",), {G111: 2, G112: 2, G121: 1}),  # H01 H02, H04 H05, H06
    # H07 last visited 08-01, in the range's first month but the day before it: not counted; H08's
    # 11-15 and H01's 11-16 are in it, though both were visited again after it
    ((D(2026, 8, 2), D(2026, 11, 16)), ("home",), {G111: 1, G211: 1}),  # H01, H08
    ((D(2026, 8, 1), D(2026, 11, 16)), ("home",), {G111: 1, G121: 1, G211: 1}),  # H01, H07 (its first day), H08
]


# Ranges ending on or after the newest visit (H08's home visit of 2026-11-23): on PostgreSQL each
# household's last day per kind decides (migration 0020: ``households.home_last_on`` …), the first
# day of the range included; the tiny world's own visits of November count here too.
KNOWN_TO_NEWEST = [
    ((D(2026, 6, 30), D(2026, 11, 23)), ("phone",), {G111: 1, G121: 1, G211: 1}),  # H02, H07, H08 (H05: 6-29)
    ((D(2026, 7, 1), D(2026, 12, 31)), ("meeting", "reception"), {G111: 1, G121: 1}),  # H02, H06 (H04: 6-28)
    ((D(2026, 11, 23), D(2026, 11, 23)), ALL, {G211: 1}),  # H08, on the range's only day
    ((D(2026, 11, 20), D(2026, 11, 30)), ("home", "reception"), {G111: 2, G211: 1}),  # H01, H02 on 11-20, H08
    ((D(2026, 11, 24), D(2027, 1, 31)), ALL, {}),  # after every visit
    # one kind alone other than home (on PostgreSQL an index range of that kind's last days, migration
    # 0023; the households from the grids' tallies)
    ((D(2026, 6, 28), D(2026, 11, 30)), ("meeting",), {G112: 1}),  # H04, on the range's first day
    ((D(2026, 11, 20), D(2026, 11, 30)), ("reception",), {G111: 1}),  # H02 (H06's 07-31 is before)
    ((D(2026, 11, 24), D(2026, 12, 31)), ("phone",), {}),  # after every phone visit
    # home visits with other kinds, every grid shown (on PostgreSQL the grids' tallies of last home
    # days, the rest of the first month's last home days, then the other kinds' households not
    # visited at home since the range's first day: migration 0024). H02 last visited at home on the
    # range's first day, H04 H05 H06 the day before (same month: not counted); H07 by phone only
    # (its last home visit in August)
    ((D(2026, 11, 18), D(2026, 11, 30)), ("home", "phone"), {G111: 2, G121: 1, G211: 1}),
    # the first day in October: every November home visit counts, H07 by its phone visit
    ((D(2026, 10, 15), D(2026, 11, 30)), ("home", "phone"), {G111: 2, G112: 2, G121: 2, G211: 1}),
    # H05 by phone and at home on 06-29, H07 by phone in November and at home in August: once each
    ((D(2026, 6, 29), D(2026, 11, 30)), ("phone", "home"), {G111: 2, G112: 2, G121: 2, G211: 1}),
    # H02 at a reception on 11-20 but last at home on 11-18, before the range
    ((D(2026, 11, 19), D(2026, 11, 30)), ("home", "meeting", "reception"), {G111: 2, G211: 1}),
]


def expected_per_grid(visited: dict[str, int]) -> dict[str, tuple[int, int]]:
    """(active households, visited) of every grid of the tiny world, given the visited ones: each grid
    has 2 active households but G212 (none)."""
    return {g: (0 if g == G212 else 2, visited.get(g, 0)) for g in (G111, G112, G121, G211, G212)}


def visited_per_grid(con, date_from: dt.date, date_to: dt.date, kinds) -> dict[str, tuple[int, int]]:
    out = reports.coverage(con, "grid", date_from, date_to, kinds=kinds)
    return {r.code: (int(r.households), int(r.visited)) for r in out.itertuples()}


@pytest.fixture(scope="module")
def summer(tiny_template, tmp_path_factory):
    """The tiny world plus visits of every kind around the end of June 2026."""
    from tests import stores

    path = stores.copy_db(tiny_template, tmp_path_factory.mktemp("days"), "days")
    con = db.connect(path)
    for visit in SUMMER:
        add_visit(con, *visit)
    yield con
    con.close()
    stores.drop_db(path)


# Home visits alone over a past range with every area shown, counted on PostgreSQL in three ways
# (queries/reports.sql, coverage__postgres), each forced by its share: (gaps, runs) shares.
PAST_HOME_WAYS = {
    "gaps": (1.0, -1.0),  # the households not visited, from the gaps containing the range (0030)
    "runs": (-1.0, 1.0),  # the households visited, from the gaps ending in the range (0031)
    "days": (-1.0, -1.0),  # every household's days (0018)
}


def force_past_home_way(monkeypatch, way: str) -> None:
    """Make coverage__postgres count home visits over a past range one way: a share of 1 uses the
    way whenever every area is shown (the tiny worlds have no household in the estimates' sample,
    hid a multiple of 32: the estimate is 0), -1 never. DuckDB has one way; its answers must be the
    same."""
    gaps, runs = PAST_HOME_WAYS[way]
    monkeypatch.setattr(reports, "PAST_HOME_GAPS_SHARE", gaps)
    monkeypatch.setattr(reports, "PAST_HOME_RUNS_SHARE", runs)


@pytest.fixture(params=list(PAST_HOME_WAYS))
def past_home_way(request, monkeypatch):
    """Each way of counting home visits over a past range on PostgreSQL (:func:`force_past_home_way`)."""
    force_past_home_way(monkeypatch, request.param)
    return request.param


@pytest.mark.parametrize("known", KNOWN, ids=lambda k: f"{k[0][0]}..{k[0][1]} {'+'.join(k[1])}")
def test_coverage_of_past_ranges_known_answers(summer, known, past_home_way):
    (date_from, date_to), kinds, visited = known
    got = visited_per_grid(summer, date_from, date_to, kinds)
    assert got == expected_per_grid(visited)


@pytest.mark.parametrize("known", KNOWN, ids=lambda k: f"{k[0][0]}..{k[0][1]} {'+'.join(k[1])}")
def test_past_ranges_of_a_few_areas_known_answers(summer, known):
    """The same past ranges for one village's grids (a parent) and for one township's (a scope): on
    PostgreSQL each grid's households' days, grid by grid — the ways of the whole county (0030–0032)
    are for every area shown."""
    (date_from, date_to), kinds, visited = known
    expect = expected_per_grid(visited)

    def rows(**where):
        out = reports.coverage(summer, "grid", date_from, date_to, kinds=kinds, **where)
        return {r.code: (int(r.households), int(r.visited)) for r in out.itertuples()}

    for parent, grids in ((V11, (G111, G112)), (V12, (G121,)), (V21, (G211, G212))):
        assert rows(parent=parent) == {g: expect[g] for g in grids}
    assert rows(scope=[T1]) == {g: expect[g] for g in (G111, G112, G121)}


@pytest.mark.parametrize("known", KNOWN_TO_NEWEST, ids=lambda k: f"{k[0][0]}..{k[0][1]} {'+'.join(k[1])}")
def test_coverage_of_ranges_to_the_newest_visit_known_answers(summer, known):
    (date_from, date_to), kinds, visited = known
    got = visited_per_grid(summer, date_from, date_to, kinds)
    assert got == expected_per_grid(visited)


def test_the_days_kept_are_the_visits(summer):
    """PostgreSQL keeps each household's days per kind (a recount of its visits); the townships'
    coverage of W27 over every kind agrees with the plain reference on both stores."""
    F.assert_visit_days_recount(summer)
    for level in ("county", "township", "village", "grid"):
        got = reports.coverage(summer, level, *W27, kinds=ALL)
        assert [(r.code, int(r.households), int(r.visited)) for r in got.itertuples()] == ref_coverage(
            summer, level, *W27, ALL
        )
    if F.on_postgres():
        days = summer.execute("SELECT home_days::text, phone_days::text FROM households WHERE code = 'H05'").fetchone()
        assert days == ("{[2026-06-29,2026-06-30),[2026-11-17,2026-11-18)}", "{[2026-06-29,2026-06-30)}")


def test_plain_statements_and_a_rollback_keep_the_days(tiny, past_home_way):
    """Visits written by any statement — several rows at once, a day or kind or household changed, a
    note changed, deleted — and a rolled-back write leave the coverage right and (PostgreSQL) the
    kept days a recount."""
    con, _ = tiny
    hid = dict(con.execute("SELECT code, hid FROM households").fetchall())
    con.execute(
        "INSERT INTO visits (household_code, staff_id, visited_on, kind, hid) VALUES "
        "('H04', 'S2', DATE '2026-06-30', 'phone', ?), ('H04', 'S2', DATE '2026-07-01', 'phone', ?), "
        "('H06', 'S2', DATE '2026-07-01', 'meeting', ?)",
        [hid["H04"], hid["H04"], hid["H06"]],
    )
    F.assert_visit_days_recount(con)
    assert visited_per_grid(con, *W27, ("phone",))[G112] == (2, 1)
    con.execute("UPDATE visits SET kind = 'home' WHERE household_code = 'H06' AND kind = 'meeting'")
    con.execute("UPDATE visits SET visited_on = visited_on + 6 WHERE household_code = 'H04' AND kind = 'phone'")
    F.assert_visit_days_recount(con)
    assert visited_per_grid(con, *W27, ("phone",))[G112] == (2, 0)  # both moved a week later
    assert visited_per_grid(con, *W27, ("home",))[G121] == (2, 1)  # H06's meeting became a home visit
    con.execute(
        "UPDATE visits SET household_code = 'H07', hid = ? "
        "WHERE household_code = 'H06' AND visited_on = DATE '2026-07-01'",
        [hid["H07"]],
    )
    con.execute("UPDATE visits SET note = '改了备注' WHERE household_code = 'H04'")
    F.assert_visit_days_recount(con)
    assert visited_per_grid(con, *W27, ("home",))[G121] == (2, 1)  # H07's now
    with pytest.raises(RuntimeError):
        with db.transaction(con):
            con.execute("DELETE FROM visits WHERE household_code IN ('H04', 'H07')")
            raise RuntimeError("rolled back")
    F.assert_visit_days_recount(con)
    assert visited_per_grid(con, D(2026, 6, 1), D(2026, 7, 31), ALL)[G121] == (2, 1)
    con.execute("DELETE FROM visits WHERE household_code IN ('H04', 'H07')")
    F.assert_visit_days_recount(con)
    assert visited_per_grid(con, D(2026, 6, 1), D(2026, 7, 31), ALL) == {
        G111: (2, 0),
        G112: (2, 0),
        G121: (2, 0),
        G211: (2, 0),
        G212: (0, 0),
    }


# Home visits in September, on days next to each other, and past ranges starting on them (all end
# before the tiny world's newest visit): H04 on 09-14, 09-15 and 09-16 — a run of days across the
# start of a range starting on 09-15 or 09-16, where no gap between its home visits ends in the range
# (0031 counts it from the visits of the range's first day and the day before); H05 on 09-16 (the gap
# before it ends on the first day of a range starting then); H01 on 09-20 (a range's last day).
SEPTEMBER = [("H04", D(2026, 9, 14)), ("H04", D(2026, 9, 15)), ("H04", D(2026, 9, 16)), ("H05", D(2026, 9, 16))]
SEPTEMBER += [("H01", D(2026, 9, 20))]
SEPTEMBER_KNOWN = [
    ((D(2026, 9, 15), D(2026, 9, 20)), {G111: 1, G112: 2}),  # H01 on the last day; H04 across; H05
    ((D(2026, 9, 16), D(2026, 9, 16)), {G112: 2}),  # H04 across the start, H05 on it
    ((D(2026, 9, 14), D(2026, 9, 14)), {G112: 1}),  # H04's first day: the gap before it ends there
    ((D(2026, 9, 17), D(2026, 9, 19)), {}),  # after H04's run and H05, before H01
    ((D(2026, 9, 17), D(2026, 9, 20)), {G111: 1}),  # H01
]


def test_home_visits_on_days_next_to_each_other_across_a_range_start(tiny, past_home_way):
    """Home visits on following days, and ranges starting, ending and falling between them: the
    known households visited, every way on PostgreSQL, and the plain reference's."""
    con, _ = tiny
    for code, day in SEPTEMBER:
        add_visit(con, code, "S2", day, "home")
    F.assert_visit_days_recount(con)
    for (date_from, date_to), visited in SEPTEMBER_KNOWN:
        got = visited_per_grid(con, date_from, date_to, ("home",))
        assert got == expected_per_grid(visited)
        assert [(g, n, v) for g, (n, v) in sorted(got.items())] == ref_coverage(con, "grid", date_from, date_to)


# ranges ending before the newest home visit (H08's, 2026-11-23), home visits alone: one long, one
# short, one of a single day, one before every visit
PAST_HOME = [
    (D(2026, 1, 1), D(2026, 11, 22)),
    (D(2026, 11, 16), D(2026, 11, 21)),
    (D(2026, 11, 22), D(2026, 11, 22)),
    (D(2020, 1, 1), D(2020, 12, 31)),
]


def test_households_going_inactive_or_moving_keep_past_home_coverage(tiny, past_home_way):
    """A household going inactive, one moving to another grid, one coming back active and one added
    (with a visit) change the coverage of home visits over past ranges as the plain reference does,
    every way on PostgreSQL, and (PostgreSQL) the kept gaps between home visits stay a recount."""
    con, _ = tiny

    def check():
        F.assert_visit_days_recount(con)
        for date_from, date_to in PAST_HOME:
            for level in ("grid", "village"):
                got = reports.coverage(con, level, date_from, date_to)
                assert [(r.code, int(r.households), int(r.visited)) for r in got.itertuples()] == ref_coverage(
                    con, level, date_from, date_to
                )

    check()
    before = visited_per_grid(con, *PAST_HOME[0], ("home",))
    con.execute("UPDATE households SET status = 'closed' WHERE code = 'H01'")
    check()
    assert visited_per_grid(con, *PAST_HOME[0], ("home",))[G111] == (before[G111][0] - 1, before[G111][1] - 1)
    con.execute("UPDATE households SET grid_code = ? WHERE code = 'H02'", [G212])
    check()
    assert visited_per_grid(con, *PAST_HOME[0], ("home",))[G212] == (1, 1)  # H02 with its visits
    con.execute("UPDATE households SET status = 'active' WHERE code = 'H03'")
    check()
    con.execute(
        "INSERT INTO households (code, head_name, grid_code, status) VALUES ('H99', '新户', ?, 'active')", [G212]
    )
    check()
    assert visited_per_grid(con, *PAST_HOME[0], ("home",))[G212] == (2, 1)  # H99 never visited
    add_visit(con, "H99", "S3", D(2026, 5, 5), "home")
    check()
    assert visited_per_grid(con, *PAST_HOME[0], ("home",))[G212] == (2, 2)
    assert visited_per_grid(con, D(2026, 5, 5), D(2026, 11, 15), ("home",))[G212] == (2, 1)  # H99, not H02 (11-18)
    con.execute("DELETE FROM visits WHERE household_code = 'H99'")
    con.execute("DELETE FROM households WHERE code = 'H99'")
    check()


WRITES = {
    "insert": "INSERT INTO visits (household_code, staff_id, visited_on, kind, hid) "
    "SELECT 'H01', 'S1', DATE '2026-06-30', 'phone', hid FROM households WHERE code = 'H01'",
    "delete": "DELETE FROM visits WHERE household_code = 'H01' AND visited_on = DATE '2026-11-16'",
    "edit": "UPDATE visits SET visited_on = DATE '2026-07-01' WHERE household_code = 'H01' "
    "AND visited_on = DATE '2026-11-22'",
}


@F.SEVERAL_WRITERS
@pytest.mark.parametrize(
    ("first_write", "second_write"),
    [("insert", "delete"), ("delete", "insert"), ("insert", "edit"), ("edit", "insert")],
)
def test_two_writers_of_one_household_at_once(tiny, first_write, second_write):
    """Two transactions writing visits of H01 at once, the first committing only after the second
    waits for it: H01's kept days are a recount of both (a recount that read the visits before
    taking H01's row would miss the other's visit)."""
    con, url = tiny
    F.write_while_held(con, url, lambda c: c.execute(WRITES[first_write]), lambda c: c.execute(WRITES[second_write]))
    F.assert_visit_days_recount(con)
    days = con.execute("SELECT home_days::text, phone_days::text FROM households WHERE code = 'H01'").fetchone()
    home = {
        "delete": "{[2026-11-22,2026-11-23)}",
        "edit": "{[2026-07-01,2026-07-02),[2026-11-16,2026-11-17)}",
    }[first_write if first_write != "insert" else second_write]
    assert days == (home, "{[2026-06-30,2026-07-01)}")


MOVING = ("H01", "H02", "H04", "H05")  # two in G111, two in G112


def _visits_worker(url: str, seed: int, n: int) -> int:
    """Record or delete home and phone visits of the moving households (odd seeds record)."""
    con = db.connect(url)
    rng = random.Random(seed)
    try:
        for _ in range(n):
            code = rng.choice(MOVING)
            if seed % 2:
                add_visit(
                    con,
                    code,
                    "S1",
                    D(2026, 1, 1) + dt.timedelta(days=rng.randrange(300)),
                    rng.choice(["home", "phone"]),
                )
            else:
                con.execute(
                    "DELETE FROM visits WHERE id = "
                    "(SELECT max(id) FROM visits WHERE household_code = ? AND kind = 'home')",
                    [code],
                )
    finally:
        con.close()
    return n


def _households_worker(url: str, seed: int, n: int) -> int:
    """Close or reopen the moving households, and move them between G111 and G112."""
    con = db.connect(url)
    rng = random.Random(seed)
    try:
        for _ in range(n):
            code = rng.choice(MOVING)
            if rng.random() < 0.5:
                con.execute(
                    "UPDATE households SET status = CASE status WHEN 'active' THEN 'closed' ELSE 'active' END "
                    "WHERE code = ?",
                    [code],
                )
            else:
                con.execute(
                    "UPDATE households SET grid_code = CASE grid_code WHEN ? THEN ? ELSE ? END WHERE code = ?",
                    [G111, G112, G111, code],
                )
    finally:
        con.close()
    return n


@F.SEVERAL_WRITERS
def test_visits_and_households_written_by_several_processes_at_once(tiny, monkeypatch):
    """Two processes record and delete visits of four households while two close, reopen and move
    them: afterwards the kept days and gaps between home visits are a recount (migrations 0018,
    0030), and the past ranges' home coverage is the plain reference's, every way."""
    con, url = tiny
    jobs = [(_visits_worker, 1), (_households_worker, 2), (_visits_worker, 3), (_households_worker, 4)]
    jobs.append((_visits_worker, 6))
    assert F.in_processes(con, [(f, (str(url), seed, 25)) for f, seed in jobs]) == [25] * len(jobs)
    F.assert_visit_days_recount(con)
    for way in PAST_HOME_WAYS:
        force_past_home_way(monkeypatch, way)
        for date_from, date_to in PAST_HOME:
            got = reports.coverage(con, "grid", date_from, date_to)
            assert [(r.code, int(r.households), int(r.visited)) for r in got.itertuples()] == ref_coverage(
                con, "grid", date_from, date_to
            )


@pytest.mark.skipif(not F.on_postgres(), reason="migration 0020 writes nothing on a DuckDB file (PostgreSQL only)")
def test_migration_0020_on_a_database_in_use_vacuums_the_households_after(tiny):
    """Migration 0020 writes the households again (its generated last days): migrating a database
    that holds households fills them from the day sets and vacuums the table after, so that the
    coverage's index-only scans do not read the table's pages (autovacuum never comes to a table
    without dead rows)."""
    con, _ = tiny
    con.execute("DROP INDEX households_active_last_days")
    con.execute(
        "ALTER TABLE households DROP COLUMN home_last_on, DROP COLUMN phone_last_on, "
        "DROP COLUMN meeting_last_on, DROP COLUMN reception_last_on"
    )
    con.execute("DELETE FROM schema_version WHERE version = 20")
    con.execute("VACUUM (ANALYZE) households")
    vacuums = "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'households'"
    before = con.execute(vacuums).fetchone()[0]
    assert db.migrate(con) >= 20
    F.assert_visit_days_recount(con)  # the last days too
    # Whether that VACUUM could mark the pages visible to all depends on every other connection's
    # snapshot (the parallel tests' databases being created and dropped on the same cluster hold
    # one now and then), so the test asks that migrate vacuumed the table, not what the map became.
    assert con.execute(vacuums).fetchone()[0] == before + 1
    assert visited_per_grid(con, D(2026, 11, 20), D(2026, 11, 30), ("home", "reception")) == {
        G111: (2, 2),
        G112: (2, 0),
        G121: (2, 0),
        G211: (2, 1),
        G212: (0, 0),
    }


def t1_trend(con, kinds=("home",)) -> dict[str, int]:
    """Township T1's households visited per month of the coverage page's 12-month trend to 2026-11-26."""
    from analytics import coverage as CP

    trend = CP.monthly_trend(con, "township", F.COUNTY, D(2026, 11, 26), kinds=kinds)
    t1 = trend[trend["code"] == F.T1]
    assert set(t1["households"]) == {6}
    return {str(m.date())[:7]: int(v) for m, v in zip(t1["month"], t1["visited"]) if v}


def test_a_visit_moved_to_another_month_moves_the_trend(tiny):
    """The trend (Dec 2025 – Nov 2026) follows visits inserted, moved to another month and deleted —
    on PostgreSQL through the months kept from the day sets (migration 0022), across the turn of the
    year and with two days in a row across a month's end (one range of days, two months)."""
    con, _ = tiny
    assert t1_trend(con) == {"2026-11": 5}
    F.add_visit(con, "H04", "S2", D(2025, 12, 31))
    F.add_visit(con, "H04", "S2", D(2026, 1, 1))  # the day after: one range over two months and two years
    F.add_visit(con, "H05", "S2", D(2025, 11, 30))  # before the trend's first month: in no month
    F.assert_visit_days_recount(con)
    assert t1_trend(con) == {"2025-12": 1, "2026-01": 1, "2026-11": 5}
    con.execute(
        "UPDATE visits SET visited_on = DATE '2026-10-15' "
        "WHERE household_code = 'H04' AND visited_on = DATE '2026-01-01'"
    )
    F.assert_visit_days_recount(con)
    assert t1_trend(con) == {"2025-12": 1, "2026-10": 1, "2026-11": 5}
    con.execute("UPDATE visits SET kind = 'phone' WHERE household_code = 'H04' AND visited_on = DATE '2025-12-31'")
    F.assert_visit_days_recount(con)
    assert t1_trend(con) == {"2026-10": 1, "2026-11": 5}
    assert t1_trend(con, ("phone",)) == {"2025-12": 1, "2026-11": 1}
    con.execute("DELETE FROM visits WHERE household_code = 'H04' AND visited_on = DATE '2026-10-15'")
    F.assert_visit_days_recount(con)
    assert t1_trend(con) == {"2026-11": 5}


def test_the_trend_asks_at_most_twelve_months(tiny):
    """The PostgreSQL trend counts 12 months in one integer per household (0022): more is refused on
    both stores rather than answered differently."""
    from analytics import coverage as CP

    con, _ = tiny
    with pytest.raises(ValueError):
        CP.monthly_trend(con, "township", F.COUNTY, D(2026, 11, 26), months=13)
    assert len(CP.monthly_trend(con, "township", F.COUNTY, D(2026, 11, 26), months=3)) == 2 * 3


@pytest.mark.skipif(not F.on_postgres(), reason="migration 0022 writes nothing on a DuckDB file (PostgreSQL only)")
def test_migration_0022_on_a_database_in_use_fills_the_months(tiny):
    """Migration 0022 on a database that already holds visits fills every visited household's months
    from its day sets (not only those written after it), so the trend is right at once."""
    con, _ = tiny
    F.add_visit(con, "H04", "S2", D(2025, 12, 31))
    con.execute("DROP INDEX households_active_months")
    con.execute("DROP TRIGGER visit_months_insert ON households")
    con.execute("DROP TRIGGER visit_months_update ON households")
    con.execute(
        "ALTER TABLE households DROP COLUMN home_months, DROP COLUMN phone_months, "
        "DROP COLUMN meeting_months, DROP COLUMN reception_months"
    )
    con.execute("DROP FUNCTION visit_months_kept(), twelve_months(integer[], date), visit_months(datemultirange)")
    con.execute("DELETE FROM schema_version WHERE version = 22")
    assert db.migrate(con) >= 22
    F.assert_visit_days_recount(con)  # the months too
    assert t1_trend(con) == {"2025-12": 1, "2026-11": 5}
