"""Each script run's page and duration, written by the app when ``$LIANXIN_RUN_LOG`` names a file.

The load benchmark (bench/load.py) sets it on the server it starts: the browser-side times it
measures include the browsers' own work (on one machine with the server), these are the server's
alone — from the start of app.py's run to its end, per page. A fragment's rerun (a map click on
the coverage page) does not run app.py and is not written. Unset (the default), nothing is written.
Lines are JSON: ``{"at": unix time, "page": url path, "ms": wall ms, "cpu_ms": the script thread's
CPU ms, "queue_ms": its ms runnable but waiting for a core (Linux schedstat; null elsewhere), "user":
the account signed in or null}`` (DuckDB's own worker threads are not in ``cpu_ms``: read it as a lower
bound; the account lets the benchmark match a run to the browser view it served).
"""

from __future__ import annotations

import json
import os
import threading
import time
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_page = threading.local()


def page(name: str, user: str | None = None) -> None:
    """Name the page this run draws (``login``, ``coverage``…) and for whom; called once the navigation knows it."""
    _page.name, _page.user = name, user


@contextmanager
def timed() -> Iterator[None]:
    """Around one script run: write its page and duration to ``$LIANXIN_RUN_LOG`` when set."""
    path = os.environ.get("LIANXIN_RUN_LOG")
    _page.name, _page.user = "?", None
    wall, cpu = time.perf_counter(), time.thread_time()
    queued = queued_ns() if path else None  # read only for the benchmark's log
    try:
        yield
    finally:
        if path:
            line = json.dumps(
                {
                    "at": round(time.time(), 3),
                    "page": _page.name,
                    "ms": round((time.perf_counter() - wall) * 1000, 1),
                    "cpu_ms": round((time.thread_time() - cpu) * 1000, 1),
                    "queue_ms": _ms_since(queued),
                    "user": _page.user,
                }
            )
            with _lock, open(path, "a", encoding="utf-8") as f:
                f.write(line + "\n")


def queued_ns() -> int | None:
    """How long this thread has been runnable but not running — waiting for a core — so far.

    Returns
    -------
    int or None
        Nanoseconds, the second field of Linux's ``/proc/thread-self/schedstat`` (proc(5)); None where
        there is none (another system, a kernel without schedstats).
    """
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _ms_since(queued: int | None) -> float | None:
    # the thread's wait for a core since ``queued`` (queued_ns), ms
    now = queued_ns()
    return None if queued is None or now is None else round((now - queued) / 1e6, 1)
