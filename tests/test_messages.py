"""Messages: every sentence ingest/, analytics/, store/, auth/ and manage.py say to a person is a catalog key with
parameters (i18n/message.py), worded in the reader's language; none is written inline as
"中文 / English" beside the catalog, and none a page shows names a command-line flag."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

from i18n import CATALOG, Message, WordedError, message_of, t, worded
from tests import factories as F

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_HALF = re.compile(r"/ (?=[A-Za-z{(\-'\"])")


def _sources() -> list[Path]:
    folders = ("ingest", "analytics", "store", "auth")
    return [ROOT / "manage.py"] + [p for d in folders for p in sorted((ROOT / d).rglob("*.py"))]


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def inline_bilingual(source: str) -> list[tuple[int, str]]:
    """The string literals (docstrings aside) written as ``中文 / English``: (line, text)."""
    tree = ast.parse(source)
    docstrings = F.docstring_ids(tree)
    inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    found = []
    for node in ast.walk(tree):
        if id(node) in docstrings or id(node) in inner:
            continue
        text = _literal_text(node)
        halves = list(ENGLISH_HALF.finditer(text or ""))
        if not halves:
            continue
        zh, en = text[: halves[-1].start()], text[halves[-1].end() :]
        if CJK.search(zh) and not CJK.search(en):
            found.append((node.lineno, text))
    return found


def test_the_check_finds_an_inline_sentence():
    """The scan itself can fail: it finds both forms of an inline sentence, and leaves keys, docstrings
    and Chinese-only words alone."""
    code = '''
def f(name):
    """中文 / English in a docstring is documentation."""
    a = "文件不存在 / file not found"
    b = f"{name}: 无法读取（{name}）/ cannot read the file"
    c = Message("ingest.error.no_file")
    d = "乡镇/街道"
'''
    assert [line for line, _ in inline_bilingual(code)] == [4, 5]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_bilingual_sentence(path):
    found = inline_bilingual(path.read_text(encoding="utf-8"))
    assert found == [], (
        f"{path.relative_to(ROOT)}: a sentence written inline — give it a catalog key "
        f"(i18n/parts/*_messages.py) and raise it with key=… / Message(…): {found}"
    )


# a key raised (key="…"), a Message("…"), or an import step reported to the progress bar (step(0.5, "…"))
KEY_USE = re.compile(r"""(?:\bkey=|\bMessage\(|\b(?:step|progress)\([0-9.]+,)\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def _keys_used(paths: list[Path]) -> set[str]:
    return {k for p in paths for k in KEY_USE.findall(p.read_text(encoding="utf-8"))}


def test_every_key_used_is_worded_in_both_languages():
    used = _keys_used(_sources())
    assert len(used) > 100  # the scan finds the keys (it would pass on nothing)
    for lang in ("zh", "en"):
        missing = sorted(k for k in used if k not in CATALOG[lang])
        assert missing == [], (lang, missing)


def test_no_page_wording_names_a_flag():
    """A page shows ``e.text(lang)``: the key's own wording, never its ``.cli`` variant, so only the
    ``.cli`` variants (and manage.py's own keys) may name ``--from`` and the like."""
    page_keys = {k for k in _keys_used(_sources()) if not k.startswith("cli.")}
    page_keys |= {
        k
        for k in CATALOG["zh"]
        if k.startswith(("report.error.", "ingest.error.", "ingest.crs.")) and not k.endswith(".cli")
    }
    flagged = {
        (k, lang): CATALOG[lang][k]
        for k in page_keys
        for lang in ("zh", "en")
        if re.search(r"(?<![\w-])--[a-z]", CATALOG[lang][k])
    }
    assert flagged == {}


def test_a_message_is_the_command_lines_sentence_and_words_itself_for_a_page():
    m = Message("ingest.error.no_file", at="户籍.xlsx: ")
    assert m == f"户籍.xlsx: {t('ingest.error.no_file', 'zh')} / {t('ingest.error.no_file', 'en')}"
    assert m.text("zh") == "户籍.xlsx: " + t("ingest.error.no_file", "zh")
    assert m.text("en") == "户籍.xlsx: " + t("ingest.error.no_file", "en")
    # the command line keeps the flag, the page does not
    e = Message("monthly.error.month_format", month="'2026/13'")
    assert "--month" in e and "--month" not in e.text("en") and "--month" not in e.text("zh")


def test_a_term_inside_a_sentence_is_worded_in_the_same_language():
    m = Message("ingest.error.unknown_code", what=Message("ingest.what.household_code"), code="H9")
    assert m.text("zh") == t("ingest.error.unknown_code", "zh", what=t("ingest.what.household_code", "zh"), code="H9")
    assert m.text("en") == t("ingest.error.unknown_code", "en", what=t("ingest.what.household_code", "en"), code="H9")
    assert "户编号" not in m.text("en")


def test_an_error_keeps_its_message_across_a_process_boundary():
    """The import reads files in a child process: its errors come back pickled, still worded by key."""
    from ingest.errors import ImportFailed, RowError

    e = pickle.loads(pickle.dumps(ImportFailed(key="ingest.error.excel", at="a.xlsx: ", error="Boom")))
    assert isinstance(e, ImportFailed) and e.key == "ingest.error.excel" and e.params == {"error": "Boom"}
    assert e.text("en") == "a.xlsx: " + t("ingest.error.excel", "en", error="Boom")
    row = pickle.loads(pickle.dumps(RowError("v.csv", 3, "户编号", "", Message("ingest.error.code_missing"))))
    assert row.line() == f"v.csv row 3 column 户编号: {Message('ingest.error.code_missing')}"
    assert row.text("en") == t(
        "ingest.row_line", "en", source="v.csv", row=3, column="户编号", message=t("ingest.error.code_missing", "en")
    )


def test_plain_sentences_and_other_errors_are_shown_as_they_are():
    class Refused(WordedError):
        pass

    e = Refused("原样 as given")
    assert str(e) == e.text("en") == "原样 as given" and e.key is None and e.params == {}
    assert worded(ValueError("x"), "en") == "x" and message_of(ValueError("x")) == "x"
    assert worded(Message("ingest.error.no_file"), "en") == t("ingest.error.no_file", "en")


@pytest.mark.parametrize(
    "cls",
    [
        "analytics.reports.ReportError",
        "analytics.petitions.PetitionError",
        "analytics.calendar.CalendarError",
        "analytics.grids.GridError",
        "analytics.survey.SurveyError",
        "analytics.household.HouseholdError",
        "ingest.errors.ImportFailed",
        "ingest.preview.UploadRefused",
        "store.db.StoreError",
        "store.db.BadTarget",
        "store.cluster.Unavailable",
        "auth.users.AuthError",
        "auth.users.LoginRefused",
        "auth.audit.RuleError",
    ],
)
def test_the_errors_a_person_can_fix_are_worded(cls):
    import importlib

    module, name = cls.rsplit(".", 1)
    assert issubclass(getattr(importlib.import_module(module), name), WordedError)


def test_a_store_error_is_the_command_lines_sentence_and_a_pages_in_its_language():
    """store/ words its errors by key too: the command line keeps ``中文 / English`` (naming ``--db``),
    a page gets the user's language; a term inside (the system user) follows the language."""
    from store import db, postgres

    with pytest.raises(db.BadTarget) as bad:
        db.kind("mysql://h/x")
    assert str(bad.value) == (
        t("store.error.unsupported_target.cli", "zh", target="'mysql://h/x'")
        + " / "
        + t("store.error.unsupported_target.cli", "en", target="'mysql://h/x'")
    )
    assert "--db" in str(bad.value) and "--db" not in bad.value.text("en")
    assert isinstance(bad.value, ValueError)  # still bad usage to manage.py

    e = postgres.explain(Exception("password authentication failed"), {"host": "h", "dbname": "d"})
    assert e.key == "store.error.password" and e.params["where"] == "h:5432"
    assert e.text("en") == t("store.error.password", "en", where="h:5432", user=t("store.term.system_user", "en"))
    assert e.text("zh") == t("store.error.password", "zh", where="h:5432", user=t("store.term.system_user", "zh"))
    assert pickle.loads(pickle.dumps(e)).text("en") == e.text("en")


def test_auth_writes_no_sentence_in_code():
    """auth/ words every refusal, confirmation and prompt by key: the only Chinese literals left are
    data — the rules table's labels (shown as descriptions) and the words a password guesser tries."""
    import sys

    from auth import audit, users

    sys.path.insert(0, str(ROOT / "tests"))
    from test_messages_inline_chinese import chinese_words

    data = {label for *_, label in audit.RULE_RANGES.values()} | set(users.PASSWORD_CONTEXT)
    found = {
        (str(p.relative_to(ROOT)), line, s)
        for p in sorted((ROOT / "auth").glob("*.py"))
        for line, s in chinese_words(p.read_text(encoding="utf-8"))
        if s not in data
    }
    assert found == set()
    assert chinese_words('x = "用户不存在"') == [(1, "用户不存在")]  # the scan finds one


def test_an_account_error_is_the_command_lines_sentence_and_a_pages_in_its_language():
    """The Chinese half is the sentence auth/ always said; a page gets the user's language; the
    ``--areas`` flag only on the command line; a term (the role) follows the language."""
    from auth import users

    with pytest.raises(users.AuthError) as e:
        users._check_role("boss")
    assert str(e.value).startswith("角色“boss”不存在，请从 admin、leader、office、grid_leader、member 中选择一个 / ")
    assert e.value.text("en") == t("auth.error.no_role", "en", given=t("auth.term.quoted", "en", value="boss"))
    assert isinstance(e.value, ValueError)
    with pytest.raises(users.AuthError) as e:
        users.require_admin(users.User("gl", "grid_leader", ["G1"]))
    assert str(e.value).startswith("用户 gl（网格长）不能管理账号：只有县级管理员可以 / ")
    assert e.value.text("en") == t("permission.admin_only", "en", name="gl", role_name=t("role.grid_leader", "en"))
    assert not CJK.search(e.value.text("en"))
    m = Message("auth.error.areas_needed", role="office", role_name=Message("role.office"))
    assert "--areas" in m and "--areas" not in m.text("zh") and "--areas" not in m.text("en")
    refused = pickle.loads(pickle.dumps(users.LoginRefused("throttled", seconds=5)))
    assert (refused.reason, refused.key, refused.params) == ("throttled", "login.error.throttled", {"seconds": 5})
    assert refused.text("zh") == "登录尝试太多，请 5 秒后再试"


def test_a_rule_error_is_worded_by_key():
    from auth import audit

    with pytest.raises(audit.RuleError) as e:
        audit.validate_rule("benchmark_coverage", 97.8)
    assert str(e.value).startswith("入户覆盖率基准（benchmark_coverage）是 0 到 1 之间的比例，例如 97.8 % 写作 0.978，")
    assert e.value.key == "rule.error.share_percent" and e.value.params["value"] == "97.8"
    # the label is the rules table's description (data), the sentence around it the user's language
    assert e.value.text("en") == t("rule.error.share_percent", "en", **e.value.params)
    assert e.value.text("en").startswith("入户覆盖率基准 (benchmark_coverage) ")
