"""The work list in two parts (issue 16 §1): petitions (read no visit, shared under the version without
visits) and visit issues, put together in one order — the same rows in the same order as the one query
it replaced (tests/data/worklist_before_split.sql), for scopes and periods with and without petitions
and visit issues, on the store the suite runs on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from analytics import petitions as P
from analytics.reports import county_wide
from store import db
from tests.factories import COUNTY, G111, G121, G212, T1, T2, V21
from vocabulary.petitions import GROUP_PETITION_PEOPLE

D = dt.date
TODAY = D(2026, 11, 26)
BEFORE = "worklist_before_split"
BEFORE_SQL = (Path(__file__).parent / "data" / f"{BEFORE}.sql").read_text(encoding="utf-8")


def _before(con, monkeypatch, today, scope, date_from, date_to) -> pd.DataFrame:
    """The work list as the one query gave it (analytics.petitions.items before the split)."""
    for _, years in P._PARTS.values():  # the calendar the one query needed, as before
        P._ensure_calendar(con, today, years)
    real_sql, real_is_write = db.sql, db.is_write
    text = BEFORE_SQL.split(f"-- name: {BEFORE}\n", 1)[1]
    monkeypatch.setattr(
        db,
        "sql",
        lambda name, store=db.DUCKDB: (text, db.parameters(text)) if name == BEFORE else real_sql(name, store),
    )
    monkeypatch.setattr(db, "is_write", lambda name: False if name == BEFORE else real_is_write(name))
    out = db.df(
        con,
        BEFORE,
        today=today,
        date_from=date_from,
        date_to=date_to,
        scope=None if scope is None else list(scope),
        with_unlocated=county_wide(con, scope),
        reply_days=int(db.rule(con, "reply_working_days")),
        close_days=int(db.rule(con, "close_days")),
        repeat_days=int(db.rule(con, "repeat_days")),
        group_people=GROUP_PETITION_PEOPLE,
    )
    monkeypatch.setattr(db, "sql", real_sql)
    monkeypatch.setattr(db, "is_write", real_is_write)
    for c in ("received_on", "replied_on", "closed_on", "reply_due", "close_due"):
        out[c] = pd.to_datetime(out[c]).dt.date
    out["days_overdue"] = out["days_overdue"].astype("Int64")
    for c in ("overdue", "replied", "replied_on_time", "closed", "closed_on_time", "is_group", "is_repeat", "located"):
        out[c] = out[c].fillna(False).astype(bool)
    for c in P.TEXT_COLUMNS:  # text as the parts give it: pandas' str type, NaN where empty (was None or NaN)
        out[c] = out[c].astype("str")
    return out[P.WORKLIST_COLUMNS]


@pytest.fixture()
def world(tiny):
    """The tiny world with three visit issues: one received (H06, 11-17), one in progress (H08, 11-23),
    one closed (H09, 03-01), beside the four petitions (one unlocated, one a group)."""
    con, _ = tiny
    ids = {}
    for hh, day in (("H06", "2026-11-17"), ("H08", "2026-11-23"), ("H09", "2026-03-01")):
        vid = con.execute(
            "SELECT id FROM visits WHERE household_code = $h AND visited_on = $d", {"h": hh, "d": D.fromisoformat(day)}
        ).fetchone()[0]
        con.execute("UPDATE visits SET needs_action = TRUE, note = '要跟进' WHERE id = $id", {"id": vid})
        ids[hh] = vid
    P.change_issue_status(con, "admin", ids["H08"], "in_progress", D(2026, 11, 24), today=TODAY)
    P.change_issue_status(con, "admin", ids["H09"], "closed", D(2026, 3, 20), note="已办", today=TODAY)
    return con


SCOPES = [None, [COUNTY], [T1], [T2], [V21], [G111], [G121], [G212]]
PERIODS = [
    (None, None),
    (D(2026, 11, 1), D(2026, 11, 30)),
    (D(2026, 3, 1), D(2026, 3, 31)),
    (D(2026, 1, 1), D(2026, 1, 31)),
]
DAYS = [TODAY, D(2026, 10, 15), D(2026, 12, 30), D(2026, 3, 10)]


def _cases():
    """Every day with every scope, each pair with two of the four periods in turn: every (scope, period)
    and every (day, period) pair is compared, in half the 128 cases of the whole product (CI's time)."""
    for d, today in enumerate(DAYS):
        for s, scope in enumerate(SCOPES):
            for p in (d + s) % len(PERIODS), (d + s + 2) % len(PERIODS):
                yield today, scope, PERIODS[p]


def test_the_cases_cover_every_pair():
    cases = list(_cases())
    assert len(cases) == 64 and len(set(map(repr, cases))) == 64
    assert {(repr(sc), p) for _, sc, p in cases} == {(repr(sc), p) for sc in SCOPES for p in PERIODS}
    assert {(d, p) for d, _, p in cases} == {(d, p) for d in DAYS for p in PERIODS}
    assert {(d, repr(sc)) for d, sc, _ in cases} == {(d, repr(sc)) for d in DAYS for sc in SCOPES}


def test_the_parts_together_are_the_work_list_as_before(world, monkeypatch):
    con = world
    seen = {"both": 0, "petitions only": 0, "visit issues only": 0, "neither": 0}
    for today, scope, (date_from, date_to) in _cases():
        before = _before(con, monkeypatch, today, scope, date_from, date_to)
        after = P.items(con, today, scope, date_from, date_to)
        case = f"today {today}, scope {scope}, {date_from}..{date_to}"
        assert after["id"].tolist() == before["id"].tolist(), case  # same rows, same order
        pd.testing.assert_frame_equal(after, before, check_dtype=False, obj=case)
        kinds = set(after["kind"])
        seen[
            "both"
            if len(kinds) == 2
            else "petitions only"
            if kinds == {"petition"}
            else "visit issues only"
            if kinds
            else "neither"
        ] += 1
    assert all(seen.values()), seen  # every kind of case was compared


def test_the_states_compared_include_every_one(world):
    """(so the comparison above is over items in every state, overdue or not)"""
    w = P.items(world, TODAY)
    assert set(w.loc[w["kind"] == "visit_issue", "status"]) == {"received", "in_progress", "closed"}
    assert set(w.loc[w["kind"] == "petition", "status"]) == {"received", "replied", "closed"}
    assert w["overdue"].any() and not w["overdue"].all() and w["is_group"].any() and not w["located"].all()


def test_the_petitions_part_is_the_work_lists_petitions(world):
    """The hotspot page's overdue flags and the watch-list read the petitions part alone: the same rows,
    in the same order, as the work list's petitions."""
    whole = P.items(world, TODAY)
    part = P.with_dates(P.petition_items(world, TODAY)[P.WORKLIST_COLUMNS])
    pd.testing.assert_frame_equal(part, whole[whole["kind"] == "petition"].reset_index(drop=True))
    issues = P.with_dates(P.visit_issue_items(world, TODAY)[P.WORKLIST_COLUMNS])
    pd.testing.assert_frame_equal(issues, whole[whole["kind"] == "visit_issue"].reset_index(drop=True))
    assert len(part) == 4 and len(issues) == 3
    together = P.combined(P.petition_items(world, TODAY), P.visit_issue_items(world, TODAY))
    assert together["id"].tolist() == whole["id"].tolist()
    pd.testing.assert_frame_equal(P.with_dates(together), whole)


def test_the_parts_keep_their_dates_as_numbers(world):
    """Shared between sessions, the parts are copied for each view: their dates are datetime64 (one
    block of numbers), the work list as the command line and the reports read it has datetime.date."""
    part = P.petition_items(world, TODAY)
    assert all(str(part[c].dtype) == "datetime64[s]" for c in P.DATE_COLUMNS)
    assert part["replied_on"].isna().any() and part["replied_on"].notna().any()
    whole = P.items(world, TODAY).set_index("id")
    assert whole.loc["P1", "received_on"] == part.set_index("id").loc["P1", "received_on"].date()
    assert all(isinstance(d, D) for d in whole["received_on"])


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 7, 20])
def test_the_first_rows_of_the_work_list_from_the_first_rows_of_each_part(world, n):
    """The petitions page shows the most urgent rows of a selection: merged from the first n of each part,
    they are the first n of the whole list, for any n and any selection of states."""
    parts = (P.petition_items(world, TODAY), P.visit_issue_items(world, TODAY))
    for states in (P.STATUSES, P.OPEN_STATUSES, ("received",), ("closed",)):
        chosen = [p[p["status"].isin(states)] for p in parts]
        whole = P.combined(*chosen)
        pd.testing.assert_frame_equal(P.combined(*chosen, head=n), whole.head(n), obj=f"{states}, head {n}")
    both_kinds = P.combined(*parts, head=n)
    assert len(both_kinds) == min(n, 7)
    if n >= 5:  # the first five hold both kinds (else the merge would not be tested)
        assert set(both_kinds["kind"]) == {"petition", "visit_issue"}


def test_repeats_in_a_scope_and_a_period_look_back_over_the_households_petitions(world, monkeypatch):
    """The repeat flag's window runs over the petitions of the households the items name only (up to
    today, any period, any scope): the same flags as the one query's window over every petition."""
    world.execute(
        "INSERT INTO petitions (id, received_on, household_code) VALUES "
        "('P5', DATE '2026-11-10', 'H01'), ('P6', DATE '2026-11-11', 'H02'), ('P7', DATE '2026-11-25', 'H01')"
    )
    for today in (TODAY, D(2026, 11, 20)):
        for scope in SCOPES:
            for date_from, date_to in PERIODS[:2]:
                before = _before(world, monkeypatch, today, scope, date_from, date_to)
                after = P.items(world, today, scope, date_from, date_to)
                pd.testing.assert_frame_equal(after, before, check_dtype=False, obj=f"{today}, {scope}, {date_from}")
    w = P.items(world, TODAY, [T1], D(2026, 11, 1), D(2026, 11, 30)).set_index("id")
    # P5: H01's P1 (10-08, before the period) within 90 days; P7: P5 within 90 days; P6: H02's first
    assert w.loc["P5", "is_repeat"] and w.loc["P7", "is_repeat"] and not w.loc["P6", "is_repeat"]


def test_df_text_gives_the_rows_df_gives(world):
    """store.db.df_text (through Arrow on DuckDB) and store.db.df: the same values; on DuckDB text as pandas' str."""
    params = dict(
        today=TODAY,
        date_from=None,
        date_to=None,
        scope=None,
        with_unlocated=True,
        reply_days=7,
        repeat_days=90,
    )
    for query in ("petition_items", "visit_issue_items"):
        # (the queries have no order: each frame by id)
        arrow, rows = (
            f.sort_values("id", ignore_index=True)
            for f in (db.df_text(world, query, **params), db.df(world, query, **params))
        )
        assert arrow.columns.tolist() == rows.columns.tolist() and len(arrow) == len(rows) > 0
        texts = [c for c in rows.columns if c in P.TEXT_COLUMNS or c == "status_now"]
        assert arrow[texts].isna().any().any()  # NULL text compared too
        if db.store_of(world) == db.DUCKDB:  # (on PostgreSQL df_text is df)
            assert all(str(arrow[c].dtype) == "str" for c in texts)
        pd.testing.assert_frame_equal(arrow[texts].astype("str"), rows[texts].astype("str"), obj=query)
        for c in ("received_on", "replied_on", "closed_on", "reply_due"):
            days = [pd.to_datetime(f[c]).astype("datetime64[s]") for f in (arrow, rows)]
            pd.testing.assert_series_equal(*days, obj=f"{query} {c}")
        for c in ("people", "located", "is_repeat"):
            values = [[None if pd.isna(v) else int(v) for v in f[c]] for f in (arrow, rows)]  # NULL as NULL
            assert values[0] == values[1], (query, c)
