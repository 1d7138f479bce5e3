"""Grid responsibility (issue 11): directory, gaps, search, reassignment with history, CLI, page."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

import manage
from analytics import grids as G
from analytics import reports
from auth import audit
from auth.users import get_user
from i18n import t
from store import db
from tests import factories as F

ON = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def tiny_ro(tiny_template, tmp_path_factory):
    """conftest's tiny_ro with H04's address on a street (一镇幸福路12号), for the search by address."""
    path = F.copy_db(tiny_template, tmp_path_factory.mktemp("grids_ro"))
    con = db.connect(path)
    con.execute("UPDATE households SET address = '一镇幸福路12号' WHERE code = 'H04'")
    yield con, path
    con.close()
    F.drop_db(path)


def _row(d: pd.DataFrame, code: str) -> pd.Series:
    return d.set_index("code").loc[code]


def _blank(v) -> bool:
    return v is None or bool(pd.isna(v))


# ----------------------------------------------------------------------------- directory


def test_directory_contract_columns_first(tiny_ro):
    con, _ = tiny_ro
    d = G.grid_directory(con, F.COUNTY, None, on=ON)
    assert d.columns[:7].tolist() == G.GRID_COLUMNS
    assert d["code"].tolist() == [F.G111, F.G112, F.G121, F.G211, F.G212]


def test_directory_tiny_world(tiny_ro):
    con, _ = tiny_ro
    d = G.grid_directory(con, F.COUNTY, None, on=ON)
    # H03 moved away: only active households count
    assert dict(zip(d["code"], d["households"])) == {F.G111: 2, F.G112: 2, F.G121: 2, F.G211: 2, F.G212: 0}
    assert dict(zip(d["code"], d["village_code"])) == {
        F.G111: F.V11,
        F.G112: F.V11,
        F.G121: F.V12,
        F.G211: F.V21,
        F.G212: F.V21,
    }
    g111, g121, g211, g212 = (_row(d, c) for c in (F.G111, F.G121, F.G211, F.G212))
    assert (g111["leader_id"], g111["leader_name"], g111["members"]) == ("S1", "网格长甲", 0)
    assert (g121["leader_id"], g121["leader_name"]) == ("S2", "网格长乙")
    assert _blank(g211["leader_id"]) and g211["members"] == 1 and g211["member_names"] == "网格员丙"
    assert _blank(g212["leader_id"]) and g212["members"] == 0 and g212["staff_count"] == 0
    assert dict(zip(d["code"], d["status"])) == {
        F.G111: "ok",
        F.G112: "ok",
        F.G121: "ok",
        F.G211: "leader_vacant",
        F.G212: "no_staff",
    }
    assert not d["multiple_leaders"].any()


def test_directory_area_levels_and_scope(tiny_ro):
    con, _ = tiny_ro
    assert G.grid_directory(con, F.T1, None, on=ON)["code"].tolist() == [F.G111, F.G112, F.G121]
    assert G.grid_directory(con, F.V21, None, on=ON)["code"].tolist() == [F.G211, F.G212]
    assert G.grid_directory(con, F.G112, None, on=ON)["code"].tolist() == [F.G112]
    # a township office sees nothing of the other township
    assert G.grid_directory(con, F.COUNTY, [F.T1], on=ON)["code"].tolist() == [F.G111, F.G112, F.G121]
    assert G.grid_directory(con, F.T2, [F.T1], on=ON).empty
    assert G.grid_directory(con, None, [F.V21], on=ON)["code"].tolist() == [F.G211, F.G212]


def test_directory_unknown_area(tiny_ro):
    con, _ = tiny_ro
    with pytest.raises(G.GridError) as e:
        G.grid_directory(con, "NOPE")
    assert (e.value.key, e.value.params) == ("grid.error.no_area", {"area": "NOPE"})
    assert e.value.text("en") == t("grid.error.no_area", "en", area="NOPE")


def test_overload_with_a_low_rule(tiny):
    con, _ = tiny
    assert G.grid_directory(con, F.COUNTY, on=ON)["overloaded"].sum() == 0
    audit.set_rule(con, "households_per_staff_max", 1, actor="admin")
    d = G.grid_directory(con, F.COUNTY, on=ON)
    assert dict(zip(d["code"], d["status"])) == {
        F.G111: "overloaded",
        F.G112: "overloaded",
        F.G121: "overloaded",
        F.G211: "leader_vacant",
        F.G212: "no_staff",
    }
    # G211 is overloaded too (2 households, 1 member) but a vacant leader is the worse problem
    assert dict(zip(d["code"], d["overloaded"])) == {
        F.G111: True,
        F.G112: True,
        F.G121: True,
        F.G211: True,
        F.G212: False,
    }
    assert _row(d, F.G111)["households_per_staff"] == 2.0
    assert G.status_counts(d) == {"no_staff": 1, "leader_vacant": 1, "overloaded": 3, "ok": 0}
    assert len(G.gaps(con, F.COUNTY, on=ON).overloaded) == 4
    audit.set_rule(con, "households_per_staff_max", 2, actor="admin")
    assert G.status_counts(G.grid_directory(con, F.COUNTY, on=ON))["overloaded"] == 0


def test_several_leaders_first_by_id_and_flagged(tiny):
    con, _ = tiny
    con.execute("INSERT INTO staff (id, name, role) VALUES ('S0', '网格长零', 'grid_leader')")
    con.execute(f"INSERT INTO staff_grids (staff_id, grid_code) VALUES ('S0', '{F.G112}')")
    g = _row(G.grid_directory(con, F.COUNTY, on=ON), F.G112)
    assert (g["leader_id"], g["leader_name"], g["leader_count"]) == ("S0", "网格长零", 2)
    assert bool(g["multiple_leaders"]) and g["leaders"] == "网格长零、网格长乙"


def test_inactive_staff_are_not_responsible(tiny):
    con, _ = tiny
    con.execute("UPDATE staff SET active = FALSE WHERE id = 'S1'")
    g = _row(G.grid_directory(con, F.COUNTY, on=ON), F.G111)
    assert g["status"] == "no_staff" and _blank(g["leader_id"])


def test_phones_are_masked_and_pairings_listed(tiny):
    con, _ = tiny
    con.execute("UPDATE staff SET phone = '13900001111', rank = NULL WHERE id = 'S1'")
    con.execute("UPDATE staff SET phone = '13900002222' WHERE id = 'S3'")
    con.execute("UPDATE staff SET rank = 2 WHERE id = 'S4'")
    con.execute("INSERT INTO pairings VALUES ('S4', 'H01', NULL), ('S4', 'H03', NULL)")  # H03 moved: not counted
    d = G.grid_directory(con, F.COUNTY, on=ON)
    g111, g211 = _row(d, F.G111), _row(d, F.G211)
    assert g111["leader_phone"] == "139****1111" and g111["leaders"] == "网格长甲 139****1111"
    assert g211["member_contacts"] == "网格员丙 139****2222"
    assert "13900001111" not in d.to_string()
    assert (g111["pairing_leaders"], g111["paired_households"]) == ("书记丁", 1)


# ----------------------------------------------------------------------------- gaps


def test_village_staffing_sums_the_directory_by_village(tiny_ro):
    con, _ = tiny_ro
    v = G.village_staffing(G.grid_directory(con, F.COUNTY, None, on=ON))
    assert v.columns.tolist() == G.VILLAGE_COLUMNS
    assert v[
        ["village_code", "grids", "households", "ok", "leader_vacant", "no_staff", "overloaded"]
    ].values.tolist() == [
        [F.V11, 2, 4, 2, 0, 0, 0],
        [F.V12, 1, 2, 1, 0, 0, 0],
        [F.V21, 2, 2, 0, 1, 1, 0],  # G211 has no leader, G212 nobody
    ]
    assert v["status"].tolist() == ["ok", "ok", "no_staff"]  # the worst of its grids


def test_village_staffing_of_no_grids_has_its_columns():
    assert G.village_staffing(pd.DataFrame(columns=G.GRID_COLUMNS + ["village_name", "status"])).columns.tolist() == (
        G.VILLAGE_COLUMNS
    )


def test_gaps_tiny_world(tiny_ro):
    con, _ = tiny_ro
    gp = G.gaps(con, F.COUNTY, None, on=ON)
    assert gp.vacant[["code", "status"]].values.tolist() == [[F.G211, "leader_vacant"], [F.G212, "no_staff"]]
    assert gp.idle_staff.empty  # S4 is a secretary: secretaries and cadres need no grid
    assert gp.pairing.empty  # nobody has a rank in the tiny world
    # a township office: its grids are all staffed, and the secretary never had a grid there
    t1 = G.gaps(con, F.T1, [F.T1], on=ON)
    assert t1.vacant.empty and t1.idle_staff.empty


def test_gaps_pairing_quotas_by_rank(tiny):
    con, _ = tiny
    con.execute("UPDATE staff SET rank = 2 WHERE id = 'S4'")  # needs 4
    con.execute("UPDATE staff SET rank = 5 WHERE id = 'S1'")  # needs 1
    con.execute("UPDATE staff SET rank = 1 WHERE id = 'S3'")  # needs 5
    con.execute(
        "INSERT INTO pairings VALUES ('S4', 'H01', NULL), ('S4', 'H03', NULL), ('S1', 'H06', NULL), ('S3', 'H08', NULL)"
    )
    p = G.gaps(con, F.COUNTY, on=ON).pairing
    assert p[["staff_id", "rank", "quota", "paired", "missing"]].values.tolist() == [
        ["S3", 1, 5, 1, 4],
        ["S4", 2, 4, 1, 3],
    ]
    audit.set_rule(con, "pairing_quota_rank2", 1, actor="admin")
    assert G.gaps(con, F.COUNTY, on=ON).pairing["staff_id"].tolist() == ["S3"]
    # restricted to township T2: only cadres paired with or responsible for grids there
    assert G.gaps(con, F.T2, [F.T2], on=ON).pairing["staff_id"].tolist() == ["S3"]


def test_grid_staff_without_a_grid_are_idle(tiny):
    con, _ = tiny
    con.execute("INSERT INTO staff (id, name, role, phone) VALUES ('S5', '网格员戊', 'grid_member', '13700001234')")
    idle = G.gaps(con, F.COUNTY, on=ON).idle_staff
    assert idle[["staff_id", "role", "phone"]].values.tolist() == [["S5", "grid_member", "137****1234"]]
    assert G.gaps(con, F.T1, [F.T1], on=ON).idle_staff.empty  # never had a grid: not placed in a township


def test_staff_whose_grid_ended_are_idle(tiny):
    con, _ = tiny
    G.reassign(con, "admin", F.G211, remove_members=["S3"], effective=dt.date(2026, 11, 23))
    gp = G.gaps(con, F.T2, [F.T2], on=dt.date(2026, 11, 24))
    assert gp.idle_staff[["staff_id", "grid_code"]].values.tolist() == [["S3", F.G211]]
    assert gp.vacant[["code", "status"]].values.tolist() == [[F.G211, "no_staff"], [F.G212, "no_staff"]]
    # the day before, S3 still answered for it
    assert G.gaps(con, F.T2, [F.T2], on=dt.date(2026, 11, 22)).idle_staff.empty


# ----------------------------------------------------------------------------- reassignment


def test_reassign_keeps_history_for_quotas(tiny):
    con, _ = tiny
    res = G.reassign(con, "admin", F.G111, leader_id="S2", effective=dt.date(2026, 11, 23))
    assert (res.closed, res.opened) == (["S1"], ["S2"])
    w47 = reports.quotas(con, "2026-W47").set_index("staff_id")
    w48 = reports.quotas(con, "2026-W48").set_index("staff_id")
    assert w47.loc["S1", "grid_code"] == F.G111
    assert F.G111 not in w47.loc["S2", "grid_code"].split("、")
    assert "S1" not in w48.index
    assert F.G111 in w48.loc["S2", "grid_code"].split("、")
    # the directory answers for any date
    assert _row(G.grid_directory(con, F.COUNTY, on=dt.date(2026, 11, 22)), F.G111)["leader_id"] == "S1"
    assert _row(G.grid_directory(con, F.COUNTY, on=dt.date(2026, 11, 23)), F.G111)["leader_id"] == "S2"
    rows = con.execute(
        "SELECT staff_id, valid_from, valid_to FROM staff_grids WHERE grid_code = ? ORDER BY staff_id", [F.G111]
    ).fetchall()
    assert rows == [("S1", None, dt.date(2026, 11, 22)), ("S2", dt.date(2026, 11, 23), None)]
    log = audit.search(con, action="grid_reassign")
    assert len(log) == 1 and log["area"].iloc[0] == F.G111 and log["user_name"].iloc[0] == "admin"
    assert "leader=S2" in log["detail"].iloc[0]


def test_reassign_add_and_remove_members(tiny):
    con, _ = tiny
    eff = dt.date(2026, 12, 1)
    G.reassign(con, "admin", F.G212, add_members=["S3"], effective=eff)
    d = G.grid_directory(con, F.COUNTY, on=eff)
    assert (_row(d, F.G212)["members"], _row(d, F.G212)["status"]) == (1, "leader_vacant")
    assert _row(G.grid_directory(con, F.COUNTY, on=eff - dt.timedelta(days=1)), F.G212)["status"] == "no_staff"
    G.reassign(con, "admin", F.G212, remove_members=["S3"], effective=dt.date(2026, 12, 8))
    assert _row(G.grid_directory(con, F.COUNTY, on=dt.date(2026, 12, 8)), F.G212)["status"] == "no_staff"
    assert _row(G.grid_directory(con, F.COUNTY, on=dt.date(2026, 12, 7)), F.G212)["members"] == 1


def test_reassign_twice_on_the_same_day_leaves_no_empty_interval(tiny):
    con, _ = tiny
    eff = dt.date(2026, 11, 23)
    G.reassign(con, "admin", F.G111, leader_id="S2", effective=eff)
    G.reassign(con, "admin", F.G111, remove_members=["S2"], effective=eff)  # changed their mind
    rows = con.execute(
        "SELECT staff_id, valid_from, valid_to FROM staff_grids WHERE grid_code = ?", [F.G111]
    ).fetchall()
    assert rows == [("S1", None, dt.date(2026, 11, 22))]
    w47 = reports.quotas(con, "2026-W47")
    assert F.G111 not in ",".join(w47.loc[w47["staff_id"] == "S2", "grid_code"])


@pytest.mark.parametrize(
    "kwargs,key",
    [
        (dict(grid_code="NOPE", leader_id="S2"), "grid.error.no_grid"),
        (dict(grid_code=F.V11, leader_id="S2"), "grid.error.no_grid"),
        (dict(grid_code=F.G111, leader_id="S9"), "grid.error.no_staff"),
        (dict(grid_code=F.G111, leader_id="S3"), "grid.error.not_leader"),
        (dict(grid_code=F.G111, add_members=["S2"]), "grid.error.is_leader"),
        (dict(grid_code=F.G111, remove_members=["S3"]), "grid.error.not_responsible"),
        (dict(grid_code=F.G111, leader_id="S1"), "grid.error.no_change"),
        (dict(grid_code=F.G111), "grid.error.no_change"),
        (dict(grid_code=F.G111, add_members=["S3"], remove_members=["S3"]), "grid.error.add_and_remove"),
    ],
)
def test_reassign_refusals(tiny, kwargs, key):
    con, _ = tiny
    before = con.execute("SELECT * FROM staff_grids ORDER BY id").fetchall()
    with pytest.raises(G.GridError) as e:
        G.reassign(con, "admin", effective=dt.date(2026, 11, 23), **kwargs)
    assert e.value.key == key
    assert con.execute("SELECT * FROM staff_grids ORDER BY id").fetchall() == before
    assert audit.search(con, action="grid_reassign").empty


def test_reassign_refuses_a_date_before_the_last_change(tiny):
    con, _ = tiny
    G.reassign(con, "admin", F.G111, leader_id="S2", effective=dt.date(2026, 11, 23))
    with pytest.raises(G.GridError) as e:
        G.reassign(con, "admin", F.G111, add_members=["S3"], effective=dt.date(2026, 11, 20))
    assert e.value.key == "grid.error.before_last_change"
    assert e.value.params == {"effective": "2026-11-20", "grid": F.G111, "last": "2026-11-23"}
    G.reassign(con, "admin", F.G111, add_members=["S3"], effective=dt.date(2026, 11, 23))  # the same day is fine


def test_reassign_by_role_and_scope(tiny):
    con, _ = tiny
    office = get_user(con, "office")  # scope: township T1
    with pytest.raises(G.GridError) as e:
        G.reassign(con, office, F.G211, add_members=["S4"], effective=dt.date(2026, 11, 23))
    assert e.value.key == "grid.error.outside"
    with pytest.raises(G.GridError) as e:
        G.reassign(con, get_user(con, "grid_leader"), F.G111, add_members=["S4"], effective=dt.date(2026, 11, 23))
    assert e.value.key == "grid.error.role"
    G.reassign(con, office, F.G121, add_members=["S4"], effective=dt.date(2026, 11, 23))
    assert audit.search(con, action="grid_reassign")["user_name"].tolist() == ["office"]


# ----------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    "query,first",
    [
        ("张三", "H01"),
        ("H01", "H01"),
        ("h01", "H01"),
        ("幸福路", "H04"),
        ("赵", "H04"),
    ],
)
def test_find_responsible(tiny_ro, query, first):
    con, _ = tiny_ro
    found = G.find_responsible(con, query, None, on=dt.date(2026, 11, 26))
    assert found.columns.tolist() == G.FIND_COLUMNS
    assert found["household_code"].iloc[0] == first


def test_find_responsible_answers(tiny_ro):
    con, _ = tiny_ro
    r = G.find_responsible(con, "张三", None, on=dt.date(2026, 11, 26)).iloc[0]
    assert (r["grid_code"], r["grid_name"], r["village_name"]) == (F.G111, "第一网格", "甲村")
    assert (r["leader_id"], r["leader_name"]) == ("S1", "网格长甲")
    assert (r["last_visit"], r["last_visit_by"]) == (dt.date(2026, 11, 22), "网格长甲")
    # visits after the date are ignored; the member of G211 answers for 吴九
    r = G.find_responsible(con, "吴九", None, on=dt.date(2026, 11, 20)).iloc[0]
    assert _blank(r["leader_id"]) and r["member_names"] == "网格员丙"
    assert (r["last_visit"], r["last_visit_by"]) == (dt.date(2026, 11, 15), "网格员丙")
    r = G.find_responsible(con, "周八", None, on=dt.date(2026, 11, 26)).iloc[0]
    assert _blank(r["last_visit"]) and _blank(r["last_visit_by"])


def test_find_responsible_limits(tiny_ro):
    con, _ = tiny_ro
    assert G.find_responsible(con, "  ").empty
    assert G.find_responsible(con, "%").empty  # wildcards are literal
    assert G.find_responsible(con, "王五").empty  # moved away
    assert G.find_responsible(con, "吴九", [F.T1]).empty  # outside the office's township
    assert G.find_responsible(con, "H0", [F.T1])["household_code"].tolist() == [
        "H01",
        "H02",
        "H04",
        "H05",
        "H06",
        "H07",
    ]
    out = G.find_responsible(con, "县外户")  # unassigned: listed for the county
    assert out["household_code"].tolist() == ["H10"] and _blank(out["grid_code"].iloc[0])
    assert len(G.find_responsible(con, "H", limit=3)) == 3


# ----------------------------------------------------------------------------- command line


def _cli(path, *args) -> int:
    return manage.main(["--db", str(path), *args])


def test_cli_report_grids_equals_directory(tiny_ro, tmp_path):
    con, path = tiny_ro
    out = tmp_path / "grids.csv"
    assert _cli(path, "report", "grids", "--area", F.T1, "--on", "2026-11-20", "--output", str(out)) == 0
    cli = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert cli.columns.tolist() == G.GRID_COLUMNS
    page = G.grid_directory(con, F.T1, None, on=ON)[G.GRID_COLUMNS]
    expected = pd.read_csv(io.BytesIO(manage_export(page)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(cli, expected)
    assert cli.values.tolist() == [
        [F.G111, "第一网格", F.V11, "2", "S1", "网格长甲", "0"],
        [F.G112, "第二网格", F.V11, "2", "S2", "网格长乙", "0"],
        [F.G121, "第一网格", F.V12, "2", "S2", "网格长乙", "0"],
    ]


def manage_export(frame: pd.DataFrame) -> bytes:
    from analytics import export

    return export.to_csv_bytes(frame)


def test_cli_report_grids_formats_and_scope(tiny_ro, tmp_path, capsys):
    _, path = tiny_ro
    zh = tmp_path / "zh.csv"
    assert _cli(path, "report", "grids", "--area", F.COUNTY, "--lang", "zh", "--output", str(zh)) == 0
    header = zh.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "编码,名称,村编码,在册户数,网格长工号,网格长,网格员人数"
    js = tmp_path / "g.json"
    assert _cli(path, "report", "grids", "--area", F.V21, "--on", "2026-11-20", "--output", str(js)) == 0
    import json

    data = json.loads(js.read_text(encoding="utf-8"))
    assert [(r["code"], r["leader_id"], r["members"]) for r in data] == [(F.G211, None, 1), (F.G212, None, 0)]
    # --as office: only township T1
    sc = tmp_path / "office.csv"
    assert _cli(path, "--as", "office", "report", "grids", "--area", F.COUNTY, "--output", str(sc)) == 0
    assert pd.read_csv(sc, encoding="utf-8-sig")["code"].tolist() == [F.G111, F.G112, F.G121]
    capsys.readouterr()
    assert _cli(path, "report", "grids", "--area", "NOPE") == 1
    err = capsys.readouterr().err
    assert err.strip() == str(G.GridError(key="grid.error.no_area", area="NOPE")) and "Traceback" not in err
    assert _cli(path, "report", "grids") == 2


# ----------------------------------------------------------------------------- the page


@pytest.fixture()
def page(tiny, monkeypatch):
    con, path = tiny
    con.close()
    at = F.signed_in_app(monkeypatch, path, "admin", today="2026-11-26", page="pages/responsibility.py")
    return at, path


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_numbers_equal_the_directory(page):
    at, path = page
    assert [x.value for x in at.title] == [t("resp_page.title")]
    assert not at.error
    m = _metrics(at)
    shown = [m[t("figure.grids")]] + [
        m[t(f"resp_page.status.{s}")] for s in ("ok", "leader_vacant", "no_staff", "overloaded")
    ]
    assert shown == ["5", "3", "1", "1", "0"]
    assert m[t("resp_page.metric_idle")] == "0"
    table = next(df.value for df in at.dataframe if "leaders" in df.value.columns)
    con = db.connect(path)
    try:
        d = G.grid_directory(con, F.COUNTY, None, on=dt.date(2026, 11, 26))
    finally:
        con.close()
    assert table["code"].tolist() == d["code"].tolist()
    assert table["households"].tolist() == d["households"].tolist()
    assert table["status"].tolist() == [t(f"resp_page.status.{s}") for s in ["ok"] * 3 + ["leader_vacant", "no_staff"]]


def test_page_search_says_only_the_first_when_some_are_left_out(tiny, monkeypatch):
    """ "只显示前 50 户" was said whenever 50 were found, also when they were all there were."""
    con, path = tiny
    con.close()
    monkeypatch.setattr(G, "FIND_LIMIT", 1)
    at = F.signed_in_app(monkeypatch, path, "admin", today="2026-11-26", page="pages/responsibility.py")
    capped = t("resp_page.search_capped", n="1")
    at.text_input(key="resp_page.search").input("张三").run()  # one household: all of it
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert t("resp_page.search_count", n="1") in captions and capped not in captions
    at.text_input(key="resp_page.search").input("H0").run()  # several: the first, and a word to narrow
    found = next(df.value for df in at.dataframe if "household_code" in df.value.columns)
    assert len(found) == 1
    assert capped in [c.value for c in at.caption]


def test_page_search_and_reassign(page):
    at, path = page
    at.text_input(key="resp_page.search").input("张三").run()
    assert not at.exception
    found = next(df.value for df in at.dataframe if "household_code" in df.value.columns)
    assert found["household_code"].tolist() == ["H01"] and found["leader_name"].tolist() == ["网格长甲"]
    at.text_input(key="resp_page.search").input("没有这个人").run()
    assert any(F.phrase("resp_page.search_none") in w.value for w in at.warning)

    assert not [w for w in at.selectbox if w.key == "resp_page.re.grid"]  # drawn once its expander is opened
    at.session_state["resp_page.re"] = True
    at.run()
    at.selectbox(key="resp_page.re.grid").set_value(F.G212).run()
    # empty boxes in the page's words, not Streamlit's English "Choose options" / "No options to select"
    assert {at.multiselect(key=f"resp_page.re.{x}.{F.G212}").placeholder for x in ("add", "remove")} == {
        t("resp_page.reassign_none")
    }
    at.multiselect(key=f"resp_page.re.add.{F.G212}").set_value(["S4"])
    at.date_input(key=f"resp_page.re.effective.{F.G212}").set_value(dt.date(2026, 11, 26))
    [b for b in at.get("form_submit_button") if b.label == t("resp_page.reassign_submit")][0].click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(s.value.startswith(F.phrase("resp_page.reassign_done")) for s in at.success)
    assert _metrics(at)[t("resp_page.status.no_staff")] == "0"


def test_many_grids_are_listed_by_village_and_a_row_opens_its_village(tiny, monkeypatch):
    """Above ui.common.GRIDS_LISTED_MAX grids the table sums them up by village (a county's 3,001 grids were
    550 KB with every view); clicking a village's row lists its grids."""
    from ui import common as UC

    monkeypatch.setattr(UC, "GRIDS_LISTED_MAX", 4)  # the tiny county's 5 grids are "many"
    con, path = tiny
    con.close()
    at = F.signed_in_app(monkeypatch, path, "admin", today="2026-11-26", page="pages/responsibility.py")
    assert not at.exception
    assert not [df for df in at.dataframe if "leaders" in df.value.columns]  # no grid-by-grid table
    table = next(df for df in at.dataframe if "village_code" in df.value.columns)
    assert table.value["village_code"].tolist() == [F.V11, F.V12, F.V21]
    assert table.value["grids"].tolist() == [2, 1, 2]
    assert table.value["status"].tolist() == [t("resp_page.status.ok")] * 2 + [t("resp_page.status.no_staff")]
    assert _metrics(at)[t("figure.grids")] == "5"  # the counts above are the county's still

    at.session_state[table.key] = {"selection": {"rows": [2], "columns": []}}
    at.run()
    assert not at.exception
    grids = next(df.value for df in at.dataframe if "leaders" in df.value.columns)
    assert grids["code"].tolist() == [F.G211, F.G212]  # the village's own grids, one by one


def test_a_ticked_village_row_that_names_no_row_opens_nothing(tiny, monkeypatch):
    """The villages' table keeps its ticked row across runs (its key stays while the area does): a row
    beyond the list — ticked before the list changed — opens nothing instead of raising IndexError."""
    from ui import common as UC

    monkeypatch.setattr(UC, "GRIDS_LISTED_MAX", 4)  # the tiny county's 5 grids are "many"
    con, path = tiny
    con.close()
    at = F.signed_in_app(monkeypatch, path, "admin", today="2026-11-26", page="pages/responsibility.py")
    table = next(df for df in at.dataframe if "village_code" in df.value.columns)
    at.session_state[table.key] = {"selection": {"rows": [7], "columns": []}}
    at.run()
    assert not at.exception, at.exception
    assert next(df for df in at.dataframe if "village_code" in df.value.columns).value["village_code"].tolist() == [
        F.V11,
        F.V12,
        F.V21,
    ]  # still the county's villages


def test_a_gaps_tab_is_drawn_only_while_open(page):
    at, _ = page
    vacant = [df.value for df in at.dataframe if len(df.value) == 2]
    assert len(vacant) == 1 and sorted(vacant[0].iloc[:, 0]) == [F.G211, F.G212]  # the first tab, open
    n = len(at.dataframe)
    at.session_state["resp_page.gaps"] = t("resp_page.gaps_overloaded", n=0)
    at.run()
    assert not at.exception
    assert len(at.dataframe) == n - 1  # the vacant grids' list is no longer sent
    assert any(c.value == t("resp_page.gaps_none") for c in at.caption)


def _table_keys(at) -> list[str]:
    """The keys of the page's tables: their own, or else their containers' (a table without row selection
    ignores its own key: pages/responsibility.py LANG_KEYED)."""
    from streamlit.elements.lib.utils import user_key_from_element_id

    keys: list[str] = []

    def walk(node, held: str) -> None:
        for c in getattr(node, "children", {}).values():
            proto_id = getattr(getattr(c, "proto", None), "id", "") if hasattr(c, "children") else ""
            if type(c).__name__ == "Dataframe":
                keys.append(c.key or held)
            walk(c, (user_key_from_element_id(proto_id) or held) if proto_id else held)

    walk(at.main, "")
    return keys


@pytest.mark.parametrize("listed_max", [100, 4])
def test_a_language_switch_draws_the_tables_anew(tiny, monkeypatch, listed_max):
    """Streamlit sizes a table's columns once, when it is first drawn, and keeps those widths: after a switch
    to English the widths measured for Chinese cut "Active hous" and the status cells ("Overl…"). The keys
    of the directory (grid by grid, or by village above GRIDS_LISTED_MAX) and of the gaps' tables hold the
    language: a switch draws new tables, measured afresh."""
    from ui import common as UC

    monkeypatch.setattr(UC, "GRIDS_LISTED_MAX", listed_max)  # 4: the tiny county's 5 grids are "many"
    con, path = tiny
    con.close()
    at = F.signed_in_app(monkeypatch, path, "admin", today="2026-11-26", page="pages/responsibility.py")
    zh = _table_keys(at)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    en = _table_keys(at)
    assert len(zh) == 2 and all(k.endswith(".zh") for k in zh), zh  # the directory and the open gaps tab
    assert zh[0].startswith("resp_page.villages." if listed_max == 4 else "resp_page.directory."), zh
    assert [k[: -len("zh")] + "en" for k in zh] == en, (zh, en)
