"""The six field cases of ../shared/field (issue 17), each with the answer its README gives, run through
the command line as a clerk runs it; and a variant of each kind, built here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely

from i18n import Message
from store import db as store_db
from tests import factories as F
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
FIELD = ROOT.parent / "shared" / "field"
pytestmark = pytest.mark.skipif(not FIELD.exists(), reason=f"the field cases are not beside the repository ({FIELD})")
WARNINGS = ("Warning", "warning:", "Traceback")


def q(db: Path | str, sql: str) -> list[tuple]:
    con = store_db.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """The README's tiny world: county 500155 → township → village → grids G00, G01, G10, G11."""
    db = F.new_db(tmp_path_factory.mktemp("field"), "base")
    for level in ("county", "township", "village", "grid"):
        p = run("import", "boundaries", str(FIELD / "base" / f"{level}.geojson"), "--level", level, db=db)
        assert p.returncode == 0, p.stderr
    return db


@pytest.fixture()
def db(base_db, tmp_path) -> Path:
    return F.copy_db(base_db, tmp_path, "w")


def grids(db: Path) -> list[tuple]:
    return q(
        db,
        "SELECT code, name, parent_code, round(minx, 4), round(miny, 4) FROM areas WHERE level = 'grid' ORDER BY code",
    )


def single_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert not any(w in stderr for w in WARNINGS), stderr
    return lines[0]


# ----------------------------------------------------------------------------- 01 Gauss-Krüger zone prefix


@pytest.mark.parametrize(
    "stem,says",
    [
        ("grid_cm108e_label_zone_coords", "eastings carry zone number 36"),
        ("grid_zone36_label_plain_coords", F.phrase("ingest.crs.zone_missing", "en")),
        ("grid_cm105e_label_cm108e_coords", "fit central meridian 108°E but the .prj is CM 105°E"),
    ],
)
def test_01_gk_mismatch_refused_with_one_line_and_nothing_changes(db, stem, says):
    before = grids(db)
    p = run("import", "boundaries", str(FIELD / "01-gk-zone-prefix" / f"{stem}.shp"), "--level", "grid", db=db)
    assert p.returncode == 1
    line = single_line(p.stderr)
    assert says in line and "invalid polygon" not in line
    assert grids(db) == before


def write_gk(
    folder: Path, stem: str, boxes: dict[str, tuple], epsg_coords: int, prj_epsg: int, shift_x: float = 0.0
) -> Path:
    """Grids in lon/lat boxes projected with ``epsg_coords`` (eastings shifted by ``shift_x``),
    labelled ``prj_epsg``."""
    g = gpd.GeoDataFrame(
        {"code": list(boxes), "name": [f"网格{c}" for c in boxes]},
        geometry=[shapely.box(*b) for b in boxes.values()],
        crs="EPSG:4326",
    ).to_crs(epsg_coords)
    g["geometry"] = g.geometry.translate(xoff=shift_x)
    g = g.set_crs(prj_epsg, allow_override=True)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.shp"
    g.to_file(path, encoding="UTF-8")
    return path


@pytest.fixture(scope="module")
def hlj_base(tmp_path_factory) -> Path:
    """Another county's database (Heilongjiang) with one village, imported through the command line once."""
    folder = tmp_path_factory.mktemp("hlj")
    db = F.new_db(folder, "hlj")
    village = gpd.GeoDataFrame(
        {"村编码": ["230101001001"], "村名": ["一村"]},
        geometry=[shapely.box(127.00, 45.70, 127.04, 45.74)],
        crs="EPSG:4326",
    )
    village.to_file(folder / "village.geojson", driver="GeoJSON")
    assert run("import", "boundaries", str(folder / "village.geojson"), "--level", "village", db=db).returncode == 0
    return db


# another county (Heilongjiang, 127°E: 3° zone 42, CM 126E), the tests' tiny world at 107°E
@pytest.mark.parametrize(
    "coords_epsg,prj_epsg,shift,says",
    [
        (4551, 4551, 42_000_000, "eastings carry zone number 42"),  # CM 126E coords with the zone typed in
        (4530, 4530, -42_000_000, F.phrase("ingest.crs.zone_missing", "en")),  # zone-42 .prj, plain eastings
        (4551, 4552, 0, "fit central meridian 126°E but the .prj is CM 129°E"),
        (4551, 4490, 0, F.phrase("ingest.crs.metres_as_degrees", "en")),  # metres under CGCS2000 degrees
        (4551, 4326, 0, F.phrase("ingest.crs.metres_as_degrees", "en")),
    ],
)
def test_01_variants_other_zone_other_county(hlj_base, tmp_path, coords_epsg, prj_epsg, shift, says):
    db = F.copy_db(hlj_base, tmp_path, "hlj")
    assert q(db, "SELECT level, count(*) FROM areas GROUP BY level") == [("village", 1)]
    shp = write_gk(
        tmp_path / "g",
        "grids",
        {"A": (127.00, 45.70, 127.02, 45.72), "B": (127.02, 45.70, 127.04, 45.72)},
        coords_epsg,
        prj_epsg,
        shift,
    )
    p = run("import", "boundaries", str(shp), "--level", "grid", db=db)
    assert p.returncode == 1
    assert says in single_line(p.stderr)
    assert q(db, "SELECT count(*) FROM areas WHERE level = 'grid'") == [(0,)]


def test_01_a_right_gk_file_of_another_county_imports(tmp_path):
    db = F.new_db(tmp_path, "hlj")
    shp = write_gk(tmp_path / "g", "grids", {"A": (127.00, 45.70, 127.02, 45.72)}, 4551, 4551)
    p = run("import", "boundaries", str(shp), "--level", "grid", db=db)
    assert p.returncode == 0, p.stderr
    assert q(db, "SELECT round(minx, 4), round(miny, 4) FROM areas") == [(127.0, 45.7)]


# ----------------------------------------------------------------------------- 03 .cpg that lies


def test_03_cpg_utf8_on_gbk_reads_the_names(db):
    p = run("import", "boundaries", str(FIELD / "03-cpg-utf8-but-gbk" / "grids_gbk.shp"), "--level", "grid", db=db)
    assert p.returncode == 0, p.stderr
    assert [r[1] for r in grids(db)] == ["城南第一网格", "城南第二网格", "城北第一网格", "城北第二网格"]
    assert "GB18030" in p.stderr and "Traceback" not in p.stderr


def test_03_variant_cpg_gbk_on_utf8_and_cpg_utf8_on_gb18030(db, tmp_path):
    g = gpd.read_file(FIELD / "base" / "grid.geojson")
    g = g.rename(columns={c: c for c in g.columns})
    code = next(c for c in g.columns if c != "geometry" and g[c].astype(str).str.startswith("G").all())
    frame = gpd.GeoDataFrame(
        {"code": g[code], "name": ["㐀甲网格", "乙网格", "丙网格", "丁网格"]}, geometry=g.geometry, crs=g.crs
    )
    # UTF-8 text under a .cpg saying GBK: read as GBK it would be mojibake (鍩…)
    a = tmp_path / "a" / "grids.shp"
    a.parent.mkdir()
    frame.to_file(a, encoding="UTF-8")
    a.with_suffix(".cpg").write_text("GBK")
    p = run("import", "boundaries", str(a), "--level", "grid", db=db)
    assert p.returncode == 0, p.stderr
    assert sorted(r[1] for r in grids(db))[0] == "㐀甲网格"
    # GB18030 text (㐀 is outside GBK) under a .cpg saying UTF-8 (code page 65001)
    b = tmp_path / "b" / "grids.shp"
    b.parent.mkdir()
    frame.to_file(b, encoding="GB18030")
    b.with_suffix(".cpg").write_text("65001")
    p = run("import", "boundaries", str(b), "--level", "grid", db=db)
    assert p.returncode == 0, p.stderr
    assert sorted(r[1] for r in grids(db))[0] == "㐀甲网格"
    # an explicit wrong --encoding is a sentence naming the one to try
    p = run("import", "boundaries", str(b), "--level", "grid", "--encoding", "UTF-8", db=db)
    said = Message("ingest.error.encoding_wrong", at="grids.shp: ", encoding="UTF-8", other="GBK")
    assert p.returncode == 1 and single_line(p.stderr) == said and "--encoding GBK" in said
    assert "--encoding" not in said.text("zh") + said.text("en")  # the page names its own field


# ----------------------------------------------------------------------------- 05 hidden sheet


def test_05_the_visible_sheet_is_read_and_named(db):
    p = run("import", "households", str(FIELD / "05-hidden-sheet" / "households_hidden_first.xlsx"), db=db)
    assert p.returncode == 0, p.stderr
    assert "2026年台账" in p.stdout
    assert q(db, "SELECT code FROM households WHERE status = 'active' ORDER BY 1") == [
        ("H001",),
        ("H003",),
        ("H004",),
        ("H005",),
    ]
    assert q(db, "SELECT status FROM households WHERE code = 'H002'") == [("moved",)]
    assert q(db, "SELECT phone FROM households WHERE code = 'H001'") == [("13800000011",)]


def test_05_variant_very_hidden_first_and_sheet_overrides(db, tmp_path):
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "旧表"
    old.append(["户编号", "户主", "网格编码"])
    old.append(["V1", "旧", "G00"])
    old.sheet_state = "veryHidden"
    new = wb.create_sheet("新表")
    new.append(["户编号", "户主", "网格编码"])
    new.append(["V2", "新", "G01"])
    path = tmp_path / "vh.xlsx"
    wb.save(path)
    p = run("import", "households", str(path), db=db)
    assert p.returncode == 0 and "(sheet 新表)" in p.stdout
    assert q(db, "SELECT code FROM households WHERE code LIKE 'V%'") == [("V2",)]
    p = run("import", "households", str(path), "--sheet", "旧表", db=db)
    assert p.returncode == 0 and "(sheet 旧表)" in p.stdout
    assert q(db, "SELECT code FROM households WHERE code LIKE 'V%' ORDER BY 1") == [("V1",), ("V2",)]


# ----------------------------------------------------------------------------- 06 two-row header


def test_06_two_row_merged_header(db):
    p = run("import", "households", str(FIELD / "06-two-row-merged-header" / "households_two_row_header.xlsx"), db=db)
    assert p.returncode == 0, p.stderr
    assert q(db, "SELECT code, grid_code, phone, address FROM households ORDER BY 1") == [
        ("H101", "G00", "13800000001", "一组1号"),
        ("H102", "G01", "13800000002", "一组2号"),
        ("H103", "G10", "13800000003", "二组1号"),
        ("H104", "G11", "13800000004", "二组2号"),
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_06_variant_rows_keep_the_spreadsheet_numbers(db, tmp_path, suffix):
    rows = [
        ["某村户籍台账", "", "", "", ""],
        ["户编号", "户主", "联系方式", "", "人口数"],
        ["", "", "联系电话", "家庭住址", ""],
        ["K1", "甲", "13800000001", "一组", 3],
        ["K2", "乙", "12345", "二组", 2],
    ]  # a bad phone on spreadsheet row 5
    path = tmp_path / f"k{suffix}"
    if suffix == ".xlsx":
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.active.merge_cells("C2:D2")
        wb.active.merge_cells("A2:A3")
        wb.save(path)
    else:
        path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    # no grid and no lon/lat: both rows are rejected; the phone is named on row 5
    p = run("import", "households", str(path), db=db)
    assert "row 5 column 联系电话" in p.stderr, p.stderr
    assert "row 4 column 联系电话" not in p.stderr and "row 3 " not in p.stderr


# ----------------------------------------------------------------------------- 09 queen T-junctions


def test_09_t_junction_neighbors_and_hotspots(db):
    case = FIELD / "09-queen-t-junction"
    for args in (
        ("boundaries", str(case / "grids_tjunction.geojson"), "--level", "grid"),
        ("households", str(case / "households.csv")),
        ("petitions", str(case / "petitions.csv")),
    ):
        p = run("import", *args, db=db)
        assert p.returncode == 0, p.stderr
    assert q(db, "SELECT count(*) FROM area_neighbors WHERE code = 'M2'") == [(5,)]
    p = run(
        "report", "hotspots", "--level", "grid", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json", db=db
    )
    assert p.returncode == 0, p.stderr
    z = {r["code"]: r["gi_z"] for r in json.loads(p.stdout)}
    assert z == {"E1": -0.1619, "E2": -0.1619, "F": 0.3941, "M1": 0.9853, "M2": 1.1148, "M3": 0.9853, "W": -0.3941}


# ----------------------------------------------------------------------------- 10 full-width digits


def test_10_full_width_values_are_folded(db):
    case = FIELD / "10-fullwidth-digits"
    for kind, name in (
        ("households", "households_fullwidth.csv"),
        ("staff", "staff.csv"),
        ("visits", "visits_halfwidth.csv"),
        ("households", "households_fullwidth_code.csv"),
    ):
        p = run("import", kind, str(case / name), db=db, env={"LIANXIN_TODAY": "2026-11-26"})
        assert p.returncode == 0, p.stderr
        assert "rejected 0" in p.stdout, p.stdout
    assert q(db, "SELECT code, grid_code FROM households ORDER BY 1") == [
        ("H301", "G00"),
        ("H302", "G00"),
        ("H303", "G01"),
    ]
    assert q(db, "SELECT phone, members FROM households WHERE code = 'H301'") == [("13800000031", 3)]
    assert q(db, "SELECT household_code, visited_on FROM visits") == [("H303", dt.date(2026, 11, 3))]


FULL = str.maketrans("G0123456789", "Ｇ０１２３４５６７８９")


def test_10_variant_full_width_codes_in_a_boundary_file(db, tmp_path):
    """Grid codes typed full-width in the GIS office's attribute table are folded like a register's codes:
    the households' ``G00`` finds its grid; a name keeps its characters."""
    g = json.loads((FIELD / "base" / "grid.geojson").read_text(encoding="utf-8"))
    for f in g["features"]:
        p = f["properties"]
        p["code"] = p["code"].translate(FULL) + "\u200b"  # and a zero-width space pasted from a chat
        p["parent_code"] = p["parent_code"].translate(FULL)
        p["name"] = "第１" + p["name"]
    path = tmp_path / "grids_fullwidth.geojson"
    path.write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    p = run("import", "boundaries", str(path), "--level", "grid", db=db)
    assert p.returncode == 0, p.stderr
    assert [r[:3] for r in grids(db)] == [
        ("G00", "第１网格00", "500155001001"),
        ("G01", "第１网格01", "500155001001"),
        ("G10", "第１网格10", "500155001001"),
        ("G11", "第１网格11", "500155001001"),
    ]
    hh = tmp_path / "hh.csv"
    hh.write_text("户编号,户主,网格编码,经度,纬度\nW1,甲,G00,,\nW2,乙,,107.815,30.675\n", encoding="utf-8")
    p = run("import", "households", str(hh), db=db)
    assert p.returncode == 0 and "rejected 0, unassigned 0" in p.stdout, p.stdout + p.stderr
    assert q(db, "SELECT code, grid_code FROM households ORDER BY 1") == [("W1", "G00"), ("W2", "G11")]


@pytest.mark.parametrize("cpg", ["GB2312", "GBK", "936"])
def test_03_variant_cpg_gb2312_or_gbk_on_text_only_gb18030_holds(db, tmp_path, cpg):
    """堃 and 赟 (common in names) are in GBK but not GB2312; 㐀 is in GB18030 only: a .cpg naming
    the smaller set must not turn them into mojibake (zipped, as offices send it)."""
    g = gpd.read_file(FIELD / "base" / "grid.geojson")
    names = ["城南堃网格", "赟村网格", "㐀甲网格", "城北第二网格"]
    frame = gpd.GeoDataFrame({"网格编码": g["code"], "网格名称": names}, geometry=g.geometry, crs=g.crs)
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_file(folder / "grids.shp", encoding="GB18030")
    (folder / "grids.cpg").write_text(cpg)
    z = tmp_path / "grids.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    p = run("import", "boundaries", str(z), "--level", "grid", db=db)
    assert p.returncode == 0, p.stderr
    assert [r[1] for r in grids(db)] == names
    before = grids(db)
    p = run("import", "boundaries", str(folder / "grids.shp"), "--level", "grid", "--encoding", "GB2312", db=db)
    assert p.returncode == 1 and "GB18030" in single_line(p.stderr)
    assert grids(db) == before


# 6° zones (GB/T 17798: zone n at (6n − 3)°E), the tiny world at 107.8°E lies in zone 18 (CM 105E); 105°E is a 3°
# meridian too (zone 35), but with the zone number in the eastings 6° zone 18 (18 xxx xxx) is not 3° zone 35
@pytest.mark.parametrize(
    "coords_epsg,prj_epsg,shift,says,fits",
    [
        (4507, 4507, 18_000_000, "eastings carry zone number 18 (18,", "EPSG:4496"),  # 6° CM 105E .prj, zone typed in
        (
            4496,
            4496,
            -18_000_000,
            F.phrase("ingest.crs.zone_missing", "en"),
            "EPSG:4507",
        ),  # 6° zone-18 .prj, plain eastings
        (4507, 4508, 0, "fit central meridian 105°E but the .prj is CM 111°E", "EPSG:4507"),  # labelled CM 111E
        (4497, 4496, 0, "zone number 19 but the .prj is zone 18", "EPSG:4497"),  # zone 19's numbers, zone 18's .prj
    ],
)
def test_01_variants_six_degree_zones_name_the_six_degree_crs(db, tmp_path, coords_epsg, prj_epsg, shift, says, fits):
    if coords_epsg == 4497:  # CM 111E numbers for the tiny world, with 19 in front
        boxes = {"A": (110.80, 30.66, 110.81, 30.67)}
    else:
        boxes = {"A": (107.80, 30.66, 107.81, 30.67), "B": (107.81, 30.66, 107.82, 30.67)}
    before = grids(db)
    shp = write_gk(tmp_path / "g", "grids", boxes, coords_epsg, prj_epsg, shift)
    p = run("import", "boundaries", str(shp), "--level", "grid", db=db)
    assert p.returncode == 1
    line = single_line(p.stderr)
    assert says in line and fits in line and "3-degree" not in line, line
    assert grids(db) == before


def write_rows(path: Path, rows: list[list], merges: tuple[str, ...] = ()) -> Path:
    """``rows`` as an xlsx (with ``merges``) or as a GBK CSV with CRLF (merged cells exported as blanks)."""
    if path.suffix == ".xlsx":
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        for m in merges:
            wb.active.merge_cells(m)
        wb.save(path)
    else:
        text = "".join(",".join("" if v is None else str(v) for v in r) + "\r\n" for r in rows)
        path.write_bytes(text.encode("gbk"))
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_06_variant_a_known_column_split_over_two(db, tmp_path, suffix):
    """家庭住址 merged over 组 and 门牌号: the lower row is header, not a bad data row; the address is
    both parts; errors keep the spreadsheet's row numbers."""
    rows = [
        ["某镇某村户籍台账（2026年）", "", "", "", "", ""],
        ["户编号", "户主", "家庭住址", "", "网格编码", "人口数"],
        ["", "", "组", "门牌号", "", ""],
        ["S1", "甲", "一组", "1号", "G00", 3],
        ["S2", "乙", "二组", 12, "G01", "abc"],
        ["S3", "丙", "三组", "", "G10", 2],
    ]
    path = write_rows(tmp_path / f"split{suffix}", rows, ("A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"))
    p = run("import", "households", str(path), db=db)
    assert p.returncode == 0, p.stderr
    assert "rejected 1" in p.stdout and single_line(p.stderr).startswith(f"{path.name} row 5 column 人口数:")
    assert q(db, "SELECT code, address, grid_code FROM households ORDER BY 1") == [
        ("S1", "一组1号", "G00"),
        ("S3", "三组", "G10"),
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_06_variant_a_data_row_under_a_blank_header_cell_stays_data(db, tmp_path, suffix):
    rows = [
        ["户编号", "户主", "家庭住址", "", "网格编码"],
        ["T1", "甲", "一组", "备注", "G00"],
        ["T2", "乙", "二组", "", "G01"],
    ]
    p = run("import", "households", str(write_rows(tmp_path / f"plain{suffix}", rows)), db=db)
    assert p.returncode == 0 and "imported 2" in p.stdout, p.stdout + p.stderr
    assert q(db, "SELECT code, address FROM households ORDER BY 1") == [("T1", "一组"), ("T2", "二组")]


def test_10_variant_full_width_cells_in_a_workbook_and_ime_dashes(db, tmp_path):
    """Text cells of an xlsx typed full-width, and the dashes an IME or Word gives for a hyphen (— – ——)."""
    hh = write_rows(
        tmp_path / "hh.xlsx",
        [
            ["户编号", "户主", "联系电话", "人口数", "经度", "纬度"],
            ["Ｈ４０１", "甲", "１３８　００００　００４１", "３人", "１０７．８０５", "３０．６６５"],
            ["H402", "乙", "０２３——１２３４５６７８", "２", "107.815", "30.675"],
            ["H403", "丙", "023–12345679", 1, 107.805, 30.675],
        ],
    )
    p = run("import", "households", str(hh), db=db, env={"LIANXIN_TODAY": "2026-11-26"})
    assert p.returncode == 0 and "rejected 0" in p.stdout, p.stdout + p.stderr
    assert q(db, "SELECT code, phone, members, grid_code FROM households ORDER BY 1") == [
        ("H401", "13800000041", 3, "G00"),
        ("H402", "023-12345678", 2, "G11"),
        ("H403", "023-12345679", 1, "G01"),
    ]
    staff = tmp_path / "staff.csv"
    staff.write_bytes("工号,姓名,职务,负责网格\r\nＳ０１,张,网格长,Ｇ００，Ｇ０１\r\n".encode("gbk"))
    visits = write_rows(
        tmp_path / "v.xlsx",
        [["户编号", "工号", "走访日期"], ["Ｈ４０１", "Ｓ０１", "２０２６年１１月３日"], ["H402", "S01", "2026—11—04"]],
    )
    for kind, path in (("staff", staff), ("visits", visits)):
        p = run("import", kind, str(path), db=db, env={"LIANXIN_TODAY": "2026-11-26"})
        assert p.returncode == 0 and "rejected 0" in p.stdout, p.stdout + p.stderr
    assert q(db, "SELECT household_code, staff_id, visited_on FROM visits ORDER BY 1") == [
        ("H401", "S01", dt.date(2026, 11, 3)),
        ("H402", "S01", dt.date(2026, 11, 4)),
    ]


def test_05_variant_a_hidden_old_column_of_the_same_name(db, tmp_path):
    """The clerk copied 户主 and 联系电话, corrected the copies and hid the old columns: the visible ones are
    read (the sheet starts at column B below a title); a hidden column no visible one repeats is still read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B1"] = "某村户籍台账"
    for r in (
        ["户编号", "户主", "户主", "电话", "联系电话", "经度", "纬度"],
        ["HC1", "旧名", "新名", "13800000000", "13800000001", 107.805, 30.665],
        ["HC2", "旧名二", "新名二", "13800000000", "13800000002", 107.815, 30.675],
    ):
        ws.append([None] + r)
    for col in ("C", "E", "G", "H"):  # the old 户主 and 电话, and the (only) lon/lat
        ws.column_dimensions[col].hidden = True
    path = tmp_path / "hidden_cols.xlsx"
    wb.save(path)
    p = run("import", "households", str(path), db=db)
    assert p.returncode == 0 and "rejected 0" in p.stdout, p.stdout + p.stderr
    assert q(db, "SELECT code, head_name, phone, grid_code FROM households ORDER BY 1") == [
        ("HC1", "新名", "13800000001", "G00"),
        ("HC2", "新名二", "13800000002", "G11"),
    ]


@pytest.mark.parametrize("cpg", [None, "UTF-8"])
def test_03_variant_a_gbk_name_cut_in_half_by_the_field_width(db, tmp_path, cpg):
    """A DBF text field is a fixed number of bytes: a longer GBK name is cut there, sometimes inside a
    character (its first byte kept, then padding). That one half character must not make the whole file
    'neither UTF-8 nor GBK' — not even with --encoding GBK."""
    g = gpd.read_file(FIELD / "base" / "grid.geojson")
    names = ["城南第1网格", "城南第二网格", "城北第1网格", "城北第二网格"]
    frame = gpd.GeoDataFrame({"网格编码": g["code"], "网格名称": names}, geometry=g.geometry, crs=g.crs)
    shp = tmp_path / "grids.shp"
    frame.to_file(shp, encoding="GBK")
    dbf = shp.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    cut = "城南第1网格".encode("gbk")
    i = raw.find(cut)
    raw[i + len(cut) - 1] = 0x20  # 格 cut after its first byte, as a 9-byte field would
    dbf.write_bytes(bytes(raw))
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    if cpg:
        shp.with_suffix(".cpg").write_text(cpg)
    for extra in ((), ("--encoding", "GBK")):
        p = run("import", "boundaries", str(shp), "--level", "grid", *extra, db=db)
        assert p.returncode == 0, p.stderr
        assert [r[1] for r in grids(db)] == ["城南第1网", "城南第二网格", "城北第1网格", "城北第二网格"]


@pytest.mark.parametrize("epsg", [4545, 4524, 4326])
def test_01_variant_x_and_y_swapped_is_named(db, tmp_path, epsg):
    """Surveyors write X for north: a file with northings in X (or lat before lon) is refused with one
    line that says to swap them — not "eastings carry zone number 3" — and nothing stored changes."""
    g = gpd.read_file(FIELD / "base" / "grid.geojson").to_crs(epsg)
    g["geometry"] = shapely.transform(g.geometry.to_numpy(), lambda xy: xy[:, ::-1])
    path = tmp_path / ("grids.geojson" if epsg == 4326 else "grids.shp")
    g.to_file(path, encoding="UTF-8")
    before = grids(db)
    p = run("import", "boundaries", str(path), "--level", "grid", db=db)
    assert p.returncode == 1
    line = single_line(p.stderr)
    assert F.phrase("ingest.crs.axes_swapped", "en") in line and "zone number 3" not in line, line
    assert grids(db) == before


@pytest.mark.parametrize("zone_in_easting", [True, False])
def test_01_variant_no_prj_names_the_likely_crs(db, tmp_path, zone_in_easting):
    """A Gauss-Krüger Shapefile sent without its .prj: one line that says so and what the numbers look like."""
    epsg = 4524 if zone_in_easting else 4545
    shp = write_gk(tmp_path / "g", "grids", {"A": (107.80, 30.66, 107.81, 30.67)}, epsg, epsg)
    shp.with_suffix(".prj").unlink()
    before = grids(db)
    p = run("import", "boundaries", str(shp), "--level", "grid", db=db)
    assert p.returncode == 1
    line = single_line(p.stderr)
    if zone_in_easting:
        assert Message("ingest.crs.no_prj_zone", zone=36, x=36_480_832, epsg="EPSG:4524").text("en") in line, line
    else:
        assert F.phrase("ingest.crs.no_prj_gauss_kruger", "en") in line, line
    assert grids(db) == before


def test_10_variant_codes_typed_full_width_on_the_command_line(db):
    """The clerk's terminal in full-width mode: --area Ｇ００ and --code Ｈ３０３ mean G00 and H303."""
    case = FIELD / "10-fullwidth-digits"
    assert run("import", "households", str(case / "households_fullwidth.csv"), db=db).returncode == 0
    p = run("report", "unvisited", "--area", "Ｇ００", "--as-of", "２０２６－１１－２６", "--format", "json", db=db)
    assert p.returncode == 0, p.stderr
    assert [r["household_code"] for r in json.loads(p.stdout)] == ["H301", "H302"]
    p = run("report", "household", "--code", "Ｈ３０３", "--format", "json", db=db)
    assert p.returncode == 0 and "H303" in p.stdout, p.stderr
    p = run("report", "grids", "--area", "５００１５５００１００１", "--format", "json", db=db)
    assert p.returncode == 0 and {r["code"] for r in json.loads(p.stdout)} == {"G00", "G01", "G10", "G11"}, p.stderr


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_06_variant_units_or_column_numbers_under_the_header_and_totals_below(db, tmp_path, suffix):
    """Forms carry a row of units (（人）) or a 栏次 row (1 2 3 …) under the header, and a 合计 row and the
    signature line (填表人：…) below the records: none is a record, so --strict still writes; a bad row keeps
    its spreadsheet number."""
    rows = [
        ["某村户籍台账", "", "", "", ""],
        ["户编号", "户主", "人口数", "经度", "纬度"],
        ["", "", "（人）", "（度）", "（度）"],
        ["栏次", 1, 2, 3, 4],
        ["N1", "甲", 3, 107.805, 30.665],
        ["N2", "乙", 2, 107.815, 30.675],
        ["合计", "2户", 5, "", ""],
        ["填表人：张三", "", "审核人：李四", "", "填报日期：2026年3月5日"],
        ["备注：本表由村委会填报", "", "", "", ""],
    ]
    path = write_rows(tmp_path / f"form{suffix}", rows)
    p = run("import", "households", str(path), "--strict", db=db)
    assert p.returncode == 0 and "imported 2, updated 0, skipped 0, rejected 0" in p.stdout, p.stdout + p.stderr
    assert q(db, "SELECT code, members, grid_code FROM households ORDER BY 1") == [("N1", 3, "G00"), ("N2", 2, "G11")]
    rows[5][2] = "abc"
    p = run("import", "households", str(write_rows(tmp_path / f"bad{suffix}", rows)), db=db)
    assert single_line(p.stderr).startswith(f"bad{suffix} row 6 column 人口数:"), p.stderr


@pytest.mark.parametrize("encoding", ["UTF-8", "GBK"])
def test_03_variant_chinese_field_names_cut_at_ten_bytes(db, tmp_path, encoding):
    """GDAL and QGIS cut a DBF field name at 10 bytes, inside a character in UTF-8 (网格编码 is 12 bytes,
    所属乡镇编码 18): the file reads, the cut names still name their columns, zipped as offices send it."""
    g = gpd.read_file(FIELD / "base" / "grid.geojson")
    frame = gpd.GeoDataFrame(
        {"网格编码": g["code"], "网格名称": ["城南第一网格", "城南第二网格", "城北第一网格", "城北第二网格"]},
        geometry=g.geometry,
        crs=g.crs,
    )
    frame["所属村编码"] = "500155001001"
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_file(folder / "grids.shp", encoding=encoding)
    raw = (folder / "grids.dbf").read_bytes()
    if encoding == "UTF-8":
        assert raw[32:43].split(b"\x00")[0] == "网格编码".encode()[:10]  # the writer cut 码 in half
    z = tmp_path / "grids.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    for path in (folder / "grids.shp", z):
        p = run("import", "boundaries", str(path), "--level", "grid", db=db)
        assert p.returncode == 0, p.stderr
        assert [r[1:3] for r in grids(db)] == [
            ("城南第一网格", "500155001001"),
            ("城南第二网格", "500155001001"),
            ("城北第一网格", "500155001001"),
            ("城北第二网格", "500155001001"),
        ]


def test_05_variant_sheet_named_as_the_clerk_types_it(db, tmp_path):
    """--sheet 2026年台账 finds the tab "２０２６年台账 " (a trailing space, full-width digits); the hidden first
    sheet stays unread."""
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "2025年台账"
    old.append(["户编号", "户主", "网格编码"])
    old.append(["SN0", "旧", "G00"])
    old.sheet_state = "hidden"
    for title, code in (("２０２６年台账 ", "SN1"), ("说明", "SN2")):
        ws = wb.create_sheet(title)
        ws.append(["户编号", "户主", "网格编码"])
        ws.append([code, "新", "G01"])
    path = tmp_path / "tabs.xlsx"
    wb.save(path)
    p = run("import", "households", str(path), "--sheet", "2026年台账", db=db)
    assert p.returncode == 0 and "(sheet ２０２６年台账 )" in p.stdout, p.stdout + p.stderr
    assert q(db, "SELECT code FROM households WHERE code LIKE 'SN%'") == [("SN1",)]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_06_variant_header_cells_wrapped_or_spaced(db, tmp_path, suffix):
    """Header cells laid out for print: wrapped with Alt+Enter (联系\\n电话), spaced to align (户  主)."""
    rows = [
        ["户编号", "户\u3000主", "联系\n电话", "家庭\r\n人口", "网格\n编码"],
        ["WR1", "甲", "13800000001", 3, "G00"],
    ]
    path = tmp_path / f"wrapped{suffix}"
    if suffix == ".csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        path.write_bytes(buf.getvalue().encode("gbk"))
    else:
        write_rows(path, rows)
    p = run("import", "households", str(path), db=db)
    assert p.returncode == 0 and "rejected 0" in p.stdout, p.stdout + p.stderr
    assert q(db, "SELECT code, head_name, phone, members, grid_code FROM households") == [
        ("WR1", "甲", "13800000001", 3, "G00")
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_06_variant_the_header_repeated_below(db, tmp_path, suffix):
    """Two villages' sheets pasted one under the other: the second header is no household, rows keep their numbers."""
    rows = [
        ["户编号", "户主", "网格编码", "人口数"],
        ["RH1", "甲", "G00", 2],
        ["户编号", "户主", "网格编码", "人口数"],
        ["RH2", "乙", "G01", "abc"],
        ["RH3", "丙", "G10", 1],
    ]
    p = run("import", "households", str(write_rows(tmp_path / f"pasted{suffix}", rows)), db=db)
    assert p.returncode == 0 and "imported 2, updated 0, skipped 0, rejected 1" in p.stdout, p.stdout + p.stderr
    assert single_line(p.stderr).startswith(f"pasted{suffix} row 4 column 人口数:")
    assert q(db, "SELECT code FROM households ORDER BY 1") == [("RH1",), ("RH3",)]


def test_03_variant_an_explicit_gbk_on_utf8_text_is_refused_not_stored_as_mojibake(db, tmp_path):
    """--encoding GBK (or the page's field) on a UTF-8 DBF whose .cpg says 936: UTF-8 Chinese bytes mostly decode
    as GBK too — into mojibake (鍩庡崡…). One line naming UTF-8 instead, nothing stored changes."""
    g = gpd.read_file(FIELD / "base" / "grid.geojson")
    names = ["城南网格", "城北网格", "新华社区", "城北二组"]  # their UTF-8 bytes are valid GBK
    shp = tmp_path / "grids.shp"
    gpd.GeoDataFrame({"code": g["code"], "name": names}, geometry=g.geometry, crs=g.crs).to_file(shp, encoding="UTF-8")
    shp.with_suffix(".cpg").write_text("936")
    before = grids(db)
    p = run("import", "boundaries", str(shp), "--level", "grid", "--encoding", "GBK", db=db)
    said = Message("ingest.error.encoding_wrong", at="grids.shp: ", encoding="GBK", other="UTF-8")
    assert p.returncode == 1 and single_line(p.stderr) == said
    assert grids(db) == before
    p = run("import", "boundaries", str(shp), "--level", "grid", db=db)  # left to itself: the bytes decide
    assert p.returncode == 0 and [r[1] for r in grids(db)] == names, p.stderr


def test_10_variant_full_width_or_invisible_characters_in_boundary_field_names(db, tmp_path):
    """Attribute names typed full-width (ＣＯＤＥ) or pasted with a zero-width space still name their columns."""
    g = json.loads((FIELD / "base" / "grid.geojson").read_text(encoding="utf-8"))
    for f in g["features"]:
        p = f["properties"]
        f["properties"] = {"ＣＯＤＥ": p["code"], "网格名称\u200b": p["name"] + "区", "上级编码 ": p["parent_code"]}
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    p = run("import", "boundaries", str(path), "--level", "grid", db=db)
    assert p.returncode == 0, p.stderr
    assert [r[:3] for r in grids(db)][0] == ("G00", "网格00区", "500155001001")
