"""The working-day calendar: official holidays and 调休 from chinesecalendar, custom 放假安排, weekends-only years."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import calendar as cal
from store import db

D = dt.date


@pytest.fixture()
def con(empty_db):
    c = db.connect(empty_db)
    yield c
    c.close()


def test_the_package_knows_2026_and_not_2027():
    # facts this module relies on, checked against chinesecalendar itself
    assert [cal.official_workday(D(2026, 10, d)) for d in range(1, 9)] == [False] * 7 + [True]
    assert D(2026, 10, 10).weekday() == 5 and cal.official_workday(D(2026, 10, 10)) is True  # 调休 Saturday
    assert cal.official_workday(D(2026, 10, 11)) is False
    assert cal.year_known(2026) and not cal.year_known(2027)


@pytest.mark.parametrize(
    "start,n,due",
    [
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # National Day: 10-01 … 10-07 off
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # the make-up Saturday counts
        (D(2026, 9, 30), 7, D(2026, 10, 15)),
        (D(2026, 10, 3), 1, D(2026, 10, 8)),  # received on a holiday: counting starts at the next workday
        (D(2026, 10, 9), 7, D(2026, 10, 19)),
        (D(2026, 11, 3), 7, D(2026, 11, 12)),
        (D(2026, 11, 3), 0, D(2026, 11, 3)),
        (D(2026, 12, 28), 7, D(2027, 1, 6)),  # into 2027: weekends-only, no error
    ],
)
def test_add_working_days(con, start, n, due):
    assert cal.add_working_days(con, start, n) == due


def test_ordinal_join_matches_counting_day_by_day(con):
    cal.ensure_calendar(con, [2026, 2027])
    days = db.df(con, "calendar_range", date_from=D(2026, 1, 1), date_to=D(2027, 12, 31))
    work = dict(zip(days["day"].dt.date, days["workday"]))

    def slow(start: dt.date, n: int) -> dt.date:
        d, k = start, 0
        while k < n:
            d += dt.timedelta(days=1)
            k += work[d]
        return d

    for start in [D(2026, 1, 1) + dt.timedelta(days=i) for i in range(0, 365, 3)]:
        assert cal.add_working_days(con, start, 7) == slow(start, 7), start


def test_calendar_is_contiguous_and_numbered(con):
    cal.ensure_calendar(con, [2026])
    cal.ensure_calendar(con, [2028])
    years = db.df(con, "calendar_years")
    assert years["year"].tolist() == [2026, 2027, 2028]
    assert years["days"].tolist() == [365, 365, 366]
    n = con.execute("SELECT count(*) FILTER (WHERE workday), max(workday_no) FROM calendar_days").fetchone()
    assert n[0] == n[1]
    sources = dict(con.execute("SELECT year(day), array_agg(DISTINCT source) FROM calendar_days GROUP BY 1").fetchall())
    assert sources[2026] == ["official"] and sources[2027] == ["weekends-only"]


def test_notice_for_an_unannounced_year(con):
    assert cal.calendar_notice(con, [2026]) is None
    assert cal.calendar_notice(con, [2026, 2027]) == "2027 年的放假安排尚未录入，暂按周末计算工作日"
    assert "2027" in cal.calendar_notice(con, [2027], "en")


def test_custom_entries_override_and_are_audited(con):
    assert cal.add_working_days(con, D(2026, 12, 31), 1) == D(2027, 1, 1)
    cal.set_custom_day(con, "admin", D(2027, 1, 1), False, "元旦")
    assert cal.add_working_days(con, D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.calendar_notice(con, [2027]) is None  # the administrator has announced 2027
    assert not cal.is_workday(con, D(2027, 1, 1))
    cal.set_custom_day(con, "admin", D(2027, 1, 2), True, "调休")  # a make-up Saturday
    assert cal.add_working_days(con, D(2026, 12, 31), 1) == D(2027, 1, 2)
    log = con.execute("SELECT user_name, action, detail FROM audit_log ORDER BY id").fetchall()
    assert [r[1] for r in log] == ["rule_change", "rule_change"] and "2027-01-01" in log[0][2]
    cal.delete_custom_day(con, "admin", D(2027, 1, 2))
    cal.delete_custom_day(con, "admin", D(2027, 1, 1))
    assert cal.add_working_days(con, D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert cal.calendar_notice(con, [2027]) is not None
    n = con.execute("SELECT count(*) FILTER (WHERE workday), max(workday_no) FROM calendar_days").fetchone()
    assert n[0] == n[1]


def test_a_custom_entry_corrects_a_known_year(con):
    cal.set_custom_day(con, "admin", D(2026, 10, 8), False, "补休")
    assert cal.add_working_days(con, D(2026, 9, 30), 1) == D(2026, 10, 9)


def test_negative_days_are_refused(con):
    with pytest.raises(cal.CalendarError):
        cal.add_working_days(con, D(2026, 1, 5), -1)
