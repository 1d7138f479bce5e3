"""Two app processes behind nginx on one PostgreSQL database (scripts/serve.sh --processes 2), in a
real browser: a visit recorded through nginx is on the pages of both processes, and so is one the
command line imports while they run. Screenshots: test-output/e2e/processes-*.png.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from i18n import t
from tests import factories as F
from tests.e2e.conftest import OUT, ROOT
from tests.e2e.test_journeys_browser import wait_idle
from tests import serving

pytestmark = [pytest.mark.e2e, *serving.NEEDS]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """scripts/serve.sh --processes 2 on a tiny world: (nginx URL, [the two processes' URLs], database URL,
    serve.sh's output)."""
    with serving.serve_processes(tmp_path_factory.mktemp("served")) as s:
        yield s.nginx, s.processes, s.url, s.log


def _member_week(browser, base: str, shot: str) -> str:
    """The member's weekly page (their home page) on one address; returns its text."""
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    try:
        page.goto(base)
        page.get_by_label(t("login.username")).fill("member")
        page.get_by_label(t("login.password")).fill(F.PASSWORD)
        page.get_by_label(t("login.password")).press("Enter")
        page.get_by_text(t("weekly_page.metric.days")).first.wait_for(timeout=120_000)
        wait_idle(page)
        page.screenshot(path=str(OUT / shot), full_page=True)
        return page.inner_text("body")
    finally:
        ctx.close()


def _record_visit(page, code: str) -> None:
    """Picks the household ``code`` in the visit form and saves; waits for the page's answer.

    The option is clicked, not typed and entered, and the pick is tried again while the page answers
    "choose a household": on a loaded machine the page's map can make Streamlit run the page again after
    it looked idle, which closed the open list under the click (two CI runs saved no visit).
    """
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text=t("weekly_page.household"))
    saved = page.get_by_text(F.phrase("weekly_page.saved"))
    refused = page.get_by_text(F.phrase("weekly_page.pick_household"))
    for _ in range(5):
        try:
            picker.click()
            page.get_by_role("option", name=code, exact=False).first.click(timeout=20_000)
        except PlaywrightTimeout:
            wait_idle(page)
            continue
        page.get_by_role("button", name=t("weekly_page.submit")).click()
        wait_idle(page, 120_000)
        saved.or_(refused).first.wait_for(timeout=120_000)
        if saved.count():
            return
        wait_idle(page)
    raise AssertionError(page.inner_text("body")[:2000])


def test_a_visit_recorded_through_one_process_shows_on_the_other(browser, served, tmp_path):
    nginx, processes, url, serve_log = served
    OUT.mkdir(parents=True, exist_ok=True)
    # S3 (member, grid 丙村 W01) has no home visit in 2026-W47 yet
    for i, base in enumerate(processes):
        assert t("weekly_page.metric.days_value", days=0, target=3) in _member_week(
            browser, base, f"processes-before-{i}.png"
        )

    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    try:
        page.goto(nginx)  # through nginx: WebSocket upgrade and all
        page.get_by_label(t("login.username")).fill("member")
        page.get_by_label(t("login.password")).fill(F.PASSWORD)
        page.get_by_label(t("login.password")).press("Enter")
        page.get_by_text(t("weekly_page.form_title")).first.wait_for(timeout=120_000)
        wait_idle(page)
        # the page's maps: their frame and Leaflet from nginx (/app/static/, deploy/nginx.conf.template)
        page.wait_for_function(
            "() => [...document.querySelectorAll('iframe')].some(f => f.src.includes('/vendor/streamlit-folium/'))",
            timeout=60_000,
        )
        frame = next(f for f in page.frames if "/vendor/streamlit-folium/" in f.url)
        frame.wait_for_selector(".leaflet-container", timeout=60_000)
        _record_visit(page, "H09")
        page.screenshot(path=str(OUT / "processes-recorded.png"), full_page=True)
    finally:
        ctx.close()

    # while both processes run, the command line imports another visit of S3 (Saturday)
    f = F.write_csv(tmp_path / "v.csv", ["户编号", "工号", "走访日期"], [["H08", "S3", "2026-11-21"]])
    p = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "--db", str(url), "import", "visits", str(f)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**{k: v for k, v in os.environ.items() if k != "LIANXIN_DB"}, "LIANXIN_FAST_HASH": "1"},
    )
    assert p.returncode == 0 and "imported 1" in p.stdout, p.stderr

    assert set(_answered_by(serve_log, "/app/static/vendor/streamlit-folium/index.html")) == {"-"}  # nginx itself

    for i, base in enumerate(processes):  # each process, whichever nginx chose
        body = _member_week(browser, base, f"processes-after-{i}.png")
        assert t("weekly_page.metric.days_value", days=2, target=3) in body, body[:2000]
        assert "Traceback" not in body


def _answered_by(serve_log: Path, path: str) -> list[str]:
    """The app processes (host:port) nginx sent the requests for ``path`` to, in order (its access log)."""
    run = re.search(r"logs in (\S+);", serve_log.read_text()).group(1)
    lines = (Path(run) / "access.log").read_text().splitlines()
    return [line.rsplit(" ", 1)[-1] for line in lines if f"GET {path}" in line]


def test_browsers_behind_one_address_spread_over_the_processes_and_each_keeps_its_own(served):
    """Sticky by a cookie nginx sets, not by address: 24 new browsers from one address (an office
    behind one NAT) use both processes; a browser that has its cookie always comes back to one."""
    nginx, processes, _, serve_log = served
    ports = {p.rsplit(":", 1)[1] for p in processes}
    cookies = []
    for i in range(24):
        with urllib.request.urlopen(f"{nginx}/_stcore/health?new={i}", timeout=30) as r:
            assert r.status == 200
            cookie = [c for c in r.headers.get_all("Set-Cookie") or [] if c.startswith("lianxin_backend=")]
        assert len(cookie) == 1 and "HttpOnly" in cookie[0]
        cookies.append(cookie[0].split(";", 1)[0])
    deadline = time.time() + 30
    while len(firsts := _answered_by(serve_log, "/_stcore/health?new=")) < 24 and time.time() < deadline:
        time.sleep(0.2)
    assert {a.rsplit(":", 1)[1] for a in firsts} == ports  # 2^-23 to fail by chance
    for j in range(6):
        req = urllib.request.Request(f"{nginx}/_stcore/health?again={j}", headers={"Cookie": cookies[0]})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 200  # the browser keeps its id
            assert not any(c.startswith("lianxin_backend=") for c in r.headers.get_all("Set-Cookie") or [])
    deadline = time.time() + 30  # nginx writes a request's log line once it has answered it
    while len(again := _answered_by(serve_log, "/_stcore/health?again=")) < 6 and time.time() < deadline:
        time.sleep(0.2)
    assert len(again) == 6 and set(again) == {firsts[0]}
