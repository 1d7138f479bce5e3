"""What county offices really send: .xls workbooks (Excel 97–2003, WPS) and Excel's「Unicode 文本」(UTF-16).

The .xls files are in tests/data, written once by tests/data/make_xls.py (xlwt, not needed here); the same
content as .xlsx is written below, and the two must read and import alike.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from i18n import Message
from ingest import limits
from ingest.errors import ImportFailed
from ingest.preview import sheet_names
from ingest.reader import (
    TABULAR_SUFFIXES,
    _find_header,
    csv_encoding,
    decode_text,
    read_table,
    utf16_without_bom,
)
from ingest.spec import SPECS
from ingest.tables import load
from tests.factories import G111, G112
from tests.test_cli import one_line, run

DATA = Path(__file__).resolve().parent / "data"
TWO_ROW = DATA / "households_title_two_row.xls"
SHEETS = DATA / "households_sheets.xls"
NO_BOM_LE = DATA / "households_utf16le_no_bom.txt"  # tests/data/make_text.py
NO_BOM_BE = DATA / "households_utf16be_no_bom.csv"
SPLIT_FIRST = DATA / "households_split_first_record.csv"  # tests/data/make_text.py
HH = SPECS["households"]


def two_row_xlsx(path: Path) -> Path:
    """households_title_two_row.xls as .xlsx: the same cells, the same merges (tests/data/make_xls.py)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    for row in [
        ["某镇某村户籍台账（2026年）"],
        ["户编号", "户主", "联系方式", None, "登记日期", "网格编码"],
        [None, None, "联系电话", "地址"],
        ["500155200001010011", "陈一", 13912345678, "一组1号", dt.date(2026, 3, 4), G111],
        ["500155200001010012", "陈二", "023-12345678", "二组", dt.date(2026, 3, 5), G112],
        [500155200001010013, "陈三", None, None, dt.date(2026, 3, 6), G111],
        ["合计：3户"],
        ["填表人：张三"],
    ]:
        ws.append(row)
    for m in ("A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"):
        ws.merge_cells(m)
    wb.save(path)
    return path


def households(con, codes: tuple[str, ...]) -> list[tuple]:
    rows = con.execute("SELECT code, head_name, phone, address, grid_code FROM households ORDER BY code").fetchall()
    return [r for r in rows if r[0] in codes]


# ----------------------------------------------------------------------------- .xls


def test_xls_reads_like_the_same_xlsx(tmp_path):
    """Title row, header over two rows, footers dropped, dates as dates, numbers as numbers: cell for cell."""
    xls = read_table(TWO_ROW, HH)
    xlsx = read_table(two_row_xlsx(tmp_path / "hh.xlsx"), HH)
    assert (xls.sheet, xls.header_row, xls.encoding) == ("台账", 3, "xls")
    assert xls.header == xlsx.header and xls.mapping == xlsx.mapping
    assert [n for n, _ in xls.rows] == [4, 5, 6]  # the spreadsheet's rows; 合计 and 填表人 dropped
    assert xls.rows[0][1][4] == dt.date(2026, 3, 4)  # a date cell read as a date
    assert xls.rows == xlsx.rows


def test_xls_households_import_the_same_rows_as_xlsx(tiny, tmp_path):
    con, _ = tiny
    res = load(con, "households", TWO_ROW)
    assert (res.imported, res.rejected) == (2, 1), res.errors
    # an 18-digit code in a number cell (Excel kept 15 digits) is refused, as from .xlsx; in text cells it stays whole
    assert [(e.row, e.column) for e in res.errors] == [(6, "户编号")]
    assert res.errors[0].message.key == "ingest.error.code_digits"
    stored = households(con, ("500155200001010011", "500155200001010012"))
    assert stored == [
        ("500155200001010011", "陈一", "13912345678", "一组1号", G111),
        ("500155200001010012", "陈二", "023-12345678", "二组", G112),
    ]
    again = load(con, "households", two_row_xlsx(tmp_path / "hh.xlsx"))  # the same rows: nothing to change
    assert (again.imported, again.updated, again.skipped, again.rejected) == (0, 0, 2, 1)
    assert [(e.row, e.column) for e in again.errors] == [(6, "户编号")]


@pytest.mark.parametrize(
    ("path", "sheet", "row", "column"),
    [(TWO_ROW, " (sheet 台账)", 6, "户编号"), (NO_BOM_LE, "", 5, "户主")],
    ids=["xls", "utf16-without-bom"],
)
def test_on_the_command_line(tiny_db, path, sheet, row, column):
    """An .xls and a UTF-16 text without a BOM import through manage.py as through the page."""
    p = run("import", "households", str(path), db=tiny_db)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == (
        f"{path.name}{sheet}: households imported 2, updated 0, skipped 0, rejected 1, unassigned 0"
    )
    assert one_line(p.stderr).startswith(f"{path.name} row {row} column {column}: ")


def test_xls_dates_in_visits(tiny):
    con, _ = tiny
    res = load(con, "visits", DATA / "visits_dates.xls")
    assert (res.imported, res.rejected) == (2, 0), res.errors
    got = con.execute(
        "SELECT household_code, visited_on, kind FROM visits WHERE staff_id = 'S2' "
        "AND visited_on BETWEEN '2026-11-03' AND '2026-11-04' ORDER BY 1"
    ).fetchall()
    assert got == [("H02", dt.date(2026, 11, 3), "phone"), ("H04", dt.date(2026, 11, 4), "meeting")]


def test_xls_hidden_first_sheet_is_passed_over_and_falls_back(tiny):
    con, _ = tiny
    assert sheet_names(SHEETS) == ["2025年台账", "2026年台账", "说明"]  # what the page's sheet picker offers
    res = load(con, "households", SHEETS)  # 2025年台账 is first but hidden: this year's visible sheet is read
    assert res.table.sheet == "2026年台账" and res.imported == 2
    assert [r[0] for r in households(con, ("X0", "X1", "X2"))] == ["X1", "X2"]
    res = load(con, "households", DATA / "households_hidden_only.xls")  # no visible sheet has a header
    assert res.table.sheet == "数据" and res.imported == 1


def test_xls_sheet_chosen_with_sheet(tiny_db):
    """--sheet picks a sheet, the hidden one too, typed with full-width digits (folded as for .xlsx)."""
    p = run("import", "households", str(SHEETS), "--sheet", "２０２５年台账", db=tiny_db)
    assert p.returncode == 0, p.stderr
    assert "imported 1," in p.stdout
    p = run("import", "households", str(SHEETS), "--sheet", "三组", db=tiny_db)
    assert p.returncode == 1
    assert "三组" in one_line(p.stderr) and "2026年台账" in p.stderr


@pytest.mark.parametrize("cut", range(0, TWO_ROW.stat().st_size, 512))
def test_a_truncated_xls_is_one_sentence(tmp_path, capfd, cut):
    """Cut anywhere, the file is named in one sentence; calamine's panics (some cuts) print nothing."""
    path = tmp_path / "cut.xls"
    path.write_bytes(TWO_ROW.read_bytes()[:cut])
    with pytest.raises(ImportFailed) as e:
        read_table(path, HH)
    assert e.value.key in ("ingest.error.excel", "ingest.error.sheet")
    assert capfd.readouterr().err == ""


def test_a_text_file_renamed_xls_is_one_sentence(tiny_db, tmp_path):
    path = tmp_path / "台账.xls"
    path.write_text("户编号\t户主\nA1\t甲\n", encoding="gbk")
    with pytest.raises(ImportFailed) as e:
        read_table(path, HH)
    assert e.value.key == "ingest.error.excel"
    cut = tmp_path / "cut.xls"
    cut.write_bytes(TWO_ROW.read_bytes()[:4500])  # a cut where calamine panics
    for bad in (path, cut):
        p = run("import", "households", str(bad), db=tiny_db)
        assert p.returncode == 1
        assert one_line(p.stderr).startswith(f"{bad.name}: ")


def test_the_cell_bound_refuses_an_over_wide_xls_sheet(monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 20)
    with pytest.raises(ImportFailed) as e:
        read_table(TWO_ROW, HH)
    # the grid calamine laid out: A1:F8, 8 rows × 6 columns, refused before its cells became Python objects
    assert e.value.key == "ingest.error.sheet_cells"
    assert e.value.params == {"sheet": "台账", "cells": 48, "most": 20}


def test_a_far_cell_in_an_xls_is_refused_like_in_an_xlsx():
    """Seven cells and one at IV5000: a grid of 1.28 million cells, as a stray far cell makes in .xlsx."""
    with pytest.raises(ImportFailed) as e:
        read_table(DATA / "households_far_cell.xls", HH)
    assert e.value.key == "ingest.error.sheet_range"
    assert e.value.params == {"sheet": "台账", "cells": 7, "last": "IV5000"}


def test_what_is_not_read_is_refused_naming_what_is(tmp_path):
    path = tmp_path / "台账.ods"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(ImportFailed) as e:
        read_table(path, HH)
    assert e.value.key == "ingest.error.table_type"
    assert e.value.params["suffix"] == ".ods"
    assert all(s in e.value.params["allowed"] for s in (".csv", ".txt", ".xlsx", ".xls"))
    assert set(TABULAR_SUFFIXES) >= {".csv", ".txt", ".xlsx", ".xlsm", ".xls"}


# ----------------------------------------------------------------------------- UTF-16 text


def unicode_text(rows: list[list[str]], codec: str, sep: str) -> bytes:
    """A file as Excel's 另存为「Unicode 文本」writes it: a byte order mark, then CRLF lines."""
    return ("\ufeff" + "".join(sep.join(r) + "\r\n" for r in rows)).encode(codec)


@pytest.mark.parametrize(
    "codec,sep,suffix",
    [("utf-16-le", "\t", ".txt"), ("utf-16-be", "\t", ".txt"), ("utf-16-le", ",", ".csv")],
)
def test_utf16_text_with_a_bom_imports(tiny, tmp_path, codec, sep, suffix):
    con, _ = tiny
    path = tmp_path / f"户籍{suffix}"
    path.write_bytes(
        unicode_text(
            [
                ["某村户籍台账"],
                ["户编号", "户主", "联系电话", "网格编码"],
                ["500155200001010021", "欧阳修", "13912345678", G111],
                ["500155200001010022", "𠀋", "", G112],  # a character beyond the BMP: a surrogate pair
                ["500155200001010023", "", "", G111],  # no 户主: rejected on its line
            ],
            codec,
            sep,
        )
    )
    assert csv_encoding(path)[1:] == ("utf-16", 2)
    res = load(con, "households", path)
    assert res.table.encoding == "utf-16" and res.table.header_row == 2
    assert (res.imported, res.rejected) == (2, 1), res.errors
    assert [(e.row, e.column) for e in res.errors] == [(5, "户主")]
    assert households(con, ("500155200001010021", "500155200001010022")) == [
        ("500155200001010021", "欧阳修", "13912345678", None, G111),
        ("500155200001010022", "𠀋", None, None, G112),
    ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_is_read_by_its_bom_and_broken_utf16_is_a_sentence(tmp_path, codec):
    raw = unicode_text([["户编号", "户主"], ["A1", "甲"]], codec, "\t")
    assert decode_text(raw, "x.txt") == ("户编号\t户主\r\nA1\t甲\r\n", "utf-16")
    lone = "\udc00".encode(codec, "surrogatepass")  # a low surrogate with no high one before it
    path = tmp_path / "broken.txt"
    path.write_bytes(raw + lone)
    for read in (lambda: read_table(path, HH), lambda: decode_text(path.read_bytes(), path.name)):
        with pytest.raises(ImportFailed) as e:
            read()
        assert e.value.key == "ingest.error.undecodable"


@pytest.mark.parametrize("path,codec", [(NO_BOM_LE, "utf-16-le"), (NO_BOM_BE, "utf-16-be")])
def test_utf16_text_without_a_bom_imports(tiny, path, codec):
    """Excel's「Unicode 文本」with its byte order mark dropped (some county systems write it so): told by its
    NUL bytes; a title row, the header on row 2, a surrogate pair and 一 (U+4E00, a NUL byte of its own)."""
    con, _ = tiny
    assert csv_encoding(path) == (codec, codec, 0)
    assert decode_text(path.read_bytes(), path.name)[1] == codec
    res = load(con, "households", path)
    assert res.table.encoding == codec and res.table.header_row == 2
    assert (res.imported, res.rejected) == (2, 1), res.errors
    assert [(e.row, e.column) for e in res.errors] == [(5, "户主")]
    assert households(con, ("500155200001010031", "500155200001010032")) == [
        ("500155200001010031", "欧阳修", "13912345678", None, G111),
        ("500155200001010032", "𠀋一", None, None, G112),
    ]


def test_only_utf16_is_taken_for_utf16_without_a_bom(tmp_path):
    """UTF-8 and GBK text hold no NUL byte; a stray NUL in a UTF-8 file does not make it UTF-16, and bytes
    whose NULs say UTF-16 but that are no UTF-16 (an odd length) are one sentence."""
    text = "户编号,户主,网格编码\r\nA1,张三,G1\r\n一组,二组,三组\r\n"
    for codec in ("utf-8", "gbk", "gb18030"):
        assert utf16_without_bom(text.encode(codec)) is None, codec
    assert utf16_without_bom(text.encode("utf-16-le")) == "utf-16-le"
    assert utf16_without_bom(text.encode("utf-16-be")) == "utf-16-be"
    assert utf16_without_bom("A1,张三".encode("utf-16-le")) == "utf-16-le"  # one short line
    stray = text.encode("utf-8") + b"\x00"
    assert utf16_without_bom(stray) is None
    assert decode_text(stray, "x.csv") == (text + "\x00", "utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(text.encode("utf-16-le") + b"\x41")
    for read in (lambda: read_table(broken, HH), lambda: decode_text(broken.read_bytes(), broken.name)):
        with pytest.raises(ImportFailed) as e:
            read()
        assert e.value.key == "ingest.error.undecodable"


# ----------------------------------------------------------------------------- a known column over two


def test_a_first_record_filling_only_a_split_column_is_a_record(tiny):
    """A one-row header whose 家庭住址 heads two columns (the next header cell blank), and a first record
    that filled only those two (一组, 1号): the record is rejected on its own row, not read as a second
    header row; the header stays on row 1."""
    table = read_table(SPLIT_FIRST, HH)
    assert table.header_row == 1 and [n for n, _ in table.rows] == [2, 3, 4]
    assert table.rows[0][1][2:4] == ["一组", "1号"]
    con, _ = tiny
    res = load(con, "households", SPLIT_FIRST)
    assert (res.imported, res.rejected) == (2, 1), res.errors
    assert [(e.row, e.column) for e in res.errors] == [(2, "户编号"), (2, "户主")]
    assert households(con, ("500155200001010041", "500155200001010042")) == [
        ("500155200001010041", "甲", None, "二组", G111),  # the unnamed column beside 家庭住址 is not read
        ("500155200001010042", "乙", None, "三组", G112),
    ]


def test_a_first_record_filling_only_a_split_column_on_the_command_line(tiny_db):
    p = run("import", "households", str(SPLIT_FIRST), db=tiny_db)
    assert p.returncode == 0, p.stderr
    assert "imported 2, updated 0, skipped 0, rejected 1" in p.stdout
    said = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert [ln.split(":")[0] for ln in said] == [
        f"{SPLIT_FIRST.name} row 2 column 户编号",
        f"{SPLIT_FIRST.name} row 2 column 户主",
    ]


@pytest.mark.parametrize(
    "parts,header",
    [
        (["组", "门牌号"], True),  # the parts' labels
        (["电话1", "电话2"], True),  # a label may hold a digit, not begin with one
        (["一组", "1号"], False),
        (["３组", "东"], False),  # full-width digits
        (["十二社", "东"], False),
        (["东", "2026/3/4"], False),
    ],
)
def test_the_row_under_a_split_column_is_header_only_when_no_cell_reads_as_a_value(parts, header):
    rows = [
        (1, ["户编号", "户主", "家庭住址", "", "网格编码"]),
        (2, ["", "", *parts, ""]),
        (3, ["A1", "甲", "二组", "2号", G111]),
    ]
    assert (_find_header(rows, HH)[:2] == (0, 1)) is header


def test_an_xls_on_the_command_line_is_read_in_the_limited_child(tiny_db):
    """calamine lays out an .xls's sheets when it opens it, before the cell bound applies (a cell at IV65536:
    about 1 GB): the command line reads an .xls in the child process the import page uses, under its limits
    (LIANXIN_IMPORT_MEMORY_MB, LIANXIN_IMPORT_SECONDS) — seen here by a CPU limit of no second at all, which
    stops the child at once (read in the command's own process, the file would import)."""
    p = run("import", "households", str(TWO_ROW), db=tiny_db, env={"LIANXIN_IMPORT_SECONDS": "0"})
    assert p.returncode == 1, p.stdout + p.stderr
    line = one_line(p.stderr)
    assert line == Message("ingest.error.read_time", at=f"{TWO_ROW.name}: ", seconds=0)
