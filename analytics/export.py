"""Writing report frames for people: CSV (UTF-8 with BOM), JSON, a plain-text table, XLSX.

Numbers keep the contract's form in CSV/JSON: coverage with 4 decimals, per_1000 with 2, empty
for "no value", booleans as true/false, dates as 2026-11-24.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import unicodedata
from typing import Any, Mapping

import pandas as pd

DECIMALS = {"coverage": 4, "per_1000": 2, "gi_z": 4, "gi_p": 4, "rate": 4}


def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return False


def cell_text(column: str, v: Any) -> str:
    """One value as the contract writes it."""
    if _is_missing(v):
        return ""
    if isinstance(v, (bool,)) or type(v).__name__ == "bool_":
        return "true" if bool(v) else "false"
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, (dt.datetime,)):
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


def rows_text(df: pd.DataFrame) -> list[list[str]]:
    cols = list(df.columns)
    return [[cell_text(c, v) for c, v in zip(cols, rec)] for rec in df.itertuples(index=False, name=None)]


def headers(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> list[str]:
    return [labels.get(c, c) if labels else c for c in df.columns]


def to_csv_bytes(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> bytes:
    """CSV, UTF-8 with BOM (opens cleanly in Excel); English snake_case headers unless ``labels``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(headers(df, labels))
    w.writerows(rows_text(df))
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def to_json_bytes(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> bytes:
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


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def to_table_text(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str:
    """A plain aligned table for the terminal (wide characters counted as two columns)."""
    hs = headers(df, labels)
    body = rows_text(df)
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(hs)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(hs), line(["-" * w for w in widths])] + [line(r) for r in body]
    out.append(f"({len(body)} rows)")
    return "\n".join(out) + "\n"


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame], labels: Mapping[str, str] | None = None) -> bytes:
    """An XLSX workbook: one sheet per frame, Chinese headers when ``labels`` given, frozen header row,
    numbers as numbers, column widths set."""
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
        for j, h in enumerate(hs):
            sample = [cell_text(df.columns[j], v) for v in df.iloc[:200, j]] if len(df) else []
            ws.set_column(j, j, min(40, max([_width(h)] + [_width(s) for s in sample]) + 2))
        ws.freeze_panes(1, 0)
        if len(df):
            ws.autofilter(0, 0, len(df), max(0, len(hs) - 1))
    wb.close()
    return buf.getvalue()
