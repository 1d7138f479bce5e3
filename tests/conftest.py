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


@pytest.fixture()
def downloads(monkeypatch):
    """Every download an AppTest page offers: {file name: a function giving its bytes} (AppTest
    cannot click a download button; read one with tests.factories.download_bytes)."""
    from streamlit.runtime import media_file_manager as M

    made: dict[str, object] = {}
    real_deferred, real_add = M.MediaFileManager.add_deferred, M.MediaFileManager.add

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return real_deferred(self, data_callable, mimetype, coordinates, file_name, **kw)

    def add(self, path_or_data, mimetype, coordinates, file_name=None, **kw):
        if isinstance(path_or_data, (bytes, str)):
            made[file_name] = lambda data=path_or_data: data
        return real_add(self, path_or_data, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(M.MediaFileManager, "add_deferred", add_deferred)
    monkeypatch.setattr(M.MediaFileManager, "add", add)
    return made
