"""The predicates the named queries share (store/migrations/0012_shared_predicates*.sql), on the
store under test, and the group-petition threshold, which the queries take from
vocabulary/petitions.GROUP_PETITION_PEOPLE as a parameter."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics import hotspots as H
from analytics import petitions as P
from analytics import reports
from store import db
from tests.factories import COUNTY, G111, G112, G121, G211, T1, T2, V11, V12, V21

D = dt.date
TODAY = D(2026, 11, 26)


def _in_scope(con, code, scope) -> bool:
    return con.execute(
        "SELECT in_scope(CAST($code AS VARCHAR), CAST($scope AS VARCHAR[]))", {"code": code, "scope": scope}
    ).fetchone()[0]


@pytest.mark.parametrize(
    "code,scope,inside",
    [
        (G111, None, True),  # NULL scope: everything …
        (None, None, True),  # … even what lies in no area (an unassigned household)
        ("X-unknown", None, True),
        (G111, [T1], True),  # an ancestor is listed
        (G111, [T2, V11], True),
        (G111, [G111], True),  # the area itself is listed
        (G111, [T2], False),
        (G111, [G211], False),
        (T1, [G111], False),  # an area above the scope is not in it
        (None, [T1], False),  # no area: in no list
        ("X-unknown", [T1, "X-unknown"], False),  # not an area (area_ancestors does not list it)
        (G111, [], False),
    ],
)
def test_in_scope(tiny_ro, code, scope, inside):
    con, _ = tiny_ro
    assert _in_scope(con, code, scope) is inside


def test_in_scope_of_a_column_named_like_its_own(tiny_ro):
    """An argument read from a table aliased as the definition's own alias still means the caller's
    (a macro is pasted into the query: its alias must not capture the caller's)."""
    con, _ = tiny_ro
    q = (
        "SELECT count(*) FROM area_ancestors {a} WHERE {a}.ancestor_code = $code "
        "AND in_scope({a}.code, CAST($scope AS VARCHAR[]))"
    )
    for alias in ("x", "s", "a", "anc"):
        assert con.execute(q.format(a=alias), {"code": T2, "scope": [G111]}).fetchone()[0] == 0
        assert con.execute(q.format(a=alias), {"code": T1, "scope": [G111]}).fetchone()[0] == 1


def _in_area(con, code, parent) -> bool:
    return con.execute(
        "SELECT in_area(CAST($code AS VARCHAR), CAST($parent AS VARCHAR))", {"code": code, "parent": parent}
    ).fetchone()[0]


@pytest.mark.parametrize(
    "code,parent,inside",
    [
        (G111, None, True),  # NULL parent: every area …
        (None, None, True),  # … and what lies in no area
        (G111, T1, True),  # under its township
        (G111, V11, True),  # under its village
        (G111, G111, True),  # the area itself
        (G111, T2, False),
        (G111, V12, False),
        (T1, G111, False),  # an area above the parent is not under it
        (None, T1, False),  # no area: under no area
        ("X-unknown", "X-unknown", False),  # not an area (area_ancestors does not list it)
        (G111, "X-unknown", False),
    ],
)
def test_in_area(tiny_ro, code, parent, inside):
    """0017's in_area: "under $parent (NULL: everywhere)" — in_scope with a scope of one area."""
    con, _ = tiny_ro
    assert _in_area(con, code, parent) is inside
    if parent is not None:
        assert _in_scope(con, code, [parent]) is inside


def test_in_area_of_a_column_named_like_its_own(tiny_ro):
    """A macro is pasted into the query: its alias must not capture the caller's."""
    con, _ = tiny_ro
    q = (
        "SELECT count(*) FROM area_ancestors {a} WHERE {a}.ancestor_code = $code "
        "AND in_area({a}.code, CAST($parent AS VARCHAR))"
    )
    for alias in ("x", "p", "a", "in_scope_of"):
        assert con.execute(q.format(a=alias), {"code": T2, "parent": G111}).fetchone()[0] == 0
        assert con.execute(q.format(a=alias), {"code": T1, "parent": G111}).fetchone()[0] == 1


@pytest.mark.parametrize(
    "start,end,visits",
    [
        # W47: home visits only (not S2's phone call, not S4's reception), not the moved H03's, not
        # S3's the day before and the day after
        (
            D(2026, 11, 16),
            D(2026, 11, 22),
            [
                ("S1", D(2026, 11, 16), "H01"),
                ("S1", D(2026, 11, 18), "H02"),
                ("S1", D(2026, 11, 22), "H01"),
                ("S2", D(2026, 11, 17), "H04"),
                ("S2", D(2026, 11, 17), "H05"),
                ("S2", D(2026, 11, 17), "H06"),
            ],
        ),
        (D(2026, 11, 17), D(2026, 11, 17), [("S2", D(2026, 11, 17), c) for c in ("H04", "H05", "H06")]),
        (D(2026, 11, 23), D(2026, 11, 29), [("S3", D(2026, 11, 23), "H08")]),
        (D(2026, 11, 24), D(2026, 11, 30), []),
    ],
)
def test_quota_visits(tiny_ro, start, end, visits):
    """0017's quota_visits: the visits a quota counts — home visits in the period to active households."""
    con, _ = tiny_ro
    got = con.execute(
        "SELECT v.staff_id, v.visited_on, h.code FROM quota_visits(CAST($start AS DATE), CAST($end AS DATE)) v "
        "JOIN households h ON h.hid = v.hid ORDER BY 1, 2, 3",
        {"start": start, "end": end},
    ).fetchall()
    assert [tuple(r) for r in got] == visits


@pytest.mark.parametrize(
    "row,pattern,matches",
    [
        (("H01", "张三", "梁山街道1号"), "%h01%", True),  # the code, whatever its case
        (("H01", "张三", "梁山街道1号"), "%张%", True),  # the head's name
        (("H01", "张三", "梁山街道1号"), "%街道%", True),  # the address
        (("H01", "张三", "梁山街道1号"), "%李%", False),
        (("H01", "张三", None), "%%", True),  # no address: still found by everything
        (("H01", "张三", None), "%街道%", False),
        (("H_1", "张三", None), "%\\_%", True),  # \ escapes _ and %
        (("H01", "张三", None), "%\\_%", False),
        (("H01", "张三", "5%"), "%\\%%", True),
    ],
)
def test_household_matches(tiny_ro, row, pattern, matches):
    """0017's household_matches: the household search of household_search and grids_find_households."""
    con, _ = tiny_ro
    got = con.execute(
        "SELECT household_matches(CAST($code AS VARCHAR), CAST($head AS VARCHAR), CAST($address AS VARCHAR), "
        "CAST($pattern AS VARCHAR))",
        dict(zip(("code", "head", "address"), row), pattern=pattern),
    ).fetchone()[0]
    assert got is matches


@pytest.mark.parametrize(
    "row,filters,matches",
    [
        (("环境", "网上", 6, "received"), (None, None, False, 5, False), True),
        (("环境", "网上", 6, "received"), (["环境"], ["网上"], True, 5, True), True),
        (("环境", "网上", 6, "received"), (["劳资"], None, False, 5, False), False),
        (("环境", "网上", 6, "received"), (None, ["来信"], False, 5, False), False),
        (("环境", "网上", 4, "received"), (None, None, True, 5, False), False),
        (("环境", "网上", 5, "received"), (None, None, True, 5, False), True),
        (("环境", "网上", 5, "received"), (None, None, True, 6, False), False),
        (("环境", "网上", 6, "replied"), (None, None, False, 5, True), False),
        (("环境", "网上", 6, "in_progress"), (None, None, False, 5, True), True),
        ((None, None, 1, "closed"), (None, None, False, 5, False), True),
        ((None, None, 1, "closed"), (["环境"], None, False, 5, False), False),
    ],
)
def test_petition_matches(tiny_ro, row, filters, matches):
    con, _ = tiny_ro
    got = con.execute(
        "SELECT coalesce(petition_matches(CAST($category AS VARCHAR), CAST($channel AS VARCHAR), "
        "CAST($people AS INTEGER), CAST($status AS VARCHAR), CAST($categories AS VARCHAR[]), "
        "CAST($channels AS VARCHAR[]), CAST($group_only AS BOOLEAN), CAST($group_people AS INTEGER), "
        "CAST($unresolved_only AS BOOLEAN)), FALSE)",
        dict(zip(["category", "channel", "people", "status"], row))
        | dict(zip(["categories", "channels", "group_only", "group_people", "unresolved_only"], filters)),
    ).fetchone()[0]
    assert got is matches


def _group_world(con):
    """The tiny world with P1 brought by 4 people and P3 by 5 (P2: 6, P4: 1)."""
    con.execute("UPDATE petitions SET people = 4 WHERE id = 'P1'")
    con.execute("UPDATE petitions SET people = 5 WHERE id = 'P3'")


@pytest.mark.parametrize("days", [30, 43, 90])
def test_the_work_list_and_the_hotspot_page_see_the_same_repeats(tiny, days):
    """The work list's repeat flag and the hotspot page's repeat list, each its own window
    (queries/petitions.sql, hotspots_page.sql), are one rule: a household's previous petition within
    ``days`` days, over the whole history."""
    con, _ = tiny
    con.execute(
        "INSERT INTO petitions (id, received_on, household_code, category) VALUES "
        "('P5', DATE '2026-11-20', 'H01', '环境'), ('P6', DATE '2026-01-05', 'H06', '环境'), "
        "('P7', DATE '2026-06-01', 'H06', '劳资'), ('P8', DATE '2026-06-01', NULL, '劳资'), "
        "('P9', DATE '2026-06-02', NULL, '劳资')"
    )
    con.execute("UPDATE rules SET value = $d WHERE key = 'repeat_days'", {"d": days})
    flagged = P.worklist(con, None, TODAY).set_index("id")["is_repeat"]
    listed = H.repeat_petitions(con, D(2020, 1, 1), TODAY, days=days)
    # P5 is 43 days after P1 (H01), P7 147 after P6 (H06); P8 and P9 have no household
    assert sorted(flagged[flagged].index) == sorted(listed["id"]) == (["P5"] if days >= 43 else [])
    if days >= 43:
        assert listed.iloc[0][["previous_id", "previous_category", "days_between"]].tolist() == ["P1", "土地征收", 43]


def _places(con, code):
    return con.execute(
        "SELECT grid_code, grid_name, village_code, village_name, township_code, township_name "
        "FROM area_places WHERE code = CAST($code AS VARCHAR)",
        {"code": code},
    ).fetchall()


@pytest.mark.parametrize(
    "code,places",
    [
        (G111, [(G111, "第一网格", V11, "甲村", T1, "一镇")]),
        (G211, [(G211, "第一网格", V21, "丙村", T2, "二镇")]),
        (V12, [(None, None, V12, "乙村", T1, "一镇")]),  # a village lies in no grid
        (T2, [(None, None, None, None, T2, "二镇")]),
        (COUNTY, [(None, None, None, None, None, None)]),
        ("X-unknown", []),  # not an area: no row, so a LEFT JOIN gives NULLs (unlocated)
        (None, []),
    ],
)
def test_area_places(tiny_ro, code, places):
    """0019's area_places: an area's grid, village and township, one row per area."""
    con, _ = tiny_ro
    assert _places(con, code) == places


def test_an_area_has_one_ancestor_of_each_level(tiny):
    """A parent code naming an area of the same level (kept when no area of the level above holds
    it) once gave a grid two grid "ancestors"; the rebuild keeps the nearest of each level, as the
    unique index of 0019 requires on PostgreSQL, and the area stays under the rest of its chain."""
    con, _ = tiny
    con.execute("UPDATE areas SET parent_code = $p WHERE code = $c", {"p": G112, "c": G111})
    db.execute(con, "ancestors_rebuild")
    rows = con.execute(
        "SELECT ancestor_code, ancestor_level FROM area_ancestors WHERE code = $c ORDER BY ancestor_code",
        {"c": G111},
    ).fetchall()
    assert rows == sorted([(COUNTY, "county"), (T1, "township"), (V11, "village"), (G111, "grid")])
    assert _places(con, G111) == [(G111, "第一网格", V11, "甲村", T1, "一镇")]
    if db.store_of(con) != db.POSTGRES:
        return  # the unique index is PostgreSQL's only (0019_area_places.sql says why)
    with pytest.raises(Exception, match="(?i)duplicate|unique|constraint"):
        con.execute("INSERT INTO area_ancestors VALUES ($c, $a, 'grid')", {"c": G111, "a": G112})


def test_the_migration_keeps_the_nearest_ancestor_of_each_level():
    """0019 drops, from a database made before it, the farther of two ancestors of one level (so that
    its unique index can be made): what ancestors_rebuild now keeps. Its DELETE, on a table with a grid
    whose parent is a grid, a village whose parent is a village (and a grid under it), and a cycle."""
    import re

    import duckdb

    text = (db.MIGRATIONS / "0019_area_places.sql").read_text(encoding="utf-8")
    delete = re.search(r"^DELETE FROM area_ancestors\b.*?;", text, re.S | re.M).group(0)
    chains = {"G1": "G1 G2 V T C", "G2": "G2 V T C", "V": "V T C", "T": "T C", "C": "C", "W": "W V T C"}
    chains |= {"GW": "GW W V T C", "X1": "X1 X2", "X2": "X2 X1"}
    level = {"C": "county", "T": "township", "V": "village", "W": "village"}
    rows = {(c, a, level.get(a, "grid")) for c, chain in chains.items() for a in chain.split()}
    con = duckdb.connect()
    con.execute("CREATE TABLE area_ancestors (code VARCHAR, ancestor_code VARCHAR, ancestor_level VARCHAR)")
    con.executemany("INSERT INTO area_ancestors VALUES (?, ?, ?)", sorted(rows))
    con.execute(delete)
    kept = set(con.execute("SELECT * FROM area_ancestors").fetchall())
    assert sorted(rows - kept) == [
        ("G1", "G2", "grid"),
        ("GW", "V", "village"),
        ("W", "V", "village"),
        ("X1", "X2", "grid"),
        ("X2", "X1", "grid"),
    ]


def _group_answers(con):
    year = (D(2026, 1, 1), D(2026, 12, 31))
    listed = set(H.petitions(con, *year, group_only=True)["id"])
    per_village = reports.hotspots(con, "village", *year, group_only=True).set_index("code")["petitions"]
    flagged = P.worklist(con, None, TODAY).set_index("id")["is_group"]
    return listed, per_village.to_dict(), {i: bool(flagged[i]) for i in ("P1", "P2", "P3", "P4")}


def test_group_petitions_from_five_people_on(tiny):
    con, _ = tiny
    _group_world(con)
    listed, per_village, flagged = _group_answers(con)
    # 4 people (P1, in V11) is not a group petition; 5 (P3, V21) and 6 (P2, V12) are
    assert listed == {"P2", "P3"}
    assert per_village == {V11: 0, V12: 1, V21: 1}
    assert flagged == {"P1": False, "P2": True, "P3": True, "P4": False}


def test_the_threshold_is_the_vocabulary_s(tiny, monkeypatch):
    """The SQL holds no threshold of its own: the one of vocabulary/petitions decides."""
    con, _ = tiny
    _group_world(con)
    for module in (H, P, reports):
        monkeypatch.setattr(module, "GROUP_PETITION_PEOPLE", 6)
    listed, per_village, flagged = _group_answers(con)
    assert listed == {"P2"}
    assert per_village == {V11: 0, V12: 1, V21: 0}
    assert flagged == {"P1": False, "P2": True, "P3": False, "P4": False}


@pytest.mark.parametrize(
    "scope,pairs",
    [
        (None, {("S1", G111), ("S2", G112), ("S2", G121), ("S3", G211)}),
        ([T1], {("S1", G111), ("S2", G112), ("S2", G121)}),
        ([V11], {("S1", G111), ("S2", G112)}),
        ([G121], {("S2", G121)}),
        ([T2, G111], {("S1", G111), ("S3", G211)}),
        ([], set()),
        (["X-unknown"], set()),
    ],
)
def test_responsible_for_reads_the_scope_as_in_scope(tiny_ro, scope, pairs):
    """Who answers for which grid in week 2026-W47 (0014: responsible_for's scope test is in_scope)."""
    con, _ = tiny_ro
    rows = con.execute(
        "SELECT staff_id, grid_code FROM responsible_for(CAST($start AS DATE), CAST($end AS DATE), "
        "CAST($scope AS VARCHAR[]))",
        {"start": D(2026, 11, 16), "end": D(2026, 11, 22), "scope": scope},
    ).fetchall()
    assert set(rows) == pairs
    assert len(rows) == len(pairs)


@pytest.mark.parametrize(
    "valid,period,holds",
    [
        ((None, None), (D(2026, 11, 16), D(2026, 11, 22)), True),  # open on both sides
        ((D(2026, 11, 22), None), (D(2026, 11, 16), D(2026, 11, 22)), True),  # starts on the last day
        ((D(2026, 11, 23), None), (D(2026, 11, 16), D(2026, 11, 22)), False),  # starts after
        ((None, D(2026, 11, 16)), (D(2026, 11, 16), D(2026, 11, 22)), True),  # ends on the first day
        ((None, D(2026, 11, 15)), (D(2026, 11, 16), D(2026, 11, 22)), False),  # ended before
        ((D(2026, 11, 18), D(2026, 11, 19)), (D(2026, 11, 16), D(2026, 11, 22)), True),
        ((D(2026, 11, 1), D(2026, 11, 30)), (D(2026, 11, 18), D(2026, 11, 18)), True),  # one day
        ((D(2026, 11, 19), D(2026, 11, 30)), (D(2026, 11, 18), D(2026, 11, 18)), False),
    ],
)
def test_assigned_during(tiny_ro, valid, period, holds):
    con, _ = tiny_ro
    got = con.execute(
        "SELECT assigned_during(CAST($f AS DATE), CAST($t AS DATE), CAST($s AS DATE), CAST($e AS DATE))",
        {"f": valid[0], "t": valid[1], "s": period[0], "e": period[1]},
    ).fetchone()[0]
    assert got is holds
