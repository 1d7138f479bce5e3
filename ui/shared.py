"""Results shared by every session: computed once per database, data version and arguments (issue 16 §1).

A page asks ``shared.call(con, fn, *args, **kwargs)`` instead of ``fn(con, *args, **kwargs)`` for a
figure that depends only on the data and its arguments (area, period, filters, scope): the first
session to ask computes it, every other session asking for the same gets the stored copy, until
anything is written — the data's version (store/version.py) is part of the key, so the next view after
a write, in any session of any app process, computes it afresh. Twenty office users on the same
township cost one query; concurrent askers of the same key wait for the first (``st.cache_data``
computes a key once at a time).

The key is (database, its id and version, today, the signed-in user's scope, the function, its
arguments). The version is the whole one (or, for a result about an area in known townships —
``towns=``, :func:`townships` — the version of those townships: :data:`TOWNSHIPS`, migration 0025: a
visit saved in one township leaves another's coverage shared), or for a function of :data:`READS_NO_VISITS` the version
without visits (store/version.py, migration 0016): a visit saved in the evening rush does not make
every leader's hotspot page compute again; for a function of :data:`READS_NO_QUIET_VISITS` the
version without quiet visits (migration 0021): a visit that raises no issue does not make the
petitions page's visit issues compute again, one that raises an issue does. The user's scope is in
the key even where the arguments already carry it, so that one user's scoped numbers are never served
to another whose scope differs. Only functions whose result depends on nothing else belong here (no clock but ``today``,
no session state); they stay the functions the command line calls, so both show the same numbers.

The work list's two parts go one step further (:func:`worklist_parts`): computed once for the whole
county per version, each scope's are cut out of them — after a write, every scope's first view after
the first costs a filter instead of the county's queries (which read the county whatever the scope).

What a page makes of those figures can be shared the same way with :func:`drawn`: a map rendered
once (``ui.maps.drawn``), a table put together, is drawn for every session asking for the same area,
period and filters without making it again (on the county data set, building and rendering the
coverage map was a third of the server's work for a view whose figures were shared already).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from typing import Any, Callable, Iterator, Mapping, TypeVar

import pandas as pd
import streamlit as st

from analytics import petitions
from store import version as data_version
from ui import common as C

T = TypeVar("T")

#: Functions (module.qualname) whose results read no visit: no visits, no household's last home visit,
#: no grid tallies, directly or through a view or macro. tests/test_data_version_parts.py runs each and
#: fails when one of the named queries it runs reads any of them. A function left out is only shared
#: under a larger part (recomputed after a visit too), never wrong: e.g. the work list's visit issues
#: (analytics.petitions.visit_issue_items), which are visits' follow-ups (READS_NO_QUIET_VISITS below).
READS_NO_VISITS = frozenset(
    {
        "analytics.reports.hotspots",
        "analytics.hotspots.petitions",
        "analytics.hotspots.repeat_petitions",
        "analytics.grids.grid_directory",
        "analytics.grids.gaps",
        "analytics.petitions.petition_items",
        "analytics.areas.area",
        "analytics.areas.chain",
        "analytics.areas.children",
        "analytics.areas.counties",
    }
)

#: Functions whose results read no quiet visit (store/version.py QUIET_STATEMENTS): of visits only the
#: flagged ones (``needs_action``, in the WHERE of every read of visits), and no household's last home
#: visit, no grid tallies, no visited days. tests/test_data_version_parts.py checks the SQL each runs, and
#: runs each against every kind of writer. A function left out is shared under the whole version.
READS_NO_QUIET_VISITS = frozenset({"analytics.petitions.visit_issue_items"})

#: The parts of the version a result can be shared under (:func:`key`).
WHOLE, NO_VISITS, NO_QUIET_VISITS = "whole", "no visits", "no quiet visits"

#: The part of a result whose figures read visits only inside known townships (:func:`townships`): the
#: version without visits, the version of visits written other than one household at a time, and each of
#: those townships' versions (store/version.py, migration 0025). A visit saved in one township leaves
#: another township's coverage where it is.
TOWNSHIPS = "townships"


#: The data's version read once for a block of reads (:func:`one_version`), or None: read per call.
#: (store.version.current's tuple, store.version.townships's dict)
_PINNED: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("shared_version", default=None)


@contextlib.contextmanager
def one_version(con: Any) -> Iterator[tuple]:
    """Within the block, the shared calls of this thread read the data's version once, at its start.

    For a block of a page that only reads (its figures, one after the other): each :func:`call` would
    otherwise ask the store for the version again (two queries: the sequences, the townships' versions).
    A write inside the block would not be seen by the calls after it, so nothing in the block may write.

    Parameters
    ----------
    con : the page's cursor.

    Yields
    ------
    tuple
        The figures' version (:func:`key` of the whole version), for :func:`drawn` of what is made of
        them; of figures about known townships: :func:`read_at`.
    """
    token = _PINNED.set((data_version.current(con), data_version.townships(con)))
    try:
        yield key(con, WHOLE)
    finally:
        _PINNED.reset(token)


def pinned() -> bool:
    """Whether this thread is inside :func:`one_version`: a shared call costs no query for the version.

    Returns
    -------
    bool
        True inside the block, where :func:`call` reads the version read at its start.
    """
    return _PINNED.get() is not None


def key(con: Any, part: str = WHOLE, towns: tuple[str, ...] | None = None) -> tuple[str, str, str, Any]:
    """The data's part of the cache key: (database, its random id, which version, the version).

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    part : str, default WHOLE
        Which version: :data:`WHOLE` (it changes with every committed write), :data:`NO_VISITS` (every
        write but a visit's), :data:`NO_QUIET_VISITS` (every write but a visit's that raises no issue)
        or :data:`TOWNSHIPS` (every write but a visit's outside ``towns``).
    towns : tuple of str, optional
        For :data:`TOWNSHIPS`: the township codes (sorted, as :func:`townships` gives them).

    Returns
    -------
    tuple of (str, str, str, int or tuple)
        The database (:func:`ui.common.db_path`), its random id, ``part``, and that version
        (:func:`store.version.current`); for :data:`TOWNSHIPS` the version is ``(version without
        visits, version of other visits, ((township, its version), …))``. A KeyError for another ``part``.
    """
    pinned = _PINNED.get()
    database_id, whole, no_visits, no_quiet_visits, other_visits = pinned[0] if pinned else data_version.current(con)
    if part == TOWNSHIPS:
        versions = pinned[1] if pinned else data_version.townships(con)
        return (
            str(C.db_path()),
            database_id,
            part,
            (no_visits, other_visits, tuple((t, versions.get(t, 0)) for t in towns or ())),
        )
    version = {WHOLE: whole, NO_VISITS: no_visits, NO_QUIET_VISITS: no_quiet_visits}[part]
    return str(C.db_path()), database_id, part, version


def read_at(con: Any, towns: tuple[str, ...] | None) -> tuple:
    """The version figures shared with ``towns=towns`` (:func:`call`) are read at, for :func:`drawn`.

    Parameters
    ----------
    con : the page's cursor.
    towns : tuple of str or None
        :func:`townships` of the figures' area and scope.

    Returns
    -------
    tuple
        :func:`key` of :data:`TOWNSHIPS` and ``towns``, or of the whole version for None.
    """
    return key(con, WHOLE) if towns is None else key(con, TOWNSHIPS, towns)


def townships(con: Any, area_code: str | None, scope: list[str] | tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The townships whose visits a result about ``area_code`` within ``scope`` can read, when known.

    Parameters
    ----------
    con : the page's cursor.
    area_code : str or None
        The area asked about (None: the whole scope).
    scope : list of str or None
        The user's (or the asked) scope: area codes; None: everything.

    Returns
    -------
    tuple of str or None
        The sorted township codes of the area (itself, or its township for a village or a grid), else of
        the scope when every one of its areas lies at township level or below — both known: the ones
        in both; None when neither is known (the county, an area above the townships, an unknown code):
        the result is shared under the whole version. Read from the areas, shared under the version
        without visits.
    """
    at = key(con, NO_VISITS)  # the areas' townships change only with a write that is not a visit
    known = [
        towns
        for towns in (
            None if area_code is None else _townships_of(con, at, (area_code,)),
            None if scope is None else _townships_of(con, at, tuple(sorted(scope))),
        )
        if towns is not None
    ]
    if not known:
        return None
    return tuple(sorted(set.intersection(*(set(t) for t in known))))


@st.cache_data(show_spinner=False, max_entries=512, ttl=dt.timedelta(hours=2))
def _townships_of(_con: Any, version: tuple, codes: tuple[str, ...]) -> tuple[str, ...] | None:
    # the townships of every code, or None when one of them has none (or is no area)
    from store import db

    found = dict(db.execute(_con, "townships_of_areas", codes=list(codes)).fetchall())
    if set(found) != set(codes) or any(t is None for t in found.values()):
        return None
    return tuple(sorted(set(found.values())))


def part_of(name: str) -> str:
    """The part of the version a function's result is shared under.

    Parameters
    ----------
    name : str
        The function, as ``module.qualname``.

    Returns
    -------
    str
        :data:`NO_VISITS` for :data:`READS_NO_VISITS`, :data:`NO_QUIET_VISITS` for
        :data:`READS_NO_QUIET_VISITS`, otherwise :data:`WHOLE`.
    """
    if name in READS_NO_VISITS:
        return NO_VISITS
    return NO_QUIET_VISITS if name in READS_NO_QUIET_VISITS else WHOLE


def user_scope() -> tuple[str, ...] | None:
    """The signed-in user's scope as a key.

    Returns
    -------
    tuple of str or None
        The user's area codes, sorted; None for the whole county (or nobody signed in).
    """
    sc = C.scope()
    return None if sc is None else tuple(sorted(sc))


def call(
    con: Any,
    fn: Callable[..., T],
    *args: Any,
    derived: Mapping[str, Any] | None = None,
    towns: tuple[str, ...] | None = None,
    **kwargs: Any,
) -> T:
    """``fn(con, *args, **kwargs, **derived)``, shared between sessions (see the module's docstring).

    Parameters
    ----------
    con : the page's cursor; used only when the result is not stored yet.
    fn : a module-level function of analytics/ taking the connection first.
    args, kwargs : its arguments; they must be hashable by Streamlit (dates, strings, lists, frames…).
    derived : mapping, optional
        Keyword arguments passed to ``fn`` but left out of the key: values that the other arguments
        and the data determine (``rows=`` read already for the same area, period, filters and scope),
        which only spare ``fn`` a query. Hashing a frame costs some milliseconds at every call.
    towns : tuple of str, optional
        The townships outside which ``fn``'s result reads no visit (:func:`townships` of its area and
        scope): a function shared under the whole version is shared under :data:`TOWNSHIPS` instead.
        Give it only where the result reads visits of households in its area (and scope) alone.

    Returns
    -------
    What ``fn`` returns (a copy: a page may change it freely).
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    part = part_of(name)
    version = key(con, TOWNSHIPS, towns) if part == WHOLE and towns is not None else key(con, part)
    return _shared(con, fn, name, version, C.today(), user_scope(), args, kwargs, dict(derived or {}))


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
    _derived: dict,
) -> T:
    # _con, _fn and _derived are left out of the key (leading underscore); name, version, today, scope
    # and the arguments make it
    return _fn(_con, *args, **kwargs, **_derived)


def worklist_parts(con: Any, today: dt.date, scope: list[str] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The work list's two parts for ``scope`` as of ``today``, cut out of the county's, shared.

    What the overview and the petitions page sum and list (``analytics.petitions.summary(every=…)``).
    Each part is computed once for the whole county per version of the data (:func:`county_worklist`,
    what the warm-up at start computes: ui/warm.py), whichever scope asks first; each scope's part is
    cut out of it (``analytics.petitions.cut``: the rows whose area lies in ``scope``, the unlocated
    ones only for a county-wide scope — exactly what ``petition_items(con, today, scope)`` gives) and
    shared as :func:`call` shares (keyed by the version's part, today, the user's scope and
    ``scope``). So after a write the first view of each scope costs a filter, not the county's queries.
    The county's parts are never handed out: the cut is the scope check.

    Parameters
    ----------
    con : the page's cursor.
    today : datetime.date
        The day the deadlines are judged at (:func:`ui.common.today`).
    scope : list of str or None
        The area codes asked about (:func:`ui.common.area_scope`); None: the whole county.

    Returns
    -------
    tuple of pandas.DataFrame
        ``analytics.petitions.petition_items`` (shared under the version without visits) and
        ``visit_issue_items`` (under the version without quiet visits) of ``scope``, as
        ``(petitions, issues)``.
    """
    scope = None if scope is None else list(scope)
    return tuple(  # type: ignore[return-value]
        _cut(con, fn, name, version, C.today(), user_scope(), today, scope)
        for fn, name, version in _worklist_versions(con)
    )


def county_worklist(con: Any, today: dt.date) -> None:
    """Compute the county's two work-list parts as of ``today`` into the cache, if not there yet.

    What :func:`worklist_parts` cuts every scope's parts out of; the warm-up at start calls this
    (ui/warm.py). Nothing is returned: the county's parts are handed to nobody but the cut.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    today : datetime.date
        The day (:func:`ui.common.today`).
    """
    for fn, name, version in _worklist_versions(con):
        _county(con, fn, name, version, today)


def _worklist_versions(con: Any) -> list[tuple[Callable[..., pd.DataFrame], str, tuple]]:
    # each part's function, its name (module.qualname: its part of the version) and that version now
    out = []
    for fn in (petitions.petition_items, petitions.visit_issue_items):
        name = f"{fn.__module__}.{fn.__qualname__}"
        out.append((fn, name, key(con, part_of(name))))
    return out


#: The county's parts kept at once (:func:`_county`): both parts of the current version and of the one
#: before (a view still reading it while the next is computed). A county's two parts take ~58 MB as
#: frames (the county data set: 100,000 petitions, 75,643 visit issues); each is dropped after two hours.
COUNTY_ENTRIES = 4


@st.cache_resource(show_spinner=False, max_entries=COUNTY_ENTRIES, ttl=dt.timedelta(hours=2))
def _county(_con: Any, _fn: Callable[..., pd.DataFrame], name: str, version: tuple, today: dt.date) -> pd.DataFrame:
    # one object shared by every session, not copied (a county's part is ~50 MB): only
    # analytics.petitions.cut reads it, and it makes a new frame; keyed without any scope: it never
    # leaves this module
    return _fn(_con, today, None, with_loc=True)


@st.cache_data(show_spinner=False, max_entries=512, ttl=dt.timedelta(hours=2))
def _cut(
    _con: Any,
    _fn: Callable[..., pd.DataFrame],
    name: str,
    version: tuple,
    day: dt.date,
    user: tuple | None,
    today: dt.date,
    scope: list[str] | None,
) -> pd.DataFrame:
    # keyed as call() keys: the part's name and version, the app's day, the user's scope, the arguments
    return petitions.cut(_con, _county(_con, _fn, name, version, today), scope)


#: Views (:func:`drawn`) kept at once: the coverage map of the county's townships with its 500 households
#: pickles to about 0.1 MB (a table to some kB), so at most some 7 MB; an entry is dropped after an hour.
DRAWN_ENTRIES = 64


def drawn(read_at: tuple, name: str, build: Callable[[], T], *args: Any) -> T:
    """``build()``, shared between sessions under the figures' version, today, the user's scope and ``args``.

    For what a page makes of shared figures (a rendered map, a table put together) when making it
    costs more than keeping it: the first session asking computes it, every other session asking
    with the same ``args`` gets a copy, until anything is written (as :func:`call`).

    Parameters
    ----------
    read_at : tuple
        The version the figures ``build`` uses were read at (what :func:`one_version` yields), not
        the version now: a fragment that reruns alone after a write still holds the figures read
        before it, and what it makes of them is kept under their version, never under the new one.
    name : str
        What is built (``"coverage_page.map"``): part of the key.
    build : callable
        Makes the value from nothing but what ``args`` name and the data; left out of the key, so
        ``args`` must name everything its result depends on besides the data, today and the scope
        (area, period, filters, language, the user where it masks, the boundaries' version…).
    args : hashable by Streamlit (strings, dates, tuples, the user…).

    Returns
    -------
    What ``build`` returns (a copy). At most :data:`DRAWN_ENTRIES` are kept, each at most an hour.
    """
    return _drawn(build, name, read_at, C.today(), user_scope(), args)


@st.cache_data(show_spinner=False, max_entries=DRAWN_ENTRIES, ttl=dt.timedelta(hours=1))
def _drawn(_build: Callable[[], T], name: str, version: tuple, today: dt.date, scope: tuple | None, args: tuple) -> T:
    return _build()
