"""The weekly page reads the day's households once for the walk and the due list (issue 16 §1).

``analytics.walk.day_rows`` (the households due at the start of today, each marked ``done`` when it had
a home visit dated today) feed both the walk (``plan(rows=…)``) and the due list
(``due_now(rows)``); these tests hold each to what it was computed from before: the due list to
``analytics.visits.due_households`` as of today, the plan to the plan that reads its own rows.

The walk world (tests/factories.py add_walk_world): grid leader S5 with W0 visited on 2026-11-20 and
W1…W6 never visited (W6 without a point); the shortest walk from W0 is W1 W3 W2 W5 W4.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import visits as V
from analytics import walk as W
from auth import audit, users
from i18n import t
from tests import factories as F

TODAY = dt.date(2026, 11, 22)


def codes(frame) -> list[str]:
    return frame["household_code"].tolist()


def due_list_is_todays(con, staff_id: str, scope=None, today: dt.date = TODAY) -> list[str]:
    """``due_now(day_rows(…))`` equals ``due_households`` as of today, frame for frame; its codes.

    (An empty list's column types differ: ``due_households`` makes an empty frame of objects.)"""
    got = W.due_now(W.day_rows(con, staff_id, today, scope))
    want = V.due_households(con, staff_id, today, scope=scope)
    pd.testing.assert_frame_equal(got, want, check_dtype=not want.empty)
    return codes(got)


def record(con, code: str, day: dt.date = TODAY) -> None:
    walker = users.get_user(con, "walker")
    assert V.record_visit(con, walker, code, day, "home", None, False, today=TODAY)[0]


# ----------------------------------------------------------------------------- the due list


def test_the_due_list_cut_from_the_days_households_is_the_due_list_of_today(walk_world):
    con, _ = walk_world
    never = ["W1", "W2", "W3", "W4", "W5", "W6"]
    assert due_list_is_todays(con, "S5") == never
    record(con, "W1")  # a visit today: W1 stays in the day's households, marked done, and leaves the due list
    rows = W.day_rows(con, "S5", TODAY)
    assert codes(rows) == never
    assert rows["done"].tolist() == [True, False, False, False, False, False]
    assert rows["done_at"].notna().tolist() == rows["done"].tolist()
    assert due_list_is_todays(con, "S5") == ["W2", "W3", "W4", "W5", "W6"]


def test_a_household_due_at_the_start_of_the_day_is_done_not_due_after_its_visit(walk_world):
    con, _ = walk_world
    audit.set_rule(con, "revisit_days", 2)  # W0, visited 2026-11-20, is due again on 11-22
    rows = W.day_rows(con, "S5", TODAY)
    assert codes(rows) == ["W1", "W2", "W3", "W4", "W5", "W6", "W0"]
    assert rows["days_since"].iloc[-1] == 2
    assert due_list_is_todays(con, "S5") == codes(rows)
    record(con, "W0")
    rows = W.day_rows(con, "S5", TODAY)
    # as it stood at the start of the day: W0 with its visit of 11-20, ticked
    assert codes(rows)[-1] == "W0" and rows["done"].iloc[-1]
    assert rows["last_visit"].iloc[-1] == pd.Timestamp(2026, 11, 20) and rows["days_since"].iloc[-1] == 2
    assert due_list_is_todays(con, "S5") == ["W1", "W2", "W3", "W4", "W5", "W6"]
    # a visit yesterday is no visit of today: W2 leaves the day's households and the due list alike
    record(con, "W2", TODAY - dt.timedelta(days=1))
    assert "W2" not in codes(W.day_rows(con, "S5", TODAY))
    assert due_list_is_todays(con, "S5") == ["W1", "W3", "W4", "W5", "W6"]


def test_with_revisit_days_one_the_days_households_are_todays(walk_world):
    con, _ = walk_world
    audit.set_rule(con, "revisit_days", 1)
    record(con, "W3")
    rows = W.day_rows(con, "S5", TODAY)
    assert codes(rows) == ["W1", "W2", "W4", "W5", "W6", "W0"]  # W0 (2 days ago) due again; W3 not
    assert not rows["done"].any()
    assert due_list_is_todays(con, "S5") == codes(rows)


def test_the_due_list_cut_is_todays_in_the_tiny_world(tiny_registered):
    con, _ = tiny_registered
    # the due list's order (H11…H14 in S1's grid: F.add_due_order_households); S3 has a visit dated after
    # 2026-11-22 (2026-11-23); S2 two grids
    F.add_due_order_households(con)
    later = dt.date(2027, 6, 1)
    for today in (TODAY, dt.date(2026, 11, 24), later):
        for staff_id, scope in (("S1", None), ("S1", [F.G111]), ("S2", None), ("S3", None), ("S3", [F.G211])):
            due_list_is_todays(con, staff_id, scope, today)
    assert due_list_is_todays(con, "S1", [F.G111], later) == ["H12", "H13", "H11", "H14", "H02", "H01"]
    # a visit on the day itself: H13 leaves that day's due list and is done among the day's households
    leader = users.get_user(con, "grid_leader")
    assert leader.staff_id == "S1"
    assert V.record_visit(con, leader, "H13", later, "home", None, False, today=later)[0]
    assert due_list_is_todays(con, "S1", [F.G111], later) == ["H12", "H11", "H14", "H02", "H01"]
    rows = W.day_rows(con, "S1", later, [F.G111])
    assert codes(rows) == ["H12", "H13", "H11", "H14", "H02", "H01"]
    assert codes(rows[rows["done"]]) == ["H13"]


# ----------------------------------------------------------------------------- the walk


def test_the_plan_from_the_pages_rows_is_the_plan_unchanged(walk_world):
    con, _ = walk_world
    for step in ("none", "W1", "W3"):
        if step != "none":
            record(con, step)
        for size in (12, 3):
            alone = W.plan(con, "S5", TODAY, size=size)
            given = W.plan(con, "S5", TODAY, size=size, rows=W.day_rows(con, "S5", TODAY))
            pd.testing.assert_frame_equal(given.stops, alone.stops)
            pd.testing.assert_frame_equal(given.unplaced, alone.unplaced)
            assert (given.start, given.start_source, given.start_ref) == (
                alone.start,
                alone.start_source,
                alone.start_ref,
            )
            assert (given.length_m, given.date_order_m, given.due, given.plan_size) == (
                alone.length_m,
                alone.date_order_m,
                alone.due,
                alone.plan_size,
            )
    # the known answer after W1 and W3 were visited today: both ticked first, in the order visited
    w = W.plan(con, "S5", TODAY, rows=W.day_rows(con, "S5", TODAY))
    assert codes(w.stops) == ["W1", "W3", "W2", "W5", "W4"]
    assert w.stops["done"].tolist() == [True, True, False, False, False]
    assert (w.start_source, w.start_ref, w.next_stop, w.due) == ("last_visit", "W3", 3, 6)
    pts = dict((c, x) for c, _, x, _ in F.WALK_HOUSEHOLDS)
    d = W.distance_matrix([pts["W3"], pts["W4"]], [30.1, 30.1])[0, 1]
    assert w.length_m == pytest.approx(d, rel=1e-6)  # W3 → W2 → W5 → W4 along the parallel


def test_the_plan_given_the_due_households_of_today_would_lose_the_visited_stop(walk_world):
    # the wrong rows (the due list of today, what the page shows below the walk) drop a stop visited
    # today instead of ticking it: the rows the plan is given must be the day's
    con, _ = walk_world
    record(con, "W1")
    right = W.plan(con, "S5", TODAY, rows=W.day_rows(con, "S5", TODAY))
    assert codes(right.stops)[0] == "W1" and right.stops["done"].iloc[0]
    wrong_rows = W.due_now(W.day_rows(con, "S5", TODAY)).assign(done=False, done_at=pd.NaT)
    wrong = W.plan(con, "S5", TODAY, rows=wrong_rows)
    assert "W1" not in codes(wrong.stops) and wrong.due == 5
    assert codes(right.stops) != codes(wrong.stops)


# ----------------------------------------------------------------------------- the page


def test_the_weekly_page_ticks_a_visited_stop_and_drops_it_from_the_due_list(walk_world, monkeypatch):
    con, path = walk_world
    at = F.signed_in_app(monkeypatch, path, "walker", today=TODAY)
    column = t("weekly_page.col.household")
    due = at.dataframe(key="weekly_due_table").value[column].tolist()
    assert due == ["一号户 W1", "二号户 W2", "三号户 W3", "四号户 W4", "五号户 W5", "无坐标户 W6"]
    at.button(key="walk.record.W1").click().run()
    assert not at.exception
    # the walk keeps W1, ticked; the due list (as of today) has lost it
    assert any(t("walk.done") in c.value for c in at.caption)
    assert not [b for b in at.button if b.key == "walk.record.W1"]
    assert [b.key for b in at.button if (b.key or "").startswith("walk.record.")][0] == "walk.record.W3"
    due = at.dataframe(key="weekly_due_table").value[column].tolist()
    assert due == ["二号户 W2", "三号户 W3", "四号户 W4", "五号户 W5", "无坐标户 W6"]


def test_the_walk_starts_at_the_household_visited_last_however_long_ago(walk_world):
    con, _ = walk_world
    # W0 visited on 2026-11-20, within the week looked at first
    assert W.last_home_visit(con, "S5", TODAY)[0] == "W0"
    # only visits older than a week: the latest of them all (W3 on 10-01, not W2 on 09-01)
    F.delete_visits(con, "W0")
    F.add_visit(con, "W2", "S5", dt.date(2026, 9, 1))
    F.add_visit(con, "W3", "S5", dt.date(2026, 10, 1))
    F.add_visit(con, "W6", "S5", dt.date(2026, 11, 21))  # this week, but W6 has no point
    assert W.last_home_visit(con, "S5", TODAY)[:4] == ("W3", 107.33, 30.1, dt.date(2026, 10, 1))
    w = W.plan(con, "S5", TODAY)
    assert (w.start_source, w.start_ref) == ("last_visit", "W3")
    # a visit dated after the day is not where the worker stood that day; nobody visited: none
    assert W.last_home_visit(con, "S5", dt.date(2026, 9, 15))[0] == "W2"
    assert W.last_home_visit(con, "S5", dt.date(2026, 8, 31)) is None
