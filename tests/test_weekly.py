"""The weekly quota (CONTRACT.md §4) at its boundaries, and the weekly page (pages/weekly.py) through
AppTest: the grid leader's week, recording a visit through the form, and the township office's
table, which must equal ``manage.py report quotas``."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from analytics import reports
from analytics import visits as V
from auth.users import User
from i18n import column_labels, fmt_list, t
from tests.factories import G111, G211, PASSWORD, T1, phrase, signed_in_app
from ui import common as C

D = dt.date
TODAY = D(2026, 11, 22)
LEADER = User("grid_leader", "grid_leader", [G111], staff_id="S1")
MEMBER = User("member", "member", [G211], staff_id="S3")


def quota(con, staff_id: str, week: str) -> dict:
    q = reports.quotas(con, week)
    return q.set_index("staff_id").loc[staff_id].to_dict()


def days_with_visits(con, staff_id: str, week: str) -> int:
    return int((V.week_days(con, [staff_id], week)["visits"] > 0).sum())


# ----------------------------------------------------------------------------- quota boundaries


def test_exactly_three_days_is_met(tiny_registered):
    con, _ = tiny_registered
    q = quota(con, "S1", "2026-W47")
    assert (q["visits"], q["visit_days"], q["households_visited"], q["target_days"], q["met"]) == (3, 3, 2, 3, True)
    assert days_with_visits(con, "S1", "2026-W47") == 3
    assert V.staff_quota(con, "S1", "2026-W47")["met"] is True


def test_three_visits_on_one_day_is_one_day(tiny_registered):
    con, _ = tiny_registered
    q = quota(con, "S2", "2026-W47")
    assert (q["visits"], q["visit_days"], q["households_visited"], q["met"]) == (3, 1, 3, False)
    days = V.week_days(con, ["S2"], "2026-W47").set_index("day")
    assert days.loc[D(2026, 11, 17), "visits"] == 3 and days.loc[D(2026, 11, 17), "households"] == 3


def test_phone_visits_do_not_count(tiny_registered):
    con, _ = tiny_registered
    # S2's phone call to H07 on Thursday is not a visit day; more phone/meeting days change nothing
    for d, kind in ((18, "phone"), (19, "meeting"), (20, "reception")):
        V.record_visit(con, User("x", "grid_leader", [T1], staff_id="S2"), "H07", D(2026, 11, d), kind, today=TODAY)
    q = quota(con, "S2", "2026-W47")
    assert (q["visits"], q["visit_days"], q["met"]) == (3, 1, False)
    assert days_with_visits(con, "S2", "2026-W47") == 1
    assert V.other_kinds(con, ["S2"], "2026-W47") == {"phone": 2, "meeting": 1, "reception": 1}


def test_sunday_night_and_monday_belong_to_different_weeks(tiny_registered):
    con, _ = tiny_registered
    # S3 visited H08 on Sunday 2026-11-15 (W46) and Monday 2026-11-23 (W48): none in W47
    assert quota(con, "S3", "2026-W47")["visit_days"] == 0
    assert quota(con, "S3", "2026-W46")["visit_days"] == 1
    assert quota(con, "S3", "2026-W48")["visit_days"] == 1
    days = V.week_days(con, ["S3"], "2026-W46")
    assert days["day"].iloc[-1] == D(2026, 11, 15) and days["visits"].iloc[-1] == 1
    assert V.week_days(con, ["S3"], "2026-W48")["visits"].iloc[0] == 1


def test_a_holiday_week_counts_visit_days_and_marks_the_holidays(tiny_registered):
    con, _ = tiny_registered
    for d in (D(2026, 9, 30), D(2026, 10, 1), D(2026, 10, 3)):
        assert V.record_visit(con, MEMBER, "H09", d, "home", today=TODAY)[0]
    q = quota(con, "S3", "2026-W40")
    assert (q["visit_days"], q["met"]) == (3, True)  # the target does not shrink on holidays
    days = V.week_days(con, ["S3"], "2026-W40")
    assert days["day"].tolist()[0] == D(2026, 9, 28)
    assert days["holiday"].tolist() == [False, False, False, True, True, True, True]
    assert set(days.loc[days["holiday"], "holiday_name"]) == {"国庆节"}
    assert int(days["workday"].sum()) == 3
    # W41: 10-05..10-07 are holidays, Saturday 10-10 is a 调休 working day
    w41 = V.week_days(con, ["S3"], "2026-W41")
    assert w41["holiday"].tolist()[:3] == [True, True, True] and w41["makeup"].tolist()[5] is True


@pytest.mark.parametrize("week", ["2026-W46", "2026-W47", "2026-W48", "2026-W10"])
def test_seven_days_agree_with_the_quota_report(tiny_registered, week):
    con, _ = tiny_registered
    rows = reports.quotas(con, week)
    assert len(rows) > 0, "no staff in the quota report: the loop below would check nothing"
    assert rows["visits"].sum() > 0 or week == "2026-W10"
    for r in rows.itertuples():
        days = V.week_days(con, [r.staff_id], week)
        assert int((days["visits"] > 0).sum()) == r.visit_days
        assert int(days["visits"].sum()) == r.visits
        assert V.staff_quota(con, r.staff_id, week)["visit_days"] == r.visit_days


def test_recording_updates_the_quota(tiny_registered):
    con, _ = tiny_registered
    assert quota(con, "S3", "2026-W47")["visit_days"] == 0
    for d in (17, 18, 19):
        V.record_visit(con, MEMBER, "H08", D(2026, 11, d), "home", today=TODAY)
    V.record_visit(con, MEMBER, "H09", D(2026, 11, 19), "home", today=TODAY)
    q = quota(con, "S3", "2026-W47")
    assert (q["visits"], q["visit_days"], q["households_visited"], q["met"]) == (4, 3, 2, True)


# ----------------------------------------------------------------------------- the page


def open_page(path, monkeypatch, name: str, today: str = "2026-11-22", lang: str | None = None):
    at = signed_in_app(monkeypatch, path, name, today=today, lang=lang, page="pages/weekly.py")
    assert not at.error, [e.value for e in at.error]
    return at


DAYS, QUOTA, VISITED = t("weekly_page.metric.days"), t("weekly_page.metric.quota"), t("weekly_page.metric.households")


def metrics(at) -> dict[str, str]:
    out = {m.label: m.value for m in at.metric}
    if DAYS in out:  # whether the quota is met is the visit-days metric's delta
        out[QUOTA] = [m.delta for m in at.metric if m.label == DAYS][0]
    return out


def days(n: int, target: int = 3) -> str:
    """The visit-days metric's value: ``3 / 3 天``."""
    return t("weekly_page.metric.days_value", days=n, target=target)


def day_cells(at) -> list[int]:
    page = "".join(m.value for m in at.markdown)
    return [int(n) for n in re.findall(r'<div class="n">(\d+)</div>', page)]


def submit(at, label: str = t("weekly_page.submit")):
    [b for b in at.get("form_submit_button") if b.label == label][0].click()
    at.run()
    assert not at.exception, at.exception


def test_grid_leader_sees_the_week_and_records_a_visit(tiny_registered, monkeypatch):
    con, path = tiny_registered
    at = open_page(path, monkeypatch, "grid_leader")
    assert at.selectbox(key="weekly_week").value == "2026-W47"
    m = metrics(at)
    assert m[DAYS] == days(3) and m[QUOTA] == t("weekly_page.met") and m[VISITED] == "2"
    assert day_cells(at) == [1, 0, 1, 0, 0, 0, 1]
    # today is its Sunday
    assert at.selectbox(key="weekly_week").format_func("2026-W47") == "2026年第47周（本周，进行中）"
    # nothing of G111 is due as of 2026-11-22
    assert t("weekly_page.nothing_due") in [s.value for s in at.success]

    at.selectbox(key="weekly_household").set_value("H02")
    at.date_input(key="weekly_date").set_value(D(2026, 11, 21))
    at.text_area(key="weekly_note").input("门前路灯坏了")
    at.checkbox(key="weekly_needs_action").check()
    submit(at)
    saved = t("weekly_page.saved", household="李四（H02）", date="2026-11-21", kind=t("kind.home"))
    assert saved in [s.value for s in at.success]
    assert metrics(at)[DAYS] == days(4)  # updated in the same run
    assert day_cells(at) == [1, 0, 1, 0, 0, 1, 1]
    row = con.execute(
        "SELECT staff_id, note, needs_action FROM visits WHERE household_code = 'H02' "
        "AND visited_on = DATE '2026-11-21'"
    ).fetchone()
    assert row == ("S1", "门前路灯坏了", True)

    # the same visit again (a double tap): one visit, a clear message
    at.selectbox(key="weekly_household").set_value("H02")
    at.date_input(key="weekly_date").set_value(D(2026, 11, 21))
    submit(at)
    assert any(phrase("weekly_page.already_recorded") in w.value for w in at.warning)
    assert (
        con.execute(
            "SELECT count(*) FROM visits WHERE household_code = 'H02' AND visited_on = DATE '2026-11-21'"
        ).fetchone()[0]
        == 1
    )
    # the page's numbers are reports.quotas
    q = quota(con, "S1", "2026-W47")
    assert metrics(at)[DAYS] == days(q["visit_days"], q["target_days"])
    assert metrics(at)[VISITED] == str(q["households_visited"])


def test_the_saved_message_outlasts_a_rerun_nobody_asked_for(tiny_registered, monkeypatch):
    """On a busy server a component may run the page once more right after a save: "已登记：…" stays
    (it was popped by the first run and gone before it was read); the toast is not shown again; after
    MESSAGE_SECONDS it is gone."""
    import dataclasses

    _con, path = tiny_registered
    at = open_page(path, monkeypatch, "grid_leader")
    at.selectbox(key="weekly_household").set_value("H02")
    at.date_input(key="weekly_date").set_value(D(2026, 11, 21))
    submit(at)
    saved = t("weekly_page.saved", household="李四（H02）", date="2026-11-21", kind=t("kind.home"))
    assert [s.value for s in at.success].count(saved) == 1
    assert [x.value for x in at.toast] == [saved]
    at.run()  # the late rerun
    assert not at.exception, at.exception
    assert [s.value for s in at.success].count(saved) == 1
    assert list(at.toast) == []
    at.session_state["weekly_flash"] = dataclasses.replace(at.session_state["weekly_flash"], until=0.0)
    at.run()
    assert saved not in [s.value for s in at.success]
    assert "weekly_flash" not in at.session_state


def test_form_refuses_without_household_and_with_an_early_date(tiny_registered, monkeypatch):
    con, path = tiny_registered
    con.execute("UPDATE households SET created_on = DATE '2026-11-20' WHERE code = 'H02'")
    at = open_page(path, monkeypatch, "grid_leader")
    submit(at)
    assert t("weekly_page.pick_household") in [e.value for e in at.error]
    at.selectbox(key="weekly_household").set_value("H02")
    at.date_input(key="weekly_date").set_value(D(2026, 11, 19))
    submit(at)
    refusal = t("weekly_page.err.before_created", code="H02", created="2026-11-20")
    assert refusal in [e.value for e in at.error]
    assert metrics(at)[DAYS] == days(3)


def test_member_week_due_list_and_edit(tiny_registered, monkeypatch):
    con, path = tiny_registered
    at = open_page(path, monkeypatch, "member")
    m = metrics(at)
    assert m[DAYS] == days(0) and m[QUOTA] == t("weekly_page.days_short", n=3)
    assert day_cells(at) == [0] * 7
    # H09 last visited 2026-03-01 (266 days): due; H08 visited 2026-11-15: not
    due = at.dataframe[0].value
    assert due.iloc[:, 0].tolist() == ["郑十 H09"] and "特困" in due.iloc[0, 2]
    # delete the visit picked by default in "my recent visits" (confirm first)
    at.checkbox(key=[c.key for c in at.checkbox if c.key and c.key.startswith("weekly_delete_sure_")][0]).check()
    at.run()
    [b for b in at.button if b.key and b.key.startswith("weekly_delete_")][0].click()
    at.run()
    assert not at.exception
    assert any(phrase("weekly_page.deleted") in s.value for s in at.success)
    assert (
        con.execute("SELECT count(*) FROM audit_log WHERE action = 'visit_delete' AND user_name = 'member'").fetchone()[
            0
        ]
        == 1
    )


def test_holiday_week_on_the_page(tiny_registered, monkeypatch):
    con, path = tiny_registered
    V.record_visit(con, MEMBER, "H09", D(2026, 10, 1), "home", today=TODAY)
    at = open_page(path, monkeypatch, "member")
    at.selectbox(key="weekly_week").set_value("2026-W40")
    at.run()
    page = "".join(m.value for m in at.markdown)
    assert page.count('class="tag h"') == 4 and 'title="国庆节"' in page
    assert any("国庆节" in c.value for c in at.caption)
    assert metrics(at)[DAYS] == days(1)


def test_page_in_an_unknown_year_warns_not_fails(tiny_registered, monkeypatch):
    _, path = tiny_registered
    at = open_page(path, monkeypatch, "grid_leader", today="2027-03-03")
    assert any("2027 年的放假安排" in w.value for w in at.warning)
    assert metrics(at)[DAYS] == days(0)


def test_office_table_equals_manage_py_report_quotas(tiny_registered, monkeypatch, tmp_path):
    import manage

    con, path = tiny_registered
    at = open_page(path, monkeypatch, "office", today="2026-11-23")  # a Monday: W47 is the last complete week
    assert at.selectbox(key="weekly_week").value == "2026-W47"
    labels = column_labels(reports.QUOTA_COLUMNS, "zh")
    full = [d for d in at.dataframe if list(d.value.columns) == list(labels.values())]
    assert full == []  # the full table is drawn only once its expander is opened
    at.session_state["weekly_full_table"] = True
    at.run()
    tables = [d.value for d in at.dataframe if list(d.value.columns) == list(labels.values())]
    assert len(tables) == 1
    page = tables[0].rename(columns={v: k for k, v in labels.items()})
    expected = reports.quotas(con, "2026-W47", scope=[T1])
    pd.testing.assert_frame_equal(page.reset_index(drop=True).astype(str), expected.astype(str))
    out = tmp_path / "quotas.csv"
    assert (
        manage.main(
            [
                "--db",
                str(path),
                "--as",
                "office",
                "report",
                "quotas",
                "--week",
                "2026-W47",
                "--format",
                "csv",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    cli = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    page_text = page.astype(str).replace({"True": "true", "False": "false"})
    pd.testing.assert_frame_equal(page_text.reset_index(drop=True), cli)
    # the headline numbers and the ranking
    m = metrics(at)
    staff, met, inactive = (t(f"weekly_page.office.{k}") for k in ("staff", "met", "inactive"))
    assert m[staff] == "2" and m[met] == "1 / 2" and m[inactive] == "0"
    ranking = at.dataframe[0].value
    assert ranking[t("col.staff_name")].tolist() == ["网格长甲", "网格长乙"]
    assert "#fdeeee" in at.dataframe[0].proto.arrow_data.styler.styles  # 网格长乙, below target: coloured
    assert ranking[t("weekly_page.office.status")].tolist() == [
        t("weekly_page.office.status_met"),
        t("weekly_page.office.status_below"),
    ]
    secretaries = [d.value for d in at.dataframe if t("weekly_page.secretary.receptions") in d.value.columns][0]
    assert secretaries.values.tolist() == [["书记丁", 1, t("value.true")]]


def test_admin_sees_no_activity_separately_in_english(tiny_registered, monkeypatch):
    _, path = tiny_registered
    at = open_page(path, monkeypatch, "admin", lang="en", today="2026-11-24")
    assert metrics(at)[t("weekly_page.office.inactive", "en")] == "1"
    rank, status = t("col.rank", "en"), t("weekly_page.office.status", "en")
    inactive = [d.value for d in at.dataframe if rank not in d.value.columns and status in d.value.columns]
    assert inactive and inactive[0][t("col.staff_name", "en")].tolist() == ["网格员丙"]


@pytest.mark.parametrize("name", ["office", "leader", "admin"])
def test_offices_and_leaders_open_on_the_last_complete_week(tiny_registered, monkeypatch, name):
    """On a Monday the current week has barely begun: the office and the leader see last week (the
    current one a click away, marked in progress), not 0 met with every row below target."""
    _, path = tiny_registered
    at = open_page(path, monkeypatch, name, today="2026-11-23")
    picker = at.selectbox(key="weekly_week")
    assert picker.value == "2026-W47" and picker.options[0] == "2026年第48周（本周，进行中）"
    assert picker.format_func("2026-W47") == "2026年第47周"
    note = t("weekly_page.in_progress_note", today="2026-11-23")
    assert metrics(at)[t("weekly_page.office.met")] != "0 / 2" and not any("进行中" in c.value for c in at.caption)
    assert not any(note in c.value for c in at.caption)
    picker.set_value("2026-W48").run()
    assert any(note in c.value for c in at.caption)


def test_grid_workers_open_on_their_current_week_in_progress(tiny_registered, monkeypatch):
    _, path = tiny_registered
    at = open_page(path, monkeypatch, "grid_leader", today="2026-11-23")
    assert at.selectbox(key="weekly_week").value == "2026-W48"
    assert any(t("weekly_page.in_progress_note", today="2026-11-23") in c.value for c in at.caption)


def test_user_without_staff_member_is_told_what_to_do(tiny_registered, monkeypatch):
    from auth import users

    con, path = tiny_registered
    users.add_user(con, "member2", PASSWORD, "member", [G211])
    at = open_page(path, monkeypatch, "member2")
    assert t("weekly_page.no_staff") in [w.value for w in at.warning]


def test_form_note_typed_with_invisible_and_full_width_spaces_is_cleaned(tiny_registered, monkeypatch):
    """Issue 17 kind 7: the page's form goes through ingest.normalize like every import."""
    con, path = tiny_registered
    at = open_page(path, monkeypatch, "grid_leader")
    at.selectbox(key="weekly_household").set_value("H02")
    at.date_input(key="weekly_date").set_value(D(2026, 11, 20))
    at.text_area(key="weekly_note").input("\u3000\u200b路灯１盏坏了\ufeff\u3000")
    submit(at)
    assert any(phrase("weekly_page.saved") in s.value for s in at.success)
    assert con.execute(
        "SELECT note FROM visits WHERE household_code = 'H02' AND staff_id = 'S1' AND visited_on = DATE '2026-11-20'"
    ).fetchone() == ("路灯１盏坏了",)  # a note keeps its characters, only trimmed


def test_record_visit_folds_a_full_width_code_and_date(tiny_registered):
    from analytics.visits import record_visit
    from auth.users import get_user

    con, _ = tiny_registered
    created, _ = record_visit(
        con, get_user(con, "grid_leader"), "\u200bＨ０２", "２０２６－１１－１９", today=D(2026, 11, 22)
    )
    assert created
    assert con.execute(
        "SELECT count(*) FROM visits WHERE household_code = 'H02' AND visited_on = DATE '2026-11-19'"
    ).fetchone() == (1,)


@pytest.mark.parametrize("week", ["2026-W46", "2026-W47", "2026-W48"])
def test_one_staff_members_quota_is_their_row_of_the_report(tiny_registered, week):
    """staff_quota works out one staff member's row alone (not the county's report): for every staff
    member it equals their row of the report, a second grid joined with 、 in code order included,
    and someone answering for no grid that week is not responsible."""
    con, _ = tiny_registered
    con.execute(  # S1 takes on a second grid from the middle of week 47
        "INSERT INTO staff_grids (staff_id, grid_code, valid_from) VALUES ('S1', ?, DATE '2026-11-18')", [G211]
    )
    rows = reports.quotas(con, week).to_dict("records")
    assert rows, "no staff in the quota report: the loop below would check nothing"
    for row in rows:
        got = V.staff_quota(con, row["staff_id"], week)
        assert got == {**row, "responsible": True}, row["staff_id"]
        assert all(type(got[k]) is int for k in ("visits", "visit_days", "households_visited", "target_days"))
        assert type(got["met"]) is bool
    several = {r["staff_id"]: r["grid_code"] for r in rows if "、" in r["grid_code"]}
    assert several.get("S1") == (None if week == "2026-W46" else f"{G111}、{G211}")
    assert "S2" in several  # two grids all along
    listed = {r["staff_id"] for r in rows}
    others = [s for (s,) in con.execute("SELECT id FROM staff ORDER BY id").fetchall() if s not in listed]
    assert others, "every staff member answers for a grid: the case below would check nothing"
    for s in others:
        got = V.staff_quota(con, s, week)
        assert (got["responsible"], got["name"], got["grid_code"]) == (False, s, "")


@pytest.mark.parametrize("week", ["2026-W46", "2026-W47", "2026-W48"])
def test_a_staff_members_week_read_once_is_the_quota_the_days_and_the_other_kinds(tiny_registered, week):
    """staff_week (the weekly page's one read of the week's visits) equals staff_quota, week_days and
    other_kinds of every staff member, with visits of every kind, two on one day, one to a household
    that is no longer active (not counted) and none at all."""
    con, _ = tiny_registered
    s2 = User("x", "grid_leader", [T1], staff_id="S2")
    for d, kind in ((17, "phone"), (18, "phone"), (18, "meeting"), (20, "reception"), (21, "home")):
        V.record_visit(con, s2, "H07", D(2026, 11, d), kind, today=TODAY)
    V.record_visit(con, s2, "H06", D(2026, 11, 21), "home", today=TODAY)
    con.execute("UPDATE households SET status = 'moved' WHERE code = 'H06'")
    staff = [s for (s,) in con.execute("SELECT id FROM staff ORDER BY id").fetchall()]
    for s in staff:
        quota, days, others = V.staff_week(con, s, week)
        assert quota == V.staff_quota(con, s, week), s
        assert all(type(quota[k]) is int for k in ("visits", "visit_days", "households_visited", "target_days"))
        pd.testing.assert_frame_equal(days, V.week_days(con, [s], week))
        assert others == V.other_kinds(con, [s], week)
        assert list(others) == sorted(others)
    if week == "2026-W47":
        quota, days, others = V.staff_week(con, "S2", week)
        assert others == {"meeting": 1, "phone": 3, "reception": 1}
        assert days.set_index("day").loc[D(2026, 11, 21), ["visits", "households"]].tolist() == [1, 1]
        # 11-17: three households, H06 among them, no longer counted; 11-21: H07 (H06 not counted)
        assert (quota["visits"], quota["visit_days"], quota["households_visited"]) == (3, 2, 3)


def test_rows_are_coloured_in_small_tables_only():
    """A Styler sends a style and a display value per cell (a county's ranking: 1.7 s, 1.3 MB): beyond
    C.STYLED_ROWS_MAX rows the table is drawn plain (its status column says what the colour would)."""
    frame = pd.DataFrame({"name": ["a", "b", "c"], "status": ["ok", "⚠", "ok"]})
    styled = C.styled_rows(frame, [False, True, False], "background-color: #fdeeee")
    css = styled.to_html().split("</style>")[0]
    assert "_row1_col0" in css and "_row1_col1" in css and "background-color: #fdeeee" in css
    assert "_row0_" not in css and "_row2_" not in css
    big = pd.DataFrame({"name": ["x"] * (C.STYLED_ROWS_MAX + 1)})
    assert C.styled_rows(big, [True] * len(big), "background-color: #fdeeee") is big


def test_the_ranking_is_shown_a_page_at_a_time(tiny_registered, monkeypatch):
    """A county's 4,500 ranked staff were 0.46 MB with every view: C.LIST_PAGE_ROWS at a time, a picker below."""
    monkeypatch.setattr(C, "LIST_PAGE_ROWS", 1)
    _, path = tiny_registered
    at = open_page(path, monkeypatch, "office", today="2026-11-23")
    name = t("col.staff_name")
    assert at.dataframe[0].value[name].tolist() == ["网格长甲"]  # rank 1 of 2
    picker = at.selectbox(key="weekly_ranking_page")
    assert picker.options == ["1 / 2", "2 / 2"]
    assert any(c.value == t("weekly_page.office.showing_one", start="1", n="2") for c in at.caption)
    picker.set_value(2).run()
    assert not at.exception
    assert at.dataframe[0].value[name].tolist() == ["网格长乙"]
    assert at.dataframe[0].value[t("col.rank")].tolist() == [2]


# ----------------------------------------------------------------------------- the forms keep what was typed


def visits_of(con, code: str) -> list[tuple]:
    return con.execute(
        "SELECT visited_on, note FROM visits WHERE household_code = ? AND staff_id = 'S1' ORDER BY visited_on", [code]
    ).fetchall()


@pytest.mark.parametrize("day", [D(1999, 1, 1), D(2016, 11, 20)])
def test_an_old_date_is_judged_never_replaced_by_today(tiny_registered, monkeypatch, day):
    """A date more than ten years back (outside st.date_input's default bounds) was saved as today.
    It is judged by the contract's rules: before the household's registration it is refused; after
    it, it is kept as typed."""
    con, path = tiny_registered
    before = visits_of(con, "H02")
    at = open_page(path, monkeypatch, "grid_leader")
    at.selectbox(key="weekly_household").set_value("H02")
    at.date_input(key="weekly_date").set_value(day)
    submit(at)
    assert t("weekly_page.err.before_created", code="H02", created="2026-01-01") in [e.value for e in at.error]
    assert visits_of(con, "H02") == before
    con.execute("UPDATE households SET created_on = DATE '1990-01-01' WHERE code = 'H02'")
    at.selectbox(key="weekly_household").set_value("H02")
    at.date_input(key="weekly_date").set_value(day)
    submit(at)
    saved = t("weekly_page.saved", household="李四（H02）", date=day.isoformat(), kind=t("kind.home"))
    assert saved in [s.value for s in at.success]
    assert visits_of(con, "H02") == sorted([*before, (day, None)])


def test_an_old_date_in_the_edit_form_is_judged_never_dropped(tiny_registered, monkeypatch):
    con, path = tiny_registered
    at = open_page(path, monkeypatch, "grid_leader")
    vid = at.selectbox(key="weekly_recent_pick").value
    at.date_input(key=f"weekly_edit_date_{vid}").set_value(D(2016, 11, 20))
    submit(at, t("weekly_page.edit_submit"))
    code = con.execute("SELECT household_code FROM visits WHERE id = ?", [vid]).fetchone()[0]
    assert t("weekly_page.err.before_created", code=code, created="2026-01-01") in [e.value for e in at.error]


def form_values(at) -> tuple:
    """What the visit form holds: household, kind, date, note, needs action."""
    return (
        at.selectbox(key="weekly_household").value,
        at.selectbox(key="weekly_kind").value,
        at.date_input(key="weekly_date").value,
        at.text_area(key="weekly_note").value,
        at.checkbox(key="weekly_needs_action").value,
    )


def test_a_refused_save_keeps_what_was_typed_and_a_save_empties_the_form(tiny_registered, monkeypatch):
    con, path = tiny_registered
    at = open_page(path, monkeypatch, "grid_leader")
    at.selectbox(key="weekly_household").set_value("H02")
    at.selectbox(key="weekly_kind").set_value("phone")
    at.date_input(key="weekly_date").set_value(D(2026, 11, 25))
    at.text_area(key="weekly_note").input("门前路灯坏了")
    at.checkbox(key="weekly_needs_action").check()
    submit(at)
    assert t("weekly_page.err.future", date="2026-11-25", today="2026-11-22") in [e.value for e in at.error]
    kept = form_values(at)
    assert kept == ("H02", "phone", D(2026, 11, 25), "门前路灯坏了", True)
    at.date_input(key="weekly_date").set_value(D(2026, 11, 21))
    submit(at)
    assert any(phrase("weekly_page.saved") in s.value for s in at.success)
    assert (D(2026, 11, 21), "门前路灯坏了") in visits_of(con, "H02")
    emptied = form_values(at)
    assert emptied == (None, "home", TODAY, "", False)


def test_a_note_over_the_limit_is_refused_with_its_length_not_dropped(tiny_registered, monkeypatch):
    """The text area's max_chars made the browser drop a longer paste whole (AppTest's input() does the
    same): the note is accepted in the box and refused at save, saying how long it is."""
    con, path = tiny_registered
    before = visits_of(con, "H02")
    at = open_page(path, monkeypatch, "grid_leader")
    long = "字" * (V.NOTE_MAX + 1)
    at.selectbox(key="weekly_household").set_value("H02")
    at.date_input(key="weekly_date").set_value(D(2026, 11, 21))
    at.text_area(key="weekly_note").input(long)
    submit(at)
    refusal = t("weekly_page.err.note_too_long", n=V.NOTE_MAX, length=V.NOTE_MAX + 1)
    assert refusal in [e.value for e in at.error]
    assert at.text_area(key="weekly_note").value == long
    assert visits_of(con, "H02") == before


def test_a_visit_without_a_note_is_edited_without_a_nan_note(tiny_registered, monkeypatch):
    """A missing note is NaN in the recent visits' frame (text with NULLs, pandas' str dtype, once some
    visit has a note): the edit box showed "nan" and saving stored it."""
    con, path = tiny_registered
    V.record_visit(con, LEADER, "H02", D(2026, 11, 21), note="门前路灯坏了", today=TODAY)
    assert pd.isna(V.recent_visits(con, "S1", TODAY)["note"].iloc[0])
    at = open_page(path, monkeypatch, "grid_leader")
    vid = at.selectbox(key="weekly_recent_pick").value
    assert con.execute("SELECT note FROM visits WHERE id = ?", [vid]).fetchone() == (None,)
    assert at.text_area(key=f"weekly_edit_note_{vid}").value == ""
    at.checkbox(key=f"weekly_edit_action_{vid}").check()
    submit(at, t("weekly_page.edit_submit"))
    assert any(phrase("weekly_page.edited") in s.value for s in at.success)
    assert con.execute("SELECT note, needs_action FROM visits WHERE id = ?", [vid]).fetchone() == (None, True)
    assert con.execute("SELECT count(*) FROM visits WHERE note = 'nan'").fetchone() == (0,)


def test_page_names_the_other_kinds_in_lower_case_inside_the_english_sentence(tiny_registered, monkeypatch):
    """The week's other kinds read "Also Phone 1, Courtyard meeting 1" on the English page: labels in
    the middle of a sentence. They are the kinds' words for a sentence ("phone 1, courtyard meeting 1")."""
    con, path = tiny_registered
    V.record_visit(con, LEADER, "H02", D(2026, 11, 19), "phone", today=TODAY)
    V.record_visit(con, LEADER, "H02", D(2026, 11, 20), "meeting", today=TODAY)
    con.close()
    at = open_page(path, monkeypatch, "grid_leader", lang="en")
    text = fmt_list([f"{t('kind.in_text.meeting', 'en')} 1", f"{t('kind.in_text.phone', 'en')} 1"], "en")
    assert t("weekly_page.other_kinds", "en", text=text) in [c.value for c in at.caption]
    assert "courtyard meeting 1" in text and "Courtyard" not in text
