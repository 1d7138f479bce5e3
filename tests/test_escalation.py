"""The escalation watch-list (issue 21, part 2): the reasons of each item, the hit rate on a planted
history, the rules as weights, the hotspots page's tab and ``manage.py report watch`` equal to it.

The tiny world (tests/factories.py) plus a planted history, seen on 2026-11-26 (lead 30 days):

- QA0 H04 (甲村) 2026-02-10, closed satisfied 03-01 — not escalated.
- QA  H04 (甲村) 2026-03-02, 8 people, replied 03-05, still open; escalated to the city 2026-05-15.
  On 04-15 it was watched: a repeat of QA0 (+2) and a group (+2) = 4 → on the list: a hit.
- QB  H06 (乙村) 2026-08-03, escalated to the province 08-20: on 07-21 it did not exist: a miss.
- QD  H08 (丙村) 2026-08-10, 6 people, replied 08-12, closed unsatisfied 09-01 — not escalated;
  on the list from 09-01 (unsatisfied +3, group +2).
- QC  H09 (丙村) 2026-10-20, escalated to the city 10-25: on 09-25 it did not exist, but its village
  had QD on the list — a hit through the village when one listed petition lists a village.
- QE  H02 (甲村) 2026-06-01, closed partly satisfied 06-20, escalated to Beijing, no date: undated.

土地征收: 6 received in the year, 4 escalated (QE from today) — 66.7 % against the county's 4 of 10.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from analytics import escalation as E
from auth.audit import set_rule
from i18n import fmt_pct, t
from tests import factories as F
from tests.test_cli import run

D = dt.date
TODAY = D(2026, 11, 26)

PLANTED = [
    # id, received, household, category, people, status, replied, closed, satisfaction, level, escalated_on
    ("QA0", "2026-02-10", "H04", "邻里纠纷", 1, "closed", "2026-02-12", "2026-03-01", "satisfied", "county", None),
    ("QA", "2026-03-02", "H04", "土地征收", 8, "replied", "2026-03-05", None, None, "city", "2026-05-15"),
    ("QB", "2026-08-03", "H06", "土地征收", 1, "in_progress", None, None, None, "province", "2026-08-20"),
    ("QD", "2026-08-10", "H08", "土地征收", 6, "closed", "2026-08-12", "2026-09-01", "unsatisfied", "county", None),
    ("QC", "2026-10-20", "H09", "土地征收", 1, "received", None, None, None, "city", "2026-10-25"),
    ("QE", "2026-06-01", "H02", "土地征收", 1, "closed", "2026-06-03", "2026-06-20", "partly", "national", None),
]


def plant(con) -> None:
    for pid, rec, hh, cat, people, status, rep, clo, sat, level, esc in PLANTED:
        con.execute(
            """INSERT INTO petitions (id, received_on, household_code, category, channel, people, status,
                       replied_on, closed_on, satisfaction, level_reached, escalated_on)
                       VALUES (?, ?, ?, ?, '来访', ?, ?, ?, ?, ?, ?, ?)""",
            [pid, rec, hh, cat, people, status, rep, clo, sat, level, esc],
        )


@pytest.fixture()
def history(tiny):
    con, path = tiny
    plant(con)
    return con, path


def _reasons(wl: E.WatchList, pid: str) -> list[str]:
    row = wl.petitions[wl.petitions["id"] == pid]
    assert len(row) == 1, f"{pid} not listed"
    return [k for k, _ in row["reasons"].iloc[0]]


# ----------------------------------------------------------------------------- the reasons


def test_todays_list_and_reasons(history):
    con, _ = history
    wl = E.watch_list(con, TODAY)
    # QD: closed unsatisfied 86 days ago (still watched), a group, and 土地征收 escalates most (4 of 6)
    assert _reasons(wl, "QD") == ["unsatisfied", "group", "category"]
    assert wl.petitions.set_index("id").loc["QD", "score"] == 3 + 2 + 1
    # P2 (factory): 6 people, no reply 48 days after receipt
    assert _reasons(wl, "P2") == ["overdue", "group"]
    overdue = dict(wl.petitions.set_index("id").loc["P2", "reasons"])["overdue"]
    assert overdue["days"] > 30 and overdue["weight"] == 2
    # listed highest score first; escalated, closed-satisfied and low-score petitions are not listed
    assert wl.petitions["id"].tolist() == ["QD", "P2"]
    assert wl.watched == 4  # QD, P2, P3, P4 are watched at all
    cat = dict(wl.petitions.set_index("id").loc["QD", "reasons"])["category"]
    assert cat["category"] == "土地征收" and cat["rate"] == pytest.approx(4 / 6)
    assert cat["county_rate"] == pytest.approx(4 / 10)
    assert wl.villages.empty  # one listed petition is 1 point: not enough


def test_reason_text_in_both_languages(history):
    con, _ = history
    wl = E.watch_list(con, TODAY)
    reasons = wl.petitions.set_index("id").loc["QD", "reasons"]
    for lang in ("zh", "en"):
        rates = {"rate": fmt_pct(4 / 6, lang), "county_rate": fmt_pct(0.4, lang)}
        words = [
            t("watch.reason.unsatisfied", lang, weight=3),
            t("watch.reason.group", lang, people=6, weight=2),
            t("watch.reason.category", lang, category="土地征收", weight=1, **rates),
        ]
        assert E.reason_text(reasons, lang) == t("watch.reason_sep", lang).join(words)
    assert "66.7 %" in E.reason_text(reasons, "zh")


def test_weights_are_rules(history):
    con, _ = history
    set_rule(con, "watch_w_group", 0, actor="admin")
    set_rule(con, "watch_w_village_listed", 3, actor="admin")
    wl = E.watch_list(con, TODAY)
    assert wl.petitions["id"].tolist() == ["QD"]  # P2 is 2 points now (overdue only)
    assert wl.petitions["score"].tolist() == [4.0]
    assert wl.villages["code"].tolist() == [F.V21]
    assert [k for k, _ in wl.villages["reasons"].iloc[0]] == ["listed"]


def test_hotspot_factor_from_the_village_pattern(history):
    con, _ = history
    r = E.rules(con)
    f = E.facts(con, TODAY)
    plain = E.score(f, TODAY, r, TODAY).frame.set_index("id")
    patterns = pd.Series({F.V12: "intensifying_hot", F.V21: "sporadic_hot"})
    rising = E.score(f, TODAY, r, TODAY, patterns).frame.set_index("id")
    assert not plain.loc["P3", "f_hotspot"]
    assert rising.loc["P2", "f_hotspot"] and rising.loc["P2", "score"] == plain.loc["P2", "score"] + 1
    assert not rising.loc["QD", "f_hotspot"]  # sporadic is not "rising"


# ----------------------------------------------------------------------------- the hit rate


def test_hit_rate_on_the_planted_history(history):
    con, _ = history
    set_rule(con, "watch_w_village_listed", 3, actor="admin")  # one listed petition lists its village
    hr = E.hit_rate(con, TODAY)
    assert (hr.escalated, hr.hits, hr.via_petition, hr.undated) == (3, 2, 1, 1)
    assert hr.share == pytest.approx(2 / 3, abs=1e-4)
    rows = hr.rows.set_index("id")
    assert rows.loc["QA", "checked_on"] == D(2026, 4, 15) and rows.loc["QA", "listed"]
    assert rows.loc["QA", "score"] == 4
    assert not rows.loc["QB", "hit"]
    assert rows.loc["QC", "village_listed"] and not rows.loc["QC", "listed"] and rows.loc["QC", "hit"]
    # the list's length on the three days checked: 04-15 QA and its village; 07-21 nothing (QE, closed
    # partly satisfied, scores 1); 09-25 QD and its village
    assert hr.mean_petitions == pytest.approx(0.7) and hr.mean_villages == pytest.approx(0.7)


def test_hit_rate_needs_dated_escalations(tiny):
    con, _ = tiny
    hr = E.hit_rate(con, TODAY)
    assert hr.share is None and hr.escalated == 0 and hr.rows.empty


def test_scope_limits_the_list(history):
    con, _ = history
    wl = E.watch_list(con, TODAY, scope=[F.T1])
    assert wl.petitions["id"].tolist() == ["P2"]  # QD lives in 二镇
    hr = E.hit_rate(con, TODAY, scope=[F.T2])
    assert hr.rows["id"].tolist() == ["QC"]


# ----------------------------------------------------------------------------- command line = page


def test_cli_equals_the_function(history):
    con, path = history
    expected = E.report(E.watch_list(con, TODAY), "en")
    con.close()
    p = run("report", "watch", "--format", "csv", db=path, env={"LIANXIN_TODAY": TODAY.isoformat()})
    assert p.returncode == 0, p.stderr
    got = pd.read_csv(io.StringIO(p.stdout.lstrip("\ufeff")), dtype=str)
    assert got.columns.tolist() == E.REPORT_COLUMNS
    assert got["id"].tolist() == expected["id"].tolist() == ["QD", "P2"]
    assert got["reasons"].tolist() == expected["reasons"].tolist()
    assert "hit rate: 1 of 3 petitions" in p.stderr  # village_listed is 1 point here: QC is missed
    zh = run("report", "watch", "--lang", "zh", db=path, env={"LIANXIN_TODAY": TODAY.isoformat()})
    assert zh.returncode == 0 and t("watch.reason.unsatisfied", weight=3) in zh.stdout and t("col.score") in zh.stdout


def test_hotspots_page_tab(history, monkeypatch):
    con, path = history
    set_rule(con, "watch_w_village_listed", 3, actor="admin")
    at = F.signed_in_app(monkeypatch, path, "leader", today=TODAY, page="pages/hotspots.py")
    assert t("watch.metric.hit_rate") not in {m.label for m in at.metric}  # drawn only once its tab is open
    at.session_state["hotspots_page.tabs"] = t("watch.tab")
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("watch.metric.petitions")] == "2" and metrics[t("watch.metric.villages")] == "2"  # 乙村, 丙村
    assert metrics[t("watch.metric.hit_rate")] == "66.7 %"
    assert metrics[t("watch.metric.length")] == t("watch.metric.length_value", petitions=1, villages=1)
    frames = [d.value for d in at.dataframe]
    reasons = t("col.reasons")
    listed = next(df for df in frames if reasons in df.columns and t("col.received_on") in df.columns)
    assert listed[t("col.id")].tolist() == ["QD", "P2"]
    assert listed[reasons].iloc[0].startswith(t("watch.reason.unsatisfied", weight=3))
    assert not at.exception


# ----------------------------------------------------------------------------- where escalations come from


def test_petition_import_carries_escalations(tiny, tmp_path):
    from ingest.tables import load

    con, _ = tiny
    f = F.write_csv(
        tmp_path / "p.csv",
        ["编号", "受理日期", "户编号", "到达层级", "越级日期"],
        [
            ["P1", "2026-10-08", "H01", "市", "2026-11-01"],
            ["P9", "2026-10-08", "H01", "县", "2026-11-01"],
            ["P8", "2026-10-08", "H01", "省", "2026-10-01"],
            ["P7", "2026-10-08", "H01", "京城", ""],
        ],
    )
    res = load(con, "petitions", f)
    assert [(e.row, e.column, e.message.key) for e in res.errors] == [
        (3, "越级日期", "ingest.error.escalation_level"),
        (4, "越级日期", "ingest.error.before_received"),
        (5, "到达层级", "ingest.error.choice"),
    ]
    assert res.errors[1].message.params == {"date": "2026-10-01", "received": "2026-10-08"}
    assert res.errors[2].text("zh") == (
        "p.csv 第 5 行「到达层级」列：到达层级「京城」无法识别"
        "（可用：县、区、县级、市、市级、省、省级、京、进京、国家、中央）"
    )
    assert res.errors[2].line().startswith("p.csv row 5 column 到达层级: 到达层级「京城」无法识别")
    assert con.execute("SELECT level_reached, escalated_on FROM petitions WHERE id = 'P1'").fetchone() == (
        "city",
        D(2026, 11, 1),
    )
    # a file without the columns keeps the stored escalation
    g = F.write_csv(tmp_path / "q.csv", ["编号", "受理日期", "户编号"], [["P1", "2026-10-08", "H01"]])
    assert load(con, "petitions", g).errors == []
    assert con.execute("SELECT level_reached, escalated_on FROM petitions WHERE id = 'P1'").fetchone() == (
        "city",
        D(2026, 11, 1),
    )
    assert load(con, "petitions", f).summary().startswith("p.csv: petitions imported 0, updated 0, skipped 1")


def test_demo_history_escalates_for_reasons():
    """The demo generator's petitions: escalations dated after receipt, likelier with the watched causes."""
    from demo.generate import generate, load_outline
    from demo.build import OUTLINE

    w = generate(
        load_outline(OUTLINE),
        households=6000,
        seed=1,
        today=TODAY,
        townships=6,
        villages_per_township=4,
        grids_per_village=3,
    )
    p = w.petitions
    esc = p["level_reached"].isin(["city", "province", "national"])
    assert 0.02 < esc.mean() < 0.15
    assert p.loc[esc, "escalated_on"].notna().all() and p.loc[~esc, "escalated_on"].isna().all()
    assert (p.loc[esc, "escalated_on"] > p.loc[esc, "received_on"]).all()
    assert (p.loc[esc, "escalated_on"] <= TODAY).all()
    unsatisfied = p["satisfaction"] == "unsatisfied"
    assert esc[unsatisfied].mean() > 2 * esc[p["satisfaction"] == "satisfied"].mean()
    seq = p[p["household_code"].notna()].sort_values("received_on").groupby("household_code")["received_on"]
    gaps = seq.diff().dropna().map(lambda d: d.days)
    assert (gaps <= 90).sum() >= 5  # repeat petitioners exist
