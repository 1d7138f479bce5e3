"""What the code records as "today" when the caller passes none is today in Asia/Shanghai
(``analytics.grids.today``, which ``LIANXIN_TODAY`` overrides), never the machine's own date:
between 00:00 and 08:00 Beijing time a UTC machine is still on the day before (issue 19 leftovers).
"""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import visits as V
from auth import users
from ingest.boundaries import reassign_points
from tests import factories as F

DAY = dt.date(2026, 11, 22)


def test_a_boundary_reassignment_is_dated_today_in_shanghai(tiny, monkeypatch):
    con, _ = tiny
    monkeypatch.setenv("LIANXIN_TODAY", "2026-11-25")
    con.execute(f"UPDATE households SET grid_code = '{F.G112}' WHERE code = 'H06'")  # its point says V12
    reassign_points(con)
    got = con.execute("SELECT changed_on FROM household_changes WHERE household_code = 'H06'").fetchall()
    assert [r[0] for r in got] == [dt.date(2026, 11, 25)]


def test_a_visit_without_today_is_judged_against_today_in_shanghai(tiny, monkeypatch):
    con, _ = tiny
    monkeypatch.setenv("LIANXIN_TODAY", DAY.isoformat())
    s1 = users.get_user(con, "grid_leader")
    with pytest.raises(V.VisitError) as e:
        V.record_visit(con, s1, "H01", DAY + dt.timedelta(days=1), "phone")
    assert e.value.key == "weekly_page.err.future"
    created, _ = V.record_visit(con, s1, "H01", DAY, "phone")
    assert created


def test_every_today_is_the_one_lianxin_today_sets(monkeypatch):
    """One definition of today (``analytics.calendar.today``) behind every name the code reads it by:
    ``LIANXIN_TODAY`` when set, else the clock in Shanghai."""
    import auth.audit
    from analytics import calendar, grids, monthly
    from ui import common

    monkeypatch.setenv("LIANXIN_TODAY", DAY.isoformat())
    far = dt.datetime(2030, 1, 1, 12, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(auth.audit, "now_local", lambda: far)
    assert calendar.today() == grids.today() == monthly.report_day() == common.today() == DAY
    monkeypatch.delenv("LIANXIN_TODAY")
    assert calendar.today() == grids.today() == common.today() == far.date()
