"""Server CPU time per page view, per page (issue 16 §1): ``python bench/pageviews.py --db FILE``.

Each page is run through Streamlit's AppTest — the whole app.py, sidebar included, in this process,
as the server runs it for one browser — signed in as the user whose journey it serves, and the
process's CPU time (``time.process_time``: every thread, so also work a page hands to a thread) is
taken around each view:

- **first view**: the shared caches emptied (``st.cache_data.clear()``), a new session opens the page;
- **another session**: a second new session opens the same page (what the shared cache saves);
- **rerun**: that session's page runs again with nothing changed (what any click costs when the
  whole page reruns);
- **a click**: on the coverage page, switching the map's colouring (coverage ↔ shortfall): its
  fragment reruns alone where the page has one (:func:`fragment_run`), the whole page otherwise;
- **after a saved visit**: the grid leader records one home visit (not timed), then a third new
  session opens the page (what the evening rush costs: every saved visit moves the data's version).

Run it from the root of the tree to measure (``cd /work/main && python /path/to/bench/pageviews.py``
measures that tree's app with this script): the tree's own modules are imported from the current
directory. Rough figures: the machine is shared, so read the minimum of ``--rounds``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

    from auth.users import User

ROOT = Path.cwd()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# page, the demo account whose journey it serves, a label
VIEWS = [
    ("pages/overview.py", "leader", "overview (county leader)"),
    ("pages/overview.py", "office", "overview, township (office)"),
    ("pages/coverage.py", "leader", "coverage, county (leader)"),
    ("pages/coverage.py", "office", "coverage, township (office)"),
    ("pages/weekly.py", "grid_leader", "weekly (grid leader)"),
    ("pages/hotspots.py", "leader", "hotspots (leader)"),
    ("pages/petitions.py", "leader", "petitions (leader)"),
    ("pages/responsibility.py", "office", "responsibility (office)"),
]

# a click that changes one part of a page: (page, widget kind, key, new value, the fragment it is in)
CLICKS = {
    "pages/coverage.py": ("radio", "coverage_page.colour", "shortfall", "map_part"),
}


@functools.cache
def _components() -> Any:
    """Streamlit's registry of installed custom components, found once for every session.

    AppTest scans the installed packages for components on the first run of each AppTest (~0.3 s CPU,
    reading every package's metadata); a server does that once when it starts, not per session, so
    the sessions measured here share one registry.

    Returns
    -------
    streamlit.components.v2.component_manager.BidiComponentManager
        The registry, filled.
    """
    from streamlit.components.v2.component_manager import BidiComponentManager

    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    return components


def _session(user: User) -> AppTest:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at._bidi_component_manager = _components()  # as on a server: found once, not per session
    now = dt.datetime.now()
    at.session_state["lang"] = "zh"
    at.session_state["user"] = user
    at.session_state["login_at"] = now
    at.session_state["last_seen"] = now
    return at


def fragment_ids(at: AppTest) -> dict[str, str]:
    """The fragments of the last run.

    Returns
    -------
    dict
        {name of the page's function: its fragment id}.
    """
    out = {}
    for fid, wrapped in at._fragment_storage._fragments.items():
        for cell in wrapped.__closure__ or ():
            try:
                v = cell.cell_contents
            except ValueError:
                continue
            name = getattr(v, "__name__", "")
            if callable(v) and name not in ("", "wrapped_fragment"):
                out[name] = fid
                break
    return out


def fragment_run(at: AppTest, name: str) -> AppTest:
    """Run the page as the browser does after a widget of fragment ``name`` changed.

    AppTest forgets between runs that app.py uses st.navigation (it resets
    ``PagesManager.uses_pages_directory``, and a run of a fragment alone never calls st.navigation),
    so a whole-app rerun asked for by the fragment would start the page file by itself; a server
    remembers it from the session's first run, and so does this run.

    Returns
    -------
    AppTest
        ``at``, after the run.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test as A
    from streamlit.testing.v1 import local_script_runner as L

    class Remembering(PagesManager):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    real_data, real_pages = L.RerunData, A.PagesManager
    L.RerunData = functools.partial(real_data, fragment_id_queue=[fragment_ids(at)[name]])
    A.PagesManager = Remembering
    try:
        return at.run()
    finally:
        L.RerunData, A.PagesManager = real_data, real_pages


def _cpu(run: Callable[[], Any]) -> tuple[float, float]:
    """The time ``run()`` takes.

    Returns
    -------
    cpu_ms : float
        CPU time of the process (every thread).
    wall_ms : float
        Wall-clock time.
    """
    c0, w0 = time.process_time(), time.perf_counter()
    run()
    return (time.process_time() - c0) * 1e3, (time.perf_counter() - w0) * 1e3


def _view(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    if at.exception:
        raise SystemExit(f"{page}: {at.exception[0].message}")
    return at


def _click(at: AppTest, kind: str, key: str, value: Any, fragment: str) -> None:
    """Change one widget as a person would.

    The page's fragment around it reruns alone when the page has one (a tree without fragments
    reruns the whole page, as the browser then asks).

    Raises
    ------
    SystemExit
        The page raised (its message).
    """
    getattr(at, kind)(key=key).set_value(value)
    if fragment in fragment_ids(at):
        fragment_run(at, fragment)
    else:
        at.run()
    if at.exception:
        raise SystemExit(f"{key}: {at.exception[0].message}")


class _Visits:
    """One home visit after another by the grid leader's account, on the app's own connection."""

    def __init__(self, user: User) -> None:
        from analytics import visits as V
        from ui import common as C

        self.user = user
        self.today = C.today()
        hh = V.staff_households(C.con(), user.staff_id, self.today, scope=user.areas)
        self.households = iter(hh["household_code"].tolist())

    def save(self) -> None:
        """Record the next household's visit, dated today.

        Raises
        ------
        SystemExit
            No household left, or the visit was not recorded (its sentence).
        """
        from analytics import visits as V
        from ui import common as C

        for code in self.households:
            created, message = V.record_visit(C.con(), self.user, code, self.today, "home", today=self.today)
            if created:
                return
        raise SystemExit("the grid leader has no household left to visit today")


def measure(db_path: str, rounds: int, today: str | None, only: str | None = None) -> list[dict]:
    """Run every view ``rounds`` times (only those whose label ``only`` matches, a regular expression, when given).

    Returns
    -------
    list of dict
        One per view: its label and, per kind of view, the (CPU ms, wall ms) of each round.
    """
    os.environ["LIANXIN_DB"] = db_path
    if today:
        os.environ["LIANXIN_TODAY"] = today
    import streamlit as st

    from auth import users as U
    from store import db

    con = db.connect(db_path, read_only=True)
    accounts = {name: U.get_user(con, name) for _, name, _ in VIEWS}
    con.close()
    _view(_session(accounts["leader"]), VIEWS[0][0])  # warm-up: imports, connection
    visits = _Visits(accounts["grid_leader"])
    out = []
    for page, name, label in [v for v in VIEWS if only is None or re.search(only, v[2])]:
        first, other, rerun, click, visited = [], [], [], [], []
        for _ in range(rounds):
            st.cache_data.clear()
            a = _session(accounts[name])
            first.append(_cpu(lambda: _view(a, page)))
            b = _session(accounts[name])
            other.append(_cpu(lambda: _view(b, page)))
            rerun.append(_cpu(lambda: _view(b, page)))
            if page in CLICKS:
                click.append(_cpu(lambda: _click(b, *CLICKS[page])))
            visits.save()
            c = _session(accounts[name])
            visited.append(_cpu(lambda: _view(c, page)))
        out.append({"label": label, "first": first, "other": other, "rerun": rerun, "click": click, "visited": visited})
        print(
            f"{label}: first {min(c for c, _ in first):.0f} ms, another session {min(c for c, _ in other):.0f} ms, "
            f"rerun {min(c for c, _ in rerun):.0f} ms, after a saved visit {min(c for c, _ in visited):.0f} ms "
            f"(CPU, min of {rounds})",
            file=sys.stderr,
            flush=True,
        )
    return out


def table(results: list[dict]) -> str:
    """The results as a Markdown table.

    Returns
    -------
    str
        CPU ms min / median per kind of view, and the wall ms of the first view.
    """

    def cell(xs: list[tuple[float, float]], i: int) -> str:
        v = [x[i] for x in xs]
        return f"{min(v):,.0f} / {statistics.median(v):,.0f}"

    lines = [
        "| page (user) | first view CPU ms | another session CPU ms | rerun CPU ms | a click CPU ms "
        "| after a saved visit CPU ms | first view wall ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        clicked = cell(r["click"], 0) if r["click"] else "—"
        lines.append(
            f"| {r['label']} | {cell(r['first'], 0)} | {cell(r['other'], 0)} | {cell(r['rerun'], 0)} "
            f"| {clicked} | {cell(r['visited'], 0)} | {cell(r['first'], 1)} |"
        )
    return "\n".join(lines)


def machine() -> str:
    """The platform, CPU count and load average, for the report.

    Returns
    -------
    str
        One line.
    """
    load = os.getloadavg()
    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} (1/5/15 min) when it ended"
    )


def main(argv: list[str] | None = None) -> int:
    """``python bench/pageviews.py``: measure and print the table.

    Returns
    -------
    int
        The exit status (0).
    """
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="the database file (e.g. a demo built by manage.py demo)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--today", default=None, help="LIANXIN_TODAY for the run (default: today)")
    p.add_argument(
        "--only", default=None, help="only the views whose label this regular expression matches (hotspots|petitions)"
    )
    args = p.parse_args(argv)
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's "no runtime" notices
    results = measure(args.db, args.rounds, args.today, args.only)
    print(
        f"Measured {dt.datetime.now():%Y-%m-%dT%H:%M} in {ROOT} on {machine()}; min / median of {args.rounds} rounds.\n"
    )
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
