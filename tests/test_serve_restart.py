"""scripts/serve.sh starts an app process again when it dies; nginx serves through the others meanwhile.

Two app processes behind nginx (``--processes 2``, so PostgreSQL). serve.sh keeps each process's pid in
``app-PORT.pid`` of its run folder.
"""

from __future__ import annotations

import os
import signal
import time

from tests import serving

pytestmark = serving.NEEDS


def _pid(s: serving.Served, port: int) -> int:
    return int((s.run / f"app-{port}.pid").read_text().strip())


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
