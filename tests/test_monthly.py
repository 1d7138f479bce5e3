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
from i18n import t
from tests.factories import T1, T2, V11, V12, V21

D = dt.date
TODAY = D(2026, 11, 26)


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
    assert book.sheetnames == ["乡镇排名", "一镇", "二镇", "逾期信访件", "逾期走访问题", "口径说明"]
    ws = book["乡镇排名"]
    assert ws["A1"].value == "2026年11月 网格化管理工作通报 · 乡镇排名"
    assert ws["A2"].value.startswith("统计截至 2026-11-26")
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
    heads, rows = _sheet_rows(book["乡镇排名"])
    by_code = {r["编码"]: r for r in rows}
    assert set(by_code) == {T1, T2}
    cov = reports.coverage(con, "township", start, end).set_index("code")
    figs = P.figures_by_area(con, "township", start, end, None, TODAY).set_index("code")
    for code in (T1, T2):
        r = by_code[code]
        assert r["名称"] == cov.loc[code, "name"]
        assert r[t("figure.households")] == cov.loc[code, "households"]
        assert r[t("figure.visited")] == cov.loc[code, "visited"]
        assert _same(cov.loc[code, "coverage"], r["入户覆盖率"])
        for col, head in [
            ("received", "信访受理"),
            ("closed", "信访办结"),
            ("closed_on_time", "按期办结件数"),
            ("rated", "参评件数"),
            ("satisfied", "满意件数"),
            ("overdue", "信访逾期"),
            ("per_1000", "每千户信访"),
            ("on_time_rate", "按期办结率"),
            ("satisfaction_rate", "信访满意率"),
            ("repeat", "重复信访"),
            ("group", "集访"),
        ]:
            assert _same(figs.loc[code, col], r[head]), (code, col)
    # quota attainment: staff-weeks from reports.quotas over the ended weeks whose Thursday is in November
    weeks = M.month_weeks(start, end, TODAY)
    assert weeks == ["2026-W45", "2026-W46", "2026-W47"]
    per_town = {T1: [0, 0], T2: [0, 0]}
    for w in weeks:
        for code in per_town:
            q = reports.quotas(con, w, scope=[code])
            per_town[code][0] += len(q)
            per_town[code][1] += int(q["met"].sum())
    for code, (n, met) in per_town.items():
        assert (by_code[code]["应达标人周"], by_code[code]["达标人周"]) == (n, met)
        assert _same(round(met / n, 4), by_code[code]["走访达标率"])
    assert (by_code[T1]["应达标人周"], by_code[T1]["达标人周"]) == (6, 1)  # S1 met W47
    # ranking: T1 first; with two townships only the last one is marked
    assert [r["编码"] for r in rows] == [T1, T2] and [r["排名"] for r in rows] == [1, 2]
    assert [r["标记"] for r in rows] == [None, "末位"]
    scores = [r["综合得分"] for r in rows]
    assert scores[0] == pytest.approx(100 * (0.8333 + 0.1667) / 2, abs=0.05)


def test_village_sheets(tiny_ro, book):
    con, _ = tiny_ro
    figs = P.figures_by_area(con, "village", D(2026, 11, 1), D(2026, 11, 30), None, TODAY).set_index("code")
    cov = reports.coverage(con, "village", D(2026, 11, 1), D(2026, 11, 30)).set_index("code")
    _, one = _sheet_rows(book["一镇"])
    _, two = _sheet_rows(book["二镇"])
    assert sorted(r["编码"] for r in one) == [V11, V12] and [r["编码"] for r in two] == [V21]
    for r in one + two:
        assert _same(cov.loc[r["编码"], "coverage"], r["入户覆盖率"])
        assert r["信访受理"] == figs.loc[r["编码"], "received"]
    assert book["一镇"]["A1"].value == "2026年11月 网格化管理工作通报 · 一镇 各村（社区）"


def test_overdue_sheets(tiny_ro, book):
    """Petitions and visit follow-ups overdue on the report day, whenever received, on two sheets."""
    con, _ = tiny_ro
    heads, rows = _sheet_rows(book["逾期信访件"])
    work = P.worklist(con, None, TODAY)
    over = work[work["overdue"] & (work["kind"] == "petition")]
    assert [r["编号"] for r in rows] == over["id"].tolist() == ["P2", "P4"]
    assert rows[0]["答复期限"].date() == D(2026, 10, 19) and rows[0]["逾期天数"] == 38
    assert rows[0]["状态"] == "受理" and rows[0]["村/社区"] == "乙村" and "类型" not in heads
    assert "不论何时受理" in book["逾期信访件"]["A1"].value
    _, issues = _sheet_rows(book["逾期走访问题"])
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
    assert wb.sheetnames[0] == "乡镇排名" and wb["乡镇排名"]["B4"].value == T1
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
    assert openpyxl.load_workbook(out).sheetnames == ["乡镇排名", "一镇", "逾期信访件", "逾期走访问题", "口径说明"]
