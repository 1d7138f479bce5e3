"""Every scope's work list cut out of the county's (issue 16 §1): the county's two parts are computed once
per version of the data, each scope's are cut out of them (analytics.petitions.cut, ui/shared.py
worklist_parts) — the very frames the per-scope queries give, for every area of a tiny world, and never
a row of another scope."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import petitions as P
from auth.users import User
from store import db
from tests import factories as F
from ui import shared

D = dt.date
TODAY = D(2026, 11, 26)
PARTS = (P.petition_items, P.visit_issue_items)


@pytest.fixture()
def world(tiny):
    """The tiny world's four petitions (P1 by its household's grid, P2 by its point, P3 by a village
    only, P4 unlocated) and more: P5 of the household outside the county (unlocated), P6 of a household
    whose grid wins over the village it names, P7 of a household nobody knows (unlocated); visit issues
    of households in three grids and of the household outside the county (unlocated)."""
    con, path = tiny
    con.execute(
        "INSERT INTO petitions (id, received_on, household_code, village_code) VALUES "
        "('P5', DATE '2026-11-10', 'H10', NULL), ('P6', DATE '2026-11-11', 'H08', $v), "
        "('P7', DATE '2026-09-01', 'H99', NULL)",
        {"v": F.V11},
    )
    con.execute(
        "INSERT INTO visits (household_code, staff_id, visited_on, kind, note, needs_action) "
        "VALUES ('H10', 'S4', DATE '2026-11-12', 'phone', '县外来电', TRUE)"
    )
    for hh, day in (("H06", "2026-11-17"), ("H08", "2026-11-23"), ("H09", "2026-03-01")):
        con.execute(
            "UPDATE visits SET needs_action = TRUE, note = '要跟进' WHERE household_code = $h AND visited_on = $d",
            {"h": hh, "d": D.fromisoformat(day)},
        )
    return con, path


def _scopes(con) -> list:
    """None, every area alone, and some scopes of several areas (an office of two villages, a grid with its
    own village, the county with a township)."""
    codes = [r[0] for r in db.rows(con, "areas_in_scope", level="county", scope=None)]
    for level in ("township", "village", "grid"):
        codes += [r[0] for r in db.rows(con, "areas_in_scope", level=level, scope=None)]
    several = [[F.V11, F.V21], [F.G111, F.V11], [F.COUNTY, F.T2], [F.G212, F.T1], ["no-such-area"]]
    return [None] + [[c] for c in codes] + several


def test_every_scope_s_cut_is_its_own_part(world):
    """For every area of the tiny world (and None, and scopes of several areas), both parts cut out of
    the county's are the per-scope queries' frames: same rows, same order, same types."""
    con, _ = world
    seen = set()
    for fn in PARTS:
        county = fn(con, TODAY, with_loc=True)
        assert county["loc"].isna().any() and not county["located"].all()  # unlocated ones are cut too
        for scope in _scopes(con):
            own = fn(con, TODAY, scope)
            pd.testing.assert_frame_equal(P.cut(con, county, scope), own, obj=f"{fn.__name__} {scope}")
            seen.add((fn.__name__, len(own) == 0, len(own) == len(county)))
    assert len(seen) == 6  # each part: some scope with none of its rows, some with all, some between


def test_unlocated_items_only_county_wide(world):
    """(what the comparison above covers: the unlocated items are in the cut of None and of the county's
    code, in no township's)"""
    con, _ = world
    county = P.petition_items(con, TODAY, with_loc=True)
    unlocated = set(county.loc[~county["located"], "id"])
    assert unlocated == {"P4", "P5", "P7"}
    for scope, has in ((None, True), ([F.COUNTY], True), ([F.T1], False), ([F.T1, F.T2], False)):
        assert (unlocated <= set(P.cut(con, county, scope)["id"])) is has, scope
    issues = P.visit_issue_items(con, TODAY, with_loc=True)
    outside = set(issues.loc[~issues["located"], "id"])
    assert len(outside) == 1 and outside <= set(P.cut(con, issues, [F.COUNTY])["id"])
    assert not outside & set(P.cut(con, issues, [F.T1, F.T2])["id"])


def test_the_county_s_part_leaves_the_cut_unchanged(world):
    con, _ = world
    county = P.petition_items(con, TODAY, with_loc=True)
    before = county.copy()
    mine = P.cut(con, county, None)
    mine.loc[0, "category"] = "改了"  # a page changing what it got
    pd.testing.assert_frame_equal(county, before)
    assert "loc" not in mine.columns


@pytest.fixture()
def app(world, monkeypatch):
    """The world as the app's database, the shared caches empty, each county part computed recorded."""
    con, path = world
    P.ensure_calendar(con, TODAY)  # (a filling is a write: it would move the version after the first part)
    return con, F.counted_worklist_parts(monkeypatch, path, TODAY)


def _as_user(monkeypatch, scope):
    from ui import common as C

    user = User(name="someone", role="office", areas=list(scope or []))
    monkeypatch.setattr(C, "scope", lambda: None if scope is None else list(scope))
    return user


def test_every_scope_after_the_first_costs_no_query_of_the_county(app, monkeypatch):
    """The first scope asking computes the county's parts (once each); every other scope is cut out of
    them; each scope's parts are the per-scope queries'."""
    con, computed = app
    scopes = ([F.T1], [F.T2], [F.V21], None, [F.COUNTY])
    got = {}
    for scope in scopes:
        _as_user(monkeypatch, scope)
        got[str(scope)] = shared.worklist_parts(con, TODAY, scope)
        assert shared.worklist_parts(con, TODAY, scope)[0] is not got[str(scope)][0]  # (each view its copy)
    assert computed == [("petition", None), ("visit_issue", None)]
    for scope in scopes:
        for fn, part in zip(PARTS, got[str(scope)]):
            pd.testing.assert_frame_equal(part, fn(con, TODAY, scope), obj=f"{fn.__name__} {scope}")


def test_a_township_user_gets_its_rows_only(app, monkeypatch):
    """An office user of 一镇 asks for its township after the county's parts are cached (by an
    administrator's view): not one row of 二镇, nor an unlocated one; and 二镇's user, asking next, gets
    二镇's rows, not 一镇's cut."""
    con, _ = app
    _as_user(monkeypatch, None)
    whole = shared.worklist_parts(con, TODAY, None)
    assert set(whole[0]["township_code"].dropna()) == {F.T1, F.T2} and not whole[0]["located"].all()
    for user_scope in ("own", None):  # each township's user; the administrator choosing one, then the other
        for mine, other in ((F.T1, F.T2), (F.T2, F.T1)):
            _as_user(monkeypatch, [mine] if user_scope == "own" else None)
            for part in shared.worklist_parts(con, TODAY, [mine]):
                assert len(part) and set(part["township_code"]) == {mine} and part["located"].all()
                assert other not in set(part["township_code"])
                assert "loc" not in part.columns
