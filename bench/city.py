"""The city-scale benchmark data set (issue 10): ~10M households, ~100k grids, 60M visits.

The demo generator draws every table in Python and would need far more than the 8 GB budget at
this size. Here only the areas come from it (:func:`demo.generate.generate_areas`, through the real
boundary import); households, staff, visits and petitions are drawn in SQL
(``queries/bench_city.sql``) straight into the DuckDB file, visits month by month, so that memory
stays bounded and the visits table is in date order as it is in use.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Callable

import duckdb
import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:  # bench.data imports this module
    from bench.data import Scale

VISITS_PER_HOUSEHOLD = 6


def build(
    con: duckdb.DuckDBPyConnection, sc: Scale, seed: int, today: dt.date, log: Callable[[str], None] = print
) -> None:
    """Fill an empty, migrated store ``con`` with the data set of scale ``sc`` (bench.data.Scale)."""
    from demo.build import OUTLINE
    from demo.generate import generate_areas, load_outline
    from gis.areas import load_level
    from ingest.boundaries import import_boundaries, reassign_points
    from store import db

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    w = generate_areas(
        load_outline(OUTLINE),
        rng,
        lambda f, m: None,
        townships=sc.townships,
        villages_per_township=sc.villages_per_township,
        grids_per_village=sc.grids_per_village,
    )
    log(f"areas drawn: {len(w.grids):,} grids ({time.perf_counter() - t0:.0f} s)")
    for level in ("county", "townships", "villages", "grids"):
        f = getattr(w, level).copy()
        if "parent_code" not in f.columns:
            f["parent_code"] = None
        lvl = {"county": "county", "townships": "township", "villages": "village", "grids": "grid"}[level]
        import_boundaries(con, None, lvl, frame=f[["code", "name", "parent_code", "geometry"]], source=f"bench-{lvl}")
        log(f"  {lvl} boundaries imported ({time.perf_counter() - t0:.0f} s)")

    del w
    grids = load_level(con, "grid")  # as stored: the import merges a grid drawn in several parts
    pts = shapely.point_on_surface(grids.geometry.to_numpy())
    # households per grid: uneven (0.5–1.5 × the mean), summing exactly to the scale's count
    weight = 0.5 + rng.random(len(grids))
    n = np.floor(weight / weight.sum() * sc.households).astype(np.int64)
    n[: sc.households - n.sum()] += 1
    bench_grids = pd.DataFrame(
        {
            "gi": np.arange(len(grids)),
            "code": grids["code"],
            "lon": shapely.get_x(pts),
            "lat": shapely.get_y(pts),
            "n": n,
        }
    )
    start = today - dt.timedelta(days=364)
    con.register("bench_grids", bench_grids)
    try:
        with db.transaction(con):
            db.execute(con, "city_households")
            db.execute(con, "city_staff")
            db.execute(con, "city_staff_grids")
        log(f"  {sc.households:,} households, staff ({time.perf_counter() - t0:.0f} s)")
        per = max(1, round(sc.visits / sc.households))
        months = sorted({(start + dt.timedelta(days=k)).month for k in range(365)}, key=lambda m: (m < start.month, m))
        for m in months:  # twelve passes, each in date order
            with db.transaction(con):
                db.execute(con, "city_visits", per=per, start=start, month=m)
            log(f"  visits of month {m} ({time.perf_counter() - t0:.0f} s)")
        villages = con.execute("SELECT count(*) FROM areas WHERE level = 'village'").fetchone()[0]
        with db.transaction(con):
            db.execute(con, "city_petitions", n=sc.petitions, start=start, households=sc.households, villages=villages)
            reassign_points(con)
            db.execute(con, "last_home_rebuild")
    finally:
        con.unregister("bench_grids")
    log(f"  petitions, last home visits ({time.perf_counter() - t0:.0f} s)")
