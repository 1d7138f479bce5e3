"""A visit moves only its own township's shared results (migration 0025, store/version.py, ui/shared.py
TOWNSHIPS): a visit the app saves for one household moves that household's township's version, not
another's; an import of visits moves every township's (the version of other visits); every reader of a
township's figures (the coverage page's, the overview's) sees every writer that changes them."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from store import db
from store import version as V
from tests import factories as F
from tests.test_data_version_parts import _same, _where_terms

D = dt.date
TODAY = D(2026, 11, 22)
YEAR = (D(2026, 1, 1), D(2026, 12, 31))
KINDS = ["home"]


# ----------------------------------------------------------------------------- the statements


@pytest.mark.parametrize("name", sorted(V.ONE_HOUSEHOLD_STATEMENTS))
def test_one_household_statements_write_that_household_only(name):
    """Each names ``$household_code`` and writes that household's rows only: an insert of it, or the rows
    of a top-level conjunct ``household_code = $household_code`` (``code =`` of households)."""
    for store in (db.DUCKDB, db.POSTGRES):
        bare = db.bare_sql(db.sql(name, store)[0])
        assert V.part(name) in (V.VISITS, V.QUIET), name
        if re.match(r"\s*INSERT\s+INTO\s+visits\s*\(\s*household_code\s*,", bare, re.I):
            assert re.search(r"SELECT\s+\$household_code::VARCHAR\s*,", bare, re.I), bare
            continue
        # the top-level WHERE's conjuncts (a whole condition with a top-level OR is one term)
        terms = [t.rstrip(";").strip() for t in _where_terms(bare.strip())]
        column = "code" if V.written_tables(bare) == {"households"} else "household_code"
        assert f"{column} = $household_code" in terms, bare


def test_an_import_is_not_one_households():
    assert "last_home_from_incoming" not in V.ONE_HOUSEHOLD_STATEMENTS
    assert V.households_of("visits_upsert", {"household_code": "H01"}) is None
    assert V.households_of("rule_set", {"household_code": "H01"}) is None
    assert V.households_of("visit_insert", {"household_code": "H01"}) == {"H01"}


# ----------------------------------------------------------------------------- what moves


@pytest.fixture()
def con(tiny):
    return tiny[0]


GL2 = ("gl2", "grid_leader", [F.G121], "S2")  # 网格长 of 乙村's grid (一镇): H06, H07
MEMBER = ("member", "member", [F.G211], "S3")  # 网格员 of 丙村's west grid (二镇): H08, H09


def _user(spec):
    from auth.users import User

    name, role, areas, staff = spec
    return User(name, role, areas, staff_id=staff)


def _state(con) -> tuple:
    """(whole, without visits, other visits, {township: version})."""
    cur = V.current(con)
    return cur[1], cur[2], cur[4], V.townships(con)


def _moved(con, work) -> tuple[bool, bool, bool, frozenset[str]]:
    """What ``work()`` moved: the whole version, the version without visits, the other visits' version,
    and which townships' versions."""
    before = _state(con)
    work()
    after = _state(con)
    towns = frozenset(t for t in set(before[3]) | set(after[3]) if before[3].get(t) != after[3].get(t))
    return after[0] != before[0], after[1] != before[1], after[2] != before[2], towns


def test_a_visit_moves_its_township_only(con):
    """Recorded, edited, flagged, deleted (each with its last home visit in the same transaction): the
    township of the household moves, the other does not, nor do the versions every township reads."""
    from analytics import visits as VV

    gl2 = _user(GL2)
    only_t1 = (True, False, False, frozenset({F.T1}))
    assert _moved(con, lambda: VV.record_visit(con, gl2, "H07", D(2026, 11, 20), "home", today=TODAY)) == only_t1
    vid = int(VV.recent_visits(con, "S2", TODAY).query("household_code == 'H07'")["id"].iloc[0])
    assert _moved(con, lambda: VV.edit_visit(con, gl2, vid, today=TODAY, visited_on=D(2026, 11, 19))) == only_t1
    assert _moved(con, lambda: VV.edit_visit(con, gl2, vid, today=TODAY, needs_action=True)) == only_t1
    assert _moved(con, lambda: VV.delete_visit(con, gl2, vid, today=TODAY)) == only_t1
    only_t2 = (True, False, False, frozenset({F.T2}))
    assert _moved(con, lambda: VV.record_visit(con, _user(MEMBER), "H09", TODAY, "phone", today=TODAY)) == only_t2
    last_home = lambda: db.execute(con, "last_home_forward", household_code="H08", visited_on=TODAY)  # noqa: E731
    assert _moved(con, last_home) == only_t2


def test_a_household_in_no_township_moves_none_of_them(con):
    """H10 lies outside the county: its row is the '' township, which no township's figures read."""
    work = lambda: db.execute(con, "last_home_forward", household_code="H10", visited_on=TODAY)  # noqa: E731
    assert _moved(con, work) == (True, False, False, frozenset({""}))


def test_an_import_of_visits_moves_every_township(con, tmp_path):
    rows = [("H09", "S3", "2026-11-21", "入户", "导入的记录")]
    work = lambda: F.import_visits(con, tmp_path, rows, TODAY)  # noqa: E731
    assert _moved(con, work) == (True, False, True, frozenset())


def test_a_transaction_of_two_townships_moves_both_and_a_mixed_one_every_township(con):
    def two():
        with db.transaction(con):
            db.execute(con, "last_home_forward", household_code="H01", visited_on=TODAY)
            db.execute(con, "last_home_forward", household_code="H09", visited_on=TODAY)

    assert _moved(con, two) == (True, False, False, frozenset({F.T1, F.T2}))

    def mixed():
        with db.transaction(con):
            db.execute(con, "last_home_forward", household_code="H01", visited_on=TODAY)
            db.execute(con, "visit_issue_lock", visit_id=-1)  # a write of visits not one household's

    assert _moved(con, mixed) == (True, False, True, frozenset())

    def anything():
        with db.transaction(con):
            db.execute(con, "last_home_forward", household_code="H01", visited_on=TODAY)
            db.execute(con, "rule_set", key="revisit_days", value=100)

    assert _moved(con, anything)[:3] == (True, True, True)


def test_the_townships_move_after_the_commit(con):
    """Inside the transaction another session still reads the township's old version, and reads another
    one after the COMMIT (a view may never keep the old figures under the new version)."""
    other = con.cursor()
    before = V.townships(other)
    with db.transaction(con):
        db.execute(con, "last_home_forward", household_code="H01", visited_on=TODAY)
        inside = V.townships(other)
    after = V.townships(other)
    assert inside.get(F.T1) == before.get(F.T1) and after.get(F.T1) != inside.get(F.T1)


def test_moving_before_the_commit_is_caught(con, monkeypatch):
    """(the check above fails when the version moves at the statement, before the COMMIT)"""
    real = V.wrote
    monkeypatch.setattr(V, "wrote", lambda c, name, in_transaction, params=None: real(c, name, False, params))
    other = con.cursor()
    with db.transaction(con):
        db.execute(con, "last_home_forward", household_code="H01", visited_on=TODAY)
        inside = V.townships(other)
    assert V.townships(other).get(F.T1) == inside.get(F.T1)  # moved too early: nothing moves after the COMMIT


def test_the_table_keeps_each_townships_greatest_number(con, monkeypatch):
    monkeypatch.setattr(V, "PRUNE_EVERY", 2)
    for i in range(7):
        db.execute(con, "last_home_forward", household_code="H01" if i % 2 else "H09", visited_on=TODAY)
    rows = db.df(con, "township_versions").sort_values("township_code", ignore_index=True)
    assert set(rows["township_code"]) == {F.T1, F.T2}
    n = con.execute("SELECT count(*) FROM township_versions").fetchone()[0]
    assert n < 7  # pruned
    db.execute(con, "township_versions_prune")
    assert con.execute("SELECT count(*) FROM township_versions").fetchone()[0] == 2
    assert (
        db.df(con, "township_versions").sort_values("township_code", ignore_index=True).equals(rows)
    )  # the versions are what they were


# ----------------------------------------------------------------------------- readers and writers


def _readers(con) -> dict[str, tuple]:
    """The township-bounded readers the pages share under TOWNSHIPS: name → (call, area, scope)."""
    from analytics import coverage as CP
    from analytics import overview as O
    from analytics import pace as P
    from analytics import reports as R

    out = {}
    for code, level, scope in [
        (F.T1, "township", None),
        (F.G121, "grid", None),
        (None, "county", [F.T1]),
        (F.T2, "township", None),
    ]:
        at = f"{code}/{scope}"
        child = {"township": "village", "village": "grid", "grid": "grid", "county": "township"}[level]
        out[f"area_rows {at}"] = (
            lambda c=code, lv=level, s=scope: CP.area_rows(con, c, lv, *YEAR, KINDS, s),
            code,
            scope,
        )
        out[f"headline {at}"] = (
            lambda c=code, lv=level, s=scope: CP.headline(con, c, lv, *YEAR, KINDS, s),
            code,
            scope,
        )
        out[f"due {at}"] = (lambda c=code, s=scope: CP.due_households(con, c, TODAY, days=30, scope=s), code, scope)
        out[f"pace {at}"] = (
            lambda c=code, s=scope, ch=child: P.pace(con, ch, YEAR[0], YEAR[1], TODAY, KINDS, s, parent=c),
            code,
            scope,
        )
        out[f"pace headline {at}"] = (
            lambda c=code, lv=level, s=scope: P.headline(con, c, lv, YEAR[0], YEAR[1], TODAY, KINDS, s),
            code,
            scope,
        )
        out[f"trend {at}"] = (
            lambda c=code, s=scope, ch=child: CP.monthly_trend(con, ch, c, TODAY, KINDS, s),
            code,
            scope,
        )
    for scope in ([F.V21], [F.G111, F.G121]):
        out[f"overview {scope}"] = (lambda s=scope: O.headline(con, *YEAR, s, TODAY, with_petitions=False), None, scope)
        out[f"reports.coverage {scope}"] = (lambda s=scope: R.coverage(con, "grid", *YEAR, scope=s), None, scope)
    return out


def _keys(con, readers) -> dict[str, tuple]:
    from ui import shared

    return {name: shared.read_at(con, shared.townships(con, area, scope)) for name, (_, area, scope) in readers.items()}


def _writers(con, folder):
    """Every kind of writer of visits, in each township, and others: (what, work)."""
    from analytics import petitions as P
    from analytics import visits as VV
    from auth import audit

    ids: dict[str, int] = {}

    def record(spec, household, key, day, kind, needs_action=False):
        def work():
            user = _user(spec)
            VV.record_visit(
                con, user, household, day, kind, "记录" if needs_action else None, needs_action, today=TODAY
            )
            recent = VV.recent_visits(con, user.staff_id, TODAY)
            mine = (pd.to_datetime(recent["visited_on"]) == pd.Timestamp(day)) & (recent["kind"] == kind)
            ids[key] = int(recent.loc[mine & (recent["household_code"] == household), "id"].iloc[0])

        return work

    def edit(spec, key, **change):
        return lambda: VV.edit_visit(con, _user(spec), ids[key], today=TODAY, **change)

    def delete(spec, key):
        return lambda: VV.delete_visit(con, _user(spec), ids[key], today=TODAY)

    def import_visits():
        rows = [("H06", "S2", "2026-11-21", "入户", "导入的记录"), ("H08", "S3", "2026-11-21", "入户", "")]
        F.import_visits(con, folder, rows, TODAY)

    def move_household():
        F.rename_household(con, folder, TODAY)

    return [
        ("一镇: a home visit", record(GL2, "H07", "t1home", D(2026, 11, 20), "home")),
        ("二镇: a home visit", record(MEMBER, "H09", "t2home", D(2026, 11, 20), "home")),
        ("一镇: its day moved", edit(GL2, "t1home", visited_on=D(2026, 11, 10))),
        ("一镇: a visit raising an issue", record(GL2, "H06", "t1flag", D(2026, 11, 21), "phone", True)),
        ("二镇: its note", edit(MEMBER, "t2home", note="门口")),
        ("一镇: the flag taken off", edit(GL2, "t1flag", needs_action=False)),
        ("一镇: an import", import_visits),
        ("a household renamed", move_household),
        ("the revisit rule", lambda: audit.set_rule(con, "revisit_days", 20)),
        ("a petition", lambda: P.change_status(con, "admin", "P2", "in_progress", D(2026, 10, 12), today=TODAY)),
        ("二镇: the home visit deleted", delete(MEMBER, "t2home")),
        ("一镇: the home visit deleted", delete(GL2, "t1home")),
        (
            "一镇: a last home visit",
            lambda: db.execute(con, "last_home_forward", household_code="H07", visited_on=TODAY),
        ),
    ]


def _stale_readers(con, tmp_path, monkeypatch, only=None) -> tuple[list[str], dict[str, set[str]]]:
    """Run every writer between two reads of every reader: the readers whose result changed while their
    key (ui/shared.py read_at of their townships) stayed; and, per writer, the readers whose key moved."""
    from ui import shared

    monkeypatch.setattr(shared.C, "db_path", lambda: "the-store")
    readers = _readers(con)
    stale, moved = [], {}
    before = {name: call() for name, (call, *_) in readers.items()}
    for what, work in _writers(con, tmp_path):
        if only is not None and what not in only:
            continue
        keys = _keys(con, readers)
        work()
        after_keys = _keys(con, readers)
        moved[what] = {name for name in readers if keys[name] != after_keys[name]}
        after = {name: call() for name, (call, *_) in readers.items()}  # the next writer's "before"
        stale += [
            f"{what}: {name}" for name in readers if not _same(before[name], after[name]) and name not in moved[what]
        ]
        before = after
    return stale, moved


def test_no_writer_leaves_a_township_reader_stale(tiny, tmp_path, monkeypatch):
    """Whenever a reader's result changed, its key moved; a visit in one township leaves the other
    township's readers' keys where they were."""
    con = tiny[0]
    stale, moved = _stale_readers(con, tmp_path, monkeypatch)
    assert stale == []
    readers = _readers(con)
    in_t2 = {n for n, (_, area, scope) in readers.items() if area == F.T2 or scope == [F.V21]}
    assert moved["二镇: a home visit"] == in_t2
    assert moved["一镇: a visit raising an issue"] == set(readers) - in_t2
    assert moved["一镇: an import"] == set(readers) == moved["the revisit rule"]


def test_a_township_forgotten_is_caught(tiny, tmp_path, monkeypatch):
    """(the check above fails on a broken rule: the last-home statements moving no township)"""
    con = tiny[0]
    real = V.households_of
    broken = lambda name, params: frozenset() if name in V.LAST_HOME_STATEMENTS else real(name, params)  # noqa: E731
    monkeypatch.setattr(V, "households_of", broken)
    t1 = ("一镇: a home visit", "一镇: its day moved", "一镇: the home visit deleted", "一镇: a last home visit")
    stale, _ = _stale_readers(con, tmp_path, monkeypatch, only=t1)
    assert any(s.startswith("一镇: a last home visit: due") for s in stale), stale


# ----------------------------------------------------------------------------- the page


def test_a_visit_in_one_township_leaves_the_others_coverage_shared(tiny, monkeypatch):
    """Two office users of different townships: after a visit saved in 一镇, 二镇's coverage view comes from
    the shared cache (no figure computed again) and 一镇's shows the new visit."""
    from analytics import coverage as CP
    from analytics import visits as VV
    from auth import users as U
    from ui import shared

    con, path = tiny
    U.add_user(con, "office_t2", F.PASSWORD, "office", [F.T2])
    shared._shared.clear()
    real = CP.area_rows
    builds: list[int] = []

    def counting(*args, **kwargs):
        builds.append(1)
        return real(*args, **kwargs)

    counting.__module__, counting.__qualname__ = real.__module__, real.__qualname__
    monkeypatch.setattr(CP, "area_rows", counting)

    def view(user) -> tuple[int, dict]:
        before = len(builds)
        at = F.signed_in_app(monkeypatch, path, user, today=TODAY, page="pages/coverage.py")
        return len(builds) - before, {m.label: m.value for m in at.metric}

    n2, t2 = view("office_t2")
    n1, t1 = view("office")
    assert (n2, n1) == (1, 1)
    VV.record_visit(con, _user(GL2), "H07", D(2026, 11, 20), "home", today=TODAY)  # 一镇's never-visited household
    again2, t2_after = view("office_t2")
    again1, t1_after = view("office")
    assert again2 == 0 and t2_after == t2  # from the shared cache
    assert again1 == 1 and t1_after != t1  # computed again: the new visit shows
