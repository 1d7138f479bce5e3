"""Slow and silent no more (issue 18, item 5): work that takes seconds at county scale shows a spinner,
and the hotspot statistics are computed in the background when the app starts. (How long things take
is measured by the benchmark and written in the closing note, never asserted by a timed test.)"""

from __future__ import annotations

import ast
import datetime as dt
import threading
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent

#: The calls that take more than half a second on the demo county (measured; see the closing note).
SLOW = {
    "reports.hotspots",
    "warm.emerging",
    "V.office_week",
    "petitions.summary",
    "petitions.worklist",
    "petitions.petition_items",
    "petitions.visit_issue_items",
    "petitions.figures_by_area",
    "monthly.monthly_workbook",
    "G.grid_directory",
    "G.gaps",
    "CP.area_rows",
    "CP.monthly_trend",
    "overview.headline",
    "P.pace",
    "H.overdue",
}


def _slow_calls_outside_a_spinner(path: Path) -> tuple[list[str], int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any(
            isinstance(i.context_expr, ast.Call) and ast.unparse(i.context_expr.func) == "st.spinner"
            for i in node.items
        ):
            inside |= {id(n) for n in ast.walk(node)}
    bad, seen = [], 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = ast.unparse(node.func)
        if func == "shared.call" and len(node.args) > 1:  # ui/shared.py: computed on a cache miss
            func = ast.unparse(node.args[1])
        if func in SLOW:
            seen += 1
            if id(node) not in inside:
                bad.append(f"{path.name}:{node.lineno} {func}")
    return bad, seen


def test_slow_work_on_every_page_shows_a_spinner():
    bad, seen = [], 0
    for page in sorted((ROOT / "pages").glob("*.py")):
        b, n = _slow_calls_outside_a_spinner(page)
        bad += b
        seen += n
    assert seen >= 12 and bad == []


def test_the_hotspot_statistics_are_warmed_in_the_background(tiny, monkeypatch):
    from analytics import hotspots as H
    from ui import warm

    con, path = tiny
    monkeypatch.setenv("LIANXIN_DB", str(path))
    monkeypatch.setenv("LIANXIN_TODAY", "2026-11-26")
    monkeypatch.setattr(warm, "_started", threading.Event())
    warm._emerging.clear()
    calls = []
    real = H.emerging
    monkeypatch.setattr(H, "emerging", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    warm.in_background()
    thread = next(t for t in threading.enumerate() if t.name == "lianxin-warm-up")
    thread.join(120)
    assert calls == ["village", "grid"]
    # the page's call for the defaults (every argument given, as the page gives them) finds them ready
    em = warm.emerging(str(path), warm.stamp(con), "village", dt.date(2026, 11, 26), False, (), (), False, False)
    assert calls == ["village", "grid"] and len(em.months) == 12
    warm.in_background()  # once per process
    assert not any(t.name == "lianxin-warm-up" and t.is_alive() for t in threading.enumerate())
    assert calls == ["village", "grid"]
