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
