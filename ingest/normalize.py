"""One way to clean what people type or paste, used by every import and every page form.

Values typed in a Chinese IME's full-width mode (``Ｈ３０３``, ``１３８…``, ``２０２６－１１－０３``,
``023－…``) or pasted from chat apps (zero-width spaces, word joiners, byte-order marks, bidi marks)
look like ordinary values but are not equal to them. Before anything is checked or stored:

- codes, numbers, dates, phones and vocabulary values are folded with Unicode NFKC
  (full-width forms → ASCII, ideographic space → space …): :func:`normalize_value`;
- names, addresses and free text keep their characters (a name may use a compatibility
  ideograph): :func:`clean_text` only removes format characters and trims;
- both remove every character of Unicode category Cf ("format": U+200B–U+200F, U+2060–U+2064,
  U+FEFF, U+00AD, bidi controls …) and trim every kind of space (``str.strip``: U+3000,
  U+00A0, U+2000–U+200A …).

Keys (codes, ids) must not contain control characters (NUL, tab, line breaks …):
:func:`check_key` says so in a sentence. Sources: Unicode Standard Annex #15 (normalisation
forms), the Unicode Character Database's General_Category (Cf, Cc).
"""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from typing import Any

from i18n import Message


def _format_characters() -> dict[int, None]:
    """A ``str.translate`` table deleting every Cf character (planes 0, 1 and 14 hold them all).

    Returns
    -------
    dict of int to None
        Code point → None for each character of General_Category Cf.
    """
    table: dict[int, None] = {}
    for lo, hi in ((0, 0x20000), (0xE0000, 0xE0080)):
        for cp in range(lo, min(hi, sys.maxunicode + 1)):
            if unicodedata.category(chr(cp)) == "Cf":
                table[cp] = None
    return table


_FORMAT = _format_characters()


def clean_text(v: Any) -> str:
    r"""Text as a person meant it: format characters removed, surrounding spaces of any kind trimmed.

    Parameters
    ----------
    v : a cell or form value (None, str, number, date).

    Returns
    -------
    str, "" for None. Characters are otherwise kept (names, addresses, notes).

    Examples
    --------
    >>> clean_text("\u3000王\u200b五 ")
    '王五'
    >>> clean_text("（备注）")
    '（备注）'
    """
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    s = str(v)
    if s.isascii():
        return s.strip()
    return s.translate(_FORMAT).strip()


def normalize_value(v: Any) -> str:
    r"""A code, number, date, phone or vocabulary value folded to ordinary characters (NFKC).

    Parameters
    ----------
    v : a cell or form value.

    Returns
    -------
    str: Unicode NFKC of the text, format characters removed, spaces of any kind trimmed.

    Examples
    --------
    >>> normalize_value("Ｈ３０３"), normalize_value("２０２６－１１－０３")
    ('H303', '2026-11-03')
    >>> normalize_value("\ufeffG00\u200b")
    'G00'
    """
    s = clean_text(v)
    if s.isascii():
        return s
    return unicodedata.normalize("NFKC", s).translate(_FORMAT).strip()


def control_characters(s: str) -> list[str]:
    r"""The control characters (Unicode Cc: NUL, tab, line breaks, DEL, C1) in ``s``, as U+XXXX.

    Parameters
    ----------
    s : str
        The text.

    Returns
    -------
    list of str
        ``"U+0009"`` … for each control character, in order, repeats kept.

    Examples
    --------
    >>> control_characters("A\tB\x00")
    ['U+0009', 'U+0000']
    """
    return [f"U+{ord(c):04X}" for c in s if unicodedata.category(c) == "Cc"]


def check_key(s: str, what: str | None = None) -> str:
    """Refuse a key (code, id) that holds control characters.

    Parameters
    ----------
    s : str
        The key, already normalised.
    what : str, optional
        What the key is, in the message (default: "code" worded by the catalog).

    Returns
    -------
    str
        ``s`` itself.

    Raises
    ------
    ValueError
        With a sentence naming the characters.

    Examples
    --------
    >>> check_key("H001")
    'H001'
    """
    bad = control_characters(s)
    if bad:
        raise ValueError(
            Message(
                "ingest.error.key_controls",
                what=what or Message("ingest.what.code"),
                chars="、".join(dict.fromkeys(bad)),
            )
        )
    return s


def normalize_code(v: Any, what: str | None = None) -> str:
    """A typed code (户编号, 工号, 网格编码 …): :func:`normalize_value`, then :func:`check_key`.

    Parameters
    ----------
    v : Any
        The cell or form value.
    what : str, optional
        What the code is, in the message.

    Returns
    -------
    str
        The normalised code.

    Raises
    ------
    ValueError
        When the code holds control characters.
    """  # noqa: DOC502 — raised by check_key
    return check_key(normalize_value(v), what)
