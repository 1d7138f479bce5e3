"""The import page: its logic (ingest/preview.py) on real files, and the page through AppTest.

AppTest cannot upload files, so the page's steps are tested as the functions it calls.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely

from i18n import column_labels, t
from ingest import preview as P
from ingest.boundaries import BoundaryResult
from ingest.errors import ImportFailed
from tests import factories as F


def csv_bytes(header, rows, encoding="utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


# ----------------------------------------------------------------------------- uploads


def test_private_copy_written_and_deleted():
    with P.private_copy("../../etc/户籍.csv", b"a,b\n", "households") as path:
        assert path.name == "户籍.csv" and path.read_bytes() == b"a,b\n"
        assert (path.parent.stat().st_mode & 0o777) == 0o700
        folder = path.parent
    assert not folder.exists()


def test_private_copy_deleted_after_an_error():
    with pytest.raises(RuntimeError):
        with P.private_copy("x.csv", b"a", "households") as path:
            folder = path.parent
            raise RuntimeError
    assert not folder.exists()


@pytest.mark.parametrize(
    "name,data,kind,key",
    [
        ("x.csv", b"", "households", "ingest.error.empty_file"),
        ("x.exe", b"MZ", "households", "ingest.error.upload_type"),
        ("x.shp", b"shp", "boundaries", "ingest.error.upload_type"),  # a Shapefile is uploaded zipped
        ("x.csv", b"0" * (2 * 1024 * 1024 + 1), "households", "ingest.error.upload_size"),
    ],
)
def test_upload_refused_with_a_sentence(name, data, kind, key):
    with pytest.raises(P.UploadRefused) as e:
        with P.private_copy(name, data, kind, max_mb=2):
            pass
    assert e.value.key == key
    assert e.value.text("en") == f"{name}: " + t(key, "en", **e.value.params)


def test_accepted_suffixes():
    assert set(P.accepted_suffixes("households")) == {"csv", "txt", "xlsx", "xlsm", "xls"}
    assert "zip" in P.accepted_suffixes("boundaries") and "shp" not in P.accepted_suffixes("boundaries")


# ----------------------------------------------------------------------------- preview


def test_preview_table_csv_gbk_mapping(tmp_path):
    path = tmp_path / "hh.csv"
    path.write_bytes(
        b"\xc4\xb3\xb4\xe5\xbb\xa7\xbc\xae\xcc\xa8\xd5\xcb,,\n"  # a GBK title line
        + csv_bytes(["户编号", "户主姓名", "备用", "纬度"], [["A1", "甲", "x", "30.1"]], "gbk")
    )
    pv = P.preview_table(path, "households")
    assert pv.header_row == 2 and pv.total_rows == 1 and pv.encoding == "gb18030"
    assert pv.mapping == [("户编号", "code"), ("户主姓名", "head_name"), ("纬度", "lat")]
    assert pv.ignored == ["备用"] and pv.missing_required == []
    assert pv.rows.to_dict("records") == [{"row": 3, "户编号": "A1", "户主姓名": "甲", "备用": "x", "纬度": "30.1"}]


def test_sheet_names_and_preview_of_a_chosen_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "说明"
    ws = wb.create_sheet("走访")
    ws.append(["走访记录（11月）"])
    ws.merge_cells("A1:C1")
    ws.append(["户编号", "工号", "走访日期"])
    import datetime as dt

    ws.append(["H01", "S1", dt.datetime(2026, 11, 3)])
    path = tmp_path / "v.xlsx"
    wb.save(path)
    assert P.sheet_names(path) == ["说明", "走访"]
    assert P.sheet_names(tmp_path / "none.csv") == []
    pv = P.preview_table(path, "visits", sheet="走访")
    assert pv.sheet == "走访" and pv.header_row == 2
    assert pv.rows.iloc[0].tolist() == [3, "H01", "S1", "2026-11-03"]


def test_preview_table_missing_required(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes(csv_bytes(["户编号", "走访日期"], [["H01", "2026-11-03"]]))
    assert P.preview_table(path, "visits").missing_required == ["工号"]


def test_preview_boundaries_zip_gbk(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"网格编码": ["G1"], "网格名称": ["连心网格"], "备注": ["x"]},
        geometry=[shapely.box(107.0, 30.0, 107.1, 30.1)],
        crs="EPSG:4326",
    ).to_crs("EPSG:4545")
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "g.shp", encoding="GBK")
    (folder / "g.cpg").unlink()
    z = tmp_path / "g.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    pv = P.preview_boundaries(z, "grid")
    assert "4545" in pv.crs and pv.encoding == "GB18030" and pv.total_rows == 1
    assert pv.mapping == [("网格编码", "code"), ("网格名称", "name")]
    assert pv.ignored == ["备注"] and pv.missing_required == []
    assert pv.rows.iloc[0].tolist() == [1, "G1", "连心网格", "x", "Polygon"]


# ----------------------------------------------------------------------------- dry run and import


def _audit_count(con) -> int:
    return con.execute("SELECT count(*) FROM audit_log WHERE action = 'import'").fetchone()[0]


def test_dry_run_then_commit_households(tiny, tmp_path):
    con, _ = tiny
    path = tmp_path / "hh.csv"
    path.write_bytes(
        csv_bytes(
            ["户编号", "户主", "网格编码", "人口数"],
            [["N1", "甲", F.G111, "2"], ["N2", "乙", F.G111, "abc"], ["H01", "张三", F.G111, ""]],
        )
    )
    n0 = _audit_count(con)
    dry = P.run_import(con, "households", path, dry_run=True, actor="office")
    assert P.counts(dry) == {"imported": 1, "updated": 1, "skipped": 0, "rejected": 1, "unassigned": 0}
    assert P.has_writes(dry) and _audit_count(con) == n0
    assert con.execute("SELECT count(*) FROM households WHERE code = 'N1'").fetchone()[0] == 0
    frame = P.errors_frame(dry.errors)
    assert frame.to_dict("records") == [
        {"row": 3, "column": "人口数", "value": "abc", "message": t("ingest.error.not_whole", "zh", value="abc")}
    ]
    assert P.errors_frame(dry.errors, "en")["message"].tolist() == [t("ingest.error.not_whole", "en", value="abc")]
    raw = P.errors_csv_bytes(dry.errors)
    assert raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8-sig").splitlines()[0] == "row,column,value,message"

    res = P.run_import(con, "households", path, actor="office")
    assert P.counts(res) == P.counts(dry) and res.written
    assert _audit_count(con) == n0 + 1
    who, detail = con.execute(
        "SELECT user_name, detail FROM audit_log WHERE action = 'import' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert (who, detail) == ("office", "hh.csv")
    assert not P.has_writes(P.run_import(con, "households", path, dry_run=True))


def test_dry_run_boundaries(tiny, tmp_path):
    con, _ = tiny
    gdf = gpd.GeoDataFrame(
        {"code": [F.G211, F.G212], "name": ["西", "东"], "parent_code": [F.V21, F.V21]},
        geometry=[shapely.box(107.2, 30.0, 107.32, 30.2), shapely.box(107.3, 30.0, 107.4, 30.2)],
        crs="EPSG:4326",
    )
    path = tmp_path / "g.geojson"
    gdf.to_file(path, driver="GeoJSON")
    before = con.execute("SELECT code, geom FROM areas WHERE level = 'grid' ORDER BY code").fetchall()
    res = P.run_import(con, "boundaries", path, level="grid", dry_run=True, actor="admin")
    assert isinstance(res, BoundaryResult)
    assert P.counts(res)["updated"] == 2 and res.overlaps and res.overlaps[0][:2] == (F.G211, F.G212)
    assert con.execute("SELECT code, geom FROM areas WHERE level = 'grid' ORDER BY code").fetchall() == before
    res = P.run_import(con, "boundaries", path, level="grid", actor="admin")
    assert con.execute("SELECT count(*) FROM areas WHERE level = 'grid'").fetchone()[0] == 2
    assert _audit_count(con) >= 1


def test_run_import_unknown_kind(tiny, tmp_path):
    con, _ = tiny
    with pytest.raises(ImportFailed):
        P.run_import(con, "cats", tmp_path / "x.csv")


# ----------------------------------------------------------------------------- the page

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402


@pytest.fixture()
def app_db(tiny_db, monkeypatch):
    """A fresh tiny world the app opens ($LIANXIN_DB), on 2026-11-22."""
    path = tiny_db
    monkeypatch.setenv("LIANXIN_DB", str(path))
    monkeypatch.setenv("LIANXIN_TODAY", "2026-11-22")
    return path


def logged_in(name: str) -> AppTest:
    return F.signed_in_app(name=name)  # $LIANXIN_DB, $LIANXIN_TODAY: app_db


@pytest.mark.parametrize("user", ["admin", "office"])
def test_page_renders_for_admin_and_office(app_db, user):
    at = logged_in(user)
    at.switch_page("pages/import_data.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == t("import_page.title")
    assert t("import_page.waiting") in [i.value for i in at.info]
    assert not at.error
    if user == "admin":
        assert at.selectbox(key="import_page.kind").value == "boundaries"  # boundaries come first
        assert at.selectbox(key="import_page.level").value == "grid"
        assert at.text_input(key="import_page.encoding") is not None
    else:  # only an administrator imports boundaries
        assert "boundaries" not in at.selectbox(key="import_page.kind").options
    # a register: no level, no encoding
    at.selectbox(key="import_page.kind").set_value("households").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="import_page.coords").value == "wgs84"
    assert not any(s.key == "import_page.level" for s in at.selectbox)


def test_page_in_english(app_db):
    at = logged_in("admin")
    at.session_state["lang"] = "en"
    at.switch_page("pages/import_data.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == t("import_page.title", "en")


def test_grid_leader_does_not_get_the_page(app_db):
    at = logged_in("grid_leader")
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/import_data.py")


# ----------------------------------------------------------------------------- uploads read in a separate process


def far_cell_xlsx() -> bytes:
    """A ~2 KB workbook whose sheet has a header, one row, and one cell at XFD1048576 (issue 15)."""
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["户编号", "户主", "网格编码"])
    ws.append(["Z1", "甲", F.G111])
    ws["XFD1048576"] = 1
    wb.save(buf)
    return buf.getvalue()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.selectbox(key="import_page.kind").set_value("households").run()
    at.file_uploader[0].set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def test_a_far_cell_workbook_is_refused_on_the_page_and_the_app_goes_on(app_db):
    data = far_cell_xlsx()
    assert len(data) < 10_000
    at = logged_in("admin")
    at.switch_page("pages/import_data.py").run()
    upload(at, "bomb.xlsx", data)
    assert any("XFD1048576" in e.value for e in at.error), [e.value for e in at.error]
    # the same session goes on: a good file previews and dry-runs
    good = csv_bytes(["户编号", "户主", "网格编码"], [["Z2", "乙", F.G111]])
    at.file_uploader[0].set_value(("ok.csv", good, "text/csv")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="import_page.dry_run").click().run()
    assert [m.value for m in at.metric][:2] == ["1", "0"]


def test_a_file_that_exhausts_the_readers_memory_is_a_sentence_not_a_dead_server(app_db, monkeypatch):
    """The reader runs in a child process with a memory limit: past it only the child dies."""
    monkeypatch.setenv("LIANXIN_IMPORT_MEMORY_MB", "120")
    rows = "".join(f"H{i},名{i},{F.G111}\n" for i in range(400_000))
    data = ("户编号,户主,网格编码\n" + rows).encode()
    at = logged_in("admin")
    at.switch_page("pages/import_data.py").run()
    upload(at, "big.csv", data)
    assert any("120 MB" in e.value for e in at.error), [e.value for e in at.error]
    monkeypatch.setenv("LIANXIN_IMPORT_MEMORY_MB", "3072")
    at.file_uploader[0].set_value(
        ("ok.csv", csv_bytes(["户编号", "户主", "网格编码"], [["Z3", "丙", F.G111]]), "text/csv")
    ).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.dataframe, "the preview of the next file is drawn"


def test_office_cannot_import_outside_its_township(app_db):
    at = logged_in("office")
    at.switch_page("pages/import_data.py").run()
    other = F.AREAS["grid"][-1][0]  # a grid of the other township
    upload(at, "hh.csv", csv_bytes(["户编号", "户主", "网格编码"], [["Q1", "甲", F.G111], ["Q2", "乙", other]]))
    at.button(key="import_page.dry_run").click().run()
    assert not at.exception, at.exception
    shown = at.dataframe[-1].value
    assert list(shown.iloc[:, 0]) == [3] and F.phrase("ingest.error.outside") in shown.iloc[0, 3]


# ----------------------------------------------------------------------------- field kinds on the page


def test_page_reads_a_grid_zip_with_full_width_codes_under_a_gb2312_cpg(app_db, tmp_path):
    """Kinds 03 and 10 on the page: a .cpg saying GB2312 over names only GB18030 holds (堃), codes typed
    full-width: the names arrive right and the codes folded, so the stored households keep their grids."""
    full = str.maketrans("0123456789-W", "０１２３４５６７８９－Ｗ")
    rows = [r for r in F.AREAS["grid"] if r[2] == F.V11]
    gdf = gpd.GeoDataFrame(
        {"网格编码": [r[0].translate(full) for r in rows], "网格名称": ["堃" + r[1] for r in rows]},
        geometry=[shapely.box(*r[3]) for r in rows],
        crs="EPSG:4326",
    )
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "grids.shp", encoding="GB18030")
    (folder / "grids.cpg").write_text("GB2312")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    at = logged_in("admin")
    at.switch_page("pages/import_data.py").run()
    at.file_uploader[0].set_value(("grids.zip", buf.getvalue(), "application/zip")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="import_page.dry_run").click().run()
    assert not at.exception, at.exception
    at.button(key="import_page.commit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success
    from store import db as store_db

    con = store_db.connect(app_db)  # the app holds the file in this process: the same configuration
    try:
        got = con.execute(
            "SELECT a.code, a.name, count(h.code) FROM areas a LEFT JOIN households h ON h.grid_code = a.code "
            "WHERE a.parent_code = ? GROUP BY 1, 2 ORDER BY 1",
            [F.V11],
        ).fetchall()
    finally:
        con.close()
    assert [g[:2] for g in got] == [(F.G111, "堃第一网格"), (F.G112, "堃第二网格")]
    assert sum(g[2] for g in got) > 0


def test_page_reads_a_split_two_row_header_and_ime_dashes(app_db, tmp_path):
    """Kinds 06 and 10 on the page: 家庭住址 over 组/门牌号 is header; 023——… is a landline; the one bad row
    is named by its spreadsheet row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [
        ["户籍台账", "", "", "", "", ""],
        ["户编号", "户主", "家庭住址", "", "联系电话", "网格编码"],
        ["", "", "组", "门牌号", "", ""],
        ["Y1", "甲", "一组", "1号", "０２３——１２３４５６７８", F.G111],
        ["Y2", "乙", "二组", "2号", "12345", F.G111],
    ]:
        ws.append(r)
    for m in ("A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"):
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    at = logged_in("admin")
    at.switch_page("pages/import_data.py").run()
    upload(at, "hh.xlsx", buf.getvalue())
    assert not at.error, [e.value for e in at.error]
    assert any(t("import_page.header_found", row=3, n=2) in c.value for c in at.caption), [c.value for c in at.caption]
    at.button(key="import_page.dry_run").click().run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric][:4] == ["1", "0", "0", "1"]
    shown = at.dataframe[-1].value
    assert list(shown.iloc[:, 0]) == [5] and list(shown.iloc[:, 1]) == ["联系电话"]


def test_page_reads_the_visible_sheet_of_a_workbook_whose_first_sheet_is_hidden(app_db):
    """Kind 05 on the page: the hidden first sheet (last year's register) is not what is read or offered first."""
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "2025年台账"
    old.append(["户编号", "户主", "网格编码"])
    old.append(["X0", "旧", F.G111])
    old.sheet_state = "hidden"
    new = wb.create_sheet("2026年台账")
    new.append(["某村户籍台账（2026年）"])
    new.append(["户编号", "户主", "网格编码"])
    new.append(["X1", "新", F.G111])
    new.append(["X2", "新二", F.G111])
    buf = io.BytesIO()
    wb.save(buf)
    at = logged_in("admin")
    at.switch_page("pages/import_data.py").run()
    upload(at, "hh.xlsx", buf.getvalue())
    assert not at.error, [e.value for e in at.error]
    assert any(t("import_page.sheet_used", sheet="2026年台账") in c.value for c in at.caption)
    sheet_box = [s for s in at.selectbox if s.label == t("import_page.sheet")]
    assert sheet_box and sheet_box[0].value == "2026年台账"
    at.button(key="import_page.dry_run").click().run()
    assert [m.value for m in at.metric][:4] == ["2", "0", "0", "0"]


@pytest.mark.parametrize("case", ["swapped", "six_degree_zone"])
def test_page_names_a_gauss_kruger_mistake_in_one_sentence(app_db, tmp_path, case):
    """Kind 01 on the page: northings in X, or 6° zone-18 eastings under a .prj without zone number — one
    sentence naming the problem (and the CRS that fits), no traceback, nothing stored."""
    rows = [r for r in F.AREAS["grid"] if r[2] == F.V11]
    gdf = gpd.GeoDataFrame(
        {"网格编码": [r[0] for r in rows], "网格名称": [r[1] for r in rows]},
        geometry=[shapely.box(*r[3]) for r in rows],
        crs="EPSG:4326",
    )
    if case == "swapped":
        gdf = gdf.to_crs(4545)
        gdf["geometry"] = shapely.transform(gdf.geometry.to_numpy(), lambda xy: xy[:, ::-1])
        says = F.phrase("ingest.crs.axes_swapped")
    else:
        gdf = gdf.to_crs(4507)
        gdf["geometry"] = gdf.geometry.translate(xoff=18_000_000)
        says = "EPSG:4496"
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "grids.shp", encoding="UTF-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    at = logged_in("admin")
    at.switch_page("pages/import_data.py").run()
    at.file_uploader[0].set_value(("grids.zip", buf.getvalue(), "application/zip")).run()
    assert not at.exception, at.exception
    if not at.error:  # the file reads; the check runs with the dry run
        at.button(key="import_page.dry_run").click().run()
        assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and says in errors[0] and "Traceback" not in errors[0], errors


def test_the_preview_heads_fields_and_the_row_number_in_the_pages_language(app_db):
    """The preview showed a column "row" and raw field names (code, head_name) on a Chinese page: the
    mapping names each field as the tables head it, the row number as the rejected rows head it."""
    at = logged_in("admin")
    at.switch_page("pages/import_data.py").run()
    upload(at, "hh.csv", csv_bytes(["户编号", "户主姓名", "网格编码"], [["Z1", "甲", F.G111]]))
    mapping, rows = at.dataframe[0].value, at.dataframe[1].value
    assert list(mapping.iloc[:, 1]) == list(column_labels(["code", "head_name", "grid_code"], "zh").values())
    assert not {"code", "head_name", "grid_code"} & set(mapping.iloc[:, 1])
    assert list(rows.columns) == [t("import_page.col.row"), "户编号", "户主姓名", "网格编码"]


# ----------------------------------------------------------------------------- what township offices send

DATA = Path(__file__).resolve().parent / "data"


def test_page_reads_an_xls_upload_previews_it_and_offers_its_sheets(app_db):
    """An .xls (Excel 97–2003, WPS's default) read in the child process: the hidden first sheet passed over,
    every sheet offered, another sheet picked and previewed (tests/data/make_xls.py)."""
    at = logged_in("admin")
    at.switch_page("pages/import_data.py").run()
    upload(at, "台账.xls", (DATA / "households_sheets.xls").read_bytes())
    assert not at.error, [e.value for e in at.error]
    captions = [c.value for c in at.caption]
    assert any(t("import_page.sheet_used", sheet="2026年台账") in c for c in captions), captions
    assert any(t("import_page.header_found", row=2, n=2) in c for c in captions), captions
    assert not any(t("import_page.encoding_used", encoding="xls") in c for c in captions)
    box = [s for s in at.selectbox if s.label == t("import_page.sheet")]
    assert box and box[0].options == ["2025年台账", "2026年台账", "说明"] and box[0].value == "2026年台账"
    rows = at.dataframe[1].value
    assert list(rows.iloc[:, 0]) == [3, 4] and list(rows["户编号"]) == ["X1", "X2"]
    at.button(key="import_page.dry_run").click().run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric][:4] == ["2", "0", "0", "0"]
    box = [s for s in at.selectbox if s.label == t("import_page.sheet")]
    box[0].set_value("2025年台账").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(t("import_page.sheet_used", sheet="2025年台账") in c.value for c in at.caption)
    assert list(at.dataframe[1].value["户编号"]) == ["X0"]


def test_page_reads_unicode_text_without_its_byte_order_mark(app_db):
    """Excel's「Unicode 文本」as some county systems write it, without the BOM (tests/data/make_text.py)."""
    data = (Path(__file__).resolve().parent / "data" / "households_utf16le_no_bom.txt").read_bytes()
    at = logged_in("admin")
    at.switch_page("pages/import_data.py").run()
    upload(at, "户籍.txt", data)
    assert not at.error, [e.value for e in at.error]
    assert any(t("import_page.encoding_used", encoding="utf-16-le") in c.value for c in at.caption)
    assert any(t("import_page.header_found", row=2, n="3") in c.value for c in at.caption)
    assert list(at.dataframe[1].value["户主"])[:2] == ["欧阳修", "𠀋一"]
    at.button(key="import_page.dry_run").click().run()
    assert [m.value for m in at.metric][:4] == ["2", "0", "0", "1"]


def test_page_reads_excels_unicode_text(app_db):
    """Excel's 另存为「Unicode 文本」: UTF-16LE with a byte order mark, tab-separated, uploaded as .txt."""
    text = "\ufeff户编号\t户主\t网格编码\r\nU1\t欧阳修\t" + F.G111 + "\r\n"
    at = logged_in("admin")
    at.switch_page("pages/import_data.py").run()
    upload(at, "户籍.txt", text.encode("utf-16-le"))
    assert not at.error, [e.value for e in at.error]
    assert any(t("import_page.encoding_used", encoding="utf-16") in c.value for c in at.caption)
    assert list(at.dataframe[1].value["户主"]) == ["欧阳修"]
    at.button(key="import_page.dry_run").click().run()
    assert [m.value for m in at.metric][:4] == ["1", "0", "0", "0"]
