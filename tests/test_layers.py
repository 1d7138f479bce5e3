"""analytics/ and gis/ compute and know no screen (issue 19 item 4): no Streamlit, no ui/, no pages/.

Data flows one way (files → ingest → store → queries → analytics/gis → ui/pages); a lower layer that
imports the screen could not run from ``manage.py`` or the benchmark. analytics/ also draws nothing
and picks no colour (gis.maps builds maps, gis.palette holds every colour), and the benchmark
(bench/run.py) times the computations without the screen.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The screen: nothing below ui/ and pages/ may import these.
SCREEN = ("streamlit", "streamlit_folium", "ui", "pages")
#: Drawing and colours: analytics/ hands numbers to gis.maps / ui, which draw them.
DRAWING = ("folium", "branca", "gis.maps", "gis.palette")


def imports(source: str) -> list[tuple[int, str]]:
    """Every module a Python source imports, anywhere in it (functions included): (line, module).

    ``from x import y`` counts as ``x`` and ``x.y`` (``from ui import maps`` imports ``ui.maps``);
    relative imports are not used in this project and are counted as written.
    """
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.lineno, node.module))
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return out


def offending(path: Path, banned: tuple[str, ...]) -> list[str]:
    """``file:line module`` for each import of a ``banned`` module (or one inside it)."""
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return sorted(
        {
            f"{rel}:{line} {mod}"
            for line, mod in imports(path.read_text(encoding="utf-8"))
            if any(mod == b or mod.startswith(b + ".") for b in banned)
        }
    )


def _files(*folders: str) -> list[Path]:
    return [p for d in folders for p in sorted((ROOT / d).rglob("*.py"))]


def test_analytics_and_gis_import_no_screen():
    files = _files("analytics", "gis")
    assert len(files) > 15
    assert [x for p in files for x in offending(p, SCREEN)] == []


def test_analytics_draws_nothing_and_picks_no_colour():
    files = _files("analytics")
    assert len(files) > 10
    assert [x for p in files for x in offending(p, DRAWING)] == []


def test_the_benchmark_times_without_the_screen():
    assert offending(ROOT / "bench" / "run.py", SCREEN) == []


def test_the_lower_layers_load_without_streamlit():
    """What the modules pull in through others (auth, ingest, i18n …) counts too."""
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in _files("analytics", "gis")
    )
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {SCREEN!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


def test_the_check_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import os\n\ndef f():\n    import streamlit as st\n    from ui import maps\n"
        "    from gis.palette import RATE_COLORS\n",
        encoding="utf-8",
    )
    assert [x.split(" ", 1)[1] for x in offending(bad, SCREEN)] == ["streamlit", "ui", "ui.maps"]
    assert [x.split(" ", 1)[1] for x in offending(bad, DRAWING)] == ["gis.palette", "gis.palette.RATE_COLORS"]


def test_the_store_imports_only_the_store_and_the_catalog():
    """store/ sits under everything: of the project it imports only itself and i18n/ (its errors are
    worded by catalog key, i18n/parts/store_messages.py), and i18n/ imports nothing of the project."""
    project = (
        "analytics",
        "app",
        "auth",
        "bench",
        "demo",
        "gis",
        "ingest",
        "manage",
        "pages",
        "queries",
        "ui",
        "vocabulary",
    )
    store = _files("store")
    assert len(store) >= 5
    assert [x for p in store for x in offending(p, project)] == []
    i18n = _files("i18n")
    assert len(i18n) > 10
    assert [x for p in i18n for x in offending(p, project + ("store",))] == []
