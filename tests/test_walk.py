"""Today's walk (analytics/walk.py, ui/walk.py on the weekly page), issue 20.

The walk world (tests/factories.py add_walk_world): grid leader S5 with W0 visited on 2026-11-20
(where the walk starts) and W1…W5 on one parallel, never visited, so the shortest walk from W0 goes
by longitude: W1 W3 W2 W5 W4; W6 has no point.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from analytics import visits as V
from analytics import walk as W
from auth import audit, users
from i18n import t
from tests import factories as F

TODAY = dt.date(2026, 11, 22)


def codes(frame) -> list[str]:
    return frame["household_code"].tolist()


def test_the_walk_is_the_known_shortest_order_from_the_household_visited_last(walk_world):
    con, _ = walk_world
    w = W.plan(con, "S5", TODAY)
    assert codes(w.stops) == F.WALK_SHORTEST
    assert w.stops["stop"].tolist() == [1, 2, 3, 4, 5]
    assert (w.start_source, w.start_ref) == ("last_visit", "W0")
    assert w.start == (107.30, 30.1)
    # the lengths: W0 → W4 is 0.09° of longitude at 30.1 N; in date order W1 W2 W3 W4 W5 it is longer
    pts = {c: (x, y) for c, _, x, y in F.WALK_HOUSEHOLDS if x is not None}
    d = W.distance_matrix([pts[c][0] for c in ["W0", "W4"]], [pts[c][1] for c in ["W0", "W4"]])
    assert w.length_m == pytest.approx(d[0, 1], rel=1e-6)
    assert w.date_order_m == pytest.approx(d[0, 1] * (1 + 4 + 2 + 6 + 2) / 9, rel=1e-6)
    # distance to the next stop, and from the previous point
    assert w.stops["leg_m"].iloc[0] == pytest.approx(d[0, 1] / 9, rel=1e-6)
    assert w.stops["to_next_m"].iloc[0] == pytest.approx(2 * d[0, 1] / 9, rel=1e-6)
    assert np.isnan(w.stops["to_next_m"].iloc[-1])
    assert w.next_stop == 1
    assert w.due == 6 and w.plan_size == 12 and w.households == 6


def test_households_without_a_point_are_listed_after_the_walk(walk_world):
    con, _ = walk_world
    w = W.plan(con, "S5", TODAY)
    assert codes(w.unplaced) == ["W6"]
    assert "W6" not in codes(w.stops)
    assert w.unplaced["leg_m"].isna().all()


def test_the_phones_position_starts_the_walk_when_allowed(walk_world):
    con, _ = walk_world
    east = W.Position(lon=107.40, lat=30.1, at=dt.datetime(2026, 11, 22, 9, 0))
    w = W.plan(con, "S5", TODAY, position=east)
    assert w.start_source == "position" and w.start == (107.40, 30.1)
    assert codes(w.stops) == list(reversed(F.WALK_SHORTEST))


def test_geolocation_refused_falls_back_to_the_last_visit_then_the_grid_centre(walk_world):
    from ui.walk import position_from

    con, _ = walk_world
    pos, refusal = position_from(
        {"error": {"code": 1, "message": "User denied Geolocation"}}, dt.datetime(2026, 11, 22, 9, 0)
    )
    assert pos is None and refusal == "User denied Geolocation"
    w = W.plan(con, "S5", TODAY, position=pos)
    assert (w.start_source, w.start_ref) == ("last_visit", "W0")
    # a position that is no point on the globe is no start either
    w = W.plan(con, "S5", TODAY, position=W.Position(lon=float("nan"), lat=30.1, at=dt.datetime(2026, 11, 22)))
    assert w.start_source == "last_visit"
    # nobody visited yet: the centre of the grid (107.3–107.4, 30.0–30.2)
    F.delete_visits(con, "W0")
    w = W.plan(con, "S5", TODAY)
    assert (w.start_source, w.start_ref) == ("grid_centre", F.WALK_GRID)
    assert w.start == pytest.approx((107.35, 30.1))
    assert codes(w.stops)[0] in ("W2",)  # the nearest to the centre


def test_recording_a_visit_ticks_the_stop_and_the_next_is_the_following_one(walk_world):
    con, _ = walk_world
    walker = users.get_user(con, "walker")
    created, _ = V.record_visit(con, walker, "W1", TODAY, "home", None, False, today=TODAY)
    assert created
    w = W.plan(con, "S5", TODAY)
    assert codes(w.stops) == F.WALK_SHORTEST  # W1 stays in the plan, ticked, first
    assert w.stops["done"].tolist() == [True, False, False, False, False]
    assert w.next_stop == 2
    assert (w.start_source, w.start_ref) == ("last_visit", "W1")
    assert w.due == 6  # the plan is the one of the start of the day
    # a position taken after the visit was recorded moves the start there
    later = W.Position(lon=107.40, lat=30.1, at=audit.now_local() + dt.timedelta(minutes=1))
    w = W.plan(con, "S5", TODAY, position=later)
    assert codes(w.stops) == ["W1", "W4", "W5", "W2", "W3"]


def test_the_day_plan_is_the_rule_walk_stops(walk_world):
    con, _ = walk_world
    audit.set_rule(con, "walk_stops", 3)
    w = W.plan(con, "S5", TODAY)
    assert w.households == 3 and w.plan_size == 3
    assert sorted(codes(w.stops)) == ["W1", "W2", "W3"]  # the first three due, by priority
    assert codes(w.stops) == ["W1", "W3", "W2"]


def test_a_vulnerable_household_enters_the_plan_first(walk_world):
    con, _ = walk_world
    con.execute("UPDATE households SET tags = ARRAY['低保'] WHERE code = 'W5'")
    w = W.plan(con, "S5", TODAY, size=1)
    assert codes(w.stops) == ["W5"]


def test_shortest_path_is_the_exact_optimum_on_small_random_worlds():
    rng = np.random.default_rng(7)
    for _ in range(5):
        lon = 107.0 + rng.random(7) * 0.02
        lat = 30.0 + rng.random(7) * 0.02
        d = W.distance_matrix(lon, lat)
        best = min(W.path_length(d, p, 0) for p in itertools.permutations(range(1, 7)))
        got = W.shortest_path(d, start=0)
        assert sorted(got) == list(range(1, 7))
        assert W.path_length(d, got, 0) == pytest.approx(best, abs=1.0)  # metres rounded in the solver
    assert W.shortest_path(np.zeros((0, 0))) == []
    assert W.shortest_path(np.zeros((1, 1)), start=0) == []
    assert W.shortest_path(np.zeros((1, 1))) == [0]


def test_nothing_due_is_an_empty_walk(tiny):
    con, _ = tiny
    w = W.plan(con, "S1", TODAY)
    assert w.households == 0 and w.next_stop is None and w.length_m == 0


# ----------------------------------------------------------------------------- the weekly page


def test_weekly_page_shows_the_walk_and_records_a_visit_from_it(walk_world, monkeypatch):
    _, path = walk_world
    at = F.signed_in_app(monkeypatch, path, "walker", today=TODAY)
    assert t("walk.title") in [s.value for s in at.subheader]
    text = " ".join(m.value for m in at.markdown)
    assert "一号户" in text and "无坐标户" in text
    assert any(t("walk.straight_lines") in c.value for c in at.caption)
    at.button(key="walk.record.W1").click().run()
    assert not at.exception
    assert any("一号户" in s.value for s in at.success)
    assert any(t("walk.done") in c.value for c in at.caption)
    assert at.button(key="walk.record.W3").proto.type == "primary"  # the next stop is highlighted
    assert not [b for b in at.button if b.key == "walk.record.W1"]


def test_weekly_page_walk_in_english(walk_world, monkeypatch):
    _, path = walk_world
    at = F.signed_in_app(monkeypatch, path, "walker", today=TODAY, lang="en")
    assert t("walk.title", "en") in [s.value for s in at.subheader]
    assert any(t("walk.straight_lines", "en") in c.value for c in at.caption)
    # the plan's figure says what it counts: its value is "6 · 6 left" ("6 households · 6 left" is cut
    # on a phone), its label names the households
    (plan,) = [m for m in at.metric if m.label == t("walk.metric.plan", "en")]
    assert "household" in (plan.label + plan.value).lower(), (plan.label, plan.value)


def test_the_walk_benchmark_runs_on_the_tiny_world(walk_world):
    from bench import walk as B

    con, _ = walk_world
    rows = B.run(con, sizes=(3,), areas=1, runs=1, reference_s=0.2, as_of=TODAY, log=lambda *_: None)
    assert rows[0]["stops"] == 3 and rows[0]["areas"] == 1
    assert rows[0]["ratio_median"] <= 1.0 + 1e-9  # never longer than the date order here
    assert rows[0]["gap_median"] == pytest.approx(1.0, abs=1e-3)  # 3 stops: the optimum
    assert "| 3 | 1 |" in B.markdown(rows, 0.2)


def test_a_stop_visited_today_does_not_say_never_visited(walk_world, monkeypatch):
    """The day's list is as of this morning: a household never visited before and visited today read
    "从未入户 … 今天已走访 ✓". Its row now says only that it was visited today."""
    _, path = walk_world
    at = F.signed_in_app(monkeypatch, path, "walker", today=TODAY)
    never = t("weekly_page.never")

    def nevers() -> int:
        return sum(c.value.startswith(never) for c in at.caption)

    assert nevers() == 6  # W1…W6, none visited yet
    at.button(key="walk.record.W1").click().run()
    assert not at.exception
    assert [c.value for c in at.caption].count(t("walk.done")) == 1
    assert nevers() == 5


def test_one_message_at_a_time_between_the_walk_and_my_recent_visits(walk_world, monkeypatch):
    """A visit recorded from the walk and then edited in "我最近的走访" showed "已登记：…" at the walk
    beside "已修改：…" at the top: the latest action's message replaces the earlier one, either way."""
    from tests.factories import phrase

    _, path = walk_world
    at = F.signed_in_app(monkeypatch, path, "walker", today=TODAY)
    saved, edited = phrase("weekly_page.saved"), phrase("weekly_page.edited")

    def shown() -> list[str]:
        return [s.value for s in at.success] + [w.value for w in at.warning]

    at.button(key="walk.record.W1").click().run()
    assert not at.exception
    assert [m for m in shown() if saved in m] and not [m for m in shown() if edited in m]
    vid = at.selectbox(key="weekly_recent_pick").value
    at.checkbox(key=f"weekly_edit_action_{vid}").check()
    [b for b in at.get("form_submit_button") if b.label == t("weekly_page.edit_submit")][0].click()
    at.run()
    assert not at.exception
    assert [m for m in shown() if edited in m] and not [m for m in shown() if saved in m]
    assert [x.value for x in at.toast] == [m for m in shown() if edited in m]
    at.button(key="walk.record.W3").click().run()
    assert not at.exception
    assert [m for m in shown() if saved in m] and not [m for m in shown() if edited in m]
    # the walk's message is a toast too: it takes the edit's toast's place in the browser (the first
    # toast of a run replaces one still up from the run before; tests/e2e/test_walk_browser.py)
    assert [x.value for x in at.toast] == [m for m in shown() if saved in m]
