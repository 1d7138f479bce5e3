"""scripts/serve.sh's nginx serves Streamlit's front end (/static/) and the app's own static files
(/app/static/) itself, the pages through the app.

Two app processes behind nginx (``--processes 2``, so PostgreSQL). nginx's access log names the
process that answered each request ("-": nginx itself).
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path

import pytest

from tests import serving

ROOT = Path(__file__).resolve().parent.parent
STATIC = Path(find_spec("streamlit").origin).parent / "static"

pytestmark = serving.NEEDS


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """serve.sh with two app processes behind nginx: (nginx URL, their ``host:port``, nginx's run folder)."""
    with serving.serve_processes(tmp_path_factory.mktemp("served")) as s:
        yield s.nginx, {f"127.0.0.1:{p}" for p in s.ports}, s.run


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def _answered_by(run: Path, path: str) -> str:
    """Who answered the last request for ``path``: ``host:port`` of an app process, or "-" (nginx)."""
    for _ in range(20):  # the log line is written when the response is done
        lines = [x for x in (run / "access.log").read_text().splitlines() if f'"GET {path} ' in x]
        if lines:
            return lines[-1].split()[-1]
        time.sleep(0.1)
    raise AssertionError(f"no request for {path} in nginx's log")


def test_the_front_end_comes_from_nginx_as_javascript(served):
    base, _, run = served
    status, _, page = _get(base + "/")
    assert status == 200
    scripts = re.findall(r'src="\./(static/js/[^"]+\.js)"', page.decode())
    assert scripts, "index.html names no script"
    status, headers, body = _get(f"{base}/{scripts[0]}")
    assert status == 200
    assert body == (STATIC / scripts[0]).read_bytes()
    assert headers["Content-Type"].split(";")[0] in ("text/javascript", "application/javascript")  # else not run
    assert "immutable" in headers["Cache-Control"]
    assert _answered_by(run, f"/{scripts[0]}") == "-"


def test_the_pages_and_a_file_nginx_lacks_come_from_the_app(served):
    base, apps, run = served
    assert _get(base + "/")[0] == 200
    assert _answered_by(run, "/") in apps
    _get(base + "/static/js/not-in-this-release.js")  # another machine's release, say
    assert _answered_by(run, "/static/js/not-in-this-release.js") in apps


def test_the_apps_own_static_files_come_from_nginx_for_an_hour_then_not_modified(served):
    """The map's frame (static/vendor/streamlit-folium, under /app/static/): nginx, as HTML, an hour's
    lifetime (its name does not change with its content), then 304 for an unchanged file (Streamlit
    would send the whole file again)."""
    base, _, run = served
    path = "/app/static/vendor/streamlit-folium/index.html"
    status, headers, body = _get(base + path)
    assert status == 200
    assert body == (ROOT / "static/vendor/streamlit-folium/index.html").read_bytes()
    assert headers["Content-Type"].split(";")[0] == "text/html"  # else the frame shows its source
    assert headers["Cache-Control"] == "public, max-age=3600"
    assert _answered_by(run, path) == "-"
    again = _get(base + path, {"If-Modified-Since": headers["Last-Modified"]})
    assert (again[0], again[2]) == (304, b"")
    script = next((ROOT / "static/vendor/leaflet/dist").glob("leaflet.js"))
    status, headers, body = _get(f"{base}/app/static/vendor/leaflet/dist/{script.name}")
    assert (status, body) == (200, script.read_bytes())
    assert headers["Content-Type"].split(";")[0] == "text/javascript"
