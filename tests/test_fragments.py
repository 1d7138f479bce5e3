"""A click reruns only what it changes (issue 16 §1): the coverage page's map, table and due list and
the weekly page's forms are fragments.

AppTest (Streamlit 1.67) always reruns the whole script; the browser sends a widget of a fragment
back with that fragment's id, and the server then runs the fragment alone.
:func:`bench.pageviews.fragment_run` does the same here (the benchmark measures such clicks with it).
"""

from __future__ import annotations

import datetime as dt

import pytest

from bench.pageviews import fragment_ids, fragment_run
from i18n import t
from tests import factories as F

TODAY = dt.date(2026, 11, 26)


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
    # signed in through the form and the home page (app.py draws the sidebar there; AppTest's runs of a page
    # after switch_page run the page's file alone), then the coverage page
    at = F.signed_in_app(monkeypatch, path, "office", today=TODAY).switch_page("pages/coverage.py").run()
    assert not at.exception, at.exception
    assert {"map_part", "table_part", "due_part"} <= set(fragment_ids(at))
    assert "area_rows" in counted and "sidebar" in counted


def test_switching_the_map_colouring_reruns_the_map_alone(tiny_ro, monkeypatch, counted):
    from ui import maps

    _, path = tiny_ro
    keys: list[str] = []
    monkeypatch.setattr(maps, "render", lambda m, key, **kw: keys.append(key) or {})
    at = F.signed_in_app(monkeypatch, path, "office", today=TODAY, page="pages/coverage.py")
    counted.clear()
    keys.clear()
    at.radio(key="coverage_page.colour").set_value("shortfall")
    fragment_run(at, "map_part")
    assert not at.exception, at.exception
    assert counted == []  # no figure asked for, no sidebar drawn
    assert keys and keys[-1].startswith("coverage_page.map.shortfall")  # the map redrawn, recoloured


def test_a_map_click_on_an_area_drills_the_whole_page(tiny_ro, monkeypatch, counted):
    """A click on a village: the map's fragment runs, sees another area, and reruns the app for it."""
    from ui import maps

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
    assert "sidebar" in counted and "area_rows" in counted, counted  # the whole page again, for 甲村


def test_a_refused_visit_reruns_the_form_alone(tiny, monkeypatch, counted):
    _, path = tiny
    at = F.signed_in_app(monkeypatch, path, "grid_leader", today=dt.date(2026, 11, 22), page="pages/weekly.py")
    assert {"visit_form", "recent_visits"} <= set(fragment_ids(at))
    counted.clear()
    at.get("form_submit_button")[0].click()  # no household picked
    fragment_run(at, "visit_form")
    assert not at.exception, at.exception
    assert any("户" in e.value for e in at.error)
    assert "sidebar" not in counted and "staff_week" not in counted


def test_a_saved_visit_reruns_the_whole_weekly_page(tiny, monkeypatch, counted):
    _, path = tiny
    at = F.signed_in_app(monkeypatch, path, "grid_leader", today=dt.date(2026, 11, 22), page="pages/weekly.py")
    counted.clear()
    at.selectbox(key="weekly_household").set_value("H02")
    at.date_input(key="weekly_date").set_value(dt.date(2026, 11, 21))
    at.get("form_submit_button")[0].click()
    fragment_run(at, "visit_form")
    assert not at.exception, at.exception
    assert any(s.value.startswith(F.phrase("weekly_page.saved")) for s in at.success)
    assert "sidebar" in counted and "staff_week" in counted  # the week's numbers again, with the visit
    assert {m.label: m.value for m in at.metric}[t("weekly_page.metric.days")] == t(
        "weekly_page.metric.days_value", days=4, target=3
    )


def test_a_map_click_opens_the_area_without_drawing_the_old_map_again(tiny_ro, monkeypatch, counted):
    """streamlit-folium keeps a click under the map's key before the fragment runs: the fragment reads
    it there and reruns the app for the area clicked, without building and sending the old map first."""
    from ui import maps

    _, path = tiny_ro
    keys: list[str] = []
    monkeypatch.setattr(maps, "render", lambda m, key, **kw: keys.append(key) or {})
    at = F.signed_in_app(monkeypatch, path, "office", today=TODAY, page="pages/coverage.py")
    old = keys[-1]
    keys.clear()
    counted.clear()
    at.session_state[old] = {"last_active_drawing": {"type": "Feature", "properties": {"code": F.V11}}}
    fragment_run(at, "map_part")
    assert not at.exception, at.exception
    assert at.session_state["area"].code == F.V11
    assert old not in keys and len(keys) == 1, keys  # only 甲村's map drawn
    assert "sidebar" in counted and "area_rows" in counted, counted  # the whole page again, for 甲村
