"""The data's version (store/version.py, migration 0011): every kind of writer moves it forward,
reads, rollbacks and bookkeeping (sign-in, audit) do not, and it is one number for the whole store."""

from __future__ import annotations

import datetime as dt
import re

import geopandas as gpd
import pytest
import shapely

from store import db
from store import version as V
from tests import factories as F
from tests import stores

D = dt.date
TODAY = D(2026, 11, 22)


@pytest.fixture()
def world(tiny, tmp_path):
    """The tiny world (on the store the tests run on) and a folder for files."""
    return tiny[0], tmp_path


def _moved(con, work) -> int:
    """How far ``work()`` moved the version (0: not at all)."""
    before = V.current(con)
    work()
    after = V.current(con)
    assert after[0] == before[0]  # the same database
    return after[1] - before[1]


# ----------------------------------------------------------------------------- what counts as a write


@pytest.mark.parametrize(
    "text, tables",
    [
        ("SELECT 1", set()),
        ("SELECT updated_at, deleted FROM visits -- INSERT INTO nothing", set()),
        ("SELECT 'UPDATE visits SET x = 1'", set()),
        ("SELECT '--' AS dash; INSERT INTO visits SELECT 1", {"visits"}),  # a literal's -- starts no comment
        ("INSERT INTO visits SELECT 1 ON CONFLICT (id) DO UPDATE SET note = 'x'", {"visits"}),
        ("UPDATE households SET grid_code = NULL; DELETE FROM household_changes", {"households", "household_changes"}),
        ("CREATE TEMP TABLE IF NOT EXISTS t AS SELECT 1", {"t"}),
        ("INSERT INTO audit_log (x) VALUES (1)", {"audit_log"}),
    ],
)
def test_written_tables(text, tables):
    assert V.written_tables(text) == tables


def test_every_write_query_moves_but_bookkeeping():
    """Each named query that writes a figure's table moves the version; sign-in sessions, the login
    throttle and the audit log do not (a sign-in or a download keeps everybody's cache)."""
    assert V.moves("visit_insert") and V.moves("petition_set_status") and V.moves("rule_set")
    assert V.moves("households_upsert") and V.moves("areas_insert") and V.moves("grids_open_row")
    assert not V.moves("audit_insert") and not V.moves("session_insert") and not V.moves("throttle_count_failure")
    assert not V.moves("coverage_page_counts") and not V.moves("data_version")


# ----------------------------------------------------------------------------- one test per writer kind


def test_fresh_database_has_a_version_and_an_id(tmp_path):
    a = db.connect(stores.new_db(tmp_path, "a"))
    b = db.connect(stores.new_db(tmp_path, "b"))
    assert V.current(a)[1] >= 1 and V.current(a)[0] != V.current(b)[0]  # two databases, two ids
    a.close(), b.close()


def test_import_moves(world):
    con, folder = world
    csv = F.write_csv(
        folder / "v.csv", ["户编号", "工号", "走访日期", "走访方式"], [("H02", "S1", "2026-11-20", "入户")]
    )
    from ingest.tables import load

    assert _moved(con, lambda: load(con, "visits", csv, today=TODAY)) > 0
    # a dry run (the import page's preview) writes nothing and moves nothing
    csv2 = F.write_csv(
        folder / "v2.csv", ["户编号", "工号", "走访日期", "走访方式"], [("H04", "S1", "2026-11-21", "入户")]
    )
    assert _moved(con, lambda: load(con, "visits", csv2, today=TODAY, dry_run=True)) == 0


def test_boundary_import_moves(world):
    con, _ = world
    from ingest.boundaries import import_boundaries

    gdf = gpd.GeoDataFrame(
        {"code": [F.G212], "name": ["改名网格"], "parent_code": [F.V21]},
        geometry=[shapely.box(107.3, 30.0, 107.4, 30.2)],
        crs="EPSG:4326",
    )
    assert _moved(con, lambda: import_boundaries(con, None, "grid", frame=gdf, source="g.geojson")) > 0


def test_visit_form_moves(world):
    """The weekly page's add, edit and delete of a visit each move it."""
    con, _ = world
    from analytics import visits as VV
    from auth.users import User

    member = User("member", "member", [F.G211], staff_id="S3")
    assert _moved(con, lambda: VV.record_visit(con, member, "H09", D(2026, 11, 20), "home", today=TODAY)) > 0
    recent = VV.recent_visits(con, "S3", TODAY)
    vid = int(recent.loc[recent["household_code"] == "H09", "id"].iloc[0])
    assert _moved(con, lambda: VV.edit_visit(con, member, vid, today=TODAY, kind="phone")) > 0
    assert _moved(con, lambda: VV.delete_visit(con, member, vid, today=TODAY)) > 0


def test_petition_status_moves(world):
    con, _ = world
    from analytics import petitions as P

    assert _moved(con, lambda: P.change_status(con, "admin", "P2", "in_progress", D(2026, 10, 12), today=TODAY)) > 0


def test_admin_changes_move(world):
    """A rule (a target, the benchmark), an account and a grid's responsible person."""
    con, _ = world
    from analytics import grids as G
    from auth import audit, users

    assert _moved(con, lambda: audit.set_rule(con, "benchmark_coverage", 0.9)) > 0
    assert _moved(con, lambda: users.add_user(con, "office2", F.PASSWORD, "office", [F.T2])) > 0
    assert _moved(con, lambda: users.disable_user(con, "office2")) > 0
    assert _moved(con, lambda: G.reassign(con, "admin", F.G212, add_members=["S3"], effective=TODAY)) > 0


def test_demo_build_moves(tmp_path):
    """A built demo is a database of its own (another id) whose version moved past a fresh one's."""
    from demo.build import build_demo

    fresh = db.connect(stores.new_db(tmp_path, "fresh"))
    target = stores.new_db(tmp_path, "demo")
    build_demo(target, households=100)
    demo = db.connect(target)
    assert V.current(demo)[0] != V.current(fresh)[0]
    assert V.current(demo)[1] > V.current(fresh)[1] + 5
    fresh.close(), demo.close()


def test_migration_moves(tmp_path, monkeypatch):
    """Opening a database that lacks a migration applies it and moves the version."""
    import shutil

    path = stores.new_db(tmp_path, "m")
    con = db.connect(path)
    before = V.current(con)
    con.close()
    folder = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS, folder)
    (folder / "0999_later.sql").write_text("INSERT INTO meta (key, value) VALUES ('later', 'x');", encoding="utf-8")
    monkeypatch.setattr(db, "MIGRATIONS", folder)
    con = db.connect(path)
    assert db.schema_version(con) == 999
    assert V.current(con)[1] > before[1] and V.current(con)[0] == before[0]
    con.close()


# ----------------------------------------------------------------------------- what does not move it


def test_reads_rollbacks_and_bookkeeping_do_not_move(world):
    con, _ = world
    from auth import users

    assert _moved(con, lambda: db.df(con, "coverage_page_counts")) == 0

    def failing():
        with pytest.raises(RuntimeError):
            with db.transaction(con):
                db.execute(con, "rule_set", key="benchmark_coverage", value=0.5)
                raise RuntimeError("abandoned")

    assert _moved(con, failing) == 0
    assert db.rule(con, "benchmark_coverage") != 0.5  # rolled back
    assert _moved(con, lambda: users.login(con, "admin", F.PASSWORD)) == 0  # a sign-in: bookkeeping only

    def refused():
        with pytest.raises(users.LoginRefused):
            users.login(con, "admin", "not-the-password", client="10.0.0.9")

    assert _moved(con, refused) == 0  # the throttle counts it, no more


def test_the_first_sign_in_ever_moves_nothing(world):
    """The first sign-in of a database stores the session secret in ``meta`` (auth/session.py): no figure
    changes, so no part of the version moves (it emptied every shared cache once)."""
    from auth import session

    con, _ = world
    assert db.one(con, "session_secret") is None  # (nobody has signed in to the tiny world)
    before = V.current(con)
    token = session.issue(con, "admin")
    assert db.one(con, "session_secret") is not None and session.verify(con, token).name == "admin"
    assert V.current(con) == before  # every part


def test_statements_that_move_nothing_write_one_key_of_meta():
    """(the exemption of store/version.py UNVERSIONED_STATEMENTS stays as narrow as its reason)"""
    for name in V.UNVERSIONED_STATEMENTS:
        text = db.bare_sql(db.sql(name)[0])  # (its string literals blanked: the one key)
        assert V.written_tables(text) == {"meta"}, name
        assert re.fullmatch(r"\s*INSERT INTO meta \(key, value\) VALUES \('', \$value\)[^;]*;?\s*", text), name


def test_one_move_per_transaction(world):
    """A transaction moves the version once, after its COMMIT; a nested one joins it."""
    con, _ = world
    seen: list[tuple[str, int]] = []

    def work():
        with db.transaction(con):
            db.execute(con, "rule_set", key="benchmark_coverage", value=0.95)
            with db.transaction(con):
                db.execute(con, "rule_set", key="revisit_days", value=100)
            seen.append(V.current(con.cursor()))  # another session, inside: not yet moved

    before = V.current(con)
    assert _moved(con, work) == 1
    assert seen == [before]


def test_a_write_returning_rows_keeps_them(world):
    """Moving the version after INSERT … RETURNING leaves the statement's rows to its caller."""
    con, _ = world
    cur = db.execute(
        con,
        "visit_insert",
        household_code="H02",
        staff_id="S1",
        visited_on=D(2026, 11, 21),
        kind="home",
        note=None,
        needs_action=False,
        created_by="test",
    )
    assert cur.fetchone() is not None


def test_first_write_after_reopening_moves(tmp_path):
    """DuckDB shows a reopened sequence's next value as its last one until it has handed one out:
    opening the database draws one, so that the first write after a restart is seen (on PostgreSQL
    the same test holds without it)."""
    path = stores.new_db(tmp_path, "r")
    db.connect(path).close()
    con = db.connect(path)
    assert _moved(con, lambda: db.execute(con, "rule_set", key="benchmark_coverage", value=0.9)) == 1
    con.close()


def test_every_session_sees_the_move(world):
    """One number for the whole store: a write on one cursor (another page view, another thread) is
    seen by every other at its next read."""
    con, _ = world
    a, b = con.cursor(), con.cursor()
    before = V.current(b)
    F.add_visit(a, "H02", "S1", D(2026, 11, 21))
    assert V.current(b)[1] > before[1]


def test_a_write_in_another_process_moves_it(tiny, tmp_path):
    """One number in the database, not in a process: a visit recorded by another process (another
    app process, or manage.py) is seen here at the next read. (DuckDB: one process at a time may
    open the file, so this one lets go of it meanwhile.)"""
    import subprocess
    import sys

    con, spec = tiny
    before = V.current(con)
    if not stores.on_postgres():
        con.close()
    code = (
        "import datetime as dt, sys; from store import db; from tests import factories as F; "
        "con = db.connect(sys.argv[1]); F.add_visit(con, 'H02', 'S1', dt.date(2026, 11, 21)); con.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(spec)], check=True, cwd=str(F.APP.parent), timeout=120)
    other = db.connect(spec)
    assert V.current(other)[0] == before[0] and V.current(other)[1] > before[1]
    other.close()
