"""民意调查 (issue 21, part 3): sample sizes per township, the seeded draw and its reproducibility, the
months left out, the call sheets and their masking, answers recorded and imported (audited), the
results with the Wilson interval against a published value, the survey page, the command line.

The tiny world (tests/factories.py) gets 1,500 more households of 2 people in 一镇 (T1) and 30 of 3
people in 二镇 (T2):

- T1: 1,506 active households; the factory's 6 have no members recorded and count as the mean, 2 —
  3,012 residents; 2 % is 60.24 → 61 households.
- T2: 32 active households of 3 — 96 residents; 2 % is 1.92, less than 20 → 20 households.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from analytics import survey as S
from auth import audit
from auth.users import User
from i18n import Message, t
from tests import factories as F
from tests.test_cli import run

D = dt.date
DEC = D(2026, 12, 1)
TODAY = D(2026, 12, 20)


def grow(con) -> None:
    con.execute(f"""INSERT INTO households (code, head_name, phone, grid_code, status, members)
                    SELECT 'N' || lpad(CAST(i AS VARCHAR), 4, '0'), '住户' || i,
                           '139' || lpad(CAST(i AS VARCHAR), 8, '0'),
                           '{F.G111}', 'active', 2 FROM generate_series(0, 1499) t(i)""")
    con.execute(f"""INSERT INTO households (code, head_name, phone, grid_code, status, members)
                    SELECT 'M' || lpad(CAST(i AS VARCHAR), 4, '0'), '住户' || i,
                           '137' || lpad(CAST(i AS VARCHAR), 8, '0'),
                           '{F.G211}', 'active', 3 FROM generate_series(0, 29) t(i)""")
    con.execute("UPDATE households SET members = 3 WHERE code IN ('H08', 'H09')")


@pytest.fixture()
def county(tiny):
    con, path = tiny
    grow(con)
    return con, path


# ----------------------------------------------------------------------------- sizes and the draw


@pytest.mark.parametrize(
    "residents,eligible,size",
    [(3012, 1506, 61), (96, 32, 20), (96, 12, 12), (1000, 999, 20), (5000, 4000, 100), (0, 0, 0)],
)
def test_sample_size(residents, eligible, size):
    assert S.sample_size(residents, eligible, 0.02, 20) == size


def test_plan_per_township(county):
    con, _ = county
    plan = S.plan(con, DEC).set_index("township_code")
    assert plan.loc[F.T1, ["residents", "households", "eligible", "sample_size"]].tolist() == [3012, 1506, 1506, 61]
    assert plan.loc[F.T2, ["residents", "households", "eligible", "sample_size"]].tolist() == [96, 32, 32, 20]
    audit.set_rule(con, "survey_share", 0.05, actor="admin")
    audit.set_rule(con, "survey_min", 25, actor="admin")
    plan = S.plan(con, DEC).set_index("township_code")
    assert plan.loc[F.T1, "sample_size"] == 151 and plan.loc[F.T2, "sample_size"] == 25


def test_draw_is_stratified_and_reproducible(county):
    con, _ = county
    first = S.draw(con, DEC, seed=7)
    sizes = first.sample.groupby("township_code").size().to_dict()
    assert sizes == {F.T1: 61, F.T2: 20}
    assert first.sample["household_code"].is_unique
    t2 = set(first.sample.loc[first.sample["township_code"] == F.T2, "household_code"])
    assert t2 <= {"H08", "H09"} | {f"M{i:04d}" for i in range(30)}
    again = S.draw(con, DEC, seed=7)
    pd.testing.assert_frame_equal(first.sample, again.sample)
    other = S.draw(con, DEC, seed=8)
    assert set(other.sample["household_code"]) != set(first.sample["household_code"])
    stored = S.sample(con, DEC)
    assert (
        stored["household_code"].tolist()
        == other.sample.sort_values(["township_code", "position"])["household_code"].tolist()
    )
    default = S.draw(con, DEC)
    assert default.seed == 202612
    assert len(audit.search(con, action="survey_draw")) == 4


def test_draw_sample_alone_is_deterministic():
    frame = pd.DataFrame({"township_code": ["A"] * 50 + ["B"] * 5, "household_code": [f"h{i}" for i in range(55)]})
    a = S.draw_sample(frame, {"A": 10, "B": 20}, seed=3)
    b = S.draw_sample(frame, {"A": 10, "B": 20}, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a.groupby("township_code").size().to_dict() == {"A": 10, "B": 5}
    assert a["position"].tolist()[:3] == [1, 2, 3]


def test_households_surveyed_lately_are_left_out(county):
    con, _ = county
    dec = S.draw(con, DEC, seed=1)
    jan = S.plan(con, D(2027, 1, 1)).set_index("township_code")
    assert jan.loc[F.T1, "eligible"] == 1506 - 61 and jan.loc[F.T2, "eligible"] == 32 - 20
    jan_draw = S.draw(con, D(2027, 1, 1), seed=1)
    assert not set(jan_draw.sample["household_code"]) & set(dec.sample["household_code"])
    # six months later December is no longer left out (only 2027-01 … 2027-06 are)
    jul = S.plan(con, D(2027, 7, 1)).set_index("township_code")
    assert jul.loc[F.T1, "eligible"] == 1506 - 61


def test_redraw_refused_once_answered(county):
    con, _ = county
    d = S.draw(con, DEC, seed=1)
    code = d.sample["household_code"].iloc[0]
    S.record(con, DEC, code, {1: "满意"}, method="电话", answered_on=D(2026, 12, 3), today=TODAY)
    with pytest.raises(S.SurveyError) as e:
        S.draw(con, DEC, seed=2)
    assert (e.value.key, e.value.params) == ("survey.error.has_answers", {"month": "2026-12", "answers": 1})


def test_nothing_to_draw(tmp_path, tiny):
    from store import db

    con = db.connect(tmp_path / "empty.duckdb")
    with pytest.raises(S.SurveyError) as e:
        S.draw(con, DEC)
    assert e.value.key == "survey.error.no_households"
    small, _ = tiny  # 8 households: December takes them all
    assert len(S.draw(small, DEC).sample) == 8
    with pytest.raises(S.SurveyError) as e:
        S.draw(small, D(2027, 1, 1))
    assert (e.value.key, e.value.params) == ("survey.error.all_drawn", {"months": 6})


# ----------------------------------------------------------------------------- the interval and the results


def test_wilson_against_a_published_value():
    # Newcombe (1998), Statistics in Medicine 17:857, Table I: 81 of 263 → 0.2553 – 0.3662
    lo, hi = S.wilson(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)
    lo, hi = S.wilson(0, 10)  # no successes: the interval still has width
    assert lo == 0.0 and round(hi, 4) == 0.2775
    assert S.wilson(0, 0) == (None, None)


def test_results_per_township(county):
    con, _ = county
    d = S.draw(con, DEC, seed=5)
    t2 = d.sample[d.sample["township_code"] == F.T2]["household_code"].tolist()
    # T2: 12 satisfied, 3 partly, 1 unsatisfied, 2 not reached, 2 not yet recorded
    plan = ["满意"] * 12 + ["基本满意"] * 3 + ["不满意"] + ["未联系上"] * 2
    for code, a in zip(t2, plan):
        S.record(
            con,
            DEC,
            code,
            {1: a, 2: a if a != "满意" else "基本满意"},
            method="电话",
            answered_on=D(2026, 12, 5),
            today=TODAY,
        )
    r = S.results(con, DEC).set_index("code")
    row = r.loc[F.T2]
    assert row[["sampled", "recorded", "reached", "answered", "satisfied"]].tolist() == [20, 18, 16, 16, 12]
    assert row["response_rate"] == 0.8 and row["satisfaction"] == 0.75
    lo, hi = S.wilson(12, 16)
    assert (row["ci_low"], row["ci_high"]) == (round(lo, 4), round(hi, 4))
    assert row["benchmark"] == 0.965
    assert pd.isna(r.loc[F.T1, "satisfaction"]) and r.loc[F.T1, "response_rate"] == 0.0
    q = S.question_results(con, DEC).set_index(["code", "question_id"])
    assert q.loc[(F.T2, 2), "satisfied"] == 0 and q.loc[(F.T2, 2), "partly"] == 15
    assert len(audit.search(con, action="survey_response")) == 18


def test_record_refuses_what_does_not_fit(county):
    con, _ = county
    S.draw(con, DEC, seed=5)
    inside = S.sample(con, DEC)["household_code"].iloc[0]
    with pytest.raises(S.SurveyError) as e:
        S.record(con, DEC, "H03", {1: "满意"}, today=TODAY)
    assert (e.value.key, e.value.params) == ("survey.error.not_in_sample", {"code": "H03", "month": "2026-12"})
    with pytest.raises(S.SurveyError) as e:
        S.record(con, DEC, inside, {1: "还行"}, today=TODAY)
    assert (e.value.key, e.value.params) == ("survey.error.answer", {"value": "还行"})
    with pytest.raises(S.SurveyError) as e:
        S.record(con, DEC, inside, {1: "满意"}, answered_on=D(2026, 11, 30), today=TODAY)
    assert (e.value.key, e.value.params) == (
        "survey.error.date_range",
        {"date": D(2026, 11, 30), "start": DEC, "end": TODAY},
    )
    assert S.record(con, DEC, inside, {1: "满意", 2: ""}, method="入户", today=TODAY) == 1
    assert S.record(con, DEC, inside, {1: "满意"}, method="入户", today=TODAY) == 0  # nothing changed


# ----------------------------------------------------------------------------- call sheets and their import


def _sheet(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_call_sheets_mask_phones_for_those_who_do_not_call(county):
    con, _ = county
    S.draw(con, DEC, seed=5)
    admin = _sheet(S.call_sheets(con, DEC, None))
    assert admin.sheetnames == ["说明", "一镇", "二镇"]
    ws = admin["二镇"]
    head = [c.value for c in ws[3]]
    assert head[:7] == S.SHEET_HEAD and head[7].startswith("Q1 ") and head[-3:] == S.SHEET_TAIL
    assert ws.max_row == 3 + 20
    phones = [ws.cell(r, 4).value for r in range(4, 24)]
    assert all(p and "*" not in p for p in phones if p)
    assert any(p and p.startswith("137") for p in phones)
    leader = _sheet(S.call_sheets(con, DEC, User("leader", "leader", [F.COUNTY])))["二镇"]
    masked = [leader.cell(r, 4).value for r in range(4, 24) if leader.cell(r, 4).value]
    assert masked and all("****" in p for p in masked)
    assert all("*" in (leader.cell(r, 3).value or "*") for r in range(4, 24))


def test_import_of_a_returned_call_sheet(county, tmp_path):
    con, _ = county
    d = S.draw(con, DEC, seed=5)
    codes = S.sample(con, DEC)
    t2 = codes[codes["township_code"] == F.T2]["household_code"].tolist()
    wb = _sheet(S.call_sheets(con, DEC, None))
    ws = wb["二镇"]
    row_of = {ws.cell(r, 2).value: r for r in range(4, ws.max_row + 1)}
    ws.cell(row_of[t2[0]], 8).value = "满意"
    ws.cell(row_of[t2[0]], 9).value = "基本满意"
    ws.cell(row_of[t2[0]], 11).value = "电话"
    ws.cell(row_of[t2[0]], 12).value = dt.datetime(2026, 12, 4)
    ws.cell(row_of[t2[1]], 8).value = "未接通"
    ws.cell(row_of[t2[2]], 8).value = "还行"  # not an answer
    ws.cell(row_of[t2[3]], 8).value = "满意"
    ws.cell(row_of[t2[3]], 12).value = "2027-01-05"  # after today
    ws.cell(row_of[t2[4]], 2).value = "H03"  # not in the sample
    ws.cell(row_of[t2[4]], 8).value = "满意"
    f = tmp_path / "returned.xlsx"
    wb.save(f)
    res = S.import_sheet(con, f, DEC, today=TODAY)
    assert (res.households, res.answers) == (2, 3)
    assert [(e.row, e.column, e.message.key, e.message.params) for e in res.errors] == [
        (row_of[t2[2]], "Q1", "survey.error.answer", {"value": "还行"}),
        (row_of[t2[3]], "调查日期", "survey.error.date_range", {"date": D(2027, 1, 5), "start": DEC, "end": TODAY}),
        (row_of[t2[4]], "户编号", "survey.error.not_in_sample", {"code": "H03", "month": "2026-12"}),
    ]
    first = res.errors[0]
    refusal = Message("survey.error.answer", value="还行")
    assert first.line() == f"returned.xlsx[二镇] row {row_of[t2[2]]} column Q1: {refusal}"
    assert first.text("en") == t(
        "ingest.row_line",
        "en",
        source="returned.xlsx[二镇]",
        row=row_of[t2[2]],
        column="Q1",
        message=t("survey.error.answer", "en", value="还行"),
    )
    a = S.answers(con, DEC).set_index(["household_code", "question_id"])
    assert a.loc[(t2[0], 1), "answer"] == "satisfied" and a.loc[(t2[0], 2), "answer"] == "partly"
    assert a.loc[(t2[0], 1), "method"] == "phone" and a.loc[(t2[0], 1), "answered_on"] == pd.Timestamp(2026, 12, 4)
    assert a.loc[(t2[1], 1), "answer"] == "not_reached"
    again = S.import_sheet(con, f, DEC, today=TODAY)
    assert (again.households, again.answers, again.unchanged) == (0, 0, 2)
    assert audit.search(con, action="import")["detail"].iloc[0] == "survey 2026-12 returned.xlsx"
    assert d.month == DEC


def test_import_refuses_a_file_that_is_no_call_sheet(county, tmp_path):
    from ingest.errors import ImportFailed

    con, _ = county
    S.draw(con, DEC, seed=5)
    f = F.write_csv(tmp_path / "x.csv", ["户编号"], [["H01"]])
    with pytest.raises(ImportFailed) as e:
        S.import_sheet(con, f, DEC)
    assert e.value.key == "survey.error.not_xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(ImportFailed) as e:
        S.import_sheet(con, tmp_path / "other.xlsx", DEC)
    assert e.value.key == "survey.error.no_call_sheet"
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(ImportFailed) as e:
        S.import_sheet(con, tmp_path / "broken.xlsx", DEC)
    assert e.value.key == "ingest.error.excel"


# ----------------------------------------------------------------------------- the questionnaire


def test_questionnaire_edits(county):
    con, _ = county
    S.draw(con, DEC, seed=5)
    code = S.sample(con, DEC)["household_code"].iloc[0]
    S.record(con, DEC, code, {3: "满意"}, today=TODAY)
    q = S.questions(con)[["id", "text", "active"]]
    new = pd.DataFrame(
        {"id": [2, 1, None], "text": ["改过的第二题？", q["text"].iloc[0], "新的问题？"], "active": [True, True, True]}
    )
    out = S.save_questions(con, new, actor="admin")
    active = out[out["active"]]
    assert active["id"].tolist() == [2, 1, 4] and active["text"].iloc[0] == "改过的第二题？"
    assert out.set_index("id").loc[3, "active"] == False  # noqa: E712 — answered: kept, inactive
    assert len(audit.search(con, action="survey_questions")) == 1
    # the month keeps the overall question it was drawn with
    assert S.drawn(con, DEC).overall_question == 1
    with pytest.raises(S.SurveyError) as e:
        S.save_questions(con, pd.DataFrame({"id": [1], "text": ["x"], "active": [False]}))
    assert e.value.key == "survey.error.no_active_question"
    with pytest.raises(S.SurveyError) as e:
        S.save_questions(con, pd.DataFrame({"id": [1], "text": [" "], "active": [True]}))
    assert (e.value.key, e.value.params) == ("survey.error.question_empty", {"n": 1})


# ----------------------------------------------------------------------------- the monthly 通报


def test_monthly_report_weighs_the_survey(county):
    from analytics import monthly

    con, _ = county
    d = S.draw(con, DEC, seed=5)
    t2 = d.sample[d.sample["township_code"] == F.T2]["household_code"].tolist()
    for code, a in zip(t2, ["满意"] * 3 + ["不满意"]):  # 3 of 4: 75 %
        S.record(con, DEC, code, {1: a}, today=TODAY)
    tables = monthly.monthly_tables(con, "2026-12", as_of=TODAY)
    towns = tables["townships"].set_index("code")
    assert towns.loc[F.T2, "survey_satisfaction"] == 0.75 and pd.isna(towns.loc[F.T1, "survey_satisfaction"])
    rates = towns.loc[F.T2, list(monthly.SCORED)].astype(float)
    assert towns.loc[F.T2, "score"] == round((0.23 * 0.75 + 0.77 * rates.mean()) * 100, 1)
    t1 = towns.loc[F.T1, list(monthly.SCORED)].astype(float)
    assert towns.loc[F.T1, "score"] == round(t1.mean() * 100, 1)  # no survey answer: the mean alone
    assert "survey_satisfaction" not in tables["villages"][F.T2].columns
    audit.set_rule(con, "survey_weight", 0.5, actor="admin")
    again = monthly.monthly_tables(con, "2026-12", as_of=TODAY)["townships"].set_index("code")
    assert again.loc[F.T2, "score"] == round((0.5 * 0.75 + 0.5 * rates.mean()) * 100, 1)
    book = openpyxl.load_workbook(io.BytesIO(monthly.monthly_workbook(con, "2026-12", as_of=TODAY)))
    head = [c.value for c in book.worksheets[0][3]]
    assert t("col.survey_satisfaction") in head
    notes = [c.value for c in book.worksheets[-1]["A"] if c.value]
    assert any("民意调查满意率占 50%" in n for n in notes)


# ----------------------------------------------------------------------------- command line = page


def test_cli_draw_import_results(county, tmp_path):
    con, path = county
    con.close()
    env = {"LIANXIN_TODAY": TODAY.isoformat()}
    out = tmp_path / "calls.xlsx"
    p = run("survey", "draw", "--month", "2026-12", "--output", str(out), db=path, env=env)
    assert p.returncode == 0, p.stderr
    assert "survey 2026-12: 81 households drawn in 2 townships (seed 202612)" in p.stdout
    first = out.read_bytes()
    p = run("survey", "draw", "--month", "2026-12", "--output", str(out), db=path, env=env)
    wb1, wb2 = _sheet(first), _sheet(out.read_bytes())
    assert [[c.value for c in r] for r in wb1["一镇"].iter_rows()] == [
        [c.value for c in r] for r in wb2["一镇"].iter_rows()
    ]
    ws = wb2["二镇"]
    ws.cell(4, 8).value = "满意"
    ws.cell(5, 8).value = "不满意"
    ws.cell(6, 8).value = "很好"
    wb2.save(out)
    p = run("survey", "import", str(out), "--month", "2026-12", "--errors", str(tmp_path / "err.csv"), db=path, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == (
        "calls.xlsx: survey answers recorded for 2 households (2 answers), unchanged 0, blank 78, rejected 1"
    )
    assert f"calls.xlsx[二镇] row 6 column Q1: {Message('survey.error.answer', value='很好')}\n" in p.stderr
    assert (tmp_path / "err.csv").exists()
    p = run("survey", "results", "--month", "2026-12", "--format", "csv", db=path, env=env)
    got = pd.read_csv(io.StringIO(p.stdout.lstrip("\ufeff")), dtype={"code": str}).set_index("code")
    from store import db

    c = db.connect(path)
    expected = S.results(c, DEC).set_index("code")
    c.close()
    assert got.loc[F.T2, "satisfaction"] == expected.loc[F.T2, "satisfaction"] == 0.5
    assert got.loc[F.T2, "ci_low"] == expected.loc[F.T2, "ci_low"]
    assert got.columns.tolist() == S.RESULT_COLUMNS[1:]
    refused = run("--as", "leader", "survey", "results", "--month", "2026-12", db=path, env=env)
    from auth.permissions import require_command
    from auth.users import AuthError

    with pytest.raises(AuthError) as e:
        require_command(User("leader", "leader"), "survey")
    assert refused.returncode == 1 and e.value.key == "permission.command" and str(e.value) in refused.stderr
    none = run("survey", "results", "--month", "2027-03", db=path, env=env)
    assert none.returncode == 1 and none.stderr.strip() == Message("cli.error.not_drawn", month="2027-03")


def test_survey_page_for_the_administrator(county, monkeypatch):
    con, path = county
    at = F.signed_in_app(monkeypatch, path, "admin", today=TODAY, page="pages/survey.py")
    assert t("survey.not_drawn", month=f"{DEC:%Y-%m}") in [i.value for i in at.info]
    at.button(key="survey_page.draw").click().run()
    assert not at.exception
    assert any("已抽样：81 户" in s.value for s in at.success)
    sampled, response, satisfaction = (t(f"survey.metric.{k}") for k in ("sampled", "response_rate", "satisfaction"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[sampled] == "81" and metrics[response] == "0.0 %" and metrics[satisfaction] == "—"
    assert at.dataframe[0].value["sampled"].tolist() == [61, 20]
    # the answers tab lists 二镇's households in calling order
    at.selectbox(key="survey_page.town").set_value(F.T2).run()
    assert not at.exception
    frame = S.sample(con, DEC)
    t2 = frame[frame["township_code"] == F.T2]["household_code"].tolist()
    S.record(con, DEC, t2[0], {1: "满意"}, today=TODAY)
    S.record(con, DEC, t2[1], {1: "基本满意"}, today=TODAY)
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[satisfaction] == "50.0 %" and metrics[response] == "2.5 %"
    res = at.dataframe[0].value.set_index("code")
    assert res.loc[F.T2, "satisfaction"] == 50.0  # shares shown × 100, "50.0 %"


def test_survey_page_for_the_leader_shows_results_only(county, monkeypatch):
    con, path = county
    S.draw(con, DEC, seed=1)
    at = F.signed_in_app(monkeypatch, path, "leader", today=TODAY, page="pages/survey.py")
    assert at.dataframe[0].value["sampled"].tolist() == [61, 20]
    assert not at.tabs and not [b for b in at.button if b.key == "survey_page.draw"]
    office = F.signed_in_app(monkeypatch, path, "office", today=TODAY)  # the assessed township: no page
    with pytest.raises(ValueError) as e:
        office.switch_page("pages/survey.py")
    assert "survey.py'" not in str(e.value).split("Known pages:")[-1]


def test_the_answer_table_and_its_edits(county):
    con, _ = county
    S.draw(con, DEC, seed=5)
    before = S.answer_table(con, DEC, F.T2)
    assert len(before) == 20 and before["position"].tolist() == list(range(1, 21))
    assert before.columns.tolist() == [
        "position",
        "household_code",
        "head_name",
        "phone",
        "village_name",
        "Q1",
        "Q2",
        "Q3",
        "method",
        "answered_on",
    ]
    assert before["Q1"].isna().all()
    # what Streamlit's data editor hands back: row position → changed cells, dates as ISO text
    edits = {
        0: {"Q1": "满意", "Q2": "基本满意", "method": "电话", "answered_on": "2026-12-05"},
        "3": {"Q1": "未联系上", "Q2": "未联系上", "Q3": "未联系上"},
    }
    assert S.record_edits(con, DEC, before, edits, today=TODAY) == (2, 5)
    after = S.answer_table(con, DEC, F.T2)
    assert after.loc[0, ["Q1", "Q2", "method"]].tolist() == ["满意", "基本满意", "电话"]
    assert after.loc[0, "answered_on"] == D(2026, 12, 5)
    assert after.loc[3, "Q3"] == "未联系上" and pd.isna(after.loc[3, "method"])
    # the same edits again change nothing; a bad one stops with a sentence
    assert S.record_edits(con, DEC, after, edits, today=TODAY) == (0, 0)
    with pytest.raises(S.SurveyError) as e:
        S.record_edits(con, DEC, after, {1: {"Q1": "一般"}}, today=TODAY)
    assert (e.value.key, e.value.params) == ("survey.error.answer", {"value": "一般"})
    leader = S.answer_table(con, DEC, F.T2, User("leader", "leader", [F.COUNTY]))
    assert all("****" in p for p in leader["phone"].dropna())
