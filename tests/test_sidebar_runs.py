"""The sidebar's way up and down the areas is one run of the page (issue 16 §1).

A breadcrumb button or a pick in the list of the area's children changes the area in a callback,
which Streamlit runs before the script: the page runs once, for the new area. (Before, the click's
run drew the sidebar for the old area, then asked for a second run.)

AppTest (Streamlit 1.67) does not show what app.py writes into the sidebar beside ``st.navigation``
(its sidebar block stays empty), so the sidebar runs here in a script of its own, as the signed-in
office user of the tiny world; each run notes, when it starts, the area it is drawn for.
"""

from __future__ import annotations

import datetime as dt
import tempfile

from tests import factories as F
from ui.common import Area

TODAY = dt.date(2026, 11, 26)


def _sidebar_alone() -> None:
    import streamlit as st

    from ui import common as C

    st.session_state["runs"] = [*st.session_state.get("runs", []), C.selected_area().code]  # at the run's start
    C.sidebar()


def _sidebar_app(monkeypatch, path, area: Area | None = None):
    from streamlit.testing.v1 import AppTest

    user = F.signed_in(monkeypatch, path, "office", today=TODAY).session_state["user"]
    at = AppTest.from_function(_sidebar_alone, default_timeout=60)
    at.session_state["user"] = user
    if area is not None:
        at.session_state["area"] = area
    at.run()
    assert not at.exception, at.exception
    at.session_state["runs"] = []
    return at


def test_a_breadcrumb_button_opens_the_area_above_in_one_run(tiny_ro, monkeypatch):
    _, path = tiny_ro
    at = _sidebar_app(monkeypatch, path, Area(code=F.G111, level="grid", name="第一网格"))
    up = [b for b in at.sidebar.button if b.key.startswith("crumb_") and b.key.endswith(F.V11)]
    assert len(up) == 1, [b.key for b in at.sidebar.button]
    up[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state["area"].code == F.V11
    assert at.session_state["runs"] == [F.V11]  # one run, already for 甲村


def test_picking_a_child_in_the_sidebar_opens_it_in_one_run(tiny_ro, monkeypatch):
    _, path = tiny_ro
    at = _sidebar_app(monkeypatch, path, Area(code=F.T1, level="township", name="一镇"))
    at.sidebar.selectbox(key=f"pick_{F.T1}").set_value(F.V11).run()
    assert not at.exception, at.exception
    assert at.session_state["area"].code == F.V11
    assert at.session_state["runs"] == [F.V11]


def _child_names(at, parent: str) -> list[str]:
    return at.sidebar.selectbox(key=f"pick_{parent}").options


def test_a_second_session_draws_the_sidebar_without_asking_the_store_for_areas(tiny_ro, monkeypatch):
    """The areas' lookups are shared between sessions (ui/shared.py, analytics.areas): the first session
    to draw a village's sidebar asks for its chain and grids, the next one is served what is stored."""
    from store import db
    from ui import shared

    shared._shared.clear()  # whatever other tests left: the first session below asks
    _, path = tiny_ro
    village = Area(code=F.V12, level="village", name="乙村")
    asked: list[str] = []
    real = db._params
    monkeypatch.setattr(db, "_params", lambda name, params, s: (asked.append(name), real(name, params, s))[1])
    first = _sidebar_app(monkeypatch, path, village)
    assert {"area_chain", "area_children"} <= set(asked), asked
    asked.clear()
    second = _sidebar_app(monkeypatch, path, village)
    assert _child_names(second, F.V12) == _child_names(first, F.V12) == ["—", "第一网格"]
    assert not {"area_get", "area_chain", "area_children", "areas_in_scope"} & set(asked), asked


def test_the_sidebar_shows_a_grid_renamed_by_an_import_at_the_next_run(tiny, monkeypatch):
    """Shared until the areas change: an import of the grids moves the data's version, and the next run of
    a session that already drew the village lists the grids' new names."""
    import geopandas as gpd
    import shapely

    from ingest.boundaries import import_boundaries

    con, path = tiny
    at = _sidebar_app(monkeypatch, path, Area(code=F.V11, level="village", name="甲村"))
    assert _child_names(at, F.V11) == ["—", "第一网格", "第二网格"]
    rows = F.AREAS["grid"]
    gdf = gpd.GeoDataFrame(
        {
            "code": [r[0] for r in rows],
            "name": ["改名网格" if r[0] == F.G112 else r[1] for r in rows],
            "parent_code": [r[2] for r in rows],
        },
        geometry=[shapely.box(*r[3]) for r in rows],
        crs="EPSG:4326",
    )
    import_boundaries(con, None, "grid", frame=gdf, source="grid.geojson")
    at.run()
    assert not at.exception, at.exception
    assert _child_names(at, F.V11) == ["—", "第一网格", "改名网格"]


def _double(x: int) -> int:
    return 2 * x


def test_a_process_started_after_an_app_test_runs_its_task(tiny_ro, monkeypatch):
    """Streamlit's script runner leaves its script as ``sys.modules["__main__"]``: a process started
    by spawn after an AppTest ran that script first, and AppTest.from_function's (this module's
    ``_sidebar_alone``) killed it — the several-writers tests of the PostgreSQL round then waited
    600 s on their processes (tests.clirun.bare_main)."""
    import sys

    _, path = tiny_ro
    _sidebar_app(monkeypatch, path)
    assert getattr(sys.modules["__main__"], "__file__", "").startswith(tempfile.gettempdir())
    assert F.in_processes(None, [(_double, (1,)), (_double, (2,))], timeout=120) == [2, 4]
