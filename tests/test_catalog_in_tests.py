"""Tests check UI text through the catalog (issue 19 item 6): a test that spells catalog wording out
literally breaks when the wording is improved and never notices a page that shows the wrong key, so
a test reads it with ``t(key, lang, …)``, ``Message(key, …)``, a key on the error, or
``factories.phrase(key)`` (the fixed part of a sentence with values).

Two checks look at the string literals in tests/ (not docstrings or comments), each narrow so that it
raises no false alarm:

- a **sentence** — at least :data:`MIN_CJK` characters with Chinese in them, or :data:`MIN_WORDS`
  English words — that is part of a catalog text's fixed wording (between its ``{placeholders}``);
- a **label** — a literal that *is* a whole catalog text (a metric's, button's, column's, tab's or
  title's name: ``已达标``, ``保存走访``, ``Active households``, ``Period``) of at least
  :data:`MIN_LABEL_CJK` characters with Chinese, :data:`MIN_LABEL_WORDS` English words, or one
  capitalised English word (:data:`ONE_WORD_LABEL`).

Both leave alone what is data or a format fixed elsewhere: anything in shared/CONTRACT.md (a county
file's column header or cell, the CLI's formats); a literal of the project's own code (a sentence it
writes; for a label, a literal equal to it — that is where data words live: ingest's header aliases
``户编号``/``工号``, the values stored ``满意``/``已答复``/``入户走访``, a default legend title; not
bench/load.py, which finds the app's labels in a browser as tests/e2e does); and tests/test_i18n.py,
which tests the catalog's wording itself; and Streamlit's own words (:data:`NOT_OURS`: a test may
check that the page shows no ``Error``). Not checked, because their text cannot tell them from data:
one Chinese character (the levels ``县``/``市``/``省``), one English word in lower case (the
catalog's English for a column is often the column's own name: ``code``, ``households``, ``grid``),
and a short word inside a longer literal (as often a place name, a cell or part of a sentence as a
label: ``"在册户数：8" in text``; nothing in the text says which it is).
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
MIN_LABEL_CJK, MIN_LABEL_WORDS = 2, 2
#: a one-word English label: capitalised as the catalog writes a title, tab, metric or column name
#: (``Period``, ``Administration``); the column names data is written with are in lower case
ONE_WORD_LABEL = re.compile(r"[A-Z][a-z]+")
#: words a test may look for that are Streamlit's, not the catalog's (its error box)
NOT_OURS = {"Error", "Traceback"}
#: tests whose subject is the catalog's own wording
EXEMPT = {"tests/test_i18n.py", "tests/test_catalog_in_tests.py"}
#: the project's code (not the catalog, not the tests): a literal it writes is its own text, or data
CODE = ("analytics", "auth", "bench", "demo", "gis", "ingest", "store", "ui", "pages", "vocabulary")
#: where a label-sized literal is data; bench/load.py drives the app in a browser by its labels (as
#: tests/e2e does), so its literals are the UI's words, not data
DATA_CODE = tuple(d for d in CODE if d != "bench")


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


def _whole_texts() -> set[str]:
    """Every catalog text, in both languages."""
    return {text for lang in CATALOG for text in CATALOG[lang].values()}


def _sentence_sized(text: str) -> bool:
    return len(text) >= MIN_CJK if CJK.search(text) else len(text.split()) >= MIN_WORDS


def _label_sized(text: str) -> bool:
    if CJK.search(text):
        return len(text) >= MIN_LABEL_CJK
    return len(text.split()) >= MIN_LABEL_WORDS or ONE_WORD_LABEL.fullmatch(text) is not None


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


def catalog_labels(source: str, texts: set[str], own: set[str], contract: str) -> list[tuple[int, str]]:
    """The literals of ``source`` that are a whole catalog text of a label's length: (line, text).

    ``texts`` is every catalog text, ``own`` every literal of the project's code, ``contract``
    CONTRACT.md's text.
    """
    found = []
    for line, text in F.string_literals(source):
        words = text.strip()
        if _label_sized(words) and words in texts and words not in own and words not in contract:
            found.append((line, words))
    return sorted(found)


def _own_literals(dirs: tuple[str, ...] = CODE) -> list[str]:
    files = [ROOT / "app.py", ROOT / "manage.py"] + [p for d in dirs for p in sorted((ROOT / d).rglob("*.py"))]
    return [text for p in files for _, text in F.string_literals(p.read_text(encoding="utf-8"))]


def _own_text() -> str:
    return "\n".join(_own_literals())


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


def _found_in(files: list[Path], check, *args) -> dict[str, list]:
    """Per test file (path from the root), what ``check(its text, *args)`` finds, files with no hit left out."""
    found = {p: check(p.read_text(encoding="utf-8"), *args) for p in files}
    return {p.relative_to(ROOT).as_posix(): hits for p, hits in found.items() if hits}


def test_no_test_spells_out_a_catalog_sentence():
    if not CONTRACT.exists():
        pytest.skip(
            f"{CONTRACT} is not here (a clean clone has shared/ beside it): the CONTRACT's own "
            f"formats could not be told from the catalog's sentences"
        )
    fixed, own, contract = _fixed_parts(), _own_text(), CONTRACT.read_text(encoding="utf-8")
    files = _tests()
    assert len(files) > 50 and len(fixed) > 1000 and len(own) > 10_000
    found = _found_in(files, catalog_sentences, fixed, own, contract)
    assert found == {}, (
        "a test spells out catalog wording: read it with t(key, lang, …) / Message(key, …) / "
        f"the error's key / factories.phrase(key) instead: {found}"
    )


def test_the_check_finds_a_catalog_label_and_leaves_data():
    texts = {"保存走访", "Save the visit", "已达标", "户编号", "满意", "县", "code", "Households", "在册户数", "Period"}
    code = '''
def test_x(at):
    """保存走访 — a docstring may name a button."""
    at.button("保存走访").click()
    assert at.button[0].label == "Save the visit"
    assert m["已达标"] == "1"
    assert "已达标率" in text and "在册户数：8" in text
    F.write_csv(path, ["户编号"], [["H01"]])
    S.record(con, month, "H01", {1: "满意"})
    assert row["level"] == "县" and df["code"].tolist() and "households" in text
    assert at.selectbox[0].label == "Period"
'''
    own = {"满意", "保存走访（旧）"}
    contract = "| 户编号 | 工号 | 走访日期 |"
    # 保存走访 is flagged although the code has a longer literal that contains it: only equal is data
    assert catalog_labels(code, texts, own, contract) == [
        (4, "保存走访"),
        (5, "Save the visit"),
        (6, "已达标"),
        (11, "Period"),
    ]
    # a label the code writes as a literal is data (a value it stores, a header alias it reads)
    assert catalog_labels(code, texts, own | {"已达标", "Period"}, contract) == [(4, "保存走访"), (5, "Save the visit")]


def test_no_test_spells_out_a_catalog_label():
    if not CONTRACT.exists():
        pytest.skip(
            f"{CONTRACT} is not here (a clean clone has shared/ beside it): the county files' headers "
            f"could not be told from the catalog's labels"
        )
    texts, own, contract = (
        _whole_texts(),
        set(_own_literals(DATA_CODE)) | NOT_OURS,
        CONTRACT.read_text(encoding="utf-8"),
    )
    files = _tests()
    assert len(files) > 50 and len(texts) > 1000 and len(own) > 1000
    found = _found_in(files, catalog_labels, texts, own, contract)
    assert found == {}, (
        "a test spells out a UI label of the catalog (a metric's, button's, column's or title's name): read it "
        f"with t(key, lang) instead (only data stays literal: CONTRACT's headers, values the code stores): {found}"
    )
