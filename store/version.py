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
everybody's cache. Nor do the statements of :data:`UNVERSIONED_STATEMENTS` (the session secret stored
at the first sign-in ever).

Two parts (migration 0016). The version is two sequences: ``data_version`` moves on every write,
``data_version_no_visits`` on every write but a write of visits only — one that changes nothing but
:data:`VISIT_TABLES` and, by the statements of :data:`LAST_HOME_STATEMENTS`, households' last home
visit. In the evening rush grid leaders save a visit every few seconds; a result that reads no visit
(a petition hot spot, the watch list, the grid directory) is shared under the second part
(ui/shared.py ``READS_NO_VISITS``) and so is not computed again after every saved visit.
tests/test_data_version_parts.py checks both lists against the SQL they stand for.

Three parts (migration 0021). Most of those visits raise no issue: a *quiet visit* is one whose
``needs_action`` is false before and after the write. A third sequence, ``data_version_no_quiet_visits``,
moves on every write but a write of quiet visits only — the named statements of
:data:`QUIET_STATEMENTS`: the app's visit insert, edit and delete written for visits without an issue
(``needs_action`` FALSE in the SQL itself, and an edit or delete only of a row whose ``needs_action`` is
FALSE) and the statements of households' last home visit. The work list's visit issues read only
flagged visits (queries/petitions.sql ``visit_issue_items``): shared under this part (ui/shared.py
``READS_NO_QUIET_VISITS``), they are not computed again after a quiet visit, and are after anything
else — a visit that raises an issue, an issue's new state, an edit or delete of a flagged visit, an
import, a household's change. A statement not in the list is never quiet: a write the rule does not
know moves the part (a recomputation, never a stale work list). tests/test_data_version_parts.py runs
each reader and each writer on a tiny world and fails when a writer changes a reader's result without
moving its part; it also checks the quiet statements' SQL and the readers' SQL.

==============  ===============  ===============  ==========
a write of      whole version    no quiet visits  no visits
==============  ===============  ===============  ==========
anything else   moves (ALL)      moves            moves
visits only     moves (VISITS)   moves            —
quiet visits    moves (QUIET)    —                —
==============  ===============  ===============  ==========
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

BOOKKEEPING = frozenset({"sessions", "login_throttle", "audit_log"})

#: Named statements that write a table some figure reads, but nothing a figure reads: the session
#: secret, stored in ``meta`` once, at the first sign-in ever of a database (auth/session.py; its key
#: is written in the statement itself). They move nothing, as bookkeeping does: else that first sign-in
#: would empty every shared cache once (and the warm-up at start compute again).
#: tests/test_data_version.py checks that each writes one key of ``meta`` only.
UNVERSIONED_STATEMENTS = frozenset({"session_secret_init"})

#: Tables that hold visits and nothing else a figure without visits reads: the visits themselves and
#: the per-grid tallies of last home visits that triggers keep (migration 0013).
VISIT_TABLES = frozenset({"visits", "household_tallies"})

#: Named statements that write households but only their last home visit (``SET last_home_on = …``,
#: one column): a write of visits too.
LAST_HOME_STATEMENTS = frozenset(
    {"household_lock", "last_home_forward", "last_home_recount", "last_home_from_incoming"}
)

#: Named statements that write visits without an issue only (quiet visits): visits whose needs_action is
#: FALSE before and after the statement, or households' last home visit alone. A write of these and
#: nothing else moves the whole version only. tests/test_data_version_parts.py checks their SQL: an
#: insert writes the literal FALSE, an edit or delete keeps ``NOT needs_action`` in its WHERE and writes
#: no needs_action; the others are :data:`LAST_HOME_STATEMENTS`.
QUIET_STATEMENTS = frozenset({"visit_insert_quiet", "visit_update_quiet", "visit_delete_quiet"}) | LAST_HOME_STATEMENTS

#: The parts a write moves: every part; the whole version and the version without quiet visits (a write
#: of visits only); or the whole version only (a write of quiet visits only).
ALL, VISITS, QUIET = "all", "visits", "quiet"

#: How much of the version each kind of write moves: a transaction moves the most of its statements'.
_REACH = {QUIET: 1, VISITS: 2, ALL: 3}

#: The named statement that moves each kind's parts (queries/version.sql).
_BUMP = {ALL: "data_version_bump", VISITS: "data_version_bump_visits", QUIET: "data_version_bump_quiet"}

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
        :data:`ALL` (every sequence), :data:`VISITS` (a write of visits only: the whole version and the
        version without quiet visits, not the version without visits), :data:`QUIET` (a statement of
        :data:`QUIET_STATEMENTS`: the whole version only) or None (a read, a write of bookkeeping
        only, a statement of :data:`UNVERSIONED_STATEMENTS`).
    """
    from store import db

    if name in UNVERSIONED_STATEMENTS:
        return None
    tables = written_tables(db.sql(name)[0]) - BOOKKEEPING
    if not tables:
        return None
    visit_tables = VISIT_TABLES | ({"households"} if name in LAST_HOME_STATEMENTS else set())
    if not tables <= visit_tables:
        return ALL
    return QUIET if name in QUIET_STATEMENTS else VISITS


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
        pending = _PENDING.get(id(con))
        if pending is None or _REACH[moved] > _REACH[pending]:  # the most any of its statements moves
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
    """Move the version one step forward: the parts that a write of kind ``moved`` moves.

    On a cursor of its own, so that a statement's pending result on ``con`` (``INSERT …
    RETURNING``) is not lost.

    Parameters
    ----------
    con : connection
        The store.
    moved : str, default ALL
        :data:`ALL`, :data:`VISITS` or :data:`QUIET` (see :func:`part`).

    Returns
    -------
    int
        The new version (of the whole).
    """
    from store import db

    cur = con.cursor()
    try:
        return int(db.one(cur, _BUMP[moved]))
    finally:
        cur.close()


def current(con: Any) -> tuple[str, int, int, int]:
    """The data's version: (database id, whole version, version without visits, without quiet visits).

    Parameters
    ----------
    con : connection
        The store.

    Returns
    -------
    tuple (str, int, int, int)
        The first two are equal for two reads exactly when no write committed in between (in any
        process), the first and the third when nothing but visits was written, the first and the fourth
        when nothing but quiet visits (:data:`QUIET_STATEMENTS`) was written; a replaced database (a
        rebuilt demo) has another id.
    """
    from store import db

    row = db.execute(con, "data_version").fetchone()
    return str(row[0]), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)
