"""Reading tabular files (CSV/TXT in any Chinese encoding or UTF-16, XLSX and XLS with title rows) into numbered rows.

Row numbers are the ones a person sees: the spreadsheet row in Excel (title and header rows
counted), the line number in a CSV (a record spanning several lines: its first line).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
import re
import sys
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .errors import ImportFailed
from .limits import (
    MAX_CELLS,
    MAX_FIELD_CHARS,
    bounded_lines,
    check_sheet_grid,
    check_xlsx_sheet,
    check_zip,
    xlsx_sheet_parts,
)
from .normalize import normalize_value
from .spec import FileSpec
from .values import text

HEADER_SEARCH_ROWS = 10
TEXT_SUFFIXES = (".csv", ".txt")  # .txt: Excel's 文本文件 and Unicode 文本 (tab-separated)
ZIPPED_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
EXCEL_SUFFIXES = ZIPPED_EXCEL_SUFFIXES + (".xls",)  # .xls: Excel 97–2003 (BIFF8), WPS's default
TABULAR_SUFFIXES = TEXT_SUFFIXES + EXCEL_SUFFIXES
#: a byte order mark that says UTF-16 (Excel's 另存为「Unicode 文本」writes little-endian with one)
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
#: how much of a text file's start :func:`utf16_without_bom` looks at
UTF16_SNIFF_BYTES = 4096


def utf16_without_bom(head: bytes) -> str | None:
    """Whether a text file's first bytes are UTF-16 without a byte order mark, and which byte order.

    The rule: a UTF-8 or GB18030 text holds no NUL byte (neither encodes anything but U+0000 with
    one, and no CSV holds U+0000), while UTF-16 puts one beside every ASCII character — the commas,
    tabs, line ends and digits every CSV is full of — at odd offsets little-endian (``,`` = 2C 00),
    at even ones big-endian (00 2C). So ``head`` is UTF-16 when at least one code unit in eight has
    a NUL on one side and that side has more than twice the other's NULs (a Chinese character
    U+xx00, 一 = U+4E00, puts its NUL on the other side). A stray NUL in a UTF-8 file counts for
    nothing. UTF-8 validity cannot decide it: an ASCII-only UTF-16 text is valid UTF-8 (NUL is a
    character), and Chinese UTF-16 text mostly decodes as GB18030 (张 = 20 5F, two ASCII bytes).

    charset-normalizer (installed with requests, not a dependency of this project) also tells UTF-16
    without BOM, but it scores every codec's decoding of the bytes by how odd the text looks (it names
    short GBK text cp949 or Big5, so it could not replace the UTF-8/GB18030 rule either); these few
    lines say exactly what they decide.

    Parameters
    ----------
    head : bytes
        The file's first bytes (:data:`UTF16_SNIFF_BYTES`), without a BOM.

    Returns
    -------
    str or None
        ``"utf-16-le"``, ``"utf-16-be"``, or None when the bytes are no BOM-less UTF-16.
    """
    units = len(head) // 2
    odd = head[1 : 2 * units : 2].count(0)  # high bytes of little-endian code units
    even = head[0 : 2 * units : 2].count(0)
    for nuls, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls and 8 * nuls >= units and nuls > 2 * other:
            return codec
    return None


@dataclass
class Table:
    """A file's rows, with the header found and mapped to canonical column names."""

    source: str  # the file name shown in messages
    header: list[str]  # the header row as in the file
    header_row: int  # its (last) row number (1-based)
    mapping: dict[str, int]  # canonical column -> index in each row
    rows: list[tuple[int, list[Any]]]  # (row number, values)
    encoding: str = ""
    sheet: str = ""
    ignored: list[str] = field(default_factory=list)  # unknown columns, ignored
    sheets: list[str] = field(default_factory=list)  # a workbook's worksheets in order, read in the same opening

    def label(self, column: str) -> str:
        """The header a person sees for a canonical column.

        Parameters
        ----------
        column : str
            A canonical column name (ingest/spec.py).

        Returns
        -------
        str
            The file's header cell for it, or ``column`` itself when the file has no such column.
        """
        i = self.mapping.get(column)
        return self.header[i] if i is not None else column


def _norm_header(h: Any) -> str:
    s = normalize_value("" if h is None else h)
    s = s.strip("*").strip()
    s = re.sub(r"[(【\[][^)】\]]*[)】\]]$", "", s).strip()  # 户主姓名（必填）, 人口数(人)
    s = re.sub(r"\s+", "", s)  # 户  主 aligned with spaces, 联系\n电话 wrapped with Alt+Enter
    return s.lower()


def _lookup(spec: FileSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for n in col.names():
            lookup.setdefault(_norm_header(n), col.name)
    return lookup


def match_header(cells: list[Any], spec: FileSpec, hidden: set[int] | frozenset[int] = frozenset()) -> dict[str, int]:
    """Map canonical names to column indexes for one candidate header row.

    Headers are compared after NFKC, without ``*``, a trailing bracketed note (户主姓名（必填）),
    spaces and case; the first cell naming a column wins — the first the clerk can see, when a hidden
    column (an old copy kept out of sight) has the same name.

    Parameters
    ----------
    cells : list
        The row's cells.
    spec : FileSpec
        The kind of file.
    hidden : set of int, optional
        Indexes of hidden columns (Excel), which name a column only when no visible cell does.

    Returns
    -------
    dict of str to int
        Canonical column name → 0-based index into the row.
    """
    lookup = _lookup(spec)
    out: dict[str, int] = {}
    for i in sorted(range(len(cells)), key=lambda i: (i in hidden, i)):
        name = lookup.get(_norm_header(cells[i]))
        if name and name not in out:
            out[name] = i
    return out


def decode_text(raw: bytes, source: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-16, UTF-8 with BOM, UTF-8, else GB18030 (a superset of GBK and GB2312).

    UTF-16 is recognised by its byte order mark (FF FE or FE FF, as Excel's「Unicode 文本」writes it)
    or, without one, by its NUL bytes (:func:`utf16_without_bom`).

    Parameters
    ----------
    raw : bytes
        The file's content.
    source : str
        The file name in messages.

    Returns
    -------
    tuple of (str, str)
        The text (BOM removed) and the encoding's name to report: ``utf-16`` (with a BOM),
        ``utf-16-le`` or ``utf-16-be`` (without), ``utf-8-sig``, ``utf-8`` or ``gb18030``.

    Raises
    ------
    ImportFailed
        When no candidate decodes the bytes (a UTF-16 BOM over bytes that are no UTF-16 included).
    """
    bare = utf16_without_bom(raw[:UTF16_SNIFF_BYTES])
    if raw[:2] in _UTF16_BOMS:
        candidates = [("utf-16", raw[2:], _UTF16_BOMS[raw[:2]])]
    elif bare:
        candidates = [(bare, raw, bare)]
    elif raw.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", raw[3:], "utf-8"), ("gb18030", raw[3:], "gb18030")]
    else:
        candidates = [("utf-8", raw, "utf-8"), ("gb18030", raw, "gb18030")]
    for label, data, codec in candidates:
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise ImportFailed(key="ingest.error.undecodable", at=f"{source}: ")


def _decodes(path: Path, codec: str, skip: int) -> bool:
    """Whether the whole file decodes with ``codec``, read in bounded chunks.

    Returns
    -------
    bool
        True when every byte after the first ``skip`` decodes.
    """
    dec = codecs.getincrementaldecoder(codec)()
    with open(path, "rb") as f:
        f.seek(skip)
        try:
            while True:
                block = f.read(1 << 20)
                if not block:
                    dec.decode(b"", final=True)
                    return True
                dec.decode(block)
        except UnicodeDecodeError:
            return False


def csv_encoding(path: Path) -> tuple[str, str, int]:
    """How to open a CSV: UTF-16, UTF-8 (with or without BOM), else GB18030.

    UTF-16 is recognised by its byte order mark (FF FE little-endian, as Excel's「Unicode 文本」writes
    it, or FE FF big-endian) or, without one, by the NUL bytes of its first
    :data:`UTF16_SNIFF_BYTES` bytes (:func:`utf16_without_bom`); then the whole file must decode as UTF-16.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.

    Returns
    -------
    tuple of (str, str, int)
        The codec (``utf-16-le``, ``utf-16-be``, ``utf-8`` or ``gb18030``), the encoding's name to
        report (``utf-16`` with a UTF-16 BOM, ``utf-16-le`` or ``utf-16-be`` without one, ``utf-8-sig``
        with a UTF-8 BOM, ``utf-8`` or ``gb18030``) and the bytes to skip (2 for a UTF-16 BOM, 3 for a
        UTF-8 BOM, else 0).

    Raises
    ------
    ImportFailed
        When none decodes the file (a UTF-16 BOM over bytes that are no UTF-16 included).
    """
    with open(path, "rb") as f:
        head = f.read(UTF16_SNIFF_BYTES)
    bare = utf16_without_bom(head)
    if head[:2] in _UTF16_BOMS:
        options = [(_UTF16_BOMS[head[:2]], "utf-16", 2)]
    elif bare:
        options = [(bare, bare, 0)]
    elif head[:3] == b"\xef\xbb\xbf":
        options = [("utf-8", "utf-8-sig", 3), ("gb18030", "gb18030", 3)]
    else:
        options = [("utf-8", "utf-8", 0), ("gb18030", "gb18030", 0)]
    for codec, label, skip in options:
        if _decodes(path, codec, skip):
            return codec, label, skip
    raise ImportFailed(key="ingest.error.undecodable", at=f"{path.name}: ")


def _csv_rows(path: Path) -> tuple[list[tuple[int, list[Any]]], str]:
    codec, enc, skip = csv_encoding(path)
    with open(path, "rb") as raw:
        raw.seek(skip)
        f = io.TextIOWrapper(raw, encoding=codec, errors="strict", newline="")
        begin = f.tell()
        sample = f.read(4096)
        f.seek(begin)
        delim = ","
        if sample.count("\t") > sample.count(",") and sample.count("\t") > sample.count(";"):
            delim = "\t"
        reader = csv.reader(bounded_lines(f, path.name), delimiter=delim)
        out = []
        prev = cells = 0
        try:
            for rec in reader:
                start = prev + 1
                prev = reader.line_num
                cells += len(rec)
                if cells > MAX_CELLS:
                    raise ImportFailed(key="ingest.error.too_many_cells", at=f"{path.name}: ", cells=MAX_CELLS)
                if any(len(x) > MAX_FIELD_CHARS for x in rec):
                    raise csv.Error("field larger than field limit")
                out.append((start, rec))
        except csv.Error as e:
            raise ImportFailed(
                key="ingest.error.csv_record", at=f"{path.name} row {prev + 1}: ", error=e, chars=MAX_FIELD_CHARS
            ) from e
    return out, enc


def _cell(v: Any) -> Any:
    """Excel cell → Python value: numbers stay numbers, dates stay dates.

    A number's column decides what it means (ingest.values.cell).

    Returns
    -------
    Any
        "" for NaN, None and a time of day; a bool as its text; int, float, date and datetime as
        they are; anything else as str.
    """
    if isinstance(v, float):
        return "" if math.isnan(v) else v
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return v
    if isinstance(v, (dt.datetime, dt.date)):
        return v
    if isinstance(v, dt.time):
        return ""
    return "" if v is None else str(v)


def _visible(meta: Any) -> bool:
    """SheetVisibleEnum.Visible (not Hidden, not VeryHidden).

    Returns
    -------
    bool
        Whether the sheet's metadata says it is visible.
    """
    return str(meta.visible).rsplit(".", 1)[-1].lower() == "visible"


@contextmanager
def _quiet_native_errors() -> Iterator[None]:
    """Keep a Rust panic's report inside calamine (a damaged .xls) off standard error while it runs.

    The panic reaches Python as an exception (read as one sentence); the report Rust prints first,
    with its backtrace, would otherwise reach the clerk's terminal. File descriptor 2 is pointed at
    /dev/null meanwhile and restored afterwards.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _calamine_gave_up(e: BaseException) -> bool:
    """Whether calamine failed on the file: its own errors, or a panic (pyo3's PanicException is a BaseException).

    Returns
    -------
    bool
        False for KeyboardInterrupt, SystemExit and the like, which are passed on.
    """
    return isinstance(e, Exception) or type(e).__name__ == "PanicException"


def _open_workbook(path: Path) -> Any:
    """The workbook opened by python-calamine (.xlsx, .xlsm, .xls), or the sentence that it cannot be.

    Returns
    -------
    python_calamine.CalamineWorkbook

    Raises
    ------
    ImportFailed
        ``ingest.error.excel`` when calamine cannot open it (damaged, truncated, not a workbook).
    """
    from python_calamine import CalamineWorkbook

    try:
        with _quiet_native_errors():
            return CalamineWorkbook.from_path(str(path))
    except BaseException as e:  # calamine raises its own error types, or panics, for broken files
        if not _calamine_gave_up(e):
            raise
        raise ImportFailed(key="ingest.error.excel", at=f"{path.name}: ", error=type(e).__name__) from e


def excel_sheets(path: Path) -> list[tuple[str, bool]]:
    """The sheets of a workbook in order, each with whether the clerk can see it (not hidden or very hidden).

    Parameters
    ----------
    path : pathlib.Path
        The workbook (.xlsx, .xlsm or .xls).

    Returns
    -------
    list of (str, bool)
        Worksheet name and visibility, in the workbook's order (only worksheets: chart, dialog and macro
        sheets left out).

    Raises
    ------
    ImportFailed
        When python-calamine cannot open the file.
    """  # noqa: DOC502 — raised by _open_workbook
    wb = _open_workbook(path)
    try:
        return _worksheets(wb)
    finally:
        wb.close()


def _worksheets(wb: Any) -> list[tuple[str, bool]]:
    """:func:`excel_sheets` of a workbook already open.

    Returns
    -------
    list of (str, bool)
        Worksheet name and visibility, in the workbook's order.
    """
    return [(m.name, _visible(m)) for m in wb.sheets_metadata if "work" in str(m.typ).lower()]


def hidden_columns(path: Path, part: str) -> set[int]:
    """The columns a worksheet hides (``<col min max hidden="1">``, before its cells), numbered from 1.

    Parameters
    ----------
    path : pathlib.Path
        The xlsx file.
    part : str
        The worksheet's part (ingest.limits.xlsx_sheet_parts).

    Returns
    -------
    set of int
        Column numbers (A = 1); empty when none is hidden or the part cannot be read.
    """
    head = b""
    try:
        with zipfile.ZipFile(path) as zf, zf.open(part) as f:
            while len(head) < (4 << 20):
                block = f.read(1 << 16)
                if not block:
                    break
                head += block
                if _SHEET_DATA.search(head):
                    break
    except (zipfile.BadZipFile, KeyError, OSError):
        return set()
    out: set[int] = set()
    for tag in _COL_TAG.findall(head.split(b"<sheetData", 1)[0]):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get(b"hidden") in (b"1", b"true"):
            try:
                lo, hi = int(attrs[b"min"]), int(attrs[b"max"])
            except (KeyError, ValueError):
                continue
            out.update(range(max(lo, 1), min(hi, 16384) + 1))
    return out


_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData[\s>/]")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _sheet_values(wb: Any, name: str, path: Path, bounded: bool) -> tuple[int, int, list[list[Any]]]:
    """One sheet's cells as Python values, with the row and column of its top-left cell (0-based).

    Parameters
    ----------
    wb : python_calamine.CalamineWorkbook
        The open workbook.
    name : str
        The sheet.
    path : pathlib.Path
        The file (its name in messages).
    bounded : bool
        Whether the sheet's size was checked already (an xlsx sheet's XML, :func:`check_xlsx_sheet`);
        otherwise (.xls) its grid is checked here (:func:`ingest.limits.check_sheet_grid`) before its
        cells become Python objects.

    Returns
    -------
    tuple of (int, int, list of list)
        Top row, left column, and the rows of cells as calamine gives them.

    Raises
    ------
    ImportFailed
        ``ingest.error.sheet`` when calamine cannot read the sheet; the grid's bounds.
    """
    at = f"{path.name}: "
    try:
        with _quiet_native_errors():
            sh = wb.get_sheet_by_name(name)
    except BaseException as e:
        if not _calamine_gave_up(e):
            raise
        raise ImportFailed(key="ingest.error.sheet", at=at, sheet=name, error=type(e).__name__) from e
    if not bounded:
        check_sheet_grid(sh, name, path.name)
    try:
        top = sh.start[0] if sh.start else 0
        left = sh.start[1] if sh.start else 0
        return top, left, sh.to_python(skip_empty_area=True)
    except Exception as e:
        raise ImportFailed(key="ingest.error.sheet", at=at, sheet=name, error=type(e).__name__) from e


def _excel_rows(
    path: Path, sheet: str | None, spec: FileSpec
) -> tuple[list[tuple[int, list[Any]]], str, set[int], list[str]]:
    zipped = path.suffix.lower() in ZIPPED_EXCEL_SUFFIXES
    if zipped:
        check_zip(path)
    wb = _open_workbook(path)  # once: calamine lays out an .xls's every sheet when it opens it
    first = None
    try:
        sheets = _worksheets(wb)
        names = [n for n, _ in sheets]
        if sheet is not None:
            if sheet not in names:  # 2026年台账 typed for the tab "2026年台账 " (or full-width digits)
                same = [n for n in names if normalize_value(n) == normalize_value(sheet)]
                sheet = same[0] if len(same) == 1 else sheet
            if sheet not in names:
                raise ImportFailed(
                    key="ingest.error.no_sheet", at=f"{path.name}: ", sheet=sheet, sheets="、".join(names)
                )
            candidates = [sheet]
        else:  # the sheets a clerk sees first, in order; hidden ones only when no visible sheet has a header
            candidates = [n for n, v in sheets if v] + [n for n, v in sheets if not v]
        parts = xlsx_sheet_parts(path) if zipped else {}  # .xls: no parts, and no hidden columns calamine can tell
        for name in candidates:
            if name in parts:
                check_xlsx_sheet(path, parts[name], name, path.name)
            top, left, data = _sheet_values(wb, name, path, bounded=name in parts)
            rows = [(top + i + 1, [_cell(v) for v in r]) for i, r in enumerate(data)]
            hidden = {c - 1 - left for c in hidden_columns(path, parts[name])} if name in parts else set()
            if first is None:
                first = (rows, name, hidden, names)
            if _find_header(rows, spec) is not None:
                return rows, name, hidden, names
    finally:
        wb.close()
    return first if first else ([], "", set(), names)


def _known_names(cells: list[Any], lookup: dict[str, str]) -> int:
    return sum(1 for c in cells if _norm_header(c) in lookup)


def _blank(c: Any) -> bool:
    return c is None or (isinstance(c, str) and normalize_value(c) == "")


def _is_number(c: Any) -> bool:
    if isinstance(c, (int, float)) and not isinstance(c, bool):
        return True
    return isinstance(c, str) and re.fullmatch(r"[\d.,\-+]+", normalize_value(c)) is not None


#: the start of a value that no column label has: a digit (1号, 12栋, 2026/3/4, 023-…), or a number in
#: Chinese characters before what it counts (一组, 三社, 十二号)
_VALUE_START = re.compile(r"^(?:\d|[〇零一二两三四五六七八九十百千]+(?:组|社|队|号|栋|幢|楼|单元|室|层|户|排|巷|弄))")


def _value_like(c: Any) -> bool:
    """Whether a cell under a split column is a record's value rather than a part's label (组, 门牌号, 电话1).

    A label says what a column holds and never begins with a number; a value often does: a number or
    date cell, text beginning with a digit (full-width digits folded), or a Chinese number counting
    something (一组, 三社). A value without a number in it (幸福小区, 东门) is not told from a label.

    Returns
    -------
    bool
    """
    if not isinstance(c, str):
        return True  # a number or date cell (a label is text)
    return _is_number(c) or _VALUE_START.match(normalize_value(c)) is not None


def _two_row(upper: list[Any], lower: list[Any], lookup: dict[str, str]) -> tuple[list[Any], list[list[int]]] | None:
    """The header of two rows (a group cell over named columns, single cells merged down), or None.

    Each column is named by its lower cell when it has one (联系电话 under 联系方式), else by its
    upper cell (户编号 merged down over both rows). The pair is a header when the lower row names
    at least one known column and every filled cell of the lower row is a known column name or lies
    under a cell that is not one (a group) — a data row always puts values under the known columns
    of the row above.

    A known column may itself be split over several columns (家庭住址 merged over 组 and 门牌号): its
    first column keeps the known name. Such a lower row is a header only when it is text, lies only
    under the split columns and leaves every column merged down (户编号, 户主 …) empty — a data row
    fills those — and none of its cells reads as a value (:func:`_value_like`: 一组, 1号): a first
    record under a one-row header whose known column heads two (家庭住址 over an unnamed column) may
    fill only those two, and is a record.

    Returns
    -------
    tuple of (list, list of list of int) or None
        The merged header cells (as wide as the wider row) and the known columns split over several
        (each a list of column indexes, the first keeping the name; when there is one, the pair is a
        header even when it names no more columns than the upper row), or None when the pair is no header.
    """
    width = max(len(upper), len(lower))
    up = list(upper) + [""] * (width - len(upper))
    lo = list(lower) + [""] * (width - len(lower))
    known_up = [not _blank(u) and _norm_header(u) in lookup for u in up]
    # a known upper cell heading a group: the cells right of it are empty above and filled below
    split = [
        known_up[j] and j + 1 < width and _blank(up[j + 1]) and not _blank(lo[j + 1]) and not _blank(lo[j])
        for j in range(width)
    ]
    under_split = [False] * width
    for j in range(width):
        if split[j]:
            k = j
            while k < width and (k == j or _blank(up[k])) and not _blank(lo[k]):
                under_split[k] = True
                k += 1
    named_below = False
    for j, (u, below) in enumerate(zip(up, lo)):
        if _blank(below):
            continue
        if _norm_header(below) in lookup:
            named_below = True
        elif known_up[j] and not split[j]:
            return None  # a value under a known column: a data row
    grouped = any(split)
    if grouped:
        filled = [j for j in range(width) if not _blank(lo[j])]
        if any(not under_split[j] or _value_like(lo[j]) or _norm_header(lo[j]) in lookup for j in filled):
            grouped = False  # values elsewhere too, or values under the split: a data row
            if any(split[j] for j in filled):
                return None
    if not (named_below or grouped):
        return None
    cells = [u if _blank(below) or split[j] else below for j, (u, below) in enumerate(zip(up, lo))]
    spans = []
    if grouped:
        for j in range(width):
            if split[j]:
                k = j + 1
                while k < width and under_split[k] and not split[k]:
                    k += 1
                spans.append(list(range(j, k)))
    return cells, spans


_NOTE_CELL = re.compile(r"^(?:[(\[【（].*[)\]】）]|单位[:：].*)$")
_NUMBERING_LABELS = {"栏次", "序号", "列号", "甲", "乙"}
#: the first cell of a row below the data that is no record: a total, or the form's signature line
_FOOTER = re.compile(
    r"^(?:合\s*计|总\s*计|小\s*计|共\s*计|填表人|制表人|填报人|审核人|负责人|填报日期|制表日期|单位负责人"
    r"|(?:备注|说明|注)\s*[:：])"
)


def _continuation(cells: list[Any]) -> bool:
    """Whether a row just below the header belongs to it: units (（人）, （度）, 单位：人) or column numbers (1 2 3 …).

    Chinese forms often carry a row of units, or a 栏次 row numbering the columns, under the header;
    neither is a record.

    Returns
    -------
    bool
    """
    filled = [c for c in cells if not _blank(c)]
    if not filled:
        return False
    texts = [normalize_value(c) if isinstance(c, str) else c for c in filled]
    if all(isinstance(c, str) and _NOTE_CELL.match(c) for c in texts):
        return True
    if texts and isinstance(texts[0], str) and texts[0] in _NUMBERING_LABELS:
        texts = texts[1:]
    numbers = []
    for c in texts:
        if isinstance(c, bool):
            return False
        if isinstance(c, (int, float)) and float(c).is_integer():
            numbers.append(int(c))
        elif isinstance(c, str) and re.fullmatch(r"[(（]?\d{1,3}[)）]?", c):
            numbers.append(int(re.sub(r"\D", "", c)))
        else:
            return False
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] in (0, 1)


def _footer(cells: list[Any]) -> bool:
    """Whether a row is a total (合计 …) or the form's signature line (填表人：…), not a record.

    Returns
    -------
    bool
    """
    first = next((c for c in cells if not _blank(c)), None)
    return isinstance(first, str) and _FOOTER.match(normalize_value(first)) is not None


def _repeated_header(cells: list[Any], mapping: dict[str, int], lookup: dict[str, str]) -> bool:
    """Whether a row below the header repeats it (sheets pasted together, a header printed on every page).

    Returns
    -------
    bool
        True when every column the header maps holds a column name in this row (at least two of them filled).
    """
    named = 0
    for i in mapping.values():
        c = cells[i] if i < len(cells) else ""
        if _blank(c):
            continue
        if not isinstance(c, str):
            return False
        if (c.strip().lower() if c.isascii() else _norm_header(c)) not in lookup:  # codes are mostly ASCII: quick
            return False
        named += 1
    return named >= 2


def _find_header(
    rows: list[tuple[int, list[Any]]], spec: FileSpec
) -> tuple[int, int, list[Any], list[list[int]]] | None:
    """The header: (index of its first row, of its last row, the column names).

    The first row among the first :data:`HEADER_SEARCH_ROWS` that names at least two known columns;
    with the row below (or above) it when together they name more (a header over two rows).

    Returns
    -------
    tuple of (int, int, list, list of list of int) or None
        Indexes into ``rows`` (0-based), the header's cells and the known columns split over several
        (:func:`_two_row`), or None when no row qualifies.
    """
    lookup = _lookup(spec)
    for idx, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if len(match_header(cells, spec)) < 2:
            continue
        alone = len(match_header(cells, spec))
        if idx + 1 < len(rows):
            pair = _two_row(cells, rows[idx + 1][1], lookup)
            if pair is not None and (len(match_header(pair[0], spec)) > alone or pair[1]):
                return idx, idx + 1, pair[0], pair[1]
        if idx > 0:
            pair = _two_row(rows[idx - 1][1], cells, lookup)
            if pair is not None and len(match_header(pair[0], spec)) > alone:
                return idx - 1, idx, pair[0], []
        return idx, idx, cells, []
    return None


def _join_split(
    body: list[tuple[int, list[Any]]], spans: list[list[int]], mapping: dict[str, int], spec: FileSpec
) -> list[tuple[int, list[Any]]]:
    """A text column split over several (家庭住址 over 组 and 门牌号) read as one: the parts joined.

    Returns
    -------
    list of (int, list)
        The rows, each split text column's first cell holding its parts joined (一组 + 1号 → 一组1号).
    """
    kinds = {i: spec.column(name).kind for name, i in mapping.items()}
    joins = [sp for sp in spans if kinds.get(sp[0]) in ("text", "name")]
    if not joins:
        return body
    out = []
    for n, cells in body:
        cells = list(cells)
        for sp in joins:
            parts = [text(cells[k]) for k in sp if k < len(cells) and not _blank(cells[k])]
            if sp[0] < len(cells):
                cells[sp[0]] = "".join(parts)
        out.append((n, cells))
    return out


def read_table(path: str | Path, spec: FileSpec, sheet: str | None = None) -> Table:
    """Read a CSV or Excel file and find its header row.

    Parameters
    ----------
    path : the file (.csv or .txt: UTF-8, GBK/GB18030 or UTF-16 with or without a BOM, comma or tab separated;
        .xlsx, .xlsm or .xls).
    spec : which kind of file it should be (households, staff, visits, petitions).
    sheet : the Excel sheet; default the first one whose header matches.

    Returns
    -------
    Table with numbered rows below the header (blank rows dropped); its ``encoding`` is the text's
    (``utf-8``, ``gb18030``, ``utf-16``, ``utf-16-le`` …) or ``xlsx``/``xls`` for a workbook, its
    ``sheets`` a workbook's worksheets in order (:func:`excel_sheets`, from the same opening of the file).

    Raises
    ------
    ImportFailed
        With a sentence when the file is missing, unreadable or has no known header.
    """
    p = Path(path)
    if not p.exists():
        raise ImportFailed(key="ingest.error.no_file", at=f"{p}: ")
    if not p.is_file():
        raise ImportFailed(key="ingest.error.not_a_file", at=f"{p}: ")
    suffix = p.suffix.lower()
    if suffix not in TABULAR_SUFFIXES:
        allowed = "、".join(TABULAR_SUFFIXES)
        raise ImportFailed(key="ingest.error.table_type", at=f"{p.name}: ", suffix=suffix, allowed=allowed)
    sheet_name = ""
    hidden: set[int] = set()
    sheets: list[str] = []
    try:
        if suffix in TEXT_SUFFIXES:
            rows, enc = _csv_rows(p)
        else:
            rows, sheet_name, hidden, sheets = _excel_rows(p, sheet, spec)
            enc = "xls" if suffix == ".xls" else "xlsx"
    except OSError as e:
        raise ImportFailed(key="ingest.error.unreadable", at=f"{p}: ", error=e.strerror) from e
    found = _find_header(rows, spec)
    if found is None:
        want = "、".join(c.label for c in spec.columns if c.required)
        raise ImportFailed(key="ingest.error.no_header", at=f"{p.name}: ", rows=HEADER_SEARCH_ROWS, want=want)
    first, last, names, spans = found
    while last + 1 < len(rows) and last - first < 3 and _continuation(rows[last + 1][1]):
        last += 1  # a row of units or column numbers under the header
    mapping = match_header(names, spec, hidden)
    lookup = _lookup(spec)
    header_row = rows[last][0]
    header = [normalize_value(h) if h is not None else "" for h in names]
    body = [
        (n, cells)
        for n, cells in rows[last + 1 :]
        if any((c if not isinstance(c, str) else c.strip()) for c in cells)
        and not _repeated_header(cells, mapping, lookup)
    ]
    while body and _footer(body[-1][1]):
        body.pop()  # 合计 and 填表人 rows after the records
    body = _join_split(body, spans, mapping, spec)
    known = set(mapping.values())
    ignored = [h for i, h in enumerate(header) if i not in known and h]
    return Table(
        source=p.name,
        header=header,
        header_row=header_row,
        mapping=mapping,
        rows=body,
        encoding=enc,
        sheet=sheet_name,
        ignored=ignored,
        sheets=sheets,
    )
