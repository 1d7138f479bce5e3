"""Errors of an import that a person can fix."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


class ImportFailed(Exception):
    """The whole file cannot be imported (missing, unreadable, no header …): nothing was written."""


@dataclass(frozen=True)
class RowError:
    """One rejected row: ``FILE row N column C: message``."""

    source: str
    row: int
    column: str
    value: str
    message: str

    def line(self) -> str:
        return f"{self.source} row {self.row} column {self.column}: {self.message}"


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
