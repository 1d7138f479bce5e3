"""`manage.py demo` never replaces a real database nor one in use (issue 15 item 6); the app's own
first-start build keeps working and never replaces a database that appeared meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from demo import build
from store import db
from tests import clirun
from tests import factories as F

pytestmark = pytest.mark.skipif(
    F.on_postgres(),
    reason="the demo is a DuckDB file whatever the suite's store: the DuckDB round ran these "
    "(the PostgreSQL round would repeat them)",
)

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LIANXIN_DB"}
    env["LIANXIN_FAST_HASH"] = "1"
    return clirun.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env
    )


def demo_like(path: Path) -> Path:
    """A small database marked as a demo, with only demo accounts (what the demo builder leaves)."""
    con = db.connect(path)
    con.execute("INSERT INTO users (name, password_hash, role, is_demo) VALUES ('admin', 'x', 'admin', TRUE)")
    db.execute(con, "meta_set", key="demo", value="true")
    con.close()
    return path


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    return lines[0]


def test_demo_over_a_real_database_is_refused(tmp_path):
    """Before: `manage.py demo` replaced a real database (its real accounts were gone)."""
    path = tmp_path / "county.duckdb"
    F.build(path).close()
    before = path.read_bytes()
    r = manage("--db", str(path), "demo", "--households", "100")
    assert r.returncode == 1
    line = one_line(r.stderr)
    assert str(path) in line and "真实账号" in line and "--db" in line
    assert path.read_bytes() == before
    con = db.connect(path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM users WHERE NOT is_demo").fetchone()[0] == 5
    finally:
        con.close()


def test_demo_over_a_database_in_use_is_refused(tmp_path):
    """Before: the demo replaced the file a running app had open (the app went on writing into the deleted file)."""
    path = demo_like(tmp_path / "demo.duckdb")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(120)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        r = manage("--db", str(path), "demo", "--households", "100")
    finally:
        holder.kill()
        holder.wait()
    assert r.returncode == 1
    line = one_line(r.stderr)
    assert "正在被" in line and str(path) in line


@pytest.mark.parametrize(
    "make,refused",
    [
        (lambda p: None, None),  # nothing there yet
        (lambda p: db.connect(p).close(), None),  # empty, just after `init`
        (demo_like, None),  # a demo database
        (lambda p: F.build(p).close(), "真实账号"),  # real accounts
        (lambda p: p.write_bytes(b"not a database at all"), "不是"),  # some other file
    ],
)
def test_what_a_demo_may_replace(tmp_path, make, refused):
    path = tmp_path / "x.duckdb"
    make(path)
    if refused is None:
        build.check_replaceable(path)
    else:
        with pytest.raises(build.DemoRefused, match=refused):
            build.check_replaceable(path)


def test_a_database_without_demo_marker_is_refused(tmp_path):
    path = tmp_path / "x.duckdb"
    con = db.connect(path)
    con.execute("INSERT INTO areas (code, name, level) VALUES ('C', '某县', 'county')")
    con.close()
    with pytest.raises(build.DemoRefused, match="没有演示标记"):
        build.check_replaceable(path)


def test_first_start_build_keeps_a_database_that_appeared_meanwhile(tmp_path, monkeypatch):
    """The app builds data/demo.duckdb when it is missing (replace=False): if another session's build
    finished first, that one is kept — never replaced under an app that has it open."""
    target = tmp_path / "demo.duckdb"
    monkeypatch.setattr(build, "load_outline", lambda path: None)
    monkeypatch.setattr(build, "generate", lambda *a, **k: SimpleNamespace())

    def store_world(con, world, progress=None):
        demo_like(target)  # the other session's build lands while this one runs

    monkeypatch.setattr(build, "store_world", store_world)
    msg = build.build_demo(target, households=100, replace=False)
    assert "kept" in msg
    con = db.connect(target, read_only=True)
    try:
        assert db.one(con, "meta_get", key="demo") == "true"
        assert con.execute("SELECT name FROM users").fetchall() == [("admin",)]
    finally:
        con.close()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("lianxin-demo-")]  # no temporary left


def test_demo_builds_at_another_path_and_over_its_own_demo(tmp_path):
    path = tmp_path / "demo.duckdb"
    r = manage("--db", str(path), "demo", "--households", "100")
    assert r.returncode == 0, r.stderr
    r = manage("--db", str(path), "demo", "--households", "100", "--seed", "1")  # a demo over a demo
    assert r.returncode == 0, r.stderr
    con = db.connect(path, read_only=True)
    try:
        assert db.one(con, "meta_get", key="demo") == "true"
        assert con.execute("SELECT count(*) FROM users WHERE NOT is_demo").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM users WHERE is_demo").fetchone()[0] == 5
    finally:
        con.close()


def test_two_sessions_opening_a_missing_demo_at_once_build_it_once(tmp_path, monkeypatch):
    """Two browsers opening the app's missing demo database at the same moment: the second session
    waits for the first one's build and keeps it, instead of generating the county a second time."""
    import threading

    target = tmp_path / "demo.duckdb"
    generated = []
    started = threading.Event()

    def slow_generate(*a, **k):
        generated.append(1)
        started.set()
        threading.Event().wait(0.5)  # the first build is still running when the second session asks
        parts = ("townships", "villages", "grids", "households", "staff", "visits", "petitions")
        return SimpleNamespace(**{part: [] for part in parts})

    monkeypatch.setattr(build, "load_outline", lambda path: None)
    monkeypatch.setattr(build, "generate", slow_generate)
    monkeypatch.setattr(build, "store_world", lambda con, world, progress=None: demo_like_on(con))
    results = []
    first = threading.Thread(target=lambda: results.append(build.build_demo(target, replace=False)))
    first.start()
    assert started.wait(10)
    second = build.build_demo(target, replace=False)
    first.join(30)
    assert len(generated) == 1
    assert "kept" in second and len(results) == 1 and "kept" not in results[0]
    assert db.exists(str(target))


def demo_like_on(con) -> None:
    """What the demo builder stores, in short: one demo account and the demo mark."""
    con.execute("INSERT INTO users (name, password_hash, role, is_demo) VALUES ('admin', 'x', 'admin', TRUE)")
    db.execute(con, "meta_set", key="demo", value="true")
