"""The UI catalog: every key in both languages, same placeholders, and the formatters."""

from __future__ import annotations

import string
from datetime import date

import pytest

from i18n import CATALOG, column_labels, fmt_date, fmt_int, fmt_month, fmt_pct, fmt_week, gi_bin_label, t


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_same_keys_in_every_language():
    assert set(CATALOG) == {"zh", "en"}
    assert set(CATALOG["zh"]) == set(CATALOG["en"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_empty_values(lang):
    empty = [k for k, v in CATALOG[lang].items() if not v or not v.strip()]
    assert empty == []


def test_placeholders_match():
    diff = {
        k: (_fields(CATALOG["zh"][k]), _fields(CATALOG["en"][k]))
        for k in CATALOG["zh"]
        if _fields(CATALOG["zh"][k]) != _fields(CATALOG["en"][k])
    }
    assert diff == {}


@pytest.mark.parametrize(
    "key",
    [
        "app.title",
        "login.username",
        "login.password",
        "login.submit",
        "login.error.bad_credentials",
        "login.error.throttled",
        "login.error.disabled",
        "login.demo_notice",
        "nav.overview",
        "nav.coverage",
        "nav.weekly",
        "nav.hotspots",
        "nav.import",
        "nav.admin",
        "sidebar.area",
        "sidebar.period",
        "sidebar.language",
        "period.week",
        "period.month",
        "period.quarter",
        "period.year",
        "period.last_days",
        "period.custom",
        "figure.households",
        "figure.grids",
        "figure.coverage",
        "metric.benchmark",
        "figure.petitions_received",
        "figure.petitions_closed",
        "figure.petitions_overdue",
        "figure.satisfaction_rate",
        "figure.solved_rate",
        "figure.issues",
        "figure.issues_overdue",
        "app.generated_notice",
        "empty.no_boundaries",
        "legend.coverage",
        "legend.no_data",
    ],
)
def test_required_keys(key):
    assert key in CATALOG["zh"]


def test_chinese_texts():
    assert t("app.title") == "连心网格"
    assert t("login.demo_notice") == "演示数据库：所有演示账号的密码是 lianxin-demo"
    assert t("empty.no_boundaries") == "还没有导入网格边界 — 去「数据导入」"
    assert t("app.generated_notice").startswith("演示数据：仅县界为真实数据（梁平区")
    assert t("period.last_days", days=182) == "近182天"
    assert t("period.last_days", "en", days=182) == "Last 182 days"
    assert t("metric.benchmark", value=fmt_pct(0.978)) == "基准 97.8 %"


def test_unknown_key_and_language():
    with pytest.warns(UserWarning):
        assert t("no.such.key") == "no.such.key"
    assert t("app.title", "en-GB") == "Lianxin Grid"
    assert t("app.title", None) == "连心网格"


@pytest.mark.parametrize(
    "value,zh,en",
    [
        (0.978, "97.8 %", "97.8 %"),  # one format in both languages, as in the tables
        (0.84, "84.0 %", "84.0 %"),
        (1, "100.0 %", "100.0 %"),
        (None, "—", "—"),
        (float("nan"), "—", "—"),
    ],
)
def test_fmt_pct(value, zh, en):
    assert fmt_pct(value) == zh
    assert fmt_pct(value, "en") == en


def test_fmt_int_week_month_date():
    assert fmt_int(12345) == "12,345"
    assert fmt_int(0) == "0"
    assert fmt_int(None) == "—"
    assert fmt_week(2026, 47) == "2026年第47周"
    assert fmt_week(2026, 47, "en") == "2026-W47"
    assert fmt_week(2026, 7, "en") == "2026-W07"
    assert fmt_month(2026, 3) == "2026年3月"
    assert fmt_month(2026, 3, "en") == "2026-03"
    assert fmt_date(date(2026, 11, 24)) == "2026-11-24"


def test_column_labels():
    cols = ["code", "name", "households", "visited", "coverage", "gi_bin", "whatever"]
    zh = column_labels(cols, "zh")
    assert zh == {
        "code": "编码",
        "name": "名称",
        "households": "在册户数",
        "visited": "已走访户数",
        "coverage": "覆盖率",
        "gi_bin": "冷热点等级",
        "whatever": "whatever",
    }
    assert column_labels(["staff_id", "met"], "en") == {"staff_id": "Staff ID", "met": "Met"}


@pytest.mark.parametrize(
    "columns",
    [
        "code,name,households,visited,coverage",
        "staff_id,name,grid_code,visits,visit_days,households_visited,target_days,met",
        "household_code,head_name,grid_code,last_visit,days_since",
        "code,name,households,petitions,per_1000,gi_z,gi_p,gi_bin",
    ],
)
def test_every_contract_report_column_has_a_chinese_header(columns):
    labels = column_labels(columns.split(","), "zh")
    assert all(k != v for k, v in labels.items()), labels


def test_gi_bin_labels():
    assert gi_bin_label(3) == "热点（99 % 置信度）"
    assert gi_bin_label(0) == "不显著"
    assert gi_bin_label(-2, "en") == "Cold spot (95 % confidence)"
    assert gi_bin_label(None) == "无数据"


@pytest.mark.parametrize("level", ["village", "grid"])
def test_a_level_inside_an_english_title_is_in_lower_case(level):
    """信访热点's titles name the level as a noun: "Hottest villages", not "Hottest Village"."""
    one, several = t(f"level.noun.{level}", "en"), t(f"level.nouns.{level}", "en")
    assert (one, several) == (level, level + "s")
    assert t("hotspots_page.hottest.title", "en", levels=several) == f"Hottest {level}s (by Gi* z-score)"
    assert t("hotspots_page.trend.patterns_title", "en", level=one) == f"Emerging pattern of each {level}"
    assert t(f"level.noun.{level}", "zh") == t(f"level.{level}", "zh")


#: Characters drawn as emoji by default (Unicode's Emoji_Presentation, U+FE0F asking for it): an empty box
#: on a computer without an emoji font (the ✅ of 今天走哪几户). Noto Sans CJK and DejaVu have ✓ → ⚠ •.
_EMOJI_BMP = set(
    "\u231a\u231b\u23e9\u23ea\u23eb\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u267f\u2693\u26a1\u26aa\u26ab"
    "\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c"
    "\u274e\u2753\u2754\u2755\u2757\u2795\u2796\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\ufe0f"
) | {chr(c) for c in range(0x2648, 0x2654)}


def _emoji(text: str) -> list[str]:
    return [c for c in text if c in _EMOJI_BMP or 0x1F000 <= ord(c) <= 0x1FAFF]


def test_no_emoji_in_the_catalog():
    found = {(lang, k): _emoji(v) for lang, table in CATALOG.items() for k, v in table.items() if _emoji(v)}
    assert found == {}


def test_no_emoji_in_the_pages_text():
    """Text the pages draw themselves (a mark, a prefix) has no emoji either; an icon given as ``icon=`` or
    ``page_icon=`` (Streamlit's own icon font, or the browser tab's) is not text."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = [root / "app.py", *sorted((root / "pages").glob("*.py")), *sorted((root / "ui").glob("*.py"))]
    found = [
        f"{p.name}:{i}: {line.strip()}"
        for p in files
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if _emoji(line) and "icon=" not in line
    ]
    assert found == []
