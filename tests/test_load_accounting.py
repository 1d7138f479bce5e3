"""bench/load.py's accounting of the client side: every process under the benchmark, however deep.

A tiny process tree — this test, a child, its grandchild burning CPU — stands for the benchmark,
Playwright's driver and Chromium's renderers (the zygote's children, the browser's grandchildren)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from bench import load

BURN_S = 0.5
#: the grandchild: on a line from stdin burns BURN_S of CPU, says so, and waits to be stopped (sampled alive)
GRANDCHILD = (
    "import sys, time\n"
    "sys.stdin.readline()\n"
    "t = time.process_time()\n"
    f"while time.process_time() - t < {BURN_S}: pass\n"
    "print('burnt', flush=True)\n"
    "time.sleep(120)\n"
)
#: the child: starts the grandchild under the name given (stdin and stdout are the child's) and waits
CHILD = "import subprocess, sys\nsubprocess.run([sys.argv[1], '-c', sys.argv[2]])\n"


@pytest.fixture
def tree(tmp_path):
    """A function starting child → grandchild (its program named ``grandkid``); the child is returned."""
    exe = tmp_path / "grandkid"
    exe.symlink_to(os.path.realpath(sys.executable))  # /proc/PID/comm: the name it was started under
    procs = []

    def start() -> subprocess.Popen:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(exe), GRANDCHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        procs.append(child)
        return child

    yield start
    for child in procs:
        for pid in load.process_tree([child.pid]):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        child.wait(timeout=30)


def burn(child: subprocess.Popen) -> None:
    """The grandchild burns its CPU; back when it has."""
    child.stdin.write("go\n")
    child.stdin.flush()
    assert child.stdout.readline().strip() == "burnt"


def test_the_grandchild_counts(tree):
    # what already runs under this pytest worker (a browser test's Chromium it keeps) is left out, as the
    # benchmark leaves out the server's processes: only the tree started here is the client
    already = [p for p in load.process_tree([os.getpid()]) if p != os.getpid()]
    with load.ClientCPU(already, every=0.05) as client:
        burn(tree())
        client.sample()
    by_kind = client.by_kind
    assert by_kind.get("grandkid", 0) >= BURN_S * 0.9, by_kind
    assert client.total_s >= by_kind["grandkid"]
    assert client.browser_s == 0  # no Chromium here


def test_the_servers_processes_do_not_count(tree):
    child = tree()
    with load.ClientCPU([child.pid], every=0.05) as client:  # the child and all under it: "the server"
        burn(child)
        client.sample()
    assert "grandkid" not in client.by_kind, client.by_kind


def test_processes_alive_at_the_start_count_from_then(tree):
    child = tree()
    burn(child)  # before the sampling starts
    with load.ClientCPU([], every=0.05) as client:
        client.sample()
    assert client.by_kind.get("grandkid", 1.0) < BURN_S / 2, client.by_kind


def test_a_process_is_named_by_its_chromium_type_or_its_program():
    assert load.process_kind(os.getpid()) not in load.BROWSER_KINDS
    assert load.process_kind(2**22 + 12345) == "?"  # no such process


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def test_a_renderer_that_ended_keeps_its_kind(tmp_path):
    """A renderer sampled after it ended but before its parent reaped it (as the browsers close) has an
    empty command line under its program's name: it stays a renderer, not Chromium's main process."""
    exe = tmp_path / "chrome"
    exe.symlink_to(os.path.realpath(sys.executable))
    # the renderer's parent: starts it, ends it at a line on its own stdin and never waits for it; the
    # client is sampled from this parent down, so nothing else under the test (a browser test's Chromium
    # kept by the same pytest worker) is counted
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, str(exe), "-c", "import sys; sys.stdin.readline()", "--type=renderer"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        renderer = int(parent.stdout.readline())
        with load.ClientCPU([], every=60, root=parent.pid) as client:
            client.sample()
            parent.stdin.write("end\n")  # the renderer ends; not waited for, so it stays a zombie
            parent.stdin.flush()
            for _ in range(200):
                if _state(renderer) == "Z":
                    break
                time.sleep(0.05)
            assert _state(renderer) == "Z"
            assert load.process_kind(renderer) == "?"
            client.sample()
        kinds = set(client.by_kind)
        assert "renderer" in kinds and "browser" not in kinds, client.by_kind
    finally:
        parent.stdin.close()  # the parent ends (its zombie child goes to init, which reaps it)
        parent.wait(timeout=30)


_PARENT = """
import subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE)
print(child.pid, flush=True)
sys.stdin.readline()
child.stdin.close()
sys.stdin.readline()
"""


def test_a_views_time_is_split_between_its_script_runs_and_the_rest():
    views = [
        load.View("coverage", 2000, True, 1, at=100.0),  # 98.0–100.0
        load.View("coverage", 1000, True, 2, at=200.0),  # 199.0–200.0
        load.View("login form", 500, True, 1, at=50.0),  # no run of the script for it
    ]
    lines = [
        {"at": 99.5, "page": "coverage", "ms": 500, "cpu_ms": 100, "user": "a"},  # inside view 1
        {"at": 200.0, "page": "coverage", "ms": 1500, "cpu_ms": 300, "user": "b"},  # 1,000 ms of it in view 2
        {"at": 99.0, "page": "weekly", "ms": 100, "cpu_ms": 50, "user": "b"},  # another account's
    ]
    split = load.view_split(views, lines, {1: "a", 2: "b"})
    assert list(split) == ["coverage"]
    c = split["coverage"]
    assert (c["views"], c["matched"]) == (2, 2)
    assert (c["view_ms"], c["script_ms"], c["script_cpu_ms"], c["outside_ms"]) == (1500, 750, 200, 750)
    # the slowest tenth: view 1 alone
    assert (c["tail_views"], c["tail_view_ms"], c["tail_script_ms"], c["tail_outside_ms"]) == (1, 2000, 500, 1500)


def test_a_failed_views_error_says_what_playwright_was_waiting_for():
    rec = load.Record()
    plan = load.SessionPlan(3, "leader", "u3", 0.0)
    said = (
        "Locator.click: Timeout 90000ms exceeded.\nCall log:\n"
        '  - waiting for get_by_role("button", name="登录")\n'
        "  -     - element is not enabled\n"
    )
    rec.error(plan, "sign-in", 0.0, TimeoutError(said))
    rec.error(plan, "sign-in", 0.0, ValueError("one line"))
    assert rec.errors == [
        "session 3 (leader) sign-in: TimeoutError: Locator.click: Timeout 90000ms exceeded. … element is not enabled",
        "session 3 (leader) sign-in: ValueError: one line",
    ]
    assert [v.ok for v in rec.views] == [False, False]


def test_the_sign_in_clicks_are_reported_with_those_over_30_s():
    rec = load.Record(clicks_ms=[500.0, 31_000.0, 12_000.0])
    report = load.summarize(rec, [], 0.0, 0.0, {})
    assert report["sign_in_clicks"] == {"clicks": 3, "median_ms": 12_000.0, "max_ms": 31_000.0, "over_30_s": 1}
    assert load.summarize(load.Record(), [], 0.0, 0.0, {})["sign_in_clicks"]["clicks"] == 0


def test_the_views_once_every_session_signed_in_are_reported_apart():
    """Two sessions: the second signs in at 12 s; the coverage views that started before are left out."""
    v = load.View
    rec = load.Record(
        views=[
            v("login form", 2000, True, 1, end=102.0),  # the first view starts at 100.0
            v("sign-in", 1000, True, 1, end=103.0),
            v("coverage", 5000, True, 1, end=109.0),  # 104.0–109.0: before the second sign-in
            v("login form", 4000, True, 2, end=108.0),
            v("sign-in", 4000, True, 2, end=112.0),  # the last sign-in: 12 s after the first view started
            v("coverage", 800, True, 1, end=112.5),  # 111.7: before it
            v("coverage", 400, True, 1, end=113.0),  # 112.6: after it
            v("coverage", 600, True, 2, end=114.0),
            v("coverage", 900, False, 2, end=115.0),  # failed: not counted
            v("visit saved", 300, True, 2, end=116.0),
        ]
    )
    plans = [load.SessionPlan(1, "office", "u1", 0.0), load.SessionPlan(2, "grid_leader", "u2", 1.5)]
    calm = load.summarize(rec, plans, 1.0, 1.0, {})["after_sign_in"]
    assert calm["after_s"] == 12.0
    assert calm["pages"] == {
        "coverage": {"views": 2, "median_ms": 500.0, "p95_ms": 590.0},
        "visit saved": {"views": 1, "median_ms": 300.0, "p95_ms": 300.0},
    }
    # a session that never signed in: no such figures (the storm never ended)
    rec.views = [x for x in rec.views if not (x.page == "sign-in" and x.session == 2)]
    assert load.summarize(rec, plans, 1.0, 1.0, {})["after_sign_in"] is None


@pytest.mark.skipif(not os.path.exists("/proc/self/autogroup"), reason="no scheduler autogroups in this kernel")
def test_the_browsers_session_group_runs_at_their_niceness(tmp_path, monkeypatch):
    """Playwright starts the browser in a session of its own, which the kernel schedules as a group
    weighed equal to the server's whatever the browser's own nice or SCHED_IDLE: the wrapper sets its
    group's nice too, so the browsers get what the server leaves."""
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\ncat /proc/self/autogroup\n")
    fake.chmod(0o755)
    monkeypatch.setattr(load, "CHROMIUM", str(fake))
    wrapper = load.client_executable(tmp_path, 19)
    assert wrapper != str(fake)
    out = subprocess.run([wrapper], capture_output=True, text=True, start_new_session=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("nice 19"), out.stdout
    assert load.client_executable(tmp_path, 0) == str(fake)  # nice 0: chromium as it comes
