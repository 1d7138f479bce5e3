r"""Writing report frames for people: CSV (UTF-8 with BOM), JSON, a plain-text table, XLSX.

Numbers keep the contract's form in CSV/JSON: coverage with 4 decimals, per_1000 with 2, empty
for "no value", booleans as true/false, dates as 2026-11-24, times of day (the audit log's
``logged_at``) as 2026-11-24 09:05:00.

No text ever reaches a spreadsheet as a formula: a CSV cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading ``'`` (OWASP, "CSV Injection"), unless it is a
plain number (``-12.5`` stays a number); XLSX cells are written with ``write_string``, never as
formulas or links. The terminal table shows control characters as ``\xNN`` instead of sending them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import unicodedata
from typing import Any, Mapping, Sequence

import pandas as pd

DECIMALS = {"coverage": 4, "per_1000": 2, "gi_z": 4, "gi_p": 4, "rate": 4}
#: columns that hold a moment rather than a day: written with the time of day
TIMESTAMP_COLUMNS = frozenset({"logged_at", "created_at", "locked_until", "wait_until", "last_failed_at"})
#: what a spreadsheet reads as the start of a formula (OWASP "CSV Injection"; NUL as ASVS 1.2.10 adds)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return False


def cell_text(column: str, v: Any) -> str:
    """One value as the contract writes it.

    Parameters
    ----------
    column : str
        The column's name (decides decimals, :data:`DECIMALS`, and times of day,
        :data:`TIMESTAMP_COLUMNS`).
    v : Any
        The value.

    Returns
    -------
    str
        "" when missing; true/false; a date as 2026-11-24 (with the time in a timestamp column); a list
        joined with 、; a number with the column's decimals, a whole float without ``.0``.

    Examples
    --------
    >>> cell_text("coverage", 0.5), cell_text("n", 3.0), cell_text("tags", ["低保", "独居"])
    ('0.5000', '3', '低保、独居')
    """
    if _is_missing(v):
        return ""
    if isinstance(v, (bool,)) or type(v).__name__ == "bool_":
        return "true" if bool(v) else "false"
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        if column in TIMESTAMP_COLUMNS:
            return v.strftime("%Y-%m-%d %H:%M:%S")
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "、".join(str(x) for x in v)
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        try:
            lst = v.tolist()
            if isinstance(lst, list):
                return "、".join(str(x) for x in lst)
            v = lst
        except Exception:
            pass
    if column in DECIMALS and isinstance(v, (int, float)):
        return f"{float(v):.{DECIMALS[column]}f}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def csv_safe(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet will run as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab, carriage return, line feed or NUL — or
    with spaces before ``=``, ``+``, ``-``, ``@`` — gets a leading single quote, as the OWASP
    guidance on CSV injection says; a plain number (``-12.5``, ``+86``) stays as it is.

    Parameters
    ----------
    text : one cell as it would be written.

    Returns
    -------
    str, the cell to write (the csv module then quotes separators and double quotes).

    Examples
    --------
    >>> csv_safe("=1+1")
    "'=1+1"
    >>> csv_safe("@SUM(1+1)"), csv_safe("+1+1"), csv_safe("-12.5"), csv_safe("张三")
    ("'@SUM(1+1)", "'+1+1", '-12.5', '张三')
    """
    if not text:
        return text
    first = text.lstrip(" \u3000")[:1]
    if (text.startswith(FORMULA_STARTS) or first in ("=", "+", "-", "@")) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def rows_text(df: pd.DataFrame) -> list[list[str]]:
    """Every row of ``df`` as the texts :func:`cell_text` writes.

    Parameters
    ----------
    df : pandas.DataFrame
        The report frame.

    Returns
    -------
    list of list of str
        One list per row, one text per column.
    """
    cols = list(df.columns)
    return [[cell_text(c, v) for c, v in zip(cols, rec)] for rec in df.itertuples(index=False, name=None)]


def headers(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> list[str]:
    """The header row: each column's label when ``labels`` names it, else its own name.

    Parameters
    ----------
    df : pandas.DataFrame
        The report frame.
    labels : mapping of str to str, optional
        Column → header (e.g. Chinese headers).

    Returns
    -------
    list of str
        One header per column.
    """
    return [labels.get(c, c) if labels else c for c in df.columns]


def to_csv_bytes(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> bytes:
    r"""CSV, UTF-8 with BOM (opens cleanly in Excel); English snake_case headers unless ``labels``.

    Every cell goes through :func:`csv_safe`: no text comes out as a live formula.

    Parameters
    ----------
    df : pandas.DataFrame
        The report frame.
    labels : mapping of str to str, optional
        Column → header.

    Returns
    -------
    bytes
        The file's content: a BOM, then rows ending in ``\n``.
    """
    buf = io.StringIO()
    # the csv module quotes a cell holding any character of the line terminator: with "\r\n" a
    # carriage return inside a cell is quoted too (with "\n" alone it would end the row in Excel);
    # each row then ends with a plain "\n" as before
    w = csv.writer(buf, lineterminator="\r\n")
    for row in [headers(df, labels), *rows_text(df)]:
        w.writerow([csv_safe(x) for x in row])
        buf.seek(buf.tell() - 2)
        buf.truncate()
        buf.write("\n")
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def to_json_bytes(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> bytes:
    """JSON: a list of objects, one per row, keyed by header; UTF-8 without escaping Chinese.

    Missing values are null, booleans true/false, dates as :func:`cell_text` writes them, numbers
    of :data:`DECIMALS` columns rounded.

    Parameters
    ----------
    df : pandas.DataFrame
        The report frame.
    labels : mapping of str to str, optional
        Column → key.

    Returns
    -------
    bytes
        The file's content, ending in a line break.
    """
    hs = headers(df, labels)
    recs = []
    for rec in df.itertuples(index=False, name=None):
        out = {}
        for h, c, v in zip(hs, df.columns, rec):
            if _is_missing(v):
                out[h] = None
            elif isinstance(v, (bool,)) or type(v).__name__ == "bool_":
                out[h] = bool(v)
            elif isinstance(v, (dt.date, pd.Timestamp)):
                out[h] = cell_text(c, v)
            elif hasattr(v, "item"):
                out[h] = v.item()
            elif hasattr(v, "tolist"):
                out[h] = v.tolist()
            else:
                out[h] = v
            if c in DECIMALS and isinstance(out[h], float):
                out[h] = round(out[h], DECIMALS[c])
        recs.append(out)
    return (json.dumps(recs, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def text_width(s: str) -> int:
    """How wide ``s`` is in half-width characters: a wide character (Chinese, full-width) counts two.

    The width a terminal, a monospaced table or a spreadsheet column gives the text (Unicode's East Asian
    Width, UAX #11: ``W`` and ``F`` are two columns).

    Returns
    -------
    int

    Examples
    --------
    >>> text_width("网格 W01")
    8
    """
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def set_widths(ws: Any, frame: pd.DataFrame, heads: Sequence[str]) -> None:
    """Size each column of a worksheet to its heading and its first 200 cells' text.

    Parameters
    ----------
    ws : xlsxwriter.worksheet.Worksheet
        The sheet, its columns in ``frame``'s order.
    frame : pandas.DataFrame
        The sheet's rows (values as written; :func:`cell_text` words them).
    heads : sequence of str
        The columns' headings as written, one per column of ``frame``.

    Notes
    -----
    Widths in Excel's character units (:func:`text_width`: a Chinese character counts 2), 2 more for the
    filter button, at most 40.
    """
    for j, h in enumerate(heads):
        sample = [cell_text(frame.columns[j], v) for v in frame.iloc[:200, j]] if len(frame) else []
        ws.set_column(j, j, min(40, max([text_width(h)] + [text_width(s) for s in sample]) + 2))


def terminal_safe(text: str) -> str:
    r"""``text`` with control characters (ESC, NUL, a line break inside a cell …) shown as ``\xNN``.

    So a stored value can never move the cursor or recolour a terminal; a line break shows as
    ``\n``, a tab as ``\t``.

    Parameters
    ----------
    text : str
        One cell.

    Returns
    -------
    str
        The cell with no control character left.

    Examples
    --------
    >>> print(terminal_safe("a" + chr(27) + "[2Jb"))
    a\x1b[2Jb
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text).replace("\n", "\\n").replace("\t", "\\t")


def to_table_text(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str:
    """A plain aligned table for the terminal.

    Wide characters count as two columns; control characters are shown, not sent
    (:func:`terminal_safe`).

    Returns
    -------
    str
        The header, a rule, one line per row and ``(N rows)``, each ending in a line break.
    """
    hs = [terminal_safe(h) for h in headers(df, labels)]
    body = [[terminal_safe(x) for x in row] for row in rows_text(df)]
    widths = [max([text_width(h)] + [text_width(r[i]) for r in body]) for i, h in enumerate(hs)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - text_width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(hs), line(["-" * w for w in widths])] + [line(r) for r in body]
    out.append(f"({len(body)} rows)")
    return "\n".join(out) + "\n"


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame], labels: Mapping[str, str] | None = None) -> bytes:
    """An XLSX workbook: one sheet per frame, Chinese headers when ``labels`` given.

    The header row is frozen and filtered, numbers stay numbers (coverage formatted as a
    percentage), dates dates, every text a string (never a formula or link); widths fit the first
    200 rows (at most 40).

    Returns
    -------
    bytes
        The workbook's content.
    """
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#e8eef7", "border": 1})
    pct = wb.add_format({"num_format": "0.0 %"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, df in sheets.items():
        ws = wb.add_worksheet(name[:31])
        hs = headers(df, labels)
        for j, h in enumerate(hs):
            ws.write_string(0, j, h, head)
        for i, rec in enumerate(df.itertuples(index=False, name=None), start=1):
            for j, (c, v) in enumerate(zip(df.columns, rec)):
                if _is_missing(v):
                    ws.write_blank(i, j, None)
                elif isinstance(v, bool) or type(v).__name__ == "bool_":
                    ws.write_boolean(i, j, bool(v))
                elif isinstance(v, (int, float)) or hasattr(v, "dtype"):
                    try:
                        num = float(v)
                        ws.write_number(i, j, num, pct if c == "coverage" else None)
                    except (TypeError, ValueError):
                        ws.write_string(i, j, cell_text(c, v))
                elif isinstance(v, (dt.date, pd.Timestamp)):
                    d = v.date() if isinstance(v, (pd.Timestamp, dt.datetime)) else v
                    ws.write_datetime(i, j, dt.datetime(d.year, d.month, d.day), date)
                else:
                    ws.write_string(i, j, cell_text(c, v))
        set_widths(ws, df, hs)
        ws.freeze_panes(1, 0)
        if len(df):
            ws.autofilter(0, 0, len(df), max(0, len(hs) - 1))
    wb.close()
    return buf.getvalue()
