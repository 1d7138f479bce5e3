"""Tests check UI text through the catalog (issue 19 item 6): a test that spells a catalog sentence out
literally breaks when the wording is improved and never notices a page that shows the wrong key, so
a test reads it with ``t(key, lang, …)``, ``Message(key, …)``, a key on the error, or
``factories.phrase(key)`` (the fixed part of a sentence with values).

The check is narrow so that it raises no false alarm: it looks at string literals in tests/ (not
docstrings or comments) of a sentence's length — at least :data:`MIN_CJK` characters with Chinese in
them, or :data:`MIN_WORDS` English words — that are part of a catalog text's fixed wording (between
its ``{placeholders}``). It leaves alone what is data or a format fixed elsewhere: a literal the
project's own code also writes (a county file's column, the rules table's labels), anything in
shared/CONTRACT.md (the CLI's formats, example cells), and tests/test_i18n.py, which tests the
catalog's wording itself. Shorter literals (a column header, ``已达标``) are not checked: they are as
often data (the county files' headers, a satisfaction value) as UI.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from i18n import CATALOG
from tests import factories as F

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "CONTRACT.md"
CJK = re.compile(r"[\u4e00-\u9fff]")
MIN_CJK, MIN_WORDS = 7, 4
#: tests whose subject is the catalog's own wording
EXEMPT = {"tests/test_i18n.py", "tests/test_catalog_in_tests.py"}
#: the project's code (not the catalog, not the tests): a literal it writes is its own text, or data
CODE = ("analytics", "auth", "bench", "demo", "gis", "ingest", "store", "ui", "pages", "vocabulary")


def _fixed_parts() -> set[str]:
    """Every catalog text's wording between its placeholders, in both languages."""
    out = set()
    for lang in CATALOG:
        for text in CATALOG[lang].values():
            try:
                out.update(lit for lit, *_ in string.Formatter().parse(text) if lit)
            except ValueError:  # a text with a lone brace is all fixed
                out.add(text)
    return out


def _sentence_sized(text: str) -> bool:
    return len(text) >= MIN_CJK if CJK.search(text) else len(text.split()) >= MIN_WORDS


def catalog_sentences(source: str, fixed: set[str], own: str, contract: str) -> list[tuple[int, str]]:
    """The literals of ``source`` that spell out catalog wording: (line, text).

    ``own`` is every literal of the project's code joined, ``contract`` CONTRACT.md's text.
    """
    found = []
    for line, text in F.string_literals(source):
        words = text.strip()
        if (
            _sentence_sized(words)
            and any(words in part for part in fixed)
            and words not in own
            and words not in contract
        ):
            found.append((line, words))
    return found


def _own_text() -> str:
    files = [ROOT / "app.py", ROOT / "manage.py"] + [p for d in CODE for p in sorted((ROOT / d).rglob("*.py"))]
    return "\n".join(text for p in files for _, text in F.string_literals(p.read_text(encoding="utf-8")))


def _tests() -> list[Path]:
    return [p for p in sorted((ROOT / "tests").rglob("*.py")) if p.relative_to(ROOT).as_posix() not in EXEMPT]


def test_the_check_finds_a_catalog_sentence_and_nothing_else():
    fixed = {
        "用户名或密码不对，请重新输入",
        "Wrong user name or password; please try again",
        "，不能登记将来的走访，请改",
    }
    code = '''
def test_x(at):
    """用户名或密码不对，请重新输入 — a docstring may quote the page."""
    assert at.error[0].value == "用户名或密码不对，请重新输入"
    assert "user name or password; please" in at.error[0].value
    assert "不能登记将来的走访" in at.error[0].value
    assert "用户名或密码不对" in at.error[0].value
    assert at.markdown[0].value == "已达标"
    assert "数据库文件 x 正被另一个程序使用" in at.error[0].value
'''
    own = "数据库文件 x 正被另一个程序使用（多半是正在运行的网页应用）"
    assert catalog_sentences(code, fixed, own, contract="") == [
        (4, "用户名或密码不对，请重新输入"),
        (5, "user name or password; please"),
        (6, "不能登记将来的走访"),
        (7, "用户名或密码不对"),
    ]
    assert catalog_sentences(code, fixed, own, contract="“不能登记将来的走访”") == [
        (4, "用户名或密码不对，请重新输入"),
        (5, "user name or password; please"),
        (7, "用户名或密码不对"),
    ]


def test_no_test_spells_out_a_catalog_sentence():
    if not CONTRACT.exists():
        pytest.skip(
            f"{CONTRACT} is not here (a clean clone has shared/ beside it): the CONTRACT's own "
            f"formats could not be told from the catalog's sentences"
        )
    fixed, own, contract = _fixed_parts(), _own_text(), CONTRACT.read_text(encoding="utf-8")
    files = _tests()
    assert len(files) > 50 and len(fixed) > 1000 and len(own) > 10_000
    found = {
        p.relative_to(ROOT).as_posix(): hits
        for p in files
        if (hits := catalog_sentences(p.read_text(encoding="utf-8"), fixed, own, contract))
    }
    assert found == {}, (
        "a test spells out catalog wording: read it with t(key, lang, …) / Message(key, …) / "
        f"the error's key / factories.phrase(key) instead: {found}"
    )
