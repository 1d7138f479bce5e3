"""Work shared by every session, cached by the data's version, and warmed in the background at start.

The hotspot page's emerging hot spots (Gi* for each of 12 months and each area, then the
Mann–Kendall trends) take seconds — at grid level many — and are the same for every user until
the petitions, households or areas change. They are cached here under the data's version
(``hotspots_page_stamp``) and, once per app process, computed for the page's defaults in a
background thread as soon as the first browser connects, so the first leader to open 信访热点
does not wait for them.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

import streamlit as st

from analytics import hotspots as H
from store import db
from ui import common as C

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


def hotspots_in_background() -> None:
    """Once per process: compute the hotspot page's defaults in a daemon thread.

    The defaults are villages, then grids, the 12 months ending today, no filter. Does nothing while
    there is no database or no petition, nor in page tests (no server).
    """
    if _started.is_set() or not db.exists(C.db_path()) or st.get_option("global.appTest"):
        return  # (page tests run without a server: nothing to warm for)
    _started.set()
    path, today = str(C.db_path()), C.today()

    def work() -> None:
        try:
            cur = C._base_connection(path).cursor()
            try:
                if not db.one(cur, "petitions_count"):
                    return
                version = stamp(cur)
            finally:
                cur.close()
            for level in ("village", "grid"):
                emerging(path, version, level, today)
        except Exception:  # a warm-up that fails costs the first visitor the wait, nothing else
            log.exception("warming the hotspot statistics failed")

    thread = threading.Thread(target=work, name="lianxin-warm-hotspots", daemon=True)
    from streamlit.runtime.scriptrunner import add_script_run_ctx

    add_script_run_ctx(thread)  # st.cache_data needs the script's context in the thread
    thread.start()
