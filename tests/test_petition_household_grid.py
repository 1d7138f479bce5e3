"""Where a petition is located — its household's grid first (CONTRACT.md §2, the view
petitions_located of migration 0003) — after every kind of writer of either side: a petition
import (function, command line, import page), a household import that moves a household or adds
the household a petition named, a boundary import that moves households to another grid, any other
statement, a rollback, and (PostgreSQL) several processes writing both sides at once.

On PostgreSQL the household's grid is kept on the petition by triggers (migration 0015,
``petitions.household_grid_code``) so that the reports read no household; on DuckDB the view
joins the households. Both stores must give the same, known answers; on PostgreSQL every petition's
kept grid is also checked against its household (:func:`tests.factories.assert_petition_grids_follow`).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from analytics import reports
from ingest.boundaries import import_boundaries
from ingest.tables import load
from store import db
from tests import clirun
from tests import factories as F
from tests.factories import G111, G112, G121, G211, G212, V21

ROOT = Path(__file__).resolve().parent.parent
D = dt.date
PETITION_HEADER = F.PETITION_HEADER
HOUSEHOLD_HEADER = ["户编号", "户主", "网格编码"]


def petition(pid: str, household: str, village: str = "") -> tuple:
    return (pid, "2026-11-10", household, "", "", village, "环境", "来访", "1", "受理", "", "", "")


def located(con, *ids: str) -> dict[str, str | None]:
    """Where the petitions are located (the rule every report reads)."""
    return dict(db.rows(con, "petitions_loc_of", codes=list(ids)))


def petitions_per_grid(con) -> dict[str, int]:
    hot = reports.hotspots(con, "grid", D(2026, 1, 1), D(2026, 12, 31))
    return {r.code: int(r.petitions) for r in hot.itertuples() if r.petitions}


def test_every_writer_keeps_the_petitions_located(tiny, tmp_path):
    con, _ = tiny
    assert located(con, "P1") == {"P1": G111}  # H01 lies in G111
    # a petition import (of H04, in G112); a petition written by any other statement, naming a
    # household not stored yet (the import refuses that) and its village
    assert load(con, "petitions", F.write_csv(tmp_path / "p.csv", PETITION_HEADER, [petition("P5", "H04")])).written
    con.execute(
        "INSERT INTO petitions (id, received_on, household_code, village_code) VALUES ('P6', ?, 'N1', ?)",
        [D(2026, 11, 10), V21],
    )
    assert located(con, "P5", "P6") == {"P5": G112, "P6": V21}
    F.assert_petition_grids_follow(con)
    # a household import: N1 arrives in G212, H01 moves to G112
    assert load(
        con,
        "households",
        F.write_csv(tmp_path / "h.csv", HOUSEHOLD_HEADER, [("N1", "新户", G212), ("H01", "张三", G112)]),
    ).written
    assert located(con, "P1", "P5", "P6") == {"P1": G112, "P5": G112, "P6": G212}
    assert petitions_per_grid(con) == {G112: 2, G121: 1, G212: 1}  # P2: its point
    F.assert_petition_grids_follow(con)
    # a petition re-imported naming another household, and any other statement on households
    assert load(con, "petitions", F.write_csv(tmp_path / "p2.csv", PETITION_HEADER, [petition("P5", "H08")])).written
    con.execute("UPDATE households SET grid_code = ? WHERE code = 'H08'", [G121])
    con.execute("DELETE FROM households WHERE code = 'N1'")
    assert located(con, "P1", "P5", "P6") == {"P1": G112, "P5": G121, "P6": V21}
    assert petitions_per_grid(con) == {G112: 1, G121: 2}
    F.assert_petition_grids_follow(con)


def test_a_boundary_import_moves_the_petitions_with_their_households(tiny, tmp_path):
    """G212 grows west over H08 (107.25) and H09 (107.26): their petitions move with them."""
    con, _ = tiny
    assert load(
        con,
        "petitions",
        F.write_csv(tmp_path / "p.csv", PETITION_HEADER, [petition("P5", "H08"), petition("P6", "H09")]),
    ).written
    assert located(con, "P5", "P6") == {"P5": G211, "P6": G211}
    boxes = {G211: (107.2, 30.0, 107.24, 30.2), G212: (107.24, 30.0, 107.4, 30.2)}
    rows = F.AREAS["grid"]
    gdf = gpd.GeoDataFrame(
        {"code": [r[0] for r in rows], "name": [r[1] for r in rows], "parent_code": [r[2] for r in rows]},
        geometry=[shapely.box(*boxes.get(r[0], r[3])) for r in rows],
        crs="EPSG:4326",
    )
    import_boundaries(con, None, "grid", frame=gdf, source="grid.geojson")
    assert located(con, "P1", "P5", "P6") == {"P1": G111, "P5": G212, "P6": G212}
    assert petitions_per_grid(con) == {G111: 1, G121: 1, G212: 2}
    F.assert_petition_grids_follow(con)


def test_a_rolled_back_move_leaves_them(tiny):
    con, _ = tiny
    with pytest.raises(RuntimeError):
        with db.transaction(con):
            con.execute("UPDATE households SET grid_code = ? WHERE code = 'H01'", [G212])
            assert located(con, "P1") == {"P1": G212}  # inside: the petition moved with it
            raise RuntimeError("abandoned")
    assert located(con, "P1") == {"P1": G111}
    F.assert_petition_grids_follow(con)


def cli(spec, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LIANXIN_DB"}
    return clirun.run(
        [sys.executable, str(ROOT / "manage.py"), "--db", str(spec), *args],
        cwd=ROOT,
        env={**env, "LIANXIN_FAST_HASH": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command_line_imports_keep_them(tiny_db, tmp_path):
    p = F.write_csv(tmp_path / "p.csv", PETITION_HEADER, [petition("P5", "H02"), petition("P6", "H08")])
    h = F.write_csv(tmp_path / "h.csv", HOUSEHOLD_HEADER, [("H02", "李四", G121), ("H08", "吴九", G212)])
    for kind, f in (("petitions", p), ("households", h)):
        out = cli(tiny_db, "import", kind, str(f))
        assert out.returncode == 0, out.stderr
    con = db.connect(tiny_db)
    try:
        assert located(con, "P5", "P6") == {"P5": G121, "P6": G212}
        F.assert_petition_grids_follow(con)
    finally:
        con.close()


def test_the_import_page_keeps_them(tiny_db, monkeypatch):
    pytest.importorskip("streamlit.testing.v1")
    monkeypatch.setenv("LIANXIN_DB", str(tiny_db))
    monkeypatch.setenv("LIANXIN_TODAY", "2026-11-22")
    at = F.signed_in_app(name="admin")
    at.switch_page("pages/import_data.py").run()
    at.selectbox(key="import_page.kind").set_value("petitions").run()
    data = "\n".join(",".join(r) for r in [PETITION_HEADER, petition("P5", "H06")]).encode()
    at.file_uploader[0].set_value(("p.csv", data, "text/csv")).run()
    at.button(key="import_page.dry_run").click().run()
    at.button(key="import_page.commit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    con = db.connect(tiny_db)
    try:
        assert located(con, "P5") == {"P5": G121}
        F.assert_petition_grids_follow(con)
    finally:
        con.close()


# ----------------------------------------------------------------------------- several processes at once

HOUSEHOLD_WRITES = {
    "a household moved": ("UPDATE households SET grid_code = ? WHERE code = 'H01'", "H01"),
    "a household added": ("INSERT INTO households (code, head_name, grid_code) VALUES ('N1', '新户', ?)", "N1"),
}


@F.SEVERAL_WRITERS
@pytest.mark.parametrize("household_first", [True, False], ids=["household first", "petition first"])
@pytest.mark.parametrize("write", list(HOUSEHOLD_WRITES))
def test_a_petition_written_while_its_household_changes(tiny, write, household_first):
    """Two transactions at once, one changing a household (moved to G212, or added in G212), one
    adding a petition of it; whichever starts first commits last: the petition is located in G212."""
    con, url = tiny
    sql, household = HOUSEHOLD_WRITES[write]

    def household_change(c):
        c.execute(sql, [G212])

    def petition_insert(c):
        c.execute(
            "INSERT INTO petitions (id, received_on, household_code) VALUES ('P9', ?, ?)", [D(2026, 11, 10), household]
        )

    one, other = (household_change, petition_insert) if household_first else (petition_insert, household_change)
    F.write_while_held(con, url, one, other)
    assert located(con, "P9") == {"P9": G212}
    F.assert_petition_grids_follow(con)


STORED = ["H01", "H02", "H04", "H05", "H06"]
GRIDS = [G111, G112, G121, G211, G212]


def _household_worker(url: str, seed: int, tmp: str, n: int) -> int:
    """Import households again and again: three stored ones, each time in another grid, and a new
    one (N<seed>-<k>)."""
    os.environ["LIANXIN_FAST_HASH"] = "1"
    rng = random.Random(seed)
    con = db.connect(url)
    try:
        for k in range(n):
            rows = [(c, f"户{c}", rng.choice(GRIDS)) for c in rng.sample(STORED, 3)]
            rows.append((f"N{seed}-{k}", "新户", rng.choice(GRIDS)))
            load(con, "households", F.write_csv(Path(tmp) / f"h{seed}-{k}.csv", HOUSEHOLD_HEADER, rows))
    finally:
        con.close()
    return n


def _petition_worker(url: str, seed: int, tmp: str, n: int) -> int:
    """Import petitions of stored households again and again, each naming one at random; and write
    one petition by a plain statement naming a household the household workers add about then."""
    os.environ["LIANXIN_FAST_HASH"] = "1"
    rng = random.Random(seed)
    con = db.connect(url)
    try:
        for k in range(n):
            rows = [petition(f"Q{seed}{i}", rng.choice(STORED)) for i in range(4)]
            load(con, "petitions", F.write_csv(Path(tmp) / f"p{seed}-{k}.csv", PETITION_HEADER, rows))
            con.execute(
                "INSERT INTO petitions (id, received_on, household_code) VALUES (?, ?, ?) ON CONFLICT (id) "
                "DO UPDATE SET household_code = excluded.household_code",
                [f"R{seed}", D(2026, 11, 10), f"N{rng.choice([1, 3])}-{k}"],
            )
    finally:
        con.close()
    return n


@F.SEVERAL_WRITERS
def test_households_and_petitions_written_by_several_processes_at_once(tiny, tmp_path):
    """Two processes move households between grids and add new ones while two import petitions of
    those households and write petitions naming the new ones: afterwards every petition is located
    by its household's grid as stored."""
    con, url = tiny
    jobs = [(_household_worker, 1), (_petition_worker, 2), (_household_worker, 3), (_petition_worker, 4)]
    assert F.in_processes(con, [(f, (str(url), seed, str(tmp_path), 12)) for f, seed in jobs]) == [12] * 4
    F.assert_petition_grids_follow(con)
    grid_of = dict(con.execute("SELECT code, grid_code FROM households").fetchall())
    named = dict(con.execute("SELECT id, household_code FROM petitions WHERE id LIKE 'Q%' OR id LIKE 'R%'").fetchall())
    assert len(named) == 10
    assert located(con, *named) == {pid: grid_of[h] for pid, h in named.items()}
