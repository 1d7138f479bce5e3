"""Write the .xls fixtures beside this script (Excel 97–2003, BIFF8), as a township office sends them.

Run once, with xlwt in a throwaway virtualenv (the tests read the committed files and need no xlwt):

    python3 -m venv /tmp/xlwt-venv && /tmp/xlwt-venv/bin/pip install -q xlwt
    /tmp/xlwt-venv/bin/python tests/data/make_xls.py

The same content as .xlsx is written by the tests themselves (tests/test_ingest_xls.py), which compare the two.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlwt

HERE = Path(__file__).resolve().parent
G111, G112 = "500100001201-W01", "500100001201-W02"  # tests/factories.py
DATE = xlwt.easyxf(num_format_str="yyyy-mm-dd")


def households(path: Path) -> None:
    """A title row, a header over two rows (联系方式 over 联系电话 and 地址), dates, 18-digit codes, footers.

    Row 6's code is an 18-digit number cell (Excel kept 15 digits): rejected, as from .xlsx.
    """
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("台账")
    ws.write_merge(0, 0, 0, 5, "某镇某村户籍台账（2026年）")
    ws.write_merge(1, 2, 0, 0, "户编号")
    ws.write_merge(1, 2, 1, 1, "户主")
    ws.write_merge(1, 1, 2, 3, "联系方式")
    ws.write(2, 2, "联系电话")
    ws.write(2, 3, "地址")
    ws.write_merge(1, 2, 4, 4, "登记日期")
    ws.write_merge(1, 2, 5, 5, "网格编码")
    rows = [
        ("500155200001010011", "陈一", 13912345678, "一组1号", dt.date(2026, 3, 4), G111),
        ("500155200001010012", "陈二", "023-12345678", "二组", dt.date(2026, 3, 5), G112),
        (500155200001010013, "陈三", "", "", dt.date(2026, 3, 6), G111),
    ]
    for i, row in enumerate(rows, start=3):
        for j, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write(i, j, v, DATE)
            else:
                ws.write(i, j, v)
    ws.write(6, 0, "合计：3户")
    ws.write(7, 0, "填表人：张三")
    wb.save(str(path))


def sheets(path: Path) -> None:
    """Last year's register in a hidden first sheet, this year's visible after it, then a note sheet."""
    wb = xlwt.Workbook(encoding="utf-8")
    old = wb.add_sheet("2025年台账")
    for j, v in enumerate(["户编号", "户主", "网格编码"]):
        old.write(0, j, v)
    for j, v in enumerate(["X0", "旧", G111]):
        old.write(1, j, v)
    old.visibility = 1  # hidden
    new = wb.add_sheet("2026年台账")
    new.write(0, 0, "某村户籍台账（2026年）")
    for i, row in enumerate([["户编号", "户主", "网格编码"], ["X1", "新", G111], ["X2", "新二", G112]], start=1):
        for j, v in enumerate(row):
            new.write(i, j, v)
    note = wb.add_sheet("说明")
    note.write(0, 0, "本表说明：请勿修改表头")
    wb.set_active_sheet(1)
    wb.save(str(path))


def hidden_only(path: Path) -> None:
    """The only sheet with a header is hidden (a visible cover sheet before it): read as the fallback."""
    wb = xlwt.Workbook(encoding="utf-8")
    cover = wb.add_sheet("封面")
    cover.write(0, 0, "某村户籍台账")
    data = wb.add_sheet("数据")
    for i, row in enumerate([["户编号", "户主", "网格编码"], ["Y1", "甲", G111]]):
        for j, v in enumerate(row):
            data.write(i, j, v)
    data.visibility = 1
    wb.save(str(path))


def visits(path: Path) -> None:
    """Visit dates as Excel date cells (one with a time of day), below a title row."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("走访")
    ws.write(0, 0, "走访记录")
    for j, v in enumerate(["户编号", "工号", "走访日期", "走访方式"]):
        ws.write(1, j, v)
    ws.write(2, 0, "H02")
    ws.write(2, 1, "S2")
    ws.write(2, 2, dt.date(2026, 11, 3), DATE)
    ws.write(2, 3, "电话")
    ws.write(3, 0, "H04")
    ws.write(3, 1, "S2")
    ws.write(3, 2, dt.datetime(2026, 11, 4, 9, 30), xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm"))
    ws.write(3, 3, "院坝会")
    wb.save(str(path))


def far_cell(path: Path) -> None:
    """A header, one row, and one stray cell at IV5000: a grid of 1.28 million cells holding eight."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("台账")
    for i, row in enumerate([["户编号", "户主", "网格编码"], ["Z1", "甲", G111]]):
        for j, v in enumerate(row):
            ws.write(i, j, v)
    ws.write(4999, 255, 1)
    wb.save(str(path))


if __name__ == "__main__":
    households(HERE / "households_title_two_row.xls")
    sheets(HERE / "households_sheets.xls")
    hidden_only(HERE / "households_hidden_only.xls")
    visits(HERE / "visits_dates.xls")
    far_cell(HERE / "households_far_cell.xls")
