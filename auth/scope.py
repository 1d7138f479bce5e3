"""Scopes: which areas a user may see (masking of personal data: auth/masking.py).

The convention for every query in ``queries/``: a ``$scope`` parameter that is NULL for
everything, otherwise a VARCHAR[] of area codes; an area X is in scope when any of X's
ancestors (table ``area_ancestors``, which lists each area with all its ancestors including
itself) is in ``$scope``. Queries say so with the one definition of it, the SQL function
``in_scope`` (store/migrations/0012_shared_predicates.sql, a DuckDB macro and a PostgreSQL
function of the same meaning)::

    AND in_scope(h.grid_code, $scope::VARCHAR[])

Pass ``scope=scope_codes(user)``.
"""

from __future__ import annotations

from typing import Iterable

import duckdb
import pandas as pd

from store import db

from .users import User


def scope_codes(user: User | None) -> list[str] | None:
    """The ``$scope`` parameter for ``user``: None (everything) or a list of area codes.

    ``None`` as the user (the command line without ``--as``) is the local administrator.

    Parameters
    ----------
    user : User or None
        The signed-in user.

    Returns
    -------
    list of str or None
        The user's area codes; None: no restriction.

    Examples
    --------
    >>> scope_codes(User("office", "office", ["T1"]))
    ['T1']
    >>> scope_codes(None) is None
    True
    """
    if user is None:
        return None
    return user.scope


def in_scope(con: duckdb.DuckDBPyConnection, user: User | None, area_code: str | None) -> bool:
    """Whether ``area_code`` (of any level) lies inside the user's areas.

    An area above the user's areas (e.g. the county for a township office) is not in scope.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store (its area tree).
    user : User or None
        The signed-in user (None: everything is in scope).
    area_code : str or None
        The area; an empty one is in nobody's restricted scope.

    Returns
    -------
    bool
    """
    scope = scope_codes(user)
    if scope is None:
        return True
    if not area_code:
        return False
    return bool(db.one(con, "scope_contains", scope=scope, code=str(area_code)))


def in_scope_which(con: duckdb.DuckDBPyConnection, user: User | None, area_codes: Iterable[str]) -> set[str]:
    """Which of ``area_codes`` lie inside the user's areas: :func:`in_scope` for many areas in one query.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store (its area tree).
    user : User or None
        The signed-in user (None: everything is in scope).
    area_codes : iterable of str
        Areas of any level; an empty one is in nobody's restricted scope (as in :func:`in_scope`).

    Returns
    -------
    set of str
        The codes among ``area_codes`` that :func:`in_scope` would answer True for.
    """
    codes = sorted({str(c) for c in area_codes})
    scope = scope_codes(user)
    if scope is None:
        return set(codes)
    codes = [c for c in codes if c]
    if not codes:
        return set()
    return set(db.df(con, "scope_contains_which", codes=codes, scope=scope)["code"])


def visible_areas(con: duckdb.DuckDBPyConnection, user: User | None, level: str) -> pd.DataFrame:
    """The areas of ``level`` the user may see.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    user : User or None
        The signed-in user (None: every area).
    level : str
        An area level (vocabulary.areas.LEVELS).

    Returns
    -------
    pandas.DataFrame
        ``code, name, parent_code``, ordered by code.
    """
    return db.df(con, "scope_visible_areas", scope=scope_codes(user), level=level)


# ----------------------------------------------------------------------------- masking

# Masking lives in auth/masking.py (one module for every page, export and report); these names
# stay importable from here for the callers that already use them.
from .masking import can_see_personal, mask_frame, mask_name, mask_phone  # noqa: E402,F401
