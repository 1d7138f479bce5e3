"""Chinese map datums: WGS-84, GCJ-02 ("火星坐标") and BD-09 (Baidu).

Everything the app stores is WGS-84.  Coordinates typed or exported from
AMap/Tencent maps are GCJ-02, from Baidu maps BD-09; they are converted here,
at the edge (on import), and WGS-84 geometries are shifted to GCJ-02 only
when drawn over GCJ-02 tiles (AMap).

All point functions accept scalars or array-likes and are vectorized with
numpy; scalars in give Python floats out, arrays in give ``numpy.ndarray``.
The GCJ-02 offset is applied only inside the usual rough China bounding box;
points outside pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import shapely

__all__ = [
    "COORD_SYSTEMS",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "geometry_to_wgs84",
    "geoseries_to_wgs84",
    "in_china",
    "to_wgs84",
    "transform_geometry",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

#: Coordinate systems understood by :func:`to_wgs84`.
COORD_SYSTEMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0

PointFunc = Callable[[Any, Any], tuple[Any, Any]]


def _as_arrays(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    scalar = lon_a.ndim == 0 and lat_a.ndim == 0
    lon_a, lat_a = np.broadcast_arrays(lon_a, lat_a)
    return lon_a, lat_a, scalar


def _out(lon: np.ndarray, lat: np.ndarray, scalar: bool) -> tuple[Any, Any]:
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def in_china(lon: Any, lat: Any) -> Any:
    """Whether points lie in the rough China box where GCJ-02 is applied.

    Parameters
    ----------
    lon, lat : float or array-like
        Longitude and latitude in degrees.

    Returns
    -------
    bool or numpy.ndarray of bool

    Examples
    --------
    >>> in_china(107.8, 30.67)
    True
    >>> in_china(2.35, 48.85)
    False
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    inside = (lon_a >= 72.004) & (lon_a <= 137.8347) & (lat_a >= 0.8293) & (lat_a <= 55.8271)
    return bool(inside) if scalar else inside


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset at WGS-84 points (no box test).

    Parameters
    ----------
    lon, lat : numpy.ndarray of float
        WGS-84 longitude and latitude, degrees.

    Returns
    -------
    dlon, dlat : numpy.ndarray of float, same shape
        GCJ-02 minus WGS-84, degrees.
    """
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * sqrt_abs_x
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * sqrt_abs_x
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(radlat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Convert WGS-84 coordinates to GCJ-02.

    Parameters
    ----------
    lon, lat : float or array-like
        WGS-84 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02; floats for scalar input, arrays otherwise.
        Points outside China are returned unchanged.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(116.397, 39.909)
    >>> round(lon, 4), round(lat, 4)
    (116.4032, 39.9104)
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    dlon, dlat = _gcj_delta(lon_a, lat_a)
    inside = in_china(lon_a, lat_a)
    return _out(
        np.where(inside, lon_a + dlon, lon_a),
        np.where(inside, lat_a + dlat, lat_a),
        scalar,
    )


def gcj02_to_wgs84(lon: Any, lat: Any, tol: float = 1e-9, max_iter: int = 10) -> tuple[Any, Any]:
    """Convert GCJ-02 coordinates to WGS-84 by fixed-point iteration.

    Starts from the GCJ-02 point and repeatedly corrects the guess by the
    forward error; converges far below 1e-7 degrees (~1 cm) in a few steps.

    Parameters
    ----------
    lon, lat : float or array-like
        GCJ-02 longitude and latitude in degrees.
    tol : float, default 1e-9
        Stop when every point's correction is below this (degrees).
    max_iter : int, default 10
        Upper bound on iterations.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84.

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(*wgs84_to_gcj02(107.8, 30.67))
    >>> abs(lon - 107.8) < 1e-7 and abs(lat - 30.67) < 1e-7
    True
    """
    glon, glat, scalar = _as_arrays(lon, lat)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon = np.asarray(flon) - glon
        elat = np.asarray(flat) - glat
        wlon = wlon - elon
        wlat = wlat - elat
        if elon.size == 0 or max(np.nanmax(np.abs(elon)), np.nanmax(np.abs(elat))) < tol:
            break
    # points whose GCJ-02 position is outside China were never shifted
    outside = ~np.asarray(in_china(glon, glat))
    wlon = np.where(outside, glon, wlon)
    wlat = np.where(outside, glat, wlat)
    return _out(wlon, wlat, scalar)


def gcj02_to_bd09(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Convert GCJ-02 coordinates to BD-09 (Baidu).

    Parameters
    ----------
    lon, lat : float or array-like
        GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in BD-09.
    """
    x, y, scalar = _as_arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, scalar)


def bd09_to_gcj02(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Convert BD-09 (Baidu) coordinates to GCJ-02.

    Parameters
    ----------
    lon, lat : float or array-like
        BD-09 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02.
    """
    b_lon, b_lat, scalar = _as_arrays(lon, lat)
    x = b_lon - 0.0065
    y = b_lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _out(z * np.cos(theta), z * np.sin(theta), scalar)


def wgs84_to_bd09(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Convert WGS-84 coordinates to BD-09 (via GCJ-02).

    Parameters
    ----------
    lon, lat : float or array-like
        WGS-84 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in BD-09.
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Convert BD-09 (Baidu) coordinates to WGS-84 (via GCJ-02).

    Parameters
    ----------
    lon, lat : float or array-like
        BD-09 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84.
    """
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84: dict[str, PointFunc] = {
    "wgs84": lambda lon, lat: _out(*_as_arrays(lon, lat)),
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}


def _check_coords(coords: str) -> str:
    key = str(coords).strip().lower().replace("-", "").replace("_", "")
    if key not in _TO_WGS84:
        raise ValueError(
            f"Unknown coordinate system {coords!r}: use one of "
            f"{', '.join(COORD_SYSTEMS)} (WGS-84 for GPS, GCJ-02 for AMap/Tencent, "
            "BD-09 for Baidu)."
        )
    return key


def to_wgs84(lon: Any, lat: Any, coords: str) -> tuple[Any, Any]:
    """Convert coordinates given in ``coords`` to WGS-84.

    Parameters
    ----------
    lon, lat : float or array-like
        Longitude and latitude in degrees.
    coords : {"wgs84", "gcj02", "bd09"}
        The datum the input is in ("WGS-84", "gcj_02" etc. are accepted).

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84.

    Raises
    ------
    ValueError
        If ``coords`` is not one of the known systems.

    Examples
    --------
    >>> to_wgs84(116.397, 39.909, "wgs84")
    (116.397, 39.909)
    """  # noqa: DOC502 — raised by _check_coords
    return _TO_WGS84[_check_coords(coords)](lon, lat)


def transform_geometry(geom: Any, func: PointFunc) -> Any:
    """Apply a ``(lon, lat) -> (lon, lat)`` function to every vertex.

    Parameters
    ----------
    geom : shapely geometry or array-like of geometries
        Points, lines, polygons, multi-geometries, or an array of them.
    func : callable
        Vectorized point function such as :func:`wgs84_to_gcj02`.

    Returns
    -------
    shapely geometry or numpy.ndarray
        Same shape as the input, with transformed coordinates.

    Examples
    --------
    >>> from shapely import Point
    >>> transform_geometry(Point(1.0, 2.0), wgs84_to_gcj02)  # outside China
    <POINT (1 2)>
    """

    def _xy(coords: np.ndarray) -> np.ndarray:
        if len(coords) == 0:
            return coords
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)])

    return shapely.transform(geom, _xy)


def geometry_to_wgs84(geom: Any, coords: str) -> Any:
    """Convert geometries given in ``coords`` to WGS-84.

    Parameters
    ----------
    geom : shapely geometry or array-like of geometries
    coords : {"wgs84", "gcj02", "bd09"}

    Returns
    -------
    shapely geometry or numpy.ndarray
    """
    key = _check_coords(coords)
    if key == "wgs84":
        return geom
    return transform_geometry(geom, _TO_WGS84[key])


def geoseries_to_wgs84(gs: Any, coords: str) -> Any:
    """Convert a GeoSeries whose coordinates are in ``coords`` to WGS-84.

    Parameters
    ----------
    gs : geopandas.GeoSeries
        Longitude/latitude geometries (its CRS, if any, should be EPSG:4326;
        GCJ-02 and BD-09 are not CRSs that pyproj knows).
    coords : {"wgs84", "gcj02", "bd09"}

    Returns
    -------
    geopandas.GeoSeries
        Same index, CRS set to EPSG:4326.
    """
    import geopandas as gpd

    out = geometry_to_wgs84(np.asarray(gs.values, dtype=object), coords)
    return gpd.GeoSeries(out, index=gs.index, crs="EPSG:4326", name=gs.name)
