"""The data's version in two parts (store/version.py, migration 0016): a write of visits only moves the
whole version and not the version without visits; every other write moves both; the results shared
under the version without visits (ui/shared.py READS_NO_VISITS) read no visit."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from store import db
from store import version as V
from tests import factories as F

D = dt.date
TODAY = D(2026, 11, 22)
START = D(2026, 1, 1)


def _moves(con, work) -> tuple[int, int]:
    """How far ``work()`` moved (the whole version, the version without visits)."""
    before = V.current(con)
    work()
    after = V.current(con)
    assert after[0] == before[0]
    return after[1] - before[1], after[2] - before[2]


# ----------------------------------------------------------------------------- which statements are visits only


@pytest.mark.parametrize(
    "name, part",
    [
        ("visit_insert", V.VISITS),
        ("visit_update", V.VISITS),
        ("visit_delete", V.VISITS),
        ("last_home_forward", V.VISITS),
        ("last_home_recount", V.VISITS),
        ("household_lock", V.VISITS),
        ("visits_upsert", V.VISITS),
        ("petition_set_status", V.ALL),
        ("households_upsert", V.ALL),
        ("rule_set", V.ALL),
        ("areas_insert", V.ALL),
        ("audit_insert", None),
        ("coverage_page_counts", None),
    ],
)
def test_part_of_a_statement(name, part):
    assert V.part(name) == part


def _set_clause(text: str) -> str:
    """What follows SET in an UPDATE, up to its WHERE or FROM at the top level (comments dropped)."""
    bare = db.bare_sql(text)
    after = re.split(r"\bSET\b", bare, maxsplit=1, flags=re.I)[1]
    depth, out = 0, []
    for word in re.split(r"(\(|\)|\bWHERE\b|\bFROM\b)", after, flags=re.I):
        if word == "(":
            depth += 1
        elif word == ")":
            depth -= 1
        elif depth == 0 and word.upper() in ("WHERE", "FROM"):
            break
        if depth == 0 and word not in ("(", ")"):
            out.append(word)
    return "".join(out)


@pytest.mark.parametrize("name", sorted(V.LAST_HOME_STATEMENTS))
def test_last_home_statements_write_that_column_only(name):
    """Each statement listed as a visit's write of households is one UPDATE of last_home_on alone."""
    for store in (db.DUCKDB, db.POSTGRES):
        text = db.sql(name, store)[0]
        assert V.written_tables(text) == {"households"}
        assert re.match(r"\s*UPDATE\s+households\s+SET\s+last_home_on\s*=", db.bare_sql(text), re.I)
        assert "," not in _set_clause(text), text  # one column at the top level of SET


def test_set_clause_sees_a_second_column():
    """(the check above can fail)"""
    assert "," in _set_clause("UPDATE households SET last_home_on = x, grid_code = (SELECT 1) WHERE code = 'a'")
    assert "," not in _set_clause("UPDATE households SET last_home_on = greatest(a, b) FROM t WHERE c = 1")


# ----------------------------------------------------------------------------- what moves, on a store


@pytest.fixture()
def con(tiny):
    return tiny[0]


def test_a_visit_moves_the_whole_only(con):
    from analytics import visits as VV
    from auth.users import User

    member = User("member", "member", [F.G211], staff_id="S3")
    assert _moves(con, lambda: VV.record_visit(con, member, "H09", D(2026, 11, 20), "home", today=TODAY)) == (1, 0)
    recent = VV.recent_visits(con, "S3", TODAY)
    vid = int(recent.loc[recent["household_code"] == "H09", "id"].iloc[0])
    whole, no_visits = _moves(con, lambda: VV.delete_visit(con, member, vid, today=TODAY))
    assert whole >= 1 and no_visits == 0


def test_any_other_write_moves_both(con):
    from analytics import petitions as P
    from auth import audit

    assert _moves(con, lambda: P.change_status(con, "admin", "P2", "in_progress", D(2026, 10, 12), today=TODAY)) == (
        1,
        1,
    )
    assert _moves(con, lambda: audit.set_rule(con, "benchmark_coverage", 0.9)) == (1, 1)


def test_a_transaction_with_a_visit_and_more_moves_both_once(con):
    def work():
        with db.transaction(con):
            db.execute(con, "last_home_forward", household_code="H09", visited_on=D(2026, 11, 21))
            db.execute(con, "rule_set", key="revisit_days", value=100)
            db.execute(con, "last_home_forward", household_code="H08", visited_on=D(2026, 11, 21))

    assert _moves(con, work) == (1, 1)

    def visits_only():
        db.execute(con, "last_home_forward", household_code="H07", visited_on=D(2026, 11, 21))

    assert _moves(con, visits_only) == (1, 0)


def test_the_shared_key_keeps_results_without_visits(con, monkeypatch):
    """ui/shared.py: after a saved visit, a result of READS_NO_VISITS keeps its key, any other gets a new
    one; after a petition's change, both do."""
    from analytics import petitions as P
    from ui import shared

    monkeypatch.setattr(shared.C, "db_path", lambda: "the-store")
    whole, without = shared.key(con), shared.key(con, visits=False)
    db.execute(con, "last_home_forward", household_code="H09", visited_on=D(2026, 11, 21))
    assert shared.key(con) != whole and shared.key(con, visits=False) == without
    P.change_status(con, "admin", "P2", "in_progress", D(2026, 10, 12), today=TODAY)
    assert shared.key(con, visits=False) != without


# ----------------------------------------------------------------------------- the functions shared without visits

VISIT_PART = ("visits", "household_tallies", "last_home_on")


def _definitions(texts: list[str]) -> dict[str, str]:
    """The views, macros and functions created by SQL texts: name → definition (comments dropped)."""
    out: dict[str, str] = {}
    for text in texts:
        for block in re.split(r";\s*\n", db.bare_sql(text)):
            m = re.search(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+)?(?:VIEW|MACRO|FUNCTION)\s+([\w.]+)", block, re.I)
            if m:
                out[m.group(1).lower()] = out.get(m.group(1).lower(), "") + block
    return out


def _closure(definitions: dict[str, str]) -> frozenset[str]:
    """The visit part's names and every definition that reads one of them, transitively."""
    names = set(VISIT_PART)
    grew = True
    while grew:
        grew = False
        for name, body in definitions.items():
            if name not in names and re.search(r"\b(" + "|".join(map(re.escape, names)) + r")\b", body, re.I):
                names.add(name)
                grew = True
    return frozenset(names)


def _tainted(store: str) -> frozenset[str]:
    """The visit part and the views, macros and functions of the store's migrations built on it."""
    return _closure(_definitions([path.read_text(encoding="utf-8") for _, path in db.migrations(store)]))


# A visit moves its household from one month's tally of its grid to another's, never to another grid:
# the households per grid summed over the months are the same before and after any visit.
_HOUSEHOLDS_PER_GRID = re.compile(
    r"SELECT\s+grid_code\s*,\s*sum\(\s*households\s*\)\s+AS\s+\w+\s+FROM\s+household_tallies\s+GROUP\s+BY\s+grid_code",
    re.I,
)


def _reads(text: str, pattern: re.Pattern) -> list[str]:
    """The visit part's names a query's SQL reads (comments dropped; households per grid from the
    tallies are not a read of visits)."""
    return pattern.findall(_HOUSEHOLDS_PER_GRID.sub("", db.bare_sql(text)))


def test_households_per_grid_is_the_only_allowance():
    pattern = re.compile(r"\b(household_tallies|visits)\b")
    assert not _reads(
        "WITH g AS (SELECT grid_code, sum(households) AS n FROM household_tallies GROUP BY grid_code) SELECT 1", pattern
    )
    assert _reads("SELECT grid_code, month, sum(households) AS n FROM household_tallies GROUP BY 1, 2", pattern)
    assert _reads(
        "SELECT grid_code, sum(households) AS n FROM household_tallies WHERE month >= $m GROUP BY grid_code", pattern
    )


def test_the_closure_follows_views_and_macros():
    """(so the check below can fail: a view on visits, a macro on that view, are visits too)"""
    defs = _definitions(
        [
            "CREATE VIEW a AS SELECT * FROM visits;\nCREATE MACRO b(x) AS (SELECT 1 FROM a);\n"
            "CREATE VIEW c AS SELECT 1 FROM petitions;\n"
        ]
    )
    assert _closure(defs) == {*VISIT_PART, "a", "b"}
    assert "petitions_located" in _definitions([p.read_text(encoding="utf-8") for _, p in db.migrations(db.DUCKDB)])


def _calls(con):
    from analytics import grids as G
    from analytics import hotspots as H
    from analytics import petitions as P
    from analytics import reports

    return {
        "analytics.reports.hotspots": lambda: reports.hotspots(con, "village", START, TODAY, fdr=False, scope=None),
        "analytics.hotspots.petitions": lambda: H.petitions(con, START, TODAY, scope=None, area=None),
        "analytics.hotspots.repeat_petitions": lambda: H.repeat_petitions(con, START, TODAY, 90, scope=None, area=None),
        "analytics.grids.grid_directory": lambda: G.grid_directory(con, None, None, on=TODAY),
        "analytics.grids.gaps": lambda: G.gaps(con, None, None, on=TODAY),
        "analytics.petitions.petition_items": lambda: P.petition_items(con, TODAY, None),
    }


def test_results_shared_without_visits_read_no_visit(tiny_ro, monkeypatch):
    """Every function of READS_NO_VISITS runs only named queries that read no visit, directly or through
    a view or macro."""
    from ui import shared

    con = tiny_ro[0]
    store = db.store_of(con)
    tainted = _tainted(store)
    ran: list[str] = []
    real = db._params
    monkeypatch.setattr(db, "_params", lambda name, params, s: (ran.append(name), real(name, params, s))[1])
    calls = _calls(con)
    assert set(calls) == shared.READS_NO_VISITS
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(tainted))) + r")\b", re.I)
    for name, call in calls.items():
        ran.clear()
        call()
        assert ran, f"{name} ran no named query"
        for query in set(ran):
            found = _reads(db.sql(query, store)[0], pattern)
            assert not found, f"{name} runs {query}, which reads {sorted(set(found))}"


def test_a_function_reading_visits_is_caught(tiny_ro, monkeypatch):
    """(the check above fails on a function that reads visits: the coverage report; the work list's
    visit issues, visits' follow-ups, and the whole work list)"""
    from analytics import petitions as P
    from analytics import reports

    con = tiny_ro[0]
    store = db.store_of(con)
    ran: list[str] = []
    real = db._params
    monkeypatch.setattr(db, "_params", lambda name, params, s: (ran.append(name), real(name, params, s))[1])
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(_tainted(store)))) + r")\b", re.I)
    for call in (
        lambda: reports.coverage(con, "township", START, TODAY, scope=None),
        lambda: P.visit_issue_items(con, TODAY, None),
        lambda: P.items(con, TODAY, None),
    ):
        ran.clear()
        call()
        assert any(_reads(db.sql(q, store)[0], pattern) for q in set(ran))
