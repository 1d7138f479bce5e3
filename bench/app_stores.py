"""``manage.py bench --on-postgres URL``: the app's own functions on the PostgreSQL store.

And the road not taken — the same DuckDB SQL run by DuckDB over PostgreSQL (DuckDB's ``postgres``
extension). The data set (bench/data.py, a DuckDB file) is copied into the PostgreSQL database once
(store/transfer.py; a database already holding that data set is reused); then the calls timed on
the DuckDB file — analytics.reports and the coverage page's work — are timed again with the
PostgreSQL store's connection, and their results asserted identical. ``URL`` may be ``throwaway``:
a cluster started in a temporary directory for the run (store/cluster.py) and removed after it.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from store import db

if TYPE_CHECKING:
    import duckdb

Log = Callable[[str], None]


def open_store(url: str, duck: duckdb.DuckDBPyConnection, scale: str, log: Log) -> tuple[Any, Any, float]:
    """The PostgreSQL store holding the data set of ``duck``, copied in unless it is there already.

    Parameters
    ----------
    url : str
        A ``postgresql://`` URL, or ``throwaway`` (a cluster started for the run, removed by its
        ``close()``; with wal_level minimal, the settings of PostgreSQL's manual for a bulk load).
    duck : duckdb.DuckDBPyConnection
        The benchmark's DuckDB file (bench/data.py).
    scale : str
        The data set's scale (``small``, ``county``, ``city``): the database's name on a throwaway
        cluster, and the marker of a database that may be reused.
    log : callable
        Progress lines.

    Returns
    -------
    store : store.postgres.PgConnection
        The PostgreSQL store.
    cluster : store.cluster.Cluster or None
        The throwaway cluster (the caller closes it), or None for a given URL.
    seconds : float
        Time taken to copy the data set in (0 when reused).

    Raises
    ------
    store.db.StoreError
        The database holds something else (it is never overwritten).
    """
    cluster = None
    if url == "throwaway":
        from store.cluster import Cluster

        # a bulk load as PostgreSQL's manual advises (§14.4): no WAL for the tables the copy empties
        # (wal_level minimal, no WAL senders), room to sort for the index builds
        cluster = Cluster(
            settings={
                "shared_buffers": "1GB",
                "work_mem": "64MB",
                "maintenance_work_mem": "1GB",
                "wal_level": "minimal",
                "max_wal_senders": "0",
            }
        )
        url = cluster.url(f"bench_{scale}")
    pg = db.connect(url)
    want = {t: duck.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("households", "visits", "petitions")}
    have = {t: pg.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in want}
    marker = db.one(pg, "meta_get", key="bench_scale")
    t0 = time.perf_counter()
    if marker == scale and have == want:
        log(f"reusing PostgreSQL {url.split('@')[-1]}")
        return pg, cluster, 0.0
    _demo, _real, rows = db.execute(pg, "demo_database_state").fetchone()
    if any(have.values()) or rows:
        raise db.StoreError(
            f"{url.split('@')[-1]} 已有其他数据，基准测试不会覆盖它 / the PostgreSQL database already "
            f"holds other data; name an empty one (or a bench database of this scale)"
        )
    from store.transfer import copy_store

    log(f"copying the {scale} data set into PostgreSQL {url.split('@')[-1]}")
    copy_store(duck, pg, log=log)
    return pg, cluster, time.perf_counter() - t0


def duckdb_over_postgres(url: str) -> Any:
    """A DuckDB connection that reads the PostgreSQL store's tables through DuckDB's ``postgres`` extension.

    The extension comes from PyPI's ``duckdb-extension-postgres-scanner``, loaded by file path
    (DuckDB 1.5.5 only); the app's DuckDB macros are made in the connection's temporary catalog,
    so the app's DuckDB SQL runs on it unchanged.

    Parameters
    ----------
    url : str
        The PostgreSQL store's ``postgresql://`` URL.

    Returns
    -------
    duckdb.DuckDBPyConnection
        Attached to the database read-only, as its default catalog.

    Raises
    ------
    RuntimeError
        The extension is not installed, or has no build for this DuckDB (the reason in the message).
    """
    import duckdb

    try:
        import duckdb_extension_postgres_scanner as ext_pkg
    except ImportError:
        raise RuntimeError(
            "duckdb-extension-postgres-scanner not installed (pip install -r requirements-dev.txt)"
        ) from None
    ext = Path(ext_pkg.__file__).parent / "extensions" / f"v{duckdb.__version__}" / "postgres_scanner.duckdb_extension"
    if not ext.exists():
        raise RuntimeError(f"no postgres extension for DuckDB {duckdb.__version__} (the PyPI package has 1.5.5's)")
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute(f"LOAD '{ext}'")
    quoted = url.replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS pg (TYPE postgres, READ_ONLY)")  # ATTACH takes no parameters
    con.execute("USE pg")
    # the macros the migrations leave (0012's shared predicates, responsible_for as 0014 has it,
    # 0017's shared SQL), made in DuckDB's temporary catalog (bound to pg's tables)
    for name in ("0012_shared_predicates.sql", "0014_shared_rules.sql", "0017_shared_sql.sql"):
        text = (db.MIGRATIONS / name).read_text(encoding="utf-8")
        con.execute(re.sub(r"CREATE (OR REPLACE )?MACRO", r"CREATE \1TEMP MACRO", text))
    return con
