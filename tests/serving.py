"""``scripts/serve.sh --processes N`` on a new tiny world, for the tests of several app processes behind
nginx (PostgreSQL: the suite's store in its PostgreSQL round)."""

from __future__ import annotations

import os
import shutil
import re
import signal
import subprocess
import time
import urllib.request
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tests import factories as F
from store.cluster import free_ports

ROOT = Path(__file__).resolve().parent.parent

#: the marks of a test module that starts serve.sh with several processes (``pytestmark``)
NEEDS = [
    pytest.mark.skipif(
        not F.on_postgres(),
        reason="several app processes need PostgreSQL: runs in the PostgreSQL round (LIANXIN_TEST_STORE=postgres)",
    ),
    pytest.mark.skipif(
        shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
        reason="nginx is not installed (apt-get install nginx)",
    ),
]


def needs(test):
    """:data:`NEEDS` on one test of a module whose other tests run on either store."""
    for mark in NEEDS:
        test = mark(test)
    return test


@dataclass
class Served:
    """What :func:`serve_processes` started."""

    nginx: str  # http://127.0.0.1:PORT, nginx in front of the processes
    processes: list[str]  # each app process's own http://127.0.0.1:PORT
    ports: list[int]  # their ports
    url: str  # the database
    log: Path  # serve.sh's output
    run: Path  # serve.sh's run folder (nginx.conf, access.log)


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


@contextmanager
def serve_processes(folder: Path, processes: int = 2, timeout: float = 240) -> Iterator[Served]:
    """Build the tiny world in a new database, start serve.sh on it and wait until nginx answers.

    Parameters
    ----------
    folder : where the world's files and serve.sh's output go.
    processes : how many app processes.
    timeout : seconds to wait for serve.sh and nginx before the test fails.

    Yields
    ------
    Served
        The addresses; everything serve.sh started is stopped afterwards.
    """
    url = F.new_db(folder)
    F.build(url, folder=folder).close()
    first = free_ports(processes + 1)  # the app processes' ports, then nginx's
    port = first + processes
    env = {**os.environ, "LIANXIN_DB": str(url), "LIANXIN_TODAY": "2026-11-22", "LIANXIN_FAST_HASH": "1"}
    log = folder / "serve.log"
    cmd = ["bash", "scripts/serve.sh", "--processes", str(processes), "--port", str(port), "--first-port", str(first)]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + timeout
        while "(logs in " not in log.read_text():
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail("serve.sh did not start: " + log.read_text()[-2000:])
            time.sleep(0.5)
        run = Path(re.search(r"\(logs in (\S+?);", log.read_text()).group(1))
        nginx = f"http://127.0.0.1:{port}"
        while not _health(nginx):  # nginx is started last, in the background
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail("nginx does not answer: " + log.read_text()[-2000:])
            time.sleep(0.5)
        ports = list(range(first, first + processes))
        yield Served(nginx, [f"http://127.0.0.1:{p}" for p in ports], ports, str(url), log, run)
    finally:
        with suppress(ProcessLookupError):  # serve.sh may have given up already
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
