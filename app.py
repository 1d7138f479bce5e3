"""连心网格 — the Streamlit entry: page config, first-start demo build, login, navigation, one error boundary.

Run it with ``streamlit run app.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui import common as C  # noqa: E402
from ui import phone, runlog, session, warm  # noqa: E402
from ui.common import t  # noqa: E402
from vocabulary.roles import (  # noqa: E402
    ADMIN_ROLES,
    DEFAULT_HOME_PAGE,
    HOME_PAGE,
    IMPORT_ROLES,
    OFFICE_ROLES,
    SURVEY_ROLES,
)

if TYPE_CHECKING:
    from auth.users import User

log = logging.getLogger("lianxin")

st.set_page_config(page_title="连心网格", page_icon="🏘️", layout="wide", initial_sidebar_state="auto")


def ensure_database() -> None:
    """Build the demo database on first start (with a progress bar) when it does not exist yet."""
    path = C.db_path()
    if C.db.exists(path):
        return
    if Path(path).resolve() != C.db.DEFAULT_DB.resolve():
        st.error(t("app.no_database"))
        return
    from demo.build import build_demo

    st.title(t("app.title"))
    st.info(t("demo.building"))
    bar = st.progress(0.0, text=t("demo.building"))

    def progress(f: float, step: str) -> None:  # step: a catalog key (demo.step.*)
        bar.progress(min(max(f, 0.0), 1.0), text=t(step))

    build_demo(str(path), progress=progress, replace=False)  # never replaces a database that appeared meanwhile
    bar.empty()


def login_page() -> None:
    """The sign-in page: single sign-on when configured, else name and password; a refusal is a sentence."""
    from auth import users

    st.title(t("app.title"))
    st.caption(t("app.subtitle"))
    c = C.con()
    from ui import sso  # "使用单位账号登录" only when .streamlit/secrets.toml has an [auth] section

    sso_user = sso.login_section(c)
    if sso_user is not None:
        start_session(sso_user)
        st.rerun()
    if users.has_demo_accounts(c):
        st.info(t("login.demo_notice") + "\n\n" + t("login.demo_accounts"))
    with st.form("login"):
        name = st.text_input(t("login.username"), key="login_name")
        password = st.text_input(t("login.password"), type="password", key="login_password")
        ok = st.form_submit_button(t("login.submit"), type="primary")
    if ok:
        if not name or not password:
            st.error(t("login.error.empty"))
            return
        try:
            u = users.login(c, name, password, client=client_address())
        except users.LoginRefused as e:
            st.error(e.text(C.lang()))
            return
        start_session(u)
        session.started(c, u)  # a signed token, kept by the browser: a reload stays signed in
        st.rerun()


def client_address() -> str:
    """The signing-in client's address.

    The TCP peer, or behind a trusted reverse proxy ($LIANXIN_TRUSTED_PROXIES) the address it
    forwards (auth.throttle.client_address).

    Returns
    -------
    str
        The client's IP address as text.
    """
    from auth.throttle import client_address as resolve

    headers = st.context.headers or {}
    return resolve(st.context.ip_address, headers.get("X-Forwarded-For"))


def start_session(u: User) -> None:
    """Keep a signed-in user in the session state, with the sign-in and last-seen times (local time).

    Parameters
    ----------
    u : auth.users.User
        The user who has just signed in (password, single sign-on or a restored session token).
    """
    st.session_state["user"] = u
    st.session_state["login_at"] = dt.datetime.now()
    st.session_state["last_seen"] = dt.datetime.now()
    st.session_state.pop("area", None)


def session_alive() -> bool:
    """Whether the signed-in session is still within the idle window (C.SESSION_IDLE_MINUTES).

    An expired session is cleared from the session state with a warning on the page; a live one has
    its last-seen time moved to now.

    Returns
    -------
    bool
        True when the session may continue, False when there is none or it has expired.
    """
    from auth.users import session_valid

    last = st.session_state.get("last_seen")
    if last is None:
        return False
    now = dt.datetime.now()
    if not session_valid(last, now, C.SESSION_IDLE_MINUTES):
        for k in ("user", "login_at", "last_seen", "area", "session_token"):
            st.session_state.pop(k, None)
        st.warning(t("app.session_expired"))
        return False
    st.session_state["last_seen"] = now
    return True


def language_switch() -> None:
    """The 中文/English switch in the sidebar (session state ``lang``)."""
    with st.sidebar:
        st.radio(
            t("sidebar.language"),
            ("zh", "en"),
            horizontal=True,
            key="lang",
            format_func=lambda x: t(f"lang.{x}"),
            # kept across st.switch_page (a list's row opening a household's record): Streamlit drops
            # every other widget's value on a page switch that the browser did not ask for
            persist_state="session",
            on_change=C.keep_choices,  # the choices made stay made, worded anew
        )


PAGES = [
    # file, title key, icon, roles allowed (None = every signed-in role)
    ("pages/overview.py", "nav.overview", ":material/dashboard:", None),
    ("pages/coverage.py", "nav.coverage", ":material/map:", None),
    ("pages/weekly.py", "nav.weekly", ":material/event_available:", None),
    ("pages/hotspots.py", "nav.hotspots", ":material/local_fire_department:", OFFICE_ROLES),
    ("pages/petitions.py", "nav.petitions", ":material/assignment:", None),
    ("pages/responsibility.py", "nav.responsibility", ":material/groups:", None),
    ("pages/household.py", "nav.household", ":material/folder_shared:", None),
    ("pages/import_data.py", "nav.import", ":material/upload_file:", IMPORT_ROLES),
    ("pages/survey.py", "nav.survey", ":material/how_to_vote:", SURVEY_ROLES),
    ("pages/admin.py", "nav.admin", ":material/admin_panel_settings:", ADMIN_ROLES),
]


def main() -> None:
    """One run of the app: the first-start build, sign-in, then the navigation of the user's role."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = session.link_language()  # a reload keeps the language of the URL
    C.page_style()
    language_switch()
    session.write_language()
    session.send_cookie()
    if not C.db.exists(C.db_path()):
        # first start: one page that builds the demo (st.navigation also hides the raw pages/ list)
        st.navigation([st.Page(ensure_database, title=t("app.title"), icon=":material/hourglass_top:")]).run()
        if not C.db.exists(C.db_path()):
            return
        st.rerun()
    warm.in_background()  # once per process: first overviews and the first 信访热点 find their figures ready
    u = C.user()
    if u is None and (u := session.restore(C.con())) is not None:  # a reload within the idle window
        start_session(u)
    if u is None or not session_alive() or not session.still_valid(C.con()):
        runlog.page("login")
        login = st.Page(login_page, title=t("login.title"), icon=":material/login:")
        st.navigation([login, *session.stand_ins({""}, login_page, t("login.title"))]).run()
        return
    home = HOME_PAGE.get(u.role, DEFAULT_HOME_PAGE)
    pages = [
        st.Page(str(ROOT / f), title=t(key), icon=icon, url_path=Path(f).stem, default=(f == home))
        for f, key, icon, roles in PAGES
        if (ROOT / f).exists() and (roles is None or u.role in roles)
    ]
    known = {p.url_path for p in pages} | {""}
    all_pages = {Path(f).stem: key for f, key, _, _ in PAGES}
    nav = st.navigation(pages + session.stand_ins(known, session.unknown_page(all_pages), t("app.title")))
    runlog.page(nav.url_path or Path(home).stem, user=u.name)
    with st.sidebar:
        st.caption(t("app.logged_in_as", name=u.name, role=t(f"role.{u.role}")))
        if st.button(t("app.logout"), key="logout"):
            session.ended(C.con())
            for k in ("user", "login_at", "last_seen", "area", "period", "link_read"):
                st.session_state.pop(k, None)
            from ui import sso

            sso.logout()
            st.rerun()
    C.sidebar()
    phone.close_sidebar_after_navigation(nav.url_path)
    if u.is_demo:
        st.caption(":material/info: " + t("app.generated_notice"))  # Streamlit's icon font: no emoji font needed
    nav.run()


def run_safely() -> None:
    """The one error boundary, around everything (sidebar and login included): a sentence, never a traceback.

    Streamlit's own control flow (rerun, stop) passes through: it is not an Exception.
    """
    try:
        with runlog.timed():  # $LIANXIN_RUN_LOG: the load benchmark's server-side times
            main()
    except C.db.StoreError as e:  # the database cannot be used: what to check, never a traceback
        log.warning("store error: %s", e)
        st.error(t("app.store_error", message=e.text(C.lang())))
    except Exception as e:
        log.exception("page error")
        said = e.text(C.lang()) if callable(getattr(e, "text", None)) else str(e)  # worded by the catalog
        st.error(t("app.error", message=said.splitlines()[0] if said else type(e).__name__))
        st.caption(t("app.error_hint"))


run_safely()
