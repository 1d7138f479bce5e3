"""A tiny world whose answers are known, built through the real import functions.

    county 500100 (box 107.0–107.4 E, 30.0–30.2 N)
    ├── township 500100001000 T1 一镇 (107.0–107.2)
    │   ├── village 500100001201 V11 甲村 (107.0–107.1)
    │   │   ├── grid 500100001201-W01 (south half)   H01 H02 H03(moved)
    │   │   └── grid 500100001201-W02 (north half)   H04 H05
    │   └── village 500100001202 V12 乙村 (107.1–107.2)
    │       └── grid 500100001202-W01                H06 H07
    └── township 500100002000 T2 二镇 (107.2–107.4)
        └── village 500100002201 V21 丙村
            ├── grid 500100002201-W01 (west)         H08 H09
            └── grid 500100002201-W02 (east)         (no households)
    H10 lies outside the county: unassigned.

Staff: S1 网格长 of V11-W01; S2 网格长 of V11-W02 and V12-W01; S3 网格员 of V21-W01; S4 书记 (no grid).
Visits (home unless said): see VISITS. Week 2026-W47 is 2026-11-16 (Mon) … 2026-11-22 (Sun).
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import faulthandler
import os
import tempfile
import threading
import time
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from ingest.boundaries import import_boundaries
from ingest.tables import load


from store import db
from tests.stores import copy_db, drop_db, new_db, on_postgres  # noqa: F401  (databases on either store)

#: a test of several processes or connections writing one database at once: PostgreSQL only
SEVERAL_WRITERS = pytest.mark.skipif(
    not on_postgres(),
    reason="several writers at once on one database only on PostgreSQL (a DuckDB file has one writer): "
    "runs in the PostgreSQL round (scripts/test.sh)",
)


#: the petitions file's header (CONTRACT.md), as the tiny world's petitions.csv has it
PETITION_HEADER = [
    "编号",
    "受理日期",
    "户编号",
    "经度",
    "纬度",
    "村编码",
    "类别",
    "来源",
    "人数",
    "状态",
    "答复日期",
    "办结日期",
    "满意度",
]


def docstring_ids(tree: ast.AST) -> set[int]:
    """The ``id`` of every docstring node (module, class, function) of a parsed module."""
    return {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
    }


def string_literals(source: str) -> list[tuple[int, str]]:
    """The string constants of a module's source, docstrings aside: (line, text); f-strings as their
    constant parts."""
    tree = ast.parse(source)
    docstrings = docstring_ids(tree)
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


COUNTY = "500100"
T1, T2 = "500100001000", "500100002000"
V11, V12, V21 = "500100001201", "500100001202", "500100002201"
G111, G112, G121 = f"{V11}-W01", f"{V11}-W02", f"{V12}-W01"
G211, G212 = f"{V21}-W01", f"{V21}-W02"
PASSWORD = "tiny-world-harbor-42"  # strong enough for zxcvbn (real accounts refuse weak ones)

AREAS = {
    "county": [(COUNTY, "测试县", None, (107.0, 30.0, 107.4, 30.2))],
    "township": [(T1, "一镇", COUNTY, (107.0, 30.0, 107.2, 30.2)), (T2, "二镇", COUNTY, (107.2, 30.0, 107.4, 30.2))],
    "village": [
        (V11, "甲村", T1, (107.0, 30.0, 107.1, 30.2)),
        (V12, "乙村", T1, (107.1, 30.0, 107.2, 30.2)),
        (V21, "丙村", T2, (107.2, 30.0, 107.4, 30.2)),
    ],
    "grid": [
        (G111, "第一网格", V11, (107.0, 30.0, 107.1, 30.1)),
        (G112, "第二网格", V11, (107.0, 30.1, 107.1, 30.2)),
        (G121, "第一网格", V12, (107.1, 30.0, 107.2, 30.2)),
        (G211, "第一网格", V21, (107.2, 30.0, 107.3, 30.2)),
        (G212, "第二网格", V21, (107.3, 30.0, 107.4, 30.2)),
    ],
}

# code, head_name, phone, lon, lat, tags, status
HOUSEHOLDS_HEADER = ["户编号", "户主", "联系电话", "经度", "纬度", "户类别", "状态"]
HOUSEHOLDS = [
    ("H01", "张三", "13812341234", 107.05, 30.05, "低保、空巢老人", "在册"),
    ("H02", "李四", "13812345678", 107.06, 30.06, "", "在册"),
    ("H03", "王五", "", 107.07, 30.07, "", "迁出"),
    ("H04", "赵六", "023-12345678", 107.05, 30.15, "留守儿童", "在册"),
    ("H05", "<script>alert(1)</script>", "", 107.06, 30.16, "", "在册"),
    ("H06", "孙七", "", 107.15, 30.05, "残疾", "在册"),
    ("H07", "周八", "", 107.16, 30.15, "", "在册"),
    ("H08", "吴九", "", 107.25, 30.05, "", "在册"),
    ("H09", "郑十", "", 107.26, 30.15, "特困", "在册"),
    ("H10", "县外户", "", 108.5, 31.5, "", "在册"),
]

STAFF = [
    ("S1", "网格长甲", "网格长", G111),
    ("S2", "网格长乙", "网格长", f"{G112}、{G121}"),
    ("S3", "网格员丙", "网格员", G211),
    ("S4", "书记丁", "书记", ""),
]

# household, staff, date, kind
VISITS = [
    # S1 in W47: 3 distinct days (Mon, Wed, Sun) -> met
    ("H01", "S1", "2026-11-16", "入户走访"),
    ("H02", "S1", "2026-11-18", "入户走访"),
    ("H01", "S1", "2026-11-22", "入户走访"),
    # S2 in W47: 3 home visits on one day + a phone visit -> 1 day, not met
    ("H04", "S2", "2026-11-17", "入户走访"),
    ("H05", "S2", "2026-11-17", "入户走访"),
    ("H06", "S2", "2026-11-17", "入户走访"),
    ("H07", "S2", "2026-11-19", "电话"),
    # S3: one visit the Sunday before W47 and one the Monday after -> 0 days in W47
    ("H08", "S3", "2026-11-15", "入户走访"),
    ("H08", "S3", "2026-11-23", "入户走访"),
    # older visits
    ("H09", "S3", "2026-03-01", "入户走访"),
    ("H03", "S1", "2026-11-16", "入户走访"),  # a moved household: never counts
    # the secretary's reception
    ("H02", "S4", "2026-11-20", "接访"),
]

# id, received_on, household, lon, lat, village_code, category, channel, people, status, replied_on, closed_on,
# satisfaction
PETITIONS = [
    ("P1", "2026-10-08", "H01", "", "", "", "土地征收", "来访", "1", "办结", "2026-10-10", "2026-10-20", "满意"),
    ("P2", "2026-10-09", "", "107.15", "30.10", "", "环境", "网上", "6", "受理", "", "", ""),
    ("P3", "2026-11-02", "", "", "", V21, "劳资", "来信", "1", "已答复", "2026-11-05", "", ""),
    ("P4", "2026-11-03", "", "", "", "", "邻里纠纷", "电话", "1", "受理", "", "", ""),
]


def counted_worklist_parts(monkeypatch, path, today: dt.date) -> list:
    """``path`` as the app's database as of ``today``, the work list's shared caches empty, and a list
    that records each part computed from then on as ``(kind, scope)`` (``analytics.petitions._part``).

    For the tests of ui/shared.py's work list and of ui/warm.py: what was computed, and how often.
    """
    from analytics import petitions as P
    from ui import shared

    monkeypatch.setenv("LIANXIN_DB", str(path))
    monkeypatch.setenv("LIANXIN_TODAY", today.isoformat())
    shared._cut.clear()
    shared._county.clear()
    computed: list = []
    real = P._part

    def counting(con, kind, today, scope, *args):
        computed.append((kind, None if scope is None else tuple(scope)))
        return real(con, kind, today, scope, *args)

    monkeypatch.setattr(P, "_part", counting)
    return computed


def lost_race() -> Exception:
    """What the suite's store raises when a transaction lost a race with a concurrent writer
    (``store.db.is_conflict``): PostgreSQL's deadlock, DuckDB's write-write conflict."""
    if on_postgres():
        import psycopg.errors

        return psycopg.errors.DeadlockDetected("deadlock detected")
    import duckdb

    return duckdb.TransactionException("TransactionContext Error: Catalog write-write conflict")


def write_csv(path: Path, header: list[str], rows: list) -> Path:
    """A UTF-8 CSV with a header row, as offices send them."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def import_visits(con, folder: Path, rows: list, today: dt.date) -> None:
    """Import visits (household, staff, day, kind, note) from a CSV written into ``folder``, as an office does."""
    from ingest.tables import load

    header = ["户编号", "工号", "走访日期", "走访方式", "民情记录"]
    load(con, "visits", write_csv(Path(folder) / "visits.csv", header, rows), today=today)


def rename_household(con, folder: Path, today: dt.date, code: str = "H09", head: str = "郑十一") -> None:
    """Import the tiny world's households again with household ``code``'s head renamed ``head``."""
    from ingest.tables import load

    rows = [(r[0], head, *r[2:]) if r[0] == code else r for r in HOUSEHOLDS]
    load(con, "households", write_csv(Path(folder) / "households.csv", HOUSEHOLDS_HEADER, rows), today=today)


def write_sources(folder: Path) -> dict[str, Path]:
    """The four CSV files the tiny world is imported from, written into ``folder``."""
    folder = Path(folder)
    return {
        "households": write_csv(folder / "households.csv", HOUSEHOLDS_HEADER, HOUSEHOLDS),
        "staff": write_csv(folder / "staff.csv", ["工号", "姓名", "职务", "负责网格"], STAFF),
        "visits": write_csv(folder / "visits.csv", ["户编号", "工号", "走访日期", "走访方式"], VISITS),
        "petitions": write_csv(
            folder / "petitions.csv",
            PETITION_HEADER,
            PETITIONS,
        ),
    }


def build(path: str | Path, users: bool = True, folder: Path | None = None):
    """Build the tiny world in a new database at ``path`` (a file, or a PostgreSQL URL: see
    tests/stores.py) and return the connection. The source CSVs go to ``folder`` (default: the
    file's folder; a temporary one for a URL)."""
    os.environ.setdefault("LIANXIN_FAST_HASH", "1")
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="lianxin-tiny-")) if "://" in str(path) else Path(path).parent
    con = db.connect(path)
    for level, rows in AREAS.items():
        gdf = gpd.GeoDataFrame(
            {"code": [r[0] for r in rows], "name": [r[1] for r in rows], "parent_code": [r[2] for r in rows]},
            geometry=[shapely.box(*r[3]) for r in rows],
            crs="EPSG:4326",
        )
        import_boundaries(con, None, level, frame=gdf, source=f"{level}.geojson")
    src = write_sources(folder)
    load(con, "households", src["households"])
    load(con, "staff", src["staff"], today=dt.date(2026, 1, 1))
    load(con, "visits", src["visits"])
    load(con, "petitions", src["petitions"])
    # the households existed long before the test's "today" (the import stamps the real date)
    con.execute("UPDATE households SET created_on = DATE '2025-01-01'")
    if users:
        from auth import users as U

        U.add_user(con, "admin", PASSWORD, "admin", [])
        U.add_user(con, "leader", PASSWORD, "leader", [COUNTY])
        U.add_user(con, "office", PASSWORD, "office", [T1])
        U.add_user(con, "grid_leader", PASSWORD, "grid_leader", [G111], staff_id="S1")
        U.add_user(con, "member", PASSWORD, "member", [G211], staff_id="S3")
    return con


def add_visit(con, household_code: str, staff_id: str, day: dt.date, kind: str = "home") -> None:
    """One visit written the way the app writes one: its household key filled and the household's
    last home visit kept (store/migrations/0004) — a plain INSERT would leave both behind."""
    from analytics.visits import recount_last_home

    db.execute(
        con,
        "visit_insert",
        household_code=household_code,
        staff_id=staff_id,
        visited_on=day,
        kind=kind,
        note=None,
        needs_action=False,
        created_by="test",
    )
    recount_last_home(con, household_code)


def add_due_order_households(con) -> None:
    """Four households that spell out the due list's order, in S1's grid G111: H11 never visited, H12
    never visited and vulnerable (低保), H13 never visited and paired with S1, H14 vulnerable (特困) and
    visited by S1 on 2026-11-18; all registered on 2026-01-01."""
    con.execute(
        """
        INSERT INTO households (code, head_name, lon, lat, grid_code, tags, status, created_on) VALUES
        ('H11', '甲', 107.01, 30.01, ?, ARRAY[]::VARCHAR[], 'active', DATE '2026-01-01'),
        ('H12', '乙', 107.02, 30.02, ?, ARRAY['低保'], 'active', DATE '2026-01-01'),
        ('H13', '丙', 107.03, 30.03, ?, ARRAY[]::VARCHAR[], 'active', DATE '2026-01-01'),
        ('H14', '丁', 107.04, 30.04, ?, ARRAY['特困'], 'active', DATE '2026-01-01')""",
        [G111] * 4,
    )
    add_visit(con, "H14", "S1", dt.date(2026, 11, 18))
    con.execute("INSERT INTO pairings VALUES ('S1', 'H13', NULL)")


def delete_visits(con, household_code: str) -> None:
    """Delete every visit of a household, keeping its last home visit right."""
    from analytics.visits import recount_last_home

    con.execute("DELETE FROM visits WHERE household_code = ?", [household_code])
    recount_last_home(con, household_code)


def run_concurrently(con, jobs: list, work_one, threads: int = 4) -> list[str]:
    """Run ``work_one(cursor, job)`` for every job, spread over ``threads`` threads, each with its
    own cursor on ``con``; returns the errors raised (as repr strings), none when all went well."""
    import threading

    errors: list[str] = []

    def work(part):
        cur = con.cursor()
        try:
            for job in part:
                work_one(cur, job)
        except Exception as e:  # reported to the caller
            errors.append(repr(e))
        finally:
            cur.close()

    pool = [threading.Thread(target=work, args=(jobs[i::threads],)) for i in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return errors


# ----------------------------------------------------------------------------- UI text through the catalog


def phrase(key: str, lang: str = "zh") -> str:
    """The longest fixed part of a catalog text (between its ``{placeholders}``), to find a sentence on a
    page whose values a test does not spell out.

    ``phrase("weekly_page.err.future")`` → ``"），不能登记将来的走访，请改成今天或更早的日期"``.
    """
    import string

    from i18n import CATALOG

    return max((lit for lit, *_ in string.Formatter().parse(CATALOG[lang][key])), key=len)


# ----------------------------------------------------------------------------- the app through AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"


def app_test(lang: str | None = None, timeout: float = 60):
    """AppTest of app.py, not run yet; lang ("en") is put in the session first."""
    from streamlit.testing.v1 import AppTest  # lazily: most tests never start the app

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if lang:
        at.session_state["lang"] = lang
    return at


def new_app(lang: str | None = None, timeout: float = 60):
    """AppTest of app.py, run once (the login form); lang ("en") is put in the session first."""
    return app_test(lang, timeout).run()


def submit_login(at, name: str, password: str = PASSWORD):
    """Type name and password into the login form and press its button (no check that it worked)."""
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return at.get("form_submit_button")[0].click().run()


def signed_in_app(
    monkeypatch=None,
    db_path=None,
    name: str = "admin",
    password: str = PASSWORD,
    *,
    today: str | dt.date | None = None,
    lang: str | None = None,
    page: str | None = None,
    timeout: float = 60,
):
    """AppTest of app.py on db_path ($LIANXIN_DB), signed in as name, without exceptions.

    today sets $LIANXIN_TODAY; db_path and today need monkeypatch (left as they are when None, e.g.
    set by a fixture); lang is put in the session before the first run; page (e.g.
    "pages/hotspots.py") switches to that page, which must run without an exception."""
    if page:  # signed in as the login page does, then only the page runs
        at = signed_in(monkeypatch, db_path, name, password, today=today, lang=lang, timeout=timeout)
        at.switch_page(page).run()
    else:  # through the login form, which reruns into the role's home page
        _set_env(monkeypatch, db_path, today)
        at = submit_login(new_app(lang, timeout), name, password)
    assert not at.exception, at.exception
    assert at.session_state["user"].name == name
    return at


def _set_env(monkeypatch, db_path, today) -> None:
    if db_path is not None:
        monkeypatch.setenv("LIANXIN_DB", str(db_path))
    if today is not None:
        monkeypatch.setenv("LIANXIN_TODAY", today if isinstance(today, str) else today.isoformat())


def signed_in(
    monkeypatch=None,
    db_path=None,
    name: str = "admin",
    password: str = PASSWORD,
    *,
    today: str | dt.date | None = None,
    lang: str | None = None,
    timeout: float = 60,
):
    """AppTest of app.py on db_path ($LIANXIN_DB), name signed in (:func:`sign_in`), not run yet: switch
    to a page and run it (arguments as :func:`signed_in_app`)."""
    _set_env(monkeypatch, db_path, today)
    return sign_in(app_test(lang, timeout), name, password)


def sign_in(at, name: str, password: str = PASSWORD):
    """Put name, signed in, into the session of at (not run yet) as app.py's login page does after its
    form (auth.users.login, app.start_session, ui.session.started), without running the login page and
    the home page it reruns into: two script runs less per test. (The sign-in itself: test_admin_page,
    test_links, test_auth, e2e/test_app_browser. AppTest's runs after switch_page run the page's file
    alone, app.py's sidebar and session checks not, with the home page before it or not.)"""
    from auth import session as S
    from auth import users
    from auth.throttle import client_address
    from ui import common as C

    con = C.con()  # the app's own connection to $LIANXIN_DB (st.cache_resource, shared with its runs)
    user = users.login(con, name, password, client=client_address(None, None))
    now = dt.datetime.now()
    token = S.issue(con, user.name)
    for key, value in (
        ("user", user),
        ("login_at", now),
        ("last_seen", now),
        ("session_token", token),
        ("session_touched", now),
        ("cookie_value", token),
    ):
        at.session_state[key] = value
    return at


def download_bytes(downloads: dict, start: str = "", end: str = "") -> bytes:
    """The bytes of the one download (from the ``downloads`` fixture) whose file name starts with
    ``start`` and ends with ``end``."""
    found = [f for name, f in downloads.items() if name and name.startswith(start) and name.endswith(end)]
    assert len(found) == 1, sorted(n for n in downloads if n)
    data = found[0]()
    return data.encode("utf-8") if isinstance(data, str) else data


# ----------------------------------------------------------------------------- today's walk (issue 20)

WALK_GRID = G212  # 107.3–107.4 E, 30.0–30.2 N: no household in the tiny world
# code, head, lon, lat (all on the parallel 30.1 N, so the shortest order from the west end is by longitude)
WALK_HOUSEHOLDS = [
    ("W0", "起点户", 107.30, 30.1),  # visited by S5 on 2026-11-20: not due, where the walk starts
    ("W1", "一号户", 107.31, 30.1),
    ("W2", "二号户", 107.35, 30.1),
    ("W3", "三号户", 107.33, 30.1),
    ("W4", "四号户", 107.39, 30.1),
    ("W5", "五号户", 107.37, 30.1),
    ("W6", "无坐标户", None, None),  # no point: listed after the walk
]
#: the shortest walk from W0 (by longitude) and the due list's order (never visited: by code)
WALK_SHORTEST = ["W1", "W3", "W2", "W5", "W4"]
WALK_BY_DATE = ["W1", "W2", "W3", "W4", "W5"]


def add_walk_world(con, folder: str | Path, users: bool = True) -> None:
    """Add to the tiny world a grid leader S5 (account ``walker``) of grid V21-W02 with households
    W0…W6 (:data:`WALK_HOUSEHOLDS`): W0 visited on 2026-11-20, W1…W6 never visited (due on
    2026-11-22), W6 without a point."""
    folder = Path(folder)
    rows = [(c, n, "" if x is None else x, "" if y is None else y, WALK_GRID) for c, n, x, y in WALK_HOUSEHOLDS]
    load(
        con,
        "households",
        write_csv(folder / "walk_households.csv", ["户编号", "户主", "经度", "纬度", "网格编码"], rows),
    )
    load(
        con,
        "staff",
        write_csv(
            folder / "walk_staff.csv", ["工号", "姓名", "职务", "负责网格"], [("S5", "网格长戊", "网格长", WALK_GRID)]
        ),
        today=dt.date(2026, 1, 1),
    )
    load(
        con,
        "visits",
        write_csv(
            folder / "walk_visits.csv",
            ["户编号", "工号", "走访日期", "走访方式"],
            [("W0", "S5", "2026-11-20", "入户走访")],
        ),
    )
    con.execute("UPDATE households SET created_on = DATE '2025-01-01'")
    if users:
        from auth import users as U

        U.add_user(con, "walker", PASSWORD, "grid_leader", [WALK_GRID], staff_id="S5")


def _blocked_or_done(con, pid: list, worker: threading.Thread) -> None:
    """Wait until another writer waits for a lock held by this test's open transaction (PostgreSQL).

    Parameters
    ----------
    con : a PostgreSQL connection of the test (``pg_stat_activity`` is read through it).
    pid : the other writer's backend process id, as ``[pid]`` once it has one (empty before).
    worker : the thread running the other writer.

    Returns when that backend waits for a lock, or when the thread has finished without waiting (the
    test then shows whether that was right), or after 120 s.
    """
    deadline = time.monotonic() + 120
    while worker.is_alive() and time.monotonic() < deadline:
        waiting = "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = ?"
        if pid and con.execute(waiting, [pid[0]]).fetchone()[0]:
            return
        time.sleep(0.02)


def write_while_held(con, url: str, first_write, second_write) -> None:
    """Two writers of one PostgreSQL database at once, the first committing only after the second waits.

    ``first_write(c)`` runs in a transaction of a new connection; while that transaction is open, a
    second connection runs ``second_write(c)`` in its own transaction, in a thread; the first commits
    once the second waits for one of its locks (or has finished without waiting: the test then shows
    whether that was right), and the second ends after it.

    Parameters
    ----------
    con : a connection of the test to the same database (it reads ``pg_stat_activity``).
    url : the database's URL (the two writers' connections).
    first_write, second_write : callables taking a connection.

    Raises
    ------
    AssertionError
        The second writer failed, or had not finished 120 s after the first committed.
    """
    first, second = db.connect(url), db.connect(url)
    pid: list[int] = []
    errors: list[BaseException] = []

    def later():
        try:
            with db.transaction(second):
                pid.append(second.execute("SELECT pg_backend_pid()").fetchone()[0])
                second_write(second)
        except BaseException as e:  # reported to the test
            errors.append(e)

    try:
        with db.transaction(first):
            first_write(first)
            worker = threading.Thread(target=later)
            worker.start()
            _blocked_or_done(con, pid, worker)
        worker.join(120)
    finally:
        first.close()
        second.close()
    assert errors == [] and not worker.is_alive()


def _stacks_after(seconds: float) -> None:
    """In a process of :func:`in_processes`: print every thread's stack to stderr after ``seconds``."""
    faulthandler.dump_traceback_later(seconds, exit=False)


def in_processes(con, calls: list, timeout: float = 600.0) -> list:
    """Run each ``(function, args)`` at once, each in a new process of its own (spawn), and give
    their results in order: several writers of one database, as the app's processes are.

    Parameters
    ----------
    con : a connection of the test to the database the calls write, or None (on PostgreSQL, what its
        server connections were doing is read through it when the calls time out).
    calls : list of ``(function, args)``; the function a module-level one (pickled by name).
    timeout : seconds the calls may take together.

    Returns
    -------
    list
        Each call's return value.

    Raises
    ------
    Exception
        The first call's exception that raised, as it raised.
    AssertionError
        A process died, or the calls were not done after ``timeout`` seconds (each
        unfinished call, and each server connection of the database with its state, wait and query;
        every process's stacks were printed to stderr 20 s before).
    """
    import concurrent.futures as cf
    import multiprocessing

    from tests.clirun import bare_main

    pool = cf.ProcessPoolExecutor(
        len(calls),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_stacks_after,
        initargs=(max(1.0, timeout - 20),),
    )
    with bare_main():  # each submit starts its process here
        futures = [pool.submit(f, *args) for f, args in calls]
    try:
        _, waiting = cf.wait(futures, timeout=timeout)
        if waiting:
            activity = []
            if on_postgres() and con is not None:
                activity = con.execute(
                    "SELECT pid, state, wait_event_type, wait_event, pg_blocking_pids(pid), left(query, 160) "
                    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchall()
            left = [f"{f.__name__}{args!r}"[:120] for (f, args), fut in zip(calls, futures) if fut in waiting]
            raise AssertionError(f"not done after {timeout:.0f} s: {left}; server connections: {activity}")
        try:
            results = [fut.result() for fut in futures]
        except cf.process.BrokenProcessPool as e:
            raise AssertionError(f"a process died: {e}") from None
    except BaseException:
        # the processes still running are ended (the executor has no public way to end one that hangs)
        for p in list((pool._processes or {}).values()):
            p.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def assert_tallies_recount(con) -> None:
    """On PostgreSQL, the household tallies (migration 0013: active households per grid and month
    of the last home visit, kept by triggers) and the tallies of last home days (0024: the same by
    the month of ``home_last_on``, the last home visit the kept days give) are exactly what a recount
    of the households gives; on DuckDB there are none (nothing to check)."""
    if not on_postgres():
        return
    kept = con.execute(
        "SELECT grid_code, month, households FROM household_tallies WHERE households <> 0 ORDER BY 1, 2"
    ).fetchall()
    recount = con.execute("""SELECT grid_code, CAST(date_trunc('month', CAST(last_home_on AS timestamp)) AS DATE) AS m,
                                    count(*) FROM households WHERE status = 'active' AND grid_code IS NOT NULL
                             GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
    assert kept == recount
    kept = con.execute(
        "SELECT grid_code, month, households FROM household_home_tallies WHERE households <> 0 ORDER BY 1, 2"
    ).fetchall()
    recount = con.execute("""SELECT grid_code, CAST(date_trunc('month', CAST(home_last_on AS timestamp)) AS DATE) AS m,
                                    count(*) FROM households WHERE status = 'active' AND grid_code IS NOT NULL
                             GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
    assert kept == recount


def assert_visit_days_recount(con) -> None:
    """On PostgreSQL, every household's visited days per kind of visit (migration 0018:
    ``households.home_days`` … ``reception_days``, kept by triggers on visits) are exactly what a
    recount of its visits gives, and so are its last days per kind (migration 0020:
    ``home_last_on`` …, generated from the days), its months per kind (migration 0022:
    ``home_months`` …, a 12-bit mask per year, kept from the days), its gaps between home visits
    (migration 0030: ``household_home_gaps``, kept from the home days) and the weekly tallies per
    staff member (migration 0029: :func:`assert_week_tallies_recount`); on DuckDB there are none
    (nothing to check)."""
    if not on_postgres():
        return
    wrong = con.execute("""
        SELECT h.code FROM households h LEFT JOIN (
            SELECT hid,
                   range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'home') AS home,
                   range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'phone') AS phone,
                   range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'meeting') AS meeting,
                   range_agg(daterange(visited_on, visited_on, '[]')) FILTER (WHERE kind = 'reception') AS reception
            FROM visits GROUP BY hid) d ON d.hid = h.hid
        WHERE h.home_days IS DISTINCT FROM d.home OR h.phone_days IS DISTINCT FROM d.phone
           OR h.meeting_days IS DISTINCT FROM d.meeting OR h.reception_days IS DISTINCT FROM d.reception
        ORDER BY 1""").fetchall()
    assert wrong == []
    wrong = con.execute("""
        SELECT h.code FROM households h LEFT JOIN (
            SELECT hid, max(visited_on) FILTER (WHERE kind = 'home') AS home,
                   max(visited_on) FILTER (WHERE kind = 'phone') AS phone,
                   max(visited_on) FILTER (WHERE kind = 'meeting') AS meeting,
                   max(visited_on) FILTER (WHERE kind = 'reception') AS reception
            FROM visits GROUP BY hid) d ON d.hid = h.hid
        WHERE h.home_last_on IS DISTINCT FROM d.home OR h.phone_last_on IS DISTINCT FROM d.phone
           OR h.meeting_last_on IS DISTINCT FROM d.meeting OR h.reception_last_on IS DISTINCT FROM d.reception
        ORDER BY 1""").fetchall()
    assert wrong == []
    # the months kept, one (household, kind, year, mask) row per year visited, both ways against
    # the visits' own months (a year without a visit is NULL, a household never visited NULL)
    wrong = con.execute("""
        WITH kept AS (
            SELECT h.hid, k.kind, y.year, k.months[y.year] AS mask
            FROM households h
            CROSS JOIN LATERAL (VALUES ('home', h.home_months), ('phone', h.phone_months),
                                       ('meeting', h.meeting_months), ('reception', h.reception_months))
                AS k (kind, months)
            CROSS JOIN LATERAL generate_subscripts(k.months, 1) AS y (year)
            WHERE k.months[y.year] IS NOT NULL),
        counted AS (
            SELECT hid, kind, CAST(extract(year FROM visited_on) AS integer) AS year,
                   bit_or(1 << CAST(extract(month FROM visited_on) - 1 AS integer)) AS mask
            FROM visits WHERE hid IS NOT NULL GROUP BY 1, 2, 3)
        (SELECT * FROM kept EXCEPT SELECT * FROM counted) UNION ALL (SELECT * FROM counted EXCEPT SELECT * FROM kept)
        """).fetchall()
    assert wrong == []
    # the gaps between home visits kept (migration 0030), one row per gap of each active household
    # in a grid, both ways against the gaps between the days of its home visits counted here from
    # the visits (before the first, between two not next to each other, after the last)
    wrong = con.execute("""
        WITH days AS (
            SELECT DISTINCT h.hid, h.grid_code, v.visited_on AS day
            FROM households h JOIN visits v ON v.hid = h.hid AND v.kind = 'home'
            WHERE h.status = 'active' AND h.grid_code IS NOT NULL),
        steps AS (
            SELECT hid, grid_code, day, lag(day) OVER (PARTITION BY hid ORDER BY day) AS before,
                   lead(day) OVER (PARTITION BY hid ORDER BY day) AS after FROM days),
        counted AS (
            SELECT hid, grid_code, daterange(NULL, day) AS gap FROM steps WHERE before IS NULL
            UNION ALL
            SELECT hid, grid_code, daterange(day + 1, after) FROM steps WHERE after > day + 1
            UNION ALL
            SELECT hid, grid_code, daterange(day + 1, NULL) FROM steps WHERE after IS NULL),
        kept AS (SELECT hid, grid_code, gap FROM household_home_gaps)
        (SELECT * FROM kept EXCEPT ALL SELECT * FROM counted)
        UNION ALL (SELECT * FROM counted EXCEPT ALL SELECT * FROM kept)
        """).fetchall()
    assert wrong == []
    assert_week_tallies_recount(con)


def assert_week_tallies_recount(con) -> None:
    """On PostgreSQL, the weekly quota's numbers kept per staff member and ISO week (migration 0029:
    ``staff_week_tallies``, kept by triggers on visits and households, read through
    ``staff_week_quota``) are, for every week with a visit or a tally, exactly what quota_visits
    (0017, the one definition of the visits a quota counts) gives grouped by staff member; and the
    kept parts with and without a household key are a recount of the visits. On DuckDB there are
    none (nothing to check). Also called by :func:`assert_visit_days_recount`."""
    if not on_postgres():
        return
    weeks = "SELECT week_monday(visited_on) AS w FROM visits UNION SELECT week_start FROM staff_week_tallies"
    kept = con.execute(f"""
        SELECT k.w, q.staff_id, q.visits, q.visit_days, q.households_visited
        FROM ({weeks}) k, staff_week_quota(k.w) q WHERE q.visits > 0 ORDER BY 1, 2""").fetchall()
    counted = con.execute(f"""
        SELECT k.w, v.staff_id, count(*), count(DISTINCT v.visited_on), count(DISTINCT v.hid)
        FROM ({weeks}) k, quota_visits(k.w, k.w + 6) v GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
    assert kept == counted
    wrong = con.execute("""
        WITH kept AS (
            SELECT week_start, staff_id, visits, days, households, unkeyed_visits, unkeyed_days
            FROM staff_week_tallies WHERE visits + unkeyed_visits > 0),
        counted AS (
            SELECT w AS week_start, staff_id, count(hid) AS visits,
                   coalesce(bit_or(1 << (visited_on - w)) FILTER (WHERE hid IS NOT NULL), 0) AS days,
                   count(DISTINCT hid) AS households, count(*) FILTER (WHERE hid IS NULL) AS unkeyed_visits,
                   coalesce(bit_or(1 << (visited_on - w)) FILTER (WHERE hid IS NULL), 0) AS unkeyed_days
            FROM (SELECT v.*, CAST(date_trunc('week', visited_on) AS DATE) AS w FROM visits v
                  WHERE kind = 'home' AND (hid IS NULL OR hid NOT IN (SELECT hid FROM households
                                                                       WHERE status <> 'active' AND hid IS NOT NULL))) v
            GROUP BY 1, 2)
        (SELECT * FROM kept EXCEPT SELECT * FROM counted) UNION ALL (SELECT * FROM counted EXCEPT SELECT * FROM kept)
        """).fetchall()
    assert wrong == []


def assert_petition_grids_follow(con) -> None:
    """On PostgreSQL, every petition's kept household grid (migration 0015:
    ``petitions.household_grid_code``, kept by triggers) is the grid of the household it names
    (NULL when none is stored); on DuckDB the view petitions_located joins the households (nothing
    to check)."""
    if not on_postgres():
        return
    wrong = con.execute("""SELECT p.id, p.household_grid_code, h.grid_code FROM petitions p
                           LEFT JOIN households h ON h.code = p.household_code
                           WHERE p.household_grid_code IS DISTINCT FROM h.grid_code""").fetchall()
    assert wrong == []
