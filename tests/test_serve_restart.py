"""scripts/serve.sh starts an app process again when it dies; nginx serves through the others meanwhile.

The first test: two app processes behind nginx (``--processes 2``, so PostgreSQL); the second: one on a DuckDB
file whose port is taken. serve.sh keeps each process's pid in
``app-PORT.pid`` of its run folder.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import pytest

from tests import factories as F
from tests import serving


def _pid(s: serving.Served, port: int) -> int:
    return int((s.run / f"app-{port}.pid").read_text().strip())


@serving.needs
def test_a_killed_app_process_is_started_again_and_nginx_answers_meanwhile(tmp_path):
    with serving.serve_processes(tmp_path) as s:
        port, url = s.ports[0], s.processes[0]
        old = _pid(s, port)
        os.kill(old, signal.SIGKILL)
        deadline = time.time() + 30
        while serving._health(url):  # the process is gone once its port stops answering
            assert time.time() < deadline, "the killed process still answers"
            time.sleep(0.2)
        assert serving._health(s.nginx), "nginx did not send the health check to the other process"
        deadline = time.time() + 180
        while not serving._health(url):
            assert time.time() < deadline, "the app process was not started again: " + s.log.read_text()[-2000:]
            time.sleep(0.5)
        assert _pid(s, port) != old
        assert f"the app process on port {port} ended (exit 137); starting it again" in s.log.read_text()
        assert serving._health(s.processes[1])


@pytest.mark.skipif(
    F.on_postgres(),
    reason="serve.sh's own behaviour on a DuckDB file: the DuckDB round ran it (the PostgreSQL round would repeat it)",
)
def test_an_app_process_that_cannot_start_stops_serve_sh_with_a_sentence(tmp_path):
    with socket.socket() as taken:  # the app's port is taken: Streamlit ends at once, every time
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "LIANXIN_DB": str(tmp_path / "county.duckdb"), "LIANXIN_FAST_HASH": "1"}
        done = subprocess.run(
            ["bash", "scripts/serve.sh", "--port", str(port)],
            cwd=serving.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=170,  # less than the health check's 180 s: the give-up must end it, not the wait
        )
    assert done.returncode != 0
    assert f"the app process on port {port} ended within 30 s of starting three times in a row" in done.stderr
    assert done.stderr.count(f"the app process on port {port} ended (exit") == 2  # started again twice first
    last = done.stderr.split("its last output:", 1)[1]  # why, from its log (removed with serve.sh's run folder)
    assert f"Port {port} is not available" in last
