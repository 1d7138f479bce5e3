"""Column widths of ``st.dataframe`` tables whose headings are longer than their cells.

Streamlit's table (glide-data-grid) sizes a column without a width once, when the table is first
drawn, and keeps that width while the element stays on the page. A language switch redraws the same
table with other headings in the same columns: a column measured for "覆盖率" or "户编号" kept that
width for "Coverage" or "Household code", and the English heading was cut ("Coverag",
"Household c…", the twenty-first session's browser walk at 1280 px). :func:`fit_headings` gives
every column whose heading is wider than its cells a width of its own, from the heading's length:
the heading then reads whole in either language, however the page was reached. A column whose
cells are wider than its heading keeps Streamlit's sizing (its cells are the same in both languages).
"""

from __future__ import annotations

import unicodedata
from typing import Any, Mapping

import pandas as pd

#: Pixels per em of the table's text (Streamlit's theme: 14 px Source Sans, headings and cells alike).
FONT_PX = 14
#: Ems of a narrow character (Latin letters, digits, punctuation): Source Sans averages about 0.5 em
#: for lower case and 0.58 em for capitals at the headings' weight (measured in Chromium); 0.55 em
#: errs on the wide side for headings, which are mostly lower case.
NARROW_EM = 0.55
#: Ems of a wide character (Chinese): one em.
WIDE_EM = 1.0
#: Pixels around a cell's text: glide's 8 px each side, as its own sizing adds (a Chinese heading, whose
#: characters are measured exactly, gets the width glide would give it: the Chinese tables stay as they were).
PADDING_PX = 16
#: The widest a heading makes its column; a longer heading wraps to "…" rather than push the table wide.
MAX_PX = 260
#: Rows whose cells are measured (the first ones: the tables shown are pages of at most a few hundred).
SAMPLE_ROWS = 200


def text_px(text: str) -> int:
    """The width of ``text`` in the table's font, estimated from its characters.

    Parameters
    ----------
    text : str
        One line of text.

    Returns
    -------
    int
        Pixels: :data:`WIDE_EM` per East Asian wide or full-width character, :data:`NARROW_EM` per
        other character, times :data:`FONT_PX` (rounded up).

    Examples
    --------
    >>> text_px("户编号")
    42
    >>> text_px("Household code")
    108
    """
    ems = sum(WIDE_EM if unicodedata.east_asian_width(ch) in ("W", "F") else NARROW_EM for ch in text)
    return int(-(-ems * FONT_PX // 1))


def _cell_text(value: Any, fmt: Any) -> str:
    """A cell as the table writes it, near enough to measure.

    Returns
    -------
    str
        The value with a printf format (``"%.1f %%"``) applied, with thousands separators for a
        ``localized`` number, else ``str`` of it ("" for a missing value).
    """
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    if isinstance(fmt, str) and isinstance(value, (int, float)):
        if fmt == "localized":
            return f"{value:,}"
        if "%" in fmt:
            try:
                return fmt % value
            except (TypeError, ValueError):
                return str(value)
    return str(value)


def cells_px(values: pd.Series, fmt: Any = None) -> int:
    """The widest of a column's cells (the first :data:`SAMPLE_ROWS`), padding included.

    Parameters
    ----------
    values : pandas.Series
        The column's values as handed to ``st.dataframe``.
    fmt : str, optional
        The column's number format (``st.column_config`` ``type_config["format"]``).

    Returns
    -------
    int
        Pixels (:func:`text_px` of the widest cell plus :data:`PADDING_PX`); :data:`PADDING_PX` for no rows.
    """
    widest = max((text_px(_cell_text(v, fmt)) for v in values.head(SAMPLE_ROWS)), default=0)
    return widest + PADDING_PX


def heading_px(label: str) -> int:
    """The width a heading needs to be read whole, padding included, at most :data:`MAX_PX`.

    Parameters
    ----------
    label : str
        The column's heading.

    Returns
    -------
    int
        Pixels.

    Examples
    --------
    >>> heading_px("Head of household")
    147
    """
    return min(text_px(label) + PADDING_PX, MAX_PX)


def fit_headings(config: Mapping[str, Any], frame: pd.DataFrame) -> dict[str, Any]:
    """Column settings in which every heading longer than its cells sets its column's width.

    Parameters
    ----------
    config : Mapping of str to dict
        ``st.column_config`` settings per column name (what ``st.dataframe(column_config=…)`` takes).
        A setting that already has a width, or no heading, is left as it is.
    frame : pandas.DataFrame
        The rows handed to ``st.dataframe`` (their cells are measured; a column not in it is left alone).

    Returns
    -------
    dict of str to Any
        The settings, each a copy; a column whose :func:`heading_px` exceeds its :func:`cells_px` has
        ``width`` = :func:`heading_px` (pixels). Nothing else changes.

    Examples
    --------
    >>> import streamlit as st
    >>> f = pd.DataFrame({"household_code": ["LP0000109"]})
    >>> fit_headings({"household_code": st.column_config.TextColumn("Household code")}, f)["household_code"]["width"]
    124
    >>> print(fit_headings({"household_code": st.column_config.TextColumn("户编号")}, f)["household_code"]["width"])
    None
    """
    out: dict[str, Any] = {}
    for name, setting in config.items():
        setting = dict(setting) if isinstance(setting, Mapping) else setting
        out[name] = setting
        if not isinstance(setting, dict) or setting.get("width") is not None or name not in frame.columns:
            continue
        label = setting.get("label")
        if not label:
            continue
        fmt = (setting.get("type_config") or {}).get("format")
        head = heading_px(str(label))
        if head > cells_px(frame[name], fmt):
            setting["width"] = head
    return out
