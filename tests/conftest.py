"""Shared fixtures: a tiny world database (tests/factories.py) per test or per module.

The tiny world is built once per session and copied for each test (tests/stores.py): a file copy
on DuckDB, ``CREATE DATABASE … TEMPLATE`` with ``LIANXIN_TEST_STORE=postgres``.
"""

from __future__ import annotations

import contextlib
import os

import pytest

os.environ.setdefault("LIANXIN_FAST_HASH", "1")
os.environ.setdefault("TZ", "Asia/Shanghai")

_CLUSTER = None


def pytest_configure(config):
    """On PostgreSQL without $LIANXIN_TEST_PG (scripts/test.sh sets it): a throwaway cluster for the session.
    Streamlit's scan of the installed packages for components, made once per process, and Python's
    parser one thread at a time (below)."""
    global _CLUSTER
    from tests import stores

    _scan_installed_components_once()
    _parse_python_one_thread_at_a_time()

    if stores.on_postgres() and not os.environ.get("LIANXIN_TEST_PG"):
        from store.cluster import Cluster

        _CLUSTER = Cluster()
        os.environ["LIANXIN_TEST_PG"] = _CLUSTER.url()


def _parse_python_one_thread_at_a_time() -> None:
    """``ast.parse`` behind one lock for the test process. CPython 3.11 keeps the depth of the AST
    it is building in the interpreter's state, so two threads building one at once can fail with
    ``SystemError: AST constructor recursion depth mismatch`` (python/cpython#106905): an AppTest's
    script thread parsing a page (Streamlit's ``magic.add_magic``) while another thread — an AppTest
    left running by a timed-out one, pytest's assertion rewriting — parses too. Seen once, in the
    twenty-sixth session's fresh-clone run (tests/test_admin_page.py on PostgreSQL, a slow hour of
    the machine). Parsing is pure, so one thread at a time gives the same trees."""
    import ast
    import threading

    parse, lock = ast.parse, threading.RLock()

    def parse_alone(*args, **kwargs):
        with lock:
            return parse(*args, **kwargs)

    ast.parse = parse_alone


def _scan_installed_components_once() -> None:
    """Every AppTest's first run scans every installed package's metadata for Streamlit components
    (streamlit.components.v2 manifest_scanner, ~0.3 s of CPU: about half of a small page's AppTest);
    the packages do not change while the tests run, so the scan's answer is kept for the process. Each
    AppTest still registers the components found in its own registry, as before."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


def pytest_unconfigure(config):
    from tests import stores

    if stores.on_postgres() and os.environ.get("LIANXIN_TEST_PG"):
        try:
            stores.drop_after(0)
        except Exception:  # the cluster may be gone already
            pass
    if _CLUSTER is not None:
        _CLUSTER.close()


# The files that take longest (a DuckDB round's --durations, 2026-12-01; test_processes_browser and
# test_postgres are long on PostgreSQL only; test_township_versions' reader/writer test is new, 60-190 s
# in its author's runs), run first: with pytest-xdist's --dist loadfile
# (scripts/test.sh, with --no-loadscope-reorder so that this order is kept) a long file scheduled
# last leaves the other worker idle at the end of the round.
LONG_FILES = (
    "tests/test_ingest_field.py",
    "tests/e2e/test_processes_browser.py",
    "tests/e2e/test_journeys_browser.py",
    "tests/e2e/test_trust_browser.py",
    "tests/test_worklist_parts.py",
    "tests/test_township_versions.py",
    "tests/test_finish.py",
    "tests/e2e/test_load_browser.py",
    "tests/test_demo_refusal.py",
    "tests/test_cli.py",
    "tests/e2e/test_xss_browser.py",
    "tests/test_survey.py",
    "tests/test_figures.py",
    "tests/test_escalation.py",
    "tests/test_postgres.py",
)


# The files whose tests ask for no database of the store under test — the catalog, the code's own text,
# the linter, doctests, pure map and datum computation, the benchmark's process accounting. The DuckDB
# round runs them; the PostgreSQL round would repeat them exactly and skips them (CI's 30 minutes).
# Held to it: while one of their tests is set up or runs, asking tests/stores.py or tests/factories.py
# for a database fails it (_no_test_database below), so a file that starts using the store must leave
# this list.
STORE_FREE_FILES = (
    "tests/test_catalog_in_tests.py",
    "tests/test_datum.py",
    "tests/test_keep_choices.py",
    "tests/test_doctests.py",
    "tests/test_i18n.py",
    "tests/test_layers.py",
    "tests/test_left_message.py",
    "tests/test_lint.py",
    "tests/test_load_accounting.py",
    "tests/test_maps.py",
    "tests/test_maps_render_once.py",
    "tests/test_messages.py",
    "tests/test_messages_inline_chinese.py",
    "tests/test_page_weight.py",
    "tests/test_paging.py",
    "tests/test_queries.py",
    "tests/test_store_free.py",
    "tests/test_vocabulary.py",
)
STORE_FREE_REASON = "asks for no database: the DuckDB round ran it (the PostgreSQL round would repeat it)"

# The browser tests (tests/e2e) run in both rounds. They ran in the DuckDB round only from the thirteenth to
# the fifteenth session (with them in the PostgreSQL round too a fresh-clone CI took 1,693 s of its 1,800),
# until the suite was made cheaper: tests/factories.py sign_in (a page's AppTest without the login form and
# the home page before it) and the component scan once per process (_scan_installed_components_once).


def _file_of(item) -> str:
    return item.nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(config, items):
    """The long files first (in LONG_FILES' order), the rest as collected; a file's tests stay together.
    On PostgreSQL the STORE_FREE_FILES are skipped."""
    from tests import stores

    rank = {name: i for i, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: rank.get(_file_of(item), len(LONG_FILES)))
    if stores.on_postgres():
        for item in items:
            if _file_of(item) in STORE_FREE_FILES:
                item.add_marker(pytest.mark.skip(reason=STORE_FREE_REASON))


@contextlib.contextmanager
def _no_test_database(item):
    """For a test of STORE_FREE_FILES: every way to a test database raises while it is set up or runs."""
    if _file_of(item) not in STORE_FREE_FILES:
        yield
        return
    from tests import factories, stores

    def refuse(*args, **kwargs):
        raise AssertionError(f"{_file_of(item)} is in STORE_FREE_FILES (tests/conftest.py) but asks for a database")

    with pytest.MonkeyPatch.context() as m:
        for module, name in ((stores, "new_db"), (stores, "copy_db"), (factories, "build")):
            m.setattr(module, name, refuse)
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    with _no_test_database(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    with _no_test_database(item):
        return (yield)


@pytest.fixture(autouse=True)
def _drop_test_databases():
    """PostgreSQL databases made during a test (by it or its function fixtures) are dropped after it."""
    from tests import stores

    mark = len(stores.CREATED)
    yield
    if stores.on_postgres():
        stores.drop_after(mark)


@pytest.fixture(scope="session")
def tiny_template(tmp_path_factory):
    """The tiny world built once for the session (closed, so that it can be copied)."""
    from tests import factories, stores

    spec = stores.new_db(tmp_path_factory.mktemp("tiny_template"), "tinytpl")
    factories.build(spec).close()
    return spec


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory):
    """On PostgreSQL, an empty database with every migration, made once for the session (closed, so it
    can be copied); None on DuckDB (:func:`empty_db` migrates one in memory there)."""
    from store import db
    from tests import stores

    if not stores.on_postgres():
        return None
    spec = stores.new_db(tmp_path_factory.mktemp("empty_template"), "emptytpl")
    db.connect(spec).close()
    return spec


@pytest.fixture()
def empty_db(empty_template, tmp_path):
    """An empty database with every migration, for one test: DuckDB in memory, or on PostgreSQL a copy of
    :func:`empty_template` (a new database migrated from nothing: 1.1-1.3 s, mostly the server creating
    PostGIS and running the migrations; a copy: ~0.3 s)."""
    from tests import stores

    return stores.copy_db(empty_template, tmp_path, "scratch") if stores.on_postgres() else ":memory:"


@pytest.fixture()
def tiny(tiny_template, tmp_path):
    """A fresh tiny world: (connection, database path or URL); its source CSVs are in tmp_path."""
    from store import db
    from tests import factories, stores

    spec = stores.copy_db(tiny_template, tmp_path, "tiny")
    factories.write_sources(tmp_path)
    con = db.connect(spec)
    yield con, spec
    con.close()


@pytest.fixture(scope="module")
def tiny_ro(tiny_template, tmp_path_factory):
    """A tiny world shared by a module's tests that only read: (connection, database path or URL)."""
    from store import db
    from tests import stores

    spec = stores.copy_db(tiny_template, tmp_path_factory.mktemp("tiny"), "tiny")
    con = db.connect(spec)
    yield con, spec
    con.close()
    stores.drop_db(spec)


@pytest.fixture()
def tiny_db(tiny_template, tmp_path):
    """A fresh tiny world, closed: its database path or URL, for what opens it itself (the command
    line, AppTest, a server); its source CSVs are in tmp_path."""
    from tests import factories, stores

    spec = stores.copy_db(tiny_template, tmp_path, "tiny")
    factories.write_sources(tmp_path)
    return spec


@pytest.fixture(scope="module")
def tiny_db_ro(tiny_template, tmp_path_factory):
    """A tiny world shared by a module's tests that only read, closed: its database path or URL."""
    from tests import stores

    spec = stores.copy_db(tiny_template, tmp_path_factory.mktemp("tiny"), "tiny")
    yield spec
    stores.drop_db(spec)


def _derived_template(tiny_template, folder, name: str, change) -> object:
    """A copy of the tiny world changed once by ``change(con, folder)``, closed so it can be copied."""
    from store import db
    from tests import stores

    spec = stores.copy_db(tiny_template, folder, name)
    con = db.connect(spec)
    try:
        change(con, folder)
    finally:
        con.close()
    return spec


@pytest.fixture(scope="session")
def registered_template(tiny_template, tmp_path_factory):
    """The tiny world with every household registered on 2026-01-01, built once for the session."""
    return _derived_template(
        tiny_template,
        tmp_path_factory.mktemp("registered_template"),
        "registeredtpl",
        lambda con, folder: con.execute("UPDATE households SET created_on = DATE '2026-01-01'"),
    )


@pytest.fixture()
def tiny_registered(registered_template, tmp_path):
    """A fresh tiny world whose households were all registered on 2026-01-01 (the visit and weekly
    tests' world; the plain tiny world registers them on 2025-01-01): (connection, database path or URL)."""
    from store import db
    from tests import stores

    spec = stores.copy_db(registered_template, tmp_path, "registered")
    con = db.connect(spec)
    yield con, spec
    con.close()


@pytest.fixture(scope="session")
def walk_template(tiny_template, tmp_path_factory):
    """The tiny world plus the walk world (tests/factories.py add_walk_world), built once for the session."""
    from tests import factories

    return _derived_template(
        tiny_template, tmp_path_factory.mktemp("walk_template"), "walktpl", factories.add_walk_world
    )


@pytest.fixture()
def walk_world(walk_template, tmp_path):
    """A fresh tiny world with the walk world (grid leader S5 ``walker`` of V21-W02, households
    W0…W6): (connection, database path or URL)."""
    from store import db
    from tests import stores

    spec = stores.copy_db(walk_template, tmp_path, "walk")
    con = db.connect(spec)
    yield con, spec
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
