"""The benchmark data sets: the demo generator at three scales, stored in a DuckDB file.

The generator (demo.generate) gives the areas, households, staff and a year of visits and
petitions; petitions are topped up synthetically (deterministically) to the issue's volume,
and visits too when the generator gives fewer than asked.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 26)
SEED = 10


@dataclass(frozen=True)
class Scale:
    """The size of a benchmark data set (:data:`SCALES`): what the generator is asked for."""

    name: str
    households: int
    townships: int
    villages_per_township: float
    grids_per_village: float
    visits: int  # at least this many visits (topped up when the generator gives fewer)
    petitions: int  # at least this many petitions
    import_rows: int  # households in the import file


SCALES = {
    "small": Scale("small", 3_000, 3, 4, 8, 0, 500, 200),
    "county": Scale("county", 300_000, 34, 10, 8.8, 2_000_000, 100_000, 10_000),
    "city": Scale("city", 10_000_000, 340, 10, 29.4, 60_000_000, 1_000_000, 100_000),
}


def db_path(scale: str) -> Path:
    """The default file of a scale's data set.

    Parameters
    ----------
    scale : str
        A key of :data:`SCALES`.

    Returns
    -------
    pathlib.Path
        ``data/bench-SCALE.duckdb`` in the repository (gitignored).
    """
    return ROOT / "data" / f"bench-{scale}.duckdb"


def _top_up_visits(con: duckdb.DuckDBPyConnection, n_missing: int, rng: np.random.Generator) -> int:
    """Add ``n_missing`` synthetic visits: random active households, their grid's staff, dates in the year.

    Returns
    -------
    int
        The visits drawn (``n_missing``, or 0); duplicates of stored visits are dropped, so fewer
        may be stored.
    """
    if n_missing <= 0:
        return 0
    hh = con.execute("""
        SELECT h.code, any_value(sg.staff_id ORDER BY sg.staff_id) AS staff_id
        FROM households h JOIN staff_grids sg ON sg.grid_code = h.grid_code
        GROUP BY h.code ORDER BY h.code""").df()
    start = TODAY - dt.timedelta(days=364)
    done = 0
    chunk = 5_000_000
    while done < n_missing:
        n = min(chunk, n_missing - done)
        i = rng.integers(0, len(hh), n)
        day = np.datetime64(start, "D") + rng.integers(0, 365, n).astype("timedelta64[D]")
        kind = rng.choice(np.array(["home", "phone", "meeting"], dtype=object), n, p=[0.8, 0.14, 0.06])
        frame = pd.DataFrame(
            {
                "household_code": hh["code"].to_numpy()[i],
                "staff_id": hh["staff_id"].to_numpy()[i],
                "visited_on": day,
                "kind": kind,
            }
        )
        frame = frame.drop_duplicates(["household_code", "staff_id", "visited_on", "kind"])
        con.register("bench_visits", frame)
        # an anti-join, not ON CONFLICT DO NOTHING (which is very slow on a large unique index)
        con.execute("""
            INSERT INTO visits (household_code, staff_id, visited_on, kind, note, needs_action, created_by, hid)
            SELECT b.household_code, b.staff_id, b.visited_on, b.kind, NULL, FALSE, 'bench', h.hid
            FROM bench_visits b JOIN households h ON h.code = b.household_code
            ANTI JOIN visits v ON v.household_code = b.household_code AND v.staff_id = b.staff_id
                 AND v.visited_on = b.visited_on AND v.kind = b.kind""")
        con.unregister("bench_visits")
        done += n
    return done


def _top_up_petitions(con: duckdb.DuckDBPyConnection, n_missing: int, rng: np.random.Generator) -> int:
    """Add synthetic petitions located by household (84 %) or by village code.

    Returns
    -------
    int
        The petitions added (``n_missing``, or 0).
    """
    if n_missing <= 0:
        return 0
    hh = con.execute("SELECT code FROM households ORDER BY code").df()["code"].to_numpy()
    vil = con.execute("SELECT code FROM areas WHERE level = 'village' ORDER BY code").df()["code"].to_numpy()
    start = TODAY - dt.timedelta(days=364)
    n = n_missing
    by_hh = rng.random(n) < 0.9
    frame = pd.DataFrame(
        {
            "id": [f"BX-{k:08d}" for k in range(n)],
            "received_on": np.datetime64(start, "D") + rng.integers(0, 365, n).astype("timedelta64[D]"),
            "household_code": pd.Series(np.where(by_hh, hh[rng.integers(0, len(hh), n)], None), dtype=object),
            "village_code": pd.Series(np.where(by_hh, None, vil[rng.integers(0, len(vil), n)]), dtype=object),
            "category": rng.choice(np.array(["土地征收", "环境", "劳资", "邻里纠纷"], dtype=object), n),
            "channel": rng.choice(np.array(["来访", "网上", "12345"], dtype=object), n),
            "people": rng.choice([1, 1, 1, 2, 5], n).astype(np.int64),
            "status": rng.choice(np.array(["received", "in_progress", "replied", "closed"], dtype=object), n),
        }
    )
    con.register("bench_petitions", frame)
    con.execute("""
        INSERT INTO petitions (id, received_on, household_code, village_code, category, channel, people, status)
        SELECT id, received_on, household_code, village_code, category, channel, people, status FROM bench_petitions""")
    con.unregister("bench_petitions")
    return n


def build(scale: str, path: Path | None = None, log: Callable[[str], None] = print) -> Path:
    """Generate and store the data set of ``scale`` (reused when the file already holds it).

    Parameters
    ----------
    scale : str
        A key of :data:`SCALES`.
    path : pathlib.Path, optional
        The DuckDB file (default :func:`db_path`); a file holding another data set is rebuilt.
    log : callable
        Progress lines.

    Returns
    -------
    pathlib.Path
        The file holding the data set.
    """
    from demo.build import OUTLINE, store_world
    from demo.generate import generate, load_outline
    from store import db

    sc = SCALES[scale]
    path = Path(path) if path else db_path(scale)
    if path.exists():
        con = db.connect(path)  # a locked or unreadable file raises: never delete what we cannot read
        ok = con.execute("SELECT value FROM meta WHERE key = 'bench_scale'").fetchone()
        con.close()
        if ok and ok[0] == scale:
            log(f"reusing {path}")
            return path
        log(f"{path} holds another data set ({ok[0] if ok else 'not a benchmark'}): rebuilding")
        path.unlink()
        Path(str(path) + ".wal").unlink(missing_ok=True)
    t0 = time.perf_counter()
    if scale == "city":
        return _build_city(sc, path, log)
    outline = load_outline(OUTLINE)
    world = generate(
        outline,
        households=sc.households,
        seed=SEED,
        today=TODAY,
        townships=sc.townships,
        villages_per_township=sc.villages_per_township,
        grids_per_village=sc.grids_per_village,
    )
    log(
        f"generated {len(world.grids):,} grids, {len(world.households):,} households, "
        f"{len(world.visits):,} visits, {len(world.petitions):,} petitions ({time.perf_counter() - t0:.0f} s)"
    )
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    con = db.connect(tmp)
    store_world(con, world)
    rng = np.random.default_rng(SEED + 1)
    nv = con.execute("SELECT count(*) FROM visits").fetchone()[0]
    npet = con.execute("SELECT count(*) FROM petitions").fetchone()[0]
    del world
    with db.transaction(con):
        added_v = _top_up_visits(con, sc.visits - nv, rng)
        added_p = _top_up_petitions(con, sc.petitions - npet, rng)
        db.execute(con, "last_home_rebuild")
        con.execute("INSERT INTO meta VALUES ('bench_scale', $s)", {"s": scale})
    con.execute("CHECKPOINT")
    con.close()
    tmp.rename(path)
    log(
        f"stored {path} (+{added_v:,} synthetic visits, +{added_p:,} synthetic petitions; "
        f"{time.perf_counter() - t0:.0f} s)"
    )
    return path


def _build_city(sc: Scale, path: Path, log: Callable[[str], None]) -> Path:
    """The city scale: areas from the demo generator, everything else in SQL (bench/city.py).

    Returns
    -------
    pathlib.Path
        ``path``, now holding the data set (built beside it and renamed when complete).
    """
    from bench import city
    from store import db

    t0 = time.perf_counter()
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    con = db.connect(tmp)
    city.build(con, sc, SEED, TODAY, log=log)
    con.execute("INSERT INTO meta VALUES ('bench_scale', $s)", {"s": sc.name})
    con.execute("CHECKPOINT")
    con.close()
    tmp.rename(path)
    log(f"stored {path} ({time.perf_counter() - t0:.0f} s)")
    return path
