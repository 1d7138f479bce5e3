"""Today's walk on a phone (390×844) in a real browser, no network (issue 20).

The walk world (tests/factories.py add_walk_world): the grid leader ``walker`` allows the phone's
position, standing at the east end of the row of households; the walk then starts there (W4 first),
the map draws the numbered stops, and a tap on "已入户走访" records the visit, ticks the stop and
moves the highlight to the next one. Screenshots: test-output/e2e/walk-*.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from i18n import t
from tests import factories as F
from tests.e2e.conftest import OUT, refuse_outside, serve
from tests.e2e.test_journeys_browser import open_options, wait_idle

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def walk_server(walk_template, tmp_path_factory):
    """Start the app on a tiny world with the walk world; yields its base URL."""
    folder = tmp_path_factory.mktemp("e2e-walk")
    dbp = F.copy_db(walk_template, folder, "walk")
    with serve(dbp, folder) as url:
        yield url


def sign_in_walker(page, server: str) -> None:
    """Sign in as the grid leader ``walker`` of this module's world (the weekly page opens)."""
    page.goto(server)
    page.get_by_label(t("login.username")).fill("walker")
    page.get_by_label(t("login.password")).fill(F.PASSWORD)
    page.get_by_label(t("login.password")).press("Enter")


def wait_text(page, *texts: str, timeout: float = 30) -> str:
    """The page's text once it holds every one of ``texts`` and Streamlit is idle (a run in
    progress shows the elements it has not reached yet only after it reaches them)."""
    import time

    deadline = time.time() + timeout
    body = ""
    while time.time() < deadline:
        wait_idle(page)
        body = page.inner_text("body")
        if all(x in body for x in texts):
            return body
    (OUT / "walk-last-body.txt").write_text(body)
    raise AssertionError(f"the page never showed all of {texts}")


def stop_markers(page, expect: str | None = None, timeout: float = 30) -> list[str]:
    """The labels of the numbered stops drawn by Leaflet inside the map's iframe (once one of them
    is ``expect``, when given: after a rerun the new map may not be drawn yet)."""
    import time

    deadline = time.time() + timeout
    got: list[str] = []
    while time.time() < deadline:
        for frame in page.frames:
            try:
                got = frame.evaluate("() => Array.from(document.querySelectorAll('.lx-stop')).map(e => e.innerText)")
            except Exception:
                continue
            if got and (expect is None or expect in got):
                return got
        page.wait_for_timeout(500)
    return got


def test_a_grid_leader_walks_from_where_they_stand_and_records_a_visit(browser, walk_server):
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        is_mobile=True,
        geolocation={"longitude": 107.40, "latitude": 30.1},
        permissions=["geolocation"],
    )
    outside = refuse_outside(ctx)
    page = ctx.new_page()
    try:
        sign_in_walker(page, walk_server)
        unplaced, due = t("walk.unplaced_title", n=1), t("weekly_page.due_title")
        body = wait_text(page, t("walk.title"), unplaced, due)  # the walk, then the due list
        assert t("walk.start.last_visit", code="W0") in body and t("walk.straight_lines") in body
        assert "无坐标户" in body  # the household's name (data)
        page.get_by_text(t("walk.use_position")).click()
        wait_text(page, t("walk.start.position"), unplaced, due)
        page.get_by_text(t("walk.title")).first.scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / "walk-phone-planned.png"))
        page.locator("iframe[title*='folium']").first.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        page.screenshot(path=str(OUT / "walk-phone-map.png"))
        page.get_by_text("无坐标户").first.scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / "walk-phone-list.png"))
        assert sorted(stop_markers(page)) == ["1", "2", "3", "4", "5"]
        buttons = page.get_by_role("button", name=t("walk.record"))
        assert buttons.count() == 6  # five stops and the household without a point
        first_row = page.locator("[data-testid='stMarkdownContainer']", has_text="四号户").first
        assert t("walk.next_label").strip("*") in first_row.inner_text()  # from the east end W4 is first
        buttons.first.click()
        body = wait_text(page, t("walk.done"), unplaced, due)
        assert "四号户" in body
        # the new list may be drawn while the old one's buttons are still there: wait for the count
        expect(page.get_by_role("button", name=t("walk.record"))).to_have_count(5, timeout=30_000)
        nxt = page.locator("[data-testid='stMarkdownContainer']", has_text=t("walk.next_label").strip("*"))
        nxt = nxt.first.inner_text()
        assert "五号户" in nxt  # the highlight moved to the next stop
        markers = stop_markers(page, expect="✓")
        assert "✓" in markers and len(markers) == 5
        page.get_by_text(t("walk.title")).first.scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / "walk-phone-recorded.png"))
        assert "Traceback" not in body
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 400
        # the record of the household just visited (the first stop), one tap away, with that visit
        page.get_by_role("button", name=t("household.open")).first.click()
        # the visits' tab is drawn after the header (the record's tabs come later in its run): waited for too
        body = wait_text(page, t("household.audit_notice"), "四号户 · W4", "网格长戊 S5", t("household.tab.visit", n=1))
        page.screenshot(path=str(OUT / "walk-phone-record.png"))
        assert f"{t('household.field.last_home_visit')}：2026-11-22" in body and t("household.tab.visit", n=1) in body
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 400
        assert not outside
    finally:
        ctx.close()


def test_a_visit_recorded_at_the_walk_takes_the_place_of_an_edits_toast(browser, walk_server):
    """An edit's toast (10 s) was still up when the next visit recorded at the walk said "已登记"
    below the walk's title: two messages at once, the older one about another household. The walk's
    message is a toast too now, and it replaces the edit's (Streamlit replaces a toast still up by the
    one at the same place of the next run's toasts)."""
    from analytics.visits import EDIT_DAYS

    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    toasts = page.locator("[data-testid='stToast']")
    saved, edited = F.phrase("weekly_page.saved"), F.phrase("weekly_page.edited")
    try:
        sign_in_walker(page, walk_server)
        wait_text(page, t("walk.title"), t("weekly_page.due_title"))
        wait_idle(page)  # no run of the page under way: a click during one can be lost (CI, PostgreSQL round)
        page.get_by_text(t("weekly_page.recent_title", days=EDIT_DAYS)).click()  # W0's visit of 11-20
        wait_idle(page)
        page.get_by_text(t("weekly_page.needs_action")).last.click()
        page.get_by_role("button", name=t("weekly_page.edit_submit")).click()
        toasts.filter(has_text=edited).first.wait_for(timeout=30_000)
        page.get_by_role("button", name=t("walk.record")).first.click()  # at once: the edit's toast is up
        page.locator("[data-testid='stAlert']", has_text=saved).first.wait_for(timeout=30_000)  # at the walk
        wait_idle(page)
        page.screenshot(path=str(OUT / "walk-desk-toasts.png"))
        shown = [toasts.nth(i).inner_text() for i in range(toasts.count())]
        assert len(shown) == 1 and saved in shown[0], shown
    finally:
        ctx.close()


def test_a_recent_visit_whose_date_is_changed_stays_picked(browser, walk_server):
    """On the phone, a recent visit moved to another day left the picker: the pick's state is its label,
    the label had changed, and the edit form showed the list's first visit (another household's, the
    next save would have changed it). The visit just changed stays picked, with its new date."""
    from analytics.visits import EDIT_DAYS

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = ctx.new_page()
    edited = F.phrase("weekly_page.edited")
    try:
        sign_in_walker(page, walk_server)
        wait_text(page, t("walk.title"), t("weekly_page.due_title"))
        # a visit of today first in the recent list (whatever this module's other tests recorded)
        page.get_by_role("button", name=t("walk.record")).first.click()
        wait_text(page, F.phrase("weekly_page.saved"), t("weekly_page.due_title"))
        page.get_by_text(t("weekly_page.recent_title", days=EDIT_DAYS)).click()
        wait_idle(page)
        recent = page.locator("[data-testid='stExpander']").last
        picker = recent.locator("[data-testid='stSelectbox']").first
        picked = picker.locator("input").first  # the pick's words are the value of its text box
        open_options(page, picker)
        page.locator("[role='option']", has_text="W0").first.click()  # W0's visit of 11-20 (or earlier)
        wait_idle(page)
        assert "W0" in picked.input_value() and "2026-11-22" not in picked.input_value()
        day = recent.locator("[data-testid='stDateInput'] input")
        day.fill("2026-11-15")
        day.press("Enter")
        expect(day).to_have_value("2026-11-15")
        page.wait_for_timeout(300)  # the picker's calendar closed, the value kept by the form
        recent.get_by_role("button", name=t("weekly_page.edit_submit")).click()
        page.locator("[data-testid='stToast']", has_text=edited).first.wait_for(timeout=30_000)
        wait_idle(page)
        page.screenshot(path=str(OUT / "walk-phone-edited-stays.png"))
        shown = picked.input_value()
        assert "W0" in shown and "2026-11-15" in shown, shown
        assert recent.locator("[data-testid='stDateInput'] input").input_value() == "2026-11-15"
    finally:
        ctx.close()
