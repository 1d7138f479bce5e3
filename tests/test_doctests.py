"""Every module's examples run, and pass.

One place instead of a ``doctest.testmod`` per test file: each module of the project's packages is
imported and its docstring examples are run. A module whose docstrings contain examples must run at
least one of them (an example hidden behind ``+SKIP`` or never collected cannot fail, so it is not
allowed), and none may fail.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["analytics", "auth", "bench", "demo", "gis", "i18n", "ingest", "store", "ui", "vocabulary"]
#: Modules at the repository's root, outside any package.
TOP_MODULES = ["manage"]


def _modules() -> list[str]:
    names = list(TOP_MODULES)
    for package in PACKAGES:
        names.append(package)
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            names.append(info.name)
    return sorted(names)


MODULES = _modules()


def test_every_package_is_found():
    """The walk itself can fail: it must find the modules that are known to carry examples."""
    for name in ("analytics.calendar", "analytics.visits", "gis.maps", "auth.session", "demo.generate", "manage"):
        assert name in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples name repository files (data/boundaries/…) by relative path
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = [t for t in finder.find(module, name) if t.examples]
    if not tests:
        return  # no examples in this module: nothing to run (the import itself was the check)
    skipped = [t.name for t in tests for ex in t.examples if ex.options.get(doctest.SKIP)]
    assert not skipped, f"examples marked +SKIP never run: {skipped}"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
