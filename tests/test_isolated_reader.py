"""The page's reader process: a child that sits at its memory limit is stopped and said so."""

from __future__ import annotations

import queue
import subprocess
import sys

import pytest

from ingest import isolated
from ingest.errors import ImportFailed
from tests.stores import on_postgres

pytestmark = pytest.mark.skipif(
    on_postgres(),
    reason="the reader process writes no store: the DuckDB round ran these (the PostgreSQL round would repeat them)",
)


def test_a_child_spinning_at_its_memory_limit_is_stopped(monkeypatch):
    """CPython can spin instead of raising MemoryError when the address space runs out while an
    exception is handled; the parent stops such a child instead of waiting for its CPU limit."""
    monkeypatch.setattr(isolated, "STUCK_SECONDS", 0.5)
    child = subprocess.Popen([sys.executable, "-c", "import time; ballast = bytearray(64 << 20); time.sleep(120)"])
    try:
        stuck = isolated._watch(child, 32 << 20, queue.Queue(), None)  # "limit" below what it holds
        assert stuck is True
        assert child.wait(timeout=10) < 0  # killed, not finished
    finally:
        child.kill()


def test_a_child_that_ends_by_itself_is_not_stopped():
    child = subprocess.Popen([sys.executable, "-c", "print('[0.5, \"x\"]')"], stdout=subprocess.PIPE)
    lines: queue.Queue = queue.Queue()
    for line in child.stdout:
        lines.put(line)
    seen = []
    assert isolated._watch(child, 1 << 40, lines, lambda f, m: seen.append((f, m))) is False
    assert seen == [(0.5, "x")]


def test_a_csv_past_the_memory_limit_is_a_sentence_every_time(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANXIN_IMPORT_MEMORY_MB", "120")
    big = tmp_path / "big.csv"
    big.write_text("户编号,户主,网格编码\n" + "".join(f"H{i},名{i},G1\n" for i in range(400_000)), "utf-8")
    for _ in range(3):  # the child dies or spins at random: both are a sentence
        with pytest.raises(ImportFailed, match="120 MB"):
            isolated.read_file("households", big)


def test_the_child_opens_a_workbook_once_for_its_rows_and_its_sheet_list(monkeypatch):
    """The page asks for the sheet list (its picker) with the rows: both come from one opening of the
    workbook (calamine lays out every sheet of an .xls when it opens it), through the child's own code."""
    from pathlib import Path

    from ingest import reader

    opened = []
    real = reader._open_workbook
    monkeypatch.setattr(reader, "_open_workbook", lambda path: opened.append(path.name) or real(path))
    xls = Path(__file__).resolve().parent / "data" / "households_sheets.xls"  # tests/data/make_xls.py
    read = isolated.read_here("households", xls)
    assert read.sheets == ["2025年台账", "2026年台账", "说明"]
    assert read.table.sheet == "2026年台账" and [n for n, _ in read.table.rows] == [3, 4]
    assert opened == [xls.name]
    opened.clear()
    chosen = isolated.read_here("households", xls, sheet="2025年台账")
    assert chosen.sheets == read.sheets and chosen.table.sheet == "2025年台账" and opened == [xls.name]
    csv = isolated.read_here(
        "households", Path(__file__).resolve().parent / "data" / "households_split_first_record.csv"
    )
    assert csv.sheets == [] and csv.table.encoding == "gb18030"
