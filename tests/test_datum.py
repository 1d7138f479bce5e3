"""Tests for gis.datum: GCJ-02 / BD-09 conversions."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from gis import datum


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Rough ground distance in metres (equirectangular, fine at this scale)."""
    k = 111_320.0
    dx = (lon2 - lon1) * k * math.cos(math.radians((lat1 + lat2) / 2))
    dy = (lat2 - lat1) * k
    return math.hypot(dx, dy)


def test_reference_pair_beijing() -> None:
    lon, lat = datum.wgs84_to_gcj02(116.397, 39.909)
    assert lon == pytest.approx(116.4032, abs=1e-4)
    assert lat == pytest.approx(39.9104, abs=1e-4)


def test_reference_pair_bd09() -> None:
    # Well-known pair: GCJ-02 Tiananmen (116.404, 39.915) is about (116.4104, 39.9214) on Baidu.
    lon, lat = datum.gcj02_to_bd09(116.404, 39.915)
    assert lon == pytest.approx(116.4104, abs=2e-4)
    assert lat == pytest.approx(39.9214, abs=2e-4)


@pytest.mark.parametrize(
    "lon,lat",
    [(116.397, 39.909), (107.8, 30.67), (121.47, 31.23), (87.6, 43.8), (113.26, 23.13), (126.6, 45.75)],
)
def test_gcj02_round_trip_below_a_decimetre(lon: float, lat: float) -> None:
    glon, glat = datum.wgs84_to_gcj02(lon, lat)
    wlon, wlat = datum.gcj02_to_wgs84(glon, glat)
    assert abs(wlon - lon) < 1e-7 and abs(wlat - lat) < 1e-7
    assert metres(lon, lat, wlon, wlat) < 0.1


@pytest.mark.parametrize("lon,lat", [(116.397, 39.909), (107.8, 30.67), (103.0, 25.0)])
def test_bd09_round_trips(lon: float, lat: float) -> None:
    blon, blat = datum.gcj02_to_bd09(lon, lat)
    glon, glat = datum.bd09_to_gcj02(blon, blat)
    assert abs(glon - lon) < 1e-6 and abs(glat - lat) < 1e-6
    blon, blat = datum.wgs84_to_bd09(lon, lat)
    wlon, wlat = datum.bd09_to_wgs84(blon, blat)
    assert abs(wlon - lon) < 1e-6 and abs(wlat - lat) < 1e-6


@pytest.mark.parametrize("lon,lat", [(2.35, 48.85), (-74.0, 40.7), (151.2, -33.9), (0.0, 0.0)])
def test_outside_china_unchanged(lon: float, lat: float) -> None:
    assert datum.wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert datum.gcj02_to_wgs84(lon, lat) == (lon, lat)
    assert datum.in_china(lon, lat) is False


def test_liangping_offset_is_a_few_hundred_metres() -> None:
    glon, glat = datum.wgs84_to_gcj02(107.8, 30.67)
    d = metres(107.8, 30.67, glon, glat)
    assert 100 < d < 1000


def test_arrays_and_scalars() -> None:
    lons = np.array([116.397, 107.8, 2.35])
    lats = np.array([39.909, 30.67, 48.85])
    glon, glat = datum.wgs84_to_gcj02(lons, lats)
    assert isinstance(glon, np.ndarray) and glon.shape == (3,)
    for i in range(3):
        s = datum.wgs84_to_gcj02(float(lons[i]), float(lats[i]))
        assert isinstance(s[0], float)
        assert s == pytest.approx((glon[i], glat[i]), abs=1e-12)
    assert glon[2] == 2.35 and glat[2] == 48.85
    wlon, wlat = datum.gcj02_to_wgs84(glon, glat)
    np.testing.assert_allclose(wlon, lons, atol=1e-7)
    np.testing.assert_allclose(wlat, lats, atol=1e-7)
    # lists work too
    blon, _ = datum.wgs84_to_bd09([107.8, 108.0], [30.67, 30.7])
    assert blon.shape == (2,)


@pytest.mark.parametrize(
    "coords,forward",
    [("wgs84", None), ("gcj02", datum.wgs84_to_gcj02), ("bd09", datum.wgs84_to_bd09), ("GCJ-02", datum.wgs84_to_gcj02)],
)
def test_to_wgs84(coords: str, forward) -> None:
    lon, lat = 107.8, 30.67
    src = forward(lon, lat) if forward else (lon, lat)
    out = datum.to_wgs84(*src, coords)
    assert out == pytest.approx((lon, lat), abs=1e-6)


def test_to_wgs84_rejects_unknown_system_with_a_sentence() -> None:
    with pytest.raises(ValueError, match="wgs84, gcj02, bd09"):
        datum.to_wgs84(107.8, 30.67, "cgcs2000x")


def test_transform_geometry_polygon_and_multipolygon() -> None:
    poly = Polygon([(107.80, 30.67), (107.81, 30.67), (107.81, 30.68), (107.80, 30.68)])
    multi = MultiPolygon([poly, Polygon([(107.9, 30.7), (107.91, 30.7), (107.91, 30.71)])])
    arr = np.array([poly, multi, Point(107.8, 30.67), None], dtype=object)
    shifted = datum.transform_geometry(arr, datum.wgs84_to_gcj02)
    assert shifted[0].geom_type == "Polygon" and shifted[1].geom_type == "MultiPolygon"
    assert shifted[3] is None
    back = datum.geometry_to_wgs84(shifted, "gcj02")
    for a, b in zip(arr[:3], back[:3]):
        assert shapely.equals_exact(a, b, tolerance=1e-7)
    assert shapely.is_valid(back[:3]).all()
    # a single geometry stays a single geometry
    one = datum.geometry_to_wgs84(datum.transform_geometry(poly, datum.wgs84_to_bd09), "bd09")
    assert shapely.equals_exact(one, poly, tolerance=1e-6)


def test_geoseries_to_wgs84() -> None:
    pts = gpd.GeoSeries([Point(107.8, 30.67), Point(107.9, 30.7)], index=["a", "b"], crs="EPSG:4326")
    gcj = gpd.GeoSeries(datum.transform_geometry(pts.values, datum.wgs84_to_gcj02), index=pts.index, crs="EPSG:4326")
    out = datum.geoseries_to_wgs84(gcj, "gcj02")
    assert list(out.index) == ["a", "b"] and out.crs.to_epsg() == 4326
    assert out.geom_equals_exact(pts, tolerance=1e-7).all()
    assert datum.geoseries_to_wgs84(pts, "wgs84").geom_equals_exact(pts, tolerance=0).all()
