"""Download buttons (ui/downloads.py): the file is made on the click, the click does not rerun the
page (so the other buttons' files stay available), and the download is audited."""

from __future__ import annotations

import streamlit as st

from auth import audit
from auth.users import User
from i18n import t
from tests import factories as F


def test_a_click_makes_the_file_audits_it_and_never_reruns(tiny, monkeypatch):
    from ui import common as C
    from ui import downloads

    con, path = tiny
    monkeypatch.setenv("LIANXIN_DB", str(path))
    seen = {}
    monkeypatch.setattr(st, "download_button", lambda label, **kw: seen.update(kw, label=label))
    monkeypatch.setattr(C, "_base_connection", lambda p: con)
    monkeypatch.setattr(C, "user", lambda: User("office", "office", [F.T1]))
    made = []
    downloads.button(
        t("action.export"),
        lambda: made.append(1) or b"a,b\n",
        "x.csv",
        "text/csv",
        key="k",
        audit=(F.T1, "coverage csv"),
    )
    assert seen["on_click"] == "ignore" and callable(seen["data"]) and not made  # nothing made yet
    assert seen["data"]() == b"a,b\n" and made == [1]
    log = audit.search(con, action="export")
    assert (log["user_name"].iloc[0], log["area"].iloc[0], log["detail"].iloc[0]) == ("office", F.T1, "coverage csv")


def test_every_download_goes_through_the_audited_button():
    """No page makes a download button of its own: ui/downloads.button writes every file to the audit log."""
    import inspect
    from pathlib import Path

    from ui import downloads

    root = Path(__file__).resolve().parent.parent
    pages = sorted((root / "pages").glob("*.py")) + [root / "app.py"]
    assert len(pages) > 5
    own = [p.name for p in pages if "st.download_button" in p.read_text(encoding="utf-8")]
    assert own == []
    assert inspect.signature(downloads.button).parameters["audit"].default is inspect.Parameter.empty
