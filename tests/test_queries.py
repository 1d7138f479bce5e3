"""Every named query in queries/*.sql is used, and every name the code asks for exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.spec import KINDS
from store import db

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ["analytics", "auth", "bench", "demo", "gis", "i18n", "ingest", "pages", "store", "ui", "tests"]
#: names the code builds (ingest/tables.py: ``f"{kind}_diff"``, ``f"{kind}_upsert"``)
BUILT = {f"{k}_diff" for k in KINDS} | {f"{k}_upsert" for k in KINDS}
#: the scope predicate's own words — a scope list searched for an area's ancestors (or the area):
#: written once, in ``in_scope`` (store/migrations/0012_shared_predicates*.sql)
SCOPE_WORDS = re.compile(r"(?:list_contains\(|=\s*ANY\()\s*(?:CAST\(\s*)?\$scope\b", re.I)
SHARED = "0012_shared_predicates"


def _named() -> dict[str, str]:
    out = {}
    for f in sorted((ROOT / "queries").glob("*.sql")):
        for name in re.findall(r"^-- name: ([A-Za-z0-9_]+)[!<>*#$]*", f.read_text(encoding="utf-8"), re.M):
            out[name] = f.name
    return out


def _code() -> str:
    files = [ROOT / "app.py", ROOT / "manage.py"] + [p for d in CODE_DIRS for p in (ROOT / d).rglob("*.py")]
    return "\n".join(p.read_text(encoding="utf-8") for p in files if p.name != "test_queries.py")


def test_every_named_query_is_used():
    named = _named()
    assert len(named) > 100
    code = _code()
    bases = {n.split("__")[0] for n in named}
    unused = sorted(n for n in bases if n not in BUILT and not re.search(rf"[\"']{n}[\"']", code))
    assert unused == [], f"named queries nobody runs: {unused}"


def test_every_variant_has_its_query():
    named = _named()
    orphans = [n for n in named if "__" in n and n.split("__")[0] not in named]
    assert orphans == []


def test_every_name_asked_for_exists():
    named = set(_named())
    code = _code()
    asked = set(re.findall(r"db\.(?:df|rows|one|execute)\(\s*[\w.]+,\s*[\"']([A-Za-z0-9_]+)[\"']", code))
    assert len(asked) > 100
    assert sorted(asked - named) == []
    assert BUILT <= named


def _sql_and_code() -> dict[str, str]:
    """Every file that may hold SQL, by path: named queries, migrations, and Python (SQL in strings)."""
    files = sorted((ROOT / "queries").glob("*.sql")) + sorted((ROOT / "store" / "migrations").glob("*.sql"))
    files += [ROOT / "app.py", ROOT / "manage.py"] + [p for d in CODE_DIRS for p in sorted((ROOT / d).rglob("*.py"))]
    return {str(f.relative_to(ROOT)): f.read_text(encoding="utf-8") for f in files if f.name != "test_queries.py"}


def test_the_scope_predicate_is_written_once():
    """``in_scope`` is the one definition of the $scope convention: no query spells it out again."""
    old = (
        "AND ($scope::VARCHAR[] IS NULL OR EXISTS (SELECT 1 FROM area_ancestors s WHERE s.code = a.code "
        "AND list_contains($scope::VARCHAR[], s.ancestor_code)))"
    )
    assert SCOPE_WORDS.search(old) and SCOPE_WORDS.search("x.ancestor_code = ANY(CAST($scope AS VARCHAR[]))")
    files = _sql_and_code()
    spelled = sorted(f for f, text in files.items() if SCOPE_WORDS.search(text))
    assert spelled == [], f"the scope predicate written out again (use in_scope(code, $scope::VARCHAR[])): {spelled}"
    users = [f for f, text in files.items() if f.startswith("queries/") and "in_scope(" in text]
    assert len(users) >= 9
    defined = [f for f, text in files.items() if re.search(r"CREATE (?:MACRO|FUNCTION) in_scope\b", text)]
    assert sorted(defined) == [f"store/migrations/{SHARED}.postgres.sql", f"store/migrations/{SHARED}.sql"]


#: "under $area (NULL: everywhere)" written out — written once, in ``in_area`` (0017_shared_sql*.sql)
UNDER_AREA_WORDS = re.compile(
    r"(?:\$\w+(?:::VARCHAR)?|CAST\(\s*\$\w+\s+AS\s+VARCHAR\s*\))\s+IS\s+NULL\s+OR\s+EXISTS\s*\(\s*"
    r"SELECT\s+1\s+FROM\s+area_ancestors\b",
    re.I,
)
SHARED_SQL = "0017_shared_sql"


def test_under_an_area_is_written_once():
    """``in_area(code, $parent)`` (0017) is the one definition of "under $parent, NULL: everywhere":
    no query or Python string spells ``$x IS NULL OR EXISTS (SELECT 1 FROM area_ancestors …)`` again."""
    old = (
        "AND ($parent::VARCHAR IS NULL OR EXISTS (\n"
        "            SELECT 1 FROM area_ancestors p WHERE p.code = a.code AND p.ancestor_code = $parent::VARCHAR))"
    )
    assert UNDER_AREA_WORDS.search(old)
    assert UNDER_AREA_WORDS.search("CAST($area AS VARCHAR) IS NULL OR EXISTS (SELECT 1 FROM area_ancestors x")
    files = _sql_and_code()
    spelled = sorted(f for f, text in files.items() if UNDER_AREA_WORDS.search(text))
    assert spelled == [], f"'under an area' written out again (use in_area(code, $area::VARCHAR)): {spelled}"
    queries = {f: text for f, text in files.items() if f.startswith("queries/")}
    assert sum(text.count("in_area(") for text in queries.values()) >= 10
    defined = [f for f, text in files.items() if re.search(r"CREATE (?:MACRO|FUNCTION) in_area\b", text)]
    assert sorted(defined) == [f"store/migrations/{SHARED_SQL}.postgres.sql", f"store/migrations/{SHARED_SQL}.sql"]


def test_the_visits_a_quota_counts_are_written_once():
    """``quota_visits`` (0017) is the one definition of the visits a quota counts (home visits to
    active households): no named query spells the active households' anti-join again."""
    words = re.compile(r"NOT\s+IN\s*\(\s*SELECT\s+(?:\w+\.)?hid\s+FROM\s+households\b", re.I)
    assert words.search("AND v.hid NOT IN (SELECT hid FROM households WHERE status <> 'active')")
    queries = {f: text for f, text in _sql_and_code().items() if f.startswith("queries/")}
    assert sorted(f for f, text in queries.items() if words.search(text)) == []
    assert sum(text.count("FROM quota_visits(") for text in queries.values()) >= 4


def test_the_household_search_is_written_once():
    """``household_matches`` (0017) is the one household search (code, head's name or address):
    no named query spells ``… OR coalesce(h.address, '') ILIKE $like`` again (grids_find_households'
    ranking of its hits by which column matched is its own)."""
    words = re.compile(r"coalesce\(\s*(?:\w+\.)?address\s*,\s*''\s*\)\s*ILIKE", re.I)
    assert words.search("OR h.head_name ILIKE $like ESCAPE '\\' OR coalesce(h.address, '') ILIKE $like ESCAPE '\\')")
    queries = {f: text for f, text in _sql_and_code().items() if f.startswith("queries/")}
    assert sorted(f for f, text in queries.items() if words.search(text)) == []
    assert sum(text.count("household_matches(h.code, h.head_name, h.address, $like)") for text in queries.values()) == 2


#: small queries that join an area's places themselves: the view costs DuckDB about 3 ms at each use
#: (it makes every join of the view, read or not), more than the query itself (0019_area_places.sql)
PLACES_JOINED_OUT = [
    "grid_areas",
    "grids_directory",
    "grids_find_households",
    "hotspots_page_repeats",
    "household_head",
    "survey_sample_of",
]


def test_the_places_of_an_area_are_written_once():
    """``area_places`` (0019) is the one definition of an area's grid, village and township: no named
    query but the small ones of :data:`PLACES_JOINED_OUT` joins area_ancestors for the grid, village
    or township of a row to show it (an inner join that only needs the township's code, as the
    survey's draw frame does, is another question)."""
    words = re.compile(
        r"LEFT\s+JOIN\s+area_ancestors\s+\w+\s+ON\b[^\n]*?ancestor_level\s*=\s*'(?:grid|village|township)'", re.I
    )
    assert words.search("LEFT JOIN area_ancestors av ON av.code = it.loc AND av.ancestor_level = 'village'")
    assert not words.search("JOIN area_ancestors t ON t.code = h.grid_code AND t.ancestor_level = 'township'")
    statements = {}
    for f in sorted((ROOT / "queries").glob("*.sql")):
        parts = re.split(r"^-- name: ([A-Za-z0-9_]+)[!<>*#$]*\s*$", f.read_text(encoding="utf-8"), flags=re.M)
        statements |= dict(zip(parts[1::2], parts[2::2]))
    assert sorted(n for n, text in statements.items() if words.search(text)) == PLACES_JOINED_OUT
    users = sorted(n for n, text in statements.items() if "JOIN area_places " in text)
    assert users == [
        "hotspots_page_petitions",
        "petition_items",
        "petition_items__postgres",
        "visit_issue_items",
        "visit_issue_items__postgres",
    ]


def _current_definitions(store: str) -> dict[str, tuple[str, str]]:
    """Every macro or function of the migrations as the database has it after the last one:
    name -> (file, text of its newest CREATE [OR REPLACE] … up to the next CREATE)."""
    out = {}
    for _version, path in db.migrations(store):
        text = path.read_text(encoding="utf-8")
        starts = list(re.finditer(r"^CREATE (?:OR REPLACE )?(?:TEMP )?(?:MACRO|FUNCTION) (\w+)", text, re.M))
        ends = [m.start() for m in starts[1:]] + [len(text)]
        for m, end in zip(starts, ends):
            out[m.group(1)] = (path.name, text[m.start() : end])
    return out


@pytest.mark.parametrize("store", [db.DUCKDB, db.POSTGRES])
def test_no_macro_or_function_spells_the_scope_predicate_again(store):
    """The macros and functions the database has after the last migration (0005's responsible_for
    is redefined by 0014) test a scope through in_scope, never by searching the list themselves —
    only in_scope and its helper scope_areas (0012) do that."""
    own_words = re.compile(r"(?:list_contains\(|=\s*ANY\()\s*(?:CAST\(\s*)?\$?scope\b", re.I)
    assert own_words.search("AND list_contains(scope, x.ancestor_code)")
    defs = _current_definitions(store)
    spelled = sorted(
        f"{name} ({file})"
        for name, (file, text) in defs.items()
        if name not in ("in_scope", "scope_areas") and own_words.search(text)
    )
    assert spelled == [], f"the scope predicate written out again (call in_scope(code, scope)): {spelled}"
    assert defs["responsible_for"][0].startswith("0014_")
    assert "in_scope(sg.grid_code, scope)" in defs["responsible_for"][1]


@pytest.mark.parametrize("store", [db.DUCKDB, db.POSTGRES])
def test_the_assignment_period_is_written_once(store):
    """Whether a staff_grids assignment holds during a period is ``assigned_during`` (0014): no
    named query, macro or function spells ``valid_from IS NULL OR …`` again."""
    # the start of an assignment against the end of a period (grids_current_rows, which asks only
    # whether an assignment lasts until a day, is another question)
    period_words = re.compile(r"valid_from\s+IS\s+NULL\s+OR\s+\w*\.?valid_from\s*<=", re.I)
    assert period_words.search("AND (sg.valid_from IS NULL OR sg.valid_from <= $on::DATE)")
    queries = {f: text for f, text in _sql_and_code().items() if f.startswith("queries/")}
    assert sorted(f for f, text in queries.items() if period_words.search(text)) == []
    assert sum(text.count("assigned_during(") for text in queries.values()) >= 6
    defs = _current_definitions(store)
    assert sorted(n for n, (_f, text) in defs.items() if n != "assigned_during" and period_words.search(text)) == []
    assert defs["assigned_during"][0].startswith("0014_")


def test_the_petition_filter_and_the_group_threshold_are_written_once():
    """The hotspot reports' petition filter is ``petition_matches`` (0012); the group-petition
    threshold is a parameter (vocabulary/petitions.GROUP_PETITION_PEOPLE), never a number in SQL."""
    filter_words = re.compile(r"list_contains\(\s*(?:CAST\(\s*)?\$(?:categories|channels)\b", re.I)
    threshold = re.compile(r"people\s*(?:>=|>|<|<=)\s*\d", re.I)
    assert filter_words.search("AND list_contains($categories::VARCHAR[], p.category)")
    assert threshold.search("AND (NOT $group_only::BOOLEAN OR p.people >= 5)")
    files = _sql_and_code()
    queries = {f: text for f, text in files.items() if f.startswith("queries/")}
    assert sorted(f for f, text in queries.items() if filter_words.search(text)) == []
    assert sorted(f for f, text in queries.items() if threshold.search(text)) == []
    assert sum(text.count("petition_matches(") for text in queries.values()) >= 3
    defined = [f for f, text in files.items() if re.search(r"CREATE (?:MACRO|FUNCTION) petition_matches\b", text)]
    assert sorted(defined) == [f"store/migrations/{SHARED}.postgres.sql", f"store/migrations/{SHARED}.sql"]
