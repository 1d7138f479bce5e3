"""A script run's wait for a core: written by the app's run log (ui/runlog.py), summed by the load benchmark.

Under the load benchmark the server's script threads were runnable but not running for longer than they
ran (BENCHMARKS.md, "Fourteenth session"); the run log says so per run, bench/load.py per page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from bench import load
from ui import runlog

HAS_SCHEDSTAT = os.path.exists("/proc/thread-self/schedstat")


@pytest.mark.skipif(not HAS_SCHEDSTAT, reason="no Linux schedstat here: queue_ms is null by design")
def test_a_run_sharing_its_core_says_how_long_it_waited_for_it(tmp_path, monkeypatch):
    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("LIANXIN_RUN_LOG", str(log))
    cores = os.sched_getaffinity(0)
    one = min(cores)
    # another process burning the same one core: this thread, runnable too, waits for it part of the time
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        os.sched_setaffinity(burner.pid, {one})
        os.sched_setaffinity(0, {one})
        with runlog.timed():
            runlog.page("coverage", "a")
            cpu = time.thread_time()
            while time.thread_time() - cpu < 0.2:  # 0.2 s of CPU on the shared core
                pass
    finally:
        os.sched_setaffinity(0, cores)
        burner.kill()
        burner.wait()
    line = json.loads(log.read_text().splitlines()[-1])
    assert line["page"] == "coverage" and line["user"] == "a"
    assert 0 < line["queue_ms"] < line["ms"]


def test_no_schedstat_leaves_the_wait_unknown(tmp_path, monkeypatch):
    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("LIANXIN_RUN_LOG", str(log))
    monkeypatch.setattr(runlog, "queued_ns", lambda: None)
    with runlog.timed():
        runlog.page("weekly")
    assert json.loads(log.read_text())["queue_ms"] is None


def test_the_benchmark_averages_the_wait_per_page():
    lines = [
        {"at": 1.0, "page": "coverage", "ms": 900, "cpu_ms": 100, "queue_ms": 600.0, "user": "a"},
        {"at": 2.0, "page": "coverage", "ms": 500, "cpu_ms": 100, "queue_ms": 200.0, "user": "b"},
        {"at": 3.0, "page": "coverage", "ms": 400, "cpu_ms": 100, "queue_ms": None, "user": "c"},  # unknown: left out
        {"at": 4.0, "page": "weekly", "ms": 300, "cpu_ms": 50, "user": "a"},  # an older tree's line
    ]
    runs = load.server_runs(lines)
    assert runs["coverage"]["runs"] == 3
    assert runs["coverage"]["queue_ms_mean"] == 400.0
    assert runs["weekly"]["queue_ms_mean"] is None
