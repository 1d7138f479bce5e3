"""Parsing single cell values. Each parser returns the value or raises ValueError with a sentence.

:func:`cell` first cleans a raw cell by its column's kind (ingest/spec.py ``VALUE_KINDS``): text is
normalised (ingest/normalize.py), and a number cell read from Excel is kept a number until its
column says what it is — a code or phone keeps its exact digits (no ``.0``), or is refused when
Excel may have rounded it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from i18n import Message

from .normalize import check_key, clean_text, control_characters, normalize_value

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_LAST_SERIAL = 2958465  # 9999-12-31, the last day Excel has
#: Excel keeps 15 significant digits of a number: a longer code typed into a number cell is rounded
EXACT_DIGITS = 15
_SCIENTIFIC = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$")
_INTEGRAL_TEXT = re.compile(r"^(\d+)\.0+$")
_TEXT_CONTROLS_ALLOWED = {"U+0009", "U+000A", "U+000D"}  # tabs and line breaks inside free text
#: dashes a Chinese IME or a word processor puts where a hyphen was meant (‐ ‑ ‒ – — ― − ー ﹣ －), a run of them
#: (——, the IME's Shift+- in Chinese mode) counting as one
_DASHES = re.compile("[\u2010-\u2015\u2212\u30fc\ufe58\ufe63\uff0d]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")


def text(v: Any) -> str:
    """Cell text, stripped of surrounding whitespace ("" when empty); an integral number without ``.0``.

    Parameters
    ----------
    v : Any
        The cell as read (str, number, date or None).

    Returns
    -------
    str
        The cleaned text (ingest/normalize.py ``clean_text``).

    Examples
    --------
    >>> text(500155001.0), text("  甲 "), text(None)
    ('500155001', '甲', '')
    """
    if isinstance(v, float) and v.is_integer() and abs(v) < 10**EXACT_DIGITS:
        return str(int(v))
    return clean_text(v)


def _number_as_code(v: float | int, label: str) -> str:
    """The exact digits of a code or phone that was typed into a number cell.

    Returns
    -------
    str
        The whole number's decimal digits.

    Raises
    ------
    ValueError
        When the number is not whole, or has 16 or more digits (Excel kept only 15).
    """
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v) or not v.is_integer()):
        raise ValueError(Message("ingest.error.code_decimal", label=label, value=repr(v)))
    n = int(v)
    if abs(n) >= 10**EXACT_DIGITS:
        raise ValueError(Message("ingest.error.code_digits", label=label, value=n, digits=len(str(abs(n)))))
    return str(n)


def cell(v: Any, kind: str, label: str = "") -> Any:
    """Clean one raw cell for a column of ``kind`` (ingest/spec.py ``VALUE_KINDS``).

    Parameters
    ----------
    v : the cell as read: str (CSV, text cells), float/int (Excel number cells), date/datetime, None.
    kind : the column's kind.
    label : the column's name in messages.

    Returns
    -------
    "" for an empty cell; a number or date cell of an ``int``/``lon``/``lat``/``date`` column as it is;
    otherwise the cleaned text (NFKC for codes, numbers, dates, phones and vocabularies; names and
    free text keep their characters).

    Raises
    ------
    ValueError
        With a sentence: a code in scientific notation, a code or phone from a number cell
        that Excel may have rounded, control characters in a code, a name or a text.
    """
    if v is None:
        return ""
    if isinstance(v, bool):
        v = str(v)
    if isinstance(v, (int, float)):
        if kind in ("int", "lon", "lat", "date"):
            return v
        if kind in ("code", "codes", "phone"):
            return _number_as_code(v, label or kind)
        return text(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v if kind == "date" else text(v)
    if kind in ("name", "text"):
        s = clean_text(v)
        bad = [c for c in control_characters(s) if kind == "name" or c not in _TEXT_CONTROLS_ALLOWED]
        if bad:
            raise ValueError(
                Message("ingest.error.text_controls", label=label or kind, chars="、".join(dict.fromkeys(bad)))
            )
        return s
    s = normalize_value(v)
    if kind in ("code", "codes", "phone") and s:
        if _SCIENTIFIC.match(s):
            raise ValueError(Message("ingest.error.scientific", label=label or kind, value=s))
        m = _INTEGRAL_TEXT.match(s)
        if m:  # 500155001.0 written out by a program from a number
            s = _number_as_code(int(m.group(1)), label or kind)
        if kind != "phone":
            check_key(s, label or None)
    return s


def excel_serial_date(n: float | int) -> dt.date:
    """The date of an Excel serial number (1900 date system, as Excel and LibreOffice count).

    Parameters
    ----------
    n : float or int
        Days since 1899-12-30.

    Returns
    -------
    datetime.date
        The day.

    Raises
    ------
    ValueError
        When the number is not a whole day between 1 (1899-12-31) and 2958465 (9999-12-31).
    """
    if isinstance(n, float) and (math.isnan(n) or math.isinf(n) or not n.is_integer()):
        raise ValueError(Message("ingest.error.not_a_date", value=repr(n)))
    if not 1 <= n <= _EXCEL_LAST_SERIAL:
        raise ValueError(Message("ingest.error.excel_serial", value=f"{n:g}", last=_EXCEL_LAST_SERIAL))
    return _EXCEL_EPOCH + dt.timedelta(days=int(n))


def parse_date(v: Any) -> dt.date:
    """A date cell: 2026-11-03, 2026/11/3, 2026年11月3日, 20261103, an Excel date cell or serial number.

    A time of day after the date is dropped.

    Parameters
    ----------
    v : Any
        The cell as read.

    Returns
    -------
    datetime.date
        The day.

    Raises
    ------
    ValueError
        With a sentence when the text is no date of these forms, names no such day (2026-02-30),
        or is an Excel serial number out of range.

    Examples
    --------
    >>> parse_date("2026年11月3日"), parse_date("20261103")
    (datetime.date(2026, 11, 3), datetime.date(2026, 11, 3))
    """
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return excel_serial_date(v)
    s = _DASHES.sub("-", normalize_value(v))
    m = _DATE.match(s) or _COMPACT_DATE.match(s)
    if m:
        y, mo, d = (int(x) for x in m.groups()[:3])
        try:
            return dt.date(y, mo, d)
        except ValueError:
            raise ValueError(Message("ingest.error.no_such_date", value=s)) from None
    if re.fullmatch(r"\d{5}(?:\.0+)?", s):  # an Excel serial number that lost its format
        return excel_serial_date(int(float(s)))
    raise ValueError(Message("ingest.error.date_format", value=s))


def check_date(d: dt.date, earliest: dt.date | None, latest: dt.date | None, label: str | None = None) -> dt.date:
    """Refuse a date outside [earliest, latest] (the rule's lower bound, today) with a sentence.

    Parameters
    ----------
    d : datetime.date
        The date to check.
    earliest, latest : datetime.date or None
        The inclusive bounds; None leaves that side open.
    label : str, optional
        The column's name in the message (default: "date" worded by the catalog).

    Returns
    -------
    datetime.date
        ``d`` itself.

    Raises
    ------
    ValueError
        When ``d`` is after ``latest`` or before ``earliest``.
    """
    if latest is not None and d > latest:
        raise ValueError(
            Message(
                "ingest.error.date_future",
                label=label or Message("ingest.what.date"),
                date=d.isoformat(),
                today=latest.isoformat(),
            )
        )
    if earliest is not None and d < earliest:
        raise ValueError(
            Message(
                "ingest.error.date_early",
                label=label or Message("ingest.what.date"),
                date=d.isoformat(),
                earliest=earliest.isoformat(),
            )
        )
    return d


def parse_int(v: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number (3, 3.0, 3人), within [minimum, maximum] when given.

    Parameters
    ----------
    v : Any
        The cell as read.
    minimum, maximum : int, optional
        Inclusive bounds.

    Returns
    -------
    int
        The number.

    Raises
    ------
    ValueError
        When the cell is not a whole number or lies outside the bounds.

    Examples
    --------
    >>> parse_int("3人"), parse_int(4.0)
    (3, 4)
    """
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        f, s = float(v), text(v)
    else:
        s = normalize_value(v)
        s = re.sub(r"\s*[人口户]$", "", s)  # 3人, 4口
        try:
            f = float(s)
        except ValueError:
            raise ValueError(Message("ingest.error.not_whole", value=s)) from None
    if not f.is_integer():
        raise ValueError(Message("ingest.error.not_whole", value=s))
    if minimum is not None and f < minimum:
        raise ValueError(Message("ingest.error.at_least", value=s, minimum=minimum))
    if maximum is not None and f > maximum:
        raise ValueError(
            Message("ingest.error.at_most", value=s, minimum="" if minimum is None else minimum, maximum=maximum)
        )
    return int(f)


def parse_float(v: Any) -> float:
    """A finite decimal number.

    Parameters
    ----------
    v : Any
        The cell as read.

    Returns
    -------
    float
        The number.

    Raises
    ------
    ValueError
        When the cell is no number, or is NaN or infinite.
    """
    s = text(v) if isinstance(v, (int, float)) else normalize_value(v)
    try:
        f = float(s)
    except ValueError:
        raise ValueError(Message("ingest.error.not_a_number", value=s)) from None
    if f != f or f in (float("inf"), float("-inf")):
        raise ValueError(Message("ingest.error.not_a_number", value=s))
    return f


def parse_lon(v: Any) -> float:
    """A longitude in degrees, within [-180, 180].

    Parameters
    ----------
    v : Any
        The cell as read.

    Returns
    -------
    float
        Degrees east.

    Raises
    ------
    ValueError
        When the cell is no number or lies outside [-180, 180].
    """
    f = parse_float(v)
    if not -180 <= f <= 180:
        raise ValueError(Message("ingest.error.lon_range", value=text(v)))
    return f


def parse_lat(v: Any) -> float:
    """A latitude in degrees, within [-90, 90].

    Parameters
    ----------
    v : Any
        The cell as read.

    Returns
    -------
    float
        Degrees north.

    Raises
    ------
    ValueError
        When the cell is no number or lies outside [-90, 90].
    """
    f = parse_float(v)
    if not -90 <= f <= 90:
        raise ValueError(Message("ingest.error.lat_range", value=text(v)))
    return f


def parse_phone(v: Any) -> str:
    """An 11-digit mobile (13812345678) or a landline (023-12345678); spaces removed.

    Parameters
    ----------
    v : Any
        The cell as read.

    Returns
    -------
    str
        The number without spaces and without a leading +86; a mobile written 138-1234-5678 loses
        its hyphens, a landline keeps them.

    Raises
    ------
    ValueError
        When the cell is neither a mobile nor a landline number.

    Examples
    --------
    >>> parse_phone("+86 138-1234-5678"), parse_phone("023-12345678"), parse_phone("０２３——１２３４５６７８")
    ('13812345678', '023-12345678', '023-12345678')
    """
    s = _DASHES.sub("-", re.sub(r"\s", "", normalize_value(v)))
    if s.startswith("+86"):
        s = s[3:]
    if _MOBILE.match(s) or _LANDLINE.match(s):
        return s
    digits = s.replace("-", "")
    if _MOBILE.match(digits):  # 138-1234-5678
        return digits
    raise ValueError(Message("ingest.error.phone", value=text(v)))


def parse_choice(v: Any, vocabulary: dict[str, str], what: str) -> str:
    """The vocabulary's value for a cell (its Chinese or English word), or ValueError naming ``what``.

    Parameters
    ----------
    v : Any
        The cell as read.
    vocabulary : dict of str to str
        Word (Chinese, or lower-case English) → stored value.
    what : str
        The column's name in the message.

    Returns
    -------
    str
        The stored value.

    Raises
    ------
    ValueError
        When the word is not in the vocabulary; the message lists the Chinese words allowed.
    """
    s = normalize_value(v)
    key = s if s in vocabulary else s.lower()
    if key in vocabulary:
        return vocabulary[key]
    allowed = "、".join(k for k in vocabulary if not k.isascii())
    raise ValueError(Message("ingest.error.choice", what=what, value=s, allowed=allowed))


def split_list(v: Any, separators: str) -> list[str]:
    """Split on any of the separators, dropping empty parts and repeats (order kept).

    Parameters
    ----------
    v : Any
        The cell as read.
    separators : str
        Each character is a separator.

    Returns
    -------
    list of str
        The stripped parts, each once, in order of appearance.

    Examples
    --------
    >>> split_list("老人、低保,老人", "、,")
    ['老人', '低保']
    """
    s = normalize_value(v)
    if not s:
        return []
    parts = re.split("[" + re.escape(separators) + "]", s)
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))
