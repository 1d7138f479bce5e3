"""The app's own styles (ui/common.py PAGE_STYLE): on every page, the login included.

A spinner's icon stands still (its turning redrew the page sixty times a second while a page
waited: BENCHMARKS.md, "Eighth session: what a view costs the browser")."""

from __future__ import annotations

import tests.factories as F


def _styles(at) -> list[str]:
    return [e.proto.body for e in at.get("html") if "<style>" in e.proto.body]


def test_the_login_page_carries_the_page_style_that_stills_the_spinner_and_the_fade(tiny_ro, monkeypatch):
    from streamlit.testing.v1 import AppTest

    _, path = tiny_ro
    monkeypatch.setenv("LIANXIN_DB", str(path))
    monkeypatch.setenv("LIANXIN_TODAY", "2026-11-26")
    at = AppTest.from_file(str(F.APP), default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.text_input(key="login_name") is not None  # the login page
    styles = _styles(at)
    assert len(styles) == 1
    assert '[data-testid="stSpinnerIcon"]' in styles[0] and "animation: none" in styles[0]
    # what is being redrawn dims at once, without Streamlit's one-second fade (BENCHMARKS.md, ninth session)
    assert '[data-stale="true"] { transition-duration: 0s !important; }' in styles[0]


def test_no_page_shows_the_spinners_clock():
    """``st.spinner(show_time=True)`` writes Streamlit's own English clock ("(2.5 seconds)") on a Chinese
    page, outside the catalog, and redraws the page every tenth of a second while it waits
    (BENCHMARKS.md, "Eighth session: what a view costs the browser")."""
    sources = sorted((F.APP.parent / "pages").glob("*.py")) + sorted((F.APP.parent / "ui").glob("*.py")) + [F.APP]
    assert len(sources) > 10
    assert [p.name for p in sources if "show_time" in p.read_text(encoding="utf-8")] == []


def test_every_date_input_writes_dates_as_2026_11_24():
    """Streamlit's default date format is "YYYY/MM/DD" ("2026 / 12 / 03" on the petitions page) while the
    visit form wrote 2026-12-03: every ``date_input`` in pages/, ui/ and app.py says ``format="YYYY-MM-DD"``
    (DESIGN.md: dates as 2026-11-24)."""
    import ast

    sources = sorted((F.APP.parent / "pages").glob("*.py")) + sorted((F.APP.parent / "ui").glob("*.py")) + [F.APP]
    calls, wrong = 0, []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "date_input":
                calls += 1
                fmt = {k.arg: k.value for k in node.keywords}.get("format")
                if not (isinstance(fmt, ast.Constant) and fmt.value == "YYYY-MM-DD"):
                    wrong.append(f"{path.name}:{node.lineno}")
    assert calls >= 5
    assert wrong == []
