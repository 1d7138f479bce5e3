"""The store: a DuckDB file or a PostgreSQL database, versioned migrations, named queries, transactions.

Every other module reaches the database through this one, and this is the one place that knows
which store is in use. ``--db``/``$LIANXIN_DB`` is either a file path (DuckDB, the embedded
default) or a URL ``postgresql://USER@HOST:PORT/NAME`` (PostgreSQL 15 + PostGIS 3, store/postgres.py);
:func:`connect` gives a connection that both stores shape alike: ``execute(sql, params)`` with
``$name`` or ``?`` parameters, ``fetchone``/``fetchall``/``df`` on the result, ``cursor()``,
``register(name, frame)``/``unregister(name)`` to bring a DataFrame into a statement, ``close()``.

Dialects: a named query ``foo`` in queries/*.sql may have a PostgreSQL variant ``foo__postgres``
right beside it; a migration ``NNNN_x.sql`` may have ``NNNN_x.postgres.sql`` beside it. Everything
else is written once, in SQL both understand (store/migrations/0001_initial.postgres.sql gives
PostgreSQL the few DuckDB functions the queries use: list_contains, date_diff, year, round of a
double…). A file whose first line is ``-- store: duckdb`` holds statements for DuckDB only, one whose
first line is ``-- store: postgres`` statements for PostgreSQL only.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import aiosql
import duckdb
import pandas as pd
import pyarrow as pa

from i18n.message import WordedError
from store import version as data_version

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
QUERIES = ROOT / "queries"
DEFAULT_DB = ROOT / "data" / "demo.duckdb"

DUCKDB, POSTGRES = "duckdb", "postgres"
T = TypeVar("T")
VARIANT = "__postgres"  # suffix of a named query's PostgreSQL form


class StoreError(WordedError):
    """A problem with the database a person can fix (wrong path, locked file, unreachable server…).

    Raised with a catalog key (``StoreError(key="store.error.…", **params)``, i18n/parts/store_messages.py):
    ``str(e)`` is the command line's ``中文 / English`` sentence, ``e.text(lang)`` a page's.
    """


class BadTarget(WordedError, ValueError):
    """``--db``/``$LIANXIN_DB`` is neither a file path nor a URL of a known kind (bad usage).

    Worded like :class:`StoreError`.
    """


def is_conflict(e: BaseException) -> bool:
    """Whether an error is a write that lost a race with a concurrent writer.

    Then the same unit of work simply tried again sees the other's result: DuckDB's write-write
    conflict (it aborts the later transaction), PostgreSQL's serialization failure, deadlock or a
    key stored by the other a moment earlier.

    Parameters
    ----------
    e : BaseException
        What a unit of work raised.

    Returns
    -------
    bool
    """
    if isinstance(e, (duckdb.TransactionException, duckdb.ConstraintException)):
        m = str(e).lower()
        return "conflict" in m or "constraint" in m
    try:
        import psycopg.errors as E
    except ImportError:  # pragma: no cover - psycopg is a requirement
        return False
    return isinstance(e, (E.SerializationFailure, E.DeadlockDetected, E.UniqueViolation))


def retrying(work: Callable[[], T], attempts: int = 5) -> T:
    """Run ``work`` (one transaction), again when it lost a race with a concurrent writer.

    A lost race is :func:`is_conflict`; any other error, or the last attempt's, propagates.

    Parameters
    ----------
    work : callable()
        One unit of work (a transaction of its own).
    attempts : int, default 5
        How often it is tried at most (10 ms, 20 ms … apart).

    Returns
    -------
    object
        What ``work`` returned.
    """
    for attempt in range(attempts - 1):
        try:
            return work()
        except Exception as e:
            if not is_conflict(e):
                raise
            time.sleep(0.01 * (attempt + 1))
    return work()  # the last attempt: whatever it raises propagates


# ----------------------------------------------------------------------------- which database

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
POSTGRES_SCHEMES = ("postgresql", "postgres")


def default_path() -> Path:
    """The database as a path: ``$LIANXIN_DB``, else ``data/demo.duckdb`` (see :func:`target`).

    Returns
    -------
    pathlib.Path
    """
    env = os.environ.get("LIANXIN_DB")
    return Path(env) if env else DEFAULT_DB


def target(spec: str | Path | None = None) -> str:
    """The database to use: ``spec`` (``--db``), else ``$LIANXIN_DB``, else ``data/demo.duckdb``.

    Returns
    -------
    str: a file path or a PostgreSQL URL, as given.
    """
    if spec is not None and str(spec) != "":
        return str(spec)
    env = os.environ.get("LIANXIN_DB")
    return env if env else str(DEFAULT_DB)


def kind(spec: str | Path) -> str:
    """Which store a database spec names: :data:`DUCKDB` (a file path) or :data:`POSTGRES` (a URL).

    Parameters
    ----------
    spec : str or Path
        A file path or a URL (``--db``).

    Returns
    -------
    str
        :data:`DUCKDB` or :data:`POSTGRES`.

    Raises
    ------
    BadTarget
        A URL of another kind (``mysql://…``), a PostgreSQL URL libpq cannot read, or something
        that cannot be a path.
    """
    s = str(spec)
    m = _URL.match(s)
    if m:
        if m.group(1).lower() in POSTGRES_SCHEMES:
            from store.postgres import parse

            parse(s)  # libpq must be able to read it (BadTarget otherwise)
            return POSTGRES
        raise BadTarget(key="store.error.unsupported_target", target=repr(s))
    if s.strip() == "" or "\x00" in s or "://" in s:
        raise BadTarget(key="store.error.not_a_target", target=repr(s))
    return DUCKDB


def exists(spec: str | Path) -> bool:
    """Whether the database is there already (a PostgreSQL database is created on connect: True).

    Parameters
    ----------
    spec : str or Path
        A file path, ``:memory:`` or a PostgreSQL URL.

    Returns
    -------
    bool
    """
    return kind(spec) == POSTGRES or str(spec) == ":memory:" or Path(spec).exists()


def used_elsewhere(con: Any) -> bool:
    """Whether another process has the database open right now (a running app, another command).

    DuckDB: never — a file another process holds cannot be opened at all (:func:`connect` says so).
    PostgreSQL: another client is connected to the same database.

    Parameters
    ----------
    con : connection
        An open store.

    Returns
    -------
    bool
    """
    return store_of(con) == POSTGRES and con.others_connected() > 0


def for_reports(con: Any) -> Any:
    """The connection report queries should read through.

    Parameters
    ----------
    con : connection
        An open store.

    Returns
    -------
    connection
        On PostgreSQL with ``$LIANXIN_DB_REPLICA`` set, a handle whose reads go to that streaming
        replica (writes and transactions stay on the primary; a replica that is down hands its
        reads back to the primary); otherwise ``con`` itself.
    """
    return con.for_reports() if store_of(con) == POSTGRES else con


def store_of(con: Any) -> str:
    """Which store a connection is on (:data:`DUCKDB` or :data:`POSTGRES`).

    Parameters
    ----------
    con : connection
        An open store.

    Returns
    -------
    str
    """
    return POSTGRES if getattr(con, "store", None) == POSTGRES else DUCKDB


def connect(path: str | Path | None = None, read_only: bool = False, **options: Any) -> Any:
    """Open (and create and migrate) the database.

    Parameters
    ----------
    path : a file path, ``":memory:"`` for a throwaway DuckDB, or a ``postgresql://`` URL;
        ``None`` for :func:`target` (``$LIANXIN_DB``, then ``data/demo.duckdb``).
    read_only : open without migrating (the database must exist).
    options : PostgreSQL only, passed to :func:`store.postgres.connect` (``pool_size``…).

    Returns
    -------
    A DuckDB connection, or a :class:`store.postgres.PgConnection` shaped like one, migrated
    to the newest schema.

    Raises
    ------
    StoreError
        With one sentence: the file is locked or unreadable, the server unreachable, the
        password wrong, PostGIS missing, the database cannot be created.
    BadTarget
        ``path`` is neither a file path nor a PostgreSQL URL (raised by :func:`kind`).

    Examples
    --------
    >>> con = connect(":memory:")
    >>> con.execute("SELECT count(*) FROM rules").fetchone()[0] > 0
    True
    """  # noqa: DOC502 — BadTarget is raised by kind
    p = target(path)
    if kind(p) == POSTGRES:
        from store import postgres

        return postgres.connect(p, read_only=read_only, **options)
    if p != ":memory:":
        parent = Path(p).parent
        if not parent.exists():
            parent.mkdir(parents=True, exist_ok=True)
        if Path(p).is_dir():
            raise StoreError(key="store.error.folder", path=p)
    try:
        con = duckdb.connect(
            p,
            read_only=read_only,
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            },
        )
    except duckdb.IOException as e:
        msg = str(e).splitlines()[0]
        if "lock" in msg.lower():
            raise StoreError(key="store.error.file_in_use", path=p) from e
        raise StoreError(key="store.error.cannot_open", path=p, error=msg) from e
    except duckdb.Error as e:
        raise StoreError(key="store.error.cannot_open", path=p, error=str(e).splitlines()[0]) from e
    con.execute("SET enable_progress_bar = false")  # DuckDB would draw one on the terminal
    if not read_only:
        migrate(con)
    return con


# ----------------------------------------------------------------------------- migrations


def migrations(store: str = DUCKDB) -> list[tuple[int, Path]]:
    """The migrations in order: (version, file), the ``.postgres.sql`` variant where one exists.

    Parameters
    ----------
    store : str, default DUCKDB
        :data:`DUCKDB` or :data:`POSTGRES`.

    Returns
    -------
    list of (int, pathlib.Path)
    """
    out = []
    for f in sorted(MIGRATIONS.glob("*.sql")):
        if f.name.endswith(".postgres.sql"):
            continue
        m = re.match(r"(\d+)_", f.name)
        if m:
            variant = f.with_name(f.name[: -len(".sql")] + ".postgres.sql")
            out.append((int(m.group(1)), variant if store == POSTGRES and variant.exists() else f))
    return out


def schema_version(con: Any) -> int:
    """The newest migration applied to the database (0: none).

    Parameters
    ----------
    con : connection
        An open store.

    Returns
    -------
    int
    """
    if store_of(con) == POSTGRES:
        return con.schema_version()
    has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'").fetchone()[
        0
    ]
    if not has:
        return 0
    v = con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    return int(v or 0)


def migrate(con: Any) -> int:
    """Apply every migration the database has not had yet, in number order, each in its own transaction.

    Numbers are handed out to branches in advance, so a database may already have a later one
    (0010) when an earlier one (0009) lands: every version missing from ``schema_version`` is
    applied, not only those above the highest.

    Parameters
    ----------
    con : connection
        An open store.

    Returns
    -------
    int
        The schema version after migrating.
    """
    if store_of(con) == POSTGRES:
        # one look at schema_version when nothing is missing (every process start, every command)
        applied, wanted = con.applied(), migrations(POSTGRES)
        if all(version in applied for version, _ in wanted):
            return max(applied, default=0)
        current = con.migrate(wanted)
        data_version.bump(con)  # a migration may change what the figures read
        return current
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    current = schema_version(con)
    applied = {int(r[0]) for r in con.execute("SELECT version FROM schema_version").fetchall()}
    changed = False
    for version, path in migrations(DUCKDB):
        if version in applied:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": version})
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        current, changed = max(current, version), True
    # A migration may change what the figures read; and DuckDB's sequence shows the value it will
    # hand out next until it has handed out one in this process (store/version.py): every opening moves it.
    data_version.bump(con)
    if changed:
        # DuckDB 1.5 cannot replay some ALTER TABLEs (on tables with a nextval() default) from its
        # write-ahead log: write the migrated schema into the file now (duckdb/duckdb#18259).
        con.execute("CHECKPOINT")
    return current


_OPEN: set[int] = set()  # connections (by id) inside a transaction opened by transaction()


@contextmanager
def transaction(con: Any) -> Iterator[Any]:
    """One all-or-nothing unit of work: commit on success, roll back on any exception.

    Re-entrant: inside an open transaction of the same connection it joins it (DuckDB has no
    nested transactions, and a failed nested BEGIN would abort the outer one). On PostgreSQL the
    connection keeps one server connection for the whole transaction.

    Parameters
    ----------
    con : connection
        An open store.

    Yields
    ------
    connection
        ``con``, inside the transaction.
    """
    if store_of(con) == POSTGRES:
        outermost = not con.in_transaction
        try:
            with con.transaction():
                yield con
        except BaseException:
            if outermost:
                data_version.rolled_back(con)
            raise
        if outermost:
            data_version.committed(con)  # after the COMMIT: store/version.py
        return
    key = id(con)
    if key in _OPEN:
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    _OPEN.add(key)
    try:
        yield con
    except BaseException:
        _OPEN.discard(key)
        con.execute("ROLLBACK")
        data_version.rolled_back(con)
        raise
    else:
        _OPEN.discard(key)
        con.execute("COMMIT")
        data_version.committed(con)  # after the COMMIT: store/version.py


@contextmanager
def snapshot(con: Any) -> Iterator[Any]:
    """Several reads that see one state of the database.

    A transaction on DuckDB; on PostgreSQL a read-only REPEATABLE READ transaction (on the replica
    of :func:`for_reports` when there is one).

    Parameters
    ----------
    con : connection
        An open store.

    Yields
    ------
    connection
        ``con``, inside the snapshot.
    """
    if store_of(con) == POSTGRES:
        with con.snapshot():
            yield con
        return
    with transaction(con):
        yield con


# ----------------------------------------------------------------------------- named queries


@lru_cache(maxsize=1)
def _queries() -> Any:
    return aiosql.from_path(QUERIES, "duckdb", mandatory_parameters=False)


@lru_cache(maxsize=None)
def only_for(store: str) -> frozenset[str]:
    """Names of the queries in files marked ``-- store: <store>``: statements for that store only.

    E.g. the benchmark's data generator (``-- store: duckdb``), copy-to's reads of PostgreSQL's
    catalogs (``-- store: postgres``).

    Parameters
    ----------
    store : str
        :data:`DUCKDB` or :data:`POSTGRES`.

    Returns
    -------
    frozenset of str
    """
    out: set[str] = set()
    for f in QUERIES.glob("*.sql"):
        text = f.read_text(encoding="utf-8")
        if text.startswith(f"-- store: {store}"):
            out.update(re.findall(r"^--\s*name:\s*([A-Za-z_]\w*)", text, flags=re.M))
    return frozenset(out)


def query_names() -> list[str]:
    """Every named query (without the ``__postgres`` variants).

    Returns
    -------
    list of str
        Sorted.
    """
    names = [n for n in _queries().available_queries if VARIANT not in n]
    return sorted(n for n in names if not n.endswith(("_cursor",)))


#: SQL text as the tokens that matter for parameters: what hides a ``$name`` (a string literal, a
#: quoted name, a ``--`` or ``/* */`` comment, a dollar-quoted body — each read from where it starts,
#: so an apostrophe inside a comment opens no literal, and ``--`` inside a literal starts no
#: comment), a ``$name`` parameter, a ``?`` parameter, a ``%``. store/postgres.placeholders
#: rewrites the parameters with it; :func:`parameters` lists them.
SQL_TOKENS = re.compile(
    r"""
      (?P<skip>'(?:[^']|'')*'            # a string literal
              | "(?:[^"]|"")*"           # a quoted identifier
              | --[^\n]*                 # a comment
              | /\*.*?\*/
              | \$(?P<tag>(?:[A-Za-z_]\w*)?)\$.*?\$(?P=tag)\$)   # a dollar-quoted body ($$…$$, $f$…$f$)
    | (?<![\w$])\$(?P<name>[A-Za-z_]\w*)  # a $name parameter
    | (?P<q>\?)                           # a ? parameter
    | (?P<pct>%)
""",
    re.S | re.X,
)


def bare_sql(text: str) -> str:
    r"""SQL text without its comments and with its string literals emptied (``'…'`` → ``''``).

    What is left is the code a search for table, column or statement names may read: a name inside a
    comment or a literal is none. Read with :data:`SQL_TOKENS`, so an apostrophe inside a comment
    opens no literal and ``--`` inside a literal starts no comment; quoted names and dollar-quoted
    bodies stay as written.

    Parameters
    ----------
    text : str
        SQL, possibly several statements.

    Returns
    -------
    str

    Examples
    --------
    >>> bare_sql("SELECT '--x', 'it''s' -- the grid's visits\nFROM t /* visits */")
    "SELECT '', '' \nFROM t "
    """

    def keep(m: re.Match) -> str:
        token = m.group("skip")
        if token is None:
            return m.group(0)
        if token.startswith(("--", "/*")):
            return ""
        return "''" if token.startswith("'") else token

    return SQL_TOKENS.sub(keep, text)


def parameters(text: str) -> tuple[str, ...]:
    r"""The ``$name`` parameters of SQL text, in order of first use.

    A ``$name`` inside a string literal, a quoted name, a comment or a dollar-quoted body is none
    (:data:`SQL_TOKENS`).

    Parameters
    ----------
    text : str
        SQL in DuckDB's style (``$name`` parameters).

    Returns
    -------
    tuple of str
        The parameters' names, each once.

    Examples
    --------
    >>> parameters("SELECT $a, '$b' -- the grid's $c\n, $d, $a")
    ('a', 'd')
    """
    return tuple(dict.fromkeys(m.group("name") for m in SQL_TOKENS.finditer(text) if m.group("name")))


def _text_of(name: str) -> str:
    try:
        return getattr(_queries(), name).sql
    except AttributeError:
        raise KeyError(f"no query named {name!r} in queries/") from None


@lru_cache(maxsize=None)
def sql(name: str, store: str = DUCKDB) -> tuple[str, tuple[str, ...]]:
    """The SQL text of a named query for a store, and its parameters.

    Parameters
    ----------
    name : str
        A named query (queries/*.sql).
    store : str, default DUCKDB
        :data:`DUCKDB` or :data:`POSTGRES` (then its ``__postgres`` variant, when there is one).

    Returns
    -------
    text : str
        The SQL.
    params : tuple of str
        The names of its ``$parameters``, in order of first use.

    Raises
    ------
    KeyError
        A DuckDB-only query (its file says ``-- store: duckdb``) asked for on PostgreSQL, or a
        PostgreSQL-only one (``-- store: postgres``) on DuckDB.
    """
    text = _text_of(name)
    if store == POSTGRES:
        if name in only_for(DUCKDB):
            raise KeyError(f"query {name} is for DuckDB only (its file says -- store: duckdb)")
        if hasattr(_queries(), name + VARIANT):
            text = _text_of(name + VARIANT)
    elif name in only_for(POSTGRES):
        raise KeyError(f"query {name} is for PostgreSQL only (its file says -- store: postgres)")
    return text, parameters(text)


def is_write(name: str) -> bool:
    """Whether a named query changes data (its name ends with ``!`` in the .sql file).

    Parameters
    ----------
    name : str
        A named query.

    Returns
    -------
    bool
    """
    op = getattr(_queries(), name).operation
    return op.name != "SELECT"


def _params(name: str, params: dict[str, Any], store: str) -> tuple[str, dict[str, Any]]:
    text, names = sql(name, store)
    missing = [n for n in names if n not in params]
    if missing:
        raise KeyError(f"query {name} needs parameters {missing}")
    return text, {n: params[n] for n in names}


def execute(con: Any, name: str, **params: Any) -> Any:
    """Run a named query; returns the cursor (``.fetchall()``, ``.df()``…).

    Parameters
    ----------
    con : connection
        An open store.
    name : str
        A named query.
    **params
        Its ``$parameters``.

    Returns
    -------
    cursor
        DuckDB's, or the PostgreSQL connection's cursor shaped like it.
    """
    store = store_of(con)
    text, p = _params(name, params, store)
    if store == POSTGRES:
        cur = con.run_named(name, text, p, retry=not is_write(name))
        in_transaction = con.in_transaction
    else:
        cur = con.execute(text, p) if p else con.execute(text)
        in_transaction = id(con) in _OPEN
    data_version.wrote(con, name, in_transaction=in_transaction, params=params)  # a write moves the data's version
    return cur


def df(con: Any, name: str, **params: Any) -> pd.DataFrame:
    """Run a named query and return a DataFrame.

    Parameters
    ----------
    con : connection
        An open store.
    name : str
        A named query.
    **params
        Its ``$parameters``.

    Returns
    -------
    pandas.DataFrame
    """
    return execute(con, name, **params).df()


#: pandas' str dtype (text backed by Arrow, NaN where empty) for the text columns of :func:`df_text`.
_TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))
_TEXT_TYPES = {pa.string(): _TEXT, pa.large_string(): _TEXT, pa.string_view(): _TEXT}


def df_text(con: Any, name: str, **params: Any) -> pd.DataFrame:
    """Run a named query and return a DataFrame, its text as pandas' str dtype (for large results).

    On DuckDB the rows come through Arrow: text columns become pandas' ``str`` dtype without a Python
    string per value (a county's work list part of 100,000 rows with a dozen text columns: ~50 ms
    against ~300 ms for :func:`df`), dates ``datetime64``. On PostgreSQL it is :func:`df`, which
    gives text as ``str`` too (store/postgres.py ``Result.df`` reads the rows into Arrow arrays in
    one pass). The values are the same either way; callers that need one dtype whatever the store
    convert the columns they use (e.g. ``astype("str")``, ``pd.to_datetime``).

    Parameters
    ----------
    con : connection
        An open store.
    name : str
        A named query.
    **params
        Its ``$parameters``.

    Returns
    -------
    pandas.DataFrame
        On DuckDB: text columns of dtype ``str`` (NaN where NULL), dates and timestamps ``datetime64``,
        integers as numpy integers — float64 with NaN where a column holds NULLs (Arrow's conversion:
        exact up to 2**53, far beyond any id or count here) — booleans as bool (object with None where
        NULL), numerics as ``Decimal`` (tests/test_store_frames.py records each).
    """
    cur = execute(con, name, **params)
    if store_of(con) == POSTGRES:
        return cur.df()
    return cur.to_arrow_table().to_pandas(types_mapper=_TEXT_TYPES.get, date_as_object=False)


def rows(con: Any, name: str, **params: Any) -> list[tuple]:
    """Run a named query and return every row.

    Parameters
    ----------
    con : connection
        An open store.
    name : str
        A named query.
    **params
        Its ``$parameters``.

    Returns
    -------
    list of tuple
    """
    return execute(con, name, **params).fetchall()


def one(con: Any, name: str, **params: Any) -> Any:
    """The first column of the first row, or None.

    Parameters
    ----------
    con : connection
        An open store.
    name : str
        A named query.
    **params
        Its ``$parameters``.

    Returns
    -------
    object
    """
    r = execute(con, name, **params).fetchone()
    return r[0] if r else None


def rule(con: Any, key: str) -> float:
    """A rule's value (CONTRACT.md §4 defaults, editable by an administrator).

    Parameters
    ----------
    con : connection
        An open store.
    key : str
        The rule.

    Returns
    -------
    float

    Raises
    ------
    KeyError
        No such rule.
    """
    v = one(con, "rule_value", key=key)
    if v is None:
        raise KeyError(f"no rule {key}")
    return float(v)
