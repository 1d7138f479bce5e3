"""The house rules a newcomer can run: ``ruff check .`` with the configuration in pyproject.toml
(pycodestyle, pyflakes, numpy-convention docstrings with their Returns/Raises sections, type hints)
and ``ruff format --check .`` (the code as ruff's formatter writes it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> str | None:
    here = Path(sys.executable).with_name("ruff")
    return str(here) if here.exists() else shutil.which("ruff")


def test_ruff_finds_nothing():
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff not installed (pip install -r requirements-dev.txt)")
    done = subprocess.run(
        [ruff, "check", ".", "--output-format", "concise"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, (
        "ruff check . found problems: fix them (every file meets every rule; a finding ruff cannot see "
        "through is answered on its line: `# noqa: CODE` and why)\n" + done.stdout[-4000:] + done.stderr[-2000:]
    )


def test_ruff_would_catch_a_problem(tmp_path):
    """The check itself can fail: an unused import and an undocumented public function are found."""
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff not installed (pip install -r requirements-dev.txt)")
    bad = tmp_path / "analytics" / "bad.py"
    bad.parent.mkdir()
    bad.write_text('"""A module."""\nimport os\n\n\ndef f(x: int) -> int:\n    return x\n', encoding="utf-8")
    done = subprocess.run(
        [ruff, "check", "--config", str(ROOT / "pyproject.toml"), "--output-format", "json", str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert {"F401", "D103"} <= {f["code"] for f in json.loads(done.stdout)}


def test_ruff_format_leaves_nothing():
    """The code is as ``ruff format`` writes it (pyproject.toml [tool.ruff.format]): run ``ruff format .``."""
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff not installed (pip install -r requirements-dev.txt)")
    done = subprocess.run([ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (
        "ruff format --check . would reformat files: run `ruff format .`\n" + done.stdout[-4000:] + done.stderr[-2000:]
    )


def test_ruff_format_would_catch_a_problem(tmp_path):
    """The format check itself can fail: a badly laid out file is found."""
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff not installed (pip install -r requirements-dev.txt)")
    bad = tmp_path / "bad.py"
    bad.write_text("x = {  'a':1,'b' :2 }\n", encoding="utf-8")
    done = subprocess.run(
        [ruff, "format", "--check", "--config", str(ROOT / "pyproject.toml"), str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "bad.py" in done.stdout
