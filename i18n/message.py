"""Sentences for people by catalog key: an error or a note is a key and its parameters, worded by the catalog.

A :class:`Message` is a ``str`` — the command line's sentence, Chinese and English (``"中文 / English"``,
from the key's ``.cli`` variant when there is one: it names the flag to fix) — that also knows its
key, so a page words it in the page's language with :meth:`Message.text`. Code that only passes
text on (the ``FILE row N column C: …`` lines, the errors CSV) keeps working unchanged.

:class:`WordedError` is the base of the errors a person can fix (``ImportFailed``, ``ReportError``,
``PetitionError`` …): raised with a key and parameters, ``str(e)`` is the command line's sentence
and ``e.text(lang)`` the page's.

Examples
--------
>>> m = Message("report.error.no_area", area="X1")
>>> m
'没有编码为 X1 的区域 / no area with code X1'
>>> m.text("en"), m.key, m.params
('no area with code X1', 'report.error.no_area', {'area': 'X1'})
>>> Message("report.error.days").text("zh"), str(Message("report.error.days"))
('天数应为正整数', '--days 应为正整数 / --days must be a positive number')
>>> class Refused(WordedError):
...     pass
>>> e = Refused(key="report.error.no_area", at="upload.csv: ", area="X1")
>>> str(e), e.text("en")
('upload.csv: 没有编码为 X1 的区域 / no area with code X1', 'upload.csv: no area with code X1')
>>> worded(e, "zh"), worded("plain text", "en"), worded(ValueError("as it is"), "en")
('upload.csv: 没有编码为 X1 的区域', 'plain text', 'as it is')
"""

from __future__ import annotations

from typing import Any

from .catalog import CATALOG, LANGUAGES

__all__ = ["Message", "WordedError", "message_of", "worded"]


def _wording(key: str, lang: str, params: dict[str, Any], cli: bool = False) -> str:
    from . import t

    if cli and f"{key}.cli" in CATALOG[lang]:
        key = f"{key}.cli"
    return t(key, lang, **{k: v.text(lang) if isinstance(v, Message) else v for k, v in params.items()})


def _rebuild(key: str, at: str, params: dict[str, Any]) -> Message:
    return Message(key, at=at, **params)


class Message(str):
    """A sentence of the catalog: ``key`` and ``params``; as a ``str``, the command line's sentence.

    Parameters
    ----------
    key : a catalog key (i18n/parts/…); its ``{placeholders}`` are filled from ``params``.
    at : what the sentence is about, written before it in every language unchanged (``"FILE: "``,
        ``"FILE row N: "``).
    **params : the placeholders' values; a value that is itself a Message (a term such as
        ``Message("ingest.what.grid")``) is worded in the same language.
    """

    key: str
    params: dict[str, Any]
    at: str

    def __new__(cls, key: str, /, *, at: str = "", **params: Any) -> Message:
        """The command line's sentence of ``key``, keeping the key to word it again."""
        said = " / ".join(_wording(key, lang, params, cli=True) for lang in LANGUAGES)
        self = super().__new__(cls, at + said)
        self.key, self.params, self.at = key, params, at
        return self

    def text(self, lang: str | None = "zh") -> str:
        """The sentence in ``lang`` (a page's wording: no command-line flags).

        Returns
        -------
        str
        """
        from . import normalize_lang

        return self.at + _wording(self.key, normalize_lang(lang), self.params)

    def __reduce__(self) -> tuple:
        return _rebuild, (self.key, self.at, self.params)


class WordedError(Exception):
    """An error a person can fix, worded by the catalog.

    ``WordedError(key="…", at="FILE: ", **params)``: ``str(e)`` is the command line's sentence
    (a :class:`Message`), :meth:`text` the page's. Raised with a plain sentence (``WordedError("…")``)
    it keeps that sentence in every language.
    """

    def __init__(self, message: str = "", *, key: str | None = None, at: str = "", **params: Any) -> None:
        super().__init__(Message(key, at=at, **params) if key is not None else message)

    @property
    def message(self) -> str:
        """The sentence as raised: a :class:`Message` when it was raised with a key."""
        return self.args[0] if self.args else ""

    @property
    def key(self) -> str | None:
        """The catalog key (None for a plain sentence)."""
        return getattr(self.message, "key", None)

    @property
    def params(self) -> dict[str, Any]:
        """The key's parameters ({} for a plain sentence)."""
        return getattr(self.message, "params", {})

    def text(self, lang: str | None = "zh") -> str:
        """The sentence in ``lang``.

        Returns
        -------
        str
        """
        return worded(self.message, lang)


def message_of(e: BaseException) -> str:
    """The sentence an exception was raised with: its :class:`Message` (a ``str``) when it has one.

    Returns
    -------
    str
        ``e.args[0]`` when that is a Message, else ``str(e)``.
    """
    first = e.args[0] if e.args else None
    return first if isinstance(first, Message) else str(e)


def worded(said: Any, lang: str | None = "zh") -> str:
    """A sentence in ``lang``.

    A Message, or an error raised with one, is worded by the catalog; any other text (or error) is
    shown as it is.

    Returns
    -------
    str
    """
    if isinstance(said, BaseException):
        said = message_of(said)
    if isinstance(said, Message):
        return said.text(lang)
    return str(said)
