"""One figure, one value on every page (issue 18, item 1).

For each role, a few areas and periods, every page the role may open is rendered with AppTest and its
headline metrics are read. A figure shown on more than one page must carry the same value everywhere,
and that value must be what the one function computes (analytics.overview.headline, which holds
analytics.petitions.summary; the due list of analytics.reports.unvisited). The monthly 通报's row of
a township equals the township office's pages for that month.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from analytics import monthly, overview, petitions, reports
from i18n import fmt_int, fmt_pct, t
from store import db
from tests import factories as F

TODAY = dt.date(2026, 11, 26)
PAGES = {
    "admin": ["overview", "coverage", "petitions", "hotspots", "responsibility", "weekly"],
    "leader": ["overview", "coverage", "petitions", "hotspots", "responsibility", "weekly"],
    "office": ["overview", "coverage", "petitions", "hotspots", "responsibility", "weekly"],
    "grid_leader": ["overview", "coverage", "petitions", "responsibility", "weekly"],
    "member": ["overview", "coverage", "petitions", "responsibility", "weekly"],
}
# (role, drill-down from the top of the role's scope, period): a few areas and periods per role
CASES = [
    ("admin", None, "year"),
    ("admin", F.T1, "month"),
    ("admin", F.V11, ("2026-10-01", "2026-10-31")),
    ("leader", None, "year"),
    ("leader", F.T2, ("2026-10-01", "2026-11-15")),
    ("office", None, "year"),
    ("office", None, "month"),
    ("grid_leader", None, "year"),
    ("member", None, ("2026-01-01", "2026-10-31")),
]


@pytest.fixture(scope="module")
def tiny_with_follow_ups(tiny_template, tmp_path_factory):
    """The tiny world with visit follow-ups: three raised in the year, one closed, one taken up."""
    from auth.users import User

    path = F.copy_db(tiny_template, tmp_path_factory.mktemp("figures"), "figures")
    con = db.connect(path)
    s1 = User("grid_leader", "grid_leader", [F.G111], staff_id="S1")
    ids = []
    for hh, day in (("H01", "2026-10-12"), ("H02", "2026-11-03"), ("H02", "2026-11-20")):
        row = con.execute(
            "INSERT INTO visits (household_code, staff_id, visited_on, kind, note, needs_action,"
            " created_by, hid) SELECT ?, 'S1', ?::DATE, 'phone', '反映道路破损', TRUE, 'test',"
            " (SELECT hid FROM households WHERE code = ?) RETURNING id",
            [hh, day, hh],
        ).fetchone()
        ids.append(row[0])
    petitions.change_issue_status(con, s1, ids[0], "closed", dt.date(2026, 10, 20), note="已维修", today=TODAY)
    petitions.change_issue_status(con, s1, ids[1], "in_progress", dt.date(2026, 11, 4), today=TODAY)
    yield con, path
    con.close()
    F.drop_db(path)


def _period(at, period) -> tuple[dt.date, dt.date]:
    """Choose the period as the sidebar does (AppTest reruns the page alone, without app.py's sidebar,
    so the choice is put where the sidebar puts it); returns the range every page should count over."""
    from ui.common import clamp_period, period_range

    if isinstance(period, tuple):
        rng = tuple(dt.date.fromisoformat(d) for d in period)
    else:
        rng = period_range(period, TODAY)
    at.session_state["period"] = rng
    return clamp_period(*rng, TODAY)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _expected(con, user, area: str | None, start: dt.date, end: dt.date) -> dict[str, str]:
    """The figures of the one function, written as the pages write them, by their names."""
    scope = [area] if area else user.scope or None
    h = overview.headline(con, start, end, scope, TODAY)
    p = h["petitions"]
    counts = {
        "households": h["households"],
        "grids": h["grids"],
        "staff": h["staff"],
        "petitions_received": p["received"],
        "petitions_overdue": p["overdue"],
        "issues": p["issues"],
        "issues_closed": p["issues_closed"],
        "issues_overdue": p["issues_overdue"],
        "petitions_repeat": p["repeat"],
    }
    rates = {
        "coverage": h["coverage"],
        "resolution_rate": p["resolution_rate"],
        "on_time_rate": p["on_time_rate"],
        "satisfaction_rate": p["satisfaction_rate"],
        "solved_rate": p["solved_rate"],
    }
    out = {t(f"figure.{k}"): fmt_int(v) for k, v in counts.items()}
    out.update({t(f"figure.{k}"): fmt_pct(v) for k, v in rates.items()})
    if reports.county_wide(con, scope):
        out[t("figure.petitions_unlocated")] = fmt_int(p["unlocated"])
    return out


@pytest.mark.parametrize(
    "role,drill,period", CASES, ids=[f"{r}-{a or 'top'}-{p if isinstance(p, str) else p[0]}" for r, a, p in CASES]
)
def test_every_figure_has_one_value_on_every_page(tiny_with_follow_ups, monkeypatch, role, drill, period):
    con, path = tiny_with_follow_ups
    at = F.signed_in(monkeypatch, path, role, today=TODAY)
    start, end = _period(at, period)
    user = at.session_state["user"]
    if drill:
        from ui.common import Area

        code, name, level = db.execute(con, "area_get", code=drill).fetchone()[:3]
        at.session_state["area"] = Area(code=code, level=level, name=name)
    shown: dict[str, dict[str, str]] = {}
    for page in PAGES[role]:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        shown[page] = _metrics(at)
    expected = _expected(con, user, drill, start, end)
    labels = {label for m in shown.values() for label in m}
    shared = 0
    for label in sorted(labels):
        where = {page: m[label] for page, m in shown.items() if label in m}
        if len(where) > 1:
            shared += 1
            assert len(set(where.values())) == 1, (label, where)
        if label in expected:
            assert set(where.values()) == {expected[label]}, (label, where, expected[label])
    assert shared >= 3  # households, petitions received … are on several pages
    received = t("figure.petitions_received")
    assert expected[received] in shown["petitions"][received]


def test_the_grid_workers_due_list_is_the_same_on_both_pages(tiny_with_follow_ups, monkeypatch):
    """待走访户 on the coverage page and the number on the weekly page's due list (网格员 of 丙村 W01:
    H09 last visited 2026-03-01)."""
    con, path = tiny_with_follow_ups
    at = F.signed_in_app(monkeypatch, path, "member", today=TODAY, page="pages/coverage.py")
    due = _metrics(at)[t("figure.due")]
    assert due == str(len(reports.unvisited(con, F.G211, TODAY))) == "1"
    at.switch_page("pages/weekly.py").run()
    text = " ".join(c.value for c in at.caption)
    assert t("weekly_page.due_count", n=due, days=int(db.rule(con, "revisit_days"))) in text, text


def test_the_monthly_report_row_equals_the_township_pages(tiny_with_follow_ups, monkeypatch):
    """The 通报's row of 一镇 for November is what the township office's pages show for this month."""
    con, path = tiny_with_follow_ups
    at = F.signed_in(monkeypatch, path, "office", today=TODAY)
    _period(at, "month")
    pages = {}
    for page in ("overview", "petitions"):
        at.switch_page(f"pages/{page}.py").run()
        pages.update(_metrics(at))
    book = openpyxl.load_workbook(io.BytesIO(monthly.monthly_workbook(con, "2026-11", [F.T1], TODAY)))
    sheet = book[t("petitions_page.report.sheet_townships")]
    heads = [c.value for c in sheet[3]]
    row = dict(zip(heads, next(sheet.iter_rows(min_row=4, values_only=True))))
    assert row[t("petitions_page.col.code")] == F.T1
    for name in [t(f"figure.{k}") for k in ("households", "petitions_received", "petitions_overdue")]:
        assert fmt_int(row[name]) == pages[name], name
    for name in [t(f"figure.{k}") for k in ("coverage", "satisfaction_rate", "on_time_rate")]:
        assert fmt_pct(row[name]) == pages[name], name


def test_visit_follow_ups_are_counted_apart_from_petitions(tiny_with_follow_ups):
    con, _ = tiny_with_follow_ups
    s = petitions.summary(con, dt.date(2026, 1, 1), TODAY, None, TODAY)
    assert (s["received"], s["closed"], s["overdue"]) == (4, 1, 2)
    # three follow-ups: one closed, one taken up (not yet due to close), one raised 2026-11-20 (not yet due)
    assert (s["issues"], s["issues_closed"], s["issues_overdue"]) == (3, 1, 0)
    assert s["resolution_rate"] == 0.25 and s["solved_rate"] == round(2 / 7, 4)
