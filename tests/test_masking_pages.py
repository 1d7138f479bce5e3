"""A county leader's pages and exports mask addresses, sensitive tags and map points as well as
names and phones (issue 15 item 8); an office sees its own households in full. One masking module
(auth/masking.py) serves every page, export and report."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from tests import factories as F

ADDRESS = {"H01": "一镇甲村1组1号", "H02": "一镇甲村1组2号", "H04": "一镇甲村2组4号", "H06": "一镇乙村1组6号"}


@pytest.fixture()
def addressed(tiny):
    from auth import audit

    con, path = tiny
    audit.set_rule(con, "revisit_days", 1)  # every household is due on 2026-11-24
    for code, address in ADDRESS.items():
        con.execute("UPDATE households SET address = ? WHERE code = ?", [address, code])
    return con, path


def _due_table(at) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if "household_code" in getattr(d.value, "columns", [])]
    assert frames, "no household list on the page"
    return frames[-1]


def test_leader_coverage_page_masks_addresses_tags_and_points(addressed, monkeypatch, downloads):
    """Before: the leader's due list and its download showed 一镇甲村1组1号 and 低保 in full."""
    _, path = addressed
    at = F.signed_in_app(monkeypatch, path, "leader", today="2026-11-24", page="pages/coverage.py")
    due = _due_table(at).set_index("household_code")
    assert due.loc["H01", "head_name"] == "张*" and due.loc["H01", "phone"] == "138****1234"
    assert due.loc["H01", "address"] == "一镇甲村***"
    assert due["tags"].isna().all() or set(due["tags"].dropna()) <= {""}
    from i18n import t

    assert t("app.masked_notice") in [c.value for c in at.caption]
    text = " ".join(str(m.value) for m in at.markdown) + " ".join(str(v) for v in due.to_numpy().ravel())
    for address in ADDRESS.values():
        assert address not in text
    base = t("coverage_page.file_due")
    data = F.download_bytes(downloads, base, ".csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows and {r["household_code"] for r in rows} >= {"H01", "H04", "H06"}
    for r in rows:
        assert r["tags"] == "" and (r["address"] == "" or r["address"].endswith("***"))
    assert "低保" not in data and "留守儿童" not in data and "残疾" not in data


def test_office_coverage_page_shows_its_households_in_full(addressed, monkeypatch):
    _, path = addressed
    at = F.signed_in_app(monkeypatch, path, "office", today="2026-11-24", page="pages/coverage.py")
    due = _due_table(at).set_index("household_code")
    assert due.loc["H01", "head_name"] == "张三" and due.loc["H01", "address"] == ADDRESS["H01"]
    assert due.loc["H01", "tags"] == "低保、空巢老人"
    from i18n import t

    assert t("app.masked_notice") not in [c.value for c in at.caption]


def test_leader_search_on_the_responsibility_page_masks_the_address(addressed, monkeypatch):
    _, path = addressed
    at = F.signed_in_app(monkeypatch, path, "leader", today="2026-11-24", page="pages/responsibility.py")
    at.text_input(key="resp_page.search").input("H01").run()
    assert not at.exception
    found = _due_table(at).set_index("household_code")
    assert found.loc["H01", "head_name"] == "张*" and found.loc["H01", "address"] == "一镇甲村***"
