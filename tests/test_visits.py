"""analytics/visits.py on the tiny world: recording, editing and deleting visits (audited), the
households due next, the calendar of a week, and the township's ranking."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
import pytest

from analytics import visits as V
from auth import audit
from auth.users import User
from i18n import Message, t
from store import db
from tests.factories import (
    G111,
    G121,
    G211,
    T1,
    add_due_order_households,
    add_visit,
    delete_visits,
    phrase,
    run_concurrently,
)

D = dt.date
TODAY = D(2026, 11, 22)
LEADER = User("grid_leader", "grid_leader", [G111], staff_id="S1")
MEMBER = User("member", "member", [G211], staff_id="S3")


def n_visits(con, **where) -> int:
    sql = (
        "SELECT count(*) FROM visits WHERE " + " AND ".join(f"{k} = ?" for k in where)
        if where
        else "SELECT count(*) FROM visits"
    )
    return con.execute(sql, list(where.values())).fetchone()[0]


def n_audit(con, action: str) -> int:
    return len(audit.search(con, action=action))


# ----------------------------------------------------------------------------- record_visit


def test_record_visit_creates_one_visit_and_audits(tiny_registered):
    con, _ = tiny_registered
    created, msg = V.record_visit(con, LEADER, "H02", D(2026, 11, 21), "home", "漏水 ", True, today=TODAY)
    assert created and "李四" in msg and "2026-11-21" in msg
    row = con.execute(
        "SELECT staff_id, kind, note, needs_action, created_by FROM visits "
        "WHERE household_code = 'H02' AND visited_on = DATE '2026-11-21'"
    ).fetchone()
    assert row == ("S1", "home", "漏水", True, "grid_leader")
    log = audit.search(con, action="visit_add")
    assert len(log) == 1 and log["user_name"].iloc[0] == "grid_leader" and log["area"].iloc[0] == G111
    assert "H02 2026-11-21 home" in log["detail"].iloc[0]


def test_double_submit_makes_one_visit(tiny_registered):
    con, _ = tiny_registered
    before = n_visits(con)
    first = V.record_visit(con, LEADER, "H02", D(2026, 11, 20), "home", "a", False, today=TODAY)
    second = V.record_visit(con, LEADER, "H02", D(2026, 11, 20), "home", "a", False, today=TODAY)
    assert first[0] is True and second[0] is False
    assert phrase("weekly_page.already_recorded") in second[1]
    again = V.record_visit(con, LEADER, "H02", D(2026, 11, 20), today=TODAY, lang="en")[1]
    assert phrase("weekly_page.already_recorded", "en") in again
    assert n_visits(con) == before + 1
    assert n_audit(con, "visit_add") == 1
    # another kind the same day is another visit
    assert V.record_visit(con, LEADER, "H02", D(2026, 11, 20), "phone", today=TODAY)[0] is True


def test_future_date_refused(tiny_registered):
    con, _ = tiny_registered
    with pytest.raises(V.VisitError) as e:
        V.record_visit(con, LEADER, "H02", D(2026, 11, 23), today=TODAY)
    assert e.value.key == "weekly_page.err.future"
    assert e.value.text("en") == t("weekly_page.err.future", "en", date="2026-11-23", today=TODAY.isoformat())
    assert n_audit(con, "visit_add") == 0


def test_date_before_household_created_refused(tiny_registered):
    con, _ = tiny_registered
    con.execute("UPDATE households SET created_on = DATE '2026-11-20' WHERE code = 'H02'")
    with pytest.raises(V.VisitError) as e:
        V.record_visit(con, LEADER, "H02", D(2026, 11, 19), today=TODAY)
    assert (e.value.key, e.value.params["created"]) == ("weekly_page.err.before_created", "2026-11-20")
    assert V.record_visit(con, LEADER, "H02", D(2026, 11, 20), today=TODAY)[0] is True


@pytest.mark.parametrize(
    "user,code,kind,key,params",
    [
        (LEADER, "H03", "home", "weekly_page.err.inactive", {"code": "H03"}),  # moved household
        (LEADER, "H99", "home", "weekly_page.err.no_household", {"code": "H99"}),  # unknown household
        (LEADER, "H08", "home", "weekly_page.err.out_of_scope", {"code": "H08"}),  # another township's household
        (LEADER, "H02", "visit", "weekly_page.err.bad_kind", {"value": "visit"}),  # unknown kind
        (User("office", "office", [T1]), "H02", "home", "weekly_page.err.no_staff", {}),  # no staff member
    ],
)
def test_refusals_are_sentences(tiny_registered, user, code, kind, key, params):
    con, _ = tiny_registered
    with pytest.raises(V.VisitError) as e:
        V.record_visit(con, user, code, D(2026, 11, 21), kind, today=TODAY)
    assert (e.value.key, e.value.params) == (key, params)
    assert str(e.value) == t(key, "zh", **params)


def test_note_too_long_and_bad_date(tiny_registered):
    con, _ = tiny_registered
    with pytest.raises(V.VisitError) as e:
        V.record_visit(con, LEADER, "H02", D(2026, 11, 21), note="字" * (V.NOTE_MAX + 1), today=TODAY)
    assert (e.value.key, e.value.params) == (
        "weekly_page.err.note_too_long",
        {"n": V.NOTE_MAX, "length": V.NOTE_MAX + 1},
    )
    with pytest.raises(V.VisitError) as e:
        V.record_visit(con, LEADER, "H02", "21/11/2026", today=TODAY)
    assert (e.value.key, e.value.params) == ("weekly_page.err.bad_date", {"value": "21/11/2026"})
    assert V.record_visit(con, LEADER, "H02", "2026-11-21", today=TODAY)[0] is True


def test_paired_household_outside_the_grid_may_be_visited(tiny_registered):
    con, _ = tiny_registered
    con.execute("INSERT INTO pairings VALUES ('S1', 'H06', DATE '2026-01-01')")
    assert V.record_visit(con, LEADER, "H06", D(2026, 11, 21), today=TODAY)[0] is True
    hh = V.staff_households(con, "S1", TODAY, scope=LEADER.scope)
    assert set(hh["household_code"]) == {"H01", "H02", "H06"}
    assert hh.set_index("household_code").loc["H06", "paired"]


@pytest.mark.parametrize(
    "as_of,last",
    [
        (D(2026, 11, 22), {"H01": D(2026, 11, 22), "H02": D(2026, 11, 18), "H06": D(2026, 11, 17)}),
        (D(2026, 11, 20), {"H01": D(2026, 11, 16), "H02": D(2026, 11, 18), "H06": D(2026, 11, 17)}),
        (D(2026, 11, 17), {"H01": D(2026, 11, 16), "H02": None, "H06": D(2026, 11, 17)}),
        (D(2026, 11, 15), {"H01": None, "H02": None, "H06": None}),
    ],
)
def test_households_of_a_staff_member_as_of_a_day(tiny_registered, as_of, last):
    """The visit form's households: the grid's and the paired ones, each once, with the last home visit
    by anyone up to ``as_of`` (a later one ignored: H01 was visited on 11-16 and 11-22), longest
    unvisited first."""
    con, _ = tiny_registered
    con.execute("INSERT INTO pairings VALUES ('S1', 'H06', DATE '2026-01-01')")  # another grid's
    con.execute("INSERT INTO pairings VALUES ('S1', 'H01', DATE '2026-01-01')")  # their own grid's
    hh = V.staff_households(con, "S1", as_of, scope=LEADER.scope)
    got = {r["household_code"]: r["last_visit"] for r in hh.to_dict("records")}
    assert len(hh) == len(got) == 3
    assert {c: None if pd.isna(d) else pd.Timestamp(d).date() for c, d in got.items()} == last
    order = sorted(last, key=lambda c: (last[c] is not None, last[c] or D.min, c))
    assert hh["household_code"].tolist() == order
    assert hh.set_index("household_code")["paired"].to_dict() == {"H01": True, "H02": False, "H06": True}


def test_concurrent_entry_loses_nothing(tiny_registered):
    con, _ = tiny_registered
    before = n_visits(con)
    jobs = [
        (h, D(2026, 11, 22) - dt.timedelta(days=d), k)
        for h in ("H01", "H02")
        for d in range(25)
        for k in ("phone", "meeting")
    ]
    assert len(jobs) == 100 and len(set(jobs)) == 100

    def one(cur, job):
        h, day, kind = job
        created, _ = V.record_visit(cur, LEADER, h, day, kind, f"n{day}", False, today=TODAY)
        assert created

    errors = run_concurrently(con, jobs, one)
    assert errors == []
    assert n_visits(con) == before + 100
    assert n_audit(con, "visit_add") == 100


def test_concurrent_double_submit_makes_one_visit(tiny_registered):
    con, _ = tiny_registered
    results = []

    def work():
        cur = con.cursor()
        try:
            results.append(V.record_visit(cur, LEADER, "H02", D(2026, 11, 21), "home", today=TODAY)[0])
        finally:
            cur.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == [False, False, False, True]
    assert n_visits(con, household_code="H02", visited_on=D(2026, 11, 21)) == 1
    assert n_audit(con, "visit_add") == 1


# ----------------------------------------------------------------------------- edit and delete


def _id(con, household, day, kind="home"):
    return con.execute(
        "SELECT id FROM visits WHERE household_code = ? AND visited_on = ? AND kind = ?", [household, day, kind]
    ).fetchone()[0]


def test_edit_own_recent_visit_is_audited(tiny_registered):
    con, _ = tiny_registered
    V.record_visit(con, LEADER, "H02", D(2026, 11, 21), "home", "旧", False, today=TODAY)
    vid = _id(con, "H02", D(2026, 11, 21))
    msg = V.edit_visit(con, LEADER, vid, today=TODAY, note="新", needs_action=True, kind="meeting")
    assert msg == t("weekly_page.edited", household=t("format.named_code", name="李四", code="H02"), date="2026-11-21")
    assert con.execute("SELECT kind, note, needs_action FROM visits WHERE id = ?", [vid]).fetchone() == (
        "meeting",
        "新",
        True,
    )
    log = audit.search(con, action="visit_edit")
    assert len(log) == 1 and "kind home → meeting" in log["detail"].iloc[0]
    assert V.edit_visit(con, LEADER, vid, today=TODAY, note="新") == t("weekly_page.unchanged")
    assert len(audit.search(con, action="visit_edit")) == 1


def test_edit_refusals(tiny_registered):
    con, _ = tiny_registered
    s2 = _id(con, "H04", D(2026, 11, 17))
    refusals = [
        (lambda: V.edit_visit(con, LEADER, s2, today=TODAY, note="x"), "weekly_page.err.not_own", {}),
        (
            lambda: V.delete_visit(con, MEMBER, _id(con, "H09", D(2026, 3, 1)), today=TODAY),
            "weekly_page.err.too_old",
            {"days": 14},
        ),
        # H01 also has a home visit on 11-22
        (
            lambda: V.edit_visit(con, LEADER, mine, today=TODAY, visited_on=D(2026, 11, 22)),
            "weekly_page.err.duplicate",
            {"date": "2026-11-22", "kind": Message("kind.in_text.home")},
        ),
        (
            lambda: V.edit_visit(con, LEADER, mine, today=TODAY, visited_on=D(2026, 11, 30)),
            "weekly_page.err.future",
            {"date": "2026-11-30", "today": TODAY.isoformat()},
        ),
        (lambda: V.edit_visit(con, LEADER, 999999, today=TODAY, note="x"), "weekly_page.err.no_visit", {"id": 999999}),
    ]
    mine = _id(con, "H01", D(2026, 11, 16))
    for refused, key, params in refusals:
        with pytest.raises(V.VisitError) as e:
            refused()
        assert (e.value.key, e.value.params) == (key, params)


def test_a_refused_edit_is_worded_whole_in_english(tiny_registered):
    """The edit that would duplicate a visit said "This household already has a 入户走访 on …" on the
    English page: the kind was worded in Chinese when the error was raised."""
    con, _ = tiny_registered
    mine = _id(con, "H01", D(2026, 11, 16))
    with pytest.raises(V.VisitError) as e:
        V.edit_visit(con, LEADER, mine, today=TODAY, visited_on=D(2026, 11, 22))  # H01 has a home visit then
    said = e.value.text("en")
    assert said == t("weekly_page.err.duplicate", "en", date="2026-11-22", kind=t("kind.in_text.home", "en"))
    assert t("kind.home", "zh") not in said and "a home visit" in said  # lower case inside the sentence
    assert t("kind.home", "zh") in str(e.value)  # the Chinese sentence keeps the Chinese word
    assert n_audit(con, "visit_edit") == 0


def test_delete_own_visit_is_audited(tiny_registered):
    con, _ = tiny_registered
    vid = _id(con, "H02", D(2026, 11, 18))
    before = n_visits(con)
    assert V.delete_visit(con, LEADER, vid, today=TODAY) == t(
        "weekly_page.deleted", household=t("format.named_code", name="李四", code="H02"), date="2026-11-18"
    )
    assert n_visits(con) == before - 1
    log = audit.search(con, action="visit_delete")
    assert len(log) == 1 and "H02 2026-11-18 home" in log["detail"].iloc[0]
    with pytest.raises(V.VisitError):
        V.delete_visit(con, LEADER, vid, today=TODAY)


def test_recent_visits(tiny_registered):
    con, _ = tiny_registered
    rec = V.recent_visits(con, "S1", TODAY)
    assert list(rec["visited_on"].astype(str)) == ["2026-11-22", "2026-11-18", "2026-11-16", "2026-11-16"]


# ----------------------------------------------------------------------------- whom next


def test_due_households_order(tiny_registered):
    con, _ = tiny_registered
    add_due_order_households(con)
    due = V.due_households(con, "S1", D(2027, 6, 1), scope=LEADER.scope)
    # never visited (vulnerable, then paired, then by code), then oldest, vulnerable first within a tie
    assert due["household_code"].tolist() == ["H12", "H13", "H11", "H14", "H02", "H01"]
    r = due.set_index("household_code")
    assert r.loc["H12", "vulnerable"] and r.loc["H13", "paired"] and not r.loc["H11", "vulnerable"]
    assert r.loc["H01", "vulnerable"]  # 低保、空巢老人
    assert r.loc["H02", "days_since"] == 195
    # as of the week: nothing of S1's grid is due, H12/H13/H11 never visited are
    assert V.due_households(con, "S1", TODAY)["household_code"].tolist() == ["H12", "H13", "H11"]


def test_due_households_follow_the_grid_history(tiny_registered):
    con, _ = tiny_registered
    # S2 answers for two grids; H07 (phone only) is due; S4 answers for none
    assert V.due_households(con, "S2", TODAY)["household_code"].tolist() == ["H07"]
    assert V.due_households(con, "S4", TODAY).empty
    con.execute("UPDATE staff_grids SET valid_to = DATE '2026-10-31' WHERE staff_id = 'S2' AND grid_code = ?", [G121])
    assert V.staff_grids(con, "S2", TODAY) == ["500100001201-W02"]
    assert G121 in V.staff_grids(con, "S2", D(2026, 10, 1))
    assert V.due_households(con, "S2", TODAY).empty


# ----------------------------------------------------------------------------- calendar


def test_national_day_week_is_marked(tiny_registered):
    con, _ = tiny_registered
    from analytics import calendar

    got = calendar.days_between(con, D(2026, 9, 30), D(2026, 10, 10)).set_index("day")
    cal = {
        d: got.loc[d].drop("source").to_dict()
        for d in (D(2026, 10, 1), D(2026, 10, 7), D(2026, 10, 10), D(2026, 9, 30))
    }
    assert cal[D(2026, 10, 1)]["holiday"] and cal[D(2026, 10, 1)]["holiday_name"] == "国庆节"
    assert not cal[D(2026, 10, 7)]["workday"]
    assert cal[D(2026, 10, 10)]["makeup"] and cal[D(2026, 10, 10)]["workday"]  # 调休: Saturday at work
    assert cal[D(2026, 9, 30)] == {
        "workday": True,
        "holiday": False,
        "holiday_name": None,
        "makeup": False,
        "known": True,
    }


def test_unknown_year_is_weekends_only_never_an_error(tiny_registered):
    con, _ = tiny_registered
    days = V.week_days(con, ["S1"], "2027-W05")
    assert not days["known"].any()
    assert days["workday"].tolist() == [True] * 5 + [False] * 2
    assert not days["holiday"].any() and not days["makeup"].any()


def test_the_administrators_holidays_reach_the_week(tiny_registered):
    """Once 2027's 放假安排 is entered, the week strip shows it (it once read the package only)."""
    con, _ = tiny_registered
    from analytics import calendar

    calendar.set_custom_day(con, "admin", D(2027, 2, 3), False, "春节")  # a Wednesday off
    calendar.set_custom_day(con, "admin", D(2027, 2, 6), True, "春节调休")  # Saturday at work
    days = V.week_days(con, ["S1"], "2027-W05")
    assert days["known"].all()
    assert days["workday"].tolist() == [True, True, False, True, True, True, False]
    assert days["holiday"].tolist() == [False, False, True, False, False, False, False]
    assert days.loc[2, "holiday_name"] == "春节" and bool(days.loc[5, "makeup"])


def test_week_helpers():
    assert V.week_of(D(2026, 11, 22)) == "2026-W47"
    assert V.week_of(D(2026, 11, 23)) == "2026-W48"
    assert V.week_of(D(2027, 1, 1)) == "2026-W53"
    weeks = V.weeks_back(TODAY, 3)
    assert weeks == ["2026-W47", "2026-W46", "2026-W45"]
    assert V.household_label({"head_name": "张三", "household_code": "H01", "address": None}) == "张三 · H01"


# ----------------------------------------------------------------------------- township office


def test_office_week_ranking_and_no_activity(tiny_registered):
    con, _ = tiny_registered
    q, ranked, inactive = V.office_week(con, "2026-W47", None, TODAY)
    assert ranked["staff_id"].tolist() == ["S1", "S2"]
    assert ranked["rank"].tolist() == [1, 2]
    assert inactive["staff_id"].tolist() == ["S3"]  # no home visit in W47: listed, not ranked
    assert inactive["rank"].isna().all()
    r = ranked.set_index("staff_id")
    assert (r.loc["S1", "grid_households"], r.loc["S1", "grid_visited"], r.loc["S1", "coverage"]) == (2, 2, 1.0)
    assert r.loc["S2", "coverage"] == 0.75  # H07 visited by phone only
    assert list(q.columns) == [
        "staff_id",
        "name",
        "grid_code",
        "visits",
        "visit_days",
        "households_visited",
        "target_days",
        "met",
    ]
    # scope: the township office of T1 sees S1 and S2 only
    q1, ranked1, inactive1 = V.office_week(con, "2026-W47", [T1], TODAY)
    assert q1["staff_id"].tolist() == ["S1", "S2"] and inactive1.empty


def test_office_week_ties_share_a_rank(tiny_registered):
    con, _ = tiny_registered
    for d in (16, 17, 18):  # S2 now: 3 days, 3 households; S1: 3 days, 2 households
        add_visit(con, "H07", "S2", D(2026, 11, d))
    _, ranked, _ = V.office_week(con, "2026-W47", [T1], TODAY)
    assert ranked["staff_id"].tolist() == ["S2", "S1"]
    delete_visits(con, "H07")
    add_visit(con, "H04", "S2", D(2026, 11, 18))
    add_visit(con, "H04", "S2", D(2026, 11, 19))
    delete_visits(con, "H06")
    _, ranked, _ = V.office_week(con, "2026-W47", [T1], TODAY)
    # S1: 3 days, 2 households, 100 %; S2: 3 days, 2 households, 50 % — coverage breaks the tie
    assert ranked["staff_id"].tolist() == ["S1", "S2"] and ranked["rank"].tolist() == [1, 2]


def test_secretary_reception(tiny_registered):
    con, _ = tiny_registered
    sec = V.secretary_receptions(con, "2026-W47")
    assert sec[["staff_id", "receptions", "met"]].values.tolist() == [["S4", 1, True]]
    assert not V.secretary_receptions(con, "2026-W48")["met"].any()
    assert V.secretary_receptions(con, "2026-W47", [T1])["staff_id"].tolist() == ["S4"]  # received in 甲村
    assert V.secretary_receptions(con, "2026-W47", ["500100002000"]).empty


def test_every_query_exists():
    for name in (
        "visit_staff_grids",
        "visit_households",
        "visit_insert",
        "visit_update",
        "visit_delete",
        "visit_week_days",
        "visit_week_totals",
        "staff_grid_coverage",
        "secretary_receptions",
    ):
        assert db.sql(name)[0]


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_a_missing_note_is_stored_as_null_never_as_nan(tiny_registered, missing):
    """A note read back from a frame is NaN where there is none: recorded or edited, it stays NULL."""
    con, _ = tiny_registered
    assert V.record_visit(con, LEADER, "H02", D(2026, 11, 21), note=missing, today=TODAY)[0] is True
    (vid,) = con.execute(
        "SELECT id FROM visits WHERE household_code = 'H02' AND visited_on = DATE '2026-11-21'"
    ).fetchone()
    V.edit_visit(con, LEADER, vid, today=TODAY, note=missing, needs_action=True)
    assert con.execute("SELECT note, needs_action FROM visits WHERE id = ?", [vid]).fetchone() == (None, True)


def test_migration_0028_takes_the_stored_nan_notes_away_and_no_other(tiny):
    """Before 633ffa4, 保存修改 of a visit without a note stored the text "nan" (the edit box showed NaN
    so): migration 0028 makes those notes no note (NULL, as a visit recorded without one); a note that
    merely starts with or spells "nan" otherwise is someone's words and stays."""
    con, _ = tiny
    notes = {
        D(2026, 11, 1): "nan",
        D(2026, 11, 2): "nan是",
        D(2026, 11, 3): "Nan Ping",
        D(2026, 11, 4): "NaN",
        D(2026, 11, 5): " nan",
        D(2026, 11, 6): "门前路灯坏了",
        D(2026, 11, 7): None,
    }
    for day, note in notes.items():  # written as the old edit form wrote them: the text as it was
        db.execute(
            con,
            "visit_insert",
            household_code="H02",
            staff_id="S1",
            visited_on=day,
            kind="home",
            note=note,
            needs_action=False,
            created_by="test",
        )
    others = con.execute("SELECT id, note FROM visits WHERE household_code <> 'H02' ORDER BY id").fetchall()
    con.execute("DELETE FROM schema_version WHERE version = 28")
    assert db.migrate(con) >= 28
    assert 28 in {int(v) for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}
    stored = dict(
        con.execute(
            "SELECT visited_on, note FROM visits WHERE household_code = 'H02' AND visited_on < DATE '2026-11-08'"
        ).fetchall()
    )
    assert stored == {**notes, D(2026, 11, 1): None}
    assert con.execute("SELECT id, note FROM visits WHERE household_code <> 'H02' ORDER BY id").fetchall() == others
