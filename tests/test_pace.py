"""Coverage pace (issue 21, part 1): the arithmetic, the numbers on the tiny world (tests/factories.py),
the backtest, the coverage page's sentence, map and table, and ``manage.py report pace`` equal to them.

On the tiny world, as of 2026-11-26 for the year 2026 (home visits; the 8-week window is
2026-10-02 … 2026-11-26, 5 weeks are left to 2026-12-31):

- T1 一镇: 6 households, 5 reached (all in November), none before the window: 5/8 = 0.625 a week;
  1 of 6 unreached stays unreached at (1/6)^(5/8) = 0.3263 → 5.67 households, 94.56 %;
  97.8 % of 6 is 5.87 → 6 households, 1 more in 5 weeks → 1 a week.
- T2 二镇: 2 households, both reached (H09 in March, before the window): 1/8 a week, 100 %.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest

from analytics import pace as P
from analytics import reports
from i18n import Message, t
from tests import factories as F
from tests.test_cli import run

D = dt.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))
TODAY = D(2026, 11, 26)


# ----------------------------------------------------------------------------- the arithmetic


def test_project_share_and_linear():
    hh, vis, before = np.array([100]), np.array([60]), np.array([44])
    share = P.project(hh, vis, before, 56, 70, 0.978).iloc[0]
    assert share["pace_per_week"] == 2.0
    # unreached 56 → 40 in 8 weeks; 10 more weeks keep (40/56)^(10/8) of the 40
    assert share["projected_visited"] == pytest.approx(100 - 40 * (40 / 56) ** 1.25, abs=0.05)
    assert share["projected"] == pytest.approx(0.7373)
    assert share["needed_per_week"] == 4  # ⌈(98 − 60) / 10⌉
    assert share["shortfall"] == pytest.approx(0.978 - 0.7373)
    linear = P.project(hh, vis, before, 56, 70, 0.978, method="linear").iloc[0]
    assert linear["projected"] == pytest.approx(0.8)  # 60 + 2 · 10
    capped = P.project(hh, vis, before, 56, 700, 0.978, method="linear").iloc[0]
    assert capped["projected"] == 1.0 and capped["shortfall"] == 0.0


def test_project_edges():
    out = P.project(np.array([10, 10, 0, 10]), np.array([10, 5, 0, 5]), np.array([5, 5, 0, 5]), 56, 0, 0.978)
    assert out["needed_per_week"].iloc[0] == 0  # reached: nothing needed
    assert pd.isna(out["needed_per_week"].iloc[1])  # over and not reached: no weekly figure
    assert out["projected"].iloc[1] == 0.5  # nothing left to project
    assert pd.isna(out["projected"].iloc[2]) and pd.isna(out["shortfall"].iloc[2])  # no households: empty
    assert out["pace_per_week"].iloc[3] == 0.0
    never = P.project(np.array([10]), np.array([0]), np.array([0]), 0, 70, 0.978).iloc[0]
    assert pd.isna(never["pace_per_week"]) and never["projected"] == 0.0 and never["needed_per_week"] == 1


@pytest.mark.parametrize(
    "benchmark,households,needed", [(0.978, 1000, 978), (0.978, 6, 6), (0.5, 3, 2), (0.978, 0, 0), (1.0, 7, 7)]
)
def test_households_needed(benchmark, households, needed):
    assert P.households_needed(benchmark, households) == needed


def test_window_start():
    assert P.window_start(D(2026, 1, 1), TODAY, 8) == D(2026, 10, 2)
    assert P.window_start(D(2026, 11, 1), TODAY, 8) == D(2026, 11, 1)


# ----------------------------------------------------------------------------- the tiny world


def test_pace_by_township(tiny_ro):
    con, _ = tiny_ro
    out = P.pace(con, "township", *YEAR, TODAY).set_index("code")
    assert list(out.reset_index().columns) == P.PACE_COLUMNS
    t1, t2 = out.loc[F.T1], out.loc[F.T2]
    assert (t1["households"], t1["visited"], t1["pace_per_week"]) == (6, 5, 0.62)  # 0.625 shown to 2 decimals
    assert t1["projected_visited"] == pytest.approx(6 - (1 / 6) ** 0.625, abs=0.05)
    assert t1["projected"] == pytest.approx(0.9456, abs=1e-4)
    assert t1["shortfall"] == pytest.approx(0.0324, abs=1e-4)
    assert t1["needed_per_week"] == 1 and t1["weeks_left"] == 5.0
    assert (t2["visited"], t2["pace_per_week"], t2["projected"], t2["shortfall"], t2["needed_per_week"]) == (
        2,
        0.12,
        1.0,
        0.0,
        0,
    )
    # visited and coverage are the coverage report's
    cov = reports.coverage(con, "township", *YEAR).set_index("code")
    assert out["visited"].tolist() == cov["visited"].tolist()
    assert out["coverage"].tolist() == cov["coverage"].tolist()


def test_pace_sorted_by_shortfall_and_empty_areas(tiny_ro):
    con, _ = tiny_ro
    grids = P.by_shortfall(P.pace(con, "grid", *YEAR, TODAY))
    assert grids["code"].iloc[0] == F.G121  # 1 of 2 visited: the worst
    assert grids["code"].iloc[-1] == F.G212  # no households: last, empty
    assert pd.isna(grids["shortfall"].iloc[-1]) and pd.isna(grids["projected"].iloc[-1])


def test_period_over_and_not_begun(tiny_ro):
    con, _ = tiny_ro
    over = P.pace(con, "township", D(2026, 1, 1), D(2026, 11, 20), TODAY).set_index("code").loc[F.T1]
    assert over["visited"] == 5 and over["weeks_left"] == 0.0
    assert over["projected"] == pytest.approx(0.8333) and pd.isna(over["needed_per_week"])
    ahead = P.pace(con, "township", D(2027, 1, 1), D(2027, 12, 31), TODAY).set_index("code").loc[F.T1]
    assert ahead["visited"] == 0 and pd.isna(ahead["pace_per_week"])
    assert ahead["projected"] == 0.0 and ahead["needed_per_week"] == 1  # 6 households over 52 weeks


def test_pace_window_is_a_rule(tiny):
    con, _ = tiny
    from auth.audit import set_rule

    set_rule(con, "pace_weeks", 40, actor="admin")  # the window now starts in February: H09 inside
    t2 = P.pace(con, "township", *YEAR, TODAY).set_index("code").loc[F.T2]
    assert t2["pace_per_week"] == pytest.approx(2 / ((TODAY - D(2026, 2, 20)).days + 1) * 7, abs=0.01)


def test_backtest_on_the_tiny_world(tiny_ro):
    con, _ = tiny_ro
    bt = P.backtest(con, "township", D(2026, 1, 1), D(2026, 10, 31), TODAY)
    rows = bt.rows.set_index("code")
    # on 10-31 only H09 had been visited: T1 at 0 with no pace, T2 at 1 of 2 with no new household
    assert rows.loc[F.T1, "projected"] == 0.0 and rows.loc[F.T1, "actual"] == pytest.approx(0.8333)
    assert rows.loc[F.T2, "projected"] == 0.5 and rows.loc[F.T2, "actual"] == 1.0
    assert rows.loc[F.T2, "error"] == -0.5
    assert bt.mae == pytest.approx((0.8333 + 0.5) / 2, abs=1e-4)
    assert bt.bias == pytest.approx(-bt.mae)
    assert bt.within_5pts == 0.0 and bt.verdict_right == 0.5  # T1: "not reaching" was right
    with pytest.raises(reports.ReportError):
        P.backtest(con, "township", D(2026, 1, 1), TODAY, D(2026, 10, 31))


# ----------------------------------------------------------------------------- command line = page


def test_cli_equals_the_function(tiny):
    con, path = tiny
    expected = P.by_shortfall(P.pace(con, "village", *YEAR, TODAY))
    con.close()
    p = run(
        "report",
        "pace",
        "--level",
        "village",
        "--to",
        "2026-12-31",
        "--format",
        "csv",
        db=path,
        env={"LIANXIN_TODAY": TODAY.isoformat()},
    )
    assert p.returncode == 0, p.stderr
    got = pd.read_csv(io.StringIO(p.stdout.lstrip("\ufeff")), dtype={"code": str})
    assert got.columns.tolist() == P.PACE_COLUMNS
    assert got["code"].tolist() == expected["code"].tolist()
    for c in ("visited", "projected", "shortfall"):
        assert np.allclose(got[c].to_numpy(float), expected[c].to_numpy(float), equal_nan=True), c
    bt = run(
        "report",
        "pace",
        "--level",
        "township",
        "--from",
        "2026-01-01",
        "--as-of",
        "2026-10-31",
        "--to",
        "2026-11-26",
        "--backtest",
        db=path,
    )
    assert bt.returncode == 0, bt.stderr
    assert "mean absolute error 66.7 points" in bt.stderr and F.T1 in bt.stdout
    bad = run("report", "pace", "--level", "grid", "--to", "2026-12-31", "--from", "2027-01-01", db=path)
    assert bad.returncode == 1 and bad.stderr.strip() == Message(
        "report.error.range", date_from="2027-01-01", date_to="2026-12-31"
    )


def test_coverage_page_shows_the_pace(tiny_ro, monkeypatch):
    con, path = tiny_ro
    at = F.signed_in_app(monkeypatch, path, "admin", today=TODAY, page="pages/coverage.py")
    head = P.headline(con, F.COUNTY, "county", *YEAR, TODAY)
    assert (head.households, head.visited, head.needed_per_week) == (8, 7, 1)
    assert head.projected == pytest.approx(1 - (1 / 7) ** 0.625 / 8, abs=1e-4)
    info = [i.value for i in at.info if "预计覆盖率" in i.value]
    assert info == [
        "按近8周的进度（每周新走访 0.8 户），到 2026-12-31 预计覆盖率 96.3 %；要达到基准 97.8 %，"
        "每周需新走访 1 户，比现在多 0.2 户。"
    ]
    table = at.dataframe[0].value
    expected = P.by_shortfall(P.pace(con, "township", *YEAR, TODAY))
    assert table["code"].tolist() == expected["code"].tolist()
    # shown as percentages (× 100, written "93.2 %" like every share on every page)
    assert table["projected"].tolist() == pytest.approx((expected["projected"] * 100).tolist())
    at.radio(key="coverage_page.colour").set_value("shortfall").run()
    assert not at.exception
    assert at.radio(key="coverage_page.colour").value == "shortfall"


def test_shortfall_map_classes_and_legend(tiny_ro):
    con, _ = tiny_ro
    from analytics import coverage as CP
    from gis import maps
    from ui import pace as UP
    from gis.maps import load_simplified
    from gis.palette import NO_DATA_COLOR

    rows = reports.coverage(con, "grid", *YEAR)
    frame = CP.map_frame(load_simplified(con, "grid"), UP.with_pace(rows, P.pace(con, "grid", *YEAR, TODAY)))
    m = UP.shortfall_map(
        frame,
        {
            "name": t("col.name"),
            "coverage": t("col.coverage"),
            "projected": "预计",
            "shortfall": "差距",
            "needed_per_week": "每周",
        },
        "zh",
    )
    page = m.get_root().render()
    bins, colors, _ = maps.shortfall_classes(P.SHORTFALL_BINS)
    fills = dict(zip(frame["code"], maps.classify(frame["shortfall"], bins, colors)))
    assert fills[F.G212] == NO_DATA_COLOR  # no households: grey
    assert fills[F.G111] == colors[0]  # both households reached: on track
    assert fills[F.G121] != colors[0]
    assert "legend" in page
    labels = [label for _, label in UP.legend_items("zh")]
    assert (
        labels[0] == t("pace.legend.on_track")
        and labels[-2] == t("pace.legend.above", low=20)
        and len(labels) == len(colors) + 1
    )


def test_the_shortfall_column_is_wide_enough_for_its_unit(tiny_ro, monkeypatch):
    """预计差距 "8.9 个百分点" was cut to "8.9 个百分" in the side-by-side table: the column has a width of
    its own, enough for the unit."""
    import json

    _, path = tiny_ro
    at = F.signed_in_app(monkeypatch, path, "admin", today=TODAY, page="pages/coverage.py")
    columns = json.loads(at.dataframe[0].proto.columns)
    shortfall = next(c for c in columns.values() if c.get("label") == t("col.shortfall"))
    assert shortfall["type_config"]["format"] == t("figure.points", delta="%.1f")
    assert shortfall["width"] >= 110


def test_pace_sentence_of_a_period_begun_lately_names_its_start(tiny_ro, monkeypatch):
    """For this month (2026-11-01 … 11-26, 26 days: shorter than the 8-week window) the pace is that of
    those 26 days; the sentence said "按近8周的进度" all the same, of weeks it never counted."""
    con, path = tiny_ro
    at = F.signed_in_app(monkeypatch, path, "admin", today=TODAY, page="pages/coverage.py")
    at.session_state["period"] = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))  # as the sidebar puts it
    at.run()
    assert not at.exception
    month = (dt.date(2026, 11, 1), TODAY)
    head = P.headline(con, F.COUNTY, "county", *month, TODAY)
    words = t("pace.sentence_since", start="2026-11-01", pace="", end="2026-11-30", projected="")
    info = [i.value for i in at.info if words.split("（")[0] in i.value]
    assert len(info) == 1, [i.value for i in at.info]
    assert t("pace.sentence", weeks=8, pace="", end="", projected="").split("（")[0] not in info[0]
    assert f"{head.pace_per_week:.1f}" in info[0]
    # the table's pace column says the same in its help
    assert _pace_help(at) == t("pace.help.pace_since", start="2026-11-01")
    # the year, with a full 8-week window, keeps the words of the last 8 weeks
    at.session_state["period"] = YEAR
    at.run()
    assert any(t("pace.sentence", weeks=8, pace="", end="", projected="").split("（")[0] in i.value for i in at.info)
    assert _pace_help(at) == t("pace.help.pace", weeks=8)


def _pace_help(at) -> str:
    """The help of the coverage table's pace column, as sent to the browser."""
    import json

    return json.loads(at.dataframe[0].proto.columns)["pace_per_week"]["help"]
