"""Petitions and visit issues: deadlines, the work list, the figures, the lifecycle, locating, the page."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import petitions as P
from analytics import reports
from i18n import t
from store import db
from tests.factories import G111, T1, T2, V11, V12, V21, signed_in_app

D = dt.date
TODAY = D(2026, 11, 26)


def _ids(frame):
    return frame["id"].tolist()


# ----------------------------------------------------------------------------- work list


def test_worklist_deadlines_and_order(tiny_ro):
    con, _ = tiny_ro
    w = P.worklist(con, None, TODAY).set_index("id")
    assert _ids(P.worklist(con, None, TODAY)) == ["P2", "P4", "P3", "P1"]  # overdue first
    # P1 2026-10-08: +7 working days counts the 调休 Saturday 10-10
    assert w.loc["P1", "reply_due"] == D(2026, 10, 16)
    assert w.loc["P2", "reply_due"] == D(2026, 10, 19)
    assert w.loc["P3", "reply_due"] == D(2026, 11, 11)
    assert w.loc["P4", "reply_due"] == D(2026, 11, 12)
    assert w.loc["P1", "close_due"] == D(2026, 12, 7)
    assert w.loc["P4", "close_due"] == D(2027, 1, 2)
    assert w["overdue"].to_dict() == {"P1": False, "P2": True, "P3": False, "P4": True}
    assert w.loc["P2", "days_overdue"] == 38 and w.loc["P4", "days_overdue"] == 14
    assert w.loc["P1", "closed_on_time"] and w.loc["P1", "status"] == "closed"
    assert w.loc["P2", "is_group"] and not w.loc["P4", "located"]
    assert w.loc["P2", "village_code"] == V12 and w.loc["P3", "township_code"] == T2


def test_worklist_as_of_an_earlier_day(tiny_ro):
    con, _ = tiny_ro
    w = P.worklist(con, None, D(2026, 10, 15)).set_index("id")
    assert _ids(w.reset_index()) == ["P2", "P1"]  # P3, P4 not received yet
    assert w.loc["P1", "status"] == "replied"  # closed only on 10-20
    assert not w["overdue"].any()


def test_worklist_scope_and_statuses(tiny_ro):
    con, _ = tiny_ro
    assert sorted(_ids(P.worklist(con, [T1], TODAY))) == ["P1", "P2"]
    assert _ids(P.worklist(con, [V21], TODAY)) == ["P3"]
    assert _ids(P.worklist(con, [G111], TODAY)) == ["P1"]
    assert _ids(P.worklist(con, None, TODAY, statuses=["received"])) == ["P2", "P4"]
    with pytest.raises(reports.ReportError):
        P.worklist(con, None, TODAY, statuses=["done"])


def test_deadline_into_2027_is_weekends_only_with_a_notice(tiny):
    con, _ = tiny
    con.execute(
        "INSERT INTO petitions (id, received_on, village_code) VALUES ('P9', DATE '2026-12-28', $v)", {"v": V11}
    )
    w = P.worklist(con, None, D(2026, 12, 30)).set_index("id")
    assert w.loc["P9", "reply_due"] == D(2027, 1, 6)
    assert P.deadline_notice(con, w.reset_index()) == "2027 年的放假安排尚未录入，暂按周末计算工作日"
    assert P.deadline_notice(con, P.worklist(con, None, TODAY)[lambda f: f["id"] == "P1"]) is None


# ----------------------------------------------------------------------------- figures


def test_summary(tiny_ro):
    con, _ = tiny_ro
    s = P.summary(con, D(2026, 10, 1), D(2026, 11, 30), None, TODAY)
    assert set(P.SUMMARY_KEYS) <= set(s)
    assert {
        k: s[k]
        for k in (
            "received",
            "closed",
            "overdue",
            "closed_on_time",
            "resolution_rate",
            "satisfaction_rate",
            "repeat",
            "group",
            "unlocated",
        )
    } == {
        "received": 4,
        "closed": 1,
        "overdue": 2,
        "closed_on_time": 1,
        "resolution_rate": 0.25,
        "satisfaction_rate": 1.0,
        "repeat": 0,
        "group": 1,
        "unlocated": 1,
    }
    assert s["benchmark_solved"] == 0.84 and s["benchmark_satisfaction"] == 0.965
    october = P.summary(con, D(2026, 10, 1), D(2026, 10, 31), [T1], TODAY)
    assert (october["received"], october["closed"], october["overdue"], october["unlocated"]) == (2, 1, 1, 0)
    empty = P.summary(con, D(2026, 1, 1), D(2026, 1, 31), None, TODAY)
    assert empty["received"] == 0 and empty["resolution_rate"] is None and empty["satisfaction_rate"] is None


def test_figures_by_area(tiny_ro):
    con, _ = tiny_ro
    f = P.figures_by_area(con, "township", D(2026, 10, 1), D(2026, 11, 30), None, TODAY).set_index("code")
    assert f.index.tolist() == [T1, T2]
    assert f.loc[T1, ["households", "received", "closed", "overdue", "group"]].tolist() == [6, 2, 1, 1, 1]
    assert f.loc[T1, "per_1000"] == pytest.approx(333.33)
    assert f.loc[T2, ["households", "received", "closed"]].tolist() == [2, 1, 0]
    assert f.loc[T1, "benchmark_solved"] == 0.84
    v = P.figures_by_area(con, "village", D(2026, 10, 1), D(2026, 11, 30), [T1], TODAY).set_index("code")
    assert v.index.tolist() == [V11, V12] and v["received"].tolist() == [1, 1]
    # figures per area add up to the summary (apart from the unlocated petition)
    s = P.summary(con, D(2026, 10, 1), D(2026, 11, 30), None, TODAY)
    assert f["received"].sum() == s["received"] - s["unlocated"]


def test_repeat_petitions(tiny):
    con, _ = tiny
    con.execute(
        "INSERT INTO petitions (id, received_on, household_code) VALUES "
        "('P5', DATE '2026-11-10', 'H01'), ('P6', DATE '2026-11-11', 'H02')"
    )
    s = P.summary(con, D(2026, 11, 1), D(2026, 11, 30), None, TODAY)
    assert s["repeat"] == 1  # H01 again within 90 days of P1; H02 for the first time
    w = P.worklist(con, None, TODAY).set_index("id")
    assert w.loc["P5", "is_repeat"] and not w.loc["P6", "is_repeat"] and not w.loc["P1", "is_repeat"]


# ----------------------------------------------------------------------------- lifecycle


def test_no_closing_without_a_reply(tiny):
    con, _ = tiny
    with pytest.raises(P.PetitionError) as e:
        P.change_status(con, "admin", "P2", "closed", D(2026, 11, 20), today=TODAY)
    assert e.value.key == "petition.error.close_without_reply"
    assert e.value.text("en") == t("petition.error.close_without_reply", "en")
    assert db.one(con, "petition_get", petition_id="P2") == "P2"
    assert con.execute("SELECT status FROM petitions WHERE id = 'P2'").fetchone()[0] == "received"


@pytest.mark.parametrize(
    "status,day,text,sat,key",
    [
        ("replied", D(2026, 10, 8), "已答复", None, "petition.error.date_before_received"),  # before receipt (10-09)
        ("replied", D(2026, 11, 27), "已答复", None, "petition.error.date_future"),  # after today
        ("replied", D(2026, 11, 20), "", None, "petition.error.no_reply_text"),  # a reply needs its text
        ("replied", D(2026, 11, 20), "已答复", "satisfied", "petition.error.satisfaction_not_closing"),
        ("received", D(2026, 11, 20), None, None, "petition.error.backwards"),  # not backwards / same
        ("closed", D(2026, 11, 20), "答复", "very", "petition.error.satisfaction"),
        ("archived", D(2026, 11, 20), None, None, "petition.error.status"),
    ],
)
def test_lifecycle_rules(tiny, status, day, text, sat, key):
    con, _ = tiny
    with pytest.raises(P.PetitionError) as e:
        P.change_status(con, "admin", "P2", status, day, reply_text=text, satisfaction=sat, today=TODAY)
    assert e.value.key == key
    assert str(e.value) == f"{t(key, 'zh', **e.value.params)} / {t(key, 'en', **e.value.params)}"


def test_reply_then_close_with_satisfaction_is_audited(tiny):
    con, _ = tiny
    P.change_status(con, "office", "P2", "in_progress", D(2026, 10, 12), today=TODAY)
    P.change_status(con, "office", "P2", "replied", D(2026, 10, 15), reply_text="已协调环保部门处理", today=TODAY)
    with pytest.raises(P.PetitionError) as e:
        P.change_status(con, "office", "P2", "closed", D(2026, 10, 14), today=TODAY)
    assert e.value.key == "petition.error.closed_before_reply"
    assert e.value.params == {"date": D(2026, 10, 14), "replied": D(2026, 10, 15)}
    res = P.change_status(con, "office", "P2", "closed", D(2026, 11, 20), satisfaction="partly", today=TODAY)
    assert res == {
        "id": "P2",
        "status": "closed",
        "replied_on": D(2026, 10, 15),
        "closed_on": D(2026, 11, 20),
        "satisfaction": "partly",
    }
    row = con.execute(
        "SELECT status, replied_on, closed_on, satisfaction, reply_text FROM petitions WHERE id='P2'"
    ).fetchone()
    assert row == ("closed", D(2026, 10, 15), D(2026, 11, 20), "partly", "已协调环保部门处理")
    log = con.execute(
        "SELECT user_name, area, detail FROM audit_log WHERE action = 'petition_status' ORDER BY id"
    ).fetchall()
    assert len(log) == 3 and log[0][0] == "office" and log[2][1] is not None and "closed" in log[2][2]
    w = P.worklist(con, None, TODAY).set_index("id")
    assert not w.loc["P2", "overdue"] and w.loc["P2", "replied_on_time"] and w.loc["P2", "closed_on_time"]
    s = P.summary(con, D(2026, 10, 1), D(2026, 10, 31), None, TODAY)
    assert (s["closed"], s["rated"], s["satisfied"], s["satisfaction_rate"]) == (2, 2, 1, 0.5)


def test_closing_with_the_reply_at_once(tiny):
    con, _ = tiny
    P.change_status(
        con, "admin", "P4", "closed", D(2026, 11, 25), reply_text="已调解", satisfaction="satisfied", today=TODAY
    )
    assert con.execute("SELECT replied_on, closed_on FROM petitions WHERE id='P4'").fetchone() == (
        D(2026, 11, 25),
        D(2026, 11, 25),
    )
    with pytest.raises(P.PetitionError):
        P.change_status(con, "admin", "P4", "closed", D(2026, 11, 25), reply_text="x", today=TODAY)


# ----------------------------------------------------------------------------- visit issues


def test_visit_issues_join_the_worklist(tiny):
    con, _ = tiny
    vid = con.execute("SELECT id FROM visits WHERE household_code = 'H06'").fetchone()[0]
    con.execute("UPDATE visits SET needs_action = TRUE, note = '路灯坏了' WHERE id = $id", {"id": vid})
    w = P.worklist(con, None, TODAY).set_index("id")
    item = w.loc[str(vid)]
    assert item["kind"] == "visit_issue" and item["village_code"] == V12 and item["status"] == "received"
    assert item["reply_due"] == D(2026, 11, 26) and not item["overdue"]  # visited 11-17
    assert P.worklist(con, None, D(2026, 11, 27)).set_index("id").loc[str(vid), "overdue"]
    s = P.summary(con, D(2026, 11, 1), D(2026, 11, 30), None, TODAY)
    assert (s["issues"], s["issues_closed"], s["solved_rate"]) == (1, 0, 0.0)
    with pytest.raises(P.PetitionError) as e:
        P.change_issue_status(con, "admin", vid, "closed", D(2026, 11, 20), note="", today=TODAY)
    assert e.value.key == "petition.error.no_outcome"
    with pytest.raises(P.PetitionError) as e:
        P.change_issue_status(con, "admin", vid, "closed", D(2026, 11, 16), note="已修", today=TODAY)
    assert e.value.key == "petition.error.date_before_received"
    P.change_issue_status(con, "admin", vid, "closed", D(2026, 11, 20), note="已修好路灯", today=TODAY)
    s = P.summary(con, D(2026, 11, 1), D(2026, 11, 30), None, TODAY)
    assert (s["issues"], s["issues_closed"], s["solved_rate"]) == (1, 1, 0.3333)  # (0 + 1) / (2 + 1)
    f = P.figures_by_area(con, "village", D(2026, 11, 1), D(2026, 11, 30), None, TODAY).set_index("code")
    assert f.loc[V12, ["issues", "issues_closed"]].tolist() == [1, 1]


# ----------------------------------------------------------------------------- locating


def test_attach(tiny):
    con, _ = tiny
    assert P.attach(con, "admin", "P4", village_code=V21) == V21
    assert P.summary(con, D(2026, 11, 1), D(2026, 11, 30), None, TODAY)["unlocated"] == 0
    assert P.attach(con, "admin", "P4", lon=107.15, lat=30.05) == f"{V12}-W01"
    assert P.attach(con, "admin", "P4", household_code="H01") == G111
    assert P.worklist(con, [V11], TODAY).set_index("id").loc["P4", "located"]
    assert P.attach(con, "admin", "P4", lon=110.0, lat=35.0) is None  # outside every area
    for kwargs, key in [
        ({}, "petition.error.one_location"),
        ({"household_code": "H01", "village_code": V21}, "petition.error.one_location"),
        ({"household_code": "NOPE"}, "petition.error.no_household"),
        ({"village_code": T1}, "petition.error.no_village"),
        ({"lon": 200.0, "lat": 30.0}, "petition.error.point_range"),
    ]:
        with pytest.raises(P.PetitionError) as e:
            P.attach(con, "admin", "P4", **kwargs)
        assert e.value.key == key, kwargs
    with pytest.raises(P.PetitionError):
        P.attach(con, "admin", "NOPE", village_code=V21)
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'petition_status'").fetchone()[0] == 4


# ----------------------------------------------------------------------------- the page


def _page(monkeypatch, path, user="admin"):
    return signed_in_app(monkeypatch, path, user, today="2026-11-26", page="pages/petitions.py")


def test_page_worklist_and_figures(tiny, monkeypatch):
    con, path = tiny
    con.close()
    at = _page(monkeypatch, path)
    assert not at.error
    metrics = {m.label: m.value for m in at.metric}
    received = t("figure.petitions_received")
    assert metrics[received] == "4" and metrics[t("figure.petitions_overdue")] == "2"
    work = at.dataframe[0].value
    assert work[t("petitions_page.col.id")].tolist() == ["P2", "P4", "P3"]  # open items, overdue first
    assert work[t("petitions_page.col.reply_due")].tolist()[0] == D(2026, 10, 19)
    figs = at.dataframe[1].value
    assert figs[t("petitions_page.col.code")].tolist() == [T1, T2] and figs[received].tolist() == [2, 1]


def test_page_lists_the_most_urgent_rows_and_finds_the_others(tiny, monkeypatch):
    """A county's list holds tens of thousands of items: the table and the pickers show the first
    TABLE_ROWS (overdue first), the whole list is a download, and any item is found by its number."""
    from ui import common as C

    con, path = tiny
    con.close()
    monkeypatch.setattr(C, "TABLE_ROWS", 2)
    at = _page(monkeypatch, path)
    assert not at.exception
    assert at.dataframe[0].value[t("petitions_page.col.id")].tolist() == ["P2", "P4"]  # the 2 most urgent of 3
    assert any("清单共 3 条" in c.value for c in at.caption)
    assert at.get("download_button")  # the whole list
    assert [o.split(" ")[1] for o in at.selectbox(key="pet_item").options] == ["P2", "P4"]
    at.text_input(key="pet_item_find").input("P3").run()
    assert [o.split(" ")[1] for o in at.selectbox(key="pet_item").options] == ["P3"]
    at.selectbox(key="pet_item").set_value("petition|P3")  # P3 is replied: close it
    at.selectbox(key="pet_new_status").set_value("closed")
    at.date_input(key="pet_date").set_value(D(2026, 11, 20))
    at.button(key="FormSubmitter:pet_change-保存").click().run()
    assert not at.error and not at.exception, [e.value for e in at.error]
    c = db.connect(path)
    try:
        assert c.execute("SELECT status FROM petitions WHERE id='P3'").fetchone() == ("closed",)
    finally:
        c.close()


def test_page_change_status(tiny, monkeypatch):
    con, path = tiny
    con.close()
    at = _page(monkeypatch, path)
    at.selectbox(key="pet_item").set_value("petition|P2")
    at.selectbox(key="pet_new_status").set_value("closed")
    at.date_input(key="pet_date").set_value(D(2026, 11, 20))
    at.button(key="FormSubmitter:pet_change-保存").click().run()
    assert [e.value for e in at.error] == [t("petition.error.close_without_reply", "zh")]
    at.text_area(key="pet_text").input("已处理")
    at.selectbox(key="pet_sat").set_value("satisfied")
    at.button(key="FormSubmitter:pet_change-保存").click().run()
    assert not at.error and not at.exception
    c = db.connect(path)  # the same database instance as the app (DuckDB shares it within a process)
    try:
        assert c.execute("SELECT status, closed_on, satisfaction FROM petitions WHERE id='P2'").fetchone() == (
            "closed",
            D(2026, 11, 20),
            "satisfied",
        )
    finally:
        c.close()


def test_page_a_saved_reply_is_not_offered_for_the_next_petition(tiny, monkeypatch):
    """After a save the form is fresh (the item saved stays picked): the reply typed for P2 was left
    in the box, and saving P4 as 已答复 next gave P4 P2's reply. A refused save keeps what was typed."""
    con, path = tiny
    con.close()
    at = _page(monkeypatch, path)
    save = "FormSubmitter:pet_change-保存"
    at.selectbox(key="pet_item").set_value("petition|P2")
    at.selectbox(key="pet_new_status").set_value("closed")
    at.text_area(key="pet_text").input("已电话答复")
    at.date_input(key="pet_date").set_value(D(2026, 11, 30))  # after today: refused
    at.button(key=save).click().run()
    assert at.error and at.text_area(key="pet_text").value == "已电话答复"  # kept for the next try
    at.selectbox(key="pet_new_status").set_value("replied")
    at.date_input(key="pet_date").set_value(D(2026, 11, 20))
    at.button(key=save).click().run()
    assert not at.error and not at.exception, [e.value for e in at.error]
    assert at.selectbox(key="pet_item").value == "petition|P2"
    assert at.text_area(key="pet_text").value == ""
    assert (at.selectbox(key="pet_new_status").value, at.date_input(key="pet_date").value) == ("in_progress", TODAY)
    assert at.selectbox(key="pet_sat").value == ""  # 未填写, not None (Streamlit's "Choose an option")
    at.selectbox(key="pet_item").set_value("petition|P4")
    at.selectbox(key="pet_new_status").set_value("replied")
    at.button(key=save).click().run()
    assert [e.value for e in at.error] == [t("petition.error.no_reply_text", "zh")]
    c = db.connect(path)
    try:
        got = c.execute("SELECT id, status, reply_text FROM petitions WHERE id IN ('P2', 'P4') ORDER BY id").fetchall()
        assert got == [("P2", "replied", "已电话答复"), ("P4", "received", None)]
    finally:
        c.close()


def test_page_for_an_office_user(tiny, monkeypatch):
    con, path = tiny
    con.close()
    at = _page(monkeypatch, path, user="office")
    assert at.dataframe[0].value[t("petitions_page.col.id")].tolist() == ["P2"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_save_with_a_number_that_finds_nothing_asks_to_choose(tiny, monkeypatch, lang):
    """按编号查找 with a number matching nothing leaves the pickers empty: 保存 says to choose an item
    (it raised "'NoneType' object has no attribute 'split'" and the page was gone)."""
    from ui import common as C

    con, path = tiny
    con.close()
    monkeypatch.setattr(C, "TABLE_ROWS", 2)  # the find boxes are drawn
    at = signed_in_app(monkeypatch, path, "admin", today="2026-11-26", lang=lang, page="pages/petitions.py")
    save = f"FormSubmitter:pet_change-{t('petitions_page.save', lang)}"
    at.text_input(key="pet_item_find").input("XYZ").run()
    assert at.selectbox(key="pet_item").options == []
    # the empty picker's words in the page's language (Streamlit's own "No options to select")
    assert at.selectbox(key="pet_item").placeholder == t("petitions_page.pick_placeholder", lang)
    at.button(key=save).click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [t("petitions_page.pick_item", lang)]
    assert at.subheader  # the rest of the page is still there
    at.text_input(key="pet_attach_find").input("XYZ").run()
    at.button(key=f"FormSubmitter:pet_attach-{t('petitions_page.save', lang)}").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [t("petitions_page.pick_petition", lang)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pickers_count_says_what_was_found(tiny, monkeypatch, lang):
    """按编号查找 said "共 0 项，列出前 0 项" when nothing matched and "共 1 项，列出前 1 项" for one: nothing
    found is one sentence naming what was typed; "列出前 k 项" only when some are left out."""
    from ui import common as C

    con, path = tiny
    con.close()
    monkeypatch.setattr(C, "TABLE_ROWS", 2)  # the find boxes are drawn
    at = signed_in_app(monkeypatch, path, "admin", today="2026-11-26", lang=lang, page="pages/petitions.py")
    assert t("picker.cut", lang, n="3", k="2") in [c.value for c in at.caption]  # 3 open items, 2 listed
    at.text_input(key="pet_item_find").input("XYZ").run()
    assert not at.exception, at.exception
    assert t("picker.none", lang, q="XYZ") in [w.value for w in at.warning]
    assert t("picker.cut", lang, n="0", k="0") not in [c.value for c in at.caption]
    at.text_input(key="pet_item_find").input("P3").run()
    assert at.selectbox(key="pet_item").options and len(at.selectbox(key="pet_item").options) == 1
    captions = [c.value for c in at.caption]
    assert t("picker.found", lang, n="1") in captions and t("picker.cut", lang, n="1", k="1") not in captions
    assert not at.warning
    # the match found after nothing was found is picked (it stayed "Choose an option", seen in the browser)
    picked = at.selectbox(key="pet_item").value
    assert picked is not None and "P3" in picked.split("|")[1], picked


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_emptied_filter_says_what_to_choose_and_the_form_says_it_lists_every_open_item(tiny, monkeypatch, lang):
    """With every status removed from the list's filter the list said "没有符合条件的待办事项" while 办理登记
    still offered every open item: the list now says to choose a status, the form says it lists every
    open item whatever the filter (a clerk finds the item handed to them by its number)."""
    con, path = tiny
    con.close()
    at = signed_in_app(monkeypatch, path, "admin", today="2026-11-26", lang=lang, page="pages/petitions.py")
    n = len(at.selectbox(key="pet_item").options)
    all_open = t("petitions_page.change_all_open", lang, n=str(n))
    assert all_open in [c.value for c in at.caption]
    at.multiselect(key="pet_status").set_value([]).run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [t("petitions_page.no_status_chosen", lang)]
    # the emptied box says so in the page's language (Streamlit's own "Choose options" on a Chinese page)
    assert at.multiselect(key="pet_status").placeholder == t("pick.at_least_one", lang)
    assert at.multiselect(key="pet_kind").placeholder == t("pick.at_least_one", lang)
    assert len(at.selectbox(key="pet_item").options) == n and all_open in [c.value for c in at.caption]
    at.multiselect(key="pet_status").set_value(["received"]).run()
    at.multiselect(key="pet_kind").set_value([]).run()
    assert [i.value for i in at.info] == [t("petitions_page.no_kind_chosen", lang)]
