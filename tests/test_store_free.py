"""The store-free files (tests/conftest.py STORE_FREE_FILES) run in the DuckDB round only: they are held
to asking for no test database. This file is one of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import conftest
from tests import factories as F
from tests import stores

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "module, name, args",
    [(stores, "new_db", ("folder",)), (stores, "copy_db", ("x.duckdb", "folder")), (F, "build", ("x.duckdb",))],
)
def test_a_store_free_file_cannot_ask_for_a_database(module, name, args, tmp_path):
    way = getattr(module, name)  # looked up as the test runs, as a test of such a file would
    with pytest.raises(AssertionError, match="STORE_FREE_FILES"):
        way(*(tmp_path / a for a in args))


def test_every_store_free_file_exists_and_is_listed_once():
    assert "tests/test_store_free.py" in conftest.STORE_FREE_FILES
    assert len(set(conftest.STORE_FREE_FILES)) == len(conftest.STORE_FREE_FILES)
    missing = [f for f in conftest.STORE_FREE_FILES if not (ROOT / f).is_file()]
    assert missing == []


def test_every_browser_file_runs_in_both_rounds():
    """No browser test file is skipped on PostgreSQL as a store-free file (their pages need a store)."""
    files = {f"tests/e2e/{p.name}" for p in (ROOT / "tests" / "e2e").glob("test_*_browser.py")}
    assert "tests/e2e/test_processes_browser.py" in files
    assert not files & set(conftest.STORE_FREE_FILES)
