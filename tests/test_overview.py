"""The overview: headline figures beside their benchmarks, for the tiny world (tests/factories.py)."""

from __future__ import annotations

import datetime as dt

from analytics import overview
from i18n import t
from tests import factories as F

TODAY = dt.date(2026, 11, 26)
YEAR = (dt.date(2026, 1, 1), TODAY)


def test_headline_county(tiny_ro):
    con, _ = tiny_ro
    h = overview.headline(con, *YEAR, None, TODAY)
    # 8 active households in grids (H03 moved, H10 outside every grid: unassigned, listed apart)
    assert (h["households"], h["unassigned"], h["grids"], h["staff"]) == (8, 1, 5, 3)
    # home-visited this year: all but H07 (phone only)
    assert (h["visited"], h["coverage"]) == (7, 0.875)
    assert h["benchmark_coverage"] == 0.978 and h["benchmark_solved"] == 0.84
    assert h["petitions"]["received"] == 4 and h["petitions"]["unlocated"] == 1


def test_headline_township_scope(tiny_ro):
    con, _ = tiny_ro
    h = overview.headline(con, *YEAR, [F.T1], TODAY)
    assert (h["households"], h["grids"], h["unassigned"]) == (6, 3, 0)
    assert (h["visited"], h["coverage"]) == (5, round(5 / 6, 4))


def _login(path, monkeypatch, name, lang=None):
    return F.signed_in_app(monkeypatch, path, name, today=TODAY, lang=lang)


def test_overview_page_for_admin_and_office(tiny_ro, monkeypatch):
    _, path = tiny_ro
    at = _login(path, monkeypatch, "admin")
    m = {x.label: x.value for x in at.metric}
    assert m[t("figure.households")] == "8" and m[t("figure.grids")] == "5" and m[t("figure.coverage")] == "87.5 %"
    assert m[t("figure.petitions_received")] == "4"
    assert not at.error
    at = _login(path, monkeypatch, "office")
    m = {x.label: x.value for x in at.metric}
    assert m[t("figure.households")] == "6" and m[t("figure.grids")] == "3"
    text = " ".join(str(x.value) for x in at.markdown) + " ".join(str(x.value) for x in at.caption)
    assert "二镇" not in text


def test_overview_in_english(tiny_ro, monkeypatch):
    _, path = tiny_ro
    at = _login(path, monkeypatch, "admin", lang="en")
    labels = [x.label for x in at.metric]
    assert t("figure.households", "en") in labels and not any("户" in label for label in labels)


def test_language_switch_keeps_the_sidebar_working(tiny_ro, monkeypatch):
    """Switching to English after signing in re-labels every widget; nothing breaks (it once did)."""
    _, path = tiny_ro
    at = _login(path, monkeypatch, "admin")
    at.radio(key="lang").set_value("en")
    at.run()
    assert not at.exception and not at.error
    assert t("figure.households", "en") in [x.label for x in at.metric]


def test_the_map_legend_reads_as_the_coverage_pages(tiny_ro, monkeypatch):
    """The overview's coverage legend has the coverage page's rows (best first, the benchmark named, grey "no
    households" last): it listed the classes the other way round and without the grey row."""
    from ui import maps as UM

    _, path = tiny_ro
    seen: list[str] = []
    monkeypatch.setattr(UM, "render", lambda m, *a, **k: seen.append(m.get_root().render()) or {})
    at = _login(path, monkeypatch, "admin")
    assert not at.exception and seen
    html = seen[-1]
    benchmark = t("legend.benchmark", value="")
    assert benchmark in html and t("legend.no_data") in html
    assert html.index(benchmark) < html.index(t("legend.no_data"))


def test_the_english_solved_rate_label_fits_its_column(tiny_ro, monkeypatch):
    """The solved rate's English label was cut in its column ("Issues solved (combin…"): a short label,
    "combined" said in the metric's help."""
    _, path = tiny_ro
    at = _login(path, monkeypatch, "admin", lang="en")
    metrics = {x.label: x for x in at.metric}
    solved = metrics[t("figure.solved_rate", "en")]
    assert len(solved.label) <= 20
    assert "Combined" in solved.proto.help


def test_the_table_shows_the_coverage_as_a_number(tiny_ro, monkeypatch):
    """The table under the map shows each area's coverage as its number (a progress bar beside it showed only
    the bar on a phone's width)."""
    import json

    _, path = tiny_ro
    at = _login(path, monkeypatch, "admin")
    assert not at.exception and at.dataframe
    columns = json.loads(at.dataframe[0].proto.columns or "{}")
    assert columns["coverage"]["type_config"]["type"] == "number"
