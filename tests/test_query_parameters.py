"""The ``$parameters`` of a named query (store/db.py ``parameters``): what a comment or a literal
holds is none, and a comment cannot hide the ones after it — on the store under test."""

from __future__ import annotations

import pytest

from store import db
from store.postgres import placeholders
from tests.factories import G111, G112, V11

#: a query whose comments have an odd number of apostrophes and name a parameter of their own
GRIDS_OF = """-- name: grids_of
-- The grids of a village.
SELECT code FROM areas  -- the village's grids; $level is no parameter
WHERE parent_code = $parent AND level = 'grid'  -- it's the grid level
  AND code <> $skip -- '$not_one_either
ORDER BY code;
"""


@pytest.mark.parametrize(
    "text,names",
    [
        ("SELECT $a, $b, $a", ("a", "b")),
        ("SELECT $a -- the grid's\n, $b", ("a", "b")),  # an apostrophe in a comment
        ("SELECT $a -- one's\n, $b -- two's\n, $c", ("a", "b", "c")),
        ("SELECT '$x', 'it''s', $a", ("a",)),  # in a literal: none
        ("SELECT 'a -- b', $a", ("a",)),  # -- inside a literal: no comment
        ("SELECT $a -- $b\n", ("a",)),  # in a comment: none
        ("SELECT /* $b 's */ $a", ("a",)),
        ('SELECT "$b", $a', ("a",)),  # a quoted name
        ("SELECT $$ $b $$, $a", ("a",)),  # a dollar-quoted body
        ("SELECT $f$ it's $b $f$, $a", ("a",)),
        ("SELECT x$y, $a", ("a",)),
    ],
)
def test_parameters(text, names):
    assert db.parameters(text) == names


def test_placeholders_reads_comments_alike():
    """PostgreSQL's rewrite of the parameters uses the same reading of the text."""
    assert placeholders("SELECT $a -- the grid's\n, $b") == "SELECT %(a)s -- the grid's\n, %(b)s"


@pytest.fixture()
def queries_dir(tmp_path, monkeypatch):
    """queries/ replaced by a folder holding GRIDS_OF only (the caches of the named queries emptied
    before and after)."""
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "grids.sql").write_text(GRIDS_OF, encoding="utf-8")
    caches = (db._queries, db.sql, db.only_for)
    for c in caches:
        c.cache_clear()
    monkeypatch.setattr(db, "QUERIES", folder)
    yield folder
    for c in caches:
        c.cache_clear()


def test_a_comment_with_an_apostrophe_hides_no_parameter(tiny_ro, queries_dir):
    con, _ = tiny_ro
    name = "grids_of"  # of the replaced queries/ (not one of the app's: tests/test_queries.py)
    assert db.sql(name, db.store_of(con))[1] == ("parent", "skip")
    assert db.df(con, name, parent=V11, skip="none")["code"].tolist() == [G111, G112]
    assert db.df(con, name, parent=V11, skip=G111)["code"].tolist() == [G112]
