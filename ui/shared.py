"""Results shared by every session: computed once per database, data version and arguments (issue 16 §1).

A page asks ``shared.call(con, fn, *args, **kwargs)`` instead of ``fn(con, *args, **kwargs)`` for a
figure that depends only on the data and its arguments (area, period, filters, scope): the first
session to ask computes it, every other session asking for the same gets the stored copy, until
anything is written — the data's version (store/version.py) is part of the key, so the next view after
a write, in any session of any app process, computes it afresh. Twenty office users on the same
township cost one query; concurrent askers of the same key wait for the first (``st.cache_data``
computes a key once at a time).

The key is (database, its id and version, today, the signed-in user's scope, the function, its
arguments). The version is the whole one, or for a function of :data:`READS_NO_VISITS` the version
without visits (store/version.py, migration 0016): a visit saved in the evening rush does not make
every leader's hotspot page compute again. The user's scope is in the key even where the arguments
already carry it, so that one user's scoped numbers are never served to another whose scope
differs. Only functions whose result depends on nothing else belong here (no clock but ``today``,
no session state); they stay the functions the command line calls, so both show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, TypeVar

import streamlit as st

from store import version as data_version
from ui import common as C

T = TypeVar("T")

#: Functions (module.qualname) whose results read no visit: no visits, no household's last home visit,
#: no grid tallies, directly or through a view or macro. tests/test_data_version_parts.py runs each and
#: fails when one of the named queries it runs reads any of them. A function left out is only shared
#: under the whole version (recomputed after a visit too), never wrong: e.g. the work list's visit
#: issues (analytics.petitions.visit_issue_items), which are visits' follow-ups.
READS_NO_VISITS = frozenset(
    {
        "analytics.reports.hotspots",
        "analytics.hotspots.petitions",
        "analytics.hotspots.repeat_petitions",
        "analytics.grids.grid_directory",
        "analytics.grids.gaps",
        "analytics.petitions.petition_items",
    }
)


def key(con: Any, visits: bool = True) -> tuple[str, str, str, int]:
    """The data's part of the cache key: (database, its random id, which version, the version).

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    visits : bool, default True
        Whether the result reads visits: then the whole version (it changes with every committed
        write), otherwise the version without visits (it changes with every write but a visit's).

    Returns
    -------
    tuple of (str, str, str, int)
        The database (:func:`ui.common.db_path`), its random id, ``"whole"`` or ``"no visits"``, and that
        version (:func:`store.version.current`).
    """
    database_id, whole, no_visits = data_version.current(con)
    if visits:
        return str(C.db_path()), database_id, "whole", whole
    return str(C.db_path()), database_id, "no visits", no_visits


def user_scope() -> tuple[str, ...] | None:
    """The signed-in user's scope as a key.

    Returns
    -------
    tuple of str or None
        The user's area codes, sorted; None for the whole county (or nobody signed in).
    """
    sc = C.scope()
    return None if sc is None else tuple(sorted(sc))


def call(con: Any, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(con, *args, **kwargs)``, shared between sessions (see the module's docstring).

    Parameters
    ----------
    con : the page's cursor; used only when the result is not stored yet.
    fn : a module-level function of analytics/ taking the connection first.
    args, kwargs : its arguments; they must be hashable by Streamlit (dates, strings, lists, frames…).

    Returns
    -------
    What ``fn`` returns (a copy: a page may change it freely).
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _shared(con, fn, name, key(con, visits=name not in READS_NO_VISITS), C.today(), user_scope(), args, kwargs)


@st.cache_data(show_spinner=False, max_entries=512, ttl=dt.timedelta(hours=2))
def _shared(
    _con: Any,
    _fn: Callable[..., T],
    name: str,
    version: tuple,
    today: dt.date,
    scope: tuple | None,
    args: tuple,
    kwargs: dict,
) -> T:
    # _con and _fn are left out of the key (leading underscore); name, version, today, scope and the
    # arguments make it
    return _fn(_con, *args, **kwargs)
