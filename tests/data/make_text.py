"""Write the text-file fixtures beside this script, as county systems send them (standard library only).

    .venv/bin/python tests/data/make_text.py

- ``households_utf16le_no_bom.txt``: Excel's 另存为「Unicode 文本」(tab-separated UTF-16LE, CRLF) without its
  byte order mark, as some county systems write it: a title row, the header on row 2, a name beyond the BMP
  (a surrogate pair) and 一 (U+4E00, whose UTF-16 holds a NUL byte too), and on row 5 a household with no 户主.
- ``households_utf16be_no_bom.csv``: the same records comma-separated in UTF-16BE without a BOM.
- ``households_split_first_record.csv`` (GBK, as Excel saves a CSV on a Chinese Windows): a one-row header
  whose 家庭住址 heads two columns (its neighbour's header cell blank, as a merged cell is exported), and as
  first record a household that filled only those two columns (一组, 1号): a record, not a second header row.

The tests (tests/test_ingest_xls.py, tests/test_ingest_field.py, tests/test_import_page.py) read the
committed files.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
G111, G112 = "500100001201-W01", "500100001201-W02"  # tests/factories.py

UNICODE_TEXT_ROWS = [
    ["某村户籍台账"],
    ["户编号", "户主", "联系电话", "网格编码"],
    ["500155200001010031", "欧阳修", "13912345678", G111],
    ["500155200001010032", "𠀋一", "", G112],
    ["500155200001010033", "", "", G111],
]

SPLIT_FIRST_RECORD_ROWS = [
    ["户编号", "户主", "家庭住址", "", "网格编码"],
    ["", "", "一组", "1号", ""],
    ["500155200001010041", "甲", "二组", "2号", G111],
    ["500155200001010042", "乙", "三组", "", G112],
]


def lines(rows: list[list[str]], sep: str) -> str:
    """The rows as CRLF lines.

    Returns
    -------
    str
    """
    return "".join(sep.join(r) + "\r\n" for r in rows)


if __name__ == "__main__":
    (HERE / "households_utf16le_no_bom.txt").write_bytes(lines(UNICODE_TEXT_ROWS, "\t").encode("utf-16-le"))
    (HERE / "households_utf16be_no_bom.csv").write_bytes(lines(UNICODE_TEXT_ROWS, ",").encode("utf-16-be"))
    (HERE / "households_split_first_record.csv").write_bytes(lines(SPLIT_FIRST_RECORD_ROWS, ",").encode("gbk"))
