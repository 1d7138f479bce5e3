"""Sentences and words a person reads are catalog keys, not Chinese written in code (issue 19 item 7):
the grid reassignment's sentence, the monthly 通报's 末三位/末位 marks, the single sign-on's refusals and
manage.py's notes. tests/test_messages.py finds ``中文 / English`` written inline; this file finds the two
other forms these were written in: a Chinese-only literal, and ``中文 English: …`` without the slash.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from analytics import grids as G
from analytics import monthly as M
from i18n import CATALOG, Message, t
from tests import factories as F

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
#: "中文 english words: …" — a Chinese half, a space, an English half ending in a colon
CHINESE_THEN_ENGLISH = re.compile(r"^[\u4e00-\u9fff][^A-Za-z]*\s[a-z][a-z ]*:")
#: files whose every Chinese word or sentence now comes from the catalog
WORDED_BY_CATALOG = ["analytics/grids.py", "analytics/monthly.py", "ui/sso.py"]


def chinese_words(source: str) -> list[tuple[int, str]]:
    """Literals that begin with a Chinese character: (line, text)."""
    return [(line, s) for line, s in F.string_literals(source) if CJK.match(s.lstrip())]


def chinese_then_english(source: str) -> list[tuple[int, str]]:
    """Literals written ``中文 English: …``: (line, text)."""
    return [(line, s) for line, s in F.string_literals(source) if CHINESE_THEN_ENGLISH.match(s)]


def test_the_scans_find_what_they_look_for():
    code = '''
def f(name):
    """末位 in a docstring is documentation."""
    a = "末三位"
    b = f"网格 {name} 自"
    c = f"内部错误 internal error: {name}"
    d = "the monthly 通报 as XLSX"
    e = r"\\s*(\\d{4})\\s*年"
'''
    assert sorted({line for line, _ in chinese_words(code)}) == [4, 5, 6]
    assert [line for line, _ in chinese_then_english(code)] == [6]


@pytest.mark.parametrize("name", WORDED_BY_CATALOG)
def test_no_chinese_word_is_written_in_code(name):
    found = chinese_words((ROOT / name).read_text(encoding="utf-8"))
    assert found == [], f"{name}: Chinese written inline — give it a catalog key (i18n/parts/): {found}"


@pytest.mark.parametrize(
    "name",
    ["manage.py", "ui/sso.py"]
    + [str(p.relative_to(ROOT)) for d in ("analytics", "ingest", "store") for p in sorted((ROOT / d).rglob("*.py"))],
)
def test_no_chinese_then_english_line_is_written_in_code(name):
    found = chinese_then_english((ROOT / name).read_text(encoding="utf-8"))
    assert found == [], f"{name}: a '中文 English:' line written inline — use Message(key, …): {found}"


def test_a_reassignment_is_worded_in_the_readers_language():
    r = G.Reassignment("G001", dt.date(2026, 12, 1), closed=["S02"], opened=["S01"])
    assert r.sentence() == "网格 G001 自 2026-12-01 起：新增 S01；结束 S02"
    assert r.sentence("en") == "grid G001 from 2026-12-01: added S01; ended S02"
    assert (
        G.Reassignment("G001", dt.date(2026, 12, 1), closed=["S02"], opened=[]).sentence("en").endswith(": ended S02")
    )


@pytest.mark.parametrize("n,marked", [(2, ["", "last"]), (5, ["", "", "last_three", "last_three", "last_three"])])
def test_the_monthly_marks_are_codes_worded_by_the_catalog(n, marked):
    table = pd.DataFrame({"code": [f"A{i}" for i in range(n)], "coverage": [1 - i / 10 for i in range(n)]})
    for c in M.SCORED:
        table[c] = table["coverage"]
    ranked = M._rank(table)
    assert ranked["mark"].tolist() == marked
    worded = {lang: M._values(ranked, lang)["mark"].tolist() for lang in ("zh", "en")}
    for lang in ("zh", "en"):
        assert worded[lang][-1] == t(f"petitions_page.report.mark.{marked[-1]}", lang) and worded[lang][0] == ""
    assert not any(CJK.search(w) for w in worded["en"])


@pytest.mark.parametrize(
    "key,params",
    [
        ("admin_page.sso.error.no_email", {}),
        ("admin_page.sso.error.unverified", {"email": "a@b.cn"}),
        ("admin_page.sso.error.no_account", {"email": "a@b.cn"}),
        ("admin_page.sso.error.disabled", {"name": "li"}),
    ],
)
def test_a_single_sign_on_refusal_is_worded_by_its_key(key, params):
    import pickle

    from ui.sso import SSORefused

    e = SSORefused(key, **params)
    assert str(e) == Message(key, **params) and (e.key, e.params) == (key, params)
    assert e.text("zh") == t(key, "zh", **params) and pickle.loads(pickle.dumps(e)).text("en") == e.text("en")
    assert key in CATALOG["en"] and not CJK.search(t(key, "en", **params))


def test_the_command_lines_notes_keep_their_wording():
    """manage.py's notes: the Chinese half as the command line said it, the English half unchanged."""
    assert Message("cli.note.unassigned", households="H01、H02") == (
        "不在任何网格内的住户: H01、H02 / unassigned households: H01、H02"
    )
    assert str(Message("cli.error.internal", error="KeyError", first="'x'")).endswith(
        " / internal error: KeyError: 'x' (set LIANXIN_DEBUG=1 for details)"
    )
    assert str(Message("cli.note.hit_rate_none")).endswith(" / hit rate: no dated escalation in the last 12 months")
