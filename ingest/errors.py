"""Errors of an import that a person can fix."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from i18n import WordedError, t, worded


class ImportFailed(WordedError):
    """The whole file cannot be imported (missing, unreadable, no header …): nothing was written.

    Raised with a catalog key (``ImportFailed(key="ingest.error.no_file", at=f"{name}: ")``):
    ``str(e)`` is the command line's sentence, ``e.text(lang)`` the page's (i18n/message.py).
    """


@dataclass(frozen=True)
class RowError:
    """One rejected row: ``FILE row N column C: message``.

    ``message`` is an :class:`i18n.Message` (a ``str``: the command line's ``中文 / English``
    sentence) whose :meth:`~i18n.Message.text` gives a page its own language.
    """

    source: str
    row: int
    column: str
    value: str
    message: str

    def line(self) -> str:
        """The command line's line: ``FILE row N column C: message`` (CONTRACT §2).

        Returns
        -------
        str
        """
        return f"{self.source} row {self.row} column {self.column}: {self.message}"

    def text(self, lang: str = "zh") -> str:
        """The same line for a page, in ``lang``.

        Returns
        -------
        str
        """
        return t(
            "ingest.row_line",
            lang,
            source=self.source,
            row=self.row,
            column=self.column,
            message=worded(self.message, lang),
        )


def write_errors_csv(errors: list[RowError], path: str | Path) -> None:
    """The rejected rows as CSV (``row,column,value,message``), UTF-8 with BOM for Excel.

    The values come from the file as typed, so every text cell is neutralised like every other CSV
    the project writes (:func:`analytics.export.csv_safe`, OWASP CSV injection): a rejected cell
    ``=HYPERLINK(…)`` comes back as text, never as a live formula.
    """
    from analytics.export import csv_safe

    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["row", "column", "value", "message"])
        for e in errors:
            w.writerow([e.row, csv_safe(str(e.column)), csv_safe(str(e.value)), csv_safe(str(e.message))])
