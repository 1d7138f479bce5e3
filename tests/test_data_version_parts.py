"""The data's version in three parts (store/version.py, migrations 0016 and 0021): a write of visits only
moves the whole version and the version without quiet visits, not the version without visits; a write of
quiet visits only (visits without an issue, store/version.py QUIET_STATEMENTS) moves the whole version
alone; every other write moves all three. The results shared under a part (ui/shared.py READS_NO_VISITS,
READS_NO_QUIET_VISITS) read nothing the writes that leave it unmoved change: checked on their SQL, and by
running every reader around every kind of writer on the tiny world."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest

from store import db
from store import version as V
from tests import factories as F

D = dt.date
TODAY = D(2026, 11, 22)
START = D(2026, 1, 1)


def _moves(con, work) -> tuple[int, int, int]:
    """How far ``work()`` moved (the whole version, the version without visits, without quiet visits)."""
    before = V.current(con)
    work()
    after = V.current(con)
    assert after[0] == before[0]
    return after[1] - before[1], after[2] - before[2], after[3] - before[3]


# ----------------------------------------------------------------------------- which statements are visits only


@pytest.mark.parametrize(
    "name, part",
    [
        ("visit_insert", V.VISITS),
        ("visit_update", V.VISITS),
        ("visit_delete", V.VISITS),
        ("visit_insert_quiet", V.QUIET),
        ("visit_update_quiet", V.QUIET),
        ("visit_delete_quiet", V.QUIET),
        ("last_home_forward", V.QUIET),
        ("last_home_recount", V.QUIET),
        ("last_home_from_incoming", V.QUIET),
        ("household_lock", V.QUIET),
        ("visits_upsert", V.VISITS),  # an import may re-note a flagged visit (ON CONFLICT … SET note)
        ("visit_issue_lock", V.VISITS),
        ("visit_issue_upsert", V.ALL),
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


def _split_top(text: str, sep: str) -> list[str]:
    """``text`` split at the top-level occurrences of the regex ``sep`` (none inside parentheses)."""
    parts, depth, start = [], 0, 0
    for m in re.finditer(r"\(|\)|" + sep, text, flags=re.I):
        if m.group(0) == "(":
            depth += 1
        elif m.group(0) == ")":
            depth -= 1
        elif depth == 0:
            parts.append(text[start : m.start()])
            start = m.end()
    return [*parts, text[start:]]


_CLAUSE_END = r"\b(?:GROUP\s+BY|ORDER\s+BY|LIMIT|RETURNING|UNION|EXCEPT|INTERSECT|WINDOW|HAVING)\b|;"


def _where_terms(scope: str) -> list[str]:
    """The conjuncts of the top-level WHERE of one statement's (or subquery's) text, normalised; the
    whole condition as one term when an OR stands at its top level (``a OR b AND c`` is no ``AND c``)."""
    parts = _split_top(scope, r"\bWHERE\b")
    if len(parts) < 2:
        return []
    where = _split_top(parts[1], _CLAUSE_END)[0]
    terms = [where] if len(_split_top(where, r"\bOR\b")) > 1 else _split_top(where, r"\bAND\b")
    return [re.sub(r"\s+", " ", t).strip().lower() for t in terms]


_QUIET_WHERE = re.compile(r"not (?:\w+\.)?needs_action|(?:\w+\.)?needs_action = false")


def _quiet_visit_write(text: str) -> bool:
    """Whether an SQL text writes only visits without an issue, before and after: an INSERT INTO visits
    whose needs_action is the literal FALSE (no ON CONFLICT … DO UPDATE, which would change a flagged
    row), or an UPDATE that writes no needs_action or a DELETE of visits, each with ``NOT needs_action``
    among the top-level conjuncts of its WHERE."""
    bare = db.bare_sql(text).strip().rstrip(";")
    if V.written_tables(bare) != {"visits"} or len(_split_top(bare, ";")) != 1:
        return False
    insert = re.match(r"\s*INSERT\s+INTO\s+visits\s*\(([^)]*)\)\s*(.*)", bare, re.I | re.S)
    if insert:
        if re.search(r"\bDO\s+UPDATE\b", bare, re.I):
            return False
        columns = [c.strip().lower() for c in insert.group(1).split(",")]
        rest = insert.group(2)
        tail = r"\bON\s+CONFLICT\b|\bRETURNING\b"
        values = re.match(r"VALUES\s*\((.*)\)\s*$", _split_top(rest, tail)[0].strip(), re.I | re.S)
        if values:
            exprs = _split_top(values.group(1), ",")
        else:
            select = re.match(r"SELECT\s+(.*)", rest, re.I | re.S)
            if not select:
                return False
            exprs = _split_top(_split_top(select.group(1), r"\bFROM\b|\bWHERE\b|" + tail)[0], ",")
        if "needs_action" not in columns or len(exprs) != len(columns):
            return False
        return exprs[columns.index("needs_action")].strip().upper() == "FALSE"
    if re.match(r"\s*UPDATE\s+visits\b", bare, re.I):
        if re.search(r"\bneeds_action\b", _set_clause(bare), re.I):
            return False
    elif not re.match(r"\s*DELETE\s+FROM\s+visits\b", bare, re.I):
        return False
    return any(_QUIET_WHERE.fullmatch(t) for t in _where_terms(bare))


@pytest.mark.parametrize("name", sorted(V.QUIET_STATEMENTS - V.LAST_HOME_STATEMENTS))
def test_quiet_statements_write_visits_without_an_issue_only(name):
    """Each quiet statement (but those of the last home visit, checked above) leaves every flagged visit
    as it is and flags none, on both stores."""
    for store in (db.DUCKDB, db.POSTGRES):
        assert _quiet_visit_write(db.sql(name, store)[0]), (name, store)


@pytest.mark.parametrize(
    "text",
    [
        "INSERT INTO visits (a, needs_action, b) SELECT 1, $needs_action::BOOLEAN, (SELECT 2, 3)",
        "INSERT INTO visits (a, needs_action) SELECT 1, TRUE",
        "INSERT INTO visits (a, needs_action) SELECT 1, FALSE ON CONFLICT (a) DO UPDATE SET note = 'x'",
        "INSERT INTO visits (a, b) VALUES (1, 2)",
        "UPDATE visits SET note = 'x' WHERE id = 1",
        "UPDATE visits SET note = 'x', needs_action = TRUE WHERE id = 1 AND NOT needs_action",
        "UPDATE visits SET note = 'x' WHERE id = 1 OR NOT needs_action",
        "UPDATE visits SET note = 'x' WHERE (id = 1 OR kind = 'home') AND NOT needs_action; DELETE FROM visits",
        "DELETE FROM visits WHERE id = 1",
        "DELETE FROM visits WHERE id IN (SELECT id FROM visits WHERE NOT needs_action)",
        "UPDATE households SET note = 'x' WHERE NOT needs_action",
    ],
)
def test_a_write_that_may_touch_an_issue_is_not_quiet(text):
    """(the check above can fail: a flag from a parameter, an upsert, an edit or delete of any visit)"""
    assert not _quiet_visit_write(text)


@pytest.mark.parametrize(
    "text",
    [
        "INSERT INTO visits (a, needs_action, b) SELECT 1, FALSE, (SELECT x, y FROM t) ON CONFLICT (a) DO NOTHING",
        "INSERT INTO visits (a, needs_action) VALUES (f(1, 2), false)",
        "UPDATE visits SET note = 'x', kind = coalesce(a, b) WHERE id = 1 AND NOT needs_action RETURNING id",
        "DELETE FROM visits WHERE id = 1 AND (kind = 'a' OR kind = 'b') AND NOT needs_action RETURNING id",
    ],
)
def test_a_quiet_write_is_seen(text):
    assert _quiet_visit_write(text)


def test_the_quiet_insert_is_the_insert_with_false():
    """visit_insert_quiet writes a visit as visit_insert does, with needs_action FALSE (the two cannot drift)."""
    for store in (db.DUCKDB, db.POSTGRES):
        loud, quiet = (db.bare_sql(db.sql(n, store)[0]).split() for n in ("visit_insert", "visit_insert_quiet"))
        assert [w.replace("$needs_action::BOOLEAN", "FALSE") for w in loud] == quiet


def test_the_app_writes_visits_by_the_quiet_statements_too():
    """The loud statements stay for visits with an issue, and are not quiet."""
    for name in ("visit_insert", "visit_update", "visit_delete", "visits_upsert", "visit_issue_lock"):
        assert not _quiet_visit_write(db.sql(name)[0]), name


# ----------------------------------------------------------------------------- what moves, on a store


@pytest.fixture()
def con(tiny):
    return tiny[0]


def test_a_visit_without_an_issue_moves_the_whole_only(con):
    from analytics import visits as VV
    from auth.users import User

    member = User("member", "member", [F.G211], staff_id="S3")
    assert _moves(con, lambda: VV.record_visit(con, member, "H09", D(2026, 11, 20), "home", today=TODAY)) == (1, 0, 0)
    recent = VV.recent_visits(con, "S3", TODAY)
    vid = int(recent.loc[recent["household_code"] == "H09", "id"].iloc[0])
    assert _moves(con, lambda: VV.edit_visit(con, member, vid, today=TODAY, note="门口聊了几句")) == (1, 0, 0)
    assert _moves(con, lambda: VV.delete_visit(con, member, vid, today=TODAY)) == (1, 0, 0)


def test_a_visit_with_an_issue_moves_the_visit_issues_part(con):
    """Recorded, edited, flagged or unflagged, deleted: the whole version and the version without quiet
    visits, never the version without visits."""
    from analytics import visits as VV
    from auth.users import User

    member = User("member", "member", [F.G211], staff_id="S3")

    def record():
        VV.record_visit(con, member, "H09", D(2026, 11, 20), "phone", "漏水", needs_action=True, today=TODAY)

    assert _moves(con, record) == (1, 0, 1)
    recent = VV.recent_visits(con, "S3", TODAY)
    vid = int(recent.loc[(recent["household_code"] == "H09") & (recent["kind"] == "phone"), "id"].iloc[0])
    assert _moves(con, lambda: VV.edit_visit(con, member, vid, today=TODAY, note="漏水，已报修")) == (1, 0, 1)
    assert _moves(con, lambda: VV.edit_visit(con, member, vid, today=TODAY, needs_action=False)) == (1, 0, 1)
    assert _moves(con, lambda: VV.edit_visit(con, member, vid, today=TODAY, needs_action=True)) == (1, 0, 1)
    assert _moves(con, lambda: VV.delete_visit(con, member, vid, today=TODAY)) == (1, 0, 1)


def test_a_visit_flagged_since_it_was_read_is_written_loud(con, monkeypatch):
    """An edit or delete reads the visit before its transaction: when the visit was flagged meanwhile
    (another tab), the quiet statement changes nothing and the statement that moves the part runs."""
    from analytics import visits as VV
    from auth.users import User

    member = User("member", "member", [F.G211], staff_id="S3")
    VV.record_visit(con, member, "H09", D(2026, 11, 19), "meeting", today=TODAY)
    recent = VV.recent_visits(con, "S3", TODAY)
    vid = int(recent.loc[(recent["household_code"] == "H09") & (recent["kind"] == "meeting"), "id"].iloc[0])
    read = VV._own_recent(con, member, vid, TODAY)  # needs_action FALSE
    monkeypatch.setattr(VV, "_own_recent", lambda *a: read)  # the row as read before the flag

    def flag():
        db.execute(
            con,
            "visit_update",
            id=vid,
            household_code=read[1],
            visited_on=read[3],
            kind=read[4],
            note="x",
            needs_action=True,
        )

    flag()
    assert _moves(con, lambda: VV.edit_visit(con, member, vid, today=TODAY, note="y")) == (1, 0, 1)
    assert db.execute(con, "visit_get", id=vid).fetchone()[5] == "y"  # the edit is not lost
    flag()
    assert _moves(con, lambda: VV.delete_visit(con, member, vid, today=TODAY)) == (1, 0, 1)
    assert db.execute(con, "visit_get", id=vid).fetchone() is None


def test_any_other_write_moves_all(con):
    from analytics import petitions as P
    from auth import audit

    assert _moves(con, lambda: P.change_status(con, "admin", "P2", "in_progress", D(2026, 10, 12), today=TODAY)) == (
        1,
        1,
        1,
    )
    assert _moves(con, lambda: audit.set_rule(con, "benchmark_coverage", 0.9)) == (1, 1, 1)


def test_a_transaction_moves_the_most_of_its_statements_once(con):
    def work():
        with db.transaction(con):
            db.execute(con, "last_home_forward", household_code="H09", visited_on=D(2026, 11, 21))
            db.execute(con, "rule_set", key="revisit_days", value=100)
            db.execute(con, "last_home_forward", household_code="H08", visited_on=D(2026, 11, 21))

    assert _moves(con, work) == (1, 1, 1)

    def quiet_then_visits():
        with db.transaction(con):
            db.execute(con, "last_home_forward", household_code="H07", visited_on=D(2026, 11, 21))
            db.execute(con, "visit_issue_lock", visit_id=-1)
            db.execute(con, "household_lock", household_code="H07")

    assert _moves(con, quiet_then_visits) == (1, 0, 1)

    def quiet_only():
        db.execute(con, "last_home_forward", household_code="H07", visited_on=D(2026, 11, 21))

    assert _moves(con, quiet_only) == (1, 0, 0)


def test_the_shared_key_keeps_results_of_their_part(con, monkeypatch):
    """ui/shared.py: after a quiet visit only the whole key changes; after a visit's issue, the key
    without quiet visits too; after a petition's change, every key."""
    from analytics import petitions as P
    from ui import shared

    monkeypatch.setattr(shared.C, "db_path", lambda: "the-store")

    def keys():
        return [shared.key(con, part) for part in (shared.WHOLE, shared.NO_VISITS, shared.NO_QUIET_VISITS)]

    assert keys()[0] == shared.key(con)
    assert len({k[2:] for k in keys()}) == 3  # three parts, never mistaken for one another
    before = keys()
    db.execute(con, "last_home_forward", household_code="H09", visited_on=D(2026, 11, 21))
    after = keys()
    assert [a != b for a, b in zip(after, before)] == [True, False, False]
    db.execute(con, "visit_issue_lock", visit_id=-1)
    before, after = after, keys()
    assert [a != b for a, b in zip(after, before)] == [True, False, True]
    P.change_status(con, "admin", "P2", "in_progress", D(2026, 10, 12), today=TODAY)
    before, after = after, keys()
    assert [a != b for a, b in zip(after, before)] == [True, True, True]
    assert shared.part_of("analytics.petitions.visit_issue_items") == shared.NO_QUIET_VISITS
    assert shared.part_of("analytics.petitions.petition_items") == shared.NO_VISITS
    assert shared.part_of("analytics.reports.coverage") == shared.WHOLE


# ----------------------------------------------------------------------------- the functions shared without visits

#: What a write of visits changes: the visits, the grid tallies and households' last home visit, and on
#: PostgreSQL the days each household was visited (migration 0018's triggers on visits) and the weekly
#: quota's tallies per staff member (0029's).
VISIT_PART = ("visits", "household_tallies", "last_home_on") + (
    "home_days",
    "phone_days",
    "meeting_days",
    "reception_days",
    "staff_week_tallies",
)


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
    from analytics import areas as A
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
        "analytics.areas.area": lambda: A.area(con, F.G111),
        "analytics.areas.chain": lambda: A.chain(con, F.G111),
        "analytics.areas.children": lambda: A.children(con, "grid", F.V11, None),
        "analytics.areas.counties": lambda: A.counties(con),
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


# ------------------------------------------------------------------------ the functions shared without quiet visits

_NOT_AN_ALIAS = {
    "where", "join", "left", "right", "inner", "full", "cross", "natural", "on", "using", "group", "order",
    "limit", "union", "except", "intersect", "window", "having", "returning",
}  # fmt: skip


def _enclosing(text: str, at: int) -> str:
    """The text of the query level holding position ``at``: from there to the end of its parentheses
    (or of the text), cut before a UNION, EXCEPT, INTERSECT or ``;`` of that level."""
    depth = 0
    for i in range(at, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth < 0:
                return _split_top(text[at:i], r"\bUNION\b|\bEXCEPT\b|\bINTERSECT\b|;")[0]
    return _split_top(text[at:], r"\bUNION\b|\bEXCEPT\b|\bINTERSECT\b|;")[0]


def _flagged_reads_only(text: str) -> bool:
    """Whether every read of visits in an SQL text keeps flagged visits only: each ``FROM visits [v]`` and
    ``JOIN visits [v]`` has ``v.needs_action`` among the top-level conjuncts of its query's WHERE; and
    nothing is read by ``*`` (which would read every column of a household, its last home visit too)."""
    bare = db.bare_sql(text)
    if re.search(r"\bSELECT\s+(?:DISTINCT\s+)?\*|\w\.\*", bare, re.I):
        return False
    reads = list(re.finditer(r"\b(?:FROM|JOIN)\s+visits\b(?:\s+(?:AS\s+)?(\w+))?", bare, re.I))
    if len(reads) != len(re.findall(r"(?<![.\w])visits\b(?!\s*\.)", bare, re.I)):
        return False  # visits read otherwise (after a comma, in USING …): not seen here, so not allowed
    for m in reads:
        alias = m.group(1) if m.group(1) and m.group(1).lower() not in _NOT_AN_ALIAS else None
        flag = (re.escape(alias.lower()) + r"\." if alias else "") + r"needs_action(?: = true)?"
        if not any(re.fullmatch(flag, t) for t in _where_terms(_enclosing(bare, m.start()))):
            return False
    return True


@pytest.mark.parametrize(
    "text",
    [
        "SELECT count(*) FROM visits WHERE kind = 'home'",
        "SELECT 1 FROM visits v WHERE v.needs_action OR v.kind = 'home'",
        "SELECT 1 FROM visits v WHERE v.kind = 'home' OR v.kind = 'phone' AND v.needs_action",
        "SELECT 1 FROM visits v JOIN visits w ON w.id = v.id WHERE v.needs_action",
        "SELECT 1 FROM visits v WHERE w.needs_action",
        "SELECT 1 FROM visits v WHERE v.needs_action UNION SELECT 1 FROM visits",
        "SELECT x FROM (SELECT id AS x FROM visits) s WHERE s.x IN (SELECT id FROM visits v WHERE v.needs_action)",
        "SELECT h.* FROM households h JOIN visits v ON v.household_code = h.code WHERE v.needs_action",
        "SELECT 1 FROM visits v WHERE NOT v.needs_action",
        "SELECT 1 FROM households h, visits v WHERE h.code = v.household_code",
    ],
)
def test_a_read_of_quiet_visits_is_caught(text):
    """(the check below can fail: any visit read beside the flagged ones, or a household read whole)"""
    assert not _flagged_reads_only(text)


def test_a_read_of_flagged_visits_is_seen():
    assert _flagged_reads_only(
        "WITH a AS (SELECT v.id FROM visits AS v LEFT JOIN households h ON h.code = v.household_code "
        "WHERE v.visited_on <= $d AND (v.kind = 'x' OR v.kind = 'y') AND v.needs_action) "
        "SELECT count(*) FROM a WHERE a.id IN (SELECT id FROM visits WHERE needs_action GROUP BY id)"
    )


def _recording(monkeypatch) -> list[str]:
    """The named queries run from now on, in order (store.db._params sees each)."""
    ran: list[str] = []
    real = db._params
    monkeypatch.setattr(db, "_params", lambda name, params, s: (ran.append(name), real(name, params, s))[1])
    return ran


def _quiet_visits_read(store: str, query: str) -> list[str]:
    """What of quiet visits a named query reads: the visits' part other than visits themselves (last
    home visits, grid tallies, visited days, a view or macro built on any of them, visits too), and
    ``visits`` when a read of it keeps more than the flagged ones (:func:`_flagged_reads_only`)."""
    others = sorted(_tainted(store) - {"visits"})
    text = db.sql(query, store)[0]
    found = sorted(set(_reads(text, re.compile(r"\b(" + "|".join(map(re.escape, others)) + r")\b", re.I))))
    return found + ([] if _flagged_reads_only(text) else ["visits"])


def test_results_shared_without_quiet_visits_read_no_quiet_visit(tiny_ro, monkeypatch):
    """Every function of READS_NO_QUIET_VISITS runs only named queries that read of the visits' part
    the flagged visits alone: what a quiet statement writes is never read."""
    from ui import shared

    con = tiny_ro[0]
    store = db.store_of(con)
    ran = _recording(monkeypatch)
    calls = _quiet_calls(con)
    assert set(calls) == shared.READS_NO_QUIET_VISITS
    for name, call in calls.items():
        ran.clear()
        call()
        assert any(re.search(r"\bvisits\b", db.bare_sql(db.sql(q, store)[0])) for q in ran), f"{name} reads no visit"
        for query in set(ran):
            found = _quiet_visits_read(store, query)
            assert not found, f"{name} runs {query}, which reads {found} of visits without an issue"


def test_a_function_reading_quiet_visits_is_caught(tiny_ro, monkeypatch):
    """(the check above fails on functions that read every visit: a staff member's recent visits
    (visits directly), the coverage report and a quota (through views and macros))"""
    from analytics import reports
    from analytics import visits as VV

    con = tiny_ro[0]
    store = db.store_of(con)
    ran = _recording(monkeypatch)
    for call in (
        lambda: VV.recent_visits(con, "S3", TODAY),
        lambda: reports.coverage(con, "township", START, TODAY, scope=None),
        lambda: VV.staff_quota(con, "S3", VV.week_of(TODAY)),
    ):
        ran.clear()
        call()
        assert any(_quiet_visits_read(store, q) for q in set(ran))


# ----------------------------------------------------------------------------- every reader around every writer


def _quiet_calls(con):
    from analytics import petitions as P

    return {"analytics.petitions.visit_issue_items": lambda: P.visit_issue_items(con, TODAY, None)}


def _same(a, b) -> bool:
    """Whether two results are the same (frames cell by cell, NaN equal to NaN)."""
    if isinstance(a, (pd.DataFrame, pd.Series)):
        same_columns = not isinstance(a, pd.DataFrame) or list(a.columns) == list(b.columns)
        return type(a) is type(b) and a.shape == b.shape and same_columns and a.equals(b)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and _same(dataclasses.asdict(a), dataclasses.asdict(b))
    return a == b or (a != a and b != b)


def _stale(readers: dict, before: dict, moved: tuple[int, int, int]) -> list[str]:
    """The readers whose result changed (against ``before``) while the part they are shared under
    (ui/shared.py part_of) did not move: the results a page would have served stale."""
    from ui import shared

    index = {shared.WHOLE: 0, shared.NO_VISITS: 1, shared.NO_QUIET_VISITS: 2}
    return [
        name
        for name, call in readers.items()
        if not _same(before[name], call()) and moved[index[shared.part_of(name)]] == 0
    ]


def _writers(con, folder):
    """Every kind of writer, in an order that builds on the one before: (what, work, the parts it moves,
    whether it changes the work list's visit issues). Each changes something a page shows."""
    from analytics import petitions as P
    from analytics import visits as VV
    from auth import audit
    from auth.users import User

    member = User("member", "member", [F.G211], staff_id="S3")
    ids: dict[str, int] = {}

    def record(key, day, kind, note=None, needs_action=False):
        def work():
            VV.record_visit(con, member, "H09", day, kind, note, needs_action, today=TODAY)
            recent = VV.recent_visits(con, "S3", TODAY)
            mine = (pd.to_datetime(recent["visited_on"]) == pd.Timestamp(day)) & (recent["kind"] == kind)
            ids[key] = int(recent.loc[mine & (recent["household_code"] == "H09"), "id"].iloc[0])

        return work

    def edit(key, **change):
        return lambda: VV.edit_visit(con, member, ids[key], today=TODAY, **change)

    def delete(key):
        return lambda: VV.delete_visit(con, member, ids[key], today=TODAY)

    def import_visits():
        rows = [("H09", "S3", "2026-11-21", "电话", "导入的新记录"), ("H08", "S3", "2026-11-21", "入户", "")]
        F.import_visits(con, folder, rows, TODAY)

    def rename_household():
        F.rename_household(con, folder, TODAY)

    def take_up():
        P.change_issue_status(con, "admin", ids["phone"], "in_progress", TODAY)

    def petition():
        P.change_status(con, "admin", "P2", "in_progress", D(2026, 10, 12), today=TODAY)

    def last_home():
        db.execute(con, "last_home_forward", household_code="H08", visited_on=TODAY)

    quiet, visits, every = (1, 0, 0), (1, 0, 1), (1, 1, 1)
    return [
        ("a home visit without an issue", record("home", D(2026, 11, 20), "home"), quiet, False),
        ("its note edited", edit("home", note="门口聊了几句"), quiet, False),
        ("its day moved", edit("home", visited_on=D(2026, 11, 19)), quiet, False),
        ("a visit raising an issue", record("phone", D(2026, 11, 21), "phone", "漏水", True), visits, True),
        ("the issue's note edited", edit("phone", note="漏水，楼上"), visits, True),
        ("an import re-noting the flagged visit", import_visits, visits, True),
        ("its household renamed", rename_household, every, True),
        ("the reply deadline's rule", lambda: audit.set_rule(con, "reply_working_days", 5), every, True),
        ("the issue taken up", take_up, every, True),
        ("a quiet visit flagged", edit("home", needs_action=True), visits, True),
        ("the flag taken off again", edit("home", needs_action=False), visits, True),
        ("the flagged visit unflagged", edit("phone", needs_action=False), visits, True),
        ("a petition's state", petition, every, False),
        ("a flagged visit", record("meeting", D(2026, 11, 18), "meeting", "路灯坏了", True), visits, True),
        ("the flagged visit deleted", delete("meeting"), visits, True),
        ("the quiet visit deleted", delete("home"), quiet, False),
        ("a household's last home visit", last_home, quiet, False),
    ]


def test_no_writer_leaves_a_reader_stale(tiny, tmp_path):
    """Each reader shared under a part of the version (READS_NO_VISITS, READS_NO_QUIET_VISITS) is run
    before and after each kind of writer: whenever its result changed, its part moved. And the quiet
    writers leave the visit issues' part where it is, the others move it."""
    con = tiny[0]
    readers = {**_calls(con), **_quiet_calls(con)}
    issues = "analytics.petitions.visit_issue_items"
    for what, work, parts, changes_issues in _writers(con, tmp_path):
        before = {name: call() for name, call in readers.items()}
        moved = _moves(con, work)
        assert moved == parts, what
        assert not _stale(readers, before, moved), what
        assert _same(before[issues], readers[issues]()) is not changes_issues, what


def test_a_stale_reader_is_caught(tiny, tmp_path, monkeypatch):
    """(the check above fails when a writer that changes a reader's result does not move its part: the
    app's visit insert, edit and delete for a flagged visit counted quiet)"""
    con = tiny[0]
    monkeypatch.setattr(V, "QUIET_STATEMENTS", V.QUIET_STATEMENTS | {"visit_insert", "visit_update", "visit_delete"})
    V.part.cache_clear(), V.moves.cache_clear()
    try:
        readers = {**_calls(con), **_quiet_calls(con)}
        writers = {what: work for what, work, *_ in _writers(con, tmp_path)}
        writers["a home visit without an issue"]()
        for what in ("a visit raising an issue", "a quiet visit flagged", "the flagged visit unflagged"):
            before = {name: call() for name, call in readers.items()}
            moved = _moves(con, writers[what])
            assert moved == (1, 0, 0) and _stale(readers, before, moved) == ["analytics.petitions.visit_issue_items"]
    finally:
        monkeypatch.undo()
        V.part.cache_clear(), V.moves.cache_clear()


def test_the_petitions_page_keeps_its_visit_issues_after_a_quiet_visit(tiny, monkeypatch):
    """The page as a leader sees it: a visit without an issue leaves the visit issues computed once for
    every session; a visit raising an issue is in the next view at once."""
    import sys

    from analytics import petitions as P
    from analytics import visits as VV
    from auth.users import User
    from i18n import t

    con, path = tiny
    real = P.visit_issue_items
    shared_computations: list[int] = []

    def counting(*args, **kwargs):
        if sys._getframe(1).f_code.co_name == "_county":  # the county's part the pages cut theirs from
            shared_computations.append(1)
        return real(*args, **kwargs)

    counting.__module__, counting.__qualname__ = real.__module__, real.__qualname__
    monkeypatch.setattr(P, "visit_issue_items", counting)
    member = User("member", "member", [F.G211], staff_id="S3")

    def issues() -> str:
        at = F.signed_in_app(monkeypatch, path, "leader", today=TODAY, page="pages/petitions.py")
        return {m.label: m.value for m in at.metric}[t("figure.issues")]

    first = issues()  # (the first views fill the working-day calendar once: a write, a new version)
    assert shared_computations and issues() == first
    shared_computations.clear()
    assert issues() == first and shared_computations == []  # another session: shared
    VV.record_visit(con.cursor(), member, "H09", TODAY, "home", "门口聊了几句", today=TODAY)
    assert issues() == first and shared_computations == []  # a visit without an issue: not computed again
    VV.record_visit(con.cursor(), member, "H09", TODAY, "phone", "漏水", needs_action=True, today=TODAY)
    assert int(issues()) == int(first) + 1 and shared_computations == [1]  # computed once, shown at once
