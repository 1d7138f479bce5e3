"""Results shared between sessions (ui/shared.py): computed once per data version, a write shows in
the next view of every session, one user's scoped numbers never reach another."""

from __future__ import annotations

import datetime as dt

from analytics import coverage as CP
from analytics import overview
from i18n import t
from tests import factories as F

VISITED = t("figure.visited")

TODAY = dt.date(2026, 11, 26)


def _counting(monkeypatch, module, name: str) -> list:
    """Replace ``module.name`` by a wrapper that records each real computation's scope."""
    real = getattr(module, name)
    calls: list = []

    def wrapper(con, *args, **kwargs):
        calls.append(args)
        return real(con, *args, **kwargs)

    wrapper.__module__, wrapper.__qualname__ = real.__module__, real.__qualname__
    monkeypatch.setattr(module, name, wrapper)
    return calls


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_twenty_sessions_one_computation_and_a_write_shows_at_once(tiny, monkeypatch):
    con, path = tiny
    calls = _counting(monkeypatch, CP, "area_rows")
    sessions = [F.signed_in_app(monkeypatch, path, "office", today=TODAY, page="pages/coverage.py") for _ in range(3)]
    assert len(calls) == 1  # three office users, one computation
    assert all(_metrics(at)[VISITED] == "5" for at in sessions)
    # a grid leader records a visit (another connection, as another page view would)
    F.add_visit(con.cursor(), "H07", "S2", dt.date(2026, 11, 25))  # H07: only a phone call so far
    sessions[0].run()
    assert len(calls) == 2 and _metrics(sessions[0])[VISITED] == "6"  # the next view sees it
    sessions[1].run()
    assert len(calls) == 2 and _metrics(sessions[1])[VISITED] == "6"  # …and shares it again


def test_rerun_without_a_write_computes_nothing(tiny, monkeypatch):
    _, path = tiny
    calls = _counting(monkeypatch, overview, "headline")
    at = F.signed_in_app(monkeypatch, path, "leader", today=TODAY, page="pages/overview.py")
    at.run()  # (the first views fill the working-day calendar once: a write, a new version)
    assert calls
    calls.clear()
    at.run()
    other = F.signed_in_app(monkeypatch, path, "leader", today=TODAY, page="pages/overview.py")
    assert calls == [] and not at.exception and _metrics(other) == _metrics(at)


def test_scoped_numbers_stay_with_their_scope(tiny, monkeypatch):
    """The county leader's view is computed first; the office user of 一镇 (scope T1) still gets
    their own numbers, computed for their scope, never the county's."""
    _, path = tiny
    calls = _counting(monkeypatch, CP, "area_rows")
    leader = F.signed_in_app(monkeypatch, path, "leader", today=TODAY, page="pages/coverage.py")
    office = F.signed_in_app(monkeypatch, path, "office", today=TODAY, page="pages/coverage.py")
    assert _metrics(leader)[t("figure.households")] == "8" and _metrics(office)[t("figure.households")] == "6"
    assert len(calls) == 2 and calls[0] != calls[1]
    assert office.dataframe[0].value["code"].tolist() == [F.V12, F.V11]


def test_another_day_is_another_key(tiny, monkeypatch):
    """ "Today" is in the key: the figures of the day after are not yesterday's stored ones."""
    _, path = tiny
    calls = _counting(monkeypatch, CP, "area_rows")
    F.signed_in_app(monkeypatch, path, "office", today=TODAY, page="pages/coverage.py")
    F.signed_in_app(monkeypatch, path, "office", today=TODAY + dt.timedelta(days=1), page="pages/coverage.py")
    assert len(calls) == 2
