"""A coverage view from the shared cache draws the same map without building it again (issue 16):
``ui.maps.render`` of a map rendered once (``ui.maps.drawn``) sends streamlit-folium's component what
``st_folium`` sends, and a second session's view of the same area takes the map from the shared cache."""

from __future__ import annotations

import datetime as dt
import re

import geopandas as gpd
import pandas as pd
import pytest
import streamlit_folium as SF
from shapely.geometry import box

from analytics import coverage as CP
from gis import maps
from tests import factories as F
from ui import maps as UM
from ui import pace as UP

XSS = "<script>alert(1)</script>"


def _map() -> object:
    """A small coverage map with a hostile name, a point layer and the legend."""
    geoms = gpd.GeoDataFrame(
        {"code": ["G1", "G2"]},
        geometry=[box(107.80, 30.67, 107.81, 30.68), box(107.81, 30.67, 107.82, 30.68)],
        crs="EPSG:4326",
    )
    rows = pd.DataFrame({"code": ["G1", "G2"], "name": [XSS, "一网格"], "households": [3, 0], "visited": [2, 0]})
    rows["coverage"] = [2 / 3, None]
    frame = CP.map_frame(geoms, rows, "zh")
    due = pd.DataFrame(
        {
            "household_code": ["H1"],
            "head_name": ["张三"],
            "last_visit": [None],
            "tags": [""],
            "lon": [107.805],
            "lat": [30.675],
        }
    )
    labels = {k: k for k in ("name", "households", "visited", "coverage", "household_code", "head_name")}
    labels |= {"last_visit": "last_visit", "tags": "tags"}
    return UM.coverage_map(frame, maps.coverage_classes(0.978), labels, due=due, lang="zh")


def _sent(monkeypatch, draw) -> dict:
    """The arguments the component was called with (folium's random ids made equal)."""
    seen: list[dict] = []
    monkeypatch.setattr(SF, "_component_func", lambda **kw: seen.append(kw) or None)
    draw()
    assert len(seen) == 1
    kw = {k: v for k, v in seen[0].items() if k not in ("on_change", "key")}
    return {k: re.sub(r"[0-9a-f]{32}", "ID", v) if isinstance(v, str) else v for k, v in kw.items()}


@pytest.mark.parametrize("returned", [["last_active_drawing"], []])
def test_render_sends_what_st_folium_sends(monkeypatch, returned):
    """The same script, header, html, links, defaults and sizes as st_folium's own call; the widget's
    key is st_folium's too (a hash of the script and the page's key)."""
    UM.maps.use_local_assets(UM.static_url_prefix())
    want = _sent(
        monkeypatch,
        lambda: SF.st_folium(_map(), key="k", height=520, use_container_width=True, returned_objects=returned),
    )
    got = _sent(monkeypatch, lambda: UM.render(_map(), key="k", height=520, returned_objects=returned))
    assert got == want
    assert "&lt;script&gt;alert(1)" in got["script"].replace("\\u0026", "&") and XSS not in got["script"]
    d = UM.drawn(_map())
    assert _sent(monkeypatch, lambda: UM.render(d, key="k", height=520, returned_objects=returned)) == want


def test_drawn_map_pickles():
    """What the shared cache keeps: a rendered map survives pickling unchanged."""
    import pickle

    d = UM.drawn(_map())
    assert pickle.loads(pickle.dumps(d)) == d and "/app/static/vendor/leaflet" in " ".join(d.js_links)


# ----------------------------------------------------------------------------- the page (AppTest)


def test_another_session_takes_the_map_from_the_shared_cache(tiny_ro, monkeypatch):
    """A second session viewing the same area builds no folium map and renders none: it draws the one
    the first session rendered (the same script), beside the same table, not put together again;
    another colouring, or another area, is built anew (the coverage page's maps are
    ui.maps.coverage_map's and ui.pace.shortfall_map's, its table analytics.coverage.table_frame's)."""
    import streamlit as st

    from ui.common import Area

    _, path = tiny_ro
    built: list[str] = []
    sent: list[str] = []
    real_coverage, real_shortfall = UM.coverage_map, UP.shortfall_map

    def coverage_map(*a, **k):
        built.append("coverage")
        return real_coverage(*a, **k)

    def shortfall_map(*a, **k):
        built.append("shortfall")
        return real_shortfall(*a, **k)

    def spy_render(m, key, **kw):
        if key.startswith("coverage_page.map"):  # not the overview's map at sign-in
            sent.append(m.script if isinstance(m, UM.Drawn) else UM.drawn(m).script)
        return {}

    monkeypatch.setattr(UM, "coverage_map", coverage_map)
    real_table = CP.table_frame
    monkeypatch.setattr(CP, "table_frame", lambda *a, **k: built.append("table") or real_table(*a, **k))
    monkeypatch.setattr(UP, "shortfall_map", shortfall_map)
    monkeypatch.setattr(UM, "render", spy_render)
    st.cache_data.clear()
    first = F.signed_in_app(monkeypatch, path, "admin", today="2026-11-26", page="pages/coverage.py")
    assert not first.exception and built == ["coverage", "table"] and len(sent) == 1
    second = F.signed_in_app(monkeypatch, path, "admin", today="2026-11-26", page="pages/coverage.py")
    assert not second.exception
    assert built == ["coverage", "table"], "the second session built the map or the table again"
    assert len(sent) == 2 and sent[1] == sent[0]
    second.radio(key="coverage_page.colour").set_value("shortfall").run()  # another colouring: another map
    assert not second.exception and built[2:] == ["shortfall"] and sent[-1] != sent[0]
    second.session_state["area"] = Area(code=F.T1, level="township", name="一镇")
    second.radio(key="coverage_page.colour").set_value("coverage").run()  # another area: both anew
    assert not second.exception and sorted(built[3:]) == ["coverage", "table"] and sent[-1] != sent[0]


def test_a_saved_visit_draws_the_map_and_table_anew(tiny, monkeypatch):
    """The data's version is in the key: after a visit is saved, the next view (of any session) builds
    the map and the table again, with the visit counted."""
    import streamlit as st

    from i18n import t

    con, path = tiny
    built: list[str] = []
    real_coverage, real_table = UM.coverage_map, CP.table_frame
    monkeypatch.setattr(UM, "coverage_map", lambda *a, **k: built.append("map") or real_coverage(*a, **k))
    monkeypatch.setattr(CP, "table_frame", lambda *a, **k: built.append("table") or real_table(*a, **k))
    st.cache_data.clear()
    at = F.signed_in_app(monkeypatch, path, "office", today="2026-11-26", page="pages/coverage.py")
    assert built == ["map", "table"]
    F.add_visit(con.cursor(), "H07", "S2", dt.date(2026, 11, 25))  # another connection, as another view would
    at.run()
    assert not at.exception and built == ["map", "table"] * 2
    assert {m.label: m.value for m in at.metric}[t("figure.visited")] == "6"


def test_one_version_reads_the_version_once(tiny_ro, monkeypatch):
    """Shared calls inside ``one_version`` read the data's version once; outside, once each; a
    ``derived`` argument reaches the function but not the key."""
    import streamlit as st

    from store import version as V
    from ui import shared

    con, path = tiny_ro
    monkeypatch.setenv("LIANXIN_DB", str(path))
    reads: list[int] = []
    real = V.current
    monkeypatch.setattr(V, "current", lambda c: reads.append(1) or real(c))
    st.cache_data.clear()
    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with shared.one_version(con):
        level, rows = shared.call(con, CP.area_rows, F.COUNTY, "county", *year, ["home"], None)
        head = shared.call(con, CP.headline, None, "county", *year, ["home"], None, derived={"rows": rows})
    assert len(reads) == 1 and head.households == 8  # "everything": the sum of the rows passed
    again = shared.call(con, CP.headline, None, "county", *year, ["home"], None, derived={"rows": rows.head(1)})
    assert len(reads) == 2 and again == head  # the same key: the stored result, whatever rows were given


def test_a_fragment_after_a_write_keeps_its_map_under_the_old_version(tiny, monkeypatch):
    """Switching the colouring reruns the map's fragment alone, with the figures read before a visit
    was saved: the map it makes of them is kept under their version, so the next whole view (which
    reads the visit) builds its own map instead of taking that one."""
    import streamlit as st

    from bench.pageviews import fragment_run

    con, path = tiny
    built: list[str] = []
    real_coverage, real_shortfall = UM.coverage_map, UP.shortfall_map
    monkeypatch.setattr(UM, "coverage_map", lambda *a, **k: built.append("coverage") or real_coverage(*a, **k))
    monkeypatch.setattr(UP, "shortfall_map", lambda *a, **k: built.append("shortfall") or real_shortfall(*a, **k))
    st.cache_data.clear()
    at = F.signed_in_app(monkeypatch, path, "office", today="2026-11-26", page="pages/coverage.py")
    F.add_visit(con.cursor(), "H07", "S2", dt.date(2026, 11, 25))
    at.radio(key="coverage_page.colour").set_value("shortfall")
    fragment_run(at, "map_part")  # the figures of before the visit, recoloured
    assert not at.exception and built == ["coverage", "shortfall"]
    other = F.signed_in_app(monkeypatch, path, "office", today="2026-11-26", page="pages/coverage.py")
    other.radio(key="coverage_page.colour").set_value("shortfall").run()  # the visit counted: its own map
    assert not other.exception and built[2:] == ["coverage", "shortfall"]
