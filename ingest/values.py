"""Parsing single cell values. Each parser returns the value or raises ValueError with a sentence."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")


def text(v: Any) -> str:
    """Cell text, stripped of surrounding whitespace ("" when empty)."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def parse_date(v: Any) -> dt.date:
    """2026-11-03, 2026/11/3, 2026年11月3日, 20261103, an Excel date cell or serial number."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = text(v)
    m = _DATE.match(s) or _COMPACT_DATE.match(s)
    if m:
        y, mo, d = (int(x) for x in m.groups()[:3])
        try:
            return dt.date(y, mo, d)
        except ValueError:
            raise ValueError(f"日期 {s} 不存在 / no such date") from None
    if re.fullmatch(r"\d{5}(?:\.0+)?", s):          # an Excel serial number that lost its format
        n = int(float(s))
        if 20000 <= n <= 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=n)
    raise ValueError(f"无法识别的日期 {s}（应为 2026-11-03、2026/11/3 或 2026年11月3日）/ unrecognised date")


def parse_int(v: Any, minimum: int | None = None) -> int:
    s = text(v)
    s = re.sub(r"\s*[人口户]$", "", s)          # 3人, 4口
    try:
        f = float(s)
    except ValueError:
        raise ValueError(f"{s} 不是整数 / not a whole number") from None
    if not f.is_integer():
        raise ValueError(f"{s} 不是整数 / not a whole number")
    n = int(f)
    if minimum is not None and n < minimum:
        raise ValueError(f"{s} 应不小于 {minimum} / must be at least {minimum}")
    return n


def parse_float(v: Any) -> float:
    s = text(v)
    try:
        f = float(s)
    except ValueError:
        raise ValueError(f"{s} 不是数字 / not a number") from None
    if f != f or f in (float("inf"), float("-inf")):
        raise ValueError(f"{s} 不是数字 / not a number")
    return f


def parse_lon(v: Any) -> float:
    f = parse_float(v)
    if not -180 <= f <= 180:
        raise ValueError(f"经度 {text(v)} 超出范围（-180 到 180）/ longitude out of range")
    return f


def parse_lat(v: Any) -> float:
    f = parse_float(v)
    if not -90 <= f <= 90:
        raise ValueError(f"纬度 {text(v)} 超出范围（-90 到 90）/ latitude out of range")
    return f


def parse_phone(v: Any) -> str:
    """An 11-digit mobile (13812345678) or a landline (023-12345678); spaces removed."""
    s = re.sub(r"[\s\u3000]", "", text(v))
    if s.startswith("+86"):
        s = s[3:]
    if _MOBILE.match(s) or _LANDLINE.match(s):
        return s
    digits = s.replace("-", "")
    if _MOBILE.match(digits):              # 138-1234-5678
        return digits
    raise ValueError(f"电话 {text(v)} 既不是11位手机号也不是固定电话 / not a mobile or landline number")


def parse_choice(v: Any, vocabulary: dict[str, str], what: str) -> str:
    s = text(v)
    key = s if s in vocabulary else s.lower()
    if key in vocabulary:
        return vocabulary[key]
    allowed = "、".join(k for k in vocabulary if not k.isascii())
    raise ValueError(f"{what}「{s}」无法识别（可用：{allowed}）/ unknown value")


def split_list(v: Any, separators: str) -> list[str]:
    """Split on any of the separators, dropping empty parts and repeats (order kept)."""
    s = text(v)
    if not s:
        return []
    parts = re.split("[" + re.escape(separators) + "]", s)
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))
