"""The maps' tooltips in Debian's Chromium at a phone's width: inside the map, and no empty rows.

The map is :mod:`gis.maps`' own HTML (``base_map`` and its layers, as every page draws it), served to
the browser from memory with the vendored Leaflet (no Streamlit server: nothing here asks for a
database). Screenshots: test-output/e2e/map-tooltip-*.png.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from gis import maps
from i18n import t
from tests.e2e.conftest import OUT

pytestmark = pytest.mark.e2e

#: a made-up origin: every request to it is answered by the route below, none leaves the machine
ORIGIN = "http://127.0.0.1:9"
PHONE = {"width": 390, "height": 640}


def _serve(ctx, html: str) -> None:
    """Answer ``ORIGIN/map.html`` with ``html`` and ``ORIGIN/app/static/…`` with the vendored files."""

    def answer(route):
        path = route.request.url.removeprefix(ORIGIN).split("?")[0]
        if path == "/map.html":
            return route.fulfill(body=html, content_type="text/html; charset=utf-8")
        if path.startswith(maps.STATIC_URL + "/"):
            f = maps.STATIC_DIR / path.removeprefix(maps.STATIC_URL + "/")
            if f.is_file():
                return route.fulfill(path=str(f))
        return route.abort()

    ctx.route("**/*", answer)


def _open(browser, m, name: str):
    """A phone-sized page showing the map ``m``; yields (page, the map's box)."""
    ctx = browser.new_context(viewport=PHONE, locale="en-US")
    _serve(ctx, m.get_root().render())
    pg = ctx.new_page()
    pg.goto(f"{ORIGIN}/map.html")
    pg.wait_for_function("() => document.querySelector('.leaflet-container') && window.L")
    pg.wait_for_timeout(300)
    return ctx, pg, pg.locator(".leaflet-container").bounding_box()


def _tooltip(pg, x: float, y: float) -> tuple[dict, str]:
    """Move the pointer to (x, y) from a little to the side; the open tooltip's box and text."""
    pg.mouse.move(x - 3, y)
    pg.mouse.move(x, y, steps=3)
    tip = pg.locator(".leaflet-tooltip").last
    tip.wait_for(state="visible", timeout=5_000)
    return tip.bounding_box(), tip.inner_text()


def test_a_wide_sticky_tooltip_stays_inside_the_map_on_a_phone(browser):
    """Hovered left of, right of and near each edge, the English tooltip of a long name lies inside the map
    (it ran past the left edge when the pointer was right of the map's centre, and was cut off), and
    leaves the pointer uncovered."""
    # one area reaching far beyond the view, so the pointer is over it anywhere on the map
    gdf = gpd.GeoDataFrame(
        {
            "code": ["A"],
            "name": ["Xinhua Road North Twelfth Grid, Liangshan Subdistrict, Liangping District"],
            "petitions": [17],
            "per_1000_text": ["12.50"],
        },
        geometry=[box(107.0, 30.0, 109.0, 31.5)],
        crs="EPSG:4326",
    )
    m = maps.base_map(bounds=(107.79, 30.66, 107.83, 30.70))
    cls = maps.rate_classes([0.0, 1e-9, 20.0])
    fields = ["name", "petitions", "per_1000_text"]
    aliases = [t("col.name", "en"), t("col.petitions", "en"), t("col.per_1000", "en")]
    maps.choropleth_layer(m, gdf, "petitions", cls.bins, cls.colors, fields=fields, aliases=aliases)
    ctx, pg, mb = _open(browser, m, "edges")
    try:
        for fx, fy in [(0.03, 0.3), (0.3, 0.5), (0.55, 0.5), (0.7, 0.1), (0.97, 0.3), (0.97, 0.9)]:
            x, y = mb["x"] + fx * mb["width"], mb["y"] + fy * mb["height"]
            tb, text = _tooltip(pg, x, y)
            pg.screenshot(path=str(OUT / f"map-tooltip-{int(fx * 100)}-{int(fy * 100)}.png"))
            assert t("col.per_1000", "en") in text
            assert tb["x"] >= mb["x"] - 0.5 and tb["x"] + tb["width"] <= mb["x"] + mb["width"] + 0.5, (fx, fy, tb, mb)
            assert tb["y"] >= mb["y"] - 0.5 and tb["y"] + tb["height"] <= mb["y"] + mb["height"] + 0.5, (fx, fy, tb, mb)
            # and beside, above or below the pointer, not over it (there is room on this map)
            assert not (tb["x"] < x < tb["x"] + tb["width"] and tb["y"] < y < tb["y"] + tb["height"]), (fx, fy, tb)
    finally:
        ctx.close()


def test_a_household_without_tags_has_no_tags_row(browser):
    """The coverage map's households: the tags row only for a household that has tags."""
    frame = gpd.GeoDataFrame(
        {"code": ["G1"], "name": ["G1"], "households_text": ["2"], "visited_text": ["0"], "coverage": [0.0]},
        geometry=[box(107.79, 30.66, 107.83, 30.70)],
        crs="EPSG:4326",
    )
    due = pd.DataFrame(
        {
            "household_code": ["H01", "H02"],
            "head_name": ["张三", "李四"],
            "last_visit": [pd.NaT, pd.Timestamp("2026-10-01")],
            "tags": ["", "低保"],
            "lon": [107.80, 107.82],
            "lat": [30.68, 30.68],
        }
    )
    labels = {
        "name": t("col.name", "en"),
        "households": t("col.households", "en"),
        "visited": t("col.visited", "en"),
        "coverage": t("col.coverage", "en"),
        "head_name": t("col.head_name", "en"),
        "household_code": t("col.household_code", "en"),
        "last_visit": t("col.last_visit", "en"),
        "tags": t("col.tags", "en"),
    }
    m = maps.coverage_map(frame, maps.coverage_classes(0.978), labels, due)
    ctx, pg, mb = _open(browser, m, "tags")
    try:
        texts = {}
        for code in ("H01", "H02"):
            # the household's point, where Leaflet drew it
            x, y = pg.evaluate(
                """(code) => { const m = Object.values(window).find(v => v && v._container && v.eachLayer);
                    let p = null; m.eachLayer(l => { if (l.feature && l.getLatLng && Object.values(
                        l.feature.properties).includes(code)) p = m.latLngToContainerPoint(l.getLatLng()); });
                    return [p.x, p.y]; }""",
                code,
            )
            _, texts[code] = _tooltip(pg, mb["x"] + x, mb["y"] + y)
            pg.screenshot(path=str(OUT / f"map-tooltip-household-{code}.png"))
        assert "H01" in texts["H01"] and t("col.head_name", "en") in texts["H01"]
        assert t("col.tags", "en") not in texts["H01"]
        assert t("col.tags", "en") in texts["H02"] and "低保" in texts["H02"]
    finally:
        ctx.close()
