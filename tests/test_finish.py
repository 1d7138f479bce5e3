"""The finish of every page (issue 18, item 9), for every role, in both languages: no "None",
"nan" or "empty" in a table, no developer words, percentages written one way ("93.2 %") and
differences in 个百分点 / pt, no arrow beside a figure that is not a trend."""

from __future__ import annotations

import json
import re

import pytest

from tests import factories as F

TODAY = "2026-11-26"
PAGES = {
    "admin": [
        "overview",
        "coverage",
        "weekly",
        "hotspots",
        "petitions",
        "responsibility",
        "household",
        "import_data",
        "admin",
    ],
    "leader": ["overview", "coverage", "weekly", "hotspots", "petitions", "responsibility", "household"],
    "office": ["overview", "coverage", "weekly", "hotspots", "petitions", "responsibility", "household", "import_data"],
    "grid_leader": ["overview", "coverage", "weekly", "petitions", "responsibility", "household"],
}
DEVELOPER = re.compile(
    r"manage\.py|\breport (?:quotas|hotspots|coverage)\b|\bNone\b(?! of)|\bnan\b|\bNaN\b|\bnull\b|"
    r"\bTrue\b|\bFalse\b|Traceback|DataFrame"
)
PERCENT_ELSEWISE = re.compile(r"\d%|\d\s{2,}%")  # "89.29%" or a double space: not the one way
POINTS = {"zh": re.compile(r"\bpts?\b"), "en": re.compile(r"个百分点")}


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _texts(at) -> list[str]:
    out = []
    for n in _walk(at._tree):
        kind = getattr(n, "type", None)
        if kind in (
            "markdown",
            "caption",
            "title",
            "header",
            "subheader",
            "info",
            "warning",
            "success",
            "error",
            "text",
        ):
            out.append(re.sub(r"<style>.*?</style>", "", str(n.value), flags=re.S))  # CSS is not read
        elif kind == "metric":
            out += [n.label, n.value, n.proto.delta]
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_is_finished(tiny_db_ro, monkeypatch, role, lang):
    at = None
    for page in PAGES[role]:
        if at is None or lang != "zh":  # AppTest reads widgets' labels in the default language: a fresh app per page
            at = F.signed_in(monkeypatch, tiny_db_ro, role, today=TODAY, lang=lang)
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        for text in _texts(at):
            assert not DEVELOPER.search(text), (page, text)
            assert not PERCENT_ELSEWISE.search(text), (page, text)
            assert not POINTS[lang].search(text), (page, text)
        for m in at.metric:
            if m.proto.delta:
                assert m.proto.direction == m.proto.MetricDirection.NONE, (page, m.label, m.proto.delta)
        for table in at.dataframe:
            frame = table.value
            assert len(frame.columns), page
            assert len(frame) > 0, (page, list(frame.columns))  # an empty table reads "empty"
            config = json.dumps(json.loads(table.proto.columns or "{}"), ensure_ascii=False)
            assert '"percent"' not in config, (page, config)
            if frame.isna().to_numpy().any():
                assert table.proto.placeholder == "—", (page, list(frame.columns))
