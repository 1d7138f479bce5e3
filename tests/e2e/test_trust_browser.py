"""Pages that behave as people expect, in a real browser (issue 18): downloads one after another,
the first click on the coverage map, a reload that keeps the session, the phone at 390×844.
Screenshots: test-output/e2e/trust-*.png."""
from __future__ import annotations

import pytest

from tests import factories as F
from tests.e2e.conftest import OUT, login
from tests.e2e.test_journeys_browser import open_page, wait_idle

pytestmark = pytest.mark.e2e


def test_every_download_gives_a_file_however_many_in_a_row(page, server):
    """导出覆盖率 CSV right after 导出待走访户 XLSX once gave no file ("Deferred file … not found")."""
    login(page, server, "admin", F.PASSWORD)
    open_page(page, "coverage")
    page.get_by_role("heading", name="走访覆盖").wait_for(timeout=30_000)
    names = ["导出待走访户 XLSX", "导出覆盖率 CSV", "导出覆盖率 XLSX", "导出待走访户 CSV", "导出待走访户 XLSX"]
    got = []
    for name in names:                       # one click after another, no waiting for the page in between
        with page.expect_download(timeout=30_000) as info:
            page.get_by_role("button", name=name).click()
        d = info.value
        assert d.failure() is None, (name, d.failure())
        got.append((d.suggested_filename, len(open(d.path(), "rb").read())))
    page.screenshot(path=str(OUT / "trust-downloads.png"))
    assert [n.rsplit(".", 1)[1] for n, _ in got] == ["xlsx", "csv", "xlsx", "csv", "xlsx"]
    assert all(size > 20 for _, size in got), got
    assert "Traceback" not in page.inner_text("body")
