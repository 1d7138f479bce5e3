"""PostgreSQL 15 + PostGIS 3 as the store, behind the functions of store/db.py (psycopg 3, psycopg_pool).

:func:`connect` takes a URL ``postgresql://USER[:PASSWORD]@HOST[:PORT]/NAME`` (any libpq URL:
``?sslmode=…``, a Unix socket with ``?host=/run/postgresql``; a password may also come from
``~/.pgpass`` or ``$PGPASSWORD``). It creates the database when it does not exist yet (``CREATE
DATABASE`` through the server's maintenance database ``postgres``), migrates it, and returns a
:class:`PgConnection`: the shape of a DuckDB connection the rest of the code already uses.

How a :class:`PgConnection` uses the server:

- Each statement outside a transaction borrows a connection of the process's pool for just that
  statement (autocommit), so one handle per page view costs nothing and N sessions share a few
  server connections. psycopg prepares a statement on a connection after its fifth use.
- :func:`store.db.transaction` keeps one server connection for the whole transaction.
- ``register(name, frame)`` brings a DataFrame into the following statements as a temporary
  table filled with ``COPY``; the handle keeps that server connection until ``unregister``.
- A server that cannot be reached, refuses the user, lacks PostGIS or cannot create the database
  is one sentence (:class:`store.db.StoreError`) naming the host and what to check; so is a
  connection lost in the middle of work (its open transaction is rolled back by the server, so
  nothing of it is stored). A read that finds its pooled connection dead is tried once more.

Every session runs with ``TimeZone = Asia/Shanghai`` (CONTRACT: dates are calendar dates there),
and databases are created with the C collation, so that text sorts byte by byte as in DuckDB.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import re
import threading
import time
import weakref
from contextlib import contextmanager
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterator, Sequence

import logging

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
from psycopg import sql as pgsql
from psycopg.adapt import Loader
from psycopg.postgres import types as pgtypes

from i18n.message import Message
from store.db import POSTGRES, SQL_TOKENS, StoreError

log = logging.getLogger("lianxin.store")
# psycopg and its pool log a lost connection as warnings: the caller says it in one sentence, so
# nothing reaches a person's terminal unless the process configures logging (a server log).
for _name in ("psycopg", "lianxin.store"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

SESSION_TIMEZONE = "Asia/Shanghai"
CONNECT_TIMEOUT_S = 5  # a server that does not answer: a sentence after 5 s, not a hang
POOL_WAIT_S = 15  # a page waits at most this long for a free pooled connection
REPLICA_WAIT_S = 3  # … for a connection to the replica (then the primary answers)
REPLICA_RETRY_S = 30  # a replica that failed is tried again after this long
MIGRATION_LOCK = 16_2026  # pg_advisory_xact_lock key: one process migrates at a time
MAINTENANCE_DBS = ("postgres", "template1")
APPLICATION = f"lianxin pid {os.getpid()}"  # pg_stat_activity shows which app process holds a connection
C_COLLATIONS = ("C", "POSIX", "C.UTF-8", "C.utf8")


# ----------------------------------------------------------------------------- errors as sentences


def _where(info: dict[str, Any]) -> str:
    host = info.get("host") or info.get("hostaddr") or "localhost"
    return f"{host}:{info.get('port') or 5432}"


def explain(e: BaseException, info: dict[str, Any]) -> StoreError:
    """One sentence for a psycopg error met while connecting or working, by catalog key (store.error.*).

    Parameters
    ----------
    e : the psycopg exception.
    info : the connection parameters (``psycopg.conninfo.conninfo_to_dict``), to name host and user.

    Returns
    -------
    StoreError whose message names the server and what to check (``str(e)``: ``中文 / English``).
    """
    where = _where(info)
    user = info.get("user") or Message("store.term.system_user")
    name = info.get("dbname") or "?"
    msg = " ".join(str(e).split())
    low = msg.lower()
    if "password authentication failed" in low or "no password supplied" in low or "authentication failed" in low:
        return StoreError(key="store.error.password", where=where, user=user)
    if re.search(r'role ".*" does not exist', low):
        return StoreError(key="store.error.no_role", where=where, user=user)
    if "no pg_hba.conf entry" in low:
        return StoreError(key="store.error.hba", where=where, user=user, name=name)
    if "permission denied to create database" in low:
        return StoreError(key="store.error.create_denied", where=where, user=user, name=name)
    if "postgis" in low and ("control file" in low or "not available" in low or "could not open" in low):
        return StoreError(key="store.error.no_postgis", where=where)
    if "postgis" in low and "permission denied" in low:
        return StoreError(key="store.error.postgis_denied", where=where, user=user, name=name)
    if (
        "terminating connection" in low
        or "server closed the connection" in low
        or "connection is closed" in low
        or "consuming input failed" in low
        or "connection is lost" in low
        or "ssl connection has been closed" in low
        or "could not receive data" in low
    ):
        return StoreError(key="store.error.lost", where=where)
    if (
        "timeout" in low
        or "connection refused" in low
        or "could not connect" in low
        or "could not translate host name" in low
        or "name or service not known" in low
        or "no route to host" in low
        or "network is unreachable" in low
        or "connection failed" in low
    ):
        return StoreError(key="store.error.unreachable", where=where)
    if "the database system is starting up" in low or "shutting down" in low or "in recovery mode" in low:
        return StoreError(key="store.error.starting", where=where)
    if isinstance(e, _pool_timeout()):
        return StoreError(key="store.error.pool_timeout", where=where, seconds=POOL_WAIT_S)
    return StoreError(key="store.error.server", where=where, name=name, error=msg)


def _pool_timeout() -> tuple[type[BaseException], ...]:
    try:
        from psycopg_pool import PoolTimeout

        return (PoolTimeout,)
    except ImportError:  # pragma: no cover
        return ()


def _lost(e: BaseException) -> bool:
    """Whether an error means the server connection is gone or unusable.

    Not a bad statement, and not a lost race such as a deadlock or a serialization failure, which
    the caller may answer.

    Parameters
    ----------
    e : BaseException
        What psycopg (or its pool) raised.

    Returns
    -------
    bool
    """
    if isinstance(e, _pool_timeout() + (psycopg.InterfaceError,)):
        return True
    if isinstance(e, psycopg.OperationalError):
        state = getattr(e, "sqlstate", None)
        return state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03")
    return False


# ----------------------------------------------------------------------------- connecting


class _Numeric(Loader):
    """numeric as int when whole, else float (DuckDB gives int for sum() of integers, float for avg())."""

    def load(self, data: Any) -> Any:
        s = bytes(data).decode()
        if s in ("NaN", "Infinity", "-Infinity"):
            return float(s)
        return float(s) if ("." in s or "e" in s or "E" in s) else int(s)


def _configure(conn: psycopg.Connection) -> None:
    conn.adapters.register_loader("numeric", _Numeric)


def parse(url: str) -> dict[str, Any]:
    """The connection parameters of a ``postgresql://`` URL (libpq's rules).

    Parameters
    ----------
    url : str
        ``postgresql://USER@HOST:PORT/NAME`` (libpq's options allowed).

    Returns
    -------
    dict
        ``psycopg.conninfo.conninfo_to_dict`` of it.

    Raises
    ------
    BadTarget
        libpq cannot read the URL, or it names no database.
    """
    from psycopg.conninfo import conninfo_to_dict

    from store.db import BadTarget

    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError as e:
        raise BadTarget(key="store.error.bad_url", target=repr(url), error=str(e)) from None
    if not info.get("dbname"):
        raise BadTarget(key="store.error.url_no_database", target=repr(url))
    return info


def _kwargs(info: dict[str, Any], dbname: str | None = None) -> dict[str, Any]:
    kw = dict(info)
    if dbname:
        kw["dbname"] = dbname
    kw.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    kw.setdefault("application_name", APPLICATION)
    # custom plans always: a prepared query (psycopg prepares after five runs) is planned for the
    # parameters of each call — one grid or the whole county — not once for all of them.
    # No JIT compilation: the app's statements run for tens of milliseconds, and a report's
    # statement carries arms for every case, most skipped at run time, whose estimates still add up
    # to the cost that decides JIT (jit_above_cost): compiling then took ~100 ms of a 30 ms report
    # (BENCHMARKS.md, twenty-fifth and twenty-sixth sessions; PostgreSQL documentation 32.2, "When to JIT?").
    kw["options"] = (
        kw.get("options", "") + f" -c TimeZone={SESSION_TIMEZONE} -c plan_cache_mode=force_custom_plan -c jit=off"
    ).strip()
    return kw


def _open(info: dict[str, Any], dbname: str | None = None) -> psycopg.Connection:
    conn = psycopg.connect(autocommit=True, **_kwargs(info, dbname))
    _configure(conn)
    return conn


def _create_database(info: dict[str, Any]) -> None:
    """CREATE DATABASE through a maintenance database (UTF-8, C collation, from template0).

    Parameters
    ----------
    info : dict
        The new database's connection parameters (:func:`parse`).

    Raises
    ------
    StoreError
        No maintenance database could be reached, or the server refused (one sentence).
    """  # noqa: DOC501,DOC502 — explain() builds the StoreError raised
    last: BaseException | None = None
    for maint in MAINTENANCE_DBS:
        try:
            with _open(info, maint) as conn:
                try:
                    conn.execute(
                        pgsql.SQL(
                            "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
                        ).format(pgsql.Identifier(info["dbname"]))
                    )
                except psycopg.errors.DuplicateDatabase:
                    pass  # another process created it a moment ago
                return
        except psycopg.OperationalError as e:
            last = e
            if "does not exist" in str(e):
                continue
            raise explain(e, info) from None
        except psycopg.Error as e:
            raise explain(e, info) from None
    raise explain(last or RuntimeError("no maintenance database"), info)


def open_checked(info: dict[str, Any], create: bool) -> psycopg.Connection:
    """A first connection, creating the database when it does not exist (``create``).

    Parameters
    ----------
    info : dict
        Connection parameters (:func:`parse`).
    create : bool
        Whether a missing database is created.

    Returns
    -------
    psycopg.Connection
        Autocommit, configured for the store.

    Raises
    ------
    StoreError
        One sentence: what to check on the server (:func:`explain`).
    """  # noqa: DOC501,DOC502 — explain() builds the StoreError raised
    try:
        return _open(info)
    except psycopg.OperationalError as e:
        if create and re.search(r'database ".*" does not exist', str(e)):
            _create_database(info)
            try:
                return _open(info)
            except psycopg.Error as e2:
                raise explain(e2, info) from None
        raise explain(e, info) from None
    except psycopg.Error as e:
        raise explain(e, info) from None


def _check_server(conn: psycopg.Connection, info: dict[str, Any]) -> None:
    where = _where(info)
    if conn.info.server_version < 150000:
        v = conn.info.server_version
        raise StoreError(key="store.error.old_server", where=where, version=v // 10000)
    coll = conn.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()").fetchone()[0]
    if coll not in C_COLLATIONS:
        name = info.get("dbname")
        raise StoreError(key="store.error.collation", name=name, where=where, collation=coll)


_STORES: "weakref.WeakSet[Store]" = weakref.WeakSet()


def same_database(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two sets of connection parameters name the same database of the same server.

    Parameters
    ----------
    a, b : dict
        Connection parameters (:func:`parse`).

    Returns
    -------
    bool
    """
    return all(str(a.get(k) or "") == str(b.get(k) or "") for k in ("host", "port", "dbname"))


def release(url: str) -> int:
    """Close the server connections this process holds on the database of ``url``.

    Before it is copied, dropped or renamed, which needs it unused; a handle that is used again
    reconnects.

    Parameters
    ----------
    url : str
        The database.

    Returns
    -------
    int
        The number of pools closed.
    """
    info = parse(url)
    n = 0
    for st in list(_STORES):
        if st.pool is not None and same_database(st.info, info):
            st.suspend()
            n += 1
    return n


def _close_dropped(pool: Any) -> None:
    """Close the pool of a :class:`Store` dropped without :meth:`Store.close`, from a thread of its own.

    Left to itself, psycopg_pool closes such a pool in its ``__del__``, which may run in one of the pool's
    own worker threads (whichever thread dropped the last reference) and then fails to join that thread
    (``RuntimeError: cannot join current thread``, printed as an ignored exception).
    """
    threading.Thread(target=pool.close, kwargs={"timeout": 2}, name="lianxin pool close", daemon=True).start()


@atexit.register
def close_all() -> None:
    """Close every pool of this process (at exit: no server connection is left dangling)."""
    for st in list(_STORES):
        st.close()


class Store:
    """One PostgreSQL database of this process: its parameters and its connection pool.

    The pool is opened on first use and again after :meth:`suspend` (:func:`release`); only
    :meth:`close` ends it for good.
    """

    def __init__(self, url: str, pool_size: int, wait_s: float = POOL_WAIT_S) -> None:
        self.url = url
        self.wait_s = wait_s
        self.down_until = 0.0  # a replica that failed is left alone until then (time.monotonic)
        self.info = parse(url)
        self.where = _where(self.info)
        self.pool_size = max(1, pool_size)
        self.pool: Any = None
        self.closed = False
        self._lock = threading.Lock()
        self._replica: Store | None = None
        self._dropped: weakref.finalize | None = None  # closes the pool if this store is dropped unclosed
        _STORES.add(self)

    def _pool(self) -> Any:
        from psycopg.conninfo import make_conninfo
        from psycopg_pool import ConnectionPool

        with self._lock:
            if self.pool is None:
                self.pool = ConnectionPool(
                    make_conninfo(**_kwargs(self.info)),
                    min_size=1,
                    max_size=self.pool_size,
                    kwargs={"autocommit": True},
                    configure=_configure,
                    timeout=self.wait_s,
                    name=f"lianxin {self.where}",
                    open=False,
                )
                self.pool.open(wait=False)
                self._dropped = weakref.finalize(self, _close_dropped, self.pool)
                self._dropped.atexit = False  # close_all closes the pools at exit
            return self.pool

    def getconn(self) -> psycopg.Connection:
        """A server connection from the pool (opened on first use).

        Returns
        -------
        psycopg.Connection
            Give it back with :meth:`putconn`.

        Raises
        ------
        StoreError
            The store was closed, or the server cannot be reached (one sentence).
        """  # noqa: DOC501 — explain() builds the StoreError raised
        if self.closed:
            raise StoreError(key="store.error.closed", where=self.where)
        try:
            return self._pool().getconn()
        except Exception as e:
            if _lost(e):
                raise explain(e, self.info) from None
            raise

    def putconn(self, conn: psycopg.Connection) -> None:
        """Give a connection of :meth:`getconn` back (closed when its pool is gone meanwhile)."""
        pool = self.pool
        if pool is not None and getattr(conn, "_pool", None) is pool:
            pool.putconn(conn)
        else:  # the pool was suspended or closed meanwhile
            conn.close()

    def replica(self) -> "Store | None":
        """The streaming replica of ``$LIANXIN_DB_REPLICA`` (one pool per process), or None.

        Returns
        -------
        Store or None
        """
        url = os.environ.get("LIANXIN_DB_REPLICA")
        if not url:
            return None
        with self._lock:
            if self._replica is None or self._replica.url != url:
                self._replica = Store(url, self.pool_size, wait_s=REPLICA_WAIT_S)
            return self._replica

    def suspend(self) -> None:
        """Close the server connections now (the pool opens again when next used)."""
        with self._lock:
            pool, self.pool = self.pool, None
            if self._dropped is not None:
                self._dropped.detach()
                self._dropped = None
        if pool is not None:
            pool.close(timeout=2)

    def close(self) -> None:
        """Close the pool for good (and the replica's)."""
        self.closed = True
        self.suspend()
        if self._replica is not None:
            self._replica.close()


def connect(
    url: str, read_only: bool = False, pool_size: int | None = None, create: bool | None = None
) -> "PgConnection":
    """Open a PostgreSQL database as the store (see the module docstring).

    Parameters
    ----------
    url : ``postgresql://USER@HOST:PORT/NAME``.
    read_only : neither create nor migrate (a streaming replica, a report-only user).
    pool_size : server connections this process may hold at most (default ``$LIANXIN_DB_POOL``, else 10;
        the pool opens one and grows as requests come in at once).
    create : create the database when it does not exist (default: unless ``read_only``).

    Returns
    -------
    PgConnection
        Migrated to the newest schema unless ``read_only``.

    Raises
    ------
    StoreError
        One sentence naming the server and what to check (raised while opening and migrating).
    """  # noqa: DOC502 — raised by open_checked, _check_server and the migrations
    from store import db

    info = parse(url)
    with open_checked(info, create=(not read_only) if create is None else create) as first:
        _check_server(first, info)
    con = PgConnection(Store(url, pool_size or int(os.environ.get("LIANXIN_DB_POOL") or 10)))
    if not read_only:
        db.migrate(con)
    return con


# ----------------------------------------------------------------------------- whole databases


def sibling(url: str, suffix: str) -> str:
    """The URL of another database on the same server: the name with ``suffix`` appended.

    Parameters
    ----------
    url : str
        A database.
    suffix : str
        Appended to its name (which is cut to PostgreSQL's 63 characters).

    Returns
    -------
    str

    Examples
    --------
    >>> sibling("postgresql://u@h:5433/county?sslmode=require", "_demo_build")
    'postgresql://u@h:5433/county_demo_build?sslmode=require'
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    name = (parse(url)["dbname"] + suffix)[:63]
    return f"{parts.scheme}://{parts.netloc}/{name}" + (f"?{parts.query}" if parts.query else "")


def _maintenance(info: dict[str, Any]) -> psycopg.Connection:
    last: BaseException | None = None
    for maint in MAINTENANCE_DBS:
        try:
            return _open(info, maint)
        except psycopg.OperationalError as e:
            last = e
            if "does not exist" not in str(e):
                break
    raise explain(last or RuntimeError("no maintenance database"), info)


def database_exists(url: str) -> bool:
    """Whether the database of ``url`` exists on its server.

    Parameters
    ----------
    url : str
        The database.

    Returns
    -------
    bool
    """
    info = parse(url)
    with _maintenance(info) as c:
        return c.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (info["dbname"],)).fetchone()[0] > 0


def drop_database(url: str) -> None:
    """Drop the database of ``url`` if it exists (this process's pools on it are closed first).

    Parameters
    ----------
    url : str
        The database.

    Raises
    ------
    StoreError
        Other programs are connected to it, or the server refused (one sentence).
    """  # noqa: DOC501,DOC502 — explain() builds the StoreError raised
    info = parse(url)
    release(url)
    with _maintenance(info) as c:
        try:
            c.execute(pgsql.SQL("DROP DATABASE IF EXISTS {}").format(pgsql.Identifier(info["dbname"])))
        except psycopg.errors.ObjectInUse:
            raise StoreError(key="store.error.database_in_use", name=info["dbname"], where=_where(info)) from None
        except psycopg.Error as e:
            raise explain(e, info) from None


def rename_database(src: str, dst: str) -> None:
    """Rename the database of ``src`` to the name in ``dst`` (same server; nobody connected to ``src``).

    Parameters
    ----------
    src, dst : str
        URLs of the database and of its new name.

    Raises
    ------
    StoreError
        The server refused (one sentence).
    """  # noqa: DOC501,DOC502 — explain() builds the StoreError raised
    si, di = parse(src), parse(dst)
    release(src)
    with _maintenance(si) as c:
        try:
            c.execute(
                pgsql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    pgsql.Identifier(si["dbname"]), pgsql.Identifier(di["dbname"])
                )
            )
        except psycopg.Error as e:
            raise explain(e, si) from None


# ----------------------------------------------------------------------------- SQL text


@lru_cache(maxsize=2048)
def placeholders(text: str) -> str:
    """DuckDB's ``$name`` and ``?`` parameters as psycopg's ``%(name)s`` and ``%s`` (``%`` doubled).

    Parameters
    ----------
    text : str
        SQL in DuckDB's style.

    Returns
    -------
    str
        The same SQL for psycopg; literals, quoted names and comments untouched but for ``%``.

    Examples
    --------
    >>> placeholders("SELECT '$x %', $x::DATE, ? -- $y")
    "SELECT '$x %%', %(x)s::DATE, %s -- $y"
    """

    def sub(m: re.Match) -> str:
        if m.group("skip"):  # no parameter in a literal or a comment, but psycopg reads every %
            return m.group(0).replace("%", "%%")
        if m.group("name"):
            return f"%({m.group('name')})s"
        if m.group("q"):
            return "%s"
        return "%%"

    return SQL_TOKENS.sub(sub, text)


# ----------------------------------------------------------------------------- results

_SCALAR = {
    n: pgtypes.get(n).oid
    for n in ("date", "timestamp", "timestamptz", "int2", "int4", "int8", "float4", "float8", "numeric", "bool")
}
_ARRAYS = frozenset(
    pgtypes.get(n).array_oid
    for n in (
        "text",
        "varchar",
        "bpchar",
        "name",
        "int2",
        "int4",
        "int8",
        "float4",
        "float8",
        "numeric",
        "bool",
        "date",
        "timestamp",
        "bytea",
    )
)

_TEXT_OIDS = frozenset(pgtypes.get(n).oid for n in ("text", "varchar", "bpchar", "name"))
#: pandas' str dtype (text backed by Arrow, NaN where NULL): what pandas infers for a list of strings.
_TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))
#: The Arrow type the values of a scalar PostgreSQL type are read into (:func:`_arrow_columns`).
_ARROW = {
    **{oid: pa.large_string() for oid in _TEXT_OIDS},
    **{_SCALAR[n]: pa.int64() for n in ("int2", "int4", "int8")},
    **{_SCALAR[n]: pa.float64() for n in ("float4", "float8", "numeric")},
    _SCALAR["bool"]: pa.bool_(),
    _SCALAR["date"]: pa.date32(),
    _SCALAR["timestamp"]: pa.timestamp("us"),
    _SCALAR["timestamptz"]: pa.timestamp("us", tz="UTC"),
}


class Result:
    """The rows of one statement, read at once, with the cursor methods the code uses.

    For a statement that returns no rows (INSERT, UPDATE, DELETE) ``fetchone()`` gives
    ``(rowcount,)``, as DuckDB does.
    """

    def __init__(self, rows: list[tuple], description: Sequence[Any] | None, rowcount: int) -> None:
        self._description = description
        self.rowcount = rowcount
        self._rows = rows if description is not None else [(rowcount,)]
        self._i = 0

    @property
    def description(self) -> list[tuple] | None:
        """DB-API column descriptions ``(name, type_code, …)``; None for a statement without rows."""
        if self._description is None:
            return None
        return [(d.name, d.type_code, None, None, None, None, None) for d in self._description]

    def fetchone(self) -> tuple | None:
        """The next row, or None after the last one.

        Returns
        -------
        tuple or None
        """
        if self._i >= len(self._rows):
            return None
        self._i += 1
        return self._rows[self._i - 1]

    def fetchmany(self, size: int = 1) -> list[tuple]:
        """The next ``size`` rows (fewer at the end).

        Parameters
        ----------
        size : int, default 1
            How many rows.

        Returns
        -------
        list of tuple
        """
        out = self._rows[self._i : self._i + size]
        self._i += len(out)
        return out

    def fetchall(self) -> list[tuple]:
        """The rows not fetched yet.

        Returns
        -------
        list of tuple
        """
        out = self._rows[self._i :]
        self._i = len(self._rows)
        return out

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())

    def df(self) -> pd.DataFrame:
        """The rows as a DataFrame typed as DuckDB's ``.df()`` types them.

        The rows of scalar columns become Arrow arrays in one pass (:func:`_arrow_columns`), and
        those the frame's columns (:func:`_from_arrow`): no Python work per value beyond psycopg's.
        Other results (arrays, JSON…) are built column by column (:func:`_column`), with the same dtypes.

        Returns
        -------
        pandas.DataFrame
            Dates and timestamps as ``datetime64[us]``, integers as int64 (``Int64`` with NULLs),
            numeric as float (NaN for NULL), booleans as bool (``boolean`` with NULLs), text as pandas'
            ``str`` (NaN for NULL; a column of NULLs only, object), arrays as numpy arrays; for a
            statement without rows one column ``Count``.
        """
        rows = self.fetchall()
        if self._description is None:
            return pd.DataFrame({"Count": [self.rowcount]})
        fields = _arrow_columns(rows, [d.type_code for d in self._description])
        cols: dict[str, Any] = {}
        for j, d in enumerate(self._description):
            if fields is not None:
                cols[d.name] = _from_arrow(fields[j], d.type_code)
            else:
                cols[d.name] = _column(list(map(itemgetter(j), rows)), d.type_code)
        return pd.DataFrame(cols)

    fetchdf = df

    def close(self) -> None:
        """Nothing to do: the rows were read at once."""
        pass


def _arrow_columns(rows: list[tuple], oids: list[int]) -> list[pa.Array] | None:
    """The columns of ``rows`` as Arrow arrays, read in one pass; None when they cannot be.

    Parameters
    ----------
    rows : list of tuple
        The values as psycopg loaded them, None for NULL.
    oids : list of int
        The columns' PostgreSQL types.

    Returns
    -------
    list of pyarrow.Array or None
        One array per column, of the type :data:`_ARROW` gives its PostgreSQL type; None without
        rows, with a column of another type, or with a value the Arrow type cannot hold (an integer
        beyond 64 bits): :func:`_column` builds those columns then.
    """
    if not rows or not all(oid in _ARROW for oid in oids):
        return None
    row_type = pa.struct([pa.field(str(j), _ARROW[oid]) for j, oid in enumerate(oids)])
    try:
        return pa.array(rows, type=row_type).flatten()
    except (pa.ArrowException, OverflowError, TypeError, ValueError):
        return None


def _from_arrow(arr: pa.Array, oid: int) -> Any:
    """One column of :meth:`Result.df` from its Arrow array (:func:`_arrow_columns`).

    Parameters
    ----------
    arr : pyarrow.Array
        The column, of the type :data:`_ARROW` gives ``oid``.
    oid : int
        Its PostgreSQL type.

    Returns
    -------
    numpy.ndarray, pandas array or Series, or list
        The column as :func:`_column` builds it from the values (same dtype, same values).
    """
    nulls = arr.null_count
    if oid in _TEXT_OIDS:
        return pd.array(arr, dtype=_TEXT) if nulls < len(arr) else [None] * len(arr)
    if oid == _SCALAR["date"]:
        return arr.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False)
    if oid == _SCALAR["timestamptz"]:
        s = pd.Series(arr.to_pandas())  # in UTC
        return s.dt.tz_convert(SESSION_TIMEZONE).dt.tz_localize(None).astype("datetime64[us]")
    if oid in (_SCALAR["int2"], _SCALAR["int4"], _SCALAR["int8"]):
        return pd.Int64Dtype().__from_arrow__(arr) if nulls else arr.to_numpy()
    if oid == _SCALAR["bool"]:
        return pd.BooleanDtype().__from_arrow__(arr) if nulls else arr.to_numpy(zero_copy_only=False)
    return arr.to_numpy(zero_copy_only=False)  # timestamp, float (NaN for NULL)


def _column(values: list[Any], oid: int) -> Any:
    """One column of :meth:`Result.df` from its values as psycopg loaded them.

    Parameters
    ----------
    values : list
        The column's values, None for NULL.
    oid : int
        Its PostgreSQL type.

    Returns
    -------
    numpy.ndarray, pandas array or Series, or list
        What ``pandas.DataFrame`` takes as the column: see :meth:`Result.df` for the dtypes. Text goes
        through one Arrow array (pandas' ``str`` dtype is Arrow's): the same column as pandas infers
        from the list, without a check per value. Other types are left to pandas' inference.
    """
    if oid in (_SCALAR["date"], _SCALAR["timestamp"]):
        return pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[us]")
    if oid == _SCALAR["timestamptz"]:
        s = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        return s.dt.tz_convert(SESSION_TIMEZONE).dt.tz_localize(None).astype("datetime64[us]")
    if oid in (_SCALAR["int2"], _SCALAR["int4"], _SCALAR["int8"]):
        return pd.array(values, dtype="Int64") if None in values else np.array(values, dtype="int64")
    if oid in (_SCALAR["float4"], _SCALAR["float8"], _SCALAR["numeric"]):
        return np.array(values, dtype="float64")  # None becomes NaN
    if oid == _SCALAR["bool"]:
        return pd.array(values, dtype="boolean") if None in values else np.array(values, dtype=bool)
    if oid in _ARRAYS:
        out = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):
            out[i] = None if v is None else np.array(v, dtype=object if (not v or isinstance(v[0], str)) else None)
        return out
    if not values:
        return pd.Series([], dtype=object)
    if oid in _TEXT_OIDS:
        return _from_arrow(pa.array(values, type=_ARROW[oid]), oid)
    return values


# ----------------------------------------------------------------------------- frames in statements


def _pg_type(col: pd.Series) -> str | None:
    """The PostgreSQL type of a DataFrame column.

    Parameters
    ----------
    col : pandas.Series
        A column of a frame to register.

    Returns
    -------
    str or None
        ``boolean``, ``bigint``, ``double precision``, ``timestamp``, ``date``, ``text``, ``text[]``,
        ``bytea`` …; None when every value is missing.
    """
    dt_ = col.dtype
    if pd.api.types.is_bool_dtype(dt_):
        return "boolean"
    if pd.api.types.is_integer_dtype(dt_):
        return "bigint"
    if pd.api.types.is_float_dtype(dt_):
        return "double precision" if col.notna().any() else None
    if pd.api.types.is_datetime64_any_dtype(dt_):
        return "timestamp"
    for v in col:
        if v is None or (isinstance(v, float) and v != v) or v is pd.NaT or v is pd.NA:
            continue
        return _value_type(v, col)
    return None


def _value_type(v: Any, col: pd.Series) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "boolean"
    if isinstance(v, (int, np.integer)):
        return "bigint"
    if isinstance(v, (float, np.floating)):
        return "double precision"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "bytea"
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return "timestamp"
    if isinstance(v, dt.date):
        return "date"
    if isinstance(v, (list, tuple, np.ndarray)):
        for lst in col:
            if isinstance(lst, (list, tuple, np.ndarray)) and len(lst):
                return _value_type(lst[0], pd.Series([], dtype=object)) + "[]"
        return "varchar[]"
    return "varchar"  # as every text column of the schema (arrays of varchar compare with them)


def _python(col: pd.Series) -> list[Any]:
    """A column's values as plain Python objects, None for every kind of missing.

    Parameters
    ----------
    col : pandas.Series
        A column of a frame to register.

    Returns
    -------
    list
        numpy arrays as lists, numpy scalars as Python ones, Timestamps as datetimes, buffers as
        bytes.
    """
    out = []
    for v in col.tolist():
        if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v):
            out.append(None)
        elif isinstance(v, np.ndarray):
            out.append(v.tolist())
        elif isinstance(v, np.generic):
            out.append(v.item())
        elif isinstance(v, pd.Timestamp):
            out.append(v.to_pydatetime())
        elif isinstance(v, (bytearray, memoryview)):
            out.append(bytes(v))
        else:
            out.append(v)
    return out


# ----------------------------------------------------------------------------- the connection


# The tables of the app's schema with pages not marked visible to all (PgConnection.migrate).
_NOT_ALL_VISIBLE = """SELECT c.relname FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relpages > 0 AND c.relallvisible < c.relpages
ORDER BY c.relname"""


class PgConnection:
    """A handle on the PostgreSQL store shaped like a DuckDB connection (see the module docstring).

    One handle is used by one thread at a time, as a DuckDB cursor is; :meth:`cursor` gives another
    handle on the same pool (one per page view, one per worker thread).
    """

    store = POSTGRES

    def __init__(self, pg: Store, root: bool = True, reader: "Store | None" = None) -> None:
        self._pg = pg
        self._reader = reader  # a streaming replica for this handle's reads (for_reports)
        self._root = root
        self._conn: psycopg.Connection | None = None  # kept for a transaction or registered frames
        self._in_tx = False
        self._registered: set[str] = set()
        self._columns: dict[str, str] | None = None

    # --- what the rest of the code calls
    @property
    def url(self) -> str:
        """The database's URL."""
        return self._pg.url

    def cursor(self) -> "PgConnection":
        """Another handle on the same database and pool.

        Returns
        -------
        PgConnection
        """
        return PgConnection(self._pg, root=False, reader=self._reader)

    @property
    def in_transaction(self) -> bool:
        """Whether this handle is inside a transaction (its statements commit together)."""
        return self._in_tx

    def for_reports(self) -> "PgConnection":
        """A handle whose named reads outside a transaction go to the streaming replica.

        Returns
        -------
        PgConnection
            Reading from ``$LIANXIN_DB_REPLICA`` (this same handle when none is set); writes and
            transactions stay on the primary.
        """
        replica = self._pg.replica()
        return self if replica is None else PgConnection(self._pg, root=False, reader=replica)

    def execute(self, query: str | pgsql.Composable, parameters: Any = None) -> Result:
        """Run SQL written for DuckDB's parameter style: ``$name`` with a dict, ``?`` with a list.

        Parameters
        ----------
        query : str or psycopg.sql.Composable
            The SQL; a statement composed with :mod:`psycopg.sql` (names from the catalogs,
            store/transfer.py) takes no parameters.
        parameters : dict or list, optional
            Its parameters.

        Returns
        -------
        Result

        Raises
        ------
        TypeError
            Parameters given with a composed statement.
        """
        if parameters is None or (isinstance(parameters, (dict, list, tuple)) and len(parameters) == 0):
            return self._run(query, None)
        if not isinstance(query, str):
            raise TypeError("a composed statement takes no parameters")
        return self._run(placeholders(query), parameters)

    def run_named(self, name: str, text: str, params: dict[str, Any], retry: bool) -> Result:
        """Run a named query's text (store.db.execute); reads are tried once more on a dead connection.

        Parameters
        ----------
        name : str
            The query's name.
        text : str
            Its SQL (``$name`` parameters).
        params : dict
            Its parameters.
        retry : bool
            Whether it may run again on a fresh connection (reads only).

        Returns
        -------
        Result
        """
        if not params:
            return self._run(text, None, retry=retry)
        return self._run(placeholders(text), params, retry=retry)

    @contextmanager
    def transaction(self) -> Iterator["PgConnection"]:
        """BEGIN … COMMIT on one server connection (ROLLBACK on any exception); joins an open one.

        Yields
        ------
        PgConnection
            This handle, inside the transaction.

        Raises
        ------
        StoreError
            The server connection was lost (one sentence); other errors propagate as they are.
        """  # noqa: DOC501,DOC502 — explain() builds the StoreError raised
        if self._in_tx:
            yield self
            return
        self._hold()
        self._in_tx = True
        try:
            with self._conn.transaction():  # type: ignore[union-attr]
                yield self
        except Exception as e:
            if _lost(e):
                raise explain(e, self._pg.info) from None
            raise
        finally:
            self._in_tx = False
            self._release_if_free()

    @contextmanager
    def snapshot(self) -> Iterator["PgConnection"]:
        """Several reads that see one state of the database (REPEATABLE READ, READ ONLY).

        On the replica of :meth:`for_reports` when there is one; inside an open transaction, that one.

        Yields
        ------
        PgConnection
            This handle, inside the snapshot.

        Raises
        ------
        StoreError
            The server connection was lost (one sentence); other errors propagate as they are.
        """  # noqa: DOC501,DOC502 — explain() builds the StoreError raised
        if self._conn is not None:
            yield self
            return
        store = self._pg
        conn = None
        reader = self._reader
        if reader is not None and not reader.closed and time.monotonic() >= reader.down_until:
            try:
                conn, store = reader.getconn(), reader
            except StoreError as e:
                reader.down_until = time.monotonic() + REPLICA_RETRY_S
                log.warning("replica %s: %s; reading from the primary", reader.where, e)
        if conn is None:
            conn = self._pg.getconn()
        self._conn, self._in_tx = conn, True
        try:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield self
            conn.execute("COMMIT")
        except Exception as e:
            try:
                if not conn.broken:
                    conn.execute("ROLLBACK")
            except psycopg.Error:
                pass
            if _lost(e):
                raise explain(e, store.info) from None
            raise
        finally:
            self._conn, self._in_tx = None, False
            store.putconn(conn)

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Bring a DataFrame into the following statements as the temporary table ``name`` (COPY).

        Column types come from the values; a column with no value at all takes the type of a stored
        column of the same name (e.g. ``replied_on`` → date), else text.

        Parameters
        ----------
        name : str
            The temporary table's name.
        frame : pandas.DataFrame
            Its rows.

        Raises
        ------
        StoreError
            The server connection was lost (one sentence); other errors propagate as they are.
        """  # noqa: DOC501,DOC502 — explain() builds the StoreError raised
        self._hold()
        conn = self._conn
        assert conn is not None
        try:
            cols = list(frame.columns)
            types = [_pg_type(frame[c]) or self._stored_type(c) for c in cols]
            conn.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(pgsql.Identifier(name)))
            conn.execute(
                pgsql.SQL("CREATE TEMP TABLE {} ({})").format(
                    pgsql.Identifier(name),
                    pgsql.SQL(", ").join(
                        pgsql.SQL("{} {}").format(pgsql.Identifier(c), pgsql.SQL(t)) for c, t in zip(cols, types)
                    ),
                )
            )
            self._registered.add(name)
            data = [_python(frame[c]) for c in cols]
            with conn.cursor().copy(
                pgsql.SQL("COPY {} ({}) FROM STDIN").format(
                    pgsql.Identifier(name), pgsql.SQL(", ").join(pgsql.Identifier(c) for c in cols)
                )
            ) as cp:
                for row in zip(*data):
                    cp.write_row(row)
        except Exception as e:
            if _lost(e):
                self._registered.discard(name)
                self._release_if_free()
                raise explain(e, self._pg.info) from None
            raise

    def copy_csv(self, statement: str | pgsql.Composable, path: Path) -> None:
        """Run ``COPY … FROM STDIN`` fed with a file (store/transfer.py).

        Parameters
        ----------
        statement : str or psycopg.sql.Composable
            The COPY statement.
        path : pathlib.Path
            The file (in the statement's format).

        Raises
        ------
        StoreError
            The server connection was lost (one sentence); other errors propagate as they are.
        """  # noqa: DOC501,DOC502 — explain() builds the StoreError raised
        self._hold()
        try:
            with self._conn.cursor().copy(statement) as cp, open(path, "rb") as fh:  # type: ignore[union-attr]
                while block := fh.read(1 << 20):
                    cp.write(block)
        except Exception as e:
            if _lost(e):
                raise explain(e, self._pg.info) from None
            raise
        finally:
            self._release_if_free()

    def unregister(self, name: str) -> None:
        """Drop the temporary table of :meth:`register` (and give the server connection back)."""
        if name not in self._registered:
            return
        self._registered.discard(name)
        conn = self._conn
        try:
            if conn is not None and not conn.broken and not conn.closed:
                if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
                    pass  # the transaction rolls back, and the table with it when made inside it
                else:
                    conn.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(pgsql.Identifier(name)))
        except psycopg.Error:
            pass  # a lost connection: its temporary tables are gone with it
        finally:
            self._release_if_free()

    def close(self) -> None:
        """Give back any server connection; the first handle of :func:`connect` also closes the pool."""
        self._registered.clear()
        self._in_tx = False
        self._release_if_free()
        if self._root:
            self._pg.close()

    def others_connected(self) -> int:
        """How many clients other than this process are connected to the database.

        Returns
        -------
        int
        """
        return int(
            self._run(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND application_name IS DISTINCT FROM %s",
                (APPLICATION,),
            ).fetchone()[0]
        )

    # --- migrations (store.db.migrate)
    def schema_version(self) -> int:
        """The newest migration applied (store.db.schema_version).

        Returns
        -------
        int
            0 when none was.
        """
        return max(self.applied(), default=0)

    def migrate(self, migrations: list[tuple[int, Path]]) -> int:
        """Apply every migration the database has not had yet, in number order (store.db.migrate).

        Each in a transaction holding an advisory lock, so that several processes starting at once
        migrate once.

        Parameters
        ----------
        migrations : list of (int, pathlib.Path)
            Every migration (:func:`store.db.migrations`).

        Returns
        -------
        int
            The schema version after migrating.

        Raises
        ------
        StoreError
            PostGIS missing, no privilege, or the connection lost (one sentence).
        psycopg.Error
            Any other error of a migration.
        """  # noqa: DOC501,DOC502 — explain() builds the StoreError raised
        applied = self.applied()
        current = max(applied, default=0)
        ran = False
        for version, path in migrations:
            if version in applied:
                continue
            try:
                with self.transaction():
                    self._run("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                    self._run(
                        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                        "applied_at TIMESTAMP DEFAULT current_timestamp)",
                        None,
                    )
                    done = self._run("SELECT count(*) FROM schema_version WHERE version = %s", (version,)).fetchone()[0]
                    if not done:
                        self._run(path.read_text(encoding="utf-8"), None)
                        self._run("INSERT INTO schema_version (version) VALUES (%s)", (version,))
                        ran = True
            except psycopg.Error as e:
                if "postgis" in str(e).lower() or _lost(e) or isinstance(e, psycopg.errors.InsufficientPrivilege):
                    raise explain(e, self._pg.info) from None
                raise
            current = max(current, version)
        if ran and self._conn is None:
            # A migration that writes a table again (0020's generated columns) leaves it without its
            # visibility map, and with no dead rows autovacuum never comes: every index-only scan of
            # it would read the table's pages. The tables whose pages are not all marked visible to
            # all (none of a new, empty database) are vacuumed here, outside any transaction.
            for (table,) in self._run(_NOT_ALL_VISIBLE, None).fetchall():
                self._run(pgsql.SQL("VACUUM (ANALYZE) {}").format(pgsql.Identifier(table)), None)
        return current

    def applied(self) -> set[int]:
        """The migrations this database has had.

        Returns
        -------
        set of int
        """
        if not self._run("SELECT to_regclass('schema_version') IS NOT NULL", None).fetchone()[0]:
            return set()
        return {int(r[0]) for r in self._run("SELECT version FROM schema_version", None).fetchall()}

    # --- inside
    def _hold(self) -> None:
        if self._conn is None:
            self._conn = self._pg.getconn()

    def _release_if_free(self) -> None:
        if self._conn is not None and not self._in_tx and not self._registered:
            conn, self._conn = self._conn, None
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE and not conn.broken:
                try:
                    conn.rollback()
                except psycopg.Error:
                    pass
            self._pg.putconn(conn)

    def _stored_type(self, column: str) -> str:
        if self._columns is None:
            rows = self._run(
                """SELECT a.attname, min(format_type(a.atttypid, a.atttypmod)), count(DISTINCT a.atttypid)
                                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                                JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
                                GROUP BY a.attname""",
                None,
            ).fetchall()
            self._columns = {r[0]: r[1] for r in rows if r[2] == 1}
        return self._columns.get(column, "varchar")

    def _run(self, text: str | pgsql.Composable, params: Any, retry: bool = False) -> Result:
        if self._conn is not None:
            return self._exec(self._conn, text, params)
        reader = self._reader
        if retry and reader is not None and not reader.closed and time.monotonic() >= reader.down_until:
            try:
                return PgConnection(reader, root=False)._run(text, params, retry=True)
            except (StoreError, psycopg.Error) as e:
                # the replica is down, or behind a migration: the primary answers (and the replica
                # is left alone for a while, so that a page does not wait for it every time)
                reader.down_until = time.monotonic() + REPLICA_RETRY_S
                log.warning("replica %s: %s; reading from the primary", reader.where, str(e).splitlines()[0])
        for attempt in (0, 1):
            conn = self._pg.getconn()
            try:
                return self._exec(conn, text, params)
            except StoreError:
                if retry and attempt == 0 and (conn.broken or conn.closed):
                    continue  # a pooled connection the server dropped (a restart): once more
                raise
            finally:
                self._pg.putconn(conn)
        raise AssertionError("unreachable")  # pragma: no cover

    def _exec(self, conn: psycopg.Connection, text: str | pgsql.Composable, params: Any) -> Result:
        try:
            cur = conn.execute(text, params)
            while cur.nextset():  # several statements: DuckDB answers with the last one
                pass
            rows = cur.fetchall() if cur.description is not None else []
            return Result(rows, cur.description, cur.rowcount)
        except Exception as e:
            if _lost(e):
                raise explain(e, self._pg.info) from None
            raise

    def __enter__(self) -> "PgConnection":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
