"""Frames of query results (store.db.df, db.df_text) on tiny known data: every type the stores convert,
with NULLs, and an empty result — the dtypes and values callers rely on, on the store the suite runs on.

On PostgreSQL both functions read the rows into Arrow arrays in one pass (store/postgres.py
``Result.df``); a result with a column of another type (an array) is built column by column instead,
with the same dtypes. DuckDB gives its own frames (``.df()``, and Arrow for df_text): the values are the
same, the dtypes of a few columns differ between the stores and are written down here as they are.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from store import db
from tests import stores

NAME = "frame_types"  # the statement below, run as a named query (as tests/test_worklist_parts.py does)
SQL = """SELECT * FROM (VALUES
  (CAST('甲' AS VARCHAR), CAST('x' AS VARCHAR), CAST(NULL AS VARCHAR), CAST(1 AS INTEGER), CAST(2 AS BIGINT),
   CAST(0.5 AS DOUBLE PRECISION), CAST(1.25 AS NUMERIC(10, 2)), CAST(3 AS NUMERIC(10, 2)), TRUE, CAST(TRUE AS BOOLEAN),
   DATE '2026-01-31', TIMESTAMP '2026-02-01 08:30:00.123456', CAST(2 AS SMALLINT)),
  (NULL, 'y', NULL, 2, NULL, NULL, NULL, 4, FALSE, NULL, NULL, NULL, 3),
  ('', 'z', NULL, -3, 9007199254740993, -1e300, 7, 5, TRUE, FALSE, DATE '1999-12-31', TIMESTAMP '1970-01-01', 4)
) AS t(text_null, text, text_all_null, int4, int8_null, float8_null, numeric_null, numeric_whole, bool, bool_null,
       date_null, timestamp_null, int2)
WHERE int4 > $lo ORDER BY int4"""
PG = stores.on_postgres()
TS = pd.Timestamp


@pytest.fixture()
def named(monkeypatch):
    """Lets db.df / db.df_text run ``SQL`` (or another text set with ``named.text``) as the query NAME."""
    real_sql, real_is_write = db.sql, db.is_write

    class Named:
        text = SQL

    monkeypatch.setattr(
        db,
        "sql",
        lambda name, store=db.DUCKDB: (
            (Named.text, db.parameters(Named.text)) if name == NAME else real_sql(name, store)
        ),
    )
    monkeypatch.setattr(db, "is_write", lambda name: False if name == NAME else real_is_write(name))
    return Named


def _expected(how: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "text_null": pd.Series(["", "甲", None], dtype="str"),
            "text": pd.Series(["z", "x", "y"], dtype="str"),
            "text_all_null": pd.Series([None, None, None], dtype=object),
            "int4": np.array([-3, 1, 2], dtype="int64" if PG else "int32"),
            "int8_null": pd.Series([9007199254740993, 2, None], dtype="Int64"),
            "float8_null": np.array([-1e300, 0.5, np.nan]),
            "numeric_null": np.array([7.0, 1.25, np.nan]),
            "numeric_whole": np.array([5.0, 3.0, 4.0]),
            "bool": np.array([True, True, False]),
            "bool_null": pd.Series([False, True, None], dtype="boolean"),
            "date_null": pd.Series([TS("1999-12-31"), TS("2026-01-31"), pd.NaT], dtype="datetime64[us]"),
            "timestamp_null": pd.Series(
                [TS("1970-01-01"), TS("2026-02-01 08:30:00.123456"), pd.NaT], dtype="datetime64[us]"
            ),
            "int2": np.array([4, 2, 3], dtype="int64" if PG else "int16"),
        }
    )
    if not PG and how == "df_text":  # DuckDB's Arrow frame, as it is (its callers convert what they use)
        frame["text_all_null"] = frame["text_all_null"].astype("str")
        frame["int8_null"] = np.array([9007199254740992.0, 2.0, np.nan])  # float64: 2**53 + 1 is lost
        frame["numeric_null"] = pd.Series([Decimal("7.00"), Decimal("1.25"), None], dtype=object)
        frame["numeric_whole"] = pd.Series([Decimal("5.00"), Decimal("3.00"), Decimal("4.00")], dtype=object)
        frame["bool_null"] = pd.Series([False, True, None], dtype=object)
        frame["date_null"] = frame["date_null"].astype("datetime64[ms]")
    return frame


@pytest.mark.parametrize("how", ["df", "df_text"])
def test_every_type_with_nulls_keeps_its_dtype_and_values(tiny_ro, named, how):
    con, _ = tiny_ro
    got = getattr(db, how)(con, NAME, lo=-10)
    pd.testing.assert_frame_equal(got, _expected(how), check_exact=True)


@pytest.mark.parametrize("how", ["df", "df_text"])
def test_an_empty_result_keeps_its_columns_and_dtypes(tiny_ro, named, how):
    con, _ = tiny_ro
    got = getattr(db, how)(con, NAME, lo=10)
    assert list(got.columns) == list(_expected(how).columns)
    assert len(got) == 0
    dtypes = {c: str(t) for c, t in got.dtypes.items()}
    duck_text = not PG and how == "df_text"  # DuckDB's Arrow frame, as it is
    text = "str" if duck_text else "object"
    ints = {"int4": "int64", "int2": "int64"} if PG else {"int4": "int32", "int2": "int16"}
    assert dtypes == {
        "text_null": text,
        "text": text,
        "text_all_null": text,
        **ints,
        "int8_null": "int64",
        "float8_null": "float64",
        "numeric_null": "object" if duck_text else "float64",
        "numeric_whole": "object" if duck_text else "float64",
        "bool": "bool",
        "bool_null": "bool",
        "date_null": "datetime64[ms]" if duck_text else "datetime64[us]",
        "timestamp_null": "datetime64[us]",
    }


@pytest.mark.skipif(not PG, reason="the column-by-column build is PostgreSQL's (a result with an array column)")
def test_a_result_with_an_array_column_has_the_same_dtypes(tiny_ro, named):
    con, _ = tiny_ro
    named.text = SQL.replace("SELECT *", "SELECT *, ARRAY[text, 'w'] AS list", 1)
    got = db.df(con, NAME, lo=-10)
    assert [list(v) for v in got.pop("list")] == [["z", "w"], ["x", "w"], ["y", "w"]]
    pd.testing.assert_frame_equal(got, _expected("df"), check_exact=True)


@pytest.mark.skipif(not PG, reason="timestamptz and numerics beyond 64 bits: PostgreSQL's conversions")
def test_timestamptz_is_the_wall_time_in_shanghai_and_huge_numerics_are_floats(tiny_ro, named):
    con, _ = tiny_ro
    named.text = """SELECT * FROM (VALUES
      (TIMESTAMPTZ '2026-01-01 00:30:00.5+00', CAST(1e20 AS NUMERIC), 1),
      (NULL, NULL, 2)) AS t(at, big, n) WHERE n > $lo ORDER BY n"""
    got = db.df_text(con, NAME, lo=0)
    want = pd.DataFrame(
        {
            "at": pd.Series([TS("2026-01-01 08:30:00.5"), pd.NaT], dtype="datetime64[us]"),
            "big": np.array([1e20, np.nan]),
            "n": np.array([1, 2], dtype="int64"),
        }
    )
    pd.testing.assert_frame_equal(got, want, check_exact=True)
