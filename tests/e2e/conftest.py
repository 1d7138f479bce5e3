"""Real-browser fixtures: a Streamlit server on a tiny world and Debian's Chromium driven by Playwright.

Screenshots go to test-output/e2e/ (git-ignored); look at them.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from store.cluster import free_port
from tests.stores import on_postgres

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output" / "e2e"
CHROMIUM = os.environ.get("LIANXIN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@contextlib.contextmanager
def serve(dbp: Path, folder: Path, today: str = "2026-11-22"):
    """`streamlit run app.py` on the database ``dbp`` (``LIANXIN_TODAY`` = ``today``); yields its base URL."""
    port = free_port()
    env = dict(os.environ, LIANXIN_DB=str(dbp), LIANXIN_TODAY=today, LIANXIN_FAST_HASH="1")
    log = open(folder / "streamlit.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("streamlit did not start: " + (folder / "streamlit.log").read_text()[-2000:])
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def server(tiny_template, tmp_path_factory):
    """Start `streamlit run app.py` on a tiny world; yields its base URL."""
    from tests import factories, stores

    folder = tmp_path_factory.mktemp("e2e")
    dbp = stores.copy_db(tiny_template, folder, "tiny")
    factories.write_sources(folder)
    with serve(dbp, folder) as url:
        yield url


#: the benchmark tools' browser tests (bench/load.py, browser_cost.py, page_bytes.py): each runs on a copy of
#: a DuckDB file the test builds, whatever the suite's store
BENCH_ON_DUCKDB = pytest.mark.skipif(
    on_postgres(),
    reason="the benchmark runs on a DuckDB file it builds, whatever the suite's store: the DuckDB round "
    "ran it (the PostgreSQL round would repeat it exactly)",
)


@pytest.fixture()
def bench_world(tmp_path):
    """A tiny world's DuckDB file for a benchmark tool, with Debian's Chromium there to drive it.

    Yields the file's path; afterwards the file must be as it was (the tools work on a copy).
    """
    from tests import factories as F

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: install Debian's chromium (apt-get install chromium)")
    dbp = tmp_path / "tiny.duckdb"
    F.build(dbp).close()
    before = dbp.read_bytes()
    yield dbp
    assert dbp.read_bytes() == before, "the benchmark wrote to the data set it was given, not to a copy"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    """A fresh page that refuses every request leaving this machine (proves: no CDN)."""
    OUT.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    outside = refuse_outside(ctx)
    pg = ctx.new_page()
    pg.outside_requests = outside
    yield pg
    ctx.close()


def refuse_outside(ctx) -> list[str]:
    """Make a browser context refuse every request leaving this machine; returns the list of the
    refused URLs (empty when the page fetched nothing from outside)."""
    outside: list[str] = []

    def guard(route):
        u = route.request.url
        if u.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")):
            return route.continue_()
        outside.append(u)
        return route.abort()

    ctx.route("**/*", guard)
    return outside


def login(page, server: str, name: str, password: str) -> None:
    from i18n import t

    page.goto(server)
    page.get_by_label(t("login.username")).fill(name)
    page.get_by_label(t("login.password")).fill(password)
    page.get_by_role("button", name=t("login.submit")).click()
    page.wait_for_selector("[data-testid='stSidebarNav']", timeout=30_000)


def count_map_features(page, timeout_ms: int = 30_000) -> int:
    """Polygons drawn by Leaflet inside the streamlit-folium iframe (canvas or SVG)."""
    deadline = time.time() + timeout_ms / 1000
    n = 0
    while time.time() < deadline:
        for frame in page.frames:
            try:
                n = frame.evaluate("""() => {
                    const maps = Object.values(window).filter(v => v && v._container && v.eachLayer);
                    let k = 0;
                    for (const m of maps) m.eachLayer(l => { if (l.feature && l._parts !== undefined
                        && l._parts.length) k++; });
                    return k; }""")
            except Exception:
                continue
            if n:
                return n
        time.sleep(0.5)
    return n
