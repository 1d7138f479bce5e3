"""PostgreSQL as the store, where it differs from a file: a server that is unreachable or
misconfigured (one sentence, never a traceback), several processes writing at once (nothing lost,
nothing left wrong), a connection cut in the middle of an import, the command line while the app
is up, reports from a streaming replica.

These run in the PostgreSQL round of the suite (LIANXIN_TEST_STORE=postgres, scripts/test.sh);
the DuckDB round runs the DuckDB file's counterparts (marked so). Tests that need a server of their
own (passwords, a replica) start a throwaway cluster (store/cluster.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from i18n import Message, t
from store import db, postgres
from tests import clirun
from tests import factories as F
from tests.factories import G111, G211

ROOT = Path(__file__).resolve().parent.parent
D = dt.date
PG_ONLY = pytest.mark.skipif(
    not F.on_postgres(),
    reason="PostgreSQL only: runs in the PostgreSQL round (LIANXIN_TEST_STORE=postgres, scripts/test.sh)",
)
DUCKDB_ONLY = pytest.mark.skipif(F.on_postgres(), reason="the DuckDB file's behaviour: runs in the DuckDB round")


def cli(*args: str, db_spec=None, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(ROOT / "manage.py")] + (["--db", str(db_spec)] if db_spec is not None else [])
    full = {k: v for k, v in os.environ.items() if k != "LIANXIN_DB"}
    full.update({"LIANXIN_FAST_HASH": "1", **(env or {})})
    return clirun.run(cmd + list(args), capture_output=True, text=True, cwd=ROOT, env=full, timeout=timeout)


def one_line(p: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, p.stderr
    assert "Traceback" not in p.stderr and "internal error" not in p.stderr
    return lines[0]


def _cluster(**kw):
    from store.cluster import Cluster, available

    why = available()
    if why:
        pytest.skip(why)
    return Cluster(**kw)


# ----------------------------------------------------------------------------- faults: one sentence


@PG_ONLY
def test_nothing_listens_on_the_port(tmp_path):
    from store.cluster import free_port

    port = free_port()
    p = cli("report", "quotas", "--week", "2026-W47", db_spec=f"postgresql://postgres@127.0.0.1:{port}/x")
    assert p.returncode == 1
    line = one_line(p)
    assert line == Message("store.error.unreachable", where=f"127.0.0.1:{port}")


@PG_ONLY
def test_unknown_host_names_the_host():
    p = cli("init", db_spec="postgresql://postgres@db.county.invalid:5432/lianxin")
    assert p.returncode == 1
    line = one_line(p)
    assert line == Message("store.error.unreachable", where="db.county.invalid:5432")


@pytest.fixture(scope="module")
def password_cluster():
    """A cluster whose TCP clients need a password (postgres: 'right-password'), with a role that
    may log in but not create databases, and one database owned by that role."""
    c = _cluster(host_auth="scram-sha-256")
    with c.connect() as a:
        a.execute("ALTER ROLE postgres PASSWORD 'right-password'")
        a.execute("CREATE ROLE clerk LOGIN PASSWORD 'clerk-password'")
        a.execute("CREATE DATABASE clerks OWNER clerk TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
    yield c
    c.close()


@PG_ONLY
def test_wrong_password_is_one_sentence(password_cluster):
    url = f"postgresql://postgres:wrong@127.0.0.1:{password_cluster.port}/county"
    p = cli("init", db_spec=url)
    assert p.returncode == 1
    line = one_line(p)
    assert line == Message("store.error.password", where=f"127.0.0.1:{password_cluster.port}", user="postgres")
    assert "wrong" not in line.replace("wrong-", "")  # never echoes it


@PG_ONLY
def test_right_password_creates_and_migrates(password_cluster):
    url = f"postgresql://postgres:right-password@127.0.0.1:{password_cluster.port}/county"
    p = cli("init", db_spec=url)
    assert p.returncode == 0, p.stderr
    assert "right-password" not in p.stdout and "postgres:***@" in p.stdout
    assert "schema version" in p.stdout


@PG_ONLY
def test_unknown_role_is_one_sentence(password_cluster):
    p = cli("init", db_spec=f"postgresql://nobody:x@127.0.0.1:{password_cluster.port}/county")
    assert p.returncode == 1
    line = one_line(p)
    assert line == Message("store.error.password", where=f"127.0.0.1:{password_cluster.port}", user="nobody")


@PG_ONLY
def test_a_user_who_may_not_create_the_database(password_cluster):
    p = cli("init", db_spec=f"postgresql://clerk:clerk-password@127.0.0.1:{password_cluster.port}/newcounty")
    assert p.returncode == 1
    line = one_line(p)
    assert line == Message(
        "store.error.create_denied", where=f"127.0.0.1:{password_cluster.port}", user="clerk", name="newcounty"
    )


@PG_ONLY
def test_a_user_who_may_not_enable_postgis(password_cluster):
    """The database exists (an administrator made it), but its owner is no superuser: PostGIS
    cannot be enabled by them — the sentence says who must do what."""
    p = cli("init", db_spec=f"postgresql://clerk:clerk-password@127.0.0.1:{password_cluster.port}/clerks")
    assert p.returncode == 1
    line = one_line(p)
    assert line == Message(
        "store.error.postgis_denied", where=f"127.0.0.1:{password_cluster.port}", user="clerk", name="clerks"
    )
    with password_cluster.connect("clerks") as a:  # and nothing was half made
        assert a.execute("SELECT to_regclass('public.households')").fetchone()[0] is None


def test_missing_postgis_is_named():
    """A server without the PostGIS package (the message PostgreSQL gives then)."""
    import psycopg

    from store.postgres import explain

    e = psycopg.errors.FeatureNotSupported(
        'could not open extension control file "/usr/share/postgresql/15/extension/postgis.control": '
        'No such file or directory'
    )
    error = explain(e, {"host": "10.0.0.5", "port": "5432", "user": "lianxin", "dbname": "county"})
    assert str(error) == Message("store.error.no_postgis", where="10.0.0.5:5432")
    assert "postgresql-15-postgis-3" in error.text("en")


@PG_ONLY
def test_the_page_says_what_to_check(monkeypatch):
    from store.cluster import free_port

    port = free_port()
    monkeypatch.setenv("LIANXIN_DB", f"postgresql://postgres@127.0.0.1:{port}/county")
    at = F.new_app()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    said = Message("store.error.unreachable", where=f"127.0.0.1:{port}")
    assert shown == t("app.store_error", "zh", message=said.text("zh"))


# ----------------------------------------------------------------------------- a connection lost mid-import


def _big_visits(path: Path, n: int) -> Path:
    start = D(2000, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["户编号", "工号", "走访日期", "走访方式", "民情记录"])
        for i in range(n):
            w.writerow(
                [
                    f"H0{1 + i % 9}",
                    f"S{1 + (i // 9) % 4}",
                    (start + dt.timedelta(days=i // 36)).isoformat(),
                    "入户走访",
                    f"记录{i}",
                ]
            )
    return path


def _state(con) -> tuple:
    return (
        con.execute("SELECT count(*), max(id) FROM visits").fetchone(),
        con.execute("SELECT code, last_home_on FROM households ORDER BY code").fetchall(),
        con.execute("SELECT count(*) FROM audit_log").fetchone(),
    )


@PG_ONLY
def test_connection_cut_during_an_import_leaves_the_database_as_it_was(tiny, tmp_path):
    """The server ends the import's connection (pg_terminate_backend, as a restart or a network cut
    would) while its transaction is writing: the command says so in one sentence, exit 1, and the
    database is exactly as before."""
    con, url = tiny
    before = _state(con)
    big = _big_visits(tmp_path / "big.csv", 60_000)
    env = {k: v for k, v in os.environ.items() if k != "LIANXIN_DB"}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "--db", str(url), "import", "visits", str(big)],
        cwd=ROOT,
        env={**env, "LIANXIN_FAST_HASH": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    app = f"lianxin pid {proc.pid}"
    killed = 0
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < 240 and not killed:
        # the import's own transaction, once it has begun writing
        killed = con.execute(
            """SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                                WHERE application_name = ? AND backend_xid IS NOT NULL
                                  AND query ILIKE '%visits%'""",
            [app],
        ).fetchone()[0]
        time.sleep(0.02)
    out, err = proc.communicate(timeout=120)
    assert killed, f"the import ended before it could be cut: {out} {err}"
    assert proc.returncode == 1, (out, err)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err
    info = postgres.parse(str(url))
    assert lines[0] == Message("store.error.lost", where=f"{info['host']}:{info['port']}")
    assert _state(con) == before


# ----------------------------------------------------------------------------- several processes at once

WORKERS = 4


def _visit_worker(url: str, staff_id: str, seed: int, n: int) -> dict:
    """Record, edit and delete visits as one grid worker (a process of its own); returns what it did."""
    os.environ["LIANXIN_FAST_HASH"] = "1"
    from analytics import visits as V
    from auth.users import User

    rng = random.Random(seed)
    con = db.connect(url)
    user = User(f"w{staff_id}", "admin", [], staff_id=staff_id)
    today = D(2026, 11, 26)
    made, deleted = [], []
    try:
        for _ in range(n):
            hh = rng.choice(["H01", "H02", "H04", "H05", "H06", "H07", "H08", "H09"])
            day = today - dt.timedelta(days=rng.randrange(0, 14))  # editable: V.EDIT_DAYS
            kind = rng.choice(["home", "home", "home", "phone"])
            created, _ = V.record_visit(con, user, hh, day, kind=kind, today=today)
            if created:
                vid = con.execute(
                    "SELECT id FROM visits WHERE household_code = ? AND staff_id = ? AND visited_on = ? AND kind = ?",
                    [hh, staff_id, day, kind],
                ).fetchone()[0]
                made.append(vid)
            r = rng.random()
            if made and r < 0.15:
                vid = made.pop(rng.randrange(len(made)))
                V.delete_visit(con, user, vid, today=today)
                deleted.append(vid)
            elif made and r < 0.3:
                vid = rng.choice(made)
                try:
                    V.edit_visit(
                        con, user, vid, today=today, visited_on=today - dt.timedelta(days=rng.randrange(0, 14))
                    )
                except V.VisitError:
                    pass  # the new day is taken by another of this worker's visits: refused, fine
    finally:
        con.close()
    return {"made": made, "deleted": deleted}


def _status_worker(url: str, name: str, petition: str) -> list[str]:
    """Try to move one petition through every state; returns the states this process set."""
    os.environ["LIANXIN_FAST_HASH"] = "1"
    from analytics import petitions as P

    con = db.connect(url)
    done = []
    try:
        for status in ("in_progress", "replied", "closed"):
            try:
                P.change_status(
                    con,
                    name,
                    petition,
                    status,
                    D(2026, 11, 20),
                    reply_text=f"{name} 已答复",
                    satisfaction="satisfied" if status == "closed" else None,
                    today=D(2026, 11, 26),
                )
                done.append(status)
            except P.PetitionError:
                pass  # another process was first: the lifecycle refuses going back
    finally:
        con.close()
    return done


def _grid_worker(url: str, staff_id: str, as_leader: bool) -> str:
    os.environ["LIANXIN_FAST_HASH"] = "1"
    from analytics import grids as G

    con = db.connect(url)
    try:
        kw = {"leader_id": staff_id} if as_leader else {"add_members": [staff_id]}
        try:
            return G.reassign(con, "admin", G111, effective=D(2026, 12, 1), **kw).sentence()
        except G.GridError as e:
            return f"refused: {e}"
    finally:
        con.close()


@PG_ONLY
def test_visits_from_several_processes_lose_nothing(tiny):
    """Four processes record, edit and delete visits of the same households at once: every visit a
    process kept is stored, none it deleted is, and every household's last home visit is its
    newest home visit."""
    con, url = tiny
    con.execute("UPDATE households SET created_on = DATE '2025-01-01'")
    n0 = con.execute("SELECT count(*) FROM visits").fetchone()[0]
    out = F.in_processes(con, [(_visit_worker, (str(url), f"S{i + 1}", i, 40)) for i in range(WORKERS)])
    made = [v for o in out for v in o["made"]]
    deleted = [v for o in out for v in o["deleted"]]
    assert len(made) > 50 and deleted
    stored = {r[0] for r in con.execute("SELECT id FROM visits").fetchall()}
    assert set(made) <= stored and not set(deleted) & stored
    assert len(stored) == n0 + len(made)
    wrong = con.execute("""SELECT h.code, h.last_home_on, m.last_on FROM households h
                           LEFT JOIN (SELECT household_code, max(visited_on) AS last_on FROM visits
                                      WHERE kind = 'home' GROUP BY household_code) m ON m.household_code = h.code
                           WHERE h.last_home_on IS DISTINCT FROM m.last_on""").fetchall()
    assert wrong == []
    F.assert_tallies_recount(con)  # and the grids' tallies of those last home visits (migration 0013)
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'visit_add'").fetchone()[0] >= len(made)


@PG_ONLY
def test_one_petition_changed_by_several_processes_at_once(tiny):
    """Four officers move the same petition forward at the same moment: each step happens once,
    in order, and the audit log has exactly those steps."""
    con, url = tiny
    out = F.in_processes(con, [(_status_worker, (str(url), f"officer{i}", "P2")) for i in range(WORKERS)])
    steps = sorted(s for o in out for s in o)
    assert steps == ["closed", "in_progress", "replied"]
    assert con.execute("SELECT status, closed_on, satisfaction FROM petitions WHERE id = 'P2'").fetchone() == (
        "closed",
        D(2026, 11, 20),
        "satisfied",
    )
    log = [
        r[0]
        for r in con.execute("SELECT detail FROM audit_log WHERE action = 'petition_status' ORDER BY id").fetchall()
    ]
    assert [x.split(" ")[1:4] for x in log] == [
        ["received", "→", "in_progress"],
        ["in_progress", "→", "replied"],
        ["replied", "→", "closed"],
    ]


@PG_ONLY
def test_one_grid_reassigned_by_several_processes_at_once(tiny):
    """Four processes change one grid at once (two name a leader, two add a member): the history
    never overlaps and the grid ends with exactly one leader."""
    con, url = tiny
    con.execute(
        "INSERT INTO staff (id, name, role) VALUES ('L8', '网格长八', 'grid_leader'), "
        "('L9', '网格长九', 'grid_leader'), ('M8', '网格员八', 'grid_member'), "
        "('M9', '网格员九', 'grid_member')"
    )
    jobs = [(str(url), "L8", True), (str(url), "M8", False), (str(url), "L9", True), (str(url), "M9", False)]
    out = F.in_processes(con, [(_grid_worker, job) for job in jobs])
    assert not any(o.startswith("refused") and "M" in o for o in out), out
    rows = con.execute(
        """SELECT sg.staff_id, s.role, sg.valid_from, sg.valid_to FROM staff_grids sg
                          JOIN staff s ON s.id = sg.staff_id WHERE sg.grid_code = ? ORDER BY 1, 3""",
        [G111],
    ).fetchall()
    open_rows = [r for r in rows if r[3] is None]
    assert len([r for r in open_rows if r[1] == "grid_leader"]) == 1
    assert {"M8", "M9"} <= {r[0] for r in open_rows}
    for a in rows:  # no two rows of one person on this grid overlap
        for b in rows:
            if a is not b and a[0] == b[0]:
                a_end, b_end = a[3] or D(9999, 1, 1), b[3] or D(9999, 1, 1)
                assert a_end < (b[2] or D(1, 1, 1)) or b_end < (a[2] or D(1, 1, 1)), rows


# ----------------------------------------------------------------------------- the command line while the app is up

HOLDER = """
import sys, time
sys.path.insert(0, {root!r})
from store import db
con = db.connect({spec!r})
db.df(con, "rules_all")                       # the app has served a page: its connections are open
print("ready", flush=True)
time.sleep(120)
"""


def _holder(spec) -> subprocess.Popen:
    """A process holding the database open the way a running app does."""
    p = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(root=str(ROOT), spec=str(spec))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert p.stdout.readline().strip() == "ready", p.stderr.read()
    return p


@PG_ONLY
def test_the_command_line_works_while_the_app_is_up(tiny, tmp_path):
    con, url = tiny
    con.close()
    app = _holder(url)
    try:
        f = F.write_csv(tmp_path / "v.csv", ["户编号", "工号", "走访日期"], [["H07", "S2", "2026-11-24"]])
        p = cli("import", "visits", str(f), db_spec=url)
        assert p.returncode == 0, p.stderr
        assert "imported 1" in p.stdout
        p = cli(
            "report",
            "coverage",
            "--level",
            "grid",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "csv",
            db_spec=url,
        )
        assert p.returncode == 0, p.stderr
        assert f"{F.G121},第一网格,2,2,1.0" in p.stdout.replace("\r", "")  # H07's visit counts now
    finally:
        app.kill()
        app.wait()


@DUCKDB_ONLY
def test_the_command_line_refusal_says_what_to_do_instead(tiny, tmp_path):
    con, path = tiny
    con.close()
    app = _holder(path)
    try:
        f = F.write_csv(tmp_path / "v.csv", ["户编号", "工号", "走访日期"], [["H07", "S2", "2026-11-24"]])
        p = cli("import", "visits", str(f), db_spec=path)
        assert p.returncode == 1
        line = one_line(p)
        assert F.phrase("store.error.file_in_use.cli") in line and F.phrase("store.error.file_in_use.cli", "en") in line
    finally:
        app.kill()
        app.wait()


# ----------------------------------------------------------------------------- reports from a replica


@PG_ONLY
def test_reports_read_the_replica_and_the_rest_the_primary(tmp_path, monkeypatch):
    """With $LIANXIN_DB_REPLICA, the report functions read a streaming replica (made by
    pg_basebackup): while the replica's replay is paused a new visit is not in the report yet,
    but it is stored on the primary; once replay resumes the report shows it."""
    from analytics import reports
    from analytics import visits as V
    from auth.users import User

    primary = _cluster()
    try:
        url = primary.url("county")
        F.build(url, folder=tmp_path).close()
        replica = primary.replica()
        rep_url = replica.url("county")
        monkeypatch.setenv("LIANXIN_DB_REPLICA", rep_url)
        con = db.connect(url)
        try:
            with replica.connect("county") as r:
                deadline = time.monotonic() + 30
                while r.execute("SELECT count(*) FROM users").fetchone()[0] < 5 and time.monotonic() < deadline:
                    time.sleep(0.1)
                r.execute("SELECT pg_wal_replay_pause()")

                def g121():
                    return (
                        reports.coverage(con, "grid", D(2026, 11, 1), D(2026, 11, 30))
                        .set_index("code")
                        .loc[F.G121, "visited"]
                    )

                assert g121() == 1
                V.record_visit(
                    con, User("gl", "admin", [], staff_id="S2"), "H07", D(2026, 11, 24), today=D(2026, 11, 26)
                )
                assert (
                    con.execute(
                        "SELECT count(*) FROM visits WHERE household_code = 'H07' AND kind = 'home'"
                    ).fetchone()[0]
                    == 1
                )  # on the primary
                assert g121() == 1  # the replica has not replayed it yet
                r.execute("SELECT pg_wal_replay_resume()")
                deadline = time.monotonic() + 30
                while g121() != 2 and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert g121() == 2
        finally:
            con.close()
    finally:
        primary.close()


@PG_ONLY
def test_a_replica_that_is_down_falls_back_to_the_primary(tiny, monkeypatch):
    from analytics import reports
    from store.cluster import free_port

    con, url = tiny
    monkeypatch.setenv("LIANXIN_DB_REPLICA", f"postgresql://postgres@127.0.0.1:{free_port()}/x")
    c2 = db.connect(url)
    try:
        got = reports.coverage(c2, "grid", D(2026, 11, 1), D(2026, 11, 30))
        assert got.set_index("code").loc[G211, "households"] == 2
    finally:
        c2.close()


# ----------------------------------------------------------------------------- moving from the file to a server


@PG_ONLY
def test_copy_to_moves_a_duckdb_file_to_postgresql_with_the_same_numbers(tmp_path):
    """manage.py --db FILE copy-to URL: every report reads the same on both afterwards; a database
    that holds data already is never overwritten."""
    import json

    path = tmp_path / "county.duckdb"  # a DuckDB file, whatever the round
    F.build(path).close()
    url = F.new_db(tmp_path, "moved")
    p = cli("copy-to", str(url), db_spec=path)
    assert p.returncode == 0, p.stderr
    assert "households" in p.stdout and "visits" in p.stdout
    reports = [
        ["report", "coverage", "--level", "grid", "--from", "2026-01-01", "--to", "2026-11-30"],
        ["report", "quotas", "--week", "2026-W47"],
        ["report", "unvisited", "--area", F.COUNTY, "--as-of", "2027-06-01"],
        ["report", "hotspots", "--level", "village", "--from", "2026-01-01", "--to", "2026-11-30"],
    ]
    for args in reports:
        a = cli(*args, "--format", "json", db_spec=path)
        b = cli(*args, "--format", "json", db_spec=url)
        assert a.returncode == b.returncode == 0, (a.stderr, b.stderr)
        assert json.loads(a.stdout) == json.loads(b.stdout) != []
    # the accounts came along (the same password hashes)
    p = cli("--as", "leader", "report", "quotas", "--week", "2026-W47", db_spec=url)
    assert p.returncode == 0, p.stderr
    again = cli("copy-to", str(url), db_spec=path)
    assert again.returncode == 1
    assert "never overwritten" in one_line(again)


def test_copy_to_needs_a_file_and_a_url(tmp_path):
    p = cli("copy-to", str(tmp_path / "x.duckdb"), db_spec=tmp_path / "county.duckdb")
    assert p.returncode == 2 and "postgresql://" in one_line(p)


# ----------------------------------------------------------------------------- a store dropped unclosed


@PG_ONLY
def test_a_store_dropped_without_close_closes_its_pool_and_prints_nothing(tmp_path, monkeypatch):
    import gc
    import sys
    import weakref

    ignored: list = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    con = db.connect(F.new_db(tmp_path))
    assert db.schema_version(con) > 0  # migrated: the pool is open
    pool = con._pg.pool
    assert pool is not None and not pool.closed
    store = weakref.ref(con._pg)
    del con
    gc.collect()
    assert store() is None
    deadline = time.time() + 10
    while not pool.closed and time.time() < deadline:
        time.sleep(0.05)
    assert pool.closed
    assert ignored == []
