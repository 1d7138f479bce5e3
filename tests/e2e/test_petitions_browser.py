"""信访办理 in a real browser on the tiny world, no network: the status form after a save.

A selectbox's choice travels between the browser and the server as its words; the words of an open
item carry its status, so a save changed them and the browser's old words matched no option: the
next save went to the list's first item, another petition. Screenshots: test-output/e2e/petitions-*.png.
"""

from __future__ import annotations

import pytest

from i18n import t
from tests import factories as F
from tests.e2e.conftest import OUT, login, serve
from tests.e2e.test_journeys_browser import choose, open_options, open_page, wait_idle
from tests.e2e.test_walk_browser import wait_text

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def petitions_server(tiny_template, tmp_path_factory):
    """The app on this module's own copy of the tiny world (its petitions are changed here); yields
    its base URL."""
    folder = tmp_path_factory.mktemp("e2e-petitions")
    dbp = F.copy_db(tiny_template, folder, "petitions")
    F.write_sources(folder)
    with serve(dbp, folder, today="2026-11-26") as url:
        yield url


def _offered(page, box) -> list[str]:
    """The words of every option of the selectbox ``box`` (its list opened and closed again)."""
    open_options(page, box)
    words = page.locator("[role='option']").all_inner_texts()
    page.keyboard.press("Escape")
    page.locator("[role='listbox']").wait_for(state="hidden")
    return words


def test_a_second_save_goes_to_the_same_petition(browser, petitions_server):
    """The clerk takes up P4 (the list's second open item, P2 first), then replies to it: both saves
    change P4, P2 is left as it was, each save's sentence stays on the page, and the form is fresh
    after it."""
    url = petitions_server
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    try:
        login(page, url, "admin", F.PASSWORD)
        open_page(page, "petitions")
        form = page.locator("[data-testid='stForm']").first
        picker = form.locator("[data-testid='stSelectbox']").first
        choose(page, picker, "P4")
        status = form.locator("[data-testid='stSelectbox']").nth(1)
        choose(page, status, t("status.in_progress"))
        form.get_by_role("button", name=t("petitions_page.save")).click()
        wait_text(page, t("petitions_page.saved", id="P4", status=t("status.in_progress")))
        assert "P4" in picker.locator("input").first.input_value()
        choose(page, status, t("status.replied"))
        form.locator("textarea").first.fill("已电话答复")
        form.get_by_role("button", name=t("petitions_page.save")).click()
        wait_text(page, t("petitions_page.saved", id="P4", status=t("status.replied")))
        wait_idle(page)
        page.screenshot(path=str(OUT / "petitions-second-save.png"), full_page=True)
        # a fresh form: the reply gone, the satisfaction its first option in the page's words
        assert form.locator("textarea").first.input_value() == ""
        satisfaction = form.locator("[data-testid='stSelectbox']").nth(2)
        assert satisfaction.locator("input").first.input_value() == t("petitions_page.satisfaction_none")
        offered = _offered(page, picker)
        p4 = [w for w in offered if "P4" in w]
        p2 = [w for w in offered if "P2" in w]
        assert len(p4) == 1 and t("status.replied") in p4[0], offered
        assert len(p2) == 1 and t("status.received") in p2[0], offered
    finally:
        ctx.close()
