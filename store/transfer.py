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

No SQL is built from strings here: the fixed statements are named ones (queries/transfer.sql for the
file, queries/transfer_postgres.sql for the server); DuckDB writes each CSV through its relational
API (the macros ``copy_bytea`` and ``copy_array`` give the text forms); the PostgreSQL statements
that name a table, column, index, constraint or trigger read from the catalogs are composed with
:mod:`psycopg.sql` — with the definitions ``pg_get_indexdef``/``pg_get_constraintdef`` wrote run as
PostgreSQL wrote them.

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
from psycopg import sql

from store import db


def _columns(duck: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in db.execute(duck, "copy_columns", table=table).fetchall()]


def _tables(duck: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in db.execute(duck, "copy_tables").fetchall()]


def _expr(table: str, column: str, dtype: str) -> duckdb.Expression:
    r"""A DuckDB expression giving the column in PostgreSQL's text form (CSV).

    Parameters
    ----------
    table : str
        The table's name (its relation's alias: the column is named with it, so that DuckDB reads
        the column's name as it is rather than as a qualified name).
    column : str
        The column's name.
    dtype : str
        Its DuckDB type (``BLOB``, ``VARCHAR[]``, …).

    Returns
    -------
    duckdb.Expression
        BLOBs as bytea hex (``\x…``), lists as ``{"a","b"}`` (the macros ``copy_bytea`` and
        ``copy_array`` of queries/transfer.sql), anything else as it is; named as the column.
    """
    col = duckdb.ColumnExpression(table, column)
    if dtype == "BLOB":
        return duckdb.FunctionExpression("copy_bytea", col).alias(column)
    if dtype.endswith("[]"):
        return duckdb.FunctionExpression("copy_array", col).alias(column)
    return col


def _drop_indexes(pg: Any, table: str) -> list[sql.Composable]:
    """Drop the indexes and key constraints of a PostgreSQL table (inside the copy's transaction).

    Parameters
    ----------
    pg : store.postgres.PgConnection
        The target store, inside a transaction.
    table : str
        The table's name.

    Returns
    -------
    list of psycopg.sql.Composable
        The statements that build them again, in their order of creation.
    """
    rebuild: list[sql.Composable] = []
    for schema, index, index_def, constraint, constraint_def in db.execute(pg, "copy_indexes", table=table).fetchall():
        # index_def and constraint_def are SQL that PostgreSQL itself wrote (pg_get_indexdef,
        # pg_get_constraintdef): run as they are, the names around them composed
        if constraint is not None:
            pg.execute(
                sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(table), sql.Identifier(constraint))
            )
            rebuild.append(
                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                    sql.Identifier(table), sql.Identifier(constraint), sql.SQL(constraint_def)
                )
            )
        else:
            pg.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(schema, index)))
            rebuild.append(sql.SQL(index_def))
    return rebuild


def _trigger(pg: Any, table: str, trigger: str, on: bool) -> None:
    """Switch a trigger of a PostgreSQL table on or off (inside the copy's transaction)."""
    statement = "ALTER TABLE {} ENABLE TRIGGER {}" if on else "ALTER TABLE {} DISABLE TRIGGER {}"
    pg.execute(sql.SQL(statement).format(sql.Identifier(table), sql.Identifier(trigger)))


def _export(duck: duckdb.DuckDBPyConnection, table: str, cols: list[tuple[str, str]], path: Path) -> list[str]:
    """Write a table of the DuckDB store to a CSV file in PostgreSQL's text forms.

    Through DuckDB's relational API (the CSV writer of its ``COPY … TO``): no header, NULL as an
    empty field (an empty string as ``""``). The households come with their visited days
    (:data:`_DAY_COLUMNS`, 0018) and in the order of their grids.

    Parameters
    ----------
    duck : a DuckDB store, with the macros of ``copy_bytea_macro`` and ``copy_array_macro``.
    table : str
        The table's name.
    cols : list of (str, str)
        Its columns and their DuckDB types (:func:`_columns`).
    path : pathlib.Path
        The file written.

    Returns
    -------
    list of str
        The names of the columns written, in their order.
    """
    rel = duck.table(table)
    exprs = [_expr(table, c, t) for c, t in cols]
    names = [c for c, _ in cols]
    if table == "households":  # with their visited days (0018), in the order of their grids
        days = duck.from_arrow(_visit_days(duck)).set_alias("visit_days_for_copy")
        rel = rel.join(days, "hid", how="left")
        exprs += [duckdb.ColumnExpression("visit_days_for_copy", c) for c in _DAY_COLUMNS]
        names.extend(_DAY_COLUMNS)
        rel = rel.project(*exprs).sort(*(duckdb.ColumnExpression(c) for c in ("grid_code", "status", "hid")))
    else:
        rel = rel.project(*exprs)
    rel.write_csv(str(path), header=False, na_rep="")
    return names


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
        # the COMMIT waits for its WAL to be on disk (why: queries/transfer_postgres.sql)
        db.execute(pg, "copy_commit_synchronously")
        db.execute(duck, "copy_bytea_macro")
        db.execute(duck, "copy_array_macro")
        for table, trigger in _TALLY_TRIGGERS:
            _trigger(pg, table, trigger, on=False)
        for table in _tables(duck):
            f = Path(tmp) / f"{table}.csv"
            names = _export(duck, table, _columns(duck, table), f)
            rebuild = _drop_indexes(pg, table)
            # FREEZE needs the table emptied in this transaction
            pg.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(table)))
            if table == "visits":  # their days came with the households
                _trigger(pg, "visits", "visit_days_insert", on=False)
            if table == "households":  # their gaps between home visits (0030) counted once after
                _trigger(pg, "households", "household_home_gaps_insert", on=False)
            pg.copy_csv(
                sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv, NULL '', FREEZE)").format(
                    sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, names))
                ),
                f,
            )
            f.unlink()
            # built again right after the table's COPY (a duplicate key fails here, and rolls
            # everything back), before the next table: its row triggers may look this one up
            # (0015: each copied petition reads its household's grid by the households' key)
            for statement in rebuild:
                pg.execute(statement)
            if table == "visits":
                _trigger(pg, "visits", "visit_days_insert", on=True)
            if table == "households":
                _trigger(pg, "households", "household_home_gaps_insert", on=True)
                gaps_rebuild = _drop_indexes(pg, "household_home_gaps")
                db.execute(pg, "copy_home_gaps_fill")
                for statement in gaps_rebuild:
                    pg.execute(statement)
            out[table] = db.execute(duck, "copy_row_count", table=table).fetchone()[0]
            log(f"  {table}: {out[table]:,} rows, indexes and keys built ({time.perf_counter() - t0:.0f} s)")
        db.execute(pg, "copy_sequences_past_keys")
        for table, trigger in _TALLY_TRIGGERS:
            _trigger(pg, table, trigger, on=True)
        db.execute(pg, "copy_staff_week_tallies_fill")
    # statistics, and the visibility map the index-only scans need (every page frozen); a fixed
    # statement, not a named query: VACUUM cannot be prepared (tests/test_stores.py prepares them all)
    pg.execute("VACUUM (FREEZE, ANALYZE)")
    log(f"  analysed ({time.perf_counter() - t0:.0f} s)")
    out["seconds"] = time.perf_counter() - t0
    return out
