"""The warm-up at start (ui/warm.py): the county's work-list parts computed into the cache every scope's
parts are cut out of (ui/shared.py worklist_parts), so that any scope's first overview queries nothing."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from analytics import petitions as P
from auth import users as U
from tests import factories as F
from ui import warm

TODAY = dt.date(2026, 11, 26)


@pytest.fixture()
def parts(tiny, monkeypatch):
    """The tiny world as the app's database, the shared cache empty, and each part computed recorded
    as (kind, scope). (Nobody has signed in to it yet: the first sign-in ever, which stores the session
    secret, moves no version — store/version.py UNVERSIONED_STATEMENTS.)
    """
    con, path = tiny
    return F.counted_worklist_parts(monkeypatch, path, TODAY)


def test_a_scope_s_first_overview_after_the_warm_up_queries_nothing(tiny, parts):
    """The warm-up computes the county's two parts (nothing else); then the office user of 一镇 (T1) opens
    the overview: its parts are cut out of them, not queried."""
    _, path = tiny
    warm.worklist(str(path), TODAY)
    assert parts == [("petition", None), ("visit_issue", None)]
    parts.clear()
    at = F.signed_in_app(None, None, "office", page="pages/overview.py")  # the office's home page
    assert parts == [] and not at.exception
    assert at.metric  # the page drew its figures from them


def test_without_the_warm_up_the_first_overview_computes_the_county_s_parts(tiny, parts):
    """The same view without a warm-up (what the test above would see if the warm-up missed the key):
    the county's parts, once each, whatever the scope asking; the next scope only cuts."""
    P.ensure_calendar(tiny[0], TODAY)  # (else the first part's filling, a write, moves the version once)
    F.signed_in_app(None, None, "office", page="pages/overview.py")
    assert parts == [("petition", None), ("visit_issue", None)]
    F.signed_in_app(None, None, "leader", page="pages/overview.py")  # the county's code: another scope
    assert len(parts) == 2


def test_a_write_during_the_warm_up_is_caught_up_with(tiny, parts, monkeypatch):
    """An import (here: a new account) written while the first part is computed moves every part's
    version: the parts are computed again, once, and the first overview finds them."""
    con, path = tiny
    counting = P._part
    written = []

    def writing(*args):
        if not written:
            written.append(U.add_user(con, "office_t2", F.PASSWORD, "office", [F.T2]))
        return counting(*args)

    monkeypatch.setattr(P, "_part", writing)
    warm.worklist(str(path), TODAY)
    assert parts == [("petition", None), ("visit_issue", None)] * 2
    parts.clear()
    F.signed_in_app(None, None, "office", page="pages/overview.py")
    assert parts == []


def test_a_failing_warm_up_is_logged_not_raised(tiny, parts, monkeypatch, caplog):
    _, path = tiny

    def broken(*args, **kwargs):
        raise RuntimeError("the store went away")

    monkeypatch.setattr(P, "_part", broken)
    hot = []
    monkeypatch.setattr(warm, "hotspots", lambda *a: hot.append(a))
    with caplog.at_level(logging.ERROR, logger="lianxin"):
        warm.warm_up(str(path), TODAY)  # raises nothing
    assert [r.getMessage() for r in caplog.records] == ["warming the overview's work list failed"]
    assert "the store went away" in caplog.text
    assert hot == [(str(path), TODAY)]  # the hot spots are still warmed
