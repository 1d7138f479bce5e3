"""The warm-up at start (ui/warm.py): the overview's work-list parts computed for the scopes that have
accounts, into the page's own cache, so that each scope's first overview computes nothing."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from analytics import petitions as P
from auth import session as S
from auth import users as U
from tests import factories as F
from ui import shared, warm

TODAY = dt.date(2026, 11, 26)


@pytest.fixture()
def parts(tiny, monkeypatch):
    """The tiny world as the app's database, the shared cache empty, and each part computed recorded
    as (kind, scope).

    The session secret is stored first: the first sign-in ever in a database stores it, a write that
    moves the data's version (store/version.py), as any database that has had a sign-in has.
    """
    con, path = tiny
    S.issue(con, "admin")
    monkeypatch.setenv("LIANXIN_DB", str(path))
    monkeypatch.setenv("LIANXIN_TODAY", TODAY.isoformat())
    shared._shared.clear()
    calls: list = []
    real = P._part

    def counting(con, kind, today, scope, *args):
        calls.append((kind, None if scope is None else tuple(scope)))
        return real(con, kind, today, scope, *args)

    monkeypatch.setattr(P, "_part", counting)
    return calls


def _scopes(calls: list) -> set:
    return {scope for _kind, scope in calls}


def test_a_warmed_scope_s_first_overview_computes_nothing(tiny, parts):
    """The office user of 一镇 (T1) opens the overview after the warm-up: both parts are cache hits."""
    _, path = tiny
    warm.overviews(str(path), TODAY)
    assert (("petition", (F.T1,)) in parts) and (("visit_issue", (F.T1,)) in parts)
    parts.clear()
    at = F.signed_in_app(None, None, "office", page="pages/overview.py")  # the office's home page
    assert parts == [] and not at.exception
    assert at.metric  # the page drew its figures from them


def test_without_the_warm_up_the_first_overview_computes_the_parts(tiny, parts):
    """The same view without a warm-up (what the test above would see if the warm-up missed the key)."""
    F.signed_in_app(None, None, "office", page="pages/overview.py")
    assert {kind for kind, _ in parts} == {"petition", "visit_issue"} and _scopes(parts) == {(F.T1,)}


def test_a_write_during_the_warm_up_is_caught_up_with(tiny, parts, monkeypatch):
    """An import (here: a new account) written while the first part is computed moves every part's
    version: what was computed under the version before it is computed again, the rest is found."""
    con, path = tiny
    counting = P._part
    written = []

    def writing(*args):
        if not written:
            written.append(U.add_user(con, "office_t2", F.PASSWORD, "office", [F.T2]))
        return counting(*args)

    monkeypatch.setattr(P, "_part", writing)
    warm.overviews(str(path), TODAY)
    assert len(parts) == 7  # three scopes' two parts, and the county's petitions again (not T2's: not read again)
    assert parts[0] == parts[6] == ("petition", None)
    parts.clear()
    F.signed_in_app(None, None, "office", page="pages/overview.py")
    assert parts == []


def test_only_the_scopes_of_enabled_accounts_opening_on_the_overview(tiny, parts):
    """The tiny world's admin (whole county), leader (the county's code) and office (T1) are warmed; the
    grid leader's and member's grids (they open on the weekly page) and 二镇 (T2, whose only account
    is disabled) are not."""
    con, path = tiny
    U.add_user(con, "office_t2", F.PASSWORD, "office", [F.T2])
    U.disable_user(con, "office_t2")
    assert warm.overview_scopes(con) == [None, [F.COUNTY], [F.T1]]
    warm.overviews(str(path), TODAY)
    assert _scopes(parts) == {None, (F.COUNTY,), (F.T1,)}
    assert len(parts) == 6  # two parts per scope, each once


def test_scopes_in_order_of_their_accounts_and_capped(tiny):
    con, _ = tiny
    for name in ("office_t2a", "office_t2b"):
        U.add_user(con, name, F.PASSWORD, "office", [F.T2])
    assert warm.overview_scopes(con) == [[F.T2], None, [F.COUNTY], [F.T1]]
    assert warm.overview_scopes(con, limit=2) == [[F.T2], None]


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
