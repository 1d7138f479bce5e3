"""The household record (民情档案): analytics/household.py, pages/household.py and
``manage.py report household`` (issue 20), on the tiny world plus what a record must show:

H01 (张三, grid V11-W01): home visits on 2026-11-16 and 11-22 by S1, a phone visit on 11-20 raising an
issue (open), petition P1 (closed) and P5 (received 11-10, open and overdue), paired with S2 since
2026-03-01, and its grid's leader changed from S1 to S2 on 2026-06-01.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json

import pandas as pd
import pytest

from analytics import grids as G
from analytics import household as HH
from analytics import visits as V
from auth import audit, users
from i18n import Message, t
from ingest.tables import load
from store import db
from tests import factories as F

TODAY = dt.date(2026, 11, 22)


def build_record_world(con, folder) -> None:
    s1 = users.get_user(con, "grid_leader")
    V.record_visit(con, s1, "H01", dt.date(2026, 11, 20), "phone", "屋顶漏雨，需要维修", True, today=TODAY)
    load(
        con,
        "petitions",
        F.write_csv(
            folder / "p5.csv",
            ["编号", "受理日期", "户编号", "类别", "来源", "状态"],
            [("P5", "2026-11-10", "H01", "低保", "来访", "受理")],
        ),
    )
    con.execute("INSERT INTO pairings VALUES ('S2', 'H01', DATE '2026-03-01')")
    G.reassign(con, "admin", F.G111, leader_id="S2", effective=dt.date(2026, 6, 1))


@pytest.fixture(scope="module")
def record_world(tiny_template, tmp_path_factory):
    """The tiny world plus what H01's record must show (the module's docstring): (connection, path or URL)."""
    folder = tmp_path_factory.mktemp("record")
    path = F.copy_db(tiny_template, folder, "record")
    con = db.connect(path)
    build_record_world(con, folder)
    yield con, path
    con.close()
    F.drop_db(path)


def section(rows: pd.DataFrame, name: str) -> pd.DataFrame:
    return rows[rows["section"] == name].reset_index(drop=True)


def test_the_record_holds_everything_newest_first(record_world):
    con, _ = record_world
    rows = HH.open_record(con, "H01", None, today=TODAY, audited=False).rows()
    assert list(rows.columns) == HH.RECORD_COLUMNS
    head = dict(zip(section(rows, "household")["item"], section(rows, "household")["detail"]))
    assert head["head_name"] == "张三" and head["phone"] == "13812341234"
    assert head["tags"] == "低保、空巢老人" and head["status"] == "active"
    assert head["grid"] == f"{F.G111} 第一网格"
    visits = section(rows, "visit")
    assert visits["date"].tolist() == [dt.date(2026, 11, 22), dt.date(2026, 11, 20), dt.date(2026, 11, 16)]
    assert visits["item"].tolist() == ["home", "phone", "home"]
    assert visits["detail"].iloc[1] == "屋顶漏雨，需要维修" and visits["status"].iloc[1] == "received"
    assert visits["by"].iloc[0] == "网格长甲 S1"
    pets = section(rows, "petition")
    assert pets["item"].tolist() == ["P5", "P1"]
    assert pets["status"].tolist() == ["received", "closed"]
    assert pets["until"].iloc[0] == dt.date(2026, 11, 19)  # 7 working days after 11-10
    assert pets["overdue"].tolist() == [True, False]
    follow = section(rows, "follow_up")
    assert follow["date"].tolist() == [dt.date(2026, 11, 20), dt.date(2026, 11, 10)]
    assert follow["item"].iloc[1] == "petition P5" and follow["item"].iloc[0].startswith("visit_issue ")
    pairing = section(rows, "pairing")
    assert pairing["item"].tolist() == ["网格长乙 S2"] and pairing["date"].tolist() == [dt.date(2026, 3, 1)]
    resp = section(rows, "responsible")
    assert resp["detail"].tolist() == ["网格长乙 S2", "网格长甲 S1"]  # the new leader first
    assert resp["date"].iloc[0] == dt.date(2026, 6, 1) and pd.isna(resp["until"].iloc[0])
    assert resp["until"].iloc[1] == dt.date(2026, 5, 31)
    assert section(rows, "change")["item"].tolist() == ["recorded_since"]


def test_a_moved_household_keeps_its_record_with_status_and_grid_changes(tiny, tmp_path):
    con, _ = tiny
    load(
        con,
        "households",
        F.write_csv(
            tmp_path / "h02.csv",
            ["户编号", "户主", "经度", "纬度", "网格编码", "状态"],
            [("H02", "李四", 107.06, 30.06, F.G112, "迁出")],
        ),
        today=dt.date(2026, 11, 21),
        actor="office",
    )
    rows = HH.open_record(con, "H02", None, today=TODAY, audited=False).rows()
    changes = section(rows, "change")
    got = set(zip(changes["item"], changes["detail"], changes["date"]))
    assert ("status", "active → moved", dt.date(2026, 11, 21)) in got
    assert ("grid_code", f"{F.G111} → {F.G112}", dt.date(2026, 11, 21)) in got
    assert set(changes["by"].dropna()) == {"import office"}
    # who answered: S2 for the new grid since the move, S1 for the old one until the day before
    resp = section(rows, "responsible")
    assert resp["detail"].tolist() == ["网格长乙 S2", "网格长甲 S1"]
    assert [x.split(" ")[-1] for x in resp["item"]] == [F.G112, F.G111]
    # a re-import that changes nothing records nothing
    before = len(changes)
    load(
        con,
        "households",
        F.write_csv(
            tmp_path / "h02b.csv",
            ["户编号", "户主", "经度", "纬度", "网格编码", "状态"],
            [("H02", "李四", 107.06, 30.06, F.G112, "迁出")],
        ),
        today=dt.date(2026, 11, 22),
    )
    again = section(HH.open_record(con, "H02", None, today=TODAY, audited=False).rows(), "change")
    assert len(again) == before


def test_a_boundary_reassignment_of_a_household_is_recorded(tiny):
    con, _ = tiny
    from ingest.boundaries import reassign_points

    con.execute(f"UPDATE households SET grid_code = '{F.G112}' WHERE code = 'H06'")  # wrong; its point says V12
    reassign_points(con)
    ch = con.execute(
        "SELECT field, old_value, new_value, source FROM household_changes WHERE household_code = 'H06'"
    ).fetchall()
    assert ch == [("grid_code", F.G112, F.G121, "boundaries")]


def test_opening_a_record_is_audited(record_world):
    con, _ = record_world
    office = users.get_user(con, "office")
    HH.open_record(con, "H01", office, today=TODAY)
    log = audit.search(con, user="office", action="household_view")
    assert len(log) >= 1
    assert (log["detail"].iloc[0], log["area"].iloc[0]) == ("H01", F.G111)


def test_scope_refusal_and_masking(record_world):
    con, _ = record_world
    member = users.get_user(con, "member")  # grid V21-W01
    with pytest.raises(HH.HouseholdError) as e:
        HH.open_record(con, "H01", member, today=TODAY)
    assert e.value.reason == "outside" and e.value.key == "household.error.outside_user"
    assert e.value.text("en") == t("household.error.outside_user", "en", code="H01", name="member")
    with pytest.raises(HH.HouseholdError) as e:
        HH.open_record(con, "NOPE", member, today=TODAY)
    assert e.value.reason == "missing"
    leader = users.get_user(con, "leader")  # the whole county, names masked
    head = section(HH.open_record(con, "H01", leader, today=TODAY, audited=False).rows(), "household")
    got = dict(zip(head["item"], head["detail"]))
    assert got["head_name"] == "张*" and got["phone"] == "138****1234"
    assert pd.isna(got["tags"]) and pd.isna(got["point"])  # sensitive: withheld from the leader


def test_a_paired_leader_sees_the_record_outside_their_grids(tiny):
    con, _ = tiny
    con.execute("INSERT INTO pairings VALUES ('S3', 'H01', DATE '2026-01-01')")
    member = users.get_user(con, "member")
    rec = HH.open_record(con, "H01", member, today=TODAY, audited=False)
    assert rec.head["head_name"] == "张*"  # outside their areas: masked like everywhere


def run_cli(*argv: str) -> tuple[int, str, str]:
    import manage

    out, err = io.StringIO(), io.StringIO()

    class Buf(io.StringIO):
        @property
        def buffer(self):  # manage.py writes bytes to sys.stdout.buffer
            return self

        def write(self, s):  # accept bytes too
            return out.write(s.decode("utf-8") if isinstance(s, bytes) else s)

    with contextlib.redirect_stdout(Buf()), contextlib.redirect_stderr(err):
        code = manage.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_the_same_record_and_refuses_outside_scope(record_world, monkeypatch):
    con, path = record_world
    monkeypatch.setenv("LIANXIN_TODAY", TODAY.isoformat())
    expected = HH.open_record(con, "H01", None, today=TODAY, audited=False).rows()
    from analytics import export

    code, out, _ = run_cli("--db", str(path), "report", "household", "--code", "H01", "--format", "json")
    assert code == 0
    assert json.loads(out) == json.loads(export.to_json_bytes(expected))
    code, out, _ = run_cli("--db", str(path), "report", "household", "--code", "H01", "--format", "csv")
    assert code == 0 and out.startswith("\ufeffsection,date,item,detail,status,until,overdue,by")
    code, _, err = run_cli("--db", str(path), "--as", "member", "report", "household", "--code", "H01")
    assert code == 1 and err.strip() == Message("household.error.outside_user", code="H01", name="member")
    code, _, err = run_cli("--db", str(path), "report", "household", "--code", "NOPE")
    assert code == 1 and err.strip() == Message("household.error.no_household", code="NOPE")


# ----------------------------------------------------------------------------- the page


def open_page(monkeypatch, path, name: str, code: str, lang: str | None = None):
    at = F.signed_in_app(monkeypatch, path, name, today=TODAY, lang=lang, page="pages/household.py")
    at.session_state["household_code"] = code
    return at.run()


def test_page_shows_the_same_record_as_the_cli(record_world, monkeypatch):
    con, path = record_world
    at = open_page(monkeypatch, path, "office", "H01")
    assert not at.exception
    assert "张三 · H01" in at.markdown[0].value or any("张三 · H01" in m.value for m in at.markdown)
    rows = HH.open_record(con, "H01", users.get_user(con, "office"), today=TODAY, audited=False).rows()
    frames = [df.value for df in at.dataframe]
    visits = section(rows, "visit")
    col = {k: t(f"household.col.{k}") for k in ("by", "date", "petition", "item", "until", "role", "from", "person")}
    shown = [v for v in frames if col["by"] in v.columns]
    assert len(shown) == 1 and len(shown[0]) == len(visits)
    assert shown[0][col["date"]].tolist() == [d.isoformat() for d in visits["date"]]
    pets = [v for v in frames if col["petition"] in v.columns]
    assert pets[0][col["petition"]].tolist() == section(rows, "petition")["item"].tolist()
    follow = [v for v in frames if col["item"] in v.columns and col["until"] in v.columns]
    assert len(follow[0]) == len(section(rows, "follow_up")) == 2
    resp = [v for v in frames if col["role"] in v.columns and col["from"] in v.columns]
    assert resp[0][col["person"]].tolist() == section(rows, "responsible")["detail"].tolist()
    assert t("household.audit_notice") in [c.value for c in at.caption]


def test_page_audits_once_per_opening(record_world, monkeypatch):
    con, path = record_world
    before = len(audit.search(con, user="office", action="household_view"))
    at = open_page(monkeypatch, path, "office", "H04")
    at.run()  # a rerun of the same record
    after = audit.search(con, user="office", action="household_view")
    assert len(after) == before + 1 and after["detail"].iloc[0] == "H04"


def test_page_refuses_outside_scope_with_a_sentence(record_world, monkeypatch):
    _, path = record_world
    at = open_page(monkeypatch, path, "member", "H01")
    assert not at.exception
    assert [e.value for e in at.error] == ["户 H01 不在您的负责范围内，不能查看它的档案"]
    assert not at.dataframe


def test_page_search_and_english(record_world, monkeypatch):
    _, path = record_world
    at = F.signed_in_app(monkeypatch, path, "office", today=TODAY, lang="en", page="pages/household.py")
    at.text_input(key="household_page.query").input("张三").run()
    at.selectbox(key="household_page.pick").select("H01").run()
    assert not at.exception
    assert any("Visits" in str(t.label) for t in at.tabs)
    assert any("Needs action" in m.value for m in at.markdown)
    head = [m.value for m in at.markdown if t("household.field.phone", "en") in m.value]
    assert head and "：" not in head[0] and "（" not in head[0]  # English punctuation in an English record
    assert t("household.line", "en", field=t("household.field.phone", "en"), value="").rstrip() in head[0]


def test_page_search_with_one_household_found_shows_it_at_once(record_world, monkeypatch):
    """A household's code typed exactly finds one household: its record opens without a pick from a one-item
    list (the pick list's placeholder is "—", not Streamlit's English "Choose an option")."""
    _, path = record_world
    at = F.signed_in_app(monkeypatch, path, "office", today=TODAY, page="pages/household.py")
    at.text_input(key="household_page.query").input("H01").run()
    assert not at.exception
    pick = at.selectbox(key="household_page.pick")
    assert pick.value == "H01" and pick.placeholder == "—"
    assert at.tabs


def test_migration_0009_lands_on_a_database_that_already_has_a_later_one(tmp_path):
    from store import db

    path = F.new_db(tmp_path, "later")
    con = db.connect(path)
    # as if the database had been migrated by a branch with 0010 before 0009 was written
    con.execute(
        "DROP TABLE household_changes; DROP SEQUENCE household_changes_seq; "
        "DELETE FROM rules WHERE key = 'walk_stops'; DELETE FROM meta WHERE key = 'household_changes_since'; "
        "DELETE FROM schema_version WHERE version = 9"
    )
    con.close()
    con = db.connect(path)
    assert db.rule(con, "walk_stops") == 12
    assert con.execute("SELECT count(*) FROM household_changes").fetchone()[0] == 0
    assert 9 in {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
    con.close()


def test_the_record_without_a_day_is_judged_at_lianxin_today(record_world, monkeypatch):
    """The record's deadlines, when the caller passes no day (the command line does not), are judged at
    ``LIANXIN_TODAY`` (analytics.calendar.today), never the clock: CI once saw H01's follow-up due
    2026-12-01 overdue on the command line, not in the function, once Beijing's clock had passed it."""
    import auth.audit

    con, _ = record_world
    monkeypatch.setenv("LIANXIN_TODAY", TODAY.isoformat())
    monkeypatch.setattr(auth.audit, "now_local", lambda: dt.datetime(2030, 1, 1, 12, tzinfo=dt.timezone.utc))
    rows = HH.open_record(con, "H01", None, audited=False).rows()
    follow = section(rows, "follow_up")
    # the visit issue due 2026-12-01 is not overdue at TODAY (it is by 2030); petition P5 (due 11-19) is
    assert [i.split()[0] for i in follow["item"]] == ["visit_issue", "petition"]
    assert follow["overdue"].tolist() == [False, True]
    assert rows.equals(HH.open_record(con, "H01", None, today=TODAY, audited=False).rows())


def test_page_search_with_more_found_than_listed_says_so(record_world, monkeypatch):
    """The search lists SEARCH_LIMIT households; with more found it said "找到 20 户" all the same."""
    from ui import household as HU

    _, path = record_world
    monkeypatch.setattr(HU, "SEARCH_LIMIT", 2)
    at = F.signed_in_app(monkeypatch, path, "admin", today=TODAY, page="pages/household.py")
    at.text_input(key="household_page.query").input("H0").run()  # H01 … H08: more than 2
    assert not at.exception
    pick = at.selectbox(key="household_page.pick")
    assert pick.label == t("household.search_capped", n=2) and len(pick.options) == 2
    at.text_input(key="household_page.query").input("H01").run()  # exactly one: its count
    assert at.selectbox(key="household_page.pick").label == t("household.search_pick", n=1)
