"""The numbers of CONTRACT.md §4 on the tiny world (tests/factories.py), answers worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import reports
from i18n import t
from tests.factories import G111, G112, G121, G211, G212, T1, T2, V11, V12, V21

D = dt.date


def rows(df, key="code"):
    return {r[key]: r for r in df.to_dict("records")}


def test_coverage_grid_home_only(tiny_ro):
    con, _ = tiny_ro
    df = reports.coverage(con, "grid", D(2026, 11, 1), D(2026, 11, 30))
    assert list(df.columns) == ["code", "name", "households", "visited", "coverage"]
    r = rows(df)
    # H03 moved: not counted although visited
    assert (r[G111]["households"], r[G111]["visited"], r[G111]["coverage"]) == (2, 2, 1.0)
    assert (r[G112]["households"], r[G112]["visited"]) == (2, 2)
    # H07 visited by phone only: not visited with the default kinds
    assert (r[G121]["households"], r[G121]["visited"], r[G121]["coverage"]) == (2, 1, 0.5)
    # the grid without households is listed with an empty coverage, never 0
    assert r[G212]["households"] == 0 and r[G212]["coverage"] != r[G212]["coverage"]  # NaN/None
    assert r[G211]["visited"] == 1


def test_coverage_kinds_and_boundaries(tiny_ro):
    con, _ = tiny_ro
    r = rows(reports.coverage(con, "grid", D(2026, 11, 1), D(2026, 11, 30), kinds=("home", "phone")))
    assert r[G121]["visited"] == 2
    # range boundaries are inclusive: H08 visited on 2026-11-15 and 2026-11-23
    r = rows(reports.coverage(con, "grid", D(2026, 11, 16), D(2026, 11, 22)))
    assert r[G211]["visited"] == 0
    r = rows(reports.coverage(con, "grid", D(2026, 11, 15), D(2026, 11, 15)))
    assert r[G211]["visited"] == 1
    r = rows(reports.coverage(con, "grid", D(2026, 11, 23), D(2026, 11, 23)))
    assert r[G211]["visited"] == 1


def test_coverage_levels_add_up(tiny_ro):
    con, _ = tiny_ro
    t = rows(reports.coverage(con, "township", D(2026, 1, 1), D(2026, 11, 30)))
    assert t[T1]["households"] == 6 and t[T2]["households"] == 2  # H10 outside: unassigned, not counted
    v = rows(reports.coverage(con, "village", D(2026, 1, 1), D(2026, 11, 30)))
    assert v[V11]["households"] + v[V12]["households"] == t[T1]["households"]
    assert v[V21]["coverage"] == 1.0


def test_coverage_scope(tiny_ro):
    con, _ = tiny_ro
    df = reports.coverage(con, "village", D(2026, 1, 1), D(2026, 11, 30), scope=[T1])
    assert set(df["code"]) == {V11, V12}


def test_quotas_boundaries(tiny_ro):
    con, _ = tiny_ro
    df = reports.quotas(con, "2026-W47")
    assert list(df.columns) == [
        "staff_id",
        "name",
        "grid_code",
        "visits",
        "visit_days",
        "households_visited",
        "target_days",
        "met",
    ]
    r = rows(df, "staff_id")
    assert set(r) == {"S1", "S2", "S3"}  # the secretary has no grid
    assert (r["S1"]["visits"], r["S1"]["visit_days"], r["S1"]["households_visited"], r["S1"]["met"]) == (3, 3, 2, True)
    assert (r["S2"]["visits"], r["S2"]["visit_days"], r["S2"]["met"]) == (3, 1, False)  # phone not counted
    assert r["S2"]["grid_code"] == f"{G112}、{G121}"
    assert (r["S3"]["visits"], r["S3"]["visit_days"], r["S3"]["met"]) == (0, 0, False)  # Sunday before, Monday after
    assert r["S1"]["target_days"] == 3


@pytest.mark.parametrize("week", ["2026-W99", "W47", "2026/47x"])
def test_quotas_bad_week(tiny_ro, week):
    con, _ = tiny_ro
    with pytest.raises(reports.ReportError):
        reports.quotas(con, week)


def test_unvisited_order_and_window(tiny_ro):
    con, _ = tiny_ro
    df = reports.unvisited(con, V21, D(2026, 11, 22), days=182)
    assert list(df.columns) == ["household_code", "head_name", "grid_code", "last_visit", "days_since"]
    assert df["household_code"].tolist() == ["H09"]  # last home visit 266 days ago; H08 only 7
    df = reports.unvisited(con, V21, D(2026, 11, 22), days=7)
    # H09 last visited 2026-03-01 (266 days), H08 on 2026-11-15 (7 days, due at >= 7); the 11-23 visit is ignored
    assert df["household_code"].tolist() == ["H09", "H08"]
    assert df["days_since"].tolist() == [266, 7]


def test_unvisited_never_visited_first(tiny_ro):
    con, _ = tiny_ro
    df = reports.unvisited(con, T1, D(2026, 11, 22), days=30)
    assert df["household_code"].tolist()[0] == "H06" or df["last_visit"].isna().iloc[0]
    never = df[df["last_visit"].isna()]["household_code"].tolist()
    assert never == ["H07"]  # only visited by phone


def test_unvisited_unknown_area(tiny_ro):
    con, _ = tiny_ro
    with pytest.raises(reports.ReportError):
        reports.unvisited(con, "NOPE", D(2026, 11, 22))


def test_hotspots_location_rules(tiny_ro):
    con, _ = tiny_ro
    df = reports.hotspots(con, "village", D(2026, 1, 1), D(2026, 11, 30))
    assert list(df.columns) == ["code", "name", "households", "petitions", "per_1000", "gi_z", "gi_p", "gi_bin"]
    r = rows(df)
    # P1 by household H01 (V11), P2 by point (V12), P3 by village code (V21), P4 unlocated
    assert (r[V11]["petitions"], r[V12]["petitions"], r[V21]["petitions"]) == (1, 1, 1)
    assert r[V11]["per_1000"] == pytest.approx(1000 / 4, abs=0.01)
    assert set(df["gi_bin"]) <= {-3, -2, -1, 0, 1, 2, 3}


def test_report_errors_are_worded_by_the_catalog():
    """A page says the error in its language without command-line flags; the command line keeps its sentence."""
    from analytics.reports import ReportError, _check_range, parse_week, unvisited

    with pytest.raises(ReportError) as e:
        _check_range(dt.date(2026, 2, 1), dt.date(2026, 1, 1))
    assert e.value.key == "report.error.range"
    assert e.value.text("en") == "the start date 2026-02-01 is after the end date 2026-01-01"
    assert e.value.text("zh") == "起始日期 2026-02-01 晚于结束日期 2026-01-01"
    assert str(e.value) == " / ".join(
        t("report.error.range.cli", lang, date_from="2026-02-01", date_to="2026-01-01") for lang in ("zh", "en")
    )
    assert "--" not in e.value.text("en")
    with pytest.raises(ReportError) as e:
        parse_week("2026-W60")
    assert e.value.text("en") == "no week 60 in 2026" and e.value.text("zh") == "2026 年没有第 60 周"
    with pytest.raises(ReportError) as e:
        unvisited(None, "X", dt.date(2026, 1, 1), days=0)
    assert e.value.text("en") == t("report.error.days", "en") and "--days" in str(e.value)
    from analytics.reports import coverage
    from store import db

    for kinds, shown in [(["home", "walk"], "walk"), ([], t("message.empty", "en"))]:
        with pytest.raises(ReportError) as e:
            coverage(db.connect(":memory:"), "grid", dt.date(2026, 1, 1), dt.date(2026, 1, 31), kinds=kinds)
        assert e.value.key == "report.error.kinds"
        assert e.value.text("en") == t("report.error.kinds", "en", kinds=shown, allowed="home,phone,meeting,reception")


def test_coverage_rounds_half_up_on_the_exact_fraction_everywhere(tiny, tmp_path):
    """57 of 800 households is 0.07125 exactly; its double lies just below, so rounding the double gave
    0.0712 on DuckDB and PostgreSQL's numeric gave 0.0713. The rule (analytics.reports.coverage_ratio):
    half up on the exact fraction — 0.0713 in the report, the coverage page's monthly trend and the
    headlines, on either store."""
    from analytics import coverage as CV
    from ingest.tables import load
    from tests import factories as F

    assert reports.coverage_ratio(57, 800) == 0.0713 and reports.coverage_ratio(1, 32) == 0.0313
    assert reports.coverage_ratio(2, 3) == 0.6667 and reports.coverage_ratio(0, 5) == 0.0
    assert reports.coverage_ratio(0, 0) is None and reports.coverage_ratio(800, 800) == 1.0
    got = reports.coverage_ratio([57, 0, 1], [800, 0, 32])
    assert got[0] == 0.0713 and got[1] != got[1] and got[2] == 0.0313  # NaN without households

    con, _ = tiny
    codes = [f"T{i:03d}" for i in range(800)]
    path = F.write_csv(tmp_path / "h.csv", ["户编号", "户主", "网格编码"], [(c, "户", G212) for c in codes])
    assert load(con, "households", path).imported == 800
    con.execute("UPDATE households SET created_on = DATE '2025-01-01'")
    for c in codes[:57]:
        F.add_visit(con, c, "S3", D(2026, 11, 10))
    r = rows(reports.coverage(con, "grid", D(2026, 11, 1), D(2026, 11, 30)))
    assert (r[G212]["households"], r[G212]["visited"], r[G212]["coverage"]) == (800, 57, 0.0713)
    assert CV.headline(con, G212, "grid", D(2026, 11, 1), D(2026, 11, 30)).coverage == 0.0713
    mine = reports.coverage(con, "grid", D(2026, 11, 1), D(2026, 11, 30), parent=V21)
    assert (
        CV.headline(con, None, "grid", D(2026, 11, 1), D(2026, 11, 30), rows=mine[mine["code"] == G212]).coverage
        == 0.0713
    )
    trend = CV.monthly_trend(con, "grid", V21, D(2026, 11, 30))
    nov = trend[(trend["code"] == G212) & (trend["visited"] == 57)]
    assert len(nov) == 1 and nov["coverage"].iloc[0] == 0.0713
