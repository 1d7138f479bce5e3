"""``manage.py bench``: time the core operations on a scale's data set, three ways, and write BENCHMARKS.md.

Every operation runs once as a warm-up, then ``runs`` times; min and median are reported (the
machine is shared, so the median is noisy and the min is the better estimate of the cost).
The results of DuckDB (the app's code path: analytics.reports), pandas on cached frames
(bench.pandas_impl) and PostgreSQL/PostGIS (bench.postgis) are asserted identical.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from bench import data
from gis.maps import load_simplified

if TYPE_CHECKING:
    import duckdb

ROOT = Path(__file__).resolve().parent.parent


class Mismatch(AssertionError):
    """Two implementations gave different answers."""


# ----------------------------------------------------------------------------- helpers


def rss_mb() -> float:
    """Peak resident set size of this process so far.

    Returns
    -------
    float
        In MB (Linux reports ``ru_maxrss`` in KiB).
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Warm-up once, then ``runs`` timed calls.

    Returns
    -------
    times : list of float
        Seconds per timed call.
    result : Any
        What the last call returned.
    """
    out = fn()
    times = []
    for _ in range(max(runs, 1)):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def timed_in_turn(
    first: Callable[[], Any], second: Callable[[], Any], runs: int
) -> tuple[list[float], list[float], Any]:
    """Warm-up each once, then ``runs`` repetitions of one call of each, in turn.

    The two alternate which goes first (``first`` on even repetitions, ``second`` on odd), so a slow
    spell of a shared machine lands on both rather than on whichever was timed in its own block.

    Returns
    -------
    first_times, second_times : list of float
        Seconds per timed call of each.
    result : Any
        What the last call of ``second`` returned.
    """
    first()
    out = second()
    times: tuple[list[float], list[float]] = ([], [])
    for r in range(max(runs, 1)):
        for k in (0, 1) if r % 2 == 0 else (1, 0):
            t0 = time.perf_counter()
            got = (first, second)[k]()
            times[k].append(time.perf_counter() - t0)
            if k == 1:
                out = got
    return times[0], times[1], out


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reset_index(drop=True).copy()
    for c in out.columns:
        s = out[c]
        if c in ("last_visit",):
            out[c] = pd.to_datetime(s).astype("datetime64[us]")
        elif pd.api.types.is_bool_dtype(s):
            out[c] = s.astype(bool)
        elif pd.api.types.is_integer_dtype(s) and c != "days_since":
            out[c] = s.astype("int64")
        elif c == "days_since":
            out[c] = s.astype("Int64")
        elif pd.api.types.is_float_dtype(s) or c in ("coverage", "per_1000", "gi_z", "gi_p"):
            out[c] = s.astype(float)
        else:
            out[c] = s.astype(object)
    return out


def assert_same(name: str, a: pd.DataFrame, b: pd.DataFrame, who: str) -> None:
    """Identical rows in the same order; floats equal up to 1e-9 (they are rounded to 4 places).

    Raises
    ------
    Mismatch
        The columns, the number of rows or a value differ (the first difference, with ``who``).
    """
    x, y = _norm(a), _norm(b)
    if list(x.columns) != list(y.columns):
        raise Mismatch(f"{name}: columns differ ({who}): {list(x.columns)} vs {list(y.columns)}")
    if len(x) != len(y):
        raise Mismatch(f"{name}: {len(x)} rows vs {len(y)} rows ({who})")
    for c in x.columns:
        if pd.api.types.is_float_dtype(x[c]):
            ok = np.isclose(x[c].to_numpy(), y[c].to_numpy(), rtol=0, atol=1e-9, equal_nan=True)
        else:
            ok = (
                x[c].astype(object).where(x[c].notna(), None).to_numpy()
                == y[c].astype(object).where(y[c].notna(), None).to_numpy()
            )
        if not np.all(ok):
            i = int(np.flatnonzero(~np.asarray(ok))[0])
            raise Mismatch(
                f"{name}: column {c} differs ({who}) at row {i}: {x.iloc[i].to_dict()} vs {y.iloc[i].to_dict()}"
            )


@dataclass
class Row:
    """The timings of one operation by one implementation."""

    op: str
    impl: str
    times: list[float]
    note: str = ""

    @property
    def min_ms(self) -> float:
        """The fastest run, in ms."""
        return min(self.times) * 1000

    @property
    def median_ms(self) -> float:
        """The median run, in ms."""
        return statistics.median(self.times) * 1000


@dataclass
class Result:
    """Everything one benchmark run measured, for :func:`report`."""

    scale: str
    runs: int
    counts: dict[str, int] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    setup: dict[str, float] = field(default_factory=dict)
    pages: list[dict[str, Any]] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    app_rss_mb: float = 0.0  # peak RSS after the DuckDB operations, before anything else
    postgres: str = ""
    postgres_store: str = ""  # where the app's functions ran on PostgreSQL (--on-postgres)
    checks: list[str] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # 1-minute load average at the start and at the end
    in_turn: bool = False  # DuckDB and the PostgreSQL store timed in turn per repetition (timed_in_turn)


# ----------------------------------------------------------------------------- the operations


def _params(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    today = data.TODAY
    last_week = today - dt.timedelta(days=7)
    y, w, _ = last_week.isocalendar()
    grid = con.execute("""SELECT grid_code FROM households WHERE status = 'active' AND grid_code IS NOT NULL
                          GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""").fetchone()[0]
    return dict(date_from=today - dt.timedelta(days=364), date_to=today, week=f"{y}-W{w:02d}", grid=grid, as_of=today)


def _import_file(con: duckdb.DuckDBPyConnection, n: int, run: int, tmp: Path) -> tuple[Path, pd.DataFrame]:
    """A household file of ``n`` new households (GCJ-02 coordinates near existing households).

    Returns
    -------
    path : pathlib.Path
        The CSV file in ``tmp``.
    frame : pandas.DataFrame
        Its rows (code, head_name, lon, lat).
    """
    from gis.datum import wgs84_to_gcj02

    rng = np.random.default_rng(1000 + run)
    pts = con.execute("SELECT lon, lat FROM households WHERE lon IS NOT NULL ORDER BY code").df()
    i = rng.integers(0, len(pts), n)
    lon = pts["lon"].to_numpy()[i] + rng.normal(0, 0.0003, n)
    lat = pts["lat"].to_numpy()[i] + rng.normal(0, 0.0003, n)
    glon, glat = wgs84_to_gcj02(lon, lat)
    frame = pd.DataFrame(
        {
            "code": [f"BI{run:02d}{k:07d}" for k in range(n)],
            "head_name": [f"测试户{k}" for k in range(n)],
            "lon": np.round(glon, 6),
            "lat": np.round(glat, 6),
        }
    )
    path = tmp / f"import-{run}.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _app_calls(prm: dict[str, Any], d0: dt.date, d1: dt.date) -> list[tuple[str, Callable[[Any], pd.DataFrame]]]:
    """The app's functions the benchmark times, as calls on a connection (either store).

    Returns
    -------
    list of (str, callable)
        The operation's name, and the call taking a connection.
    """
    from analytics import reports

    return [
        ("coverage, grid level, one year", lambda c: reports.coverage(c, "grid", d0, d1)),
        ("coverage, township level, one year", lambda c: reports.coverage(c, "township", d0, d1)),
        (f"weekly quota, all staff ({prm['week']})", lambda c: reports.quotas(c, prm["week"])),
        ("unvisited households, one grid", lambda c: reports.unvisited(c, prm["grid"], prm["as_of"])),
        ("hotspots (counts + Gi*), village level", lambda c: reports.hotspots(c, "village", d0, d1)),
        ("hotspots (counts + Gi*), grid level", lambda c: reports.hotspots(c, "grid", d0, d1)),
    ] + _other_coverage(d1)


def _whole_period(kind: str, last: dt.date) -> tuple[dt.date, dt.date]:
    """The latest whole calendar week (ISO, Monday–Sunday), month or quarter ending on or before ``last``.

    The sidebar's presets, as analytics.calendar.period_range defines them; a range in the past is one the
    user picks as a custom period (every preset ends today).

    Returns
    -------
    tuple of (datetime.date, datetime.date)
        First and last day, both included.

    Examples
    --------
    >>> _whole_period("week", dt.date(2026, 10, 27)), _whole_period("quarter", dt.date(2026, 10, 27))[0]
    ((datetime.date(2026, 10, 19), datetime.date(2026, 10, 25)), datetime.date(2026, 7, 1))
    """
    from analytics.calendar import period_range

    start, end = period_range(kind, last)
    if end > last:  # the period holding ``last`` is not over by then: the one before it
        start, end = period_range(kind, start - dt.timedelta(days=1))
    return start, end


def _other_coverage(d1: dt.date) -> list[tuple[str, Callable[[Any], pd.DataFrame]]]:
    """Coverage of other kinds of visit and of ranges ending in the past (the app's stores only).

    The ranges and kinds the PostgreSQL store answers without its household tallies
    (store/migrations/0013, 0018, 0020, 0030–0032); the pandas and PostGIS columns are not timed for them.
    Past ranges are whole calendar weeks, months and quarters (the shapes of the sidebar's periods,
    picked as a custom period): home visits alone ending 30 days or more before ``d1`` — a week and a
    month, which the PostgreSQL store counts from the gaps ending in them (0031), a quarter and a year,
    from the gaps containing them (0030) — phone calls alone over a month (0032) and home + phone over a
    quarter (every household's days, 0018), ending 60 days or more before.

    Returns
    -------
    list of (str, callable)
        The operation's name, and the call taking a connection.
    """
    from analytics import reports

    ago30, ago60 = d1 - dt.timedelta(days=30), d1 - dt.timedelta(days=60)
    month, past = d1 - dt.timedelta(days=29), (d1 - dt.timedelta(days=424), ago60)
    week30, month30, quarter30 = (_whole_period(k, ago30) for k in ("week", "month", "quarter"))
    month60, quarter60 = (_whole_period(k, ago60) for k in ("month", "quarter"))

    def span(r: tuple[dt.date, dt.date]) -> str:
        return f"{r[0].isoformat()} – {r[1].isoformat()}"

    return [
        (
            "coverage, grid level, home + phone, last 30 days",
            lambda c: reports.coverage(c, "grid", month, d1, ("home", "phone")),
        ),
        (
            "coverage, grid level, home + phone, one year",
            lambda c: reports.coverage(c, "grid", d1 - dt.timedelta(days=364), d1, ("home", "phone")),
        ),
        (
            "coverage, village level, phone only, one year",
            lambda c: reports.coverage(c, "village", d1 - dt.timedelta(days=364), d1, ("phone",)),
        ),
        ("coverage, grid level, a year ending 60 days ago", lambda c: reports.coverage(c, "grid", *past)),
        (f"coverage, grid level, home, a past week ({span(week30)})", lambda c: reports.coverage(c, "grid", *week30)),
        (
            f"coverage, grid level, home, a past month ({span(month30)})",
            lambda c: reports.coverage(c, "grid", *month30),
        ),
        (
            f"coverage, grid level, home, a past quarter ({span(quarter30)})",
            lambda c: reports.coverage(c, "grid", *quarter30),
        ),
        (
            f"coverage, village level, phone only, a past month ({span(month60)})",
            lambda c: reports.coverage(c, "village", *month60, ("phone",)),
        ),
        (
            f"coverage, grid level, home + phone, a past quarter ({span(quarter60)})",
            lambda c: reports.coverage(c, "grid", *quarter60, ("home", "phone")),
        ),
    ]


def page_work(
    con: Any, geoms: dict[str, Any], area_code: str, area_level: str, d0: dt.date, d1: dt.date
) -> tuple[int, int]:
    """What the coverage page computes for one selected area (function level, no Streamlit).

    Rows + headline + 12-month trend + due list + the folium map and its HTML.

    Returns
    -------
    polygons : int
        Areas on the map.
    bytes : int
        The map's HTML payload.
    """
    from analytics import coverage as CP
    from gis import maps
    from store import db

    level, rows = CP.area_rows(con, area_code, area_level, d0, d1)
    CP.headline(con, area_code, area_level, d0, d1, rows=rows)
    CP.monthly_trend(con, level, area_code, d1)
    due = CP.due_households(con, area_code, d1)
    if level not in geoms:
        geoms[level] = load_simplified(con, level)
    frame = CP.map_frame(geoms[level], rows)
    labels = {
        k: k
        for k in (
            "name",
            "households",
            "visited",
            "coverage",
            "household_code",
            "head_name",
            "last_visit",
            "days_since",
            "tags",
        )
    }
    m = maps.coverage_map(frame, maps.coverage_classes(db.rule(con, "benchmark_coverage")), labels, due=due)
    return len(frame), maps.payload_size(m)


def bench(
    scale: str,
    runs: int = 5,
    output: str | Path | None = None,
    postgres: bool = True,
    log: Callable[[str], None] = print,
    path: Path | None = None,
    on_postgres: str | None = None,
    stores_only: bool = False,
) -> Result:
    """Build (or reuse) the data set of ``scale``, time everything, assert the implementations agree.

    Parameters
    ----------
    scale : str
        ``small``, ``county`` or ``city`` (bench/data.py).
    runs : int
        Timed runs per operation, after one warm-up.
    output : str or pathlib.Path, optional
        A Markdown file (BENCHMARKS.md) whose section ``bench:SCALE`` gets the report.
    postgres : bool
        Also time the hand-written PostGIS baseline (bench/postgis.py) in a throwaway cluster.
    log : callable
        Progress lines.
    path : pathlib.Path, optional
        The data set's DuckDB file (default ``data/bench-SCALE.duckdb``).
    on_postgres : str, optional
        A ``postgresql://`` URL, or ``throwaway``: also time the app's own functions on the
        PostgreSQL store and the same DuckDB SQL run by DuckDB over PostgreSQL (bench/app_stores.py).
    stores_only : bool
        With ``on_postgres``: time the app's functions on the two stores and nothing else — the city
        scale, where the baselines take most of an hour — and write the section
        ``bench:SCALE-stores`` instead of ``bench:SCALE``.

    Returns
    -------
    Result
        Every timing, count and check of the run.
    """
    from analytics import reports
    from bench import pandas_impl as P
    from ingest.tables import load as ingest_load
    from store import db

    res = Result(scale=scale, runs=runs, load=[os.getloadavg()[0]])
    t0 = time.perf_counter()
    path = data.build(scale, path, log=log)
    res.setup["data set (generate+store, or reuse)"] = time.perf_counter() - t0
    con = db.connect(path)
    con.execute("DELETE FROM households WHERE code LIKE 'BI%'")  # an interrupted earlier run
    for t in ("areas", "households", "visits", "petitions", "staff"):
        res.counts[t] = con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
    res.counts["grids"] = con.execute("SELECT count(*) FROM areas WHERE level = 'grid'").fetchone()[0]
    res.counts["villages"] = con.execute("SELECT count(*) FROM areas WHERE level = 'village'").fetchone()[0]
    log(f"{scale}: {res.counts}")
    prm = _params(con)
    d0, d1 = prm["date_from"], prm["date_to"]
    target = int(db.rule(con, "visit_target_days"))
    days = int(db.rule(con, "revisit_days"))

    ops: list[
        tuple[str, Callable[[], pd.DataFrame], Callable[[], pd.DataFrame] | None, Callable[[Any], pd.DataFrame] | None]
    ] = [
        (
            "coverage, grid level, one year",
            lambda: reports.coverage(con, "grid", d0, d1),
            lambda: P.coverage(F, "grid", d0, d1),
            lambda pg: PG.coverage(pg, "grid", d0, d1),
        ),
        (
            "coverage, township level, one year",
            lambda: reports.coverage(con, "township", d0, d1),
            lambda: P.coverage(F, "township", d0, d1),
            lambda pg: PG.coverage(pg, "township", d0, d1),
        ),
        (
            f"weekly quota, all staff ({prm['week']})",
            lambda: reports.quotas(con, prm["week"]),
            lambda: P.quotas(F, prm["week"]),
            lambda pg: PG.quotas(pg, prm["week"], target),
        ),
        (
            "unvisited households, one grid",
            lambda: reports.unvisited(con, prm["grid"], prm["as_of"]),
            lambda: P.unvisited(F, prm["grid"], prm["as_of"]),
            lambda pg: PG.unvisited(pg, prm["grid"], prm["as_of"], days),
        ),
        (
            "hotspots (counts + Gi*), village level",
            lambda: reports.hotspots(con, "village", d0, d1),
            lambda: P.hotspots(F, "village", d0, d1),
            lambda pg: PG.hotspots(pg, "village", d0, d1),
        ),
        (
            "hotspots (counts + Gi*), grid level",
            lambda: reports.hotspots(con, "grid", d0, d1),
            lambda: P.hotspots(F, "grid", d0, d1),
            lambda pg: PG.hotspots(pg, "grid", d0, d1),
        ),
    ]
    # the app's stores only (no pandas or PostGIS counterpart): other kinds, past ranges
    ops += [(name, (lambda fn=fn: fn(con)), None, None) for name, fn in _other_coverage(d1)]
    results: dict[str, pd.DataFrame] = {}
    for name, duck_fn, _, _ in ops:  # the app's path first, so its memory is measured alone
        tm, out = timed(duck_fn, runs)
        res.rows.append(Row(name, "DuckDB", tm, f"{len(out):,} rows"))
        results[name] = out
        log(f"  {name}: DuckDB {min(tm) * 1000:.1f} ms")
    res.app_rss_mb = rss_mb()

    # --- the app's functions on the PostgreSQL store, and DuckDB over PostgreSQL
    app = [(name, fn) for name, fn in _app_calls(prm, d0, d1)]
    pg_store = pg_cluster = None
    if on_postgres:
        from bench import app_stores

        pg_store, pg_cluster, load_s = app_stores.open_store(on_postgres, con, scale, log)
        res.postgres_store = pg_store.url.split("@")[-1]
        if load_s:
            res.setup["PostgreSQL store: copy the data set in (store/transfer.py)"] = load_s
        # each operation on the two stores in turn, one call of each per repetition: DuckDB's figure
        # is taken again here, beside PostgreSQL's (its block above gave the results and the memory)
        duck = {name: fn for name, fn, _, _ in ops}
        res.in_turn = True
        for name, fn in app:
            tm_duck, tm, out = timed_in_turn(duck[name], lambda: fn(pg_store), runs)
            next(r for r in res.rows if r.op == name and r.impl == "DuckDB").times = tm_duck
            res.rows.append(Row(name, "PostgreSQL store", tm))
            assert_same(name, results[name], out, "DuckDB vs the PostgreSQL store")
            res.checks.append(f"{name}: DuckDB = the PostgreSQL store")
            log(f"  {name}: PostgreSQL store {min(tm) * 1000:.1f} ms (DuckDB in turn {min(tm_duck) * 1000:.1f} ms)")
        over, why = None, "--stores-only"
        if not stores_only:
            try:
                over = app_stores.duckdb_over_postgres(pg_store.url)
            except RuntimeError as e:
                why = str(e)
        if over is None:
            res.checks.append(f"DuckDB over PostgreSQL not timed: {why}")
        else:
            for name, fn in app:
                tm, out = timed(lambda: fn(over), runs)
                res.rows.append(Row(name, "DuckDB over PostgreSQL", tm))
                assert_same(name, results[name], out, "DuckDB vs DuckDB over PostgreSQL")
                res.checks.append(f"{name}: DuckDB = DuckDB over PostgreSQL")
                log(f"  {name}: DuckDB over PostgreSQL {min(tm) * 1000:.1f} ms")
            over.close()

    if stores_only:
        return _finish_stores_only(res, con, pg_store, pg_cluster, output)

    t = time.perf_counter()
    F = P.load(con)
    res.setup["pandas: load frames into memory (the cache fill)"] = time.perf_counter() - t
    log(f"pandas frames loaded ({res.setup['pandas: load frames into memory (the cache fill)']:.1f} s)")
    for name, _, pd_fn, _ in ops:
        if pd_fn is None:
            continue
        tm, out2 = timed(pd_fn, runs)
        res.rows.append(Row(name, "pandas", tm))
        assert_same(name, results[name], out2, "DuckDB vs pandas")
        res.checks.append(f"{name}: DuckDB = pandas ({len(out2):,} rows)")
        log(f"  {name}: pandas {min(tm) * 1000:.1f} ms")

    # --- PostGIS
    PG = None
    cluster = None
    pg = None
    if postgres:
        from bench import postgis as PG

        why = PG.available()
        if why:
            res.postgres = f"skipped: {why}"
        else:
            t = time.perf_counter()
            cluster = PG.Cluster()
            res.setup["PostgreSQL: initdb + start"] = cluster.startup_s
            pg = cluster.connect()
            pg.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            res.postgres = (
                pg.execute("SELECT version()").fetchone()[0].split(" on ")[0]
                + ", PostGIS "
                + pg.execute("SELECT postgis_lib_version()").fetchone()[0]
            )
            with tempfile.TemporaryDirectory(prefix="lianxin-bench-") as tmp:
                os.chmod(tmp, 0o755)
                steps = PG.load(pg, con, Path(tmp))
            res.setup["PostgreSQL: COPY the tables"] = steps["copy"]
            res.setup["PostgreSQL: indexes + VACUUM ANALYZE"] = steps["index"]
            log(f"PostgreSQL loaded ({time.perf_counter() - t:.0f} s)")
    else:
        res.postgres = "skipped (--no-postgres)"
    try:
        if pg is not None:
            for name, _, _, pg_fn in ops:
                if pg_fn is None:
                    continue
                tm, out = timed(lambda: pg_fn(pg), runs)
                res.rows.append(Row(name, "PostGIS", tm))
                assert_same(name, results[name], out, "DuckDB vs PostGIS")
                res.checks.append(f"{name}: DuckDB = PostGIS")
                log(f"  {name}: PostGIS {min(tm) * 1000:.1f} ms")

        # --- household import with datum conversion and grid assignment (new codes each run)
        from gis import areas as A
        from gis.datum import to_wgs84

        n_imp = data.SCALES[scale].import_rows
        with tempfile.TemporaryDirectory(prefix="lianxin-bench-") as tmp:
            files = [_import_file(con, n_imp, r, Path(tmp)) for r in range(runs + 1)]
            grids_gdf = A.load_level(con, "grid")
            name = f"household import ({n_imp:,} rows, GCJ-02, grid assignment)"
            for impl in ("DuckDB", "pandas", "PostGIS"):
                if impl == "PostGIS" and pg is None:
                    continue
                times = []
                assigned = None
                for r, (fpath, frame) in enumerate(files):
                    t = time.perf_counter()
                    if impl == "DuckDB":
                        ir = ingest_load(con, "households", fpath, coords="gcj02")
                        assert ir.written, ir.summary()
                        got = con.execute(
                            "SELECT code, grid_code FROM households WHERE code LIKE $p ORDER BY code",
                            {"p": f"BI{r:02d}%"},
                        ).df()
                    elif impl == "pandas":
                        f = pd.read_csv(fpath, dtype={"code": str, "head_name": str})
                        lon, lat = to_wgs84(f["lon"].to_numpy(), f["lat"].to_numpy(), "gcj02")
                        f["grid_code"] = A.locate_points(lon, lat, grids_gdf)
                        f["active"] = True
                        for lvl in P.LEVELS:
                            f[lvl] = f["grid_code"].map(F.anc.get(lvl, {}))
                        F2 = pd.concat([F.households, f[F.households.columns]], ignore_index=True)
                        got = f[["code", "grid_code"]].sort_values("code").reset_index(drop=True)
                        del F2
                    else:
                        f = pd.read_csv(fpath, dtype={"code": str, "head_name": str})
                        lon, lat = to_wgs84(f["lon"].to_numpy(), f["lat"].to_numpy(), "gcj02")
                        f["lon"], f["lat"] = lon, lat
                        got = PG.import_households(pg, f)
                    dt_ = time.perf_counter() - t
                    if r > 0:
                        times.append(dt_)
                    if r == 0:
                        assigned = got
                    if impl == "DuckDB":
                        results[f"import{r}"] = got
                    else:
                        assert_same("import", results[f"import{r}"], got, f"DuckDB vs {impl}")
                res.rows.append(
                    Row(name, impl, times, f"{assigned['grid_code'].notna().sum():,} of {n_imp:,} assigned")
                )
                log(f"  import: {impl} {min(times) * 1000:.0f} ms")
            res.checks.append(
                "household import: DuckDB = pandas"
                + (" = PostGIS" if pg is not None else "")
                + " (grid of every imported household)"
            )
        con.execute("DELETE FROM households WHERE code LIKE 'BI%'")
        if pg is not None:
            pg.execute("DELETE FROM households WHERE code LIKE 'BI%'")
    finally:
        if pg is not None:
            pg.close()
        if cluster is not None:
            cluster.close()

    # --- the coverage page, function level, at each level of detail

    county = con.execute("SELECT code FROM areas WHERE level = 'county' ORDER BY code LIMIT 1").fetchone()[0]
    town = con.execute(
        """SELECT anc.ancestor_code FROM area_ancestors anc WHERE anc.code = $g
                          AND anc.ancestor_level = 'township'""",
        {"g": prm["grid"]},
    ).fetchone()[0]
    village = con.execute(
        """SELECT anc.ancestor_code FROM area_ancestors anc WHERE anc.code = $g
                          AND anc.ancestor_level = 'village'""",
        {"g": prm["grid"]},
    ).fetchone()[0]
    geoms: dict[str, Any] = {}
    for lvl in ("township", "village", "grid"):
        t = time.perf_counter()
        geoms[lvl] = load_simplified(con, lvl)
        res.setup[f"map geometry, {lvl} level: load + simplify (cached per database)"] = time.perf_counter() - t
    views = [
        ("county → townships", county, "county"),
        ("township → villages", town, "township"),
        ("village → grids", village, "village"),
        ("one grid", prm["grid"], "grid"),
        ("all grids of the county (grid level)", None, "village"),
    ]
    for label, code, level in views:
        tm, (npoly, size) = timed(lambda: page_work(con, geoms, code, level, d0, d1), runs)
        page = dict(
            view=label, polygons=npoly, bytes=size, min_ms=min(tm) * 1000, median_ms=statistics.median(tm) * 1000
        )
        if pg_store is not None:
            tm_pg, _ = timed(lambda: page_work(pg_store, geoms, code, level, d0, d1), runs)
            page.update(pg_min_ms=min(tm_pg) * 1000, pg_median_ms=statistics.median(tm_pg) * 1000)
        res.pages.append(page)
        log(
            f"  page {label}: {min(tm) * 1000:.0f} ms, {npoly} polygons, {size / 1e6:.2f} MB"
            + (f"; PostgreSQL store {page['pg_min_ms']:.0f} ms" if pg_store is not None else "")
        )
    con.close()
    if pg_store is not None:
        pg_store.close()
    if pg_cluster is not None:
        pg_cluster.close()
    res.peak_rss_mb = rss_mb()
    if output:
        write_section(Path(output), res.scale, report(res))
        log(f"written {output}")
    return res


def _finish_stores_only(res: Result, con: Any, pg_store: Any, pg_cluster: Any, output: str | Path | None) -> Result:
    """Close both stores (and the throwaway cluster) and write the two stores' section.

    Returns
    -------
    Result
        ``res``, its peak memory filled in.
    """
    res.postgres = "not timed (--stores-only)"
    con.close()
    pg_store.close()
    if pg_cluster is not None:
        pg_cluster.close()
    res.peak_rss_mb = rss_mb()
    if output:
        write_section(Path(output), f"{res.scale}-stores", report(res))
    return res


# ----------------------------------------------------------------------------- the report


def machine() -> str:
    """The platform, CPU, memory and library versions, for the report.

    Returns
    -------
    str
        One line.
    """

    def sh(cmd: str) -> str:
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:
            return ""

    cpu = sh("lscpu | grep -E 'Model name|^CPU\\(s\\)' | sed 's/  */ /g'").replace("\n", "; ")
    mem = sh("free -g | awk '/Mem:/ {print $2 \" GB RAM\"}'")
    import duckdb

    return (
        f"{platform.platform()}; {cpu}; {mem}; Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"pandas {pd.__version__}, numpy {np.__version__}"
    )


def report(res: Result) -> str:
    """The Markdown section of one run: the machine and its load, the data, the timings, the checks.

    Returns
    -------
    str
        The section's text, without its markers.
    """
    load = " → ".join(f"{x:.1f}" for x in res.load + [os.getloadavg()[0]])
    lines = [
        f"### Scale: {res.scale}",
        "",
        f"Measured {dt.datetime.now().isoformat(timespec='minutes')} on {machine()}; "
        f"load average (1 min) {load} from the start to the end of the run.",
        f"Each figure: one warm-up, then {res.runs} runs; min / median in ms. The machine was shared "
        "with other jobs, so the medians are noisy; read the min.",
        "",
        "Data: " + ", ".join(f"{k} {v:,}" for k, v in res.counts.items()) + ".",
        f"PostgreSQL: {res.postgres}.",
        "",
    ]
    stores = any(r.impl == "PostgreSQL store" for r in res.rows)
    if stores:
        over = any(r.impl == "DuckDB over PostgreSQL" for r in res.rows)
        lines += [
            f"The app's functions also ran on the PostgreSQL store ({res.postgres_store})"
            + (
                ", and the same DuckDB SQL through DuckDB's postgres extension (DuckDB over PostgreSQL); "
                "the PostGIS column is the hand-written baseline of bench/postgis.py."
                if over
                else " (--stores-only: no other column was timed)."
            ),
            "",
        ]
        if res.in_turn:
            lines += [
                "DuckDB (app) and PostgreSQL store (app) were timed in turn: one call of each per run, "
                "alternating which goes first, so a slow spell of the machine lands on both stores.",
                "",
            ]
        lines += [
            "| operation | DuckDB (app) | PostgreSQL store (app) | ×DuckDB | DuckDB over PostgreSQL "
            "| pandas, cached frames | PostGIS | rows |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
    else:
        lines += ["| operation | DuckDB (app) | pandas, cached frames | PostGIS | rows |", "|---|---:|---:|---:|---|"]
    ops = list(dict.fromkeys(r.op for r in res.rows))
    for op in ops:
        cells = {}
        mins = {}
        note = ""
        for r in res.rows:
            if r.op == op:
                cells[r.impl] = f"{r.min_ms:,.1f} / {r.median_ms:,.1f}"
                mins[r.impl] = r.min_ms
                note = note or r.note
        if stores:
            ratio = (
                f"{mins['PostgreSQL store'] / mins['DuckDB']:.1f}"
                if "PostgreSQL store" in mins and mins.get("DuckDB")
                else "—"
            )
            lines.append(
                f"| {op} | {cells.get('DuckDB', '—')} | {cells.get('PostgreSQL store', '—')} | {ratio} | "
                f"{cells.get('DuckDB over PostgreSQL', '—')} | {cells.get('pandas', '—')} | "
                f"{cells.get('PostGIS', '—')} | {note} |"
            )
        else:
            lines.append(
                f"| {op} | {cells.get('DuckDB', '—')} | {cells.get('pandas', '—')} | "
                f"{cells.get('PostGIS', '—')} | {note} |"
            )
    if res.pages:
        lines += [
            "",
            "Coverage page (function level: rows, headline, 12-month trend, due list, folium map and its "
            "HTML; geometry already cached):",
            "",
        ]
    pg_pages = any("pg_min_ms" in p for p in res.pages)
    if pg_pages:
        lines += [
            "| view | min ms | median ms | PostgreSQL store min / median ms | polygons | map payload |",
            "|---|---:|---:|---:|---:|---:|",
        ]
    elif res.pages:
        lines += ["| view | min ms | median ms | polygons | map payload |", "|---|---:|---:|---:|---:|"]
    for p in res.pages:
        pg_cell = (
            (f" {p['pg_min_ms']:,.0f} / {p['pg_median_ms']:,.0f} |" if "pg_min_ms" in p else " — |") if pg_pages else ""
        )
        lines.append(
            f"| {p['view']} | {p['min_ms']:,.0f} | {p['median_ms']:,.0f} |{pg_cell} {p['polygons']:,} | "
            f"{p['bytes'] / 1e6:.2f} MB |"
        )
    lines += ["", "One-off costs (s):", ""]
    lines += [f"- {k}: {v:.2f}" for k, v in res.setup.items()]
    lines += (
        [
            "",
            f"Peak RSS of the benchmark process after the DuckDB operations (the app's path, measured "
            f"before anything else is loaded): {res.app_rss_mb:,.0f} MB; at the end: {res.peak_rss_mb:,.0f} MB "
            "(adds the pandas frames, the coverage page's geometry and maps, and the generator when the data "
            "set was built in this run; the PostgreSQL server's memory is not included).",
            "",
            "Checks (identical results):",
            "",
        ]
        + [f"- {c}" for c in res.checks]
        + [""]
    )
    return "\n".join(lines)


def write_section(path: Path, scale: str, text: str) -> None:
    """Put ``text`` between the scale's markers in ``path`` (replacing an earlier run), else append it."""
    start, end = f"<!-- bench:{scale} -->", f"<!-- /bench:{scale} -->"
    block = f"{start}\n{text}\n{end}"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    if start in old and end in old:
        new = old[: old.index(start)] + block + old[old.index(end) + len(end) :]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")
