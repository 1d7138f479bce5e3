"""The two stores (store/db.py): what the database spec may be, and that every named query has a
form the store in use can prepare (with LIANXIN_TEST_STORE=postgres: PostgreSQL's).

PostgreSQL's own behaviour — faults as sentences, several processes at once, a lost connection,
the command line while the app is up, a replica — is in tests/test_postgres.py.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from store import db
from tests import clirun
from tests import factories as F

ROOT = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------- what --db may be


@pytest.mark.parametrize(
    "spec,kind",
    [
        ("data/demo.duckdb", db.DUCKDB),
        ("/tmp/x/县.duckdb", db.DUCKDB),
        (":memory:", db.DUCKDB),
        ("postgresql://lianxin@db.county.local:5432/lianxin", db.POSTGRES),
        ("postgres://u:p@127.0.0.1/x", db.POSTGRES),
        ("postgresql:///lianxin?host=/run/postgresql", db.POSTGRES),
    ],
)
def test_a_path_is_duckdb_and_a_postgresql_url_is_postgres(spec, kind):
    assert db.kind(spec) == kind


@pytest.mark.parametrize(
    "spec", ["mysql://u@h/x", "http://example.org/db", "sqlite:///x.db", "postgresql://u@h:5432/", "x\x00y"]
)
def test_anything_else_is_bad_usage(spec):
    with pytest.raises(db.BadTarget):
        db.kind(spec)


@pytest.mark.parametrize("spec", ["mysql://u@h/x", "postgresql://u@h:5432/"])
def test_cli_bad_database_is_exit_2_one_line(spec):
    p = clirun.run(
        [sys.executable, str(ROOT / "manage.py"), "--db", spec, "init"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert p.returncode == 2, (p.stdout, p.stderr)
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in p.stderr
    assert "postgresql://" in lines[0]


def test_lianxin_db_that_is_no_database_is_exit_2(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LIANXIN_DB": "ftp://files/county", "LIANXIN_FAST_HASH": "1"}
    p = clirun.run(
        [sys.executable, str(ROOT / "manage.py"), "init"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert p.returncode == 2 and "ftp://" in p.stderr and "Traceback" not in p.stderr


# ----------------------------------------------------------------------------- every query, each store


def _frames(tmp_path: Path) -> dict[str, list[pd.DataFrame]]:
    """The DataFrames the code brings into statements (``register``), as it registers them: recorded
    while the tiny world is built through the real imports, plus a small demo world's tables."""
    from demo.build import OUTLINE
    from demo.generate import generate, load_outline

    seen: dict[str, list[pd.DataFrame]] = {}
    real_connect = db.connect

    class Recording:
        """The connection, with its register() noting every frame (all else passes through)."""

        def __init__(self, con):
            self._con = con

        def __getattr__(self, name):
            return getattr(self._con, name)

        def register(self, name, frame):
            shapes = seen.setdefault(name, [])
            if not any(list(f.columns) == list(frame.columns) for f in shapes):
                shapes.append(frame.copy())
            return self._con.register(name, frame)

    def connect(*a, **kw):
        return Recording(real_connect(*a, **kw))

    mp = pytest.MonkeyPatch()
    mp.setattr(db, "connect", connect)
    try:
        spec = F.new_db(tmp_path, "recorded")
        F.build(spec, folder=tmp_path).close()
        # boundaries again: villages without parents (derived spatially), grids with two swapped
        # (households and petition points move)
        con = connect(spec)
        try:
            _reimport(con)
            from analytics import survey  # the month's sample and strata (survey_new_*)

            survey.draw(con, "2026-11", actor="test")
        finally:
            con.close()
    finally:
        mp.undo()
    world = generate(
        load_outline(OUTLINE),
        households=200,
        seed=1,
        today=dt.date(2026, 11, 22),
        townships=2,
        villages_per_township=2,
        grids_per_village=2,
    )
    from demo.generate import survey_answers

    sample = pd.DataFrame({"township_code": ["T"], "household_code": ["H"], "position": [1]})
    seen["demo_survey_responses"] = [
        survey_answers(sample, [1], dt.date(2026, 11, 1), dt.date(2026, 11, 22), np.random.default_rng(0))
    ]
    for name, frame in (
        ("demo_households", world.households),
        ("demo_staff", world.staff),
        ("demo_staff_grids", world.staff_grids),
        ("demo_pairings", world.pairings),
        ("demo_visits", world.visits),
        ("demo_petitions", world.petitions),
    ):
        seen[name] = [frame]
    # the city benchmark's grids (bench/city.py registers them; its statements are DuckDB's only)
    seen["bench_grids"] = [pd.DataFrame({"gi": [0], "code": ["G"], "lon": [107.0], "lat": [30.0], "n": [1]})]
    return seen


def _reimport(con) -> None:
    import geopandas as gpd
    import shapely

    from ingest.boundaries import import_boundaries

    for level, rows in (("village", F.AREAS["village"]), ("grid", F.AREAS["grid"])):
        boxes = [r[3] for r in rows]
        if level == "grid":
            boxes[0], boxes[1] = boxes[1], boxes[0]
        gdf = gpd.GeoDataFrame(
            {
                "code": [r[0] for r in rows],
                "name": [r[1] for r in rows],
                "parent_code": [None if level == "village" else r[2] for r in rows],
            },
            geometry=[shapely.box(*b) for b in boxes],
            crs="EPSG:4326",
        )
        import_boundaries(con, None, level, frame=gdf, source=f"{level}.geojson")


# DuckDB cannot prepare bitstring_agg with a parameter for its range (it needs the value when it
# binds), nor a CREATE MACRO (copy-to's temporary macros): these run with values instead.
RUN_WITH_VALUES = {
    "copy_bytea_macro": {},
    "copy_array_macro": {},
    "coverage": dict(
        level="grid",
        parent=None,
        scope=None,
        kinds=["home"],
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 11, 30),
        max_hid=20,
        from_last_home=False,
    ),
    "coverage_monthly": dict(
        level="grid",
        parent=None,
        scope=None,
        kinds=["home"],
        month_from=dt.date(2026, 1, 1),
        month_to=dt.date(2026, 11, 30),
        max_hid=20,
    ),
}


def _statements(text: str) -> list[str]:
    """The statements of a named query (a few hold two, e.g. DELETE then INSERT)."""
    # literals and comments read as the store reads them (store/db.SQL_TOKENS): a ; or ' inside them is none
    bare = db.SQL_TOKENS.sub(lambda m: "\x00" * len(m.group(0)) if m.group("skip") else m.group(0), text)
    out, start = [], 0
    for i, ch in enumerate(bare):
        if ch == ";":
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    uncommented = (db.SQL_TOKENS.sub(lambda m: "" if m.group(0).startswith("--") else m.group(0), x) for x in out)
    return [s for s in (x.strip() for x in uncommented) if s]


def _prepare(con, store: str, text: str) -> None:
    for stmt in _statements(text):
        if store == db.POSTGRES:
            names: list[str] = []

            def number(m: re.Match) -> str:
                if not m.group("name"):
                    return m.group(0)
                if m.group("name") not in names:
                    names.append(m.group("name"))
                return f"${names.index(m.group('name')) + 1}"

            stmt = db.SQL_TOKENS.sub(number, stmt)
        con.execute(f"PREPARE lianxin_check AS {stmt}")
        con.execute("DEALLOCATE lianxin_check")


def test_every_named_query_has_a_form_this_store_can_prepare(tmp_path):
    """Every statement of queries/*.sql (its ``__postgres`` variant where there is one) is parsed,
    bound to the schema and planned by the store in use — with the parameter types it infers from
    the statement, as it does when the app runs it. Statements of a file marked ``-- store: duckdb``
    are DuckDB's only and are left out on PostgreSQL; those of ``-- store: postgres`` on DuckDB."""
    frames = _frames(tmp_path)
    con = db.connect(F.new_db(tmp_path, "queries"))
    store = db.store_of(con)
    failures: list[str] = []
    checked = 0
    try:
        # registered frames keep a PostgreSQL handle on one server connection, where PREPARE lives
        for name, shapes in frames.items():
            con.register(name, shapes[0])
        for name in db.query_names():
            if name in db.only_for(db.DUCKDB if store == db.POSTGRES else db.POSTGRES):
                continue
            text, _ = db.sql(name, store)
            used = [n for n in frames if re.search(rf"\b{n}\b", text)]
            errors: list[str] = []
            # a name registered in several shapes (incoming_assign): one of them must fit
            for shape in range(max([len(frames[n]) for n in used] or [1])):
                for n in used:
                    if len(frames[n]) > 1:
                        con.unregister(n)
                        con.register(n, frames[n][min(shape, len(frames[n]) - 1)])
                try:
                    if store == db.DUCKDB and name in RUN_WITH_VALUES:
                        db.df(con, name, **RUN_WITH_VALUES[name])
                    else:
                        _prepare(con, store, text)
                    errors = []
                    break
                except Exception as e:  # noted; the assertion lists every query that failed
                    errors.append(f"{name}: {str(e).splitlines()[0]}")
            failures += errors[-1:]
            checked += 1
    finally:
        for name in frames:
            con.unregister(name)
        con.close()
    assert checked > 100
    assert failures == [], "\n".join(failures)
