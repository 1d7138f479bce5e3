"""Shared fixtures: a tiny world database (tests/factories.py) per test or per module."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("LIANXIN_FAST_HASH", "1")
os.environ.setdefault("TZ", "Asia/Shanghai")


@pytest.fixture()
def tiny(tmp_path):
    """A fresh tiny world: (connection, database path)."""
    from tests import factories

    path = tmp_path / "tiny.duckdb"
    con = factories.build(path)
    yield con, path
    con.close()


@pytest.fixture(scope="module")
def tiny_ro(tmp_path_factory):
    """A tiny world shared by a module's tests that only read: (connection, database path)."""
    from tests import factories

    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    con = factories.build(path)
    yield con, path
    con.close()
