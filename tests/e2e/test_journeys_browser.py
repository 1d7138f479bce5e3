"""The three journeys in a real browser on the tiny world (tests/factories.py), no network.

1. Street office: drill county → township → village → grid by clicking the coverage map, and see
   the list of households due.
2. Grid leader on a phone (390×844): this week's quota, met, above the fold.
3. County leader: the hotspot map draws every village.
Plus the responsibility map. Screenshots: test-output/e2e/journey-*.png.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from i18n import t
from tests import factories as F
from tests.e2e.conftest import OUT, count_map_features, login

pytestmark = pytest.mark.e2e


def wait_idle(page, timeout: int = 30_000) -> None:
    """Until Streamlit has finished the script run."""
    page.wait_for_timeout(400)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout,
    )
    page.wait_for_timeout(400)


def open_options(page, box) -> None:
    """Open the list of the selectbox ``box`` (a locator of its ``stSelectbox``).

    A run of the page that ends while the list is opening closes it again, and a busy machine may take
    the first click before the box listens: open it again, up to three times."""
    for _ in range(3):
        wait_idle(page)
        box.click()
        try:
            page.locator("[role='option']").first.wait_for(timeout=5_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    page.screenshot(path=str(OUT / "options-did-not-open.png"))
    raise AssertionError("the selectbox's list did not open")


def choose(page, box, words: str) -> None:
    """Choose the option of the selectbox ``box`` that holds ``words`` (its list closed after)."""
    open_options(page, box)
    page.locator("[role='option']", has_text=words).first.click()
    page.locator("[role='listbox']").wait_for(state="hidden")


def open_page(page, path: str) -> None:
    """Through the sidebar navigation (a new URL would be a new, logged-out session)."""
    page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").click()
    wait_idle(page)


def crumb(page, name: str):
    """The sidebar breadcrumb entry of an area (it appears once the area is selected)."""
    return page.locator("[data-testid='stSidebar'] [data-testid='stCaptionContainer']", has_text=name).first


def click_map_at(page, lat: float, lon: float, timeout_ms: int = 30_000) -> None:
    """Click the Leaflet map (inside the streamlit-folium iframe) at a geographic point.

    After a rerun the old iframe may still be on its way out and the new one not drawn yet, so
    look again until a drawn map is found.
    """
    deadline = time.time() + timeout_ms / 1000
    while time.time() < deadline:
        for frame in page.frames:
            try:
                drawn = frame.evaluate("""() => { const m = window.map; if (!m || !m.eachLayer) return 0;
                    let k = 0; m.eachLayer(l => { if (l.feature) k++; }); return k; }""")
                if not drawn:
                    continue
                frame.frame_element().scroll_into_view_if_needed()
                page.wait_for_timeout(300)
                xy = frame.evaluate(
                    """([lat, lon]) => {
                    const m = window.map; const p = m.latLngToContainerPoint([lat, lon]);
                    const r = m._container.getBoundingClientRect();
                    return [p.x + r.left, p.y + r.top]; }""",
                    [lat, lon],
                )
                box = frame.frame_element().bounding_box()
            except Exception:  # the frame went away while we looked: look again
                continue
            if xy and box:
                page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
                wait_idle(page)
                return
        page.wait_for_timeout(500)
    raise AssertionError("no drawn Leaflet map found on the page")


def drill(page, lat: float, lon: float, name: str) -> None:
    """Click the map at a point until the breadcrumb shows ``name``: under load the click can land on
    the previous level's map while it is being replaced (then it drills nowhere new); a click on the
    map that is drawn then is what a user would do next."""
    for _ in range(3):
        click_map_at(page, lat, lon)
        try:
            crumb(page, name).wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    crumb(page, name).wait_for(timeout=15_000)


def test_office_drills_from_county_to_grid_and_sees_due_households(page, server):
    login(page, server, "admin", F.PASSWORD)
    open_page(page, "coverage")
    page.get_by_role("heading", name=t("coverage.title")).wait_for(timeout=30_000)
    # county → 一镇 (west half) → 乙村 (107.1–107.2) → its only grid
    drill(page, 30.1, 107.05, "一镇")
    drill(page, 30.1, 107.15, "乙村")
    page.screenshot(path=str(OUT / "journey-coverage-village.png"), full_page=True)
    drill(page, 30.1, 107.15, "第一网格")
    wait_idle(page)
    # visited by phone only: due for a home visit (the table's cells are in the DOM, hidden, for screen
    # readers; waited for, not counted at one moment: the grid redraws its cells as it settles)
    page.locator("[data-testid='stDataFrame'] td", has_text="H07").first.wait_for(state="attached", timeout=30_000)
    body = page.inner_text("body")
    page.screenshot(path=str(OUT / "journey-coverage-grid.png"), full_page=True)
    assert t("figure.due") in body and t("coverage_page.due_count", n=1) in body
    assert "Traceback" not in body
    assert not page.outside_requests


def test_grid_leader_sees_this_weeks_quota_on_a_phone(browser, server):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = ctx.new_page()
    try:
        page.goto(server)
        page.get_by_label(t("login.username")).fill("grid_leader")
        page.get_by_label(t("login.password")).fill(F.PASSWORD)
        page.get_by_label(t("login.password")).press("Enter")
        page.get_by_text(t("weekly_page.metric.days")).first.wait_for(timeout=30_000)  # the weekly page is their home
        wait_idle(page)
        page.screenshot(path=str(OUT / "journey-weekly-phone.png"))
        body = page.inner_text("body")
        days = t("weekly_page.metric.days_value", days=3, target=3)
        assert days in body and t("weekly_page.met") in body  # S1: Mon, Wed, Sun of 2026-W47
        assert t("weekly_page.week_range", start="2026-11-16", end="2026-11-22") in body
        assert "Traceback" not in body
        # the page fits the phone: nothing wider than the screen
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 400
    finally:
        ctx.close()


def test_leader_hotspot_map_draws_every_village(page, server):
    login(page, server, "leader", F.PASSWORD)
    open_page(page, "hotspots")
    page.get_by_role("heading", name=t("hotspots_page.title")).wait_for(timeout=30_000)
    n = count_map_features(page)
    page.screenshot(path=str(OUT / "journey-hotspots.png"), full_page=True)
    assert n >= 3  # 甲村, 乙村, 丙村
    assert "Traceback" not in page.inner_text("body")
    assert not page.outside_requests


def test_responsibility_map_draws(page, server):
    login(page, server, "office", F.PASSWORD)
    open_page(page, "responsibility")
    n = count_map_features(page)
    page.screenshot(path=str(OUT / "journey-responsibility.png"), full_page=True)
    assert n >= 1
    assert "Traceback" not in page.inner_text("body")


def test_office_opens_an_area_from_the_coverage_table(page, server):
    """The other way down: a tick in the table's row opens that area (the row is read before the table is
    drawn again: pages/coverage.py table_part), and the page shows the area's own table."""
    login(page, server, "admin", F.PASSWORD)
    open_page(page, "coverage")
    page.get_by_role("heading", name=t("coverage.title")).wait_for(timeout=30_000)
    table = page.locator("[data-testid='stDataFrame']").first
    # the first row's name, from the cells the grid keeps in the page for screen readers
    first = table.locator("tbody tr").first
    first.wait_for(state="attached", timeout=30_000)
    name = next(n for n in ("一镇", "二镇") if n in first.inner_text())
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    header = table.locator("thead tr").first.bounding_box() if table.locator("thead tr").count() else None
    row_h = 35
    top = box["y"] + (header["height"] if header and header["height"] else row_h)
    page.mouse.click(box["x"] + 18, top + row_h / 2)  # the row's tick box, at the row's left end
    crumb(page, name).wait_for(timeout=30_000)
    wait_idle(page)
    body = page.inner_text("body")
    assert t("coverage_page.table_title", level=t("level.village")) in body
    assert "Traceback" not in body
    page.screenshot(path=str(OUT / "journey-coverage-table-pick.png"), full_page=True)


def test_leader_hovers_a_village_through_the_petition_density(page, server):
    """The density picture lies over the villages: a hover or a click goes through it to the village below
    (gis/maps.py _MAP_CSS; before, its canvas took every hover and click, and no tooltip showed)."""
    login(page, server, "leader", F.PASSWORD)
    open_page(page, "hotspots")
    page.get_by_role("heading", name=t("hotspots_page.title")).wait_for(timeout=30_000)
    page.get_by_text(t("hotspots_page.heat"), exact=True).click()
    wait_idle(page)
    count_map_features(page)
    under = None
    deadline = time.time() + 30  # the map with the density layer replaces the one without it
    while not (under and under["heat"]) and time.time() < deadline:
        under = _density_under(page)
        if not (under and under["heat"]):
            page.wait_for_timeout(500)
    page.screenshot(path=str(OUT / "journey-hotspots-density.png"), full_page=True)
    assert under and under["heat"], "no density layer drawn"
    assert "leaflet-heatmap-layer" not in under["cls"], under


def _density_under(page) -> dict | None:
    """Whether a map frame draws the density layer, and the class of what lies under 30.1 N 107.05 E there."""
    under = None
    for frame in page.frames:
        try:
            under = frame.evaluate(
                """([lat, lon]) => {
                const m = window.map; if (!m || !m.eachLayer) return null;
                const heat = m._container.querySelector('canvas.leaflet-heatmap-layer');
                const p = m.latLngToContainerPoint([lat, lon]); const r = m._container.getBoundingClientRect();
                const e = document.elementFromPoint(p.x + r.left, p.y + r.top);
                return {heat: !!heat, cls: e ? String(e.className.baseVal ?? e.className) : ''}; }""",
                [30.1, 107.05],
            )
        except Exception:  # a frame on its way out
            continue
        if under and under["heat"]:
            break
    return under
