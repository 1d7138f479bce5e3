"""Point-in-polygon for 300k households against 3,001 grids: DuckDB spatial vs shapely STRtree (gis.areas).

A one-off measurement behind BENCHMARKS.md (run by hand: ``python -m bench.spatial_join``), on the
county data set ``/tmp/hh300k.duckdb`` and the spatial extension shipped in the virtualenv.
"""

import sys
import time

import duckdb

EXT = (
    "/work/main/.venv/lib/python3.11/site-packages/duckdb_extension_spatial/extensions/v1.5.5/spatial.duckdb_extension"
)
DATA = "/tmp/hh300k.duckdb"


def main() -> None:
    """Run both point-in-polygon joins three times each and print their best times."""
    sys.path.insert(0, "/work/main")
    from gis import areas as A

    con = duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_unsigned_extensions": True,
        }
    )
    con.execute(f"LOAD '{EXT}'")
    con.execute(f"ATTACH '{DATA}' AS b (READ_ONLY)")
    grids = A.load_level(duckdb.connect(DATA, read_only=True), "grid")
    pts = con.execute("SELECT lon, lat FROM b.households").df()
    lon, lat = pts["lon"].to_numpy(), pts["lat"].to_numpy()
    ts = []
    for _ in range(3):
        a = time.perf_counter()
        r1 = A.locate_points(lon, lat, grids)
        ts.append(time.perf_counter() - a)
    print(f"shapely STRtree (gis.areas.locate_points): min {min(ts) * 1000:.0f} ms")
    con.execute("CREATE TABLE g AS SELECT code, ST_GeomFromWKB(geom) AS geom FROM b.areas WHERE level = 'grid'")
    con.execute("CREATE TABLE p AS SELECT code, ST_Point(lon, lat) AS pt FROM b.households")
    ts = []
    for _ in range(3):
        a = time.perf_counter()
        r2 = con.execute(
            "SELECT p.code, min(g.code) FROM p LEFT JOIN g ON ST_Intersects(g.geom, p.pt) GROUP BY p.code"
        ).fetchall()
        ts.append(time.perf_counter() - a)
    print(f"DuckDB spatial join (ST_Intersects): min {min(ts) * 1000:.0f} ms")
    print("same answers:", sum(1 for x in r1 if x is not None), sum(1 for c, x in r2 if x is not None))


if __name__ == "__main__":
    main()
