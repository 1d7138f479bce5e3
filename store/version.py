"""The data's version: one number for the whole store that every write moves forward.

Results that depend only on (area, period, filters, the data) are shared between sessions under
this version (ui/shared.py): twenty office users on the same township cost one query, and the next
view after any write sees it, in every app process, because the number lives in the database (the
sequence ``data_version`` of migration 0011) and is read once per page view.

Who moves it: :func:`store.db.execute` calls :func:`wrote` after every named statement that writes
(INSERT, UPDATE, DELETE… found in its SQL, whatever its name says). Outside a transaction the
version moves at once, after the statement; inside :func:`store.db.transaction` it moves once,
after the COMMIT (a rollback moves nothing). Always *after* the data is committed: a page view that
reads the new version can only see the new data, never cache the old under the new number (a view
running at the same moment as a write may show the data just before it, as without a cache).
A migration that changes anything moves it too, and on DuckDB so does every opening of the
database for writing: after a reopening, ``duckdb_sequences().last_value`` shows the value the
sequence will hand out next, and keeps showing it after handing it out — only from the second
``nextval`` on does it follow (DuckDB 1.5.5) — so :func:`store.db.migrate` draws one at once.
Every write in this code base is a named statement (SQL lives in queries/), so there is no other
way round it; tests/test_data_version.py checks each kind of writer.

Writes to the bookkeeping tables of :data:`BOOKKEEPING` (sign-in sessions, the login throttle, the
audit log) change no figure a page shows and move nothing: a sign-in or a download does not empty
everybody's cache.

Two parts (migration 0016). The version is two sequences: ``data_version`` moves on every write,
``data_version_no_visits`` on every write but a write of visits only — one that changes nothing but
:data:`VISIT_TABLES` and, by the statements of :data:`LAST_HOME_STATEMENTS`, households' last home
visit. In the evening rush grid leaders save a visit every few seconds; a result that reads no visit
(a petition hot spot, the watch list, the grid directory) is shared under the second part
(ui/shared.py ``READS_NO_VISITS``) and so is not computed again after every saved visit.
tests/test_data_version_parts.py checks both lists against the SQL they stand for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

BOOKKEEPING = frozenset({"sessions", "login_throttle", "audit_log"})

#: Tables that hold visits and nothing else a figure without visits reads: the visits themselves and
#: the per-grid tallies of last home visits that triggers keep (migration 0013).
VISIT_TABLES = frozenset({"visits", "household_tallies"})

#: Named statements that write households but only their last home visit (``SET last_home_on = …``,
#: one column): a write of visits too.
LAST_HOME_STATEMENTS = frozenset(
    {"household_lock", "last_home_forward", "last_home_recount", "last_home_from_incoming"}
)

#: The parts a write moves: every part, or the whole version only (a write of visits only).
ALL, VISITS = "all", "visits"

_WRITE = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO|"
    r"(?:CREATE|DROP|ALTER)\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TABLE|SEQUENCE|INDEX|VIEW)"
    r"(?:\s+IF\s+(?:NOT\s+)?EXISTS)?)\s+([A-Za-z_][\w.]*)",
    re.I,
)

_PENDING: dict[int, str] = {}  # connections (by id) with a versioned write in their open transaction: its part


def written_tables(text: str) -> frozenset[str]:
    """The tables an SQL text writes to (lower case; ``ON CONFLICT … DO UPDATE SET`` is its INSERT's).

    Parameters
    ----------
    text : SQL, possibly several statements, with comments and string literals.

    Returns
    -------
    frozenset of table names; empty for a statement that only reads.

    Examples
    --------
    >>> sorted(written_tables("INSERT INTO visits SELECT 1 ON CONFLICT DO UPDATE SET x = 1"))
    ['visits']
    """
    from store import db

    names = {m.group(1).lower().split(".")[-1] for m in _WRITE.finditer(db.bare_sql(text))}
    return frozenset(names - {"set"})


@lru_cache(maxsize=None)
def moves(name: str) -> bool:
    """Whether the named query writes to a table that some figure reads (not only :data:`BOOKKEEPING`).

    Parameters
    ----------
    name : str
        A named query (queries/*.sql).

    Returns
    -------
    bool
    """
    return part(name) is not None


@lru_cache(maxsize=None)
def part(name: str) -> str | None:
    """Which parts of the version the named query moves.

    Parameters
    ----------
    name : str
        A named query (queries/*.sql).

    Returns
    -------
    str or None
        :data:`ALL` (both sequences), :data:`VISITS` (a write of visits only: the whole version, not
        the version without visits) or None (a read, or a write of bookkeeping only).
    """
    from store import db

    tables = written_tables(db.sql(name)[0]) - BOOKKEEPING
    if not tables:
        return None
    visit_tables = VISIT_TABLES | ({"households"} if name in LAST_HOME_STATEMENTS else set())
    return VISITS if tables <= visit_tables else ALL


def wrote(con: Any, name: str, in_transaction: bool) -> None:
    """Note that the named statement ``name`` ran on ``con``.

    Moves the version now, or at the COMMIT of the transaction it is part of (:func:`committed`);
    a statement that writes no figure's table (:func:`moves`) moves nothing.

    Parameters
    ----------
    con : connection
        The store it ran on.
    name : str
        The named query.
    in_transaction : bool
        Whether it ran inside an open transaction.
    """
    moved = part(name)
    if moved is None:
        return
    if in_transaction:
        if _PENDING.get(id(con)) != ALL:  # one write of anything but visits: both parts
            _PENDING[id(con)] = moved
    else:
        bump(con, moved)


def committed(con: Any) -> None:
    """The transaction of ``con`` committed: move the version if it wrote anything that counts."""
    moved = _PENDING.pop(id(con), None)
    if moved is not None:
        bump(con, moved)


def rolled_back(con: Any) -> None:
    """The transaction of ``con`` rolled back: nothing was written, nothing moves."""
    _PENDING.pop(id(con), None)


def bump(con: Any, moved: str = ALL) -> int:
    """Move the version one step forward: both parts, or the whole version only.

    On a cursor of its own, so that a statement's pending result on ``con`` (``INSERT …
    RETURNING``) is not lost.

    Parameters
    ----------
    con : connection
        The store.
    moved : str, default ALL
        :data:`ALL` or :data:`VISITS` (see :func:`part`).

    Returns
    -------
    int
        The new version (of the whole).
    """
    from store import db

    cur = con.cursor()
    try:
        return int(db.one(cur, "data_version_bump_visits" if moved == VISITS else "data_version_bump"))
    finally:
        cur.close()


def current(con: Any) -> tuple[str, int, int]:
    """The data's version: (the database's random id, the whole version, the version without visits).

    Parameters
    ----------
    con : connection
        The store.

    Returns
    -------
    tuple (str, int, int)
        The first two are equal for two reads exactly when no write committed in between (in any
        process), the first and the third when nothing but visits was written; a replaced database (a
        rebuilt demo) has another id.
    """
    from store import db

    row = db.execute(con, "data_version").fetchone()
    return str(row[0]), int(row[1] or 0), int(row[2] or 0)
