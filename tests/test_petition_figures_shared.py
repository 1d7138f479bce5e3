"""The petitions page takes its headline and its figures by area from the work list it shares between
sessions (``every=``): the same figures as when each queries its own period (analytics/petitions.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import petitions as P
from tests import factories as F

D = dt.date
TODAY = D(2026, 11, 22)
PERIODS = [
    (D(2026, 1, 1), TODAY),
    (D(2026, 10, 1), D(2026, 10, 31)),
    (D(2026, 10, 9), D(2026, 10, 9)),
    (D(2025, 1, 1), D(2025, 12, 31)),
]


@pytest.mark.parametrize("scope", [None, [F.T1], [F.T2]])
def test_summary_from_the_shared_list_is_the_same(tiny_ro, scope):
    con = tiny_ro[0]
    every = P.worklist(con, scope, TODAY)
    parts = (P.petition_items(con, TODAY, scope), P.visit_issue_items(con, TODAY, scope))
    assert len(every) > 0
    received = []
    for date_from, date_to in PERIODS:
        own = P.summary(con, date_from, date_to, scope, TODAY)
        assert P.summary(con, date_from, date_to, scope, TODAY, every=every) == own
        assert P.summary(con, date_from, date_to, scope, TODAY, every=parts) == own  # as the page has it
        received.append(own["received"])
    assert max(received) > 0 and min(received) == 0  # periods with petitions and one without


@pytest.mark.parametrize("level", ["township", "village", "grid"])
def test_figures_by_area_from_the_shared_list_are_the_same(tiny_ro, level):
    con = tiny_ro[0]
    every = P.worklist(con, None, TODAY)
    parts = (P.petition_items(con, TODAY), P.visit_issue_items(con, TODAY))
    for date_from, date_to in PERIODS:
        own = P.figures_by_area(con, level, date_from, date_to, None, TODAY)
        pd.testing.assert_frame_equal(P.figures_by_area(con, level, date_from, date_to, None, TODAY, every=every), own)
        pd.testing.assert_frame_equal(P.figures_by_area(con, level, date_from, date_to, None, TODAY, every=parts), own)
    assert P.figures_by_area(con, level, *PERIODS[0], None, TODAY)["received"].sum() > 0


def test_hotspot_overdue_flags_from_the_shared_list_are_the_same(tiny_ro):
    from analytics import hotspots as H

    con = tiny_ro[0]
    every = P.worklist(con, None, TODAY)
    flagged, shown = 0, 0
    for date_from, date_to in PERIODS[:3]:
        pets = H.petitions(con, date_from, date_to)
        own = H.overdue(con, pets, TODAY)
        pd.testing.assert_series_equal(H.overdue(con, pets, TODAY, every=every), own)
        flagged, shown = flagged + int(own.sum()), shown + len(own)
    assert 0 < flagged < shown  # some overdue, some not
