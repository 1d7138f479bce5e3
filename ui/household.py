"""Opening a household's record (民情档案, pages/household.py) from any list that names a household."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from ui.common import t

PAGE = "pages/household.py"
SESSION_KEY = "household_code"
#: households listed by the record page's search box (more found: it says only these are listed)
SEARCH_LIMIT = 20


def open_household(code: str) -> None:
    """Go to the record of household ``code`` (the page checks scope and writes the audit entry)."""
    st.session_state[SESSION_KEY] = str(code)
    st.switch_page(PAGE)


def open_button(code: str, key: str, label: str | None = None) -> None:
    """A small button "档案" that opens the household's record."""
    if st.button(label or t("household.open"), key=key, icon=":material/folder_shared:"):
        open_household(code)


def open_selected(codes: list, event: Any) -> None:
    """Open the record of the household in the row selected in an ``st.dataframe``.

    Parameters
    ----------
    codes : list
        The household code of each row of the table, in the table's order (None or blank for a row
        without a household, e.g. an unlocated petition: it opens nothing).
    event : Any
        What ``st.dataframe(on_select="rerun")`` returned: its ``selection.rows`` are read; anything
        else (no selection) opens nothing.
    """
    from ui.common import ticked_row

    row = ticked_row(event, len(codes))
    if row is not None:
        code = codes[row]
        if isinstance(code, str) and code.strip():
            open_household(code)


_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md(text: object) -> str:
    r"""``text`` with Markdown's special characters escaped (names such as ``王*二`` or ``<script>``).

    Parameters
    ----------
    text : object
        Anything; it is written with ``str``.

    Returns
    -------
    str
        ``str(text)`` with a backslash before each of ``\`*_{}[]()#+-.!|<>~$``.

    Examples
    --------
    >>> print(md("王*二 <b>"))
    王\*二 \<b\>
    """
    return _MD.sub(r"\\\1", str(text))
