"""A name such as ``<script>alert(1)</script>`` in the real browser: shown as text, never run.

1. Logged in as admin, add an account with that name through the administrator's page; the
   literal name shows in the confirmation and the user picker.
2. The tiny world's household H05 has that head name: with the period ending 2026-06-30 it is
   in the coverage page's list of households due (and a point on its map).
Each time: no dialog fired, no script element carries the name, nothing was fetched from
outside this machine. Screenshots: test-output/e2e/xss-*.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from i18n import t
from tests import factories as F
from tests.e2e.conftest import OUT, login

XSS = "<script>alert(1)</script>"


@pytest.fixture()
def dialogs(page):
    fired: list[str] = []

    def on_dialog(d):
        fired.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", on_dialog)
    return fired


def _wait_idle(page, timeout: int = 30_000) -> None:
    """Until Streamlit has finished running the script (no 'running' indicator)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout,
    )
    page.wait_for_timeout(300)


def open_admin(page) -> None:
    """Through the sidebar (a new URL would start a new session, logged out)."""
    page.locator("[data-testid='stSidebarNav'] a[href$='/admin']").click()


def _pick(page, box, typed: str, option: str, tries: int = 3) -> None:
    """Choose ``option`` in the multiselect ``box`` by typing ``typed``. Under load the list can be
    drawn again while it is clicked (the option detached); then the drop-down is closed and opened
    again, and the pick is checked on the box itself."""
    for attempt in range(tries):
        box.click()
        page.keyboard.type(typed)
        try:
            page.get_by_role("option", name=option).click(timeout=10_000)
            box.get_by_text(option).wait_for(timeout=10_000)  # the chip: the pick took effect
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")
            _wait_idle(page)


def test_script_name_is_text_on_the_admin_page(page, server, dialogs):
    """A script typed as a new account's name is refused with the rule (auth.users.NEW_NAME_RE), shown as text;
    nothing runs. (An account of the old rule is listed as text: tests/test_admin_page.py.)"""
    login(page, server, "admin", F.PASSWORD)
    open_admin(page)
    page.get_by_role("heading", name=t("admin_page.title")).wait_for(timeout=30_000)
    assert not page.get_by_text("Traceback").count()

    page.get_by_role("tab", name=t("admin_page.tab_users")).click()
    _wait_idle(page)  # a run still drawing the tab closes an open drop-down
    form = page.locator("[data-testid='stForm']").first
    form.locator(f"input[aria-label='{t('admin_page.add_name')}']").fill(XSS)
    _pick(page, form.locator("[data-testid='stMultiSelect']"), "一镇", "一镇（500100001000）")
    page.keyboard.press("Escape")
    form.locator(f"input[aria-label='{t('admin_page.add_password')}']").fill("a-long-password")
    form.locator(f"input[aria-label='{t('admin_page.add_confirm')}']").fill("a-long-password")
    form.get_by_role("button", name=t("admin_page.add_submit")).click()
    _wait_idle(page)

    refused = page.get_by_text(F.phrase("auth.error.bad_name"))
    refused.first.wait_for(timeout=30_000)
    assert not page.locator("[data-testid='stAlertContentSuccess']").count()

    page.screenshot(path=str(OUT / "xss-admin-users.png"), full_page=True)
    assert dialogs == []
    assert page.evaluate("() => document.querySelectorAll('script').length") >= 1  # the page's own
    injected = page.evaluate(
        "() => [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(1)')).length"
    )
    assert injected == 0
    assert page.outside_requests == []


def test_script_name_in_the_audit_log_runs_nothing(page, server, dialogs):
    """The audit log renders without running anything or asking outside. (Its details held the script-named
    account the test above made; such a name is refused since the nineteenth session: an old account of that
    kind is listed as text in tests/test_admin_page.py.)"""
    login(page, server, "admin", F.PASSWORD)
    open_admin(page)
    page.get_by_role("heading", name=t("admin_page.title")).wait_for(timeout=30_000)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
    _wait_idle(page)
    page.screenshot(path=str(OUT / "xss-admin-audit.png"), full_page=True)
    assert dialogs == []
    assert page.outside_requests == []


def test_script_household_name_on_the_coverage_page(page, server, dialogs):
    """H05's head is named ``<script>alert(1)</script>``. With the period ending 2026-06-30 (before
    anyone visited it), H05 is in the coverage page's list of households due, and on its map."""
    login(page, server, "admin", F.PASSWORD)
    period = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").last
    period.click()
    page.get_by_role("option", name=t("period.custom")).click()
    _wait_idle(page)
    # the date field is a react-aria DateField: one spin button per part
    page.get_by_role("spinbutton", name=f"month, {t('sidebar.to')}").click()
    page.keyboard.type("06")
    page.get_by_role("spinbutton", name=f"day, {t('sidebar.to')}").click()
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text(t("sidebar.area"), exact=True).first.click()  # blur: commit the date
    sidebar.get_by_text(t("period.range", start="2026-01-01", end="2026-06-30")).wait_for(timeout=30_000)
    _wait_idle(page)
    heading = page.get_by_role("heading", name=t("coverage.title"))
    for _ in range(3):  # a click during a rerun can be lost: try again
        page.locator("[data-testid='stSidebarNav'] a[href$='/coverage']").click()
        try:
            heading.wait_for(timeout=20_000)
            break
        except Exception:
            continue
    heading.wait_for(timeout=20_000)
    _wait_idle(page)
    due = page.get_by_role("heading").filter(has_text=t("coverage_page.due_title", date="2026-06-30", days=182))
    due.first.wait_for(timeout=30_000)
    due.first.scroll_into_view_if_needed()
    _wait_idle(page)
    page.wait_for_timeout(2000)
    page.screenshot(path=str(OUT / "xss-coverage.png"))
    # the literal name is on the page as text (the list of households due) …
    assert page.get_by_text(XSS, exact=True).count() >= 1
    # … and no frame (the page, the map's iframe) holds a script element that would run it
    for frame in page.frames:
        injected = frame.evaluate(
            "() => [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(1)')"
            " && !s.textContent.includes('lt;script')).length"
        )
        assert injected == 0, frame.url
    page.wait_for_timeout(1000)
    assert dialogs == []
    assert page.outside_requests == []
