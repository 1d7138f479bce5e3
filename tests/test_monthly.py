"""The monthly 通报: the workbook, checked cell by cell against the functions the pages call."""

from __future__ import annotations

import datetime as dt
import io
import math

import openpyxl
import pytest

from analytics import monthly as M
from analytics import petitions as P
from analytics import reports
from i18n import fmt_month, fmt_week, t
from tests.factories import T1, T2, V11, V12, V21

D = dt.date
TODAY = D(2026, 11, 26)
#: the sheets' names, as the catalog words them (the townships' sheets are named after the township: data)
TOWNSHIPS, NOTES = t("petitions_page.report.sheet_townships"), t("petitions_page.report.sheet_notes")
OVERDUE, ISSUES = (
    t("petitions_page.report.sheet_overdue.petition"),
    t("petitions_page.report.sheet_overdue.visit_issue"),
)


def col(name: str) -> str:
    """A 通报 column's header that is no figure of the pages: ``petitions_page.col.<name>``."""
    return t(f"petitions_page.col.{name}")


def _sheet_rows(ws):
    """Header labels (row 3) and the data rows below as dicts."""
    heads = [c.value for c in ws[3]]
    return heads, [dict(zip(heads, r)) for r in ws.iter_rows(min_row=4, values_only=True)]


def _same(a, b):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b == pytest.approx(a)


@pytest.fixture(scope="module")
def book(tiny_ro):
    con, _ = tiny_ro
    return openpyxl.load_workbook(io.BytesIO(M.monthly_workbook(con, "2026-11", None, TODAY)))


def test_sheets_and_layout(book):
    assert book.sheetnames == [TOWNSHIPS, "一镇", "二镇", OVERDUE, ISSUES, NOTES]
    ws = book[TOWNSHIPS]
    assert ws["A1"].value == t("petitions_page.report.title_townships", month=fmt_month(2026, 11))
    # the weeks as the pages write them, not ISO's "2026-W45"
    weeks = "、".join([fmt_week(2026, 45), fmt_week(2026, 46), fmt_week(2026, 47)])
    assert weeks.startswith("2026年第45周、")
    assert ws["A2"].value.startswith(t("petitions_page.report.as_of", date="2026-11-26", weeks=weeks))
    assert ws.freeze_panes == "A4"
    heads, _ = _sheet_rows(ws)
    assert heads[:6] == [
        t(k) for k in ("col.rank", "col.code", "col.name", "figure.households", "figure.visited", "figure.coverage")
    ]
    assert all(ws.column_dimensions[c].width and ws.column_dimensions[c].width > 4 for c in "ABCDEF")
    assert ws["F4"].number_format == "0.0 %" and isinstance(ws["F4"].value, float)


def test_township_rankings_equal_the_pages(tiny_ro, book):
    con, _ = tiny_ro
    start, end = D(2026, 11, 1), D(2026, 11, 30)
    heads, rows = _sheet_rows(book[TOWNSHIPS])
    by_code = {r[col("code")]: r for r in rows}
    assert set(by_code) == {T1, T2}
    cov = reports.coverage(con, "township", start, end).set_index("code")
    figs = P.figures_by_area(con, "township", start, end, None, TODAY).set_index("code")
    for code in (T1, T2):
        r = by_code[code]
        assert r[col("name")] == cov.loc[code, "name"]
        assert r[t("figure.households")] == cov.loc[code, "households"]
        assert r[t("figure.visited")] == cov.loc[code, "visited"]
        assert _same(cov.loc[code, "coverage"], r[t("figure.coverage")])
        for column, head in [
            ("received", t("figure.petitions_received")),
            ("closed", t("figure.petitions_closed")),
            ("closed_on_time", col("closed_on_time")),
            ("rated", col("rated")),
            ("satisfied", col("satisfied")),
            ("overdue", t("figure.petitions_overdue")),
            ("per_1000", col("per_1000")),
            ("on_time_rate", t("figure.on_time_rate")),
            ("satisfaction_rate", t("figure.satisfaction_rate")),
            ("repeat", t("figure.petitions_repeat")),
            ("group", t("figure.petitions_group")),
        ]:
            assert _same(figs.loc[code, column], r[head]), (code, column)
    # quota attainment: staff-weeks from reports.quotas over the ended weeks whose Thursday is in November
    weeks = M.month_weeks(start, end, TODAY)
    assert weeks == ["2026-W45", "2026-W46", "2026-W47"]
    per_town = {T1: [0, 0], T2: [0, 0]}
    for w in weeks:
        for code in per_town:
            q = reports.quotas(con, w, scope=[code])
            per_town[code][0] += len(q)
            per_town[code][1] += int(q["met"].sum())
    weeks_of = {code: (r[col("staff_weeks")], r[col("staff_weeks_met")]) for code, r in by_code.items()}
    for code, (n, met) in per_town.items():
        assert weeks_of[code] == (n, met)
        assert _same(round(met / n, 4), by_code[code][col("quota_rate")])
    assert weeks_of[T1] == (6, 1)  # S1 met W47
    # ranking: T1 first; with two townships only the last one is marked
    assert [r[col("code")] for r in rows] == [T1, T2] and [r[col("rank")] for r in rows] == [1, 2]
    assert [r[col("mark")] for r in rows] == [None, t("petitions_page.report.mark.last")]
    scores = [r[col("score")] for r in rows]
    assert scores[0] == pytest.approx(100 * (0.8333 + 0.1667) / 2, abs=0.05)


def test_village_sheets(tiny_ro, book):
    con, _ = tiny_ro
    figs = P.figures_by_area(con, "village", D(2026, 11, 1), D(2026, 11, 30), None, TODAY).set_index("code")
    cov = reports.coverage(con, "village", D(2026, 11, 1), D(2026, 11, 30)).set_index("code")
    _, one = _sheet_rows(book["一镇"])
    _, two = _sheet_rows(book["二镇"])
    code = col("code")
    assert sorted(r[code] for r in one) == [V11, V12] and [r[code] for r in two] == [V21]
    for r in one + two:
        assert _same(cov.loc[r[code], "coverage"], r[t("figure.coverage")])
        assert r[t("figure.petitions_received")] == figs.loc[r[code], "received"]
    title = t("petitions_page.report.title_villages", month=fmt_month(2026, 11), township="一镇")
    assert book["一镇"]["A1"].value == title


def test_overdue_sheets(tiny_ro, book):
    """Petitions and visit follow-ups overdue on the report day, whenever received, on two sheets."""
    con, _ = tiny_ro
    heads, rows = _sheet_rows(book[OVERDUE])
    work = P.worklist(con, None, TODAY)
    over = work[work["overdue"] & (work["kind"] == "petition")]
    assert [r[col("id")] for r in rows] == over["id"].tolist() == ["P2", "P4"]
    assert rows[0][col("reply_due")].date() == D(2026, 10, 19) and rows[0][col("days_overdue")] == 38
    assert rows[0][col("status")] == t("status.received") and rows[0][col("village_name")] == "乙村"
    assert col("kind") not in heads
    title = t("petitions_page.report.title_overdue.petition", month=fmt_month(2026, 11), date="2026-11-26")
    assert book[OVERDUE]["A1"].value == title
    _, issues = _sheet_rows(book[ISSUES])
    assert issues == []  # the tiny world's visits raise no follow-up


def test_october_and_scope(tiny_ro):
    con, _ = tiny_ro
    data = M.monthly_tables(con, "2026-10", [T1], TODAY)
    assert data["weeks"] == ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"]
    assert data["townships"]["code"].tolist() == [T1] and list(data["villages"]) == [T1]
    t1 = data["townships"].iloc[0]
    assert (t1["received"], t1["closed"], t1["overdue"], t1["per_1000"]) == (2, 1, 1, pytest.approx(333.33))
    assert data["overdue"]["id"].tolist() == ["P2"]


@pytest.mark.parametrize(
    "text,first,last",
    [
        ("2026-10", D(2026, 10, 1), D(2026, 10, 31)),
        ("2026/2", D(2026, 2, 1), D(2026, 2, 28)),
        ("2026年12月", D(2026, 12, 1), D(2026, 12, 31)),
        ("202611", D(2026, 11, 1), D(2026, 11, 30)),
    ],
)
def test_parse_month(text, first, last):
    assert M.parse_month(text) == (first, last)


@pytest.mark.parametrize("bad", ["2026-13", "", "October", "2026-00"])
def test_parse_month_rejects(bad):
    with pytest.raises(reports.ReportError):
        M.parse_month(bad)


def test_cli(tiny, tmp_path, monkeypatch, capsys):
    import manage

    con, path = tiny
    con.close()
    monkeypatch.setenv("LIANXIN_TODAY", "2026-11-26")
    out = tmp_path / "out" / "m.xlsx"
    assert manage.main(["--db", str(path), "report", "monthly", "--month", "2026-10", "--output", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == TOWNSHIPS and wb[TOWNSHIPS]["B4"].value == T1
    assert manage.main(["--db", str(path), "report", "monthly", "--month", "2026-10"]) == 2
    assert manage.main(["--db", str(path), "report", "monthly", "--month", "2026-13", "--output", str(out)]) == 1
    assert manage.main(["--db", str(path), "report", "monthly", "--month", "2027-01", "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--output" in err
    assert (
        manage.main(
            ["--db", str(path), "--as", "office", "report", "monthly", "--month", "2026-11", "--output", str(out)]
        )
        == 0
    )
    assert openpyxl.load_workbook(out).sheetnames == [TOWNSHIPS, "一镇", OVERDUE, ISSUES, NOTES]
