"""Reading tabular files (CSV in any Chinese encoding, XLSX with title rows) into numbered rows.

Row numbers are the ones a person sees: the spreadsheet row in Excel (title and header rows
counted), the line number in a CSV (a record spanning several lines: its first line).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ImportFailed
from .spec import FileSpec

HEADER_SEARCH_ROWS = 10
TABULAR_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")


@dataclass
class Table:
    """A file's rows, with the header found and mapped to canonical column names."""

    source: str                          # the file name shown in messages
    header: list[str]                    # the header row as in the file
    header_row: int                      # its row number (1-based)
    mapping: dict[str, int]              # canonical column -> index in each row
    rows: list[tuple[int, list[Any]]]    # (row number, values)
    encoding: str = ""
    sheet: str = ""
    ignored: list[str] = field(default_factory=list)   # unknown columns, ignored

    def label(self, column: str) -> str:
        """The header a person sees for a canonical column."""
        i = self.mapping.get(column)
        return self.header[i] if i is not None else column


def _norm_header(h: Any) -> str:
    s = "" if h is None else str(h)
    s = s.replace("\ufeff", "").strip().strip("*＊").strip()
    s = re.sub(r"[（(【\[][^）)】\]]*[）)】\]]$", "", s).strip()   # 户主姓名（必填）, 人口数(人)
    s = s.replace(" ", "").replace("\u3000", "")
    return s.lower()


def match_header(cells: list[Any], spec: FileSpec) -> dict[str, int]:
    """Map canonical names to column indexes for one candidate header row."""
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for n in col.names():
            lookup.setdefault(_norm_header(n), col.name)
    out: dict[str, int] = {}
    for i, c in enumerate(cells):
        name = lookup.get(_norm_header(c))
        if name and name not in out:
            out[name] = i
    return out


def decode_text(raw: bytes, source: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with BOM, UTF-8, else GB18030 (a superset of GBK and GB2312)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", raw[3:], "utf-8"), ("utf-8-sig", raw[3:], "gb18030")]
    else:
        candidates = [("utf-8", raw, "utf-8"), ("gb18030", raw, "gb18030")]
    for label, data, codec in candidates:
        try:
            return data.decode(codec), label if codec == "utf-8" else "gb18030"
        except UnicodeDecodeError:
            continue
    raise ImportFailed(f"{source}: 无法识别文件编码（应为 UTF-8 或 GBK）/ cannot decode the file (UTF-8 or GBK expected)")


def _csv_rows(path: Path) -> tuple[list[tuple[int, list[Any]]], str]:
    text, enc = decode_text(path.read_bytes(), path.name)
    sample = text[:4096]
    delim = ","
    if sample.count("\t") > sample.count(",") and sample.count("\t") > sample.count(";"):
        delim = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    out = []
    prev = 0
    for rec in reader:
        start = prev + 1
        prev = reader.line_num
        out.append((start, rec))
    return out, enc


def _cell(v: Any) -> Any:
    """Excel cell → Python value: integral floats become integer text, dates stay dates."""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (dt.datetime, dt.date)):
        return v
    if isinstance(v, dt.time):
        return ""
    return "" if v is None else str(v)


def _excel_rows(path: Path, sheet: str | None, spec: FileSpec) -> tuple[list[tuple[int, list[Any]]], str]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for broken files
        raise ImportFailed(f"{path.name}: 无法读取 Excel 文件（{type(e).__name__}）/ not a readable Excel file") from e
    names = list(wb.sheet_names)
    if sheet is not None:
        if sheet not in names:
            raise ImportFailed(f"{path.name}: 没有名为「{sheet}」的工作表（有：{'、'.join(names)}）/ no sheet {sheet!r}")
        candidates = [sheet]
    else:
        candidates = names
    first = None
    for name in candidates:
        data = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        rows = [(i + 1, [_cell(v) for v in r]) for i, r in enumerate(data)]
        if first is None:
            first = (rows, name)
        if _find_header(rows, spec) is not None:
            return rows, name
    return first if first else ([], "")


def _find_header(rows: list[tuple[int, list[Any]]], spec: FileSpec) -> tuple[int, dict[str, int]] | None:
    for idx, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        m = match_header(cells, spec)
        if len(m) >= 2:
            return idx, m
    return None


def read_table(path: str | Path, spec: FileSpec, sheet: str | None = None) -> Table:
    """Read a CSV or Excel file and find its header row.

    Parameters
    ----------
    path : the file (.csv, .xlsx …).
    spec : which kind of file it should be (households, staff, visits, petitions).
    sheet : the Excel sheet; default the first one whose header matches.

    Returns
    -------
    Table with numbered rows below the header (blank rows dropped).

    Raises
    ------
    ImportFailed with a sentence when the file is missing, unreadable or has no known header.
    """
    p = Path(path)
    if not p.exists():
        raise ImportFailed(f"{p}: 文件不存在 / file not found")
    if not p.is_file():
        raise ImportFailed(f"{p}: 不是文件 / not a file")
    suffix = p.suffix.lower()
    if suffix not in TABULAR_SUFFIXES:
        raise ImportFailed(f"{p.name}: 不支持的文件类型 {suffix}（请用 .csv 或 .xlsx）/ unsupported file type")
    sheet_name = ""
    try:
        if suffix in (".csv", ".txt"):
            rows, enc = _csv_rows(p)
        else:
            rows, sheet_name = _excel_rows(p, sheet, spec)
            enc = "xlsx"
    except OSError as e:
        raise ImportFailed(f"{p}: 无法读取文件（{e.strerror}）/ cannot read the file") from e
    found = _find_header(rows, spec)
    if found is None:
        want = "、".join(c.label for c in spec.columns if c.required)
        raise ImportFailed(f"{p.name}: 前 {HEADER_SEARCH_ROWS} 行中找不到表头（至少需要两个已知列名，如 {want}）"
                           f" / no header row with two known column names in the first {HEADER_SEARCH_ROWS} rows")
    idx, mapping = found
    header_row, header = rows[idx]
    header = ["" if h is None else str(h).replace("\ufeff", "").strip() for h in header]
    body = [(n, cells) for n, cells in rows[idx + 1:]
            if any((c if not isinstance(c, str) else c.strip()) for c in cells)]
    known = set(mapping.values())
    ignored = [h for i, h in enumerate(header) if i not in known and h]
    return Table(source=p.name, header=header, header_row=header_row, mapping=mapping, rows=body,
                 encoding=enc, sheet=sheet_name, ignored=ignored)
