"""The UI in Chinese (default) and English: ``t(key, lang, **fmt)`` and number formatting.

Examples
--------
>>> t("app.title")
'连心网格'
>>> t("unit.households", "en", n=fmt_int(12345, "en"))
'12,345 households'
>>> fmt_pct(0.978), fmt_int(12345), fmt_week(2026, 47), fmt_week(2026, 47, "en")
('97.8 %', '12,345', '2026年第47周', '2026-W47')
>>> fmt_pct(0.932, "en"), fmt_points(-0.803), fmt_points(0.012, "en")
('93.2 %', '-80.3 个百分点', '+1.2 pt')
"""

from __future__ import annotations

import math
import warnings
from datetime import date, datetime
from typing import Any, Iterable

from .catalog import CATALOG, EN, LANGUAGES, ZH
from .message import Message, WordedError, message_of, worded

DEFAULT_LANG = "zh"

__all__ = [
    "CATALOG",
    "LANGUAGES",
    "DEFAULT_LANG",
    "ZH",
    "EN",
    "t",
    "normalize_lang",
    "fmt_pct",
    "fmt_int",
    "fmt_num",
    "fmt_points",
    "PCT_FORMAT",
    "fmt_week",
    "fmt_month",
    "fmt_date",
    "fmt_list",
    "column_labels",
    "gi_bin_label",
    "role_label",
    "bool_label",
    "Message",
    "WordedError",
    "message_of",
    "worded",
]


def normalize_lang(lang: str | None) -> str:
    """``"zh"`` or ``"en"``; anything else (``None``, ``"zh-CN"``, ``"EN"``) mapped sensibly.

    Parameters
    ----------
    lang : str or None
        A language tag.

    Returns
    -------
    str
        ``en`` for any English tag, else ``zh``.
    """
    if not lang:
        return DEFAULT_LANG
    low = str(lang).lower()
    if low.startswith("en"):
        return "en"
    return "zh"


def t(key: str, lang: str | None = DEFAULT_LANG, **fmt: Any) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    An unknown key is returned as itself (with a warning) so a page never breaks on it.

    Parameters
    ----------
    key : str
        A catalog key.
    lang : str, optional
        ``zh`` (default) or ``en``.
    **fmt
        Values of the text's ``{placeholders}``.

    Returns
    -------
    str
        The text; a text whose placeholders are not all given is returned unfilled.
    """
    table = CATALOG[normalize_lang(lang)]
    text = table.get(key)
    if text is None:
        warnings.warn(f"i18n: no text for key {key!r}", stacklevel=2)
        return key
    if fmt:
        try:
            return text.format(**fmt)
        except (KeyError, ValueError, IndexError):
            warnings.warn(f"i18n: bad format arguments for {key!r}: {sorted(fmt)}", stacklevel=2)
            return text
    return text


def for_count(key: str, n: int) -> str:
    """The catalog key that words ``n`` things: ``key`` + ``_one`` for exactly one, else ``key``.

    The catalog's convention for a sentence that reads differently for one ("1 cold spot", "第 61 户，共 61
    户") beside its general form ("40 cold spots", "第 61–70 户"): the key for one is the general key with
    ``_one`` after it.

    Parameters
    ----------
    key : str
        The catalog key of the general form.
    n : int
        How many things the sentence counts.

    Returns
    -------
    str
        A catalog key.

    Examples
    --------
    >>> for_count("hotspots_page.metric.cold_delta", 1), for_count("hotspots_page.metric.cold_delta", 40)
    ('hotspots_page.metric.cold_delta_one', 'hotspots_page.metric.cold_delta')
    """
    return f"{key}_one" if n == 1 else key


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v) or (isinstance(v, float) and math.isnan(v))  # NaN, pd.NA-safe enough
    except (TypeError, ValueError):
        return True


EMPTY = "—"


def fmt_pct(ratio: Any, lang: str | None = DEFAULT_LANG, digits: int = 1) -> str:
    """A ratio as a percentage, one way everywhere: ``0.978`` → ``"97.8 %"``; empty → ``"—"``.

    The same in both languages, as in the tables (:data:`PCT_FORMAT`).

    Parameters
    ----------
    ratio : float or None
        A ratio (1.0 = 100 %); None or NaN is empty.
    lang : str, optional
        Unused: the format is the same in both languages.
    digits : int, default 1
        Decimals of the percentage.

    Returns
    -------
    str
    """
    if _missing(ratio):
        return EMPTY
    return f"{float(ratio) * 100:,.{digits}f} %"


#: The printf format of a percentage column (values × 100) in st.column_config, matching :func:`fmt_pct`.
PCT_FORMAT = "%.1f %%"


def fmt_points(delta: Any, lang: str | None = DEFAULT_LANG) -> str | None:
    """A difference of two ratios in percentage points: ``-0.0123`` → ``"-1.2 个百分点"`` (``"-1.2 pt"``).

    Parameters
    ----------
    delta : float or None
        The difference of two ratios (0.01 = one point).
    lang : str, optional
        ``zh`` or ``en``.

    Returns
    -------
    str or None
        None when empty (st.metric then shows no delta).
    """
    if _missing(delta):
        return None
    return t("figure.points", lang, delta=f"{float(delta) * 100:+.1f}")


def fmt_int(n: Any, lang: str | None = DEFAULT_LANG) -> str:
    """An integer with thousands separators: ``12345`` → ``"12,345"``; empty → ``"—"``.

    Parameters
    ----------
    n : number or None
        Rounded to an integer.
    lang : str, optional
        ``zh`` (default) or ``en``.

    Returns
    -------
    str
    """
    if _missing(n):
        return EMPTY
    return f"{int(round(float(n))):,}"


def fmt_num(x: Any, digits: int = 2, lang: str | None = DEFAULT_LANG) -> str:
    """A number with ``digits`` decimals and thousands separators; empty → ``"—"``.

    Parameters
    ----------
    x : number or None
        The number.
    digits : int, default 2
        Decimals.
    lang : str, optional
        ``zh`` (default) or ``en``.

    Returns
    -------
    str
    """
    if _missing(x):
        return EMPTY
    return f"{float(x):,.{digits}f}"


def fmt_week(year: int, week: int, lang: str | None = DEFAULT_LANG) -> str:
    """An ISO week: ``"2026年第47周"`` (zh) or ``"2026-W47"`` (en).

    Parameters
    ----------
    year, week : int
        ISO year and week.
    lang : str, optional
        ``zh`` (default) or ``en``.

    Returns
    -------
    str
    """
    return t("format.week", lang, year=int(year), week=int(week))


def fmt_month(year: int, month: int, lang: str | None = DEFAULT_LANG) -> str:
    """A month: ``"2026年11月"`` (zh) or ``"2026-11"`` (en).

    Parameters
    ----------
    year, month : int
        The month.
    lang : str, optional
        ``zh`` (default) or ``en``.

    Returns
    -------
    str
    """
    return t("format.month", lang, year=int(year), month=int(month))


def fmt_list(items: Iterable[Any], lang: str | None = DEFAULT_LANG) -> str:
    """Items of a list in running text: ``"入户走访、电话"`` (zh, the 顿号) or ``"Home visit, Phone"`` (en).

    Parameters
    ----------
    items : iterable
        The items, each shown as ``str``.
    lang : str, optional
        ``zh`` (default) or ``en``.

    Returns
    -------
    str
        The items joined by ``format.list_sep``; "" for none.

    Examples
    --------
    >>> fmt_list(["甲", "乙"]), fmt_list(["a", "b"], "en")
    ('甲、乙', 'a, b')
    """
    return t("format.list_sep", lang).join(str(i) for i in items)


def fmt_date(d: date | datetime | None, lang: str | None = DEFAULT_LANG) -> str:
    """A date as ``2026-11-24`` in both languages; empty → ``"—"``.

    Parameters
    ----------
    d : datetime.date or datetime.datetime or None
        A datetime shows its date only.
    lang : str, optional
        ``zh`` (default) or ``en``.

    Returns
    -------
    str
    """
    if d is None or _missing(d):
        return EMPTY
    if isinstance(d, datetime):
        d = d.date()
    return d.isoformat() if isinstance(d, date) else str(d)[:10]


def column_labels(columns: Iterable[str], lang: str | None = DEFAULT_LANG) -> dict[str, str]:
    """Report column names → headers in ``lang`` (``df.rename(columns=column_labels(df.columns, "zh"))``).

    Columns without a label keep their name.

    Parameters
    ----------
    columns : iterable of str
        Report column names.
    lang : str, optional
        ``zh`` (default) or ``en``.

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> column_labels(["code", "coverage", "extra"], "zh")
    {'code': '编码', 'coverage': '覆盖率', 'extra': 'extra'}
    """
    table = CATALOG[normalize_lang(lang)]
    return {c: table.get(f"col.{c}", c) for c in columns}


def gi_bin_label(gi_bin: Any, lang: str | None = DEFAULT_LANG) -> str:
    """The Gi* class name: ``3`` → ``"热点（99 % 置信度）"`` … ``-3``; empty → ``"无数据"``.

    Parameters
    ----------
    gi_bin : int or None
        The Gi* confidence class, −3 … 3 (values beyond are clipped).
    lang : str, optional
        ``zh`` (default) or ``en``.

    Returns
    -------
    str
    """
    if _missing(gi_bin):
        return t("gi_bin.none", lang)
    b = max(-3, min(3, int(gi_bin)))
    return t(f"gi_bin.{b}", lang)


def role_label(role: str, lang: str | None = DEFAULT_LANG) -> str:
    """A role's name: ``"grid_leader"`` → ``"网格长"``.

    Parameters
    ----------
    role : str
        A role (vocabulary.roles.ROLES); an unknown one is returned as itself.
    lang : str, optional
        ``zh`` (default) or ``en``.

    Returns
    -------
    str
    """
    key = f"role.{role}"
    return CATALOG[normalize_lang(lang)].get(key, role)


def bool_label(v: Any, lang: str | None = DEFAULT_LANG) -> str:
    """``True`` → ``"是"``, ``False`` → ``"否"`` (``Yes``/``No``); empty → ``"—"``.

    Parameters
    ----------
    v : bool or None
        The value.
    lang : str, optional
        ``zh`` (default) or ``en``.

    Returns
    -------
    str
    """
    if _missing(v):
        return EMPTY
    return t("value.true" if bool(v) else "value.false", lang)
