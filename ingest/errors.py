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
    """The rejected rows as CSV (``row,column,value,message``), UTF-8 with BOM for Excel."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["row", "column", "value", "message"])
        for e in errors:
            w.writerow([e.row, e.column, e.value, e.message])
