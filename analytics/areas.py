"""The area tree (county › township › village › grid) as the sidebar walks it.

Small lookups of one area, its chain of ancestors and its children, named so that every session can
share them (ui/shared.py ``READS_NO_VISITS``: areas change only with an import, never with a visit).
The sidebar asked them at every script run of every session (py-spy under the load benchmark: ~4 % of
the server's samples, BENCHMARKS.md "Eighteenth session"). SQL in queries/areas.sql.
"""

from __future__ import annotations

from typing import Any, Sequence

import pandas as pd

from store import db


def area(con: Any, code: str) -> tuple[str, str, str] | None:
    """One area by its code.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    code : str
        The area's code (a county, township, village or grid).

    Returns
    -------
    tuple of (str, str, str) or None
        ``(code, name, level)``; None when no area has that code.
    """
    row = db.execute(con, "area_get", code=code).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), str(row[2]))


def chain(con: Any, code: str) -> pd.DataFrame:
    """An area and its ancestors, from the county down to it.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL.
    code : str
        The area's code.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, name, level``, one row per level from the top down to ``code`` (empty when no
        area has that code).
    """
    return db.df(con, "area_chain", code=code)


def children(con: Any, level: str, parent: str | None, scope: Sequence[str] | None) -> pd.DataFrame:
    """The areas of ``level`` under ``parent`` that ``scope`` may see.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL.
    level : str
        township, village or grid (vocabulary.areas.LEVELS).
    parent : str or None
        The parent area's code; None: every area of ``level``.
    scope : sequence of str or None
        The user's area codes (an area is in scope when it or an ancestor is listed); None: everything.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, name`` in code order.
    """
    return db.df(con, "area_children", level=level, parent=parent, scope=None if scope is None else list(scope))


def counties(con: Any) -> pd.DataFrame:
    """Every county stored.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, name, parent_code`` in code order (one row for a county's database).
    """
    return db.df(con, "areas_in_scope", level="county", scope=None)
