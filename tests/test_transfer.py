"""store/transfer.py (``manage.py copy-to``): the tiny world's DuckDB file copied into PostgreSQL the
bulk-load way — tables emptied and their indexes and keys dropped, rows copied with FREEZE, the
indexes and keys built again — gives every row as it is, a schema identical to a freshly migrated
one, migration 0013's tallies as its triggers keep them, migration 0018's visited days as a recount
gives them and migration 0029's weekly tallies per staff member what quota_visits gives; a copy that
fails half-way leaves the database as it was. (The reports read the same on both stores afterwards:
test_postgres.py's copy-to test.)"""

from __future__ import annotations

import datetime as dt

import pytest

from store import db
from store import transfer
from store.transfer import copy_store
from tests import factories as F
from tests.factories import G211

pytestmark = pytest.mark.skipif(
    not F.on_postgres(),
    reason="PostgreSQL only: the copy's target is a "
    "PostgreSQL store; runs in the PostgreSQL round (LIANXIN_TEST_STORE=postgres, "
    "scripts/test.sh)",
)

# every index, key constraint and trigger of the schema, with its definition (and whether enabled)
SCHEMA = """
SELECT 'index', tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL
SELECT 'constraint', CAST(CAST(conrelid AS regclass) AS VARCHAR), conname || ' ' || pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = CAST('public' AS regnamespace)
UNION ALL
SELECT 'trigger', CAST(CAST(tgrelid AS regclass) AS VARCHAR), tgname || ' ' || CAST(tgenabled AS VARCHAR)
FROM pg_trigger WHERE NOT tgisinternal
ORDER BY 1, 2, 3
"""


def schema(con) -> list[tuple]:
    return con.execute(SCHEMA).fetchall()


def tables(duck) -> dict[str, list[str]]:
    """The DuckDB store's tables (those the copy moves) and their columns."""
    names = [
        r[0]
        for r in duck.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "'main' AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'"
        ).fetchall()
    ]
    return {
        t: [
            r[0]
            for r in duck.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "AND table_schema = 'main' ORDER BY ordinal_position",
                [t],
            ).fetchall()
        ]
        for t in names
    }


def rows(con, table: str, columns: list[str]) -> list[tuple]:
    """Every row of a table, comparable across the two stores (bytes for blobs, sorted by their text)."""
    names = ", ".join(f'"{c}"' for c in columns)
    got = [
        tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)
        for r in con.execute(f'SELECT {names} FROM "{table}"').fetchall()
    ]
    return sorted(got, key=repr)


def test_the_copy_holds_every_row_and_the_migrated_schema(tmp_path, monkeypatch):
    # the visited days read four households at a time: the tiny world's ten in three slices
    monkeypatch.setattr(transfer, "DAYS_SLICE", 4)
    duck = F.build(tmp_path / "tiny.duckdb")
    # phone calls to H09 on three days running, a day off, one more (and a second call on one day)
    for staff, day in (("S3", 2), ("S3", 3), ("S1", 3), ("S3", 4), ("S3", 6)):
        F.add_visit(duck, "H09", staff, dt.date(2026, 11, day), kind="phone")
    # what the CSV and PostgreSQL's text of an array must carry as it is: quotes, a backslash, a
    # comma, a newline, a NULL element, an empty string (not NULL) in a list and in a text column
    duck.execute(
        "UPDATE households SET tags = ?, address = ?, phone = '' WHERE code = 'H01'",
        [['say "hi"', "back\\slash", "a, b", "", None, "NULL"], 'line one\nline "two", \\ three'],
    )
    fresh = db.connect(F.new_db(tmp_path, "fresh"))  # migrated, never loaded
    pg = db.connect(F.new_db(tmp_path, "moved"))
    try:
        out = copy_store(duck, pg)
        moved = tables(duck)
        assert out["households"] == 10 and out["visits"] > 0 and len(moved) > 10
        for table, columns in moved.items():
            assert rows(pg, table, columns) == rows(duck, table, columns), table
        # the indexes and keys built again from their own definitions, the triggers on
        assert schema(pg) == schema(fresh)
        assert ("trigger", "households", "household_tallies_insert O") in schema(pg)
        # the tallies are what migration 0013's triggers give: a recount of the households
        assert pg.execute("SELECT count(*) FROM household_tallies WHERE households <> 0").fetchone()[0] == 6
        F.assert_tallies_recount(pg)
        # migration 0018's visited days: copied with the households from the file's visits (the
        # visits' insert trigger off meanwhile, and on again: schema above), what a recount of each
        # household's visits gives; days running are one range
        assert pg.execute("SELECT count(*) FROM households WHERE home_days IS NOT NULL").fetchone()[0] > 0
        assert pg.execute("SELECT CAST(phone_days AS VARCHAR) FROM households WHERE code = 'H09'").fetchone() == (
            "{[2026-11-02,2026-11-05),[2026-11-06,2026-11-07)}",
        )
        F.assert_visit_days_recount(pg)
        # migration 0029's weekly tallies per staff member: filled once after the copy (their
        # triggers off meanwhile, and on again), what quota_visits gives for every week
        assert ("trigger", "visits", "visit_week_tallies_insert O") in schema(pg)
        assert ("trigger", "households", "household_week_tallies_update O") in schema(pg)
        assert pg.execute(
            "SELECT visits, households FROM staff_week_tallies WHERE staff_id = 'S1' AND week_start = ?",
            [dt.date(2026, 11, 16)],
        ).fetchone() == (3, 2)
        F.assert_week_tallies_recount(pg)
        # copied with FREEZE and vacuumed: every page of the big tables visible to all (index-only scans)
        pages = pg.execute(
            "SELECT relname, relpages, relallvisible FROM pg_class WHERE relname IN "
            "('households', 'visits') ORDER BY relname"
        ).fetchall()
        assert [(r[0], r[1] == r[2] > 0) for r in pages] == [("households", True), ("visits", True)]
        # the households in the order of their grids (copied in that order)
        order = [(r[0] is None, r[0]) for r in pg.execute("SELECT grid_code FROM households ORDER BY ctid").fetchall()]
        assert order == sorted(order)
        # the sequences past the copied keys: the next visit gets a new id, and the triggers keep counting
        top = pg.execute("SELECT max(id) FROM visits").fetchone()[0]
        F.add_visit(pg, "H09", "S3", dt.date(2026, 11, 20))
        assert (
            pg.execute(
                "SELECT id FROM visits WHERE household_code = 'H09' AND visited_on = ?", [dt.date(2026, 11, 20)]
            ).fetchone()[0]
            > top
        )
        assert (
            pg.execute(
                "SELECT households FROM household_tallies WHERE grid_code = ? AND month = ?",
                [G211, dt.date(2026, 11, 1)],
            ).fetchone()[0]
            == 2
        )
        F.assert_tallies_recount(pg)
        F.assert_visit_days_recount(pg)
        assert pg.execute(
            "SELECT visits, days FROM staff_week_tallies WHERE staff_id = 'S3' AND week_start = ?",
            [dt.date(2026, 11, 16)],
        ).fetchone() == (1, 1 << 4)  # the Friday
    finally:
        for con in (duck, fresh, pg):
            con.close()


def test_a_copy_that_fails_half_way_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    duck = F.build(tmp_path / "tiny.duckdb")
    pg = db.connect(F.new_db(tmp_path, "target"))
    before = schema(pg)
    rules = pg.execute("SELECT count(*) FROM rules").fetchone()[0]
    copy = type(pg).copy_csv

    def copy_until_visits(self, statement, path):  # a psycopg.sql.Composable
        if '"visits"' in statement.as_string():
            raise RuntimeError("connection lost during the copy of the visits")
        return copy(self, statement, path)

    monkeypatch.setattr(type(pg), "copy_csv", copy_until_visits)
    try:
        with pytest.raises(RuntimeError, match="visits"):
            copy_store(duck, pg)
        # households were copied (and their indexes dropped) before the failure: all of it undone
        assert pg.execute("SELECT count(*) FROM households").fetchone()[0] == 0
        assert pg.execute("SELECT count(*) FROM household_tallies").fetchone()[0] == 0
        assert pg.execute("SELECT count(*) FROM rules").fetchone()[0] == rules > 0
        assert schema(pg) == before
    finally:
        duck.close()
        pg.close()
