"""Signed-in across reloads, and links that open the same page, area and period.

- **The session**: at sign-in the browser gets a signed, expiring token (auth/session.py) in a
  cookie (``lianxin_session``: ``SameSite=Strict``, ``Secure`` over HTTPS, the app's path, at most
  :data:`auth.session.LIFETIME_HOURS`). A reload opens a new Streamlit session; its first run reads
  the cookie (``st.context.cookies``) and, if the token is still good, signs the same user in
  again. The token is never in the URL (a link or a screenshot does not carry it). Logout ends
  the token in the database, for every process, and removes the cookie.
- **The link**: the page is the URL's path; the area and the period are query parameters
  (``?area=500155001000&period=month``, or ``period=custom&from=…&to=…``), written on every run
  and read once when a browser session starts — checked against the user's scope first.
- **Unknown pages** get a page of their own with a sentence in the user's language instead of
  Streamlit's English "Page not found" dialog (a page the role may not open says so).

- **The language**: the 中文/English switch is kept in the URL (``?lang=en``, on every run) and in a
  cookie of its own (``lianxin_lang``: a year, ``SameSite=Lax``), so an address typed without ``?lang``
  or an old bookmark opens in the language the browser last showed. The URL's language wins.

Streamlit can read cookies but not set them; the cookies are written by a short script in an
``st.html`` element (no component, nothing fetched from the network).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any, Callable

import streamlit as st

from auth import session as S
from ui import common as C
from ui.common import t

log = logging.getLogger("lianxin")

COOKIE = "lianxin_session"
#: The cookie that keeps the browser's language (:func:`link_language`): not a secret, nothing signed.
LANG_COOKIE = "lianxin_lang"
#: How long the language cookie lasts, in seconds (a year; each switch, or a session in another
#: language than the cookie's, writes it again).
LANG_COOKIE_SECONDS = 365 * 24 * 3600
#: How often a page run records that the session is in use (its idle window starts again).
TOUCH_SECONDS = 60
_URL_PATH = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


# ----------------------------------------------------------------------------- the token


def browser_token() -> str | None:
    """The token the browser sent when this Streamlit session began.

    Returns
    -------
    str or None
        The ``lianxin_session`` cookie's value; None without one, or without a browser (AppTest).
    """
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # no browser (AppTest, bare mode)
        return None


def restore(con: Any) -> Any:
    """The user of the browser's token, signed in again (a reload).

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).

    Returns
    -------
    auth.users.User or None
        The token's user, its use recorded; None without a token, for the token this browser session
        logged out, or when :func:`auth.session.verify` refuses it (expired, ended, idle too long, its
        user gone or disabled).
    """
    token = browser_token()
    if not token or token == st.session_state.get("session_ended"):
        return None
    user = S.verify(con, token)
    if user is None:
        return None
    S.touch(con, token)
    st.session_state["session_token"] = token
    st.session_state["session_touched"] = dt.datetime.now()
    return user


def started(con: Any, user: Any) -> None:
    """After a sign-in with a password: a new token, sent to the browser on this run's way out."""
    token = S.issue(con, user.name)
    st.session_state["session_token"] = token
    st.session_state["session_touched"] = dt.datetime.now()
    st.session_state["cookie_value"] = token


def still_valid(con: Any) -> bool:
    """Once a minute: record the use, and check the token still holds.

    A logout in another tab or a disabled account ends a token.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).

    Returns
    -------
    bool
        False when the token no longer holds — the user is then signed out of this session; True
        otherwise, also when checked less than :data:`TOUCH_SECONDS` ago or signed in without a token
        (single sign-on, tests).
    """
    token = st.session_state.get("session_token")
    if token is None:
        return True  # signed in another way (single sign-on, tests)
    last = st.session_state.get("session_touched")
    now = dt.datetime.now()
    if last is not None and (now - last).total_seconds() < TOUCH_SECONDS:
        return True
    st.session_state["session_touched"] = now
    if S.verify(con, token) is None:
        for k in ("user", "session_token", "login_at", "last_seen", "area", "link_read"):
            st.session_state.pop(k, None)
        return False
    S.touch(con, token)
    return True


def ended(con: Any) -> None:
    """Logout: the token is refused from now on and the browser forgets it."""
    token = st.session_state.pop("session_token", None)
    if token:
        S.end(con, token)
        st.session_state["session_ended"] = token  # the cookie read at page load is stale now
    st.session_state["cookie_value"] = ""


def send_cookie() -> None:
    """Write the cookies in the browser: the session's token (or its removal) and the language.

    The token after a sign-in (removed after a logout); the language from :func:`language_cookie`.

    The script is part of every run from the sign-in (or logout, or the language's change) on, with the
    same text for the same token and language: a run interrupted by the next click (a busy server) cannot
    lose it, and an unchanged element is not run again by the browser. A session in the language the
    browser sent, never signed in here, gets no script.
    """
    base = "/" + (st.get_option("server.baseUrlPath") or "").strip("/")
    cookies = []
    token = st.session_state.get("cookie_value")
    if token is not None:
        age = int(S.LIFETIME_HOURS * 3600) if token else 0
        cookies.append(json.dumps(f"{COOKIE}={token}; Path={base}; Max-Age={age}; SameSite=Strict"))
    lang = language_cookie()
    if lang is not None:
        cookies.append(json.dumps(f"{LANG_COOKIE}={lang}; Path={base}; Max-Age={LANG_COOKIE_SECONDS}; SameSite=Lax"))
    if not cookies:
        return
    secure = "(location.protocol === 'https:' ? '; Secure' : '')"
    script = "<script>" + "".join(f"document.cookie = {c} + {secure};" for c in cookies) + "</script>"
    with st.sidebar:
        st.html(script, unsafe_allow_javascript=True)


# ----------------------------------------------------------------------------- pages by URL


def requested_page() -> str | None:
    """The page name the browser asked for (the URL's path), if any.

    Returns
    -------
    str or None
        The URL path when it is a plausible page name (letters, digits, ``_`` and ``-``, at most 64);
        None otherwise or outside a script run.
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        name = get_script_run_ctx().pages_manager.intended_page_name
    except Exception:
        return None
    return name if name and _URL_PATH.match(name) else None


def stand_ins(known: set[str], render: Callable[[], None], title: str) -> list:
    """A hidden page at the requested URL when no page of ``known`` has it.

    It runs ``render`` (the login form, or a sentence) instead of Streamlit's English "Page not found"
    dialog. A page and its stand-in share their URL, so once signed in the same link opens the real
    page.

    Parameters
    ----------
    known : set of str
        The URL paths of the pages the session may open.
    render : callable
        The stand-in page's body.
    title : str
        The stand-in page's title.

    Returns
    -------
    list of streamlit.navigation.page.StreamlitPage
        One hidden page at the requested URL; empty when no page was asked for or it is known.
    """
    name = requested_page()
    if name is None or name in known:
        return []
    return [st.Page(render, title=title, url_path=name, visibility="hidden")]


def unknown_page(all_pages: dict[str, str]) -> Callable[[], None]:
    """The body of the stand-in page for a signed-in user: which page it was and what to do.

    Parameters
    ----------
    all_pages : dict of str to str
        Every page's URL path and the catalog key of its title.

    Returns
    -------
    callable
        A function drawing the title and a warning: the role may not open that page, or there is no
        such page.
    """

    def render() -> None:
        name = requested_page() or ""
        st.title(t("app.title"))
        if name in all_pages:
            st.warning(t("app.no_permission_page", page=t(all_pages[name])))
        else:
            st.warning(t("app.page_not_found", page=name))

    return render


# ----------------------------------------------------------------------------- area and period in the URL


def read_link(con: Any, user: Any) -> None:
    """Once per browser session: the area and period of the URL (a reload, a bookmark).

    The area is taken only when it exists and lies in the user's scope; otherwise the page says it
    is outside their areas (:func:`refused_notice`). A custom period with a malformed or reversed
    range is ignored.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    user : auth.users.User
        The signed-in user.
    """
    if st.session_state.get("link_read"):
        return
    st.session_state["link_read"] = True
    q = st.query_params
    code = q.get("area")
    if code:
        from auth.scope import in_scope

        if in_scope(con, user, code) and _exists(con, code):
            C.set_area(code)
        else:
            st.session_state["link_refused"] = code
    kind = q.get("period")
    if kind in C.PERIODS:
        rng = None
        if kind == "custom":
            try:
                rng = (dt.date.fromisoformat(q.get("from", "")), dt.date.fromisoformat(q.get("to", "")))
            except ValueError:
                kind, rng = None, None
            if rng is not None and rng[0] > rng[1]:
                kind, rng = None, None
        if kind:  # the sidebar's widgets start from these (their own keys are theirs to set)
            st.session_state["link_period_kind"] = kind
            if rng is not None:
                st.session_state["period"] = rng


def _exists(con: Any, code: str) -> bool:
    from store import db

    return db.execute(con, "area_get", code=code).fetchone() is not None


def refused_notice() -> None:
    """The usual sentence when a link pointed at an area outside the user's scope (once)."""
    if st.session_state.pop("link_refused", None):
        st.error(t("empty.out_of_scope"))


def browser_language() -> str | None:
    """The language the browser kept (the ``lianxin_lang`` cookie) when this Streamlit session began.

    Returns
    -------
    str or None
        One of :data:`i18n.LANGUAGES`; None without the cookie, for another value, or without a browser
        (AppTest).
    """
    from i18n import LANGUAGES

    try:
        lang = st.context.cookies.get(LANG_COOKIE)
    except Exception:  # no browser (AppTest, bare mode)
        return None
    return lang if lang in LANGUAGES else None


def link_language() -> str:
    """The language a new browser session starts in: the URL's, else the browser's, else Chinese.

    The URL's is ``?lang=en`` of the app's links; the browser's (:func:`browser_language`) serves an
    address typed without it or an old bookmark.

    Returns
    -------
    str
        One of :data:`i18n.LANGUAGES`; ``"zh"`` when neither names one.
    """
    from i18n import LANGUAGES

    lang = st.query_params.get("lang")
    if lang in LANGUAGES:
        return lang
    return browser_language() or LANGUAGES[0]


def language_cookie() -> str | None:
    """The language to write in the browser's cookie on this run, if any.

    Once the session's language differs from the one the browser sent (a switch, a link with
    ``?lang``), the cookie is written on every run after, with the session's language (a switch back
    included).

    Returns
    -------
    str or None
        The session's language; None while it is the one the browser sent (Chinese without a cookie).
    """
    lang = C.lang()
    if not st.session_state.get("lang_cookie") and lang == (browser_language() or "zh"):
        return None
    st.session_state["lang_cookie"] = True
    return lang


def write_language() -> None:
    """Put the session's language into the URL when it is not Chinese (the login page's too)."""
    lang = C.lang()
    if lang == "zh":
        if "lang" in st.query_params:
            del st.query_params["lang"]
    elif st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang


def write_link(area: Any, top: Any, kind: str, rng: tuple[dt.date, dt.date]) -> None:
    """Put the selected area and period into the URL (only what differs from the defaults)."""
    want: dict[str, str] = {}
    if C.lang() != "zh":
        want["lang"] = C.lang()
    if area.code is not None and area != top:
        want["area"] = area.code
    if kind != "year":
        want["period"] = kind
    if kind == "custom":
        want["from"], want["to"] = rng[0].isoformat(), rng[1].isoformat()
    if {k: st.query_params.get(k) for k in st.query_params} != want:
        st.query_params.from_dict(want)
