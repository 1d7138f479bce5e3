"""What each role sees of a household's personal data — one module used by every page, export and report.

A household's personal data are its head's name, phone, address, tags and location (its point on
a map). Its tags (低保、残疾、特困、留守儿童、空巢老人 …) name a vulnerable group and are *sensitive*
personal information under PIPL Art. 28 (a specific identity, health, finances, minors), and a point
on a map is as precise as an address. Who sees what (README.md, "Personal data by role"):

==================  ========  ================  ================================
field               admin     leader            office / grid_leader / member
==================  ========  ================  ================================
head_name           full      王*二             full in their areas
phone               full      138****1234       full in their areas
address             full      梁山街道东村***   full in their areas
tags                full      withheld (empty)  full in their areas
lon, lat (maps)     full      withheld          full in their areas
==================  ========  ================  ================================

Outside their areas a scoped role sees the leader's form (queries filter such rows out anyway);
a household in no grid is shown in full only to the administrator. The command line without
``--as`` is the local administrator (``user=None``).
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable

import duckdb
import pandas as pd

from .users import User

#: the household columns each kind of personal data comes in, as the queries name them
NAME_COLUMNS: tuple[str, ...] = ("head_name",)
PHONE_COLUMNS: tuple[str, ...] = ("phone",)
ADDRESS_COLUMNS: tuple[str, ...] = ("address",)
TAG_COLUMNS: tuple[str, ...] = ("tags",)
LOCATION_COLUMNS: tuple[str, ...] = ("lon", "lat")

#: roles that see every household in full / none in full / those of their own areas in full
FULL_EVERYWHERE: frozenset[str] = frozenset({"admin"})
MASKED_EVERYWHERE: frozenset[str] = frozenset({"leader"})
FULL_IN_SCOPE: frozenset[str] = frozenset({"office", "grid_leader", "member"})

# the end of the part of an address that names a place rather than a house: township, street, village
_PLACE_END = re.compile(r"(?:街道|社区|居委会|村委会|村|镇|乡)")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def mask_phone(phone: Any) -> Any:
    """Hide the middle of a phone number, keeping separators.

    A mobile keeps its first 3 and last 4 digits; a landline its first 3 and its last 4
    (10 digits or more), 3 (8–9 digits) or 2 (fewer) digits. A ``+86`` prefix is kept as is.
    Empty values are returned unchanged.

    Parameters
    ----------
    phone : str or None
        A phone number as stored (digits with any separators, an optional ``+86``).

    Returns
    -------
    str or the input
        The masked number, same length and separators; an empty value unchanged.

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
        prefix, s = m.group(0), s[m.end() :]
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
    hide = set(digits[keep_head : n - keep_tail]) if n > keep_tail else set(digits[:-1])
    return prefix + "".join("*" if i in hide else c for i, c in enumerate(s))


def mask_name(name: Any) -> Any:
    """Hide a name's middle: "王小二" → "王*二", "欧阳小明" → "欧**明", "王二" → "王*", "王" unchanged.

    Parameters
    ----------
    name : str or None
        A person's name.

    Returns
    -------
    str or the input
        The first and last character with ``*`` between; an empty value unchanged.

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


def mask_address(address: Any) -> Any:
    """Keep the place (township, street, village, community) of an address and hide the house.

    The address is cut after its last 街道/镇/乡/村/社区/居委会 that is not its end; without one,
    its first third (at most 6 characters) is kept. What is hidden becomes ``***``.

    Parameters
    ----------
    address : str or None
        An address as stored.

    Returns
    -------
    str or the input
        The kept place followed by ``***``; an empty value unchanged.

    Examples
    --------
    >>> mask_address("梁山街道东村3组12号")
    '梁山街道东村***'
    >>> mask_address("礼让镇川西村")
    '礼让镇***'
    >>> mask_address("幸福路18号")
    '幸福***'
    """
    if _blank(address):
        return address
    s = str(address).strip()
    if not s:
        return s
    cut = 0
    for m in _PLACE_END.finditer(s):
        if m.end() < len(s):
            cut = m.end()
    if cut == 0:
        cut = min(6, len(s) // 3)
    return s[:cut] + "***"


def can_see_personal(
    user: User | None, area_code: str | None = None, con: duckdb.DuckDBPyConnection | None = None
) -> bool:
    """Whether ``user`` sees households' personal data in full for ``area_code``.

    admin (and the command line without ``--as``, ``user=None``): always. leader: never.
    office, grid_leader, member: for areas in their scope — checked through ``area_ancestors``
    when ``con`` is given, else by the code being one of the user's own areas. Without
    ``area_code`` the answer is for rows already filtered to the user's scope.

    Parameters
    ----------
    user : User or None
        The signed-in user (None: the command line's local administrator).
    area_code : str, optional
        The area (any level) the data belongs to.
    con : duckdb.DuckDBPyConnection, optional
        The store, to place ``area_code`` under the user's areas.

    Returns
    -------
    bool
        True when names, phone numbers and addresses are shown unmasked.
    """
    if user is None or user.role in FULL_EVERYWHERE:
        return True
    if area_code is None:
        return user.role in FULL_IN_SCOPE
    return str(area_code) in personal_areas(user, [str(area_code)], con)


def personal_areas(
    user: User | None, area_codes: Iterable[str], con: duckdb.DuckDBPyConnection | None = None
) -> set[str]:
    """The areas among ``area_codes`` whose households ``user`` sees in full.

    :func:`can_see_personal` for many areas at once: one query (``auth.scope.in_scope_which``) where it
    asks one per area — a township's due list spans a hundred grids.

    Parameters
    ----------
    user : User or None
        The signed-in user (None: the command line's local administrator).
    area_codes : iterable of str
        Areas of any level (blank ones are left out).
    con : duckdb.DuckDBPyConnection, optional
        The store, to place the areas under the user's areas.

    Returns
    -------
    set of str
        Each code of ``area_codes`` for which :func:`can_see_personal` answers True.
    """
    codes = {str(c) for c in area_codes if not _blank(c)}
    if user is None or user.role in FULL_EVERYWHERE:
        return codes
    if user.role not in FULL_IN_SCOPE:
        return set()
    if con is not None:
        from .scope import in_scope_which

        return in_scope_which(con, user, codes)
    return codes & {str(a) for a in (user.areas or [])}


def masking_key(user: User | None) -> tuple:
    """What the masking of households' personal data reads of a user, and nothing else.

    :func:`can_see_personal` and :func:`mask_frame` read the role, and for a role that sees its own
    areas in full, its scope: two users with the same key see every household alike. For what is
    shared between users and masked for them (the coverage page's map is keyed by it).

    Parameters
    ----------
    user : auth.users.User or None
        The signed-in user (None: the local administrator).

    Returns
    -------
    tuple
        ``("full",)`` (everything in full: the administrator), ``("masked",)`` (nothing in full: a
        leader, or a role masking does not know), ``("in_scope", areas)`` (in full inside ``areas``,
        sorted codes, or None for the whole county: office, grid leader, member).

    Examples
    --------
    >>> masking_key(User("a", "office", ["T2", "T1"])) == masking_key(User("b", "office", ["T1", "T2"]))
    True
    >>> masking_key(User("a", "leader", ["T1"])), masking_key(None)
    (('masked',), ('full',))
    """
    if user is None or user.role in FULL_EVERYWHERE:
        return ("full",)
    if user.role not in FULL_IN_SCOPE:
        return ("masked",)
    return ("in_scope", None if user.scope is None else tuple(sorted(user.scope)))


def _withheld(v: Any) -> Any:
    return None


def mask_frame(
    frame: pd.DataFrame,
    user: User | None,
    con: duckdb.DuckDBPyConnection | None = None,
    area_column: str | None = "grid_code",
    name_columns: Iterable[str] = NAME_COLUMNS,
    phone_columns: Iterable[str] = PHONE_COLUMNS,
    address_columns: Iterable[str] = ADDRESS_COLUMNS,
    tag_columns: Iterable[str] = TAG_COLUMNS,
    location_columns: Iterable[str] = LOCATION_COLUMNS,
) -> pd.DataFrame:
    """A copy of ``frame`` with households' personal data masked where ``user`` may not see it in full.

    Parameters
    ----------
    frame : rows of households (or of things about households), any columns.
    user : who will see it; ``None`` is the local administrator (nothing is masked).
    con : the database, to judge a row's area against the user's areas (``area_ancestors``).
    area_column : the column with each row's grid (or other area); without it rows are judged
        by the role alone (:func:`can_see_personal` without an area).
    name_columns, phone_columns, address_columns : masked with :func:`mask_name`,
        :func:`mask_phone`, :func:`mask_address`.
    tag_columns, location_columns : withheld (``None``) — sensitive tags and map points.

    Returns
    -------
    DataFrame, the same rows and columns; only the cells of the hidden rows change.
    """
    out = frame.copy()
    how = [
        (list(cols), fn)
        for cols, fn in (
            (name_columns, mask_name),
            (phone_columns, mask_phone),
            (address_columns, mask_address),
            (tag_columns, _withheld),
            (location_columns, _withheld),
        )
    ]
    how = [([c for c in cols if c in out.columns], fn) for cols, fn in how]
    if not any(cols for cols, _ in how) or not len(out):
        return out
    if area_column and area_column in out.columns:
        full_everywhere = user is None or user.role in FULL_EVERYWHERE
        seen = personal_areas(user, out[area_column].dropna().unique(), con)  # one query for every area

        def ok(a: Any) -> bool:
            if _blank(a):  # unassigned households: only the administrator sees them in full
                return full_everywhere
            return str(a) in seen

        hide = ~out[area_column].map(ok).astype(bool)
    else:
        hide = pd.Series(not can_see_personal(user), index=out.index)
    if hide.any():
        for cols, fn in how:
            for c in cols:
                masked = out.loc[hide, c].map(fn)
                if fn is _withheld:
                    if pd.api.types.is_numeric_dtype(out[c]):
                        out.loc[hide, c] = float("nan")
                        continue
                    out[c] = out[c].astype(object)
                out.loc[hide, c] = masked
    return out
