"""The coverage page (issue 6): page numbers = analytics.reports numbers, drill-down, due list,
scope, masking, escaping, map payload — on the tiny world (tests/factories.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from analytics import coverage as CP
from analytics import reports
from auth.users import User
from gis import maps
from gis.maps import load_simplified
from gis.palette import NO_DATA_COLOR
from i18n import t
from tests import factories as F
from ui import maps as UM

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 26)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
XSS = "<script>alert(1)</script>"


def _escaped(page: str) -> bool:
    """The hostile name is in the map as escaped text (inside JSON, & is written \\u0026)."""
    return "&lt;script&gt;alert(1)" in page.replace("\\u0026", "&")


# ----------------------------------------------------------------------------- pure functions


@pytest.mark.parametrize("kinds", [("home",), ("home", "phone"), ("reception",)])
@pytest.mark.parametrize(
    "area,level,shown",
    [
        (F.COUNTY, "county", "township"),
        (F.T1, "township", "village"),
        (F.V11, "village", "grid"),
        (F.G121, "grid", "grid"),
    ],
)
def test_rows_are_the_report_rows(tiny_ro, area, level, shown, kinds):
    con, _ = tiny_ro
    lvl, rows = CP.area_rows(con, area, level, *YEAR, kinds=kinds)
    assert lvl == shown
    full = reports.coverage(con, shown, *YEAR, kinds=kinds)
    inside = set(con.execute("SELECT code FROM area_ancestors WHERE ancestor_code = ?", [area]).df()["code"])
    expected = full[full["code"].isin(inside)].reset_index(drop=True)
    pd.testing.assert_frame_equal(rows, expected)


def test_headline_matches_the_factory(tiny_ro):
    con, _ = tiny_ro
    assert CP.headline(con, F.T1, "township", *YEAR) == (6, 5, 0.8333)
    assert CP.headline(con, F.COUNTY, "county", *YEAR) == (8, 7, 0.875)
    assert CP.headline(con, F.G212, "grid", *YEAR).coverage is None  # no households: empty, not 0
    with_phone = CP.headline(con, F.T1, "township", *YEAR, kinds=("home", "phone"))
    assert with_phone == (6, 6, 1.0)


def test_scope_limits_rows(tiny_ro):
    con, _ = tiny_ro
    lvl, rows = CP.area_rows(con, F.T1, "township", *YEAR, scope=[F.T1])
    assert rows["code"].tolist() == [F.V11, F.V12]
    # "everything in my scope" for a user with two villages in different townships
    lvl, rows = CP.area_rows(con, None, "county", *YEAR, scope=[F.V12, F.V21])
    assert lvl == "village" and rows["code"].tolist() == [F.V12, F.V21]


def test_monthly_trend_in_duckdb(tiny_ro):
    con, _ = tiny_ro
    trend = CP.monthly_trend(con, "township", F.COUNTY, TODAY)
    assert len(trend) == 2 * 12
    assert trend["month"].min() == pd.Timestamp("2025-12-01")
    t1 = trend[trend["code"] == F.T1].set_index("month")
    assert t1.loc[pd.Timestamp("2026-11-01"), "visited"] == 5
    assert t1.loc[pd.Timestamp("2026-11-01"), "coverage"] == pytest.approx(0.8333)
    t2 = trend[trend["code"] == F.T2].set_index("month")
    assert t2.loc[pd.Timestamp("2026-03-01"), "visited"] == 1  # H09 in March
    grid = CP.monthly_trend(con, "grid", F.V21, TODAY)
    lists = CP.trend_lists(grid)
    assert lists[F.G212] == []  # no households: no line
    assert len(lists[F.G211]) == 12 and lists[F.G211][-1] == 50.0


@pytest.mark.parametrize(
    "kinds, t1_nov, t2_nov, t2_mar",
    [
        (("home", "phone"), 6, 1, 1),  # H07's phone call counts: all 6 of T1's active households
        (("phone",), 1, 0, 0),
        (("reception",), 1, 0, 0),  # H02, received by the secretary on 2026-11-20
        (("meeting",), 0, 0, 0),
        (("meeting", "reception", "phone"), 2, 0, 0),
    ],
)
def test_monthly_trend_of_other_kinds(tiny_ro, kinds, t1_nov, t2_nov, t2_mar):
    """Known answers for the kinds of visit counted, per month (on PostgreSQL from the day sets, 0018);
    the moved household H03's home visit never counts."""
    con, _ = tiny_ro
    trend = CP.monthly_trend(con, "township", F.COUNTY, TODAY, kinds=kinds)
    t1 = trend[trend["code"] == F.T1].set_index("month")
    t2 = trend[trend["code"] == F.T2].set_index("month")
    assert t1.loc[pd.Timestamp("2026-11-01"), "visited"] == t1_nov
    assert t1.loc[pd.Timestamp("2026-10-01"), "visited"] == 0
    assert t2.loc[pd.Timestamp("2026-11-01"), "visited"] == t2_nov
    assert t2.loc[pd.Timestamp("2026-03-01"), "visited"] == t2_mar
    assert int(trend["visited"].sum()) == t1_nov + t2_nov + t2_mar
    assert set(t1["households"]) == {6}


def test_trend_months():
    assert CP.trend_months(dt.date(2026, 1, 15)) == (dt.date(2025, 2, 1), dt.date(2026, 1, 15))


def test_classes_have_the_benchmark_break_and_grey_no_data():
    c = maps.coverage_classes(0.978)
    assert 0.978 in c.bins and len(c.colors) <= 7
    assert maps.classify([0.99, 0.977, None], c.bins, c.colors, NO_DATA_COLOR) == [
        c.colors[-1],
        c.colors[-2],
        NO_DATA_COLOR,
    ]
    items = UM.coverage_legend(c, "zh")
    assert items[0] == (c.colors[-1], "达到基准 97.8 %")
    assert items[-1] == (NO_DATA_COLOR, t("legend.no_data"))
    assert "低于 50 %" in [label for _, label in items]
    assert 0.9 in maps.coverage_classes(0.9).bins and maps.coverage_classes(0.9).bins[-1] == 1.0


def test_clicked_code():
    from ui.map_clicks import clicked_code

    assert clicked_code(None) is None
    assert clicked_code({"last_active_drawing": None}) is None
    assert clicked_code({"last_active_drawing": {"properties": {"code": F.T1}}}) == F.T1
    assert clicked_code({"last_active_drawing": {"properties": {"code": "a&amp;b"}}}) == "a&b"
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame(
        {"code": ["A", "B"]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=4326
    )
    assert clicked_code({"last_object_clicked": {"lat": 0.5, "lng": 1.5}}, frame) == "B"
    assert clicked_code({"last_object_clicked": {"lat": 5, "lng": 5}}, frame) is None


def test_due_households_oldest_first_with_tags(tiny_ro):
    con, _ = tiny_ro
    due = CP.due_households(con, F.COUNTY, TODAY, days=182)
    assert due["household_code"].tolist() == ["H07", "H09"]  # never visited, then March
    assert due.loc[1, "tags"] == "特困"
    same = reports.unvisited(con, F.COUNTY, TODAY, days=182)
    assert due["household_code"].tolist() == same["household_code"].tolist()
    grid = CP.due_households(con, F.G121, TODAY, days=182)
    assert grid["household_code"].tolist() == ["H07"]


def test_due_households_masked_per_role(tiny_ro):
    con, _ = tiny_ro
    early = dt.date(2026, 11, 1)
    admin = CP.due_households(con, F.COUNTY, early, days=182, user=User("admin", "admin", []))
    leader = CP.due_households(con, F.COUNTY, early, days=182, user=User("leader", "leader", [F.COUNTY]))
    a = admin.set_index("household_code")
    b = leader.set_index("household_code")
    assert a.loc["H01", "phone"] == "13812341234" and a.loc["H01", "tags"] == "低保、空巢老人"
    assert b.loc["H01", "phone"] == "138****1234" and b.loc["H01", "head_name"] == "张*"
    assert a.loc["H04", "tags"] == "留守儿童" and b.loc["H04", "tags"] is None  # sensitive: withheld (auth/masking.py)
    assert b[["lon", "lat"]].isna().all().all() and not a[["lon", "lat"]].isna().any().any()
    office = CP.due_households(con, None, early, days=182, scope=[F.T1], user=User("office", "office", [F.T1]))
    assert set(office["grid_code"]) <= {F.G111, F.G112, F.G121}
    assert office.set_index("household_code").loc["H01", "phone"] == "13812341234"


def test_map_payload_small_rounded_and_escaped(tiny_ro):
    con, _ = tiny_ro
    geoms = load_simplified(con, "township")
    _, rows = CP.area_rows(con, F.COUNTY, "county", *YEAR)
    frame = CP.map_frame(geoms, rows)
    due = CP.due_households(con, F.COUNTY, dt.date(2026, 11, 1), days=182)
    assert XSS in due["head_name"].tolist()
    labels = {
        k: k for k in ["name", "households", "visited", "coverage", "household_code", "head_name", "last_visit", "tags"]
    }
    m = UM.coverage_map(frame, maps.coverage_classes(0.978), labels, due=due)
    page = m.get_root().render()
    size = maps.payload_size(m)
    assert size < 40_000, size
    assert XSS not in page and _escaped(page)
    assert "cdn.jsdelivr" not in page and "/app/static/vendor/leaflet" in page
    coords = re.findall(r"\[(-?\d+\.\d+),(-?\d+\.\d+)\]", page)
    assert coords and all(len(x.split(".")[1]) <= 6 for pair in coords for x in pair)
    # compact JSON (gis.maps.JSON_POLICY): no blanks after , and :, Chinese as it is, not \uXXXX
    assert '"type":"Feature"' in page and '"type": "Feature"' not in page
    assert "一镇" in page and not re.search(r"\\u[4-9][0-9a-f]{3}", page)
    for g in frame.geometry:
        for x, y in g.exterior.coords:
            assert round(x, 5) == x and round(y, 5) == y
    assert len(frame) == 2 and len(frame) <= CP.MAX_POLYGONS


# ----------------------------------------------------------------------------- the page (AppTest)


def _app(monkeypatch, path, user="admin", today=TODAY):
    return F.signed_in_app(monkeypatch, path, user, today=today, page="pages/coverage.py")


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(at) -> str:
    """Everything a person could read on the page (markdown, captions, metrics, tables, widgets)."""
    parts: list[str] = []
    for el in at.main:
        for attr in ("value", "label", "body"):
            v = getattr(el, attr, None)
            if isinstance(v, pd.DataFrame):
                parts.append(v.to_csv())
            elif isinstance(v, str):
                parts.append(v)
    for el in at.sidebar:
        for attr in ("value", "label", "options"):
            v = getattr(el, attr, None)
            if v is not None:
                parts.append(str(v))
    return "\n".join(parts)


def _area_table(at) -> pd.DataFrame:
    return at.dataframe[0].value


def test_page_numbers_equal_reports(tiny_ro, monkeypatch):
    con, path = tiny_ro
    at = _app(monkeypatch, path)
    m = _metrics(at)
    assert m[t("figure.households")] == "8" and m[t("figure.visited")] == "7" and m[t("figure.coverage")] == "87.5 %"
    assert m[t("coverage_page.metric_benchmark")] == "97.8 %" and m[t("figure.due")] == "2"
    table = _area_table(at)
    expected = reports.coverage(con, "township", *YEAR)
    expected["coverage"] = expected["coverage"] * 100  # shown as "83.3 %" (× 100)
    got = table[list(expected.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert all(len(x) == 12 for x in table["trend"])
    assert not at.exception
    # the page is a map, a table and the due list
    assert [e.type for e in at.main if e.type == "component_instance"]


def test_map_click_drills_down(tiny_ro, monkeypatch):
    _, path = tiny_ro
    clicks: list[str] = []

    def fake_render(m, key, height=480, returned_objects=("last_object_clicked",), width=None):
        assert list(returned_objects) in (["last_active_drawing"], [])  # only the clicked object
        if key.startswith("coverage_page.map") and not clicks:
            clicks.append(key)
            return {"last_active_drawing": {"type": "Feature", "properties": {"code": F.T1}}}
        return {"last_active_drawing": None}

    monkeypatch.setattr(UM, "render", fake_render)
    at = _app(monkeypatch, path)
    assert clicks
    m = _metrics(at)
    assert m[t("figure.households")] == "6" and m[t("figure.coverage")] == "83.3 %"  # township T1 一镇
    assert _area_table(at)["code"].tolist() == [F.V12, F.V11]  # worst projected shortfall first
    assert at.session_state["area"].code == F.T1
    assert not at.exception


def test_click_outside_the_drawn_areas_is_ignored(tiny_ro, monkeypatch):
    _, path = tiny_ro
    monkeypatch.setattr(UM, "render", lambda *a, **k: {"last_active_drawing": {"properties": {"code": "nope"}}})
    at = _app(monkeypatch, path)
    assert _metrics(at)[t("figure.households")] == "8"
    assert not at.exception


def test_grid_level_lists_h07(tiny_ro, monkeypatch):
    _, path = tiny_ro
    from ui.common import Area

    at = _app(monkeypatch, path)
    at.session_state["area"] = Area(code=F.G121, level="grid", name="第一网格")
    at.run()
    assert not at.exception
    assert _metrics(at)[t("figure.households")] == "2"
    due = at.dataframe[1].value
    assert due["household_code"].tolist() == ["H07"]
    assert _area_table(at)["code"].tolist() == [F.G121]


@pytest.mark.parametrize(("code", "level", "rows"), [(None, "county", "township"), (F.T1, "township", "village")])
def test_the_titles_name_the_level_in_lower_case_in_english(tiny_ro, monkeypatch, code, level, rows):
    """The map's and the table's titles say "Coverage by village" in English, not "Coverage by Village"."""
    _, path = tiny_ro
    from ui.common import Area

    at = _app(monkeypatch, path)
    at.session_state["lang"] = "en"
    at.session_state["area"] = Area(code=code, level=level, name="")
    at.run()
    assert not at.exception
    titles = [s.value for s in at.subheader]
    noun = t(f"level.noun.{rows}", "en")
    assert noun == rows  # the English noun is the level's name in lower case
    assert t("coverage_page.map_title", "en", level=noun) in titles, titles
    assert t("coverage_page.table_title", "en", level=noun) in titles, titles
    assert t("coverage_page.table_title", "zh", level=t(f"level.noun.{rows}", "zh")) == t(
        "coverage_page.table_title", "zh", level=t(f"level.{rows}", "zh")
    )  # Chinese has no case: the same title as before


def test_kinds_filter(tiny_ro, monkeypatch):
    _, path = tiny_ro
    at = _app(monkeypatch, path)
    at.multiselect(key="coverage_page.kinds").set_value(["home", "phone"]).run()
    assert not at.exception
    # H07's phone visit counts; another figure than home visits, so another name
    kinds = "、".join([t("kind.home"), t("kind.phone")])
    assert _metrics(at)[t("figure.visited_kinds", kinds=kinds)] == "8"
    assert t("figure.coverage") not in _metrics(at)
    assert _metrics(at)[t("figure.coverage_kinds", kinds=kinds)] == "100.0 %"
    at.multiselect(key="coverage_page.kinds").set_value([]).run()
    assert at.warning and _metrics(at)[t("figure.visited")] == "7"
    # the emptied box says so in the page's words, not Streamlit's English "Choose options"
    assert at.multiselect(key="coverage_page.kinds").placeholder == t("pick.at_least_one")


def test_the_legend_is_named_as_the_figure_of_the_kinds_counted(tiny_ro, monkeypatch):
    """Counting phone visits too, the map's legend reads as the figure above it (走访覆盖率（入户走访、电话）), not
    入户覆盖率."""
    _, path = tiny_ro
    seen: list[str] = []
    real = UM.render
    monkeypatch.setattr(UM, "render", lambda m, *a, **k: seen.append("\n".join((m.header, m.html, m.script))) or {})
    at = _app(monkeypatch, path)
    assert seen and t("legend.coverage") in seen[-1]
    at.multiselect(key="coverage_page.kinds").set_value(["home", "phone"]).run()
    assert not at.exception
    kinds = "、".join([t("kind.home"), t("kind.phone")])
    assert t("figure.coverage_kinds", kinds=kinds) in seen[-1] and t("legend.coverage") not in seen[-1]
    assert real is not UM.render


def test_office_never_sees_other_township(tiny_ro, monkeypatch):
    _, path = tiny_ro
    at = _app(monkeypatch, path, user="office")
    assert _metrics(at)[t("figure.households")] == "6"
    text = _texts(at)
    for code in (F.T2, F.V21, F.G211, F.G212, "H08", "H09", "二镇", "丙村"):
        assert code not in text, code
    assert _area_table(at)["code"].tolist() == [F.V12, F.V11]  # worst projected shortfall first
    assert not at.exception


def test_hostile_name_is_text(tiny_ro, monkeypatch):
    _, path = tiny_ro
    from ui.common import Area

    seen: list[str] = []
    real = UM.render

    def spy(m, *a, **k):  # what the browser is sent: the map rendered once (ui.maps.drawn)
        seen.append("\n".join((m.header, m.html, m.script)))
        return {}

    monkeypatch.setattr(UM, "render", spy)
    at = _app(monkeypatch, path, today=dt.date(2026, 11, 1))
    at.session_state["area"] = Area(code=F.G112, level="grid", name="第二网格")
    at.run()
    assert not at.exception, at.exception
    assert XSS in at.dataframe[1].value["head_name"].tolist()  # shown as text in the table
    assert seen and XSS not in seen[-1] and _escaped(seen[-1])  # escaped on the map
    assert real is not spy


def test_empty_database_says_what_to_do(tmp_path, monkeypatch):
    from auth import users as U
    from store import db

    path = F.new_db(tmp_path, "empty")
    con = db.connect(path)
    U.add_user(con, "admin", F.PASSWORD, "admin", [])
    at = _app(monkeypatch, path)
    assert t("empty.no_boundaries") in [i.value for i in at.info]
    con.close()


def test_export_is_audited(tiny, monkeypatch):
    """The coverage page's buttons go through ui/downloads.py: the file is made, and the download
    audited, when the browser asks for it (tests/test_downloads.py)."""
    con, path = tiny
    con.close()
    at = _app(monkeypatch, path)
    keys = [b.proto.id for b in at.get("download_button")]
    assert len(keys) == 4 and all("coverage_page.dl." in k for k in keys)


def test_the_view_is_made_before_any_of_it_is_drawn(tiny_ro, monkeypatch):
    """The map and the table are made with the figures, under the one spinner, before the first figure
    is drawn: the view reaches the browser at once, which then redraws the page once rather than once
    per part (BENCHMARKS.md, "Ninth session: a lighter coverage view")."""
    from ui import figures, shared

    _, path = tiny_ro
    events: list[str] = []
    real_drawn, real_metric = shared.drawn, figures.metric

    def drawn(read_at, name, build, *args):
        events.append(name)
        return real_drawn(read_at, name, build, *args)

    def metric(where, key, *args, **kwargs):
        events.append(f"metric.{key}")
        return real_metric(where, key, *args, **kwargs)

    at = F.signed_in_app(monkeypatch, path, "admin", today=TODAY)  # the overview, then this page
    monkeypatch.setattr(shared, "drawn", drawn)
    monkeypatch.setattr(figures, "metric", metric)
    at.switch_page("pages/coverage.py").run()
    assert not at.exception
    first = events.index("metric.households")
    assert {"coverage_page.map", "coverage_page.table"} <= set(events[:first]), events


def test_one_row_of_metrics_and_of_downloads_shows_them_all(tiny_ro, monkeypatch):
    """The five headline figures stand in one row, each pair of download buttons in another (one
    horizontal container each rather than columns: fewer elements to draw), every one of them shown."""
    _, path = tiny_ro
    at = _app(monkeypatch, path)
    rows = [b for b in at.main.container if b.proto.flex_container.direction == 2]  # HORIZONTAL
    kinds = [sorted({c.type for c in r.children.values()}) for r in rows]
    assert kinds.count(["metric"]) == 1 and kinds.count(["download_button"]) == 2, kinds
    metrics = next(r for r, k in zip(rows, kinds) if k == ["metric"])
    assert [m.label for m in metrics.children.values()] == [
        t("figure.households"),
        t("figure.visited"),
        t("figure.coverage"),
        t("coverage_page.metric_benchmark"),
        t("figure.due"),
    ]
    labels = [b.label for b in at.get("download_button")]
    assert labels == [t(f"coverage_page.export_{w}_{f}") for w in ("table", "due") for f in ("csv", "xlsx")]


def test_exports_have_chinese_headers(tiny_ro):
    import io

    from analytics import export
    from i18n import column_labels

    con, _ = tiny_ro
    _, rows = CP.area_rows(con, F.COUNTY, "county", *YEAR)
    csv = export.to_csv_bytes(rows).decode("utf-8-sig")
    assert csv.splitlines()[0] == "code,name,households,visited,coverage"
    xlsx = export.to_xlsx_bytes({t("coverage_page.sheet_coverage"): rows}, column_labels(rows.columns, "zh"))
    head = pd.read_excel(io.BytesIO(xlsx)).columns.tolist()
    assert head == [t(f"col.{c}") for c in ("code", "name", "households", "visited", "coverage")]


def _due_table(at):
    """The due list's table (its key starts with ``coverage_page.due.``)."""
    found = [d for d in at.dataframe if (d.key or "").startswith("coverage_page.due.")]
    assert len(found) == 1, [d.key for d in at.dataframe]
    return found[0]


def test_due_list_is_shown_a_page_at_a_time(tiny, monkeypatch, downloads):
    """One household a page (the county's two due: H07 never visited, then H09): page 2 shows the second
    row, its caption says so, a change of page reruns the list alone, a row ticked on page 2 opens
    that household's record, and the download holds both."""
    import csv
    import io

    from bench.pageviews import fragment_run

    _, path = tiny
    monkeypatch.setattr(CP, "DUE_PAGE_ROWS", 1)
    at = _app(monkeypatch, path)
    assert _due_table(at).value["household_code"].tolist() == ["H07"]
    captions = [c.value for c in at.caption]
    assert any(t("coverage_page.due_range_one", start="1", n="2") in c for c in captions), captions
    (pick,) = [w for w in at.number_input if w.key.startswith("coverage_page.due_page.")]
    assert pick.label == t("coverage_page.due_page", pages="2") and pick.max == 2

    from ui import shared

    asked: list[str] = []
    call = shared.call
    monkeypatch.setattr(shared, "call", lambda con, fn, *a, **k: asked.append(fn.__name__) or call(con, fn, *a, **k))
    pick.set_value(2)
    fragment_run(at, "due_part")
    assert not at.exception, at.exception
    assert asked == []  # the list alone: no figure asked for again
    table = _due_table(at)
    assert table.value["household_code"].tolist() == ["H09"]
    assert any(t("coverage_page.due_range_one", start="2", n="2") in c.value for c in at.caption)

    at.session_state[table.key] = {"selection": {"rows": [0], "columns": []}}  # tick page 2's first row
    at.run()  # the whole app: AppTest's run of a fragment alone cannot switch pages (a server can)
    assert not at.exception, at.exception
    assert at.session_state["household_code"] == "H09"
    assert [x.value for x in at.title] == [t("household.title")]  # the record's page, of H09

    rows = list(
        csv.DictReader(
            io.StringIO(F.download_bytes(downloads, t("coverage_page.file_due"), ".csv").decode("utf-8-sig"))
        )
    )
    assert [r["household_code"] for r in rows] == ["H07", "H09"]


def test_due_list_comes_back_on_its_page(tiny_ro, monkeypatch):
    """After the household's record the list is on the page it was on (the widget's own state is gone
    once another page ran); a list that fits one page has no page control."""
    _, path = tiny_ro
    monkeypatch.setattr(CP, "DUE_PAGE_ROWS", 1)
    at = _app(monkeypatch, path)
    (pick,) = [w for w in at.number_input if w.key.startswith("coverage_page.due_page.")]
    pick.set_value(2).run()
    at.switch_page("pages/household.py").run()
    assert not at.exception, at.exception
    at.switch_page("pages/coverage.py").run()
    assert not at.exception, at.exception
    assert _due_table(at).value["household_code"].tolist() == ["H09"]

    monkeypatch.setattr(CP, "DUE_PAGE_ROWS", 50)
    at.run()
    assert _due_table(at).value["household_code"].tolist() == ["H07", "H09"]
    assert not [w for w in at.number_input if w.key.startswith("coverage_page.due_page.")]
    assert any(t("coverage_page.due_count", n="2") in c.value for c in at.caption)


def _map_builds(monkeypatch, path, users: list[str]) -> list[int]:
    """How many coverage maps each user's first view of the page made (ui.maps.coverage_map: the shared
    cache's build), one after another, the shared cache empty at the start."""
    from ui import shared

    shared._drawn.clear()
    made: list[str] = []
    real = UM.coverage_map
    monkeypatch.setattr(UM, "coverage_map", lambda *a, **k: made.append("map") or real(*a, **k))
    builds = []
    for name in users:
        before = len(made)
        at = _app(monkeypatch, path, user=name)
        assert not at.exception, at.exception
        assert [e for e in at.main if e.type == "component_instance"]  # a map is drawn for each
        builds.append(len(made) - before)
    return builds


def test_two_office_accounts_of_one_township_share_one_map(tiny, monkeypatch):
    """The map is shared by what masking reads (the role and its areas), not by the user: a second office
    account of 一镇 gets the first one's map; a grid leader of the same township sees its households in
    full too, and gets it as well. Before, each user was part of the key: three builds."""
    from auth import users as U

    con, path = tiny
    U.add_user(con, "office2", F.PASSWORD, "office", [F.T1])
    U.add_user(con, "gl_t1", F.PASSWORD, "grid_leader", [F.T1])
    con.close()
    assert _map_builds(monkeypatch, path, ["office", "office2", "gl_t1"]) == [1, 0, 0]


def test_users_whose_masking_differs_never_share_a_map(tiny, monkeypatch):
    """A leader of 一镇 has the office's scope (一镇) but sees every household masked (no points on the
    map): each gets a map of their own, and so does the administrator."""
    from auth import users as U

    con, path = tiny
    U.add_user(con, "leader_t1", F.PASSWORD, "leader", [F.T1])
    con.close()
    assert _map_builds(monkeypatch, path, ["office", "leader_t1", "office"]) == [1, 1, 0]


def test_one_masking_key_means_the_same_households_shown(tiny_ro):
    """auth.masking.masking_key names what masking reads: users with one key see the county's due
    households alike (names, phones, addresses, tags, points), and users with different keys see them
    differently on this world (so the key cannot be coarser)."""
    from auth.masking import masking_key
    from auth.scope import mask_frame

    con, _ = tiny_ro
    users = [
        None,
        User("admin", "admin", []),
        User("leader", "leader", []),
        User("leader_t1", "leader", [F.T1]),
        User("office", "office", [F.T1]),
        User("office2", "office", [F.T1]),
        User("gl_t1", "grid_leader", [F.T1]),
        User("office_t2", "office", [F.T2]),
    ]
    full = CP.due_households(con, F.COUNTY, TODAY, days=90, user=None)
    assert len(full) >= 2
    shown = {u.name if u else None: mask_frame(full, u, con) for u in users}
    for a in users:
        for b in users:
            same = shown[a.name if a else None].equals(shown[b.name if b else None])
            assert same == (masking_key(a) == masking_key(b)), (a, b)


def test_a_click_that_opens_an_area_draws_nothing_of_the_part_it_leaves(tiny_ro, monkeypatch):
    """A map click or a table row that opens an area is read before its part is drawn: the run that
    opens it draws neither the old map nor the old table again (the browser would draw each only to
    drop it at once), and the page then shows the area opened."""
    import streamlit as st

    from bench.pageviews import fragment_run

    _, path = tiny_ro
    rendered: list[str] = []
    monkeypatch.setattr(UM, "render", lambda m, key, **k: rendered.append(key) or {})
    tables: list[str] = []
    real = st.dataframe
    monkeypatch.setattr(st, "dataframe", lambda *a, **k: tables.append(k.get("key")) or real(*a, **k))
    at = _app(monkeypatch, path)
    county_map = rendered[-1]  # the overview's map came before
    assert county_map.startswith("coverage_page.map."), rendered

    # the map: streamlit-folium keeps a click under the page's key, and the map's part runs alone
    rendered.clear()
    at.session_state[county_map] = {"last_active_drawing": {"type": "Feature", "properties": {"code": F.T1}}}
    fragment_run(at, "map_part")
    assert not at.exception, at.exception
    assert at.session_state["area"].code == F.T1 and _metrics(at)[t("figure.households")] == "6"
    assert county_map not in rendered and len(rendered) == 1, rendered  # 一镇's map alone

    # the table: 一镇's row of 甲村 ticked, and the table's part runs alone
    table = at.dataframe[0]
    row = table.value["code"].tolist().index(F.V11)
    tables.clear()
    at.session_state[table.key] = {"selection": {"rows": [row], "columns": []}}
    fragment_run(at, "table_part")
    assert not at.exception, at.exception
    assert at.session_state["area"].code == F.V11 and set(_area_table(at)["code"]) == {F.G111, F.G112}
    assert table.key not in tables and tables[0] != table.key, tables


def test_a_language_switch_draws_the_tables_anew(tiny_ro, monkeypatch):
    """Streamlit sizes a table's columns once, when it is first drawn, and keeps those widths: after a switch
    to English the widths measured for Chinese cut "Coverag", "Household c…" (the twenty-first session's walk
    at 1280 px). Both tables' keys hold the language, so a switch draws new tables, measured afresh."""
    _, path = tiny_ro
    at = _app(monkeypatch, path)
    zh = [at.dataframe[0].key, _due_table(at).key]
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    en = [at.dataframe[0].key, _due_table(at).key]
    assert all(k and ".zh." in k for k in zh), zh
    assert [k.replace(".zh.", ".en.") for k in zh] == en, (zh, en)
