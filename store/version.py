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

Four parts (migration 0025): per township. A coverage figure of one township reads no visit of another,
yet every saved visit moved the whole version, so every area's coverage was computed again at its next
view. Now a write of visits only whose statements are all the app's one-household statements
(:data:`ONE_HOUSEHOLD_STATEMENTS`: a visit's insert, edit or delete, quiet or flagged, and its
household's last home visit; each names ``$household_code`` and writes that household's rows only)
moves, besides the parts above, only its households' townships' versions (the table
``township_versions``: a row with a fresh number of the sequence ``data_version_townships``, drawn after
the COMMIT as the others; a township's version is its greatest number; rows are only added — two visits
saved at once never conflict — and pruned every :data:`PRUNE_EVERY`). Every other write of visits only
(an import, a recount of every household, a statement the rule does not know) moves the sequence
``data_version_other_visits`` instead: every township's results are computed again. Anything else moves
every part, the version without visits among them. A result whose figures read visits only inside a
known set of townships (an area at township level or below, or a scope of such areas) is shared under
(version without visits, other visits, those townships' versions) (ui/shared.py ``TOWNSHIPS``); the
county as a whole keeps the whole version. tests/test_township_versions.py runs the readers of one
township around every writer.

=====================  ===============  ===============  ==========  ============  ===============
a write of             whole version    no quiet visits  no visits   other visits  its townships
=====================  ===============  ===============  ==========  ============  ===============
anything else          moves (ALL)      moves            moves       moves         — (no visits)
visits only            moves (VISITS)   moves            —           moves         —
quiet visits           moves (QUIET)    —                —           moves         —
one household's visit  moves (VISITS)   moves            —           —             moves
one household's quiet  moves (QUIET)    —                —           —             moves
=====================  ===============  ===============  ==========  ============  ===============
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

BOOKKEEPING = frozenset({"sessions", "login_throttle", "audit_log"})

#: The version's own table (migration 0025): writing it is moving the version, not a write that moves it.
VERSION_TABLES = frozenset({"township_versions"})

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

#: Named statements that write the visits of one household only, named by their ``$household_code``
#: (each writes only rows of that household: ``WHERE household_code = $household_code``, an insert of its
#: values, or ``WHERE code = $household_code`` of households). A write of visits only made of these moves
#: its households' townships' versions instead of every township's (migration 0025);
#: tests/test_township_versions.py checks their SQL. ``last_home_from_incoming`` (an import's) is not one.
ONE_HOUSEHOLD_STATEMENTS = frozenset(
    {
        "visit_insert",
        "visit_insert_quiet",
        "visit_update",
        "visit_update_quiet",
        "visit_delete",
        "visit_delete_quiet",
        "household_lock",
        "last_home_forward",
        "last_home_recount",
    }
)

#: How often (every so many townships' numbers) the table of townships' versions drops its older rows.
PRUNE_EVERY = 64

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

# connections (by id) with a versioned write in their open transaction: its part and its households
_PENDING: dict[int, tuple[str, frozenset[str] | None]] = {}


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
    text = db.sql(name, db.POSTGRES if name in db.only_for(db.POSTGRES) else db.DUCKDB)[0]
    tables = written_tables(text) - BOOKKEEPING - VERSION_TABLES
    if not tables:
        return None
    visit_tables = VISIT_TABLES | ({"households"} if name in LAST_HOME_STATEMENTS else set())
    if not tables <= visit_tables:
        return ALL
    return QUIET if name in QUIET_STATEMENTS else VISITS


def households_of(name: str, params: dict[str, Any] | None) -> frozenset[str] | None:
    """The households whose townships a statement's write of visits moves (migration 0025).

    Parameters
    ----------
    name : str
        A named query.
    params : dict or None
        Its parameters.

    Returns
    -------
    frozenset of str or None
        ``{params["household_code"]}`` for a statement of :data:`ONE_HOUSEHOLD_STATEMENTS` given one
        (not None); None otherwise: every township's version moves (or, for a write of anything but
        visits, the version without visits).
    """
    code = (params or {}).get("household_code")
    if name in ONE_HOUSEHOLD_STATEMENTS and part(name) in (VISITS, QUIET) and code is not None:
        return frozenset({str(code)})
    return None


def wrote(con: Any, name: str, in_transaction: bool, params: dict[str, Any] | None = None) -> None:
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
    params : dict, optional
        Its parameters: a one-household statement's ``household_code`` (:func:`households_of`).
    """
    moved = part(name)
    if moved is None:
        return
    households = households_of(name, params)
    if in_transaction:
        pending = _PENDING.get(id(con))
        if pending is not None:
            if _REACH[pending[0]] > _REACH[moved]:  # the most any of its statements moves
                moved = pending[0]
            # townships only while every statement so far named its household
            households = None if pending[1] is None or households is None else pending[1] | households
        _PENDING[id(con)] = (moved, households)
    else:
        bump(con, moved, households)


def committed(con: Any) -> None:
    """The transaction of ``con`` committed: move the version if it wrote anything that counts."""
    pending = _PENDING.pop(id(con), None)
    if pending is not None:
        bump(con, *pending)


def rolled_back(con: Any) -> None:
    """The transaction of ``con`` rolled back: nothing was written, nothing moves."""
    _PENDING.pop(id(con), None)


def bump(con: Any, moved: str = ALL, households: frozenset[str] | None = None) -> int:
    """Move the version one step forward: the parts that a write of kind ``moved`` moves.

    On a cursor of its own, so that a statement's pending result on ``con`` (``INSERT …
    RETURNING``) is not lost. A write of visits only moves, besides, the townships of ``households``
    (one statement each) or, for None, the version of other visits (every township's results).

    Parameters
    ----------
    con : connection
        The store.
    moved : str, default ALL
        :data:`ALL`, :data:`VISITS` or :data:`QUIET` (see :func:`part`).
    households : frozenset of str, optional
        The households written (:func:`households_of`); ignored for :data:`ALL`.

    Returns
    -------
    int
        The new version (of the whole).
    """
    from store import db

    cur = con.cursor()
    try:
        version = int(db.one(cur, _BUMP[moved]))
        if moved == ALL:
            return version
        if households is None:
            db.one(cur, "data_version_bump_other_visits")
        for code in sorted(households or ()):
            drawn = int(db.one(cur, "data_version_bump_township", household_code=code))
            if drawn % PRUNE_EVERY == 0:
                _prune(cur)
        return version
    finally:
        cur.close()


def _prune(cur: Any) -> None:
    # keep each township's greatest row only; losing a race with another pruning changes nothing (the
    # rows stay until the next), so it is not tried again
    from store import db

    try:
        db.execute(cur, "township_versions_prune")
    except Exception as e:
        if not db.is_conflict(e):
            raise


def current(con: Any) -> tuple[str, int, int, int, int]:
    """The data's version: (database id, whole version, without visits, without quiet visits, other visits).

    Parameters
    ----------
    con : connection
        The store.

    Returns
    -------
    tuple (str, int, int, int, int)
        The first two are equal for two reads exactly when no write committed in between (in any
        process), the first and the third when nothing but visits was written, the first and the fourth
        when nothing but quiet visits (:data:`QUIET_STATEMENTS`) was written, the first, third and
        fifth when nothing but one household's visits at a time (:data:`ONE_HOUSEHOLD_STATEMENTS`; see
        :func:`townships` for which); a replaced database (a rebuilt demo) has another id.
    """
    from store import db

    row = db.execute(con, "data_version").fetchone()
    return str(row[0]), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0), int(row[4] or 0)


def townships(con: Any) -> dict[str, int]:
    """Every township's version (migration 0025): it moves when one household's visits in it are written.

    Parameters
    ----------
    con : connection
        The store.

    Returns
    -------
    dict
        Township code → version; a township missing has never moved (0). ``''`` stands for the
        households in no township.
    """
    from store import db

    return {str(code): int(v) for code, v in db.execute(con, "township_versions").fetchall()}
