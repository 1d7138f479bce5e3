"""Which store the tests run on, and databases for them on either.

``LIANXIN_TEST_STORE=postgres`` runs the tests on PostgreSQL: every database a test asks for is a
new database on the cluster whose maintenance URL is ``$LIANXIN_TEST_PG`` (scripts/test.sh starts a
throwaway cluster; without the variable conftest.py starts one for the session). Copies are
``CREATE DATABASE … TEMPLATE``, so a tiny world is built once and copied per test on both stores.
A database made while a test runs is dropped after it (conftest.py), the others at the end.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

STORE = os.environ.get("LIANXIN_TEST_STORE", "duckdb")
_COUNTER = itertools.count()
CREATED: list[str] = []  # PostgreSQL databases made in this process, in order


def on_postgres() -> bool:
    """Whether the tests run on PostgreSQL (``LIANXIN_TEST_STORE=postgres``)."""
    return STORE == "postgres"


def maintenance_url() -> str:
    url = os.environ.get("LIANXIN_TEST_PG")
    if not url:
        raise RuntimeError("LIANXIN_TEST_STORE=postgres needs $LIANXIN_TEST_PG (conftest.py sets it)")
    return url


def url_of(dbname: str) -> str:
    """The URL of a database of the test cluster."""
    base = maintenance_url()
    return base[: base.rindex("/") + 1] + dbname


def _name(url: str) -> str:
    return url[url.rindex("/") + 1 :].split("?")[0]


def _admin():
    import psycopg

    return psycopg.connect(maintenance_url(), autocommit=True)


def new_db(folder: Path, name: str = "tiny") -> Path | str:
    """A database nobody has used yet: ``folder/NAME.duckdb``, or the URL of a new PostgreSQL
    database (created by the first ``db.connect``, as a county's would be)."""
    if not on_postgres():
        return Path(folder) / f"{name}.duckdb"
    dbname = f"t{os.getpid()}_{next(_COUNTER)}_{name}".lower()[:63]
    CREATED.append(dbname)
    return url_of(dbname)


def copy_db(src: Path | str, folder: Path, name: str = "tiny") -> Path | str:
    """A copy of a database (closed, nobody connected): a file copy, or CREATE DATABASE … TEMPLATE."""
    if not on_postgres():
        dst = Path(folder) / f"{name}.duckdb"
        shutil.copyfile(src, dst)
        return dst
    from psycopg import sql

    from store import postgres

    postgres.release(str(src))
    dst = new_db(folder, name)
    with _admin() as c:
        c.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(_name(str(dst))), sql.Identifier(_name(str(src)))
            )
        )
    return dst


def drop_db(spec: Path | str) -> None:
    """Drop a PostgreSQL test database (every connection to it closed first); files are left to tmp_path."""
    if not on_postgres() or not str(spec).startswith("postgresql://"):
        return
    from psycopg import sql

    from store import postgres

    postgres.release(str(spec))
    with _admin() as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_name(str(spec)))))
    if _name(str(spec)) in CREATED:
        CREATED.remove(_name(str(spec)))


def drop_after(mark: int) -> None:
    """Drop the databases made since ``len(CREATED)`` was ``mark``."""
    for dbname in list(CREATED[mark:]):
        drop_db(url_of(dbname))
