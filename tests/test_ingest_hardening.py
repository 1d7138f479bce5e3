"""Issue 15 (files read with bounded memory, plausible values, control characters, imports within the
user's scope) and issue 17's kinds 5–7 (numbers used as codes, queen neighbours after migration,
characters that look alike), each on a file built here.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import duckdb
import geopandas as gpd
import openpyxl
import pytest
import shapely

from gis import areas as A
from i18n import Message
from ingest import limits, normalize as N
from ingest.errors import ImportFailed
from ingest.reader import read_table
from ingest.spec import SPECS
from ingest.tables import load
from store import db
from tests.factories import G111, G211, write_csv
from tests.test_cli import run

TODAY = dt.date(2026, 11, 22)


def rows_of(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def xlsx_bytes(sheets: dict[str, list[list]], far_cell: str | None = None) -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        if far_cell:
            ws[far_cell] = 1
    wb.save(buf)
    return buf.getvalue()


# ----------------------------------------------------------------------------- file bombs


def test_a_5kb_workbook_with_a_cell_at_xfd1048576_is_refused_before_reading(tmp_path):
    path = tmp_path / "far.xlsx"
    path.write_bytes(xlsx_bytes({"台账": [["户编号", "户主"], ["H1", "甲"]]}, far_cell="XFD1048576"))
    assert path.stat().st_size < 5 * 1024
    with pytest.raises(ImportFailed) as e:
        read_table(path, SPECS["households"])
    assert e.value.key == "ingest.error.sheet_range" and e.value.params["last"] == "XFD1048576"
    assert "\n" not in str(e.value)


def test_the_command_line_refuses_it_with_one_line(tiny, tmp_path):
    con, world = tiny
    con.close()
    path = tmp_path / "far.xlsx"
    path.write_bytes(xlsx_bytes({"台账": [["户编号", "户主"], ["H1", "甲"]]}, far_cell="XFD1048576"))
    p = run("import", "households", str(path), db=world)
    assert p.returncode == 1 and "XFD1048576" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


def test_an_xlsx_whose_xml_inflates_hugely_is_refused(tmp_path):
    path = tmp_path / "inflating.xlsx"
    good = xlsx_bytes({"台账": [["户编号", "户主"], ["H1", "甲"]]})
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":  # 600 MB of blanks inside the sheet XML
                head, tail = data.split(b"<sheetData>")
                with dst.open(info.filename, "w", force_zip64=True) as f:
                    f.write(head + b"<sheetData>")
                    block = b" " * (1 << 20)
                    for _ in range(600):
                        f.write(block)
                    f.write(tail)
            else:
                dst.writestr(info, data)
    assert path.stat().st_size < 2 << 20
    with pytest.raises(ImportFailed) as e:
        read_table(path, SPECS["households"])
    assert e.value.key in ("ingest.error.zip_inflates", "ingest.error.zip_ratio")


def test_a_zip_whose_members_lie_about_their_size_is_measured_for_real(tmp_path):
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.geojson", b"0" * (40 << 20))
    # rewrite the declared sizes to 1 byte (central directory and local header)
    raw = bytearray(path.read_bytes())
    real = (40 << 20).to_bytes(4, "little")
    raw = raw.replace(real, (1).to_bytes(4, "little"))
    path.write_bytes(bytes(raw))
    with pytest.raises(ImportFailed) as e:
        limits.check_zip(path, max_bytes=10 << 20)
    assert e.value.key in ("ingest.error.zip_inflates", "ingest.error.zip_ratio", "ingest.error.zip_member")


def test_a_csv_with_an_enormous_line_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("户编号,户主\n")
        f.write("H1," + "x" * (limits.MAX_LINE_CHARS + 10) + "\n")
    with pytest.raises(ImportFailed, match="line 2"):
        read_table(path, SPECS["households"])


def test_a_csv_field_over_the_cap_is_a_sentence_with_its_row(tmp_path):
    path = tmp_path / "field.csv"
    path.write_text("户编号,户主\nH1,\"" + "y\n" * (limits.MAX_FIELD_CHARS // 2 + 10) + "\"\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as e:
        read_table(path, SPECS["households"])
    assert e.value.key == "ingest.error.csv_record" and e.value.message.at == "field.csv row 2: "


def test_ods_is_asked_to_be_saved_as_xlsx_and_a_broken_xls_is_a_sentence(tmp_path):
    (tmp_path / "old.ods").write_bytes(b"PK\x03\x04")
    with pytest.raises(ImportFailed) as e:
        read_table(tmp_path / "old.ods", SPECS["households"])
    assert e.value.key == "ingest.error.table_type" and ".xlsx" in e.value.text("en")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")  # an OLE signature, cut short (tests/test_ingest_xls.py)
    with pytest.raises(ImportFailed) as e:
        read_table(tmp_path / "old.xls", SPECS["households"])
    assert e.value.key == "ingest.error.excel"


# ----------------------------------------------------------------------------- plausible values


def test_out_of_range_values_rejected_row_by_row(tiny, tmp_path):
    con, _ = tiny
    path = write_csv(
        tmp_path / "hh.csv",
        ["户编号", "户主", "网格编码", "人口数"],
        [
            ["R1", "甲", G111, "99999999999"],
            ["R2", "乙", G111, "1e300"],
            ["R3", "丙", G111, "100000"],
            ["R4", "丁", G111, "3"],
        ],
    )
    res = load(con, "households", path, today=TODAY)
    assert res.imported == 1 and res.rejected == 3
    assert [e.row for e in res.errors] == [2, 3, 4]
    assert all(e.column == "人口数" and e.message.key == "ingest.error.at_most" for e in res.errors)
    assert all("internal error" not in e.line() for e in res.errors)


@pytest.mark.parametrize(
    "day,why",
    [
        ("0001-01-01", "ingest.error.date_early"),
        ("1899-12-31", "ingest.error.date_early"),
        ("2099-01-01", "ingest.error.date_future"),
        ("9999-12-31", "ingest.error.date_future"),
        ("80000", "ingest.error.date_future"),
        ("2026-11-23", "ingest.error.date_future"),
    ],
)
def test_implausible_visit_dates_rejected(tiny, tmp_path, day, why):
    con, _ = tiny
    path = write_csv(
        tmp_path / "v.csv", ["户编号", "工号", "走访日期"], [["H01", "S1", day], ["H01", "S1", "2026-11-02"]]
    )
    res = load(con, "visits", path, today=TODAY)
    assert res.imported == 1 and res.rejected == 1
    assert res.errors[0].row == 2 and res.errors[0].column == "走访日期" and res.errors[0].message.key == why


def test_excel_serial_out_of_range_and_a_rule_moves_the_lower_bound(tiny, tmp_path):
    con, _ = tiny
    path = tmp_path / "p.xlsx"
    path.write_bytes(
        xlsx_bytes(
            {
                "信访": [
                    ["信访编号", "受理日期", "人数"],
                    ["PA", 80000, 2],
                    ["PB", 36600, 2],
                    ["PC", dt.datetime(2026, 10, 1), 5000],
                ]
            }
        )
    )
    res = load(con, "petitions", path, today=TODAY)
    assert res.imported == 1  # PB: 2000-03-15
    assert [(e.row, e.column) for e in res.errors] == [(2, "受理日期"), (4, "人数")]
    db.execute(con, "rule_set", key="earliest_record_year", value=2010)
    res = load(con, "petitions", path, today=TODAY)
    assert res.imported == 0 and {e.row for e in res.errors} == {2, 3, 4}


def test_replied_before_received_rejected(tiny, tmp_path):
    con, _ = tiny
    path = write_csv(
        tmp_path / "p.csv",
        ["信访编号", "受理日期", "答复日期", "办结日期"],
        [["PR1", "2026-10-05", "2026-10-01", ""], ["PR2", "2026-10-05", "", "2026-10-04"]],
    )
    res = load(con, "petitions", path, today=TODAY)
    assert [(e.row, e.column) for e in res.errors] == [(2, "答复日期"), (3, "办结日期")]


# ----------------------------------------------------------------------------- numbers used as codes


def test_codes_from_number_cells_keep_exact_digits_or_are_refused(tiny, tmp_path):
    con, _ = tiny
    path = tmp_path / "hh.xlsx"
    path.write_bytes(
        xlsx_bytes(
            {
                "台账": [
                    ["户编号", "户主", "网格编码", "联系电话"],
                    [500155001001, "甲", G111, 13800000001],
                    [500155001001000001, "乙", G111, None],
                    [500155001001000002, "丙", G111, None],
                ]
            }
        )
    )
    res = load(con, "households", path, today=TODAY)
    assert res.imported == 1
    assert rows_of(con, "SELECT code, phone FROM households WHERE code LIKE '5001%'") == [
        ("500155001001", "13800000001")
    ]
    assert [(e.row, e.column) for e in res.errors] == [(3, "户编号"), (4, "户编号")]
    assert [e.message.key for e in res.errors] == ["ingest.error.code_digits"] * 2  # not "repeats row 3"


@pytest.mark.parametrize("code", ["5.00155E+17", "5.00155001001e+17", "1E5"])
def test_scientific_notation_is_never_a_code(tiny, tmp_path, code):
    con, _ = tiny
    path = write_csv(
        tmp_path / "hh.csv",
        ["户编号", "户主", "网格编码", "联系电话"],
        [[code, "甲", G111, ""], ["OK1", "乙", G111, "1.38E+10"]],
    )
    res = load(con, "households", path, today=TODAY)
    assert res.imported == 0
    assert [(e.row, e.column) for e in res.errors] == [(2, "户编号"), (3, "联系电话")]
    assert [e.message.key for e in res.errors] == ["ingest.error.scientific"] * 2


# ----------------------------------------------------------------------------- control characters, full-width


@pytest.mark.parametrize("code", ["H\x0001", "H\t02", "H0\n3", "H\x7f4"])
def test_control_characters_in_keys_rejected(tiny, tmp_path, code):
    con, _ = tiny
    path = write_csv(
        tmp_path / "hh.csv",
        ["户编号", "户主", "网格编码"],
        [[code, "甲", G111], ["C2", "乙\x00", G111], ["C3", "丙", G111]],
    )
    res = load(con, "households", path, today=TODAY)
    assert res.imported == 1
    row_c2 = 4 if "\n" in code else 3  # a quoted line break: the record spans two lines
    assert [(e.row, e.column) for e in res.errors] == [(2, "户编号"), (row_c2, "户主")]
    assert [e.message.key for e in res.errors] == ["ingest.error.key_controls", "ingest.error.text_controls"]


def test_normalising_function():
    assert N.normalize_value("\u3000Ｈ３０３\u200b ") == "H303"
    assert N.normalize_value("２０２６－１１－０３") == "2026-11-03"
    assert N.normalize_value("023－12345678") == "023-12345678"
    assert N.clean_text("\ufeff欧阳\u200d修\u00a0") == "欧阳修"
    assert N.clean_text("（社区）①") == "（社区）①"  # names and text keep their characters
    with pytest.raises(ValueError, match="U\\+0000"):
        N.normalize_code("H\x00")


def test_full_width_visit_date_and_invisible_characters_in_codes(tiny, tmp_path):
    con, _ = tiny
    path = write_csv(
        tmp_path / "v.csv",
        ["户编号", "工号", "走访日期", "走访方式"],
        [["\u200bH01", "Ｓ１", "２０２６年１１月３日", "入户"]],
    )
    res = load(con, "visits", path, today=TODAY)
    assert res.imported == 1, res.errors
    assert rows_of(
        con,
        "SELECT household_code, staff_id, visited_on FROM visits WHERE visited_on = '2026-11-03' "
        "AND staff_id = 'S1' AND household_code = 'H01'",
    ) == [("H01", "S1", dt.date(2026, 11, 3))]


# ----------------------------------------------------------------------------- imports within the user's scope


def test_import_as_office_rejects_rows_outside_its_township(tiny, tmp_path):
    con, world = tiny
    con.close()
    f = write_csv(tmp_path / "hh.csv", ["户编号", "户主", "网格编码"], [["O1", "甲", G111], ["O2", "乙", G211]])
    p = run("--as", "office", "import", "households", str(f), db=world)
    assert p.returncode == 0, p.stderr
    assert f"row 3 column 网格编码: {Message('ingest.error.outside', actor='office', areas=G211)}" in p.stderr
    c = db.connect(world)
    assert c.execute("SELECT code FROM households WHERE code IN ('O1', 'O2')").fetchall() == [("O1",)]
    c.close()


def test_import_as_office_cannot_move_a_stored_household_of_another_township(tiny, tmp_path):
    con, world = tiny
    stored = con.execute("SELECT code FROM households WHERE grid_code = $g LIMIT 1", {"g": G211}).fetchone()[0]
    con.close()
    f = write_csv(tmp_path / "hh.csv", ["户编号", "户主", "网格编码"], [[stored, "改", G111]])
    p = run("--as", "office", "import", "households", str(f), db=world)
    assert p.returncode == 1 and f"{G211}" in p.stderr


@pytest.mark.parametrize("user,kind", [("grid_leader", "households"), ("leader", "visits"), ("office", "boundaries")])
def test_roles_that_may_not_import_are_refused_with_one_sentence(tiny, tmp_path, user, kind):
    con, world = tiny
    con.close()
    f = write_csv(tmp_path / "x.csv", ["户编号", "户主"], [["X", "甲"]])
    args = ["import", kind, str(f)] + (["--level", "grid"] if kind == "boundaries" else [])
    p = run("--as", user, *args, db=world)
    assert p.returncode == 1
    said = Message(
        "ingest.error.boundaries_role" if kind == "boundaries" else "ingest.error.import_role", name=user, role=user
    )
    assert p.stderr.strip() == said


# ----------------------------------------------------------------------------- neighbours after migration 0006


def test_a_schema_5_database_gets_t_junction_neighbors_after_migrating(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    for version, sql in db.migrations():
        if version <= 5:
            con.execute(sql.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": version})
    # W is one tall square; E1 and E2 meet it along its edge without sharing a vertex (a T-junction)
    areas = {"W": shapely.box(0, 0, 1, 2), "E1": shapely.box(1, 0, 2, 1), "E2": shapely.box(1, 1, 2, 2)}
    for code, g in areas.items():
        con.execute(
            "INSERT INTO areas (code, name, level, geom, minx, miny, maxx, maxy) "
            "VALUES ($c, $c, 'grid', $g, 0, 0, 2, 2)",
            {"c": code, "g": shapely.to_wkb(g)},
        )
    con.execute("INSERT INTO area_neighbors VALUES ('E1', 'E2'), ('E2', 'E1')")  # what vertex Queen gave
    con.execute("CHECKPOINT")
    con.close()
    p = run("init", db=path)
    assert p.returncode == 0, p.stderr
    c = duckdb.connect(str(path), read_only=True)
    assert c.execute("SELECT code, neighbor FROM area_neighbors ORDER BY 1, 2").fetchall() == [
        ("E1", "E2"),
        ("E1", "W"),
        ("E2", "E1"),
        ("E2", "W"),
        ("W", "E1"),
        ("W", "E2"),
    ]
    assert c.execute("SELECT count(*) FROM neighbors_stale").fetchone() == (0,)
    assert c.execute("SELECT value FROM rules WHERE key = 'household_members_max'").fetchone() == (50.0,)
    c.close()


def test_queen_pairs_from_any_shared_boundary_point():
    g = gpd.GeoDataFrame(
        {"code": ["W", "E1", "E2", "far"]},
        geometry=[shapely.box(0, 0, 1, 2), shapely.box(1, 0, 2, 1), shapely.box(1, 1, 2, 2), shapely.box(5, 5, 6, 6)],
        crs="EPSG:4326",
    )
    pairs = {tuple(r) for r in A.queen_pairs(g).values.tolist()}
    assert pairs == {("W", "E1"), ("E1", "W"), ("W", "E2"), ("E2", "W"), ("E1", "E2"), ("E2", "E1")}


def test_a_database_past_0006_that_never_had_it_gets_it(tmp_path):
    """Migration numbers land out of order (0007 and 0010 were on main before 0006)."""
    path = tmp_path / "later.duckdb"
    con = db.connect(path)
    con.execute("DELETE FROM schema_version WHERE version = 6")
    con.execute("DROP TABLE neighbors_stale")
    con.execute(
        "DELETE FROM rules WHERE key IN ('earliest_record_year', 'household_members_max', 'petition_people_max')"
    )
    con.execute("CHECKPOINT")
    con.close()
    con = db.connect(path)
    assert db.rule(con, "petition_people_max") == 1000
    assert con.execute("SELECT count(*) FROM neighbors_stale").fetchone() == (0,)
    con.close()
