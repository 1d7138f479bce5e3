"""Scopes (which areas a user may see) and masking of personal data.

The convention for every query in ``queries/``: a ``$scope`` parameter that is NULL for
everything, otherwise a VARCHAR[] of area codes; an area X is in scope when any of X's
ancestors (table ``area_ancestors``, which lists each area with all its ancestors including
itself) is in ``$scope``::

    AND (CAST($scope AS VARCHAR[]) IS NULL
         OR EXISTS (SELECT 1 FROM area_ancestors x
                    WHERE x.code = h.grid_code
                      AND list_contains(CAST($scope AS VARCHAR[]), x.ancestor_code)))

Pass ``scope=scope_codes(user)``.
"""
from __future__ import annotations

import math
import re
from typing import Any, Iterable

import duckdb
import pandas as pd

from store import db

from .users import User


def scope_codes(user: User | None) -> list[str] | None:
    """The ``$scope`` parameter for ``user``: None (everything) or a list of area codes.

    ``None`` as the user (the command line without ``--as``) is the local administrator.

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
    """
    scope = scope_codes(user)
    if scope is None:
        return True
    if not area_code:
        return False
    return bool(db.one(con, "scope_contains", scope=scope, code=str(area_code)))


def visible_areas(con: duckdb.DuckDBPyConnection, user: User | None, level: str) -> pd.DataFrame:
    """The areas of ``level`` the user may see: DataFrame(code, name, parent_code), by code."""
    return db.df(con, "scope_visible_areas", scope=scope_codes(user), level=level)


# ----------------------------------------------------------------------------- masking

def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def mask_phone(phone: Any) -> Any:
    """Hide the middle of a phone number, keeping separators.

    A mobile keeps its first 3 and last 4 digits; a landline its first 3 and its last 4
    (10 digits or more), 3 (8–9 digits) or 2 (fewer) digits. A ``+86`` prefix is kept as is.
    Empty values are returned unchanged.

    Examples
    --------
    >>> mask_phone("13812341234")
    '138****1234'
    >>> mask_phone("023-53221234")
    '023-****1234'
    >>> mask_phone("5322123")
    '532**23'
    >>> mask_phone("+86 138 1234 1234")
    '+86 138 **** 1234'
    """
    if _blank(phone):
        return phone
    s = str(phone)
    prefix = ""
    m = re.match(r"^(\+?86[\s-]+|\+86)", s)
    if m:
        prefix, s = m.group(0), s[m.end():]
    digits = [i for i, c in enumerate(s) if c.isdigit()]
    n = len(digits)
    if n == 0:
        return prefix + s
    if n >= 10:
        keep_tail = 4
    elif n >= 8:
        keep_tail = 3
    else:
        keep_tail = 2
    keep_head = 3 if n > keep_tail + 3 else max(0, n - keep_tail - 1)
    hide = set(digits[keep_head:n - keep_tail]) if n > keep_tail else set(digits[:-1])
    return prefix + "".join("*" if i in hide else c for i, c in enumerate(s))


def mask_name(name: Any) -> Any:
    """Hide a name's middle: "王小二" → "王*二", "欧阳小明" → "欧**明", "王二" → "王*", "王" unchanged.

    Examples
    --------
    >>> mask_name("王小二"), mask_name("王二"), mask_name("王")
    ('王*二', '王*', '王')
    """
    if _blank(name):
        return name
    s = str(name).strip()
    if len(s) <= 1:
        return s
    if len(s) == 2:
        return s[0] + "*"
    return s[0] + "*" * (len(s) - 2) + s[-1]


def can_see_personal(user: User | None, area_code: str | None = None,
                     con: duckdb.DuckDBPyConnection | None = None) -> bool:
    """Whether ``user`` sees household names and phones in full for ``area_code``.

    admin (and the command line, ``user=None``): always. leader: never (masked).
    office, grid_leader, member: for areas in their scope — checked through ``area_ancestors``
    when ``con`` is given, else by the code being one of the user's own areas. Without
    ``area_code`` the answer is for rows already filtered to the user's scope.
    """
    if user is None or user.role == "admin":
        return True
    if user.role == "leader":
        return False
    if user.role not in ("office", "grid_leader", "member"):
        return False
    if area_code is None:
        return True
    if con is not None:
        return in_scope(con, user, area_code)
    return str(area_code) in (user.areas or [])


def mask_frame(frame: pd.DataFrame, user: User | None, con: duckdb.DuckDBPyConnection | None = None,
               area_column: str | None = "grid_code",
               name_columns: Iterable[str] = ("head_name", "name"),
               phone_columns: Iterable[str] = ("phone",)) -> pd.DataFrame:
    """A copy of ``frame`` with names and phones masked in the rows ``user`` may not see in full.

    Rows are judged by ``area_column`` (when present) with :func:`can_see_personal`;
    otherwise by role alone.
    """
    out = frame.copy()
    names = [c for c in name_columns if c in out.columns]
    phones = [c for c in phone_columns if c in out.columns]
    if not names and not phones:
        return out
    if area_column and area_column in out.columns:
        full_everywhere = user is None or user.role == "admin"
        seen: dict[str, bool] = {}

        def ok(a: Any) -> bool:
            if _blank(a):  # unassigned households: only the administrator sees them in full
                return full_everywhere
            key = str(a)
            if key not in seen:
                seen[key] = can_see_personal(user, key, con)
            return seen[key]

        hide = ~out[area_column].map(ok).astype(bool)
    else:
        hide = pd.Series(not can_see_personal(user), index=out.index)
    if hide.any():
        for c in names:
            out.loc[hide, c] = out.loc[hide, c].map(mask_name)
        for c in phones:
            out.loc[hide, c] = out.loc[hide, c].map(mask_phone)
    return out
