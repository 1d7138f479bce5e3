"""The whole app in a real browser (Debian's Chromium), with no network beyond this machine."""

from __future__ import annotations

import pytest

from i18n import t
from tests.e2e.conftest import OUT, count_map_features, login
from tests.e2e.test_journeys_browser import open_options
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_overview_map_draws_polygons_without_network(page, server):
    login(page, server, "admin", PASSWORD)
    page.get_by_role("heading", name=t("overview.title")).wait_for(timeout=30_000)
    n = count_map_features(page)
    page.wait_for_timeout(500)
    page.screenshot(path=str(OUT / "overview.png"), full_page=True)
    assert n >= 1, "the overview map drew no polygons"
    assert not page.outside_requests, f"requests left the machine: {page.outside_requests[:5]}"
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert t("figure.households") in body


def test_login_refuses_wrong_password(page, server):
    page.goto(server)
    page.get_by_label(t("login.username")).fill("admin")
    page.get_by_label(t("login.password")).fill("wrong-password")
    page.get_by_role("button", name=t("login.submit")).click()
    refusal = page.get_by_text(t("login.error.bad_credentials"))
    refusal.wait_for(timeout=15_000)
    page.screenshot(path=str(OUT / "login-refused.png"))
    assert refusal.is_visible()
    # still on the login form: no page navigation, the password field is still asked for
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    assert page.get_by_label(t("login.password")).is_visible()
    assert "Traceback" not in page.inner_text("body")


def test_the_login_form_shows_no_english_enter_hint_and_enter_still_signs_in(page, server):
    """Streamlit writes "Press Enter to submit form" under a text box in a form, in English whatever the
    language: the page style hides it (ui/common.py PAGE_STYLE); Enter still submits the form."""
    page.goto(server)
    page.get_by_label(t("login.username")).fill("admin")
    page.get_by_label(t("login.password")).fill(PASSWORD)
    hint = page.locator("[data-testid='InputInstructions']").first
    hint.wait_for(state="attached", timeout=15_000)  # Streamlit did write its hint under the box typed in
    assert "Press Enter" in hint.text_content()
    assert not page.get_by_text("Press Enter").first.is_visible()
    assert "Press Enter" not in page.inner_text("body")
    page.get_by_label(t("login.password")).press("Enter")
    page.wait_for_selector("[data-testid='stSidebarNav']", timeout=30_000)  # signed in by the Enter key


def test_the_visit_form_keeps_a_long_note_and_an_old_date_as_typed(page, server):
    """The note had max_chars: the browser dropped a paste over the limit whole, without a word; it takes
    it now (the save refuses it with its length) and Streamlit's English hint stays hidden (PAGE_STYLE).
    The date picker's bounds were ten years back: a date typed before them was saved as today; it now
    reaches the save, which judges it (here: before the household's registration) and keeps the form."""
    from analytics.visits import NOTE_MAX
    from tests.factories import phrase

    login(page, server, "grid_leader", PASSWORD)
    note = page.locator(f"textarea[aria-label='{t('weekly_page.note')}']").first
    note.wait_for(timeout=30_000)
    long = "字" * (NOTE_MAX + 1)
    note.fill(long)
    assert note.input_value() == long
    hint = page.locator("[data-testid='stTextArea'] [data-testid='InputInstructions']").first
    hint.wait_for(state="attached", timeout=15_000)
    assert "Press Ctrl+Enter" in hint.text_content() and not hint.is_visible()  # written, not shown
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text=t("weekly_page.household"))
    open_options(page, picker)
    page.get_by_role("option", name="李四", exact=False).first.click()
    date = page.locator("[data-testid='stDateInput'] input").first
    date.fill("2016-11-20")
    date.press("Enter")
    page.get_by_role("button", name=t("weekly_page.submit")).click()
    page.get_by_text(phrase("weekly_page.err.note_too_long")).first.wait_for(timeout=30_000)
    assert note.input_value() == long  # the refusal keeps what was typed
    note.fill("门前路灯坏了")
    page.get_by_role("button", name=t("weekly_page.submit")).click()
    refusal = page.get_by_text(phrase("weekly_page.err.before_created"))
    refusal.first.wait_for(timeout=30_000)
    page.screenshot(path=str(OUT / "visit-form-old-date.png"), full_page=True)
    body = page.inner_text("body")
    assert phrase("weekly_page.saved") not in body
    assert date.input_value() == "2016-11-20" and note.input_value() == "门前路灯坏了"
    # a save that goes through empties the form (removing the widgets' keys left the browser's values, and the
    # next family got the last one's note) and picks the new visit among the recent ones to edit
    # a day no other test records 李四 on (the server is shared: not "already recorded"), outside the week
    # 2026-W47 whose quota the journeys' grid leader reads on the same server (3 / 3 days there)
    date.fill("2026-11-12")
    date.press("Enter")
    page.get_by_role("button", name=t("weekly_page.submit")).click()
    page.get_by_text(phrase("weekly_page.saved")).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(OUT / "visit-form-after-save.png"), full_page=True)
    assert note.input_value() == ""
    assert "李四" not in picker.inner_text()
    from analytics.visits import EDIT_DAYS

    page.get_by_text(t("weekly_page.recent_title", days=EDIT_DAYS)).first.click()
    recent = page.locator("[data-testid='stSelectbox']").filter(has_text=t("weekly_page.recent_pick"))
    recent.first.wait_for(timeout=15_000)
    shown = recent.first.locator("input").first.input_value() or recent.first.inner_text()
    assert "2026-11-12" in shown and "李四" in shown, shown  # the visit recorded last, not the latest day


def test_switching_to_english_after_login(page, server):
    """The language switch re-labels every widget; in the browser this once broke the period picker."""
    login(page, server, "admin", PASSWORD)
    page.get_by_role("radiogroup", name=t("sidebar.language")).get_by_text(t("lang.en")).click()
    page.get_by_text(t("figure.households", "en")).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    body = page.inner_text("body")
    page.screenshot(path=str(OUT / "overview-en.png"), full_page=True)
    assert "Traceback" not in body and "Error" not in body  # Streamlit's own words for a failed run
    assert t("sidebar.period", "en") in body


def coverage_with_phone_visits(page, server) -> None:
    """Signed in as the admin, on the coverage page, phone visits counted beside home visits."""
    from tests.e2e.test_journeys_browser import open_page, wait_idle

    login(page, server, "admin", PASSWORD)
    page.get_by_role("heading", name=t("overview.title")).wait_for(timeout=30_000)
    open_page(page, "coverage")
    page.get_by_test_id("stMultiSelect").filter(has_text=t("kind.home")).first.click()
    page.get_by_role("option", name=t("kind.phone"), exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)


def test_choices_stay_made_when_switching_to_english(page, server):
    """A selectbox, multiselect or radio is sent to the browser as the words of its options; after the language
    switch the browser sent the old words back at the next click and Streamlit went back to the defaults (the
    period to this year, the visits counted to none). ui.common.keep_choices sets them again, worded anew."""
    from tests.e2e.test_journeys_browser import wait_idle

    coverage_with_phone_visits(page, server)
    page.get_by_role("combobox", name=t("sidebar.period")).click()
    page.get_by_role("option", name=t("period.month"), exact=True).click()
    wait_idle(page)
    page.get_by_role("radiogroup", name=t("sidebar.language")).get_by_text(t("lang.en")).click()
    wait_idle(page)
    # the next click sends every widget's value back: here the map's colouring
    page.get_by_text(t("pace.mode.shortfall", "en")).first.click()
    wait_idle(page)
    page.screenshot(path=str(OUT / "choices-en.png"), full_page=True)
    kinds = page.get_by_test_id("stMultiSelect").filter(has_text=t("kind.home", "en")).first
    assert t("kind.phone", "en") in kinds.inner_text()
    assert page.get_by_role("combobox", name=t("sidebar.period", "en")).input_value() == t("period.month", "en")
    # the list of the area's townships, emptied with its clear button, shows "—", not Streamlit's English
    assert page.get_by_role("combobox", name=t("level.township", "en")).get_attribute("placeholder") == "—"
    body = page.inner_text("body")
    assert t("coverage_page.kinds_empty", "en") not in body
    assert "Traceback" not in body
    # a reload (or the link copied) keeps the language: it is in the URL beside the period
    assert "lang=en" in page.url
    page.reload()
    page.get_by_role("heading", name=t("coverage.title", "en")).wait_for(timeout=30_000)
    assert page.get_by_role("combobox", name=t("sidebar.period", "en")).input_value() == t("period.month", "en")


def test_choices_stay_made_after_another_page(page, server):
    """A page's filters are kept when the user opens another page and comes back (persist_state="session"):
    before, Streamlit dropped the state of every widget not drawn, and the coverage page came back counting
    home visits only, coloured by coverage."""
    from tests.e2e.test_journeys_browser import open_page, wait_idle

    coverage_with_phone_visits(page, server)
    page.get_by_text(t("pace.mode.shortfall")).first.click()
    wait_idle(page)
    open_page(page, "responsibility")
    open_page(page, "coverage")
    page.screenshot(path=str(OUT / "choices-after-another-page.png"), full_page=True)
    kinds = page.get_by_test_id("stMultiSelect").filter(has_text=t("kind.home")).first
    assert t("kind.phone") in kinds.inner_text()
    colouring = page.get_by_role("radiogroup", name=t("pace.colour_by"))
    assert colouring.get_by_role("radio", name=t("pace.mode.shortfall")).is_checked()


def test_a_record_opened_from_a_list_keeps_the_language_and_the_period(page, server):
    """A ticked row of 网格责任's search opens the record with st.switch_page, a page switch the browser did
    not ask for: outside a fragment Streamlit then dropped every widget's value, and the record came up in
    Chinese for the whole year after the user had chosen English and this month (app.py, ui/common.py:
    persist_state). H06 (孙七) is opened by no other test of this module."""
    from tests.e2e.test_journeys_browser import open_page, wait_idle

    login(page, server, "admin", PASSWORD)
    page.get_by_role("radiogroup", name=t("sidebar.language")).get_by_text(t("lang.en")).click()
    wait_idle(page)
    open_page(page, "responsibility")
    period = page.get_by_role("combobox", name=t("sidebar.period", "en"))
    period.scroll_into_view_if_needed()
    period.click()
    page.get_by_role("option", name=t("period.month", "en"), exact=True).click()
    wait_idle(page)
    search = page.get_by_label(t("resp_page.search_label", "en"))
    search.fill("H06")
    search.press("Enter")
    wait_idle(page)
    found = page.locator("[data-testid='stDataFrame']").filter(has=page.locator("td", has_text="H06")).first
    found.wait_for(state="attached", timeout=30_000)
    found.scroll_into_view_if_needed()
    box = found.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 35 / 2)  # the only row's tick box, under the header
    page.get_by_role("heading", name=t("household.title", "en")).wait_for(timeout=30_000)
    wait_idle(page)
    page.screenshot(path=str(OUT / "record-from-list-en.png"), full_page=True)
    assert page.get_by_role("combobox", name=t("sidebar.period", "en")).input_value() == t("period.month", "en")
    assert "lang=en" in page.url and "period=month" in page.url
    assert "Traceback" not in page.inner_text("body")


def _phone_as_admin(browser, server):
    """A phone's browser (390 × 844, touch, no hover) signed in as admin, on the overview.

    Returns
    -------
    tuple
        The context (to close) and its page.
    """
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(server)
    page.get_by_label(t("login.username")).fill("admin")
    page.get_by_label(t("login.password")).fill(PASSWORD)
    page.get_by_label(t("login.password")).press("Enter")
    page.get_by_role("heading", name=t("overview.title")).wait_for(timeout=30_000)
    return ctx, page


def test_every_tab_of_a_record_can_be_tapped_on_a_phone(browser, server):
    """On a phone (no hover) a table's toolbar is always shown, above its top right corner: in English it lay
    over the record's last tabs (Pairing, Changes), and a tap there hit the toolbar (room above every table on a
    touch screen: ui/common.py PAGE_STYLE). H02 is opened by no other test of this module."""
    from tests.e2e.test_journeys_browser import wait_idle

    ctx, page = _phone_as_admin(browser, server)
    try:
        page.goto(server + "/household?lang=en")  # a link: the browser's token signs the session in again
        search = page.get_by_label(t("household.search", "en"))
        search.wait_for(timeout=30_000)
        search.fill("H02")
        search.press("Enter")
        tabs = page.get_by_role("tab")
        tabs.first.wait_for(timeout=30_000)
        wait_idle(page)
        assert tabs.count() == 5
        for i in range(1, 5):
            tabs.nth(i).click(timeout=10_000)  # Playwright refuses a click another element would receive
            page.wait_for_timeout(300)
            assert tabs.nth(i).get_attribute("aria-selected") == "true"
        page.screenshot(path=str(OUT / "record-tabs-phone-en.png"), full_page=True)
        assert "Traceback" not in page.inner_text("body")
    finally:
        ctx.close()


def test_grid_responsibility_on_a_phone_lines_up_its_figures_and_leaves_its_titles_clear(browser, server):
    """网格责任 on a phone: its seven figures were seven lines (st.columns stacks on a narrow screen) and the
    grid directory's toolbar, always shown without hover, lay over the directory's title
    (pages/responsibility.py: one wrapping row; room above every table on a touch screen: ui/common.py
    PAGE_STYLE)."""
    from tests.e2e.test_journeys_browser import wait_idle

    ctx, page = _phone_as_admin(browser, server)
    try:
        page.goto(server + "/responsibility")  # a link: the browser's token signs the session in again
        county = "测试县"  # the tiny world's county (tests/factories.py)
        title = page.get_by_role("heading", name=t("resp_page.directory_title", area=county))
        title.wait_for(timeout=30_000)
        wait_idle(page)
        grids = page.get_by_test_id("stMetric").filter(has_text=t("figure.grids")).first.bounding_box()
        staffed = page.get_by_test_id("stMetric").filter(has_text=t("resp_page.status.ok")).first.bounding_box()
        assert abs(grids["y"] - staffed["y"]) < 2, (grids, staffed)  # side by side, not one under the other
        title.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        # where the title's words are drawn (the heading's box has room around them)
        head = title.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e); const b = r.getBoundingClientRect();"
            " return {x: b.x, y: b.y, width: b.width, height: b.height}; }"
        )
        bars = page.get_by_test_id("stElementToolbar")
        assert bars.count() > 0  # the directory's toolbar, always shown on a touch screen
        for i in range(bars.count()):
            bar = bars.nth(i).bounding_box()
            if bar and bar["width"] and bar["height"]:
                # 2 px: the words' line box reaches below the glyphs
                below = bar["y"] >= head["y"] + head["height"] - 2 or bar["y"] + bar["height"] <= head["y"]
                beside = bar["x"] >= head["x"] + head["width"] or bar["x"] + bar["width"] <= head["x"]
                assert below or beside, (bar, head)
        page.screenshot(path=str(OUT / "responsibility-phone.png"), full_page=True)
        assert "Traceback" not in page.inner_text("body")
    finally:
        ctx.close()


def test_the_custom_period_shows_whole_dates_in_the_sidebar(page, server):
    """开始日期 and 结束日期 side by side in the sidebar showed "2026 - 12 - 0": the day was cut off (ui/common.py:
    one under the other)."""
    from tests.e2e.test_journeys_browser import wait_idle

    login(page, server, "admin", PASSWORD)
    period = page.get_by_role("combobox", name=t("sidebar.period"))
    period.scroll_into_view_if_needed()
    period.click()
    page.get_by_role("option", name=t("period.custom"), exact=True).click()
    wait_idle(page)
    fields = page.get_by_test_id("stDateInputFieldsScroller")
    fields.first.wait_for(timeout=30_000)
    assert fields.count() == 2
    for i in range(2):
        shown, needed = fields.nth(i).evaluate("e => [e.clientWidth, e.scrollWidth]")
        assert needed <= shown + 1, (i, shown, needed)
    page.get_by_test_id("stSidebar").screenshot(path=str(OUT / "custom-period-sidebar.png"))


#: each visible table's toolbar and the box of the nearest element drawn above the table (its element
#: container's previous sibling that takes room), in page coordinates
TOOLBARS_AND_ABOVE = """() => {
  const box = e => { const b = e.getBoundingClientRect(); return {x: b.x, y: b.y, width: b.width, height: b.height}; };
  const out = [];
  for (const df of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    const bar = df.querySelector('[data-testid="stElementToolbar"]');
    if (!bar || !bar.getBoundingClientRect().width) continue;
    let above = df.closest('[data-testid="stElementContainer"]').previousElementSibling;
    while (above && !above.getBoundingClientRect().height) above = above.previousElementSibling;
    if (above) out.push({bar: box(bar), above: box(above), words: above.innerText.slice(0, 40)});
  }
  return out; }"""


def test_no_tables_toolbar_covers_what_is_above_it_on_a_phone(browser, server):
    """On a phone (no hover) Streamlit always shows a table's toolbar above the table's top right corner: it
    lay over the title above the coverage page's table and the words above its due list. The page style
    gives every table on a touch screen the room (ui/common.py PAGE_STYLE), not one page at a time."""
    from tests.e2e.test_journeys_browser import wait_idle

    ctx, page = _phone_as_admin(browser, server)
    try:
        page.goto(server + "/coverage")  # a link: the browser's token signs the session in again
        page.get_by_test_id("stDataFrame").nth(1).wait_for(timeout=30_000)  # the areas' table and the due list
        wait_idle(page)
        found = page.evaluate(TOOLBARS_AND_ABOVE)
        assert len(found) == 2, found
        for f in found:
            bar, above = f["bar"], f["above"]
            clear = bar["y"] >= above["y"] + above["height"] or bar["y"] + bar["height"] <= above["y"]
            assert clear, f  # the toolbar sits wholly below what is above the table
        page.get_by_test_id("stDataFrame").first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT / "coverage-table-phone.png"))
        assert "Traceback" not in page.inner_text("body")
    finally:
        ctx.close()
