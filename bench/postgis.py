"""A hand-written PostGIS schema holding the same tables, for the comparison (the baseline of 2026-11).

The cluster is a throwaway one (store/cluster.py): a temporary directory, trust authentication,
stopped and removed by ``close()``. (The app's own PostgreSQL store is store/postgres.py; the
benchmark times it with ``manage.py bench --store postgres``.)

The tables get the indexes a PostGIS user would create: primary keys, btree indexes on the
join and filter columns, GIST indexes on the area polygons and the household points, then ANALYZE.
The queries are those of queries/reports.sql in PostgreSQL's dialect, with the same semantics.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from analytics.reports import COVERAGE_COLUMNS, QUOTA_COLUMNS, UNVISITED_COLUMNS, parse_week

from store.cluster import PACKAGE, PG_BIN, Unavailable, available  # noqa: F401  (bench.run uses them)
from store.cluster import Cluster as _Cluster

if TYPE_CHECKING:
    import duckdb
    import psycopg

# the benchmark's cluster holds a county or a city: more memory than the tests' throwaway one
BENCH_SETTINGS = {"shared_buffers": "1GB", "work_mem": "64MB", "maintenance_work_mem": "512MB"}


def Cluster() -> _Cluster:
    """A throwaway cluster (store/cluster.py) sized for the benchmark's data sets.

    Returns
    -------
    store.cluster.Cluster
        Started; ``close()`` stops and removes it.
    """
    return _Cluster(settings=BENCH_SETTINGS)


# ----------------------------------------------------------------------------- loading

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE areas (code text PRIMARY KEY, name text NOT NULL, level text NOT NULL, parent_code text,
                    geom geometry(Geometry, 4326));
CREATE TABLE area_ancestors (code text NOT NULL, ancestor_code text NOT NULL, ancestor_level text NOT NULL,
                             PRIMARY KEY (code, ancestor_code));
CREATE TABLE area_neighbors (code text NOT NULL, neighbor text NOT NULL, PRIMARY KEY (code, neighbor));
CREATE TABLE households (code text PRIMARY KEY, head_name text NOT NULL, grid_code text, status text NOT NULL,
                         lon double precision, lat double precision, geom geometry(Point, 4326));
CREATE TABLE staff (id text PRIMARY KEY, name text NOT NULL, active boolean NOT NULL);
CREATE TABLE staff_grids (staff_id text NOT NULL, grid_code text NOT NULL, valid_from date, valid_to date);
CREATE TABLE visits (id bigint PRIMARY KEY, household_code text NOT NULL, staff_id text NOT NULL,
                     visited_on date NOT NULL, kind text NOT NULL);
CREATE TABLE petitions (id text PRIMARY KEY, received_on date NOT NULL, household_code text,
                        point_grid_code text, point_village_code text, village_code text,
                        category text, channel text, people integer, status text);
"""

INDEXES = """
CREATE INDEX ON areas (level, code);
CREATE INDEX ON areas USING gist (geom);
CREATE INDEX ON area_ancestors (ancestor_level, code);
CREATE INDEX ON area_ancestors (ancestor_code);
CREATE INDEX ON households (grid_code);
CREATE INDEX ON households USING gist (geom);
CREATE INDEX ON staff_grids (staff_id);
CREATE INDEX ON visits (household_code, visited_on, kind);
CREATE INDEX ON visits (visited_on, kind);
CREATE INDEX ON visits (staff_id, visited_on);
CREATE INDEX ON petitions (received_on);
CREATE INDEX ON petitions (household_code);
ANALYZE;
"""

EXPORTS = {
    "areas": "SELECT code, name, level, parent_code, hex(geom) AS geom FROM areas",
    "area_ancestors": "SELECT code, ancestor_code, ancestor_level FROM area_ancestors",
    "area_neighbors": "SELECT code, neighbor FROM area_neighbors",
    "households": "SELECT code, head_name, grid_code, status, lon, lat FROM households",
    "staff": "SELECT id, name, active FROM staff",
    "staff_grids": "SELECT staff_id, grid_code, valid_from, valid_to FROM staff_grids",
    "visits": "SELECT id, household_code, staff_id, visited_on, kind FROM visits",
    "petitions": "SELECT id, received_on, household_code, point_grid_code, point_village_code, village_code, "
    "category, channel, people, status FROM petitions",
}


def load(pg: psycopg.Connection, duck: duckdb.DuckDBPyConnection, tmpdir: Path) -> dict[str, float]:
    """Copy the DuckDB tables into PostgreSQL with COPY, then build geometry and indexes.

    Parameters
    ----------
    pg : psycopg.Connection
        An empty database of the throwaway cluster.
    duck : duckdb.DuckDBPyConnection
        The benchmark's data set.
    tmpdir : pathlib.Path
        Where the CSV files go on their way.

    Returns
    -------
    dict
        Seconds per step: ``copy`` (the tables) and ``index`` (geometry, indexes, ANALYZE).
    """
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    pg.execute(SCHEMA)
    for table, query in EXPORTS.items():
        f = tmpdir / f"{table}.csv"
        duck.execute(f"COPY ({query}) TO '{f}' (FORMAT csv, HEADER false)")
        cols = query.split("SELECT ", 1)[1].split(" FROM ")[0]
        cols = ", ".join(c.split(" AS ")[-1].strip() for c in cols.split(","))
        target = f"{table} ({cols})"
        if table == "areas":
            pg.execute("CREATE TEMP TABLE areas_in (code text, name text, level text, parent_code text, geom text)")
            target = "areas_in (code, name, level, parent_code, geom)"
        with pg.cursor() as cur, cur.copy(f"COPY {target} FROM STDIN (FORMAT csv)") as cp, open(f, "rb") as fh:
            while block := fh.read(1 << 20):
                cp.write(block)
        f.unlink()
    pg.execute(
        "INSERT INTO areas SELECT code, name, level, parent_code, "
        "ST_GeomFromWKB(decode(geom, 'hex'), 4326) FROM areas_in"
    )
    pg.execute("UPDATE households SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326) WHERE lon IS NOT NULL")
    times["copy"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    pg.execute(INDEXES)
    pg.execute("VACUUM ANALYZE")
    times["index"] = time.perf_counter() - t1
    return times


# ----------------------------------------------------------------------------- the queries

COVERAGE = """
WITH lvl AS (SELECT code, name FROM areas WHERE level = %(level)s),
hh AS (
    SELECT h.code AS household_code, anc.ancestor_code AS area_code
    FROM households h JOIN area_ancestors anc ON anc.code = h.grid_code AND anc.ancestor_level = %(level)s
    WHERE h.status = 'active'),
vis AS (
    SELECT DISTINCT household_code FROM visits
    WHERE visited_on BETWEEN %(date_from)s AND %(date_to)s AND kind = ANY(%(kinds)s))
SELECT l.code, l.name, count(hh.household_code) AS households, count(vis.household_code) AS visited,
       CASE WHEN count(hh.household_code) = 0 THEN NULL
            ELSE round(count(vis.household_code)::numeric / count(hh.household_code), 4)::float8 END AS coverage
FROM lvl l LEFT JOIN hh ON hh.area_code = l.code LEFT JOIN vis ON vis.household_code = hh.household_code
GROUP BY l.code, l.name ORDER BY l.code
"""

QUOTAS = """
WITH resp AS (
    SELECT sg.staff_id, string_agg(DISTINCT sg.grid_code, '、' ORDER BY sg.grid_code) AS grids
    FROM staff_grids sg JOIN staff s ON s.id = sg.staff_id AND s.active
    WHERE (sg.valid_from IS NULL OR sg.valid_from <= %(week_end)s)
      AND (sg.valid_to IS NULL OR sg.valid_to >= %(week_start)s)
    GROUP BY sg.staff_id),
v AS (
    SELECT v.staff_id, count(*) AS visits, count(DISTINCT v.visited_on) AS visit_days,
           count(DISTINCT v.household_code) AS households_visited
    FROM visits v JOIN households h ON h.code = v.household_code AND h.status = 'active'
    WHERE v.kind = 'home' AND v.visited_on BETWEEN %(week_start)s AND %(week_end)s
    GROUP BY v.staff_id)
SELECT r.staff_id, s.name, r.grids AS grid_code, coalesce(v.visits, 0) AS visits,
       coalesce(v.visit_days, 0) AS visit_days, coalesce(v.households_visited, 0) AS households_visited,
       %(target)s::int AS target_days, coalesce(v.visit_days, 0) >= %(target)s::int AS met
FROM resp r JOIN staff s ON s.id = r.staff_id LEFT JOIN v ON v.staff_id = r.staff_id
ORDER BY r.staff_id COLLATE "C"
"""

UNVISITED = """
WITH hh AS (
    SELECT h.code, h.head_name, h.grid_code FROM households h
    JOIN area_ancestors a ON a.code = h.grid_code AND a.ancestor_code = %(area)s
    WHERE h.status = 'active'),
last AS (
    SELECT v.household_code, max(v.visited_on) AS last_visit
    FROM visits v JOIN hh ON hh.code = v.household_code
    WHERE v.kind = 'home' AND v.visited_on <= %(as_of)s
    GROUP BY v.household_code)
SELECT hh.code AS household_code, hh.head_name, hh.grid_code, last.last_visit,
       %(as_of)s::date - last.last_visit AS days_since
FROM hh LEFT JOIN last ON last.household_code = hh.code
WHERE last.last_visit IS NULL OR %(as_of)s::date - last.last_visit >= %(days)s
ORDER BY last.last_visit ASC NULLS FIRST, hh.code
"""

HOTSPOT_COUNTS = """
WITH lvl AS (SELECT code, name FROM areas WHERE level = %(level)s),
hh AS (
    SELECT anc.ancestor_code AS area_code, count(*) AS n
    FROM households h JOIN area_ancestors anc ON anc.code = h.grid_code AND anc.ancestor_level = %(level)s
    WHERE h.status = 'active' GROUP BY 1),
pet AS (
    SELECT anc.ancestor_code AS area_code, count(*) AS n
    FROM petitions p LEFT JOIN households h ON h.code = p.household_code
    JOIN area_ancestors anc
      ON anc.code = coalesce(h.grid_code, p.point_grid_code, p.point_village_code, p.village_code)
     AND anc.ancestor_level = %(level)s
    WHERE p.received_on BETWEEN %(date_from)s AND %(date_to)s
    GROUP BY 1)
SELECT l.code, l.name, coalesce(hh.n, 0) AS households, coalesce(pet.n, 0) AS petitions
FROM lvl l LEFT JOIN hh ON hh.area_code = l.code LEFT JOIN pet ON pet.area_code = l.code
ORDER BY l.code
"""

NEIGHBORS = """SELECT n.code, n.neighbor FROM area_neighbors n JOIN areas a ON a.code = n.code
WHERE a.level = %(level)s ORDER BY n.code, n.neighbor"""


def _df(pg: psycopg.Connection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    with pg.cursor() as cur:
        cur.execute(sql, params)
        cols = [d.name for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=cols)


def coverage(
    pg: psycopg.Connection, level: str, date_from: dt.date, date_to: dt.date, kinds: Sequence[str] = ("home",)
) -> pd.DataFrame:
    """Coverage per area of ``level`` in PostGIS's SQL (queries/reports.sql's definition).

    Parameters
    ----------
    pg : psycopg.Connection
        The benchmark's PostGIS database, loaded by :func:`load`.

    Returns
    -------
    pandas.DataFrame
        :data:`analytics.reports.COVERAGE_COLUMNS`, one row per area of the level.
    """
    out = _df(pg, COVERAGE, dict(level=level, date_from=date_from, date_to=date_to, kinds=list(kinds)))
    out["coverage"] = out["coverage"].astype(float)
    return out[COVERAGE_COLUMNS]


def quotas(pg: psycopg.Connection, week: str, target: int) -> pd.DataFrame:
    """The weekly quota of every active staff member in PostGIS's SQL.

    Parameters
    ----------
    pg : psycopg.Connection
        The benchmark's PostGIS database, loaded by :func:`load`.

    Returns
    -------
    pandas.DataFrame
        :data:`analytics.reports.QUOTA_COLUMNS`, by staff id.
    """
    start, end = parse_week(week)
    return _df(pg, QUOTAS, dict(week_start=start, week_end=end, target=target))[QUOTA_COLUMNS]


def unvisited(pg: psycopg.Connection, area: str, as_of: dt.date, days: int) -> pd.DataFrame:
    """Households of ``area`` not visited at home for ``days`` days, in PostGIS's SQL.

    Parameters
    ----------
    pg : psycopg.Connection
        The benchmark's PostGIS database, loaded by :func:`load`.

    Returns
    -------
    pandas.DataFrame
        :data:`analytics.reports.UNVISITED_COLUMNS`, never visited first, then the longest ago.
    """
    out = _df(pg, UNVISITED, dict(area=area, as_of=as_of, days=days))
    out["last_visit"] = pd.to_datetime(out["last_visit"])
    out["days_since"] = out["days_since"].astype("Int64")
    return out[UNVISITED_COLUMNS]


def hotspots(pg: psycopg.Connection, level: str, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """Petitions per 1,000 households and Getis-Ord Gi* per area of ``level``, counted in PostGIS's SQL.

    Parameters
    ----------
    pg : psycopg.Connection
        The benchmark's PostGIS database, loaded by :func:`load`.

    Returns
    -------
    pandas.DataFrame
        :data:`analytics.reports.HOTSPOT_COLUMNS`, one row per area of the level.
    """
    from scipy.stats import norm

    from analytics.reports import HOTSPOT_COLUMNS, gi_bins
    from analytics.reports import gi_star_from_pairs

    counts = _df(pg, HOTSPOT_COUNTS, dict(level=level, date_from=date_from, date_to=date_to))
    hh = counts["households"].to_numpy(dtype=float)
    pet = counts["petitions"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(hh > 0, 1000.0 * pet / hh, np.nan)
    counts["per_1000"] = np.round(rate, 2)
    z = gi_star_from_pairs(counts["code"].tolist(), np.nan_to_num(rate, nan=0.0), _df(pg, NEIGHBORS, dict(level=level)))
    p = 2.0 * norm.sf(np.abs(z))
    counts["gi_z"] = np.round(z, 4)
    counts["gi_p"] = np.round(p, 4)
    counts["gi_bin"] = gi_bins(z, p)
    return counts[HOTSPOT_COLUMNS]


def import_households(pg: psycopg.Connection, frame: pd.DataFrame) -> pd.DataFrame:
    """Household import in PostGIS: staging table, point-in-polygon grid assignment, upsert.

    The (already WGS-84) rows are COPYed into a staging table, their grids assigned with a
    GIST-indexed point-in-polygon join (the smallest code on a shared edge), then upserted.

    Parameters
    ----------
    pg : psycopg.Connection
        The benchmark's PostGIS database.
    frame : pandas.DataFrame
        ``code``, ``head_name``, ``lon``, ``lat`` (degrees WGS-84).

    Returns
    -------
    pandas.DataFrame
        ``code``, ``grid_code`` of the imported households, by code.
    """
    pg.execute("CREATE TEMP TABLE IF NOT EXISTS hh_in (code text, head_name text, lon float8, lat float8)")
    pg.execute("TRUNCATE hh_in")
    with pg.cursor() as cur, cur.copy("COPY hh_in (code, head_name, lon, lat) FROM STDIN") as cp:
        for r in frame[["code", "head_name", "lon", "lat"]].itertuples(index=False):
            cp.write_row(r)
    with pg.transaction():
        pg.execute("""
            INSERT INTO households (code, head_name, grid_code, status, lon, lat, geom)
            SELECT i.code, i.head_name,
                   (SELECT min(a.code) FROM areas a WHERE a.level = 'grid'
                      AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326))),
                   'active', i.lon, i.lat, ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326)
            FROM hh_in i
            ON CONFLICT (code) DO UPDATE SET head_name = excluded.head_name, grid_code = excluded.grid_code,
                lon = excluded.lon, lat = excluded.lat, geom = excluded.geom""")
    return _df(pg, "SELECT h.code, h.grid_code FROM households h JOIN hh_in i USING (code) ORDER BY h.code", {})
