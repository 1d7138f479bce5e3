"""What README.md promises about the demo and the app is true (issue 18, item 10)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from i18n import Message
from tests import clirun
from tests.stores import on_postgres

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _number(pattern: str) -> int:
    m = re.search(pattern, README)
    assert m, pattern
    return int(m.group(1).replace(",", ""))


def test_the_demo_figures_are_those_of_the_demo():
    """The counts in the README are those of `manage.py demo` (60,000 households, seed 0) built on the
    day the README names."""
    from demo.build import OUTLINE
    from demo.generate import generate, load_outline

    day = dt.date.fromisoformat(re.search(r"counted on the demo built (\d{4}-\d{2}-\d{2})", README).group(1))
    w = generate(load_outline(OUTLINE), households=60_000, seed=0, today=day)
    assert _number(r"([\d,]+) households \(") == len(w.households)
    assert _number(r"households \(([\d,]+) active\)") == int((w.households["status"] == "active").sum())
    assert _number(r"([\d,]+) staff, [\d,]+ visits") == len(w.staff)
    assert _number(r"([\d,]+) visits over the year") == len(w.visits)
    assert _number(r"— ([\d,]+) of them raised an issue") == int(w.visits["needs_action"].sum())
    closed = (w.visits["issue_status"] == "closed").sum() / w.visits["needs_action"].sum()
    assert _number(r"issue to follow up, (\d+) % closed") == round(100 * closed)
    assert _number(r"and\s+([\d,]+) petitions \(counted") == len(w.petitions)


def test_the_demo_is_built_when_a_browser_opens_the_page_not_at_start():
    assert "built when a browser first opens" in README and "http://localhost:8501" in README
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    # the build is a page (it runs in a browser's session), not code run when the server starts
    assert "st.Page(ensure_database" in app and "build_demo(" in app.split("def ensure_database", 1)[1]


@pytest.mark.skipif(
    on_postgres(),
    reason="the DuckDB file's lock: runs in the DuckDB round (on PostgreSQL "
    "manage.py works while the app is up: tests/test_postgres.py)",
)
def test_manage_py_cannot_open_the_database_while_the_app_holds_it(tiny):
    """The README says so: another process holding the DuckDB file (the app) makes manage.py say so
    in a sentence and exit 1, changing nothing."""
    con, path = tiny
    con.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        out = clirun.run(
            [sys.executable, str(ROOT / "manage.py"), "--db", str(path), "report", "quotas", "--week", "2026-W47"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 1 and out.stderr.strip() == Message("store.error.file_in_use", path=str(path))
        assert "cannot open the same database file" in README
    finally:
        holder.kill()
        holder.wait(10)
        time.sleep(0.1)
