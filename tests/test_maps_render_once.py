"""gis.maps renders each element's Jinja template once: the same output as branca's way, no second compile."""

from __future__ import annotations

import itertools

import folium
import geopandas as gpd
import jinja2
import numpy as np
import pandas as pd
import pytest
from branca.element import Element, MacroElement
from shapely.geometry import box

from gis import maps
from ui import maps as UM

MARK = "梁山街道一网格-{x}"


@pytest.fixture(autouse=True)
def fixed_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Element ids count up from 0, so two renderings of the same map can be compared byte for byte."""
    counter = itertools.count()
    monkeypatch.setattr(Element, "_generate_id", classmethod(lambda cls: f"{next(counter):032x}"))
    monkeypatch.setattr(UM, "static_url_prefix", lambda: maps.STATIC_URL)


def _small_map(name: str = MARK) -> folium.Map:
    """A choropleth of two grids, due households as points, a cluster with popups and a heat map, a walk, a legend."""
    frame = gpd.GeoDataFrame(
        {
            "code": ["G1", "G2"],
            "name": [name, "二网格\r\n<b>&</b>"],
            "households_text": ["10", "20"],
            "visited_text": ["9", "1"],
            "coverage": [0.9, np.nan],
        },
        geometry=[box(107.80, 30.67, 107.81, 30.68), box(107.81, 30.67, 107.82, 30.68)],
        crs="EPSG:4326",
    )
    due = pd.DataFrame(
        {
            "household_code": ["H1", "H2"],
            "head_name": [name, "李四"],
            "last_visit": [pd.NaT, pd.Timestamp("2026-11-02")],
            "tags": ["低保", ""],
            "lon": [107.805, 107.815],
            "lat": [30.675, 30.676],
        }
    )
    captions = {
        k: k for k in ("name", "households", "visited", "coverage", "head_name", "household_code", "last_visit", "tags")
    }
    m = maps.coverage_map(frame, maps.coverage_classes(0.8), captions, due, points_name="due")
    maps.point_layer(
        m,
        due,
        tooltip_fields=["head_name"],
        tooltip_aliases=["户主"],
        popup_fields=["tags"],
        popup_aliases=["标签"],
        cluster=True,
    )
    maps.heat_layer(m, due, name="heat")
    stops = due.assign(stop=[1, 2], done=[False, True])
    maps.walk_layer(m, stops, start=(107.80, 30.67), current=1, tooltip=[name, "H2"])
    return m


def _branca_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render as branca 0.8.2 and folium 0.20.0 do: each element's output compiled again as a template."""
    monkeypatch.setattr(maps._RenderedOnce, "render", MacroElement.render)
    monkeypatch.setattr(maps._Popup, "render", folium.Popup.render)


def _everything(d: UM.Drawn) -> tuple:
    return (d.script, d.header, d.html, d.id, d.bounds, d.zoom, d.css_links, d.js_links)


def test_drawn_map_is_the_same_as_rendered_by_branca(monkeypatch: pytest.MonkeyPatch) -> None:
    new = UM.drawn(_small_map())
    with monkeypatch.context() as mp:
        mp.setattr(Element, "_generate_id", classmethod(lambda cls, c=itertools.count(): f"{next(c):032x}"))
        _branca_way(mp)
        old = UM.drawn(_small_map())
    assert MARK in new.script and "李四" in new.script and "H2" in new.script
    assert _everything(new) == _everything(old)


def test_page_html_is_the_same_as_rendered_by_branca(monkeypatch: pytest.MonkeyPatch) -> None:
    new = _small_map().get_root().render()
    with monkeypatch.context() as mp:
        mp.setattr(Element, "_generate_id", classmethod(lambda cls, c=itertools.count(): f"{next(c):032x}"))
        _branca_way(mp)
        old = _small_map().get_root().render()
    assert new == old


def test_text_is_not_compiled_again(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real = jinja2.Environment.from_string

    def spy(self: jinja2.Environment, source: str, *a: object, **kw: object) -> jinja2.Template:
        compiled.append(str(source))
        return real(self, source, *a, **kw)

    m = _small_map()
    monkeypatch.setattr(jinja2.Environment, "from_string", spy)
    UM.drawn(m)
    assert not [s for s in compiled if MARK in s or "李四" in s or "\"G1\"" in s]  # tooltips, GeoJSON


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{{ 1/0 }}", "{% if true %}x{% endif %}", "{# gone #}"])
def test_template_syntax_in_a_name_is_shown_as_written(text: str) -> None:
    # branca's way evaluated it on the server while rendering the page (``{{ 1/0 }}`` raised)
    page = _small_map(text).get_root().render()
    assert page.count(text) == 4  # the area, the point, its clustered copy and the walk's tooltip
    assert UM.drawn(_small_map(text)).script.count(text) == 4


def test_text_element_writes_newlines_as_jinja_does() -> None:
    for text in ["a\r\nb\rc\n", "a\n\n", "", "\n", "x"]:
        assert maps._Text(text).render() == Element(text).render()
