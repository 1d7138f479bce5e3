"""The petition density picture in Debian's Chromium: a dense place in the top colour, a sparse one not.

A county-sized map (zoom 9, as 信访热点 opens on the county) of :func:`gis.maps.heat_layer` over a dense
town of 20,000 petitions (σ ≈ 1 km) and a countryside of 10,000 scattered over 15 km (~400 in a 3 km
cell, as the county data set's villages have a few hundred), served from memory with the
vendored Leaflet and leaflet.heat (no Streamlit server, no database). The heat canvas's pixels are read
back: with folium's options (``minOpacity`` 0.5, leaflet.heat's ``max`` 1) the countryside was as red as
the town (its middle [255, 23, 0]; now green). Screenshots: test-output/e2e/heat-*.png.
"""

from __future__ import annotations

import numpy as np
import pytest

from gis import maps, palette
from i18n import t
from tests.e2e.conftest import OUT
from tests.e2e.test_map_tooltips_browser import ORIGIN, _serve
from ui.maps import heat_legend

pytestmark = pytest.mark.e2e

VIEW = {"width": 480, "height": 520}
TOWN = (30.68, 107.80)  # (lat, lon)
COUNTRY = (30.62, 107.45)  # 35 km west of the town
#: the county's extent: the map opens at zoom 9 on it
BOUNDS = (107.25, 30.45, 108.00, 30.85)


def _petitions() -> np.ndarray:
    """20,000 petitions around the town (σ ≈ 1 km), 10,000 spread evenly over 15 km × 15 km of countryside."""
    rng = np.random.default_rng(0)
    town = np.column_stack([rng.normal(TOWN[0], 0.009, 20000), rng.normal(TOWN[1], 0.010, 20000)])
    country = np.column_stack(
        [COUNTRY[0] + rng.uniform(-0.07, 0.07, 10000), COUNTRY[1] + rng.uniform(-0.08, 0.08, 10000)]
    )
    return np.vstack([town, country])


def _top_color() -> tuple[int, int, int]:
    """The gradient's top colour (at 1) as RGB."""
    top = palette.HEAT_GRADIENT[max(palette.HEAT_GRADIENT)].lstrip("#")
    return tuple(int(top[i : i + 2], 16) for i in (0, 2, 4))


#: The reddest pixel within ``r`` pixels of a place: [r, g, b, a] with the largest r − g (the gradient's
#: top is red, its other colours have as much green as red or more).
_REDDEST = """([lat, lon, r]) => {
    const m = Object.values(window).find(v => v && v._container && v.eachLayer && v.getZoom);
    const c = m._container.querySelector('canvas.leaflet-heatmap-layer');
    const p = m.latLngToContainerPoint([lat, lon]);
    const d = c.getContext('2d').getImageData(Math.round(p.x) - r, Math.round(p.y) - r, 2 * r + 1, 2 * r + 1).data;
    let best = [0, 0, 0, 0];
    for (let i = 0; i < d.length; i += 4)
        if (d[i + 3] && (!best[3] || d[i] - d[i + 1] > best[0] - best[1])) best = [d[i], d[i + 1], d[i + 2], d[i + 3]];
    return {zoom: m.getZoom(), px: best}; }"""


def _is_top(px: list[int]) -> bool:
    """A pixel drawn in (nearly) the gradient's top colour, nearly opaque."""
    return px[3] >= 230 and all(abs(a - b) <= 40 for a, b in zip(px[:3], _top_color()))


def test_the_dense_place_is_top_colour_and_the_sparse_one_is_not(browser):
    m = maps.base_map(bounds=BOUNDS, tiles="none")
    maps.heat_layer(m, [tuple(p) for p in _petitions()], radius=12, blur=12, name="heat")
    ctx = browser.new_context(viewport=VIEW, locale="zh-CN")
    _serve(ctx, m.get_root().render())
    pg = ctx.new_page()
    try:
        pg.goto(f"{ORIGIN}/map.html")
        pg.wait_for_function("() => document.querySelector('canvas.leaflet-heatmap-layer') && window.L")
        pg.wait_for_timeout(500)
        OUT.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(OUT / "heat-dense-sparse.png"))
        town = pg.evaluate(_REDDEST, [*TOWN, 6])
        # the countryside's middle, 10 km across: none of it red
        country = pg.evaluate(_REDDEST, [*COUNTRY, 18])
    finally:
        ctx.close()
    assert town["zoom"] == 9, town
    assert _is_top(town["px"]), town
    assert country["px"][3] > 0, "the countryside's petitions are not drawn at all"
    assert not _is_top(country["px"]), country


@pytest.mark.parametrize(
    "width,legends,opened",
    [
        (480, 1, [True]),  # one legend on a map wider than a phone's: open
        (480, 2, [False, False]),  # 信访热点 with its density layer, a desk's half-width map: both folded
        (1000, 2, [True, True]),  # a wide map has room for both
        (390, 2, [False, False]),  # a phone: folded, as ever
    ],
)
def test_two_legends_open_folded_on_a_half_width_map(browser, width, legends, opened):
    """The colours' legend and the density layer's, both opened, covered a third of 信访热点's map at
    desk width (the twentieth session's walk): on a map narrower than ``LEGENDS_FOLD_BELOW`` they open
    folded to their titles; a tap opens one."""
    m = maps.base_map(bounds=BOUNDS, tiles="none")
    maps.add_legend(m, t("legend.hotspots"), [(maps.GI_COLORS[b], str(b)) for b in range(3, -4, -1)])
    if legends == 2:
        maps.heat_layer(m, [tuple(p) for p in _petitions()[::100]], radius=12, blur=12, name="heat")
        maps.add_legend(m, t("hotspots_page.map.heat_layer"), heat_legend())
    ctx = browser.new_context(viewport={"width": width, "height": 520}, locale="zh-CN")
    _serve(ctx, m.get_root().render())
    pg = ctx.new_page()
    try:
        pg.goto(f"{ORIGIN}/map.html")
        pg.wait_for_function(f"() => document.querySelectorAll('details.lx-legend').length === {legends}")
        OUT.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(OUT / f"heat-legends-{width}-{legends}.png"))
        got = pg.evaluate("() => Array.from(document.querySelectorAll('details.lx-legend')).map(d => d.open)")
        assert got == opened
        if not opened[0]:  # a tap on a title opens that legend
            pg.locator("details.lx-legend summary").first.click()
            assert pg.evaluate("() => document.querySelector('details.lx-legend').open")
    finally:
        ctx.close()
