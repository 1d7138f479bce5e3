"""Copy a DuckDB file's store into a PostgreSQL store: every table, as it is.

The benchmark loads its data sets this way, and a county moving from the file to a server does the
same.

Both databases must be at the same schema version; the PostgreSQL one should be empty. The tables
go through CSV files that DuckDB writes and PostgreSQL's ``COPY … FROM STDIN`` reads (lists and WKB
blobs written in PostgreSQL's text forms), in one transaction, the way PostgreSQL's manual
("Populating a Database", §14.4) loads a database in bulk: each table is emptied with ``TRUNCATE``
and its indexes and key constraints dropped, the rows copied with ``FREEZE`` (written all-visible and
frozen, so the closing VACUUM has nothing to rewrite), then the indexes and constraints built again
from their own definitions (one sorted build each instead of 60M single-row index inserts at city
scale), the sequences moved past the copied keys and the tables analysed. A failure anywhere rolls
all of it back: the DDL is transactional.

Triggers stay on. Migration 0013's household tallies are kept by statement triggers (one firing per
statement, over all the rows it wrote): the COPY of the households fires them once, and they add the
tallies of all the copied households in one grouped insert — the tallies the triggers themselves
give, not a second definition of them. (``TRUNCATE`` fires no delete trigger; the tables it empties
hold only what the migrations wrote, and no households.) Exceptions:

- Migration 0018's visited days per kind of visit (PostgreSQL's columns ``households.home_days`` …)
  come with the households, read from the file's visits by ``visit_days_for_copy``
  (queries/transfer.sql), and ``visit_days_insert`` is off while the visits are copied. Filling them
  after the visits with the migration's ``visit_days_fill()`` — one update of every household —
  took more than 30 minutes for the city data set's 10M households, and scattered each grid's
  households over the table. tests/test_transfer.py checks the copied days against a recount
  of the visits. The households are copied in the order of their grids (as the DuckDB file
  holds them), so that an area's households lie on a few pages.
- Migration 0030's gaps between home visits: ``household_home_gaps_insert`` is off while the
  households are copied, and the gaps are counted once after by ``household_home_gaps_fill()``,
  their indexes dropped before and built after.
- Migration 0029's weekly tallies per staff member: their triggers on visits and households are off
  while the tables are copied, and ``staff_week_tallies_fill()`` counts them once after from all the
  copied visits (the table is PostgreSQL's own, not in the file: the fill also empties it).

Each is switched off and on inside the copy's transaction, so a copy that fails leaves it on.
``VACUUM (FREEZE, ANALYZE)`` at the end gathers the statistics and marks every page visible to all
(the index-only scans of the reports).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import duckdb
import pyarrow as pa

from store import db


def _columns(duck: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in duck.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = 'main' ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]


def _tables(duck: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in duck.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' AND table_name <> 'schema_version' ORDER BY table_name"
        ).fetchall()
    ]


def _expr(column: str, dtype: str) -> str:
    r"""A DuckDB expression giving the column in PostgreSQL's text form (CSV).

    Parameters
    ----------
    column : str
        The column's name.
    dtype : str
        Its DuckDB type (``BLOB``, ``VARCHAR[]``, …).

    Returns
    -------
    str
        SQL for DuckDB: BLOBs as bytea hex (``\x…``), lists as ``{"a","b"}``, anything else as it is.
    """
    q = '"' + column.replace('"', '""') + '"'
    if dtype == "BLOB":
        return f"CASE WHEN {q} IS NULL THEN NULL ELSE '\\x' || lower(hex({q})) END"
    if dtype.endswith("[]"):  # {"a","b"}: every element quoted, \ and " escaped
        return (
            f"CASE WHEN {q} IS NULL THEN NULL ELSE '{{' || coalesce(array_to_string(list_transform({q}, "
            f"x -> CASE WHEN x IS NULL THEN 'NULL' ELSE '\"' || replace(replace(CAST(x AS VARCHAR), '\\', '\\\\'), "
            f"'\"', '\\\"') || '\"' END), ','), '') || '}}' END"
        )
    return q


# the indexes of a table, with the key constraint each one backs (NULL for a plain index)
_INDEXES = """
SELECT CAST(CAST(i.indexrelid AS regclass) AS VARCHAR) AS index_name, pg_get_indexdef(i.indexrelid) AS index_def,
       c.conname AS constraint_name, pg_get_constraintdef(c.oid) AS constraint_def
FROM pg_index i
LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')
WHERE i.indrelid = CAST(CAST($table AS VARCHAR) AS regclass)
ORDER BY i.indexrelid
"""


def _drop_indexes(pg: Any, table: str) -> list[str]:
    """Drop the indexes and key constraints of a PostgreSQL table (inside the copy's transaction).

    Parameters
    ----------
    pg : store.postgres.PgConnection
        The target store, inside a transaction.
    table : str
        The table's name.

    Returns
    -------
    list of str
        The statements that build them again, in their order of creation.
    """
    rebuild = []
    q = '"' + table.replace('"', '""') + '"'
    for index_name, index_def, constraint, constraint_def in pg.execute(_INDEXES, {"table": q}).fetchall():
        if constraint is not None:
            name = '"' + constraint.replace('"', '""') + '"'
            pg.execute(f"ALTER TABLE {q} DROP CONSTRAINT {name}")
            rebuild.append(f"ALTER TABLE {q} ADD CONSTRAINT {name} {constraint_def}")
        else:
            pg.execute(f"DROP INDEX {index_name}")  # regclass text: already quoted where needed
            rebuild.append(index_def)
    return rebuild


#: Migration 0018's visited days per kind of visit: PostgreSQL's columns of households, copied from
#: queries/transfer.sql (visit_days_for_copy).
_DAY_COLUMNS = ("home_days", "phone_days", "meeting_days", "reception_days")

#: Households per slice of ``visit_days_for_copy``: ~6M visits at the city data set's six a household.
DAYS_SLICE = 1_000_000


def _visit_days(duck: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every household's visited days per kind of visit, as PostgreSQL's datemultirange text.

    Read with ``visit_days_for_copy`` (queries/transfer.sql) a slice of :data:`DAYS_SLICE` households
    (by hid) at a time: DuckDB's grouped ``string_agg`` keeps every group's text in memory (all
    10M households of the city data set at once: 22 GB, or out of memory under a 4 GB limit).

    Parameters
    ----------
    duck : a DuckDB store.

    Returns
    -------
    pyarrow.Table
        Columns hid and :data:`_DAY_COLUMNS` (text or null), one row per household with a visit.
    """
    first, last = db.execute(duck, "households_hid_range").fetchone()
    if first is None:  # no households
        return pa.table({"hid": pa.array([], pa.int32()), **{c: pa.array([], pa.string()) for c in _DAY_COLUMNS}})
    return pa.concat_tables(
        db.execute(duck, "visit_days_for_copy", first_hid=lo, last_hid=min(lo + DAYS_SLICE - 1, last))
        .arrow()
        .read_all()
        for lo in range(first, last + 1, DAYS_SLICE)
    )


#: Migration 0029's triggers (the weekly tallies per staff member), off while every table is copied:
#: the tallies are filled once after from all the visits and households (``staff_week_tallies_fill()``).
_TALLY_TRIGGERS = tuple(
    (table, f"{prefix}_week_tallies_{op}")
    for table, prefix in (("visits", "visit"), ("households", "household"))
    for op in ("insert", "delete", "update")
)


def copy_store(duck: duckdb.DuckDBPyConnection, pg: Any, log: Callable[[str], None] = lambda s: None) -> dict[str, Any]:
    """Copy every table of the DuckDB store ``duck`` into the PostgreSQL store ``pg``.

    Parameters
    ----------
    duck : a DuckDB connection (store.db.connect of a file).
    pg : a :class:`store.postgres.PgConnection` at the same schema version, with no data of its own
        (its rule and calendar rows, made by the migrations, are replaced by the file's).

    Returns
    -------
    dict: rows per table and seconds taken.

    Raises
    ------
    ValueError
        ``duck`` is not a DuckDB store or ``pg`` not a PostgreSQL one.
    store.db.StoreError
        The schema versions differ.
    """
    if db.store_of(duck) != db.DUCKDB or db.store_of(pg) != db.POSTGRES:
        raise ValueError("copy_store copies a DuckDB store into a PostgreSQL store")
    v_from, v_to = db.schema_version(duck), db.schema_version(pg)
    if v_from != v_to:
        raise db.StoreError(key="store.error.schema_versions", source=v_from, target=v_to)
    t0 = time.perf_counter()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="lianxin-copy-") as tmp, db.transaction(pg):
        # the COMMIT waits for its WAL to be on disk even where synchronous_commit is off (the
        # throwaway clusters): until then VACUUM may not mark the copied rows visible to all, and
        # the reports' index-only scans would read the table itself (relallvisible 0)
        pg.execute("SET LOCAL synchronous_commit = on")
        for table, trigger in _TALLY_TRIGGERS:
            pg.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        for table in _tables(duck):
            cols = _columns(duck, table)
            f = Path(tmp) / f"{table}.csv"
            select = ", ".join(_expr(c, t) for c, t in cols)
            source = f'"{table}"'
            if table == "households":  # with their visited days (0018), in the order of their grids
                cols += [(c, "VARCHAR") for c in _DAY_COLUMNS]
                select += ", " + ", ".join(f"d.{c}" for c in _DAY_COLUMNS)
                duck.register("visit_days_for_copy", _visit_days(duck))
                source = "households LEFT JOIN visit_days_for_copy d USING (hid) ORDER BY grid_code, status, hid"
            duck.execute(f"COPY (SELECT {select} FROM {source}) TO '{f}' (FORMAT csv, HEADER false, NULL '')")
            names = ", ".join('"' + c.replace('"', '""') + '"' for c, _ in cols)
            rebuild = _drop_indexes(pg, table)
            pg.execute(f'TRUNCATE "{table}"')  # FREEZE needs the table emptied in this transaction
            if table == "visits":  # their days came with the households
                pg.execute("ALTER TABLE visits DISABLE TRIGGER visit_days_insert")
            if table == "households":  # their gaps between home visits (0030) counted once after
                pg.execute("ALTER TABLE households DISABLE TRIGGER household_home_gaps_insert")
            pg.copy_csv(f"COPY \"{table}\" ({names}) FROM STDIN (FORMAT csv, NULL '', FREEZE)", f)
            f.unlink()
            # built again right after the table's COPY (a duplicate key fails here, and rolls
            # everything back), before the next table: its row triggers may look this one up
            # (0015: each copied petition reads its household's grid by the households' key)
            for statement in rebuild:
                pg.execute(statement)
            if table == "visits":
                pg.execute("ALTER TABLE visits ENABLE TRIGGER visit_days_insert")
            if table == "households":
                duck.unregister("visit_days_for_copy")
                pg.execute("ALTER TABLE households ENABLE TRIGGER household_home_gaps_insert")
                gaps_rebuild = _drop_indexes(pg, "household_home_gaps")
                pg.execute("SELECT household_home_gaps_fill()")
                for statement in gaps_rebuild:
                    pg.execute(statement)
            out[table] = duck.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            log(f"  {table}: {out[table]:,} rows, indexes and keys built ({time.perf_counter() - t0:.0f} s)")
        for seq, table, col in (
            ("visits_seq", "visits", "id"),
            ("staff_grids_seq", "staff_grids", "id"),
            ("audit_seq", "audit_log", "id"),
            ("households_hid_seq", "households", "hid"),
        ):
            pg.execute(f"SELECT setval('{seq}', coalesce((SELECT max({col}) FROM {table}), 0) + 1, false)")
        for table, trigger in _TALLY_TRIGGERS:
            pg.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        pg.execute("SELECT staff_week_tallies_fill()")
    # statistics, and the visibility map the index-only scans need (every page frozen)
    pg.execute("VACUUM (FREEZE, ANALYZE)")
    log(f"  analysed ({time.perf_counter() - t0:.0f} s)")
    out["seconds"] = time.perf_counter() - t0
    return out
