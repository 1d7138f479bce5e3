"""``ui.maps.drawn`` renders each element's templates once and sends what ``st_folium`` sends (issue 16).

The reference is streamlit-folium's own ``st_folium`` (0.27.4): what it passes its component for the same
map (element ids fixed) — the tiny world's areas coloured as the coverage page colours them, a walk, a
hot-spot map with a heat layer, and clustered points with popups.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable

import folium
import folium.plugins
import geopandas as gpd
import jinja2.runtime
import numpy as np
import pandas as pd
import pytest
import streamlit_folium as SF
from branca.element import Element
from shapely.geometry import Polygon

from analytics import coverage as CP
from gis import maps
from ui import maps as UM

CAPTIONS = {
    k: k for k in ("name", "households", "visited", "coverage", "household_code", "head_name", "last_visit", "tags")
}
_ids = [itertools.count()]


@pytest.fixture(autouse=True)
def fixed_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Element ids count up from 0 again for every map built (``_fresh``): two builds compare byte for byte."""
    monkeypatch.setattr(Element, "_generate_id", classmethod(lambda cls: f"{next(_ids[0]):032x}"))
    monkeypatch.setattr(UM, "static_url_prefix", lambda: maps.STATIC_URL)


def _fresh(build: Callable[[], folium.Map]) -> folium.Map:
    _ids[0] = itertools.count()
    return build()


@pytest.fixture(scope="module")
def world(tiny_ro) -> dict[str, Callable[[], folium.Map]]:
    """The tiny world's maps, each a function building it anew."""
    con, _ = tiny_ro
    geo = {lv: maps.load_simplified(con, lv) for lv in ("township", "village", "grid")}
    grids = geo["grid"]
    centres = grids.geometry.representative_point()
    due = pd.DataFrame(
        {
            "household_code": [f"H{i}" for i in range(len(grids))],
            "head_name": [f"户主{i}" for i in range(len(grids))],
            "last_visit": [pd.NaT if i % 2 else pd.Timestamp("2026-11-02") for i in range(len(grids))],
            "tags": ["低保" if i % 3 else "" for i in range(len(grids))],
            "lon": centres.x.round(6),
            "lat": centres.y.round(6),
        }
    )

    def coverage(level: str, with_due: bool) -> folium.Map:
        g = geo[level]
        visited = np.arange(len(g)) % 11
        rows = pd.DataFrame({"code": g["code"], "name": g["name"], "households": 10, "visited": visited})
        rows["coverage"] = np.where(np.arange(len(g)) % 4 == 3, np.nan, rows["visited"] / 10)
        frame = CP.map_frame(g, rows, "zh")
        return UM.coverage_map(frame, maps.coverage_classes(0.8), CAPTIONS, due if with_due else None, lang="zh")

    def walk() -> folium.Map:
        stops = due.assign(stop=range(1, len(due) + 1), done=[i < 2 for i in range(len(due))])
        m = maps.base_map(bounds=grids.total_bounds)
        maps.walk_layer(m, stops, start=(due["lon"].iloc[0], due["lat"].iloc[0]), current=3, tooltip=due["head_name"])
        return m

    def hotspots() -> folium.Map:
        g = geo["village"].assign(gi_bin=[i % 7 - 3 for i in range(len(geo["village"]))])
        m = maps.base_map(bounds=g.total_bounds)
        cls = maps.gi_classes()
        maps.choropleth_layer(m, g, "gi_bin", cls.bins, cls.colors, fields=["name", "gi_bin"], name="Gi*")
        maps.add_legend(m, "热点", [(maps.GI_COLORS[b], str(b)) for b in range(3, -4, -1)])
        maps.heat_layer(m, due, name="heat")
        return m

    def clustered() -> folium.Map:
        m = maps.base_map(bounds=grids.total_bounds)
        maps.point_layer(m, due, tooltip_fields=["head_name"], popup_fields=["tags"], cluster=True)
        return m

    return {
        "townships": lambda: coverage("township", False),
        "villages": lambda: coverage("village", False),
        "grids and due households": lambda: coverage("grid", True),
        "walk": walk,
        "hotspots": hotspots,
        "clustered points": clustered,
    }


def _st_folium(monkeypatch: pytest.MonkeyPatch, m: folium.Map) -> dict:
    """What ``st_folium`` passes its component for the map (its assets this server's, as ``drawn`` sets)."""
    seen: list[dict] = []
    with monkeypatch.context() as mp:
        mp.setattr(SF, "_component_func", lambda **kw: seen.append(kw))
        maps.use_local_assets(maps.STATIC_URL, m)
        SF.st_folium(m, key="k")
    (sent,) = seen
    return sent


def _set_icon_once(script: str) -> str:
    """st_folium's script with each marker's ``setIcon`` statement once (it renders a map twice, and
    folium's ``Marker.render`` adds the statement each time)."""
    return re.sub(r"( *\w+\.setIcon\(\w+\);\n\n\n)\1", r"\1", script)


MAPS = ["townships", "villages", "grids and due households", "walk", "hotspots", "clustered points"]


@pytest.mark.parametrize("name", MAPS)
def test_drawn_sends_what_st_folium_sends(world, monkeypatch, name):
    d = UM.drawn(_fresh(world[name]))
    sent = _st_folium(monkeypatch, _fresh(world[name]))
    assert len(d.script) > 1000 and "var map_div = L.map(" in d.script
    assert d.script == _set_icon_once(sent["script"])
    assert (d.header, d.html, d.id) == (sent["header"], sent["html"], sent["id"])
    assert (d.bounds, d.zoom) == (sent["default"]["bounds"], sent["default"]["zoom"])
    assert (list(d.css_links), list(d.js_links)) == (sent["css_links"], sent["js_links"])


def test_each_marker_sets_its_icon_once(world, monkeypatch):
    d = UM.drawn(_fresh(world["walk"]))
    sent = _st_folium(monkeypatch, _fresh(world["walk"]))
    markers = d.script.count("L.marker(")
    assert markers >= 5 and d.script.count(".setIcon(") == markers
    assert sent["script"].count(".setIcon(") == 2 * markers  # st_folium renders the map twice


@pytest.mark.parametrize("name", MAPS)
def test_each_template_is_rendered_once(world, monkeypatch, name):
    """Every macro (header, html, script) of this project's elements runs once per ``drawn``; the
    GeoJSON is serialised once (st_folium: three times — the page, the map again, its own walk)."""
    m = _fresh(world[name])
    calls: Counter = Counter()
    real = jinja2.runtime.Macro.__call__

    def spy(self: jinja2.runtime.Macro, *args: object, **kw: object) -> object:
        if args and isinstance(args[0], maps._RenderedOnce):
            calls[(id(args[0]), self.name)] += 1
        return real(self, *args, **kw)

    monkeypatch.setattr(jinja2.runtime.Macro, "__call__", spy)
    UM.drawn(m)
    assert calls and max(calls.values()) == 1
    assert {part for _, part in calls} >= {"script"}


def test_bounds_are_folium_s(world, monkeypatch):
    """The layers' bounds from their arrays are the ones folium finds walking every point."""
    ours = {name: _fresh(world[name]).get_bounds() for name in MAPS}
    monkeypatch.setattr(maps._GeoJson, "_get_self_bounds", folium.GeoJson._get_self_bounds)
    monkeypatch.setattr(maps._HeatMap, "_get_self_bounds", folium.plugins.HeatMap._get_self_bounds)
    folium_s = {name: _fresh(world[name]).get_bounds() for name in MAPS}
    assert ours == folium_s
    assert all(isinstance(v, float) for b in ours.values() for corner in b for v in corner)


def test_bounds_without_features_or_with_empty_areas():
    """Areas without a polygon add nothing to the bounds; a layer of none has folium's (None) bounds."""
    square = Polygon([(107.8, 30.6), (107.9, 30.6), (107.9, 30.7), (107.8, 30.7)])
    g = gpd.GeoDataFrame({"code": ["A", "B", "C"], "v": [1.0, 2.0, 3.0]}, geometry=[square, None, Polygon()])
    m = maps.base_map()
    layer = maps.choropleth_layer(m, g, "v", [0, 2, 4], ["#000000", "#ffffff"])
    assert layer.get_bounds() == [[30.6, 107.8], [30.7, 107.9]]
    empty = maps.choropleth_layer(m, g.iloc[1:], "v", [0, 2, 4], ["#000000", "#ffffff"])
    assert empty.get_bounds() == [[None, None], [None, None]]
    heat = maps.heat_layer(m, pd.DataFrame({"lon": [], "lat": []}))
    assert heat.get_bounds() == [[None, None], [None, None]]


def test_the_page_is_whole_when_rendered_the_usual_way(world):
    """``render_elements`` leaves out the scripts only when asked: the map's page still has them."""
    m = _fresh(world["grids and due households"])
    page = m.get_root().render()
    assert page.count("L.geoJson(") == 2 and "bindTooltip" in page
