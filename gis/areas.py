"""Areas as geometry: loading them from the store, point-in-polygon, parents, neighbours."""

from __future__ import annotations

from typing import Iterable

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from store import db


def from_wkb(blobs: Iterable[bytes | bytearray]) -> np.ndarray:
    """Shapely geometries from stored WKB (DuckDB returns BLOBs as bytearray).

    Parameters
    ----------
    blobs : iterable of bytes or bytearray
        Well-known-binary geometries, n of them.

    Returns
    -------
    numpy.ndarray
        Object array of shape (n,) holding shapely geometries, in the order given.
    """
    return shapely.from_wkb(np.array([bytes(b) for b in blobs], dtype=object))


def load_level(con: duckdb.DuckDBPyConnection, level: str) -> gpd.GeoDataFrame:
    """All areas of one level as a GeoDataFrame (EPSG:4326), ordered by code.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    level : str
        An area level of vocabulary.levels (e.g. ``"grid"``).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area with the columns of the named query ``areas_of_level`` and the polygon as
        geometry, longitude/latitude in degrees (EPSG:4326).
    """
    frame = db.df(con, "areas_of_level", level=level)
    geoms = from_wkb(frame["geom"])
    return gpd.GeoDataFrame(frame.drop(columns="geom"), geometry=geoms, crs="EPSG:4326")


def locate_points(lon: np.ndarray, lat: np.ndarray, areas: gpd.GeoDataFrame) -> np.ndarray:
    """The code of the area holding each point, or None (outside every area).

    A point on a shared edge goes to the area with the smallest code, so the answer is stable.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Longitudes and latitudes in degrees (EPSG:4326), shape (n,); NaN is outside every area.
    areas : geopandas.GeoDataFrame
        Polygons in the same CRS with a ``code`` column.

    Returns
    -------
    numpy.ndarray
        Object array of shape (n,): an area code, or None.

    Examples
    --------
    >>> sq = gpd.GeoDataFrame({"code": ["A"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    >>> list(locate_points(np.array([0.5, 2.0]), np.array([0.5, 2.0]), sq))
    ['A', None]
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.full(len(lon), None, dtype=object)
    if len(lon) == 0 or len(areas) == 0:
        return out
    ok = ~(np.isnan(lon) | np.isnan(lat))
    pts = shapely.points(lon[ok], lat[ok])
    tree = shapely.STRtree(areas.geometry.to_numpy())
    p_idx, a_idx = tree.query(pts, predicate="intersects")
    codes = areas["code"].to_numpy()
    if len(p_idx):
        pairs = pd.DataFrame({"p": p_idx, "code": codes[a_idx]}).sort_values(["p", "code"])
        first = pairs.drop_duplicates("p")
        sub = np.full(len(pts), None, dtype=object)
        sub[first["p"].to_numpy()] = first["code"].to_numpy()
        out[np.flatnonzero(ok)] = sub
    return out


def metric_crs(gdf: gpd.GeoDataFrame) -> pyproj.CRS | str:
    """A UTM CRS around the data, for areas and lengths in metres.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Geometries with a geographic CRS.

    Returns
    -------
    pyproj.CRS or str
        The UTM zone's CRS, or ``"EPSG:3857"`` when the extent is empty or degenerate.
    """
    try:
        crs = gdf.estimate_utm_crs()
    except Exception:  # empty or degenerate extent
        crs = None
    return crs or "EPSG:3857"


def largest_overlap_parent(children: gpd.GeoDataFrame, parents: gpd.GeoDataFrame) -> np.ndarray:
    """For each child polygon, the code of the parent holding most of it (None when none touches).

    Overlaps are measured in square metres in a UTM CRS around the parents (metric_crs).

    Parameters
    ----------
    children, parents : geopandas.GeoDataFrame
        Polygons in one CRS; ``parents`` has a ``code`` column.

    Returns
    -------
    numpy.ndarray
        Object array of shape (len(children),): a parent code, or None.
    """
    out = np.full(len(children), None, dtype=object)
    if len(children) == 0 or len(parents) == 0:
        return out
    crs = metric_crs(parents)
    c = children.to_crs(crs).geometry.to_numpy()
    p = parents.to_crs(crs).geometry.to_numpy()
    tree = shapely.STRtree(p)
    ci, pi = tree.query(c, predicate="intersects")
    if len(ci) == 0:
        return out
    inter = shapely.area(shapely.intersection(c[ci], p[pi]))
    pairs = pd.DataFrame({"c": ci, "code": parents["code"].to_numpy()[pi], "a": inter})
    pairs = pairs[pairs["a"] > 0].sort_values(["c", "a", "code"], ascending=[True, False, True])
    best = pairs.drop_duplicates("c")
    out[best["c"].to_numpy()] = best["code"].to_numpy()
    return out


#: Two areas closer than this (degrees, ~1 cm) share a boundary point: digitised edges that meet at a
#: T-junction are equal only up to floating-point rounding.
TOUCH_TOLERANCE_DEG = 1e-7


def queen_pairs(gdf: gpd.GeoDataFrame, tolerance: float = TOUCH_TOLERANCE_DEG) -> pd.DataFrame:
    """Queen-contiguity neighbour pairs (both directions) of the areas, by code.

    Two areas are neighbours when their boundaries share any point — a common vertex, a common
    edge, or one area's corner lying in the middle of the other's edge (a T-junction, where
    vertex-based Queen weights such as libpysal's ``Queen`` miss the pair). Computed with a
    spatial predicate (``dwithin`` ``tolerance`` on an STRtree), like libpysal's fuzzy contiguity
    without buffering.

    Parameters
    ----------
    gdf : areas with a ``code`` column, in lon/lat (EPSG:4326).
    tolerance : the gap (in the CRS's units) still counted as touching.

    Returns
    -------
    DataFrame(code, neighbor), both directions, no self pairs.

    Examples
    --------
    >>> t = gpd.GeoDataFrame({"code": ["W", "E1", "E2"]}, geometry=[shapely.box(0, 0, 1, 2),
    ...     shapely.box(1, 0, 2, 1), shapely.box(1, 1, 2, 2)], crs=4326)
    >>> sorted(map(tuple, queen_pairs(t).values.tolist()))[:2]
    [('E1', 'E2'), ('E1', 'W')]
    """
    empty = pd.DataFrame({"code": pd.Series([], dtype=str), "neighbor": pd.Series([], dtype=str)})
    if len(gdf) < 2:
        return empty
    geoms = gdf.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="dwithin", distance=tolerance)
    keep = a != b
    codes = gdf["code"].to_numpy()
    out = pd.DataFrame({"code": codes[a[keep]], "neighbor": codes[b[keep]]}).drop_duplicates()
    return out.sort_values(["code", "neighbor"]).reset_index(drop=True) if len(out) else empty


def rebuild_neighbors(con: duckdb.DuckDBPyConnection, level: str) -> None:
    """Recompute and store the queen neighbours of one level (inside the caller's transaction)."""
    pairs = queen_pairs(load_level(con, level))
    db.execute(con, "neighbors_delete_level", level=level)
    con.register("incoming_neighbors", pairs)
    try:
        db.execute(con, "neighbors_insert")
    finally:
        con.unregister("incoming_neighbors")
    db.execute(con, "neighbors_fresh", level=level)


def refresh_stale_neighbors(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rebuild the neighbours of the levels migration 0006 marked stale (older vertex-only rule).

    Called when the app or the command line opens a database, and before hotspots read neighbours.

    Returns
    -------
    The levels rebuilt (usually none).
    """
    levels = [r[0] for r in db.rows(con, "neighbors_stale_levels")]
    for level in levels:
        with db.transaction(con):
            rebuild_neighbors(con, level)
    return levels


def overlaps_and_gaps(
    children: gpd.GeoDataFrame,
    parent_geom: shapely.Geometry | None = None,
    min_m2: float = 1.0,
    metric: pyproj.CRS | str | None = None,
) -> tuple[list[tuple[str, str, float]], float]:
    """Overlaps between sibling polygons and the gap they leave inside their parent, in m².

    Parameters
    ----------
    children : siblings with a ``code`` column, in a metric CRS or in lon/lat (EPSG:4326).
    parent_geom : their parent's polygon in the same CRS, or None.
    metric : for lon/lat input, the CRS the overlaps and gaps are measured in (default
        :func:`metric_crs`). The intersections are computed in lon/lat, where the edges are straight:
        projecting first bends long edges and invents slivers between exactly fitting areas.

    Returns
    -------
    (list of (code_a, code_b, overlap_m2) above ``min_m2``, gap area in m²).
    """
    if len(children) == 0:
        return [], 0.0
    g = children.geometry.to_numpy()
    codes = children["code"].to_numpy()
    geographic = children.crs is not None and children.crs.is_geographic

    def m2(geoms: Iterable[shapely.Geometry]) -> np.ndarray:
        geoms = np.asarray(geoms, dtype=object)
        if not geographic:
            return shapely.area(geoms)
        out = np.zeros(len(geoms))
        some = ~shapely.is_empty(geoms)
        if some.any():
            s = gpd.GeoSeries(geoms[some], crs=children.crs)
            out[some] = s.to_crs(metric or metric_crs(children)).area.to_numpy()
        return out

    tree = shapely.STRtree(g)
    a, b = tree.query(g, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    overlaps: list[tuple[str, str, float]] = []
    if len(a):
        areas = m2(shapely.intersection(g[a], g[b]))
        for i, j, ar in zip(a, b, areas):
            if ar >= min_m2:
                overlaps.append((codes[i], codes[j], float(ar)))
    gap = 0.0
    if parent_geom is not None:
        gap = float(m2([shapely.difference(parent_geom, shapely.union_all(g))])[0])
        if gap < min_m2:
            gap = 0.0
    return overlaps, gap


def codes_in(values: Iterable[str]) -> list[str]:
    """The distinct non-empty codes among ``values``, sorted.

    Parameters
    ----------
    values : iterable of str
        Area codes; empty strings and None are dropped.

    Returns
    -------
    list of str
        Each code once, in ascending order.

    Examples
    --------
    >>> codes_in(["B", "", "A", "B", None])
    ['A', 'B']
    """
    return sorted({v for v in values if v})
