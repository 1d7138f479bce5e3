"""The store: one DuckDB file, versioned migrations, named queries and transactions.

Every other module reaches the database through this one, so that the store could move to
PostgreSQL behind the same functions.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import aiosql
import duckdb
import pandas as pd

from store import version as data_version

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
QUERIES = ROOT / "queries"
DEFAULT_DB = ROOT / "data" / "demo.duckdb"


class StoreError(Exception):
    """A problem with the database a person can fix (wrong path, locked file…)."""


def default_path() -> Path:
    """The database path: ``$LIANXIN_DB``, else ``data/demo.duckdb``."""
    env = os.environ.get("LIANXIN_DB")
    return Path(env) if env else DEFAULT_DB


def connect(path: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and create and migrate) the database.

    Parameters
    ----------
    path : the database file; ``None`` for :func:`default_path`, ``":memory:"`` for a throwaway one.
    read_only : open without migrating (the file must exist).

    Returns
    -------
    duckdb.DuckDBPyConnection, migrated to the newest schema.

    Examples
    --------
    >>> con = connect(":memory:")
    >>> con.execute("SELECT count(*) FROM rules").fetchone()[0] > 0
    True
    """
    p = str(path) if path is not None else str(default_path())
    if p != ":memory:":
        parent = Path(p).parent
        if not parent.exists():
            parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(p, read_only=read_only, config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        })
    except duckdb.IOException as e:
        msg = str(e).splitlines()[0]
        if "lock" in msg.lower():
            raise StoreError(f"数据库 {p} 正被另一个程序使用，请先关闭它再试 / the database {p} is in use by another process") from e
        raise StoreError(f"无法打开数据库 {p}：{msg}") from e
    except duckdb.Error as e:
        raise StoreError(f"无法打开数据库 {p}：{str(e).splitlines()[0]}") from e
    con.execute("SET enable_progress_bar = false")  # DuckDB would draw one on the terminal
    if not read_only:
        migrate(con)
    return con


def migrations() -> list[tuple[int, Path]]:
    out = []
    for f in sorted(MIGRATIONS.glob("*.sql")):
        m = re.match(r"(\d+)_", f.name)
        if m:
            out.append((int(m.group(1)), f))
    return out


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not has:
        return 0
    v = con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    return int(v or 0)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration the database has not had yet, in number order, each in its own transaction.

    Numbers are handed out to branches in advance, so a database may already have a later one
    (0010) when an earlier one (0009) lands: every version missing from ``schema_version`` is
    applied, not only those above the highest.

    Returns the schema version after migrating.
    """
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                "applied_at TIMESTAMP DEFAULT current_timestamp)")
    current = schema_version(con)
    applied = {int(r[0]) for r in con.execute("SELECT version FROM schema_version").fetchall()}
    changed = False
    for version, path in migrations():
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


_OPEN: set[int] = set()      # connections (by id) inside a transaction opened by transaction()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One all-or-nothing unit of work: commit on success, roll back on any exception.

    Re-entrant: inside an open transaction of the same connection it joins it (DuckDB has no
    nested transactions, and a failed nested BEGIN would abort the outer one).
    """
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
        data_version.committed(con)     # after the COMMIT: store/version.py


# ----------------------------------------------------------------------------- named queries

@lru_cache(maxsize=1)
def _queries() -> Any:
    return aiosql.from_path(QUERIES, "duckdb", mandatory_parameters=False)


_PARAM = re.compile(r"(?<![\w$])\$([A-Za-z_]\w*)")


@lru_cache(maxsize=None)
def sql(name: str) -> tuple[str, tuple[str, ...]]:
    """The SQL text of the named query and the names of its ``$parameters``."""
    q = _queries()
    try:
        text = getattr(q, name).sql
    except AttributeError:
        raise KeyError(f"no query named {name!r} in queries/") from None
    # strip string literals before looking for parameters
    bare = re.sub(r"'(?:[^']|'')*'", "''", text)
    names = tuple(dict.fromkeys(_PARAM.findall(bare)))
    return text, names


def _params(name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    text, names = sql(name)
    missing = [n for n in names if n not in params]
    if missing:
        raise KeyError(f"query {name} needs parameters {missing}")
    return text, {n: params[n] for n in names}


def execute(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> duckdb.DuckDBPyConnection:
    """Run a named query; returns the cursor (``.fetchall()``, ``.df()``…)."""
    text, p = _params(name, params)
    cur = con.execute(text, p) if p else con.execute(text)
    data_version.wrote(con, name, in_transaction=id(con) in _OPEN)    # a write moves the data's version
    return cur


def df(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run a named query and return a DataFrame."""
    return execute(con, name, **params).df()


def rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[tuple]:
    return execute(con, name, **params).fetchall()


def one(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> Any:
    """The first column of the first row, or None."""
    r = execute(con, name, **params).fetchone()
    return r[0] if r else None


def rule(con: duckdb.DuckDBPyConnection, key: str) -> float:
    """A rule's value (CONTRACT.md §4 defaults, editable by an administrator)."""
    v = one(con, "rule_value", key=key)
    if v is None:
        raise KeyError(f"no rule {key}")
    return float(v)
