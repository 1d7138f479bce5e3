"""Tests for gis.maps: local assets only, escaping, legends, classes, payload."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from gis import datum, maps
from i18n import t

XSS = "<script>alert(1)</script>"
CDN_HOSTS = ("jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "d3js", "unpkg", "googleapis")


@pytest.fixture
def grids() -> gpd.GeoDataFrame:
    """Three tiny grids near Liangping, one with a hostile name, one without data."""
    return gpd.GeoDataFrame(
        {
            "code": ["G1", "G2", "G3"],
            "name": [XSS, "梁山街道一网格", 'a "quoted" & <b>bold</b>'],
            "coverage": [0.99, 0.61, np.nan],
        },
        geometry=[
            box(107.800, 30.670, 107.810, 30.680),
            box(107.810, 30.670, 107.820, 30.680),
            box(107.800, 30.680, 107.810, 30.690),
        ],
        crs="EPSG:4326",
    )


def _sources(page: str) -> list[str]:
    """Every src= of a <script> and href= of a <link>."""
    return re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", page) + re.findall(r"<link[^>]*\bhref=\"([^\"]+)\"", page)


def _full_map(gdf: gpd.GeoDataFrame, tiles: str = "none", **kw) -> tuple[object, str]:
    m = maps.base_map(bounds=gdf.total_bounds, tiles=tiles, **kw)
    c = maps.coverage_classes(0.978)
    maps.choropleth_layer(
        m,
        maps.simplify_for_map(maps.shift_for_tiles(gdf, tiles)),
        "coverage",
        c.bins,
        c.colors,
        fields=["name", "coverage"],
        aliases=[t("col.grid_name"), t("col.coverage")],
        label_fn=lambda v: f"{v:.1%}",
        no_data_label=t("legend.no_data"),
    )
    maps.add_legend(
        m,
        t("legend.coverage"),
        [(col, f"{lab}（类）") for col, lab in zip(c.colors, c.labels)] + [(maps.NO_DATA_COLOR, t("legend.no_data"))],
    )
    pts = pd.DataFrame({"lon": [107.805, 107.815, None], "lat": [30.675, 30.675, 30.0], "who": [XSS, "张三", "x"]})
    maps.point_layer(
        m, pts, tooltip_fields=["who"], tooltip_aliases=["户主"], popup_fields=["who"], popup_aliases=["户主"]
    )
    maps.point_layer(m, pts, tooltip_fields=["who"], tooltip_aliases=["户主"], cluster=True)
    maps.heat_layer(m, pts, weight=None)
    return m, m.get_root().render()


def test_no_cdn_and_local_assets_present(grids: gpd.GeoDataFrame) -> None:
    _, page = _full_map(grids)
    srcs = _sources(page)
    assert srcs, "the map must load Leaflet from somewhere"
    for s in srcs:
        assert s.startswith("/app/static/vendor/"), s
    for host in CDN_HOSTS:
        assert host not in page
    assert "/app/static/vendor/leaflet/dist/leaflet.js" in srcs
    assert "/app/static/vendor/leaflet/dist/leaflet.css" in srcs
    assert "/app/static/vendor/leaflet.heat/dist/leaflet-heat.js" in srcs
    assert "/app/static/vendor/leaflet.markercluster/dist/leaflet.markercluster.js" in srcs
    # no tiles: no tile URL at all
    assert "tile.openstreetmap" not in page and "L.tileLayer" not in page


def test_every_referenced_static_file_exists(grids: gpd.GeoDataFrame) -> None:
    _, page = _full_map(grids)
    for s in _sources(page):
        path = maps.STATIC_DIR / s.removeprefix("/app/static/")
        assert path.is_file(), path
    js, css = maps.asset_urls()
    for url in [*js.values(), *css.values()]:
        assert (maps.STATIC_DIR / url.removeprefix("/app/static/")).is_file(), url


def test_vendored_css_references_resolve() -> None:
    """url(...) inside vendored CSS (images, fonts) point at files we ship."""
    for css in maps.STATIC_DIR.glob("vendor/**/*.css"):
        for ref in re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8")):
            ref = ref.strip("'\" ").split("?")[0].split("#")[0]
            if not ref or ref.startswith("data:") or ref.endswith((".ttf", ".eot", ".svg", ".woff")):
                continue  # woff2 is what browsers use; other formats are not shipped
            assert (css.parent / ref).resolve().is_file(), f"{css}: {ref}"


def test_each_vendor_package_keeps_its_licence() -> None:
    pkgs = [p for p in (maps.STATIC_DIR / "vendor").iterdir() if p.is_dir()]
    assert {p.name for p in pkgs} >= {"leaflet", "leaflet.heat", "leaflet.markercluster"}
    for p in pkgs:
        assert any("LICEN" in f.name.upper() for f in p.iterdir()), p


def test_user_text_is_escaped(grids: gpd.GeoDataFrame) -> None:
    _, page = _full_map(grids)
    assert "<script>alert" not in page
    assert "<b>bold</b>" not in page
    assert "alert(1)" in page  # still shown, as text


def test_legend_contains_chinese_labels(grids: gpd.GeoDataFrame) -> None:
    _, page = _full_map(grids)
    for label in [t("legend.coverage"), t("legend.no_data"), "97.8 %（类）"]:
        assert label in page or label.encode("unicode_escape").decode() in page


def test_legend_html_escapes() -> None:
    h = maps.legend_html("热点 <i>", [("#b2182b", "热点（99%）"), ("#2166ac", XSS)])
    assert "热点（99%）" in h and "<script>" not in h and "&lt;i&gt;" in h


def test_payload_is_small(grids: gpd.GeoDataFrame) -> None:
    m, _ = _full_map(grids)
    assert maps.payload_size(m) < 40_000


@pytest.mark.parametrize(
    "tiles,kw,needle",
    [
        ("osm", {}, "tile.openstreetmap.org"),
        ("tianditu", {"tianditu_key": "abc123"}, "tianditu.gov.cn/vec_w"),
        ("amap", {}, "autonavi.com"),
    ],
)
def test_tiles_only_add_tile_templates(grids: gpd.GeoDataFrame, tiles: str, kw: dict, needle: str) -> None:
    _, page = _full_map(grids, tiles=tiles, **kw)
    assert needle in page
    for s in _sources(page):
        assert s.startswith("/app/static/"), s
    if tiles == "tianditu":
        assert "cva_w" in page and "tk=abc123" in page


def test_bad_tiles_and_missing_key() -> None:
    with pytest.raises(ValueError, match="none, osm"):
        maps.base_map(tiles="google")
    with pytest.raises(ValueError, match="key"):
        maps.base_map(tiles="tianditu")
    with pytest.raises(ValueError, match="key"):
        maps.base_map(tiles="tianditu", tianditu_key='x"; alert(1)//')


def test_shift_for_tiles(grids: gpd.GeoDataFrame) -> None:
    assert maps.shift_for_tiles(grids, "osm") is grids
    shifted = maps.shift_for_tiles(grids, "amap")
    assert shifted.crs == grids.crs and list(shifted["code"]) == ["G1", "G2", "G3"]
    back = datum.geoseries_to_wgs84(shifted.geometry, "gcj02")
    assert back.geom_equals_exact(grids.geometry, tolerance=1e-7).all()
    assert not shifted.geometry.geom_equals_exact(grids.geometry, tolerance=1e-4).any()
    df = pd.DataFrame({"lon": [107.8], "lat": [30.67]})
    s = maps.shift_for_tiles(df, "amap")
    assert s["lon"][0] == pytest.approx(datum.wgs84_to_gcj02(107.8, 30.67)[0])
    assert df["lon"][0] == 107.8  # input untouched


def test_coverage_classes() -> None:
    c = maps.coverage_classes(0.978)
    assert len(c.colors) <= 7 and len(c.bins) == len(c.colors) + 1 and len(c.labels) == len(c.colors)
    assert 0.978 in c.bins and c.bins[0] == 0 and c.bins[-1] == 1
    assert maps.NO_DATA_COLOR not in c.colors
    assert c.labels[-1] == "≥ 97.8 %"
    fills = maps.classify([0.978, 0.9779, 1.0, 0.0, None, np.nan, 1.2], c.bins, c.colors)
    assert fills[0] == c.colors[-1] and fills[1] == c.colors[-2] and fills[2] == c.colors[-1]
    assert fills[3] == c.colors[0] and fills[4] == fills[5] == maps.NO_DATA_COLOR
    assert fills[6] == c.colors[-1]


def test_coverage_classes_follow_the_benchmark_rule() -> None:
    c = maps.coverage_classes(0.9)
    assert c.bins == [0.0, 0.5, 0.7, 0.85, 0.9, 1.0] and c.labels[-1] == "≥ 90 %"
    assert len(c.colors) == 5 and c.colors[-1] == maps.COVERAGE_COLORS[-1]
    assert maps.coverage_classes(1.0).bins[-2] == 1.0  # a 100 % benchmark keeps its own class
    for bad in (0, -0.5, 1.5):
        with pytest.raises(ValueError):
            maps.coverage_classes(bad)


def test_gi_classes() -> None:
    g = maps.gi_classes()
    assert g.colors == ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]
    assert maps.classify([-3, 0, 3, 2], g.bins, g.colors) == ["#2166ac", "#f7f7f7", "#b2182b", "#ef8a62"]


def test_classify_rejects_bad_classes() -> None:
    with pytest.raises(ValueError, match="one more"):
        maps.classify([1], [0, 1], ["#000", "#fff"])
    with pytest.raises(ValueError, match="at most 7"):
        maps.classify([1], list(range(9)), ["#000"] * 8)


def test_simplify_for_map_rounds_and_stays_valid() -> None:
    ring = [
        (107.8 + 0.01 * np.cos(t), 30.67 + 0.01 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 400, endpoint=False)
    ]
    left = Polygon([(107.7, 30.6), (107.75, 30.6), (107.75123456789, 30.65), (107.7, 30.65)])
    right = Polygon([(107.75, 30.6), (107.8, 30.6), (107.8, 30.65), (107.75123456789, 30.65)])
    gdf = gpd.GeoDataFrame(
        {"code": ["c", "l", "r", "e"]},
        geometry=[Polygon(ring), left, right, None],
        crs="EPSG:4326",
    )
    out = maps.simplify_for_map(gdf, tolerance_deg=0.0005)
    assert list(out["code"]) == ["c", "l", "r", "e"] and out.crs.to_epsg() == 4326
    assert out.geometry[3] is None
    geoms = out.geometry.values[:3]
    assert shapely.is_valid(geoms).all()
    assert shapely.get_num_coordinates(geoms[0]) < 400
    coords = shapely.get_coordinates(geoms)
    np.testing.assert_allclose(coords, np.round(coords, 5), atol=1e-9)
    # neighbours still share their border: no gap, no overlap
    assert geoms[1].intersection(geoms[2]).area < 1e-12
    assert geoms[1].union(geoms[2]).area == pytest.approx(0.1 * 0.05, rel=1e-3)
    with pytest.raises(ValueError, match="EPSG:4326"):
        maps.simplify_for_map(gdf.to_crs(3857))


def test_simplify_keeps_tiny_polygons() -> None:
    tiny = gpd.GeoDataFrame(geometry=[box(107.8, 30.67, 107.800004, 30.670004)], crs="EPSG:4326")
    out = maps.simplify_for_map(tiny, tolerance_deg=0.001)
    assert not out.geometry[0].is_empty


def test_point_layer_skips_missing_and_escapes() -> None:
    m = maps.base_map()
    df = pd.DataFrame({"lon": [107.8, np.nan], "lat": [30.67, 30.6], "name": [XSS, "b"]})
    layer = maps.point_layer(m, df, tooltip_fields=["name"], tooltip_aliases=["姓名"])
    assert len(layer.data["features"]) == 1
    page = m.get_root().render()
    assert "<script>alert" not in page


def test_point_layer_names_its_properties_short() -> None:
    """The features carry the values under "0", "1", … (the tooltip's fields, then the popup's new
    ones); the tooltip and popup read them there and show the aliases; no field's name is sent."""
    m = maps.base_map()
    df = pd.DataFrame(
        {"lon": [107.8], "lat": [30.67], "household_code": ["H01"], "head_name": ["张三"], "tags": ["低保"]}
    )
    layer = maps.point_layer(
        m,
        df,
        tooltip_fields=["head_name", "household_code"],
        tooltip_aliases=["who", "code"],
        popup_fields=["household_code", "tags"],
        popup_aliases=["code", "tags"],
    )
    assert layer.data["features"][0]["properties"] == {"0": "张三", "1": "H01", "2": "低保"}
    tooltip = next(c for c in layer._children.values() if isinstance(c, folium.GeoJsonTooltip))
    popup = next(c for c in layer._children.values() if isinstance(c, folium.GeoJsonPopup))
    assert (tooltip.fields, tooltip.aliases) == (["0", "1"], ["who", "code"])
    assert (popup.fields, popup.aliases) == (["1", "2"], ["code", "tags"])
    page = m.get_root().render()
    assert "household_code" not in page and "head_name" not in page


def test_clustered_points_leave_out_an_empty_row() -> None:
    """A clustered household without tags: its tooltip has no tags row (the GeoJSON points' is tested in
    tests/e2e/test_map_tooltips_browser.py, where the browser writes it)."""
    m = maps.base_map()
    df = pd.DataFrame({"lon": [107.8, 107.81], "lat": [30.67, 30.67], "who": ["张三", "李四"], "tags": ["", "低保"]})
    group = maps.point_layer(
        m, df, tooltip_fields=["who", "tags"], tooltip_aliases=[t("col.head_name"), t("col.tags")], cluster=True
    )
    tips = [c.text for marker in group._children.values() for c in marker._children.values() if hasattr(c, "text")]
    assert len(tips) == 2
    assert t("col.head_name") in tips[0] and t("col.tags") not in tips[0]
    assert t("col.tags") in tips[1] and "低保" in tips[1]


def test_heat_layer_accepts_sequences() -> None:
    m = maps.base_map()
    layer = maps.heat_layer(m, [(30.67, 107.8), (30.68, 107.81)])
    assert len(layer.data) == 2
    assert "/app/static/vendor/leaflet.heat/" in m.get_root().render()


#: a cluster of 100 petitions within ~50 m (one cell of 12 px, ~3 km, at zoom 9) and four lone ones
#: 10–75 km away: the extent (0.75° of longitude) opens at zoom 9 on a 480 px map
HEAT_CLUSTER = [(30.70 + i % 10 * 1e-4, 107.80 + i // 10 * 1e-4) for i in range(100)]
HEAT_SPARSE = [(30.60, 107.05), (30.75, 107.30), (30.55, 107.55), (30.65, 107.70)]


def test_heat_scale_from_a_cluster_and_a_few_sparse_points() -> None:
    """The densest twentieth of the cells reaches the top colour: here the cluster's, 100 petitions at
    zoom 9, which leaflet.heat weighs 1 / 2 ** (18 − 9) each; a lone one (1 % of it) is drawn at the least opacity."""
    s = maps.heat_scale(HEAT_CLUSTER + HEAT_SPARSE, radius=12, blur=12)
    assert s == {"zoom": 9, "max": 100 / 2**9, "max_zoom": 18, "min_opacity": maps.HEAT_MIN_OPACITY}
    assert maps.HEAT_MIN_OPACITY < 0.1  # folium's 0.5 made every lone petition a half-opaque circle
    # the median cell is a lone petition's; the densest is the cluster's whatever the quantile
    assert maps.heat_scale(HEAT_CLUSTER + HEAT_SPARSE, radius=12, blur=12, quantile=0.5)["max"] == 1 / 2**9
    assert maps.heat_scale(HEAT_CLUSTER + HEAT_SPARSE, radius=12, blur=12, quantile=1.0)["max"] == 100 / 2**9


@pytest.mark.parametrize(
    ("points", "zoom", "max_"),
    [
        ([(lat, lon, 3.0) for lat, lon in HEAT_CLUSTER] + [(lat, lon, 1.0) for lat, lon in HEAT_SPARSE], 9, 300 / 2**9),
        ([(30.70, 107.80)] * 100, 18, 100.0),  # one place: the map's top zoom, where leaflet.heat weighs 1
        ([(30.70, 107.80)] * 10 + [(30.70, 107.83)], 14, 10 / 2**4),  # 3 km: zoom 14, 1 / 2 ** 4 each
        ([], 18, 1.0),
    ],
)
def test_heat_scale_weights_and_zoom(points, zoom, max_) -> None:
    s = maps.heat_scale(points, radius=12, blur=12)
    assert (s["zoom"], s["max"]) == (zoom, max_)


def test_heat_layer_is_given_the_scale_of_its_points() -> None:
    m = maps.base_map()
    layer = maps.heat_layer(
        m,
        pd.DataFrame(
            {"lat": [p[0] for p in HEAT_CLUSTER + HEAT_SPARSE], "lon": [p[1] for p in HEAT_CLUSTER + HEAT_SPARSE]}
        ),
        radius=12,
        blur=12,
    )
    assert layer.options["max"] == 100 / 2**9
    assert layer.options["max_zoom"] == 18 and layer.options["min_opacity"] == maps.HEAT_MIN_OPACITY
    assert '"minOpacity": 0.05' in m.get_root().render()


def test_escape_value() -> None:
    assert maps.escape_value(XSS) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert maps.escape_value(3) == 3 and maps.escape_value(np.float64("nan")) is None
    assert maps.escape_value(None) is None and maps.escape_value(pd.NA) is None
    assert maps.escape_value(pd.Timestamp("2026-11-24")) == "2026-11-24"


def test_vendor_script_exists() -> None:
    script = Path(__file__).resolve().parent.parent / "scripts" / "vendor_assets.sh"
    text = script.read_text(encoding="utf-8")
    assert "npm pack" in text and "leaflet@1.9.3" in text


def test_tile_setting_from_environment_and_amap_shift(monkeypatch):
    """$LIANXIN_TILES picks the tiles; with AMap (GCJ-02) every overlay is shifted by the datum offset."""
    import geopandas as gpd
    import shapely

    from gis import maps

    monkeypatch.delenv("LIANXIN_TILES", raising=False)
    assert maps.tile_settings() == ("none", None)
    monkeypatch.setenv("LIANXIN_TILES", "tianditu")  # no key: falls back to none
    assert maps.tile_settings() == ("none", None)
    monkeypatch.setenv("LIANXIN_TIANDITU_KEY", "abc123")
    assert maps.tile_settings() == ("tianditu", "abc123")
    monkeypatch.setenv("LIANXIN_TILES", "amap")
    gdf = gpd.GeoDataFrame(
        {"code": ["A"], "name": ["甲"], "v": [0.5]}, geometry=[shapely.box(107.7, 30.6, 107.8, 30.7)], crs="EPSG:4326"
    )
    m = maps.base_map(bounds=gdf.total_bounds)
    assert m.lianxin_tiles == "amap"
    maps.choropleth_layer(m, gdf, "v", [0, 1], ["#ffffff"])
    shifted = maps.shift_for_tiles(gdf, "amap").geometry.iloc[0].bounds
    assert abs(shifted[0] - 107.7) > 0.001  # several hundred metres
    html = m.get_root().render()
    assert f"{shifted[0]:.5f}"[:8] in html and "[107.7, 30.6]" not in html


def test_map_colours_come_from_the_palette():
    """analytics/, ui/ and pages/ name no colour of their own (spreadsheet cell formats aside): gis/palette.py does."""
    import re
    from pathlib import Path

    from gis import palette

    root = Path(__file__).resolve().parent.parent
    files = [p for d in ("analytics", "ui", "pages") for p in sorted((root / d).rglob("*.py"))]
    assert len(files) > 30
    hex_colour = re.compile(r"[\"']#[0-9a-fA-F]{6}[\"']")
    found = [
        f"{p.relative_to(root)}:{i}"
        for p in files
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if hex_colour.search(line) and "add_format" not in line
    ]
    assert found == []
    assert palette.NO_DATA_COLOR not in palette.COVERAGE_COLORS + list(palette.GI_COLORS.values())


def test_the_map_frame_is_served_from_the_vendored_front_end() -> None:
    """streamlit-folium's front end comes from static/vendor/streamlit-folium (a static file has a
    Last-Modified, so a browser keeps its script between maps), byte for byte the pinned wheel's build;
    the component the pages draw through (streamlit_folium._component_func) loads its frame from there."""
    import importlib.metadata

    import streamlit_folium as SF

    from ui import maps as UM

    root = Path(__file__).resolve().parent.parent
    vendored = root / "static" / "vendor" / "streamlit-folium"
    build = Path(SF.__file__).parent / "frontend" / "build"
    assert (
        vendored / "VERSION"
    ).read_text().strip() == f"streamlit-folium@{importlib.metadata.version('streamlit-folium')}"
    index = (vendored / "index.html").read_text()
    assert index == (build / "index.html").read_text()
    (script,) = re.findall(r'src="\./(static/js/main\.[0-9a-f]+\.js)"', index)
    assert (vendored / script).read_bytes() == (build / script).read_bytes()
    assert (vendored / "LICENSE").exists()
    assert UM.FRONTEND == "/vendor/streamlit-folium/index.html"
    assert SF._component_func.url == f"{UM.static_url_prefix()}{UM.FRONTEND}" and SF._component_func.path is None
    assert "streamlit-folium" in (root / "scripts" / "vendor_assets.sh").read_text()
