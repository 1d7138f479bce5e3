"""Boundary imports (CONTRACT.md §2): Shapefile (GBK, no .cpg, Gauss-Krüger), zip, GeoPackage, GeoJSON
in GCJ-02/BD-09, repairs, spatial parents, overlaps and gaps, re-assignment of households.

Every fixture file is written here, in tmp_path.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gis import areas as A
from gis.datum import transform_geometry, wgs84_to_bd09, wgs84_to_gcj02
from ingest.boundaries import ZIP_MAX_RATIO, detect_dbf_encoding, import_boundaries, read_vector
from i18n import Message, t
from ingest.errors import ImportFailed
from tests.factories import AREAS, G111, G112, G121, G211, G212, V11, V12

GRIDS = AREAS["grid"]  # (code, name, parent, box) of the tiny world


def grid_frame(
    rows=GRIDS, names: dict[str, str] | None = None, parent: bool = True, fields=("网格编码", "网格名称", "所属村编码")
) -> gpd.GeoDataFrame:
    """The tiny world's grids (or ``rows``) with Chinese field names, in WGS-84."""
    names = names or {}
    data = {fields[0]: [r[0] for r in rows], fields[1]: [names.get(r[0], r[1]) for r in rows]}
    if parent:
        data[fields[2]] = [r[2] for r in rows]
    geoms = [r[3] if not isinstance(r[3], tuple) else shapely.box(*r[3]) for r in rows]
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:4326")


def write_gbk_shapefile(gdf: gpd.GeoDataFrame, folder: Path, stem: str = "网格") -> Path:
    """A Shapefile as a Chinese GIS office sends it: GBK text, no .cpg, language driver byte 0."""
    folder.mkdir(parents=True, exist_ok=True)
    shp = folder / f"{stem}.shp"
    gdf.to_file(shp, encoding="GBK")
    for cpg in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")):
        cpg.unlink(missing_ok=True)
    dbf = shp.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[29] = 0
    dbf.write_bytes(bytes(raw))
    return shp


def stored(con, level: str) -> gpd.GeoDataFrame:
    return A.load_level(con, level)


def hausdorff_m(a, b) -> float:
    """Hausdorff distance between two WGS-84 geometries, in metres."""
    # densify first: a straight edge in lon/lat is slightly curved in metres
    s = gpd.GeoSeries([shapely.segmentize(a, 0.001), shapely.segmentize(b, 0.001)], crs="EPSG:4326")
    s = s.to_crs(s.estimate_utm_crs())
    return float(s.iloc[0].hausdorff_distance(s.iloc[1]))


NAMES = {G111: "连心一网格", G112: "连心二网格", G121: "乙村网格", G211: "丙村西网格", G212: "丙村东网格"}


# ----------------------------------------------------------------------------- Shapefile, GBK, EPSG:4545


@pytest.fixture()
def gbk_shp(tmp_path):
    gdf = grid_frame(names=NAMES).to_crs("EPSG:4545")  # CGCS2000 / 3-degree Gauss-Kruger CM 108E
    shp = write_gbk_shapefile(gdf, tmp_path / "shp")
    assert not shp.with_suffix(".cpg").exists()
    assert shp.with_suffix(".dbf").read_bytes()[29] == 0
    assert "网格编码".encode("gbk") in shp.with_suffix(".dbf").read_bytes()
    return shp


def _check_grids(con, res):
    got = stored(con, "grid").set_index("code")
    assert sorted(got.index) == sorted(NAMES)
    assert dict(got["name"]) == NAMES  # no mojibake
    for code, _, parent, box in GRIDS:
        assert got.loc[code, "parent_code"] == parent
        assert hausdorff_m(got.loc[code].geometry, shapely.box(*box)) < 1.0
    assert res.replaced == 5 and res.imported == 0 and res.rejected == 0


def test_gbk_shapefile_without_cpg_in_gauss_kruger(tiny, gbk_shp):
    con, _ = tiny
    assert detect_dbf_encoding(gbk_shp.with_suffix(".dbf")) in ("GB18030", "GBK")
    res = import_boundaries(con, gbk_shp, "grid")
    assert "4545" in res.crs
    _check_grids(con, res)


@pytest.mark.parametrize("encoding", ["GBK", "gb18030", "cp936"])
def test_encoding_override(tiny, gbk_shp, encoding):
    con, _ = tiny
    res = import_boundaries(con, gbk_shp, "grid", encoding=encoding)
    assert res.encoding == encoding
    _check_grids(con, res)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_utf8_dbf_detected(tmp_path):
    shp = tmp_path / "u.shp"
    grid_frame(names=NAMES).to_file(shp, encoding="UTF-8")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    # GDAL cuts the UTF-8 field names at 10 bytes, in the middle of a character
    assert detect_dbf_encoding(shp.with_suffix(".dbf")) == "UTF-8"
    shp2 = tmp_path / "u2.shp"
    grid_frame(names=NAMES, fields=("code", "name", "parent")).to_file(shp2, encoding="UTF-8")
    shp2.with_suffix(".cpg").unlink(missing_ok=True)
    gdf, _, enc = read_vector(shp2)
    assert enc == "UTF-8" and sorted(gdf["name"]) == sorted(NAMES.values())


def test_unknown_encoding_is_a_sentence(tiny, gbk_shp):
    con, _ = tiny
    with pytest.raises(ImportFailed):
        import_boundaries(con, gbk_shp, "grid", encoding="no-such-encoding")


def _zip(folder: Path, out: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, prefix + p.name)
    return out


@pytest.mark.parametrize("prefix", ["", "边界数据/网格/"])
def test_zipped_shapefile_gives_the_same_areas(tiny, gbk_shp, tmp_path, prefix):
    con, _ = tiny
    z = _zip(gbk_shp.parent, tmp_path / "grids.zip", prefix)
    res = import_boundaries(con, z, "grid")
    _check_grids(con, res)


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil.txt", "/tmp/evil.txt", "..\\evil.txt"])
def test_zip_with_unsafe_path_refused(tiny, gbk_shp, tmp_path, name):
    con, _ = tiny
    z = _zip(gbk_shp.parent, tmp_path / "grids.zip")
    with zipfile.ZipFile(z, "a") as zf:
        zf.writestr(zipfile.ZipInfo(name), b"owned")
    before = stored(con, "grid")
    with pytest.raises(ImportFailed) as e:
        import_boundaries(con, z, "grid")
    assert e.value.key == "ingest.error.zip_path" and e.value.params == {"name": name}
    assert str(e.value) == Message("ingest.error.zip_path", at="grids.zip: ", name=name) and "\n" not in str(e.value)
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()
    assert stored(con, "grid").equals(before)


def test_zip_bomb_refused(tiny, tmp_path):
    con, _ = tiny
    z = tmp_path / "bomb.zip"
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("zeros.shp", "w") as f:
            for _ in range(200):  # 200 MB of zeros, about 200 kB packed
                f.write(chunk)
    assert z.stat().st_size * ZIP_MAX_RATIO < 200 << 20
    with pytest.raises(ImportFailed) as e:
        import_boundaries(con, z, "grid")
    assert e.value.key in ("ingest.error.zip_inflates", "ingest.error.zip_ratio")


def test_not_a_zip_and_empty_zip(tiny, tmp_path):
    con, _ = tiny
    (tmp_path / "bad.zip").write_bytes(b"nope")
    with pytest.raises(ImportFailed) as e:
        import_boundaries(con, tmp_path / "bad.zip", "grid")
    assert e.value.key == "ingest.error.bad_zip"
    with zipfile.ZipFile(tmp_path / "empty.zip", "w") as zf:
        zf.writestr("readme.txt", "no shapes here")
    with pytest.raises(ImportFailed) as e:
        import_boundaries(con, tmp_path / "empty.zip", "grid")
    assert e.value.key == "ingest.error.zip_empty"


# ----------------------------------------------------------------------------- other formats and datums


def test_geopackage_in_cgcs2000_geographic(tiny, tmp_path):
    con, _ = tiny
    gdf = grid_frame(names=NAMES).set_crs("EPSG:4490", allow_override=True)
    path = tmp_path / "grids.gpkg"
    gdf.to_file(path, driver="GPKG")
    res = import_boundaries(con, path, "grid")
    assert "4490" in res.crs
    _check_grids(con, res)


@pytest.mark.parametrize("coords,func", [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_geojson_in_gcj02_and_bd09(tiny, tmp_path, coords, func):
    con, _ = tiny
    gdf = grid_frame(names=NAMES)
    gdf["geometry"] = [transform_geometry(shapely.segmentize(g, 0.01), func) for g in gdf.geometry]
    path = tmp_path / f"grids-{coords}.geojson"
    gdf.to_file(path, driver="GeoJSON")
    # without conversion the boundaries are hundreds of metres off
    raw = read_vector(path)[0]
    assert hausdorff_m(raw.geometry.iloc[0], shapely.box(*GRIDS[0][3])) > 100
    res = import_boundaries(con, path, "grid", coords=coords)
    _check_grids(con, res)


def test_missing_file_and_unsupported_type(tiny, tmp_path):
    con, _ = tiny
    for name, key in [
        ("nope.shp", "ingest.error.no_file"),
        ("x.kml", "ingest.error.boundary_type"),
        ("broken.geojson", "ingest.error.boundary_unreadable"),
    ]:
        if name != "nope.shp":
            (tmp_path / name).write_text("<kml/>" if name == "x.kml" else "{not json")
        with pytest.raises(ImportFailed) as e:
            import_boundaries(con, tmp_path / name, "grid")
        assert e.value.key == key, name


def test_no_code_attribute_is_a_sentence(tiny, tmp_path):
    con, _ = tiny
    gdf = grid_frame(fields=("编号x", "网格名称", "所属村编码"))
    path = tmp_path / "g.geojson"
    gdf.to_file(path, driver="GeoJSON")
    with pytest.raises(ImportFailed) as e:
        import_boundaries(con, path, "grid")
    assert e.value.key == "ingest.error.no_code_field"


# ----------------------------------------------------------------------------- geometry rules


def test_bow_tie_repaired_and_reported(tiny, tmp_path):
    con, _ = tiny
    x0, y0, x1, y1 = GRIDS[4][3]
    bow = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    assert not bow.is_valid
    rows = GRIDS[:4] + [(G212, "领结网格", GRIDS[4][2], bow)]
    path = tmp_path / "g.geojson"
    grid_frame(rows).to_file(path, driver="GeoJSON")
    res = import_boundaries(con, path, "grid")
    assert res.repaired == [G212] and res.rejected == 0
    assert res.notes()[0] == Message("ingest.note.repaired", n=1, codes=G212)  # then a gap it leaves
    g = stored(con, "grid").set_index("code").loc[G212].geometry
    assert g.is_valid and abs(g.area - bow.buffer(0).area) < 1e-9 or g.area > 0


def test_parent_derived_spatially_when_missing(tiny, tmp_path):
    con, _ = tiny
    path = tmp_path / "g.geojson"
    grid_frame(parent=False).to_file(path, driver="GeoJSON")
    res = import_boundaries(con, path, "grid")
    assert res.parents_derived == 5 and res.orphans == []
    got = dict(zip(*stored(con, "grid")[["code", "parent_code"]].to_numpy().T))
    assert got == {r[0]: r[2] for r in GRIDS}
    assert Message("ingest.note.parents_derived", n=5) in res.notes()
    assert [n.text("en") for n in res.notes()] == [t("ingest.note.parents_derived", "en", n=5)]


def test_overlaps_and_gaps_reported_in_m2(tiny, tmp_path):
    con, _ = tiny
    # in V11 (107.0–107.1 × 30.0–30.2): W01 grows north to 30.12 (overlap 0.02° of latitude with W02)
    # and W02 shrinks west to start at 107.05 (a gap 0.05° × 0.08° left uncovered)
    rows = [(G111, "一", V11, (107.0, 30.0, 107.1, 30.12)), (G112, "二", V11, (107.05, 30.1, 107.1, 30.2))] + GRIDS[2:]
    path = tmp_path / "g.geojson"
    grid_frame(rows).to_file(path, driver="GeoJSON")
    res = import_boundaries(con, path, "grid")
    expect_overlap = gpd.GeoSeries([shapely.box(107.05, 30.1, 107.1, 30.12)], crs=4326)
    expect_overlap = float(expect_overlap.to_crs(expect_overlap.estimate_utm_crs()).area.iloc[0])
    expect_gap = gpd.GeoSeries([shapely.box(107.0, 30.12, 107.05, 30.2)], crs=4326)
    expect_gap = float(expect_gap.to_crs(expect_gap.estimate_utm_crs()).area.iloc[0])
    assert [(a, b) for a, b, _ in res.overlaps] == [(G111, G112)]
    assert res.overlaps[0][2] == pytest.approx(expect_overlap, rel=0.01)
    assert [p for p, _ in res.gaps] == [V11]
    assert res.gaps[0][1] == pytest.approx(expect_gap, rel=0.01)
    assert [(n.key, n.params) for n in res.notes()] == [
        ("ingest.note.overlap", {"a": G111, "b": G112, "m2": res.overlaps[0][2]}),
        ("ingest.note.gap", {"parent": V11, "m2": res.gaps[0][1]}),
    ]
    assert expect_overlap > 1_000_000  # the numbers are real areas, not degrees


def test_reimporting_grids_reassigns_households(tiny, tmp_path):
    con, _ = tiny
    # the line between W01 and W02 of 甲村 moves south from 30.10 to 30.055: H02 (30.06) and the
    # moved-out H03 (30.07) now lie in W02; H01 (30.05) stays
    rows = [(G111, "一", V11, (107.0, 30.0, 107.1, 30.055)), (G112, "二", V11, (107.0, 30.055, 107.1, 30.2))] + GRIDS[
        2:
    ]
    path = tmp_path / "g.geojson"
    grid_frame(rows).to_file(path, driver="GeoJSON")
    res = import_boundaries(con, path, "grid")
    assert res.households_moved == 2
    assert res.households_unassigned == 1  # H10 stays outside the county
    assert "households moved 2" in res.summary()
    got = dict(con.execute("SELECT code, grid_code FROM households").fetchall())
    assert (got["H01"], got["H02"], got["H03"], got["H04"]) == (G111, G112, G112, G112)
    assert got["H10"] is None


def test_dry_run_computes_everything_and_writes_nothing(tiny, tmp_path):
    con, _ = tiny
    before_areas = stored(con, "grid")
    before_hh = con.execute("SELECT code, grid_code FROM households ORDER BY code").fetchall()
    # W01/W02 overlap between 30.050 and 30.055; H02 (30.06) and H03 (30.07) move to W02
    rows = [(G111, "一", V11, (107.0, 30.0, 107.1, 30.055)), (G112, "二", V11, (107.0, 30.05, 107.1, 30.2))] + GRIDS[2:]
    path = tmp_path / "g.geojson"
    grid_frame(rows).to_file(path, driver="GeoJSON")
    audited = []
    res = import_boundaries(con, path, "grid", dry_run=True, audit=lambda c, counts: audited.append(counts))
    assert res.replaced == 5 and res.households_moved == 2 and res.overlaps and res.overlaps[0][:2] == (G111, G112)
    assert audited == []
    assert stored(con, "grid").equals(before_areas)
    assert con.execute("SELECT code, grid_code FROM households ORDER BY code").fetchall() == before_hh


def test_strict_with_a_bad_feature_writes_nothing(tiny, tmp_path):
    con, _ = tiny
    before = stored(con, "grid")
    rows = GRIDS[:4] + [("", "无编码", V12, GRIDS[4][3])]
    path = tmp_path / "g.geojson"
    grid_frame(rows).to_file(path, driver="GeoJSON")
    res = import_boundaries(con, path, "grid", strict=True)
    assert res.rejected == 1 and res.errors[0].row == 5
    assert stored(con, "grid").equals(before)


def test_import_is_audited_inside_the_transaction(tiny, gbk_shp):
    con, _ = tiny
    from auth import audit

    n0 = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    import_boundaries(con, gbk_shp, "grid", audit=lambda c, counts: audit.record(c, "admin", "import", counts=counts))
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == n0 + 1


def test_a_boundary_import_that_lost_a_race_is_written_again_whole(tiny, tmp_path):
    """On PostgreSQL a household import moving the same households at once can make the boundary import
    lose a deadlock (the server rolls it back). It is then written again whole: the areas, the overlaps
    and the gaps are those of one import, not of two, and one audit entry is written."""
    from store import db
    from tests.factories import lost_race

    con, _ = tiny
    audits = []

    def audit(c, entry):  # the last step of the transaction: the first attempt loses there
        audits.append(entry)
        if len(audits) == 1:
            raise lost_race()

    rows = [(G111, "一", V11, (107.0, 30.0, 107.1, 30.12)), (G112, "二", V11, (107.05, 30.1, 107.1, 30.2))] + GRIDS[2:]
    path = tmp_path / "g.geojson"
    grid_frame(rows).to_file(path, driver="GeoJSON")
    res = import_boundaries(con, path, "grid", audit=audit)
    assert len(audits) == 2  # the first attempt did lose, the second was written
    assert [(a, b) for a, b, _ in res.overlaps] == [(G111, G112)]
    assert [p for p, _ in res.gaps] == [V11]
    assert (res.imported, res.replaced) == (0, len(GRIDS))
    assert len(db.rows(con, "areas_of_level", level="grid")) == len(GRIDS)


# ----------------------------------------------------------------------------- names cut by a DBF's field width


def narrow_dbf(shp: Path, frame: gpd.GeoDataFrame, widths: dict[str, int], codec: str = "gbk") -> None:
    """Write ``shp``'s .dbf again by hand, each text field ``widths[name]`` bytes wide, every value cut
    there as a GIS program writing the file does (the byte width, even inside a character)."""
    import struct

    fields = [c for c in frame.columns if c != frame.geometry.name]
    record_len = 1 + sum(widths[f] for f in fields)
    header_len = 32 + 32 * len(fields) + 1
    out = bytearray(struct.pack("<BBBBIHH20x", 3, 126, 12, 2, len(frame), header_len, record_len))
    for f in fields:
        out += f.encode(codec).ljust(11, b"\x00") + b"C" + bytes(4) + bytes([widths[f], 0]) + bytes(14)
    out += b"\x0d"
    for _, row in frame.iterrows():
        out += b" " + b"".join(str(row[f]).encode(codec)[: widths[f]].ljust(widths[f], b" ") for f in fields)
    out += b"\x1a"
    shp.with_suffix(".dbf").write_bytes(bytes(out))


def test_names_that_fill_their_dbf_field_are_named_as_maybe_cut(tiny, tmp_path):
    """A name longer than its DBF field is stored cut (what GDAL reads: 连心一网格 in 9 bytes of GBK keeps
    连心一网 and half of 格, 城南第1网格 exactly 城南第1网); the import names the names that fill their field
    to the last byte or end inside a character, with the field's width, and no other."""
    con, _ = tiny
    names = {G111: "连心一网格", G112: "城南第1网格", G121: "乙村网格", G211: "丙村", G212: "丙村东"}
    frame = grid_frame(names=names)
    shp = write_gbk_shapefile(frame, tmp_path / "shp")
    narrow_dbf(shp, frame, {"网格编码": 16, "网格名称": 9, "所属村编码": 12})
    res = import_boundaries(con, shp, "grid")
    got = stored(con, "grid").set_index("code")["name"]
    assert got[G111] == "连心一网" and got[G112] == "城南第1网" and got[G121] == "乙村网格"
    assert (res.names_full, res.name_width) == ([G111, G112], 9)
    assert Message("ingest.note.names_full", n=2, width=9, codes=f"{G111}、{G112}") in res.notes()


def test_a_dbf_whose_names_fit_their_field_gives_no_such_note(tiny, tmp_path):
    con, _ = tiny
    frame = grid_frame(names=NAMES)
    shp = write_gbk_shapefile(frame, tmp_path / "shp")
    narrow_dbf(shp, frame, {"网格编码": 16, "网格名称": 14, "所属村编码": 12})
    res = import_boundaries(con, shp, "grid")
    assert dict(stored(con, "grid").set_index("code")["name"]) == NAMES
    assert res.names_full == [] and not [n for n in res.notes() if "names_full" in getattr(n, "key", "")]
