"""A click reruns only what it changes (issue 16 §1): the coverage page's map, table and due list and
the weekly page's forms are fragments.

AppTest (Streamlit 1.67) always reruns the whole script; the browser sends a widget of a fragment
back with that fragment's id, and the server then runs the fragment alone. :func:`fragment_run` does
the same here: the next run is asked for with the fragment's id, as the browser asks for it (it
reaches into AppTest's runner — ``RerunData`` and the fragment storage — pinned with streamlit==1.67.0).
"""
from __future__ import annotations

import datetime as dt
import functools

import pytest

from tests import factories as F

TODAY = dt.date(2026, 11, 26)


def fragment_ids(at) -> dict[str, str]:
    """{name of the page's function: its fragment id} of the fragments of the last run."""
    out = {}
    for fid, wrapped in at._fragment_storage._fragments.items():
        for cell in wrapped.__closure__ or ():
            try:
                v = cell.cell_contents
            except ValueError:
                continue
            name = getattr(v, "__name__", "")
            if callable(v) and name not in ("", "wrapped_fragment"):
                out[name] = fid
                break
    return out


def fragment_run(at, name: str):
    """Run the page as the browser does after a widget of fragment ``name`` changed.

    AppTest forgets between runs that app.py uses st.navigation (it resets
    ``PagesManager.uses_pages_directory``, and a run of a fragment alone never calls st.navigation),
    so a whole-app rerun asked for by the fragment would start the page file by itself; a server
    remembers it from the session's first run, and so does this run."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test as A
    from streamlit.testing.v1 import local_script_runner as L

    class Remembering(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    real_data, real_pages = L.RerunData, A.PagesManager
    L.RerunData = functools.partial(real_data, fragment_id_queue=[fragment_ids(at)[name]])
    A.PagesManager = Remembering
    try:
        return at.run()
    finally:
        L.RerunData, A.PagesManager = real_data, real_pages


@pytest.fixture()
def counted(monkeypatch):
    """Every figure a run asks for (ui/shared.py) and every sidebar drawn."""
    from ui import common as C
    from ui import shared

    seen: list[str] = []
    call, sidebar = shared.call, C.sidebar
    monkeypatch.setattr(shared, "call", lambda con, fn, *a, **k: seen.append(fn.__name__) or call(con, fn, *a, **k))
    monkeypatch.setattr(C, "sidebar", lambda: seen.append("sidebar") or sidebar())
    return seen


def test_coverage_parts_are_fragments(tiny_ro, monkeypatch, counted):
    _, path = tiny_ro
    at = F.signed_in_app(monkeypatch, path, "office", today=TODAY, page="pages/coverage.py")
    assert {"map_part", "table_part", "due_part"} <= set(fragment_ids(at))
    assert "area_rows" in counted and "sidebar" in counted


def test_switching_the_map_colouring_reruns_the_map_alone(tiny_ro, monkeypatch, counted):
    from gis import maps

    _, path = tiny_ro
    keys: list[str] = []
    monkeypatch.setattr(maps, "render", lambda m, key, **kw: keys.append(key) or {})
    at = F.signed_in_app(monkeypatch, path, "office", today=TODAY, page="pages/coverage.py")
    counted.clear()
    keys.clear()
    at.radio(key="coverage_page.colour").set_value("shortfall")
    fragment_run(at, "map_part")
    assert not at.exception, at.exception
    assert counted == []                                   # no figure asked for, no sidebar drawn
    assert keys and keys[-1].startswith("coverage_page.map.shortfall")     # the map redrawn, recoloured


def test_a_map_click_on_an_area_drills_the_whole_page(tiny_ro, monkeypatch, counted):
    """A click on a village: the map's fragment runs, sees another area, and reruns the app for it."""
    from gis import maps

    _, path = tiny_ro
    click: dict = {}
    monkeypatch.setattr(maps, "render", lambda m, key, **kw: click)
    at = F.signed_in_app(monkeypatch, path, "office", today=TODAY, page="pages/coverage.py")
    counted.clear()
    click["last_active_drawing"] = {"type": "Feature", "properties": {"code": F.V11}}
    fragment_run(at, "map_part")
    click.clear()
    assert not at.exception, at.exception
    assert at.session_state["area"].code == F.V11
    assert "sidebar" in counted and "area_rows" in counted, counted      # the whole page again, for 甲村


def test_a_refused_visit_reruns_the_form_alone(tiny, monkeypatch, counted):
    _, path = tiny
    at = F.signed_in_app(monkeypatch, path, "grid_leader", today=dt.date(2026, 11, 22), page="pages/weekly.py")
    assert {"visit_form", "recent_visits"} <= set(fragment_ids(at))
    counted.clear()
    at.get("form_submit_button")[0].click()                # no household picked
    fragment_run(at, "visit_form")
    assert not at.exception, at.exception
    assert any("户" in e.value for e in at.error)
    assert "sidebar" not in counted and "staff_quota" not in counted


def test_a_saved_visit_reruns_the_whole_weekly_page(tiny, monkeypatch, counted):
    _, path = tiny
    at = F.signed_in_app(monkeypatch, path, "grid_leader", today=dt.date(2026, 11, 22), page="pages/weekly.py")
    counted.clear()
    at.selectbox(key="weekly_household").set_value("H02")
    at.date_input(key="weekly_date").set_value(dt.date(2026, 11, 21))
    at.get("form_submit_button")[0].click()
    fragment_run(at, "visit_form")
    assert not at.exception, at.exception
    assert any("已登记" in s.value for s in at.success)
    assert "sidebar" in counted and "staff_quota" in counted    # the week's numbers again, with the visit
    assert {m.label: m.value for m in at.metric}["走访天数"] == "4 / 3 天"
