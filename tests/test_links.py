"""A reload or a bookmarked link (issue 18, item 3): the browser's signed token signs the user in
again within the idle window, and the URL's area and period are restored — checked against the
user's scope. Unknown pages get a sentence, not Streamlit's English dialog. (AppTest cannot send a
cookie, and reruns only the page after the first run, so the sidebar's clicks and the logout button are
tested in tests/e2e/test_trust_browser.py, with a real cookie.)"""

from __future__ import annotations

import datetime as dt

import pytest

from auth import session as S
from i18n import t
from tests import factories as F

TODAY = "2026-11-26"


@pytest.fixture()
def app(tiny, monkeypatch):
    """A fresh browser session (AppTest) on the tiny world whose browser holds ``token``."""
    from streamlit.testing.v1 import AppTest

    from ui import session as link

    con, path = tiny
    monkeypatch.setenv("LIANXIN_DB", str(path))
    monkeypatch.setenv("LIANXIN_TODAY", TODAY)

    def start(token: str | None, query: dict | None = None):
        monkeypatch.setattr(link, "browser_token", lambda: token)
        at = AppTest.from_file(str(F.APP), default_timeout=60)
        for k, v in (query or {}).items():
            at.query_params[k] = v
        return at.run()

    return con, start


def test_a_reload_with_a_good_token_keeps_the_user_signed_in(app):
    con, start = app
    at = start(S.issue(con, "office"))
    assert not at.exception and at.session_state["user"].name == "office"
    assert not at.get("form_submit_button")  # no login form
    assert t("figure.households") in [m.label for m in at.metric]


@pytest.mark.parametrize("token", [None, "", "garbage", "a.1.b"])
def test_without_a_good_token_the_login_form_shows(app, token):
    _, start = app
    at = start(token)
    assert "user" not in at.session_state and at.text_input(key="login_name")


def test_an_ended_or_idle_token_is_refused(app):
    con, start = app
    ended = S.issue(con, "office")
    S.end(con, ended)
    assert "user" not in start(ended).session_state
    idle = S.issue(con, "office", now=S.utc_now() - dt.timedelta(minutes=31))
    assert "user" not in start(idle).session_state


def test_the_link_brings_back_the_area_and_the_period(app):
    con, start = app
    at = start(S.issue(con, "admin"), {"area": F.V11, "period": "custom", "from": "2026-10-01", "to": "2026-10-31"})
    assert not at.exception
    assert at.session_state["area"].code == F.V11
    assert at.session_state["period"] == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert at.selectbox(key="period_kind").value == "custom"
    assert at.query_params["area"] == F.V11 and at.query_params["period"] == "custom"  # and stay in the URL


def test_a_link_to_an_area_outside_the_scope_says_so(app):
    con, start = app
    at = start(S.issue(con, "office"), {"area": F.T2, "period": "month"})  # 二镇: not the office's
    assert t("empty.out_of_scope") in [e.value for e in at.error]
    assert "area" not in at.session_state  # their own township, the top
    assert at.query_params.get("area") is None
    assert at.selectbox(key="period_kind").value == "month"


def test_a_password_sign_in_gives_the_browser_a_token(app):
    con, start = app
    at = F.submit_login(start(None), "office")
    token = at.session_state["session_token"]
    assert S.verify(con, token).name == "office"
    html = [e for e in at.get("html")]
    assert any(token in e.proto.body and "SameSite=Strict" in e.proto.body for e in html)


def test_a_reload_keeps_the_language_of_the_url(app):
    con, start = app
    at = start(None, {"lang": "en"})  # the login page, reloaded in English
    assert at.session_state["lang"] == "en"
    assert at.text_input(key="login_name").label == t("login.username", "en")
    at = start(S.issue(con, "office"), {"lang": "en", "period": "month"})  # signed in: kept beside the period
    assert at.session_state["lang"] == "en" and t("figure.households", "en") in [m.label for m in at.metric]
    assert at.query_params["lang"] == "en" and at.query_params["period"] == "month"
    assert start(None, {"lang": "xx"}).session_state["lang"] == "zh"  # an unknown one: Chinese


def test_the_browser_keeps_the_language_without_the_url(app, monkeypatch):
    """English chosen once: an address typed without ``?lang`` (a new session, the cookie sent back)
    opens in English; the URL's language wins over the cookie's; Chinese by default writes no cookie."""
    from ui import session as link

    con, start = app
    at = start(None)
    assert not any(link.LANG_COOKIE in e.proto.body for e in at.get("html"))  # nothing to remember
    at.radio(key="lang").set_value("en").run()
    body = " ".join(e.proto.body for e in at.get("html"))
    assert f"{link.LANG_COOKIE}=en;" in body and "SameSite=Lax" in body

    monkeypatch.setattr(link, "browser_language", lambda: "en")  # the browser sends it back
    at = start(None)  # the login page, typed without ?lang
    assert at.session_state["lang"] == "en"
    assert at.text_input(key="login_name").label == t("login.username", "en")
    at = start(S.issue(con, "office"))  # signed in, a page typed without ?lang
    assert t("figure.households", "en") in [m.label for m in at.metric]
    assert at.query_params["lang"] == "en"
    assert start(None, {"lang": "zh"}).session_state["lang"] == "zh"  # the URL wins
    at = start(None)
    at.radio(key="lang").set_value("zh").run()  # switched back: the cookie says so
    assert f"{link.LANG_COOKIE}=zh;" in " ".join(e.proto.body for e in at.get("html"))
