"""Work shared by every session, cached by the data's version, and warmed in the background at start.

Once per app process, as soon as the first browser connects, a background thread computes what the
first pages of the day would otherwise compute while their users wait (:func:`in_background`):

- **the county's work list** (issue 16 §1): every leader's and office user's first page is the
  overview, and it and the petitions page read the work list's two parts of their scope
  (``ui.shared.worklist_parts``), which are cut out of the county's parts (``analytics.petitions.cut``).
  The county's parts are computed here (``ui.shared.county_worklist``, ~1.7–2 s of CPU on the county data
  set), so that the first view of any scope — after the start, and until the next write — only cuts.
  A user who opens a page while they are being computed waits for that computation
  (``st.cache_resource`` computes a key once at a time), never for a second one.
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
from store import db
from ui import common as C
from ui import shared

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


def _parts_version(con: Any) -> tuple:
    # the versions the work list's parts are shared under (ui/shared.py: the petitions without visits,
    # the visit issues without quiet visits): a quiet visit meanwhile leaves both as they were
    return shared.key(con, shared.NO_VISITS), shared.key(con, shared.NO_QUIET_VISITS)


def worklist(path: str, today: dt.date) -> None:
    """Compute the county's work-list parts (``ui.shared.county_worklist``), what every scope's are cut from.

    The working-day calendar is filled first (``analytics.petitions.ensure_calendar``: a filling is a
    write, and would move the version the parts are stored under away from the one the pages read).
    A write that moves the parts' versions while they are computed (an import, a petition's new state)
    would leave them under the old version: then they are computed once more (a part whose version did
    not move is found), once only. An error of the store is raised as it came (:func:`warm_up` logs it).

    Parameters
    ----------
    path : str
        The database (:func:`ui.common.db_path`).
    today : datetime.date
        The day (:func:`ui.common.today`).
    """
    cur = C._base_connection(path).cursor()
    try:
        petitions.ensure_calendar(cur, today)
        for _round in range(2):
            read_at = _parts_version(cur)
            shared.county_worklist(cur, today)
            if _parts_version(cur) == read_at:
                break
    finally:
        cur.close()


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
    """The whole warm-up, in this thread: the work list (every user's first page), then the hot spots.

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
        worklist(path, today)
        log.info("warm-up: the county's work list in %.1f s", time.monotonic() - t0)
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
