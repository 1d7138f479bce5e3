"""The whole app in a real browser (Debian's Chromium), with no network beyond this machine."""

from __future__ import annotations

import pytest

from i18n import t
from tests.e2e.conftest import OUT, count_map_features, login
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


def test_switching_to_english_after_login(page, server):
    """The language switch re-labels every widget; in the browser this once broke the period picker."""
    login(page, server, "admin", PASSWORD)
    page.get_by_text(t("lang.en")).click()
    page.get_by_text(t("figure.households", "en")).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    body = page.inner_text("body")
    page.screenshot(path=str(OUT / "overview-en.png"), full_page=True)
    assert "Traceback" not in body and "Error" not in body  # Streamlit's own words for a failed run
    assert t("sidebar.period", "en") in body
