"""Work shared by every session, cached by the data's version, and warmed in the background at start.

Once per app process, as soon as the first browser connects, a background thread computes what the
first pages of the day would otherwise compute while their users wait (:func:`in_background`):

- **the overview's work-list parts** (issue 16 §1): every leader's and office user's first page is
  the overview, whose first view of a scope computes the work list's two parts
  (``ui.shared.worklist_parts``, seconds at a sign-in storm). They are computed for the scopes that
  have accounts opening on the overview (:func:`overview_scopes`), through the page's own call into
  its own cache (ui/shared.py, the key a user of that scope reads), so that the first overview of
  each scope — and the petitions page, which reads the same parts — finds them ready. A user who
  opens the page while its scope is being computed waits for that computation (``st.cache_data``
  computes a key once at a time), never for a second one.
- **the hotspot page's emerging hot spots** (Gi* for each of 12 months and each area, then the
  Mann–Kendall trends) take seconds — at grid level many — and are the same for every user until
  the petitions, households or areas change. They are cached here under the data's version
  (``hotspots_page_stamp``) and computed for the page's defaults, so the first leader to open
  信访热点 does not wait for them.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

import streamlit as st

from analytics import hotspots as H
from analytics import petitions
from auth.users import User
from store import db
from ui import common as C
from ui import shared
from vocabulary.roles import DEFAULT_HOME_PAGE, HOME_PAGE

log = logging.getLogger("lianxin")
_started = threading.Event()


def stamp(con: Any) -> str:
    """The data's version the hotspot results depend on.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).

    Returns
    -------
    str
        Query ``hotspots_page_stamp``: the counts and newest changes of petitions, households and
        areas; it changes whenever any of them does.
    """
    return str(db.one(con, "hotspots_page_stamp"))


def emerging(
    db_path: str,
    version: str,
    level: str,
    end: dt.date,
    fdr: bool = False,
    categories: tuple = (),
    channels: tuple = (),
    group_only: bool = False,
    unresolved_only: bool = False,
) -> H.Emerging:
    """:func:`analytics.hotspots.emerging` of the 12 months ending with ``end``, cached.

    Cached per data version and filters (``db_path`` and ``version`` are only the cache's key). Every
    argument is passed on by position: the cache tells calls apart by the arguments given, defaults
    left out.

    Parameters
    ----------
    db_path : str
        The database (:func:`ui.common.db_path`).
    version : str
        :func:`stamp` of that database.
    level : str
        The area level (``village`` or ``grid``).
    end : datetime.date
        The last day of the 12 months.
    fdr : bool, default False
        Whether the Gi* bins are corrected for the false discovery rate (``reports.gi_bins``).
    categories, channels : tuple of str, default ()
        Only petitions of these categories and channels (empty: all).
    group_only : bool, default False
        Only group petitions.
    unresolved_only : bool, default False
        Only petitions not yet resolved.

    Returns
    -------
    analytics.hotspots.Emerging
        The monthly counts, their Gi* and each area's pattern and count trend.
    """
    return _emerging(
        db_path,
        version,
        level,
        end,
        bool(fdr),
        tuple(categories),
        tuple(channels),
        bool(group_only),
        bool(unresolved_only),
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _emerging(
    db_path: str,
    version: str,
    level: str,
    end: dt.date,
    fdr: bool,
    categories: tuple,
    channels: tuple,
    group_only: bool,
    unresolved_only: bool,
) -> H.Emerging:
    cur = C._base_connection(db_path).cursor()
    try:
        return H.emerging(
            cur,
            level,
            end,
            months=12,
            fdr=fdr,
            categories=list(categories) or None,
            channels=list(channels) or None,
            group_only=group_only,
            unresolved_only=unresolved_only,
        )
    finally:
        cur.close()


#: At most this many scopes' work lists are computed at start (:func:`overview_scopes`): a county's
#: township offices (a few dozen) and the county itself, with room to spare. On the county data set
#: a scope costs ~0.85 s of CPU (a township nearly as much as the county: the named queries read the
#: county either way; its 34 townships and the county ~31 s), and the townships' parts together take
#: about as much memory as the county's (~53 MB pickled, ~175,000 items); the shared cache keeps 512
#: results (ui/shared.py), two per scope. A scope that nobody opens before the data change costs that
#: CPU for nothing; one that somebody opens costs it once either way.
MAX_OVERVIEW_SCOPES = 64

OVERVIEW = "pages/overview.py"


def overview_scopes(con: Any, limit: int = MAX_OVERVIEW_SCOPES) -> list[list[str] | None]:
    """The scopes whose first overview the warm-up prepares: those of the accounts that open on it.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    limit : int, default MAX_OVERVIEW_SCOPES
        At most this many scopes.

    Returns
    -------
    list of (list of str or None)
        Each distinct scope (``auth.users.User.scope``, the list of codes as stored, None: the whole
        county) of the enabled accounts whose role opens on the overview (``vocabulary.roles.HOME_PAGE``:
        not the grid leaders' and members', who open on the weekly page); the scope with the most
        accounts first, then the county-wide one, then in the order of their codes.
    """
    counts: dict[tuple[str, ...] | None, int] = {}
    for _name, role, areas, _staff, disabled, _demo, _created in db.rows(con, "auth_users_all"):
        if disabled or HOME_PAGE.get(role, DEFAULT_HOME_PAGE) != OVERVIEW:
            continue
        scope = User(name="", role=role, areas=[str(a) for a in (areas or [])]).scope
        key = None if scope is None else tuple(scope)
        counts[key] = counts.get(key, 0) + 1
    order = sorted(counts, key=lambda k: (-counts[k], k is not None, k or ()))
    return [None if k is None else list(k) for k in order[:limit]]


def _parts_version(con: Any) -> tuple:
    # the versions the work list's parts are shared under (ui/shared.py: the petitions without visits,
    # the visit issues without quiet visits): a quiet visit meanwhile leaves both as they were
    return shared.key(con, shared.NO_VISITS), shared.key(con, shared.NO_QUIET_VISITS)


def overviews(path: str, today: dt.date, limit: int = MAX_OVERVIEW_SCOPES) -> list[list[str] | None]:
    """Compute the overview's work-list parts of :func:`overview_scopes`, into the page's cache.

    Each scope's parts are computed by the page's own call (``ui.shared.worklist_parts``) keyed as
    for a user of that scope (``ui.shared.as_scope``), one scope after the other. A write that moves
    the parts' versions meanwhile (an import; the first sign-in ever, which stores the session
    secret) would leave the scopes computed before it under the old version: then every scope is
    asked once more (those computed after the write are found in the cache), once only.

    Parameters
    ----------
    path : str
        The database (:func:`ui.common.db_path`).
    today : datetime.date
        The day (:func:`ui.common.today`).
    limit : int, default MAX_OVERVIEW_SCOPES
        At most this many scopes.

    Returns
    -------
    list of (list of str or None)
        The scopes computed, in order. An error is raised as it came (:func:`in_background` logs it).
    """
    cur = C._base_connection(path).cursor()
    try:
        scopes = overview_scopes(cur, limit)
        if scopes:
            # the calendar filled first: a filling is a write, and would move the version the first
            # scope's parts are stored under away from the one the pages read
            petitions.ensure_calendar(cur, today)
        for _round in range(2):
            read_at = _parts_version(cur)
            for scope in scopes:
                with shared.as_scope(scope):
                    shared.worklist_parts(cur, today, scope)
            if _parts_version(cur) == read_at:
                break
    finally:
        cur.close()
    return scopes


def hotspots(path: str, today: dt.date) -> None:
    """Compute the hotspot page's defaults (villages, then grids, the 12 months ending ``today``, no filter).

    Nothing while there is no petition.

    Parameters
    ----------
    path : str
        The database (:func:`ui.common.db_path`).
    today : datetime.date
        The day (:func:`ui.common.today`).
    """
    cur = C._base_connection(path).cursor()
    try:
        if not db.one(cur, "petitions_count"):
            return
        version = stamp(cur)
    finally:
        cur.close()
    for level in ("village", "grid"):
        emerging(path, version, level, today)


def warm_up(path: str, today: dt.date) -> None:
    """The whole warm-up, in this thread: the overviews (every user's first page), then the hot spots.

    A failure of either is logged (logger ``lianxin``) and costs the first visitor the wait, nothing
    else; it is never raised.

    Parameters
    ----------
    path : str
        The database (:func:`ui.common.db_path`).
    today : datetime.date
        The day (:func:`ui.common.today`).
    """
    t0 = time.monotonic()
    try:
        scopes = overviews(path, today)
        log.info("warm-up: the overview's work list of %d scopes in %.1f s", len(scopes), time.monotonic() - t0)
    except Exception:
        log.exception("warming the overview's work list failed")
    try:
        hotspots(path, today)
    except Exception:
        log.exception("warming the hotspot statistics failed")


def in_background() -> None:
    """Once per process: :func:`warm_up` in a daemon thread.

    Does nothing while there is no database, nor in page tests (no server). The thread is an ordinary
    one of the process (a thread's OS priority would not help: while it holds Python's lock, the
    pages' threads wait for it whatever its priority); it computes one thing at a time.
    """
    if _started.is_set() or not db.exists(C.db_path()) or st.get_option("global.appTest"):
        return  # (page tests run without a server: nothing to warm for)
    _started.set()
    path, today = str(C.db_path()), C.today()
    thread = threading.Thread(target=warm_up, args=(path, today), name="lianxin-warm-up", daemon=True)
    from streamlit.runtime.scriptrunner import add_script_run_ctx

    add_script_run_ctx(thread)  # st.cache_data needs the script's context in the thread
    thread.start()
