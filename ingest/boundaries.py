"""Importing boundary files: GeoJSON, Shapefile (plain or zipped), GeoPackage, in any CRS and encoding.

Everything is stored in WGS-84. GCJ-02/BD-09 (``coords``) are converted after the CRS transform.
Re-importing a level replaces it; children are re-parented and households re-assigned.
"""
from __future__ import annotations

import codecs
import datetime as dt
import shutil
import struct
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import areas as A
from gis.datum import geoseries_to_wgs84
from store import db

from .errors import ImportFailed, RowError
from .spec import BOUNDARY_CODE, BOUNDARY_NAME, BOUNDARY_PARENT, LEVELS, child_level, parent_level

VECTOR_SUFFIXES = (".geojson", ".json", ".shp", ".zip", ".gpkg")
ZIP_MAX_FILES = 200
ZIP_MAX_BYTES = 1 << 30            # 1 GiB unpacked
ZIP_MAX_RATIO = 200                # a zip bomb packs far tighter than any boundary file


@dataclass
class BoundaryResult:
    level: str
    source: str
    imported: int = 0
    replaced: int = 0
    rejected: int = 0
    repaired: list[str] = field(default_factory=list)
    overlaps: list[tuple[str, str, float]] = field(default_factory=list)
    gaps: list[tuple[str, float]] = field(default_factory=list)
    parents_derived: int = 0
    orphans: list[str] = field(default_factory=list)
    households_moved: int = 0
    households_unassigned: int = 0
    errors: list[RowError] = field(default_factory=list)
    crs: str = ""
    encoding: str = ""

    def summary(self) -> str:
        s = (f"{self.source}: {self.level} imported {self.imported}, updated {self.replaced}, skipped 0, "
             f"rejected {self.rejected}")
        if self.level == "grid":
            s += f", households moved {self.households_moved}, unassigned {self.households_unassigned}"
        return s

    def notes(self) -> list[str]:
        """Warnings worth a person's attention (repairs, overlaps, gaps, orphans)."""
        out = []
        if self.repaired:
            out.append(f"修复了 {len(self.repaired)} 个无效多边形：{'、'.join(self.repaired[:10])}"
                       f" / repaired {len(self.repaired)} invalid polygons")
        if self.parents_derived:
            out.append(f"{self.parents_derived} 个区域的上级按空间位置确定 / parents derived spatially")
        for a, b, m2 in self.overlaps[:20]:
            out.append(f"重叠 overlap: {a} 与 {b} 重叠 {m2:,.0f} m²")
        if len(self.overlaps) > 20:
            out.append(f"…另有 {len(self.overlaps) - 20} 处重叠 / more overlaps")
        for parent, m2 in self.gaps[:20]:
            out.append(f"空隙 gap: {parent} 内有 {m2:,.0f} m² 未被下级区域覆盖")
        if self.orphans:
            out.append(f"{len(self.orphans)} 个区域找不到上级：{'、'.join(self.orphans[:10])} / no parent found")
        return out


# ----------------------------------------------------------------------------- reading files

def _safe_extract(path: Path, into: Path) -> None:
    """Unpack a zip refusing path traversal, links, too many files and zip bombs."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise ImportFailed(f"{path.name}: 不是有效的 zip 文件 / not a valid zip file") from e
    with zf:
        infos = zf.infolist()
        if len(infos) > ZIP_MAX_FILES:
            raise ImportFailed(f"{path.name}: zip 中文件过多（{len(infos)} 个）/ too many files in the zip")
        total = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if total > ZIP_MAX_BYTES or total / packed > ZIP_MAX_RATIO and total > 10 << 20:
            raise ImportFailed(f"{path.name}: zip 解压后过大，拒绝处理 / the zip unpacks too large (zip bomb?)")
        root = into.resolve()
        for info in infos:
            name = info.filename
            p = PurePosixPath(name.replace("\\", "/"))
            if p.is_absolute() or ".." in p.parts or (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise ImportFailed(f"{path.name}: zip 中含有不安全的路径 {name} / unsafe path in the zip")
            target = (into / p).resolve()
            if not str(target).startswith(str(root)):
                raise ImportFailed(f"{path.name}: zip 中含有不安全的路径 {name} / unsafe path in the zip")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)


def _find_dataset(folder: Path, source: str) -> Path:
    found = [p for p in sorted(folder.rglob("*"))
             if p.suffix.lower() in (".shp", ".gpkg", ".geojson", ".json") and not p.name.startswith("._")
             and "__MACOSX" not in p.parts]
    if not found:
        raise ImportFailed(f"{source}: zip 中没有 .shp/.gpkg/.geojson 文件 / no boundary file in the zip")
    shp = [p for p in found if p.suffix.lower() == ".shp"]
    return (shp or found)[0]


def detect_dbf_encoding(dbf: Path) -> str:
    """Guess the text encoding of a DBF without .cpg: UTF-8 if its text decodes as UTF-8, else GB18030.

    Field names and character fields are checked; numbers are ASCII and never decide.
    """
    raw = dbf.read_bytes()
    if len(raw) < 32:
        return "UTF-8"
    header_len = struct.unpack("<H", raw[8:10])[0]
    texts = []
    pos = 32
    while pos + 32 <= min(header_len, len(raw)) and raw[pos] != 0x0D:
        texts.append(raw[pos:pos + 11].split(b"\x00", 1)[0])
        pos += 32
    try:
        # a UTF-8 field name cut at 11 bytes may end in half a character: that alone is no evidence
        for name in texts:
            codecs.getincrementaldecoder("utf-8")().decode(name, final=False)
        raw[header_len:].decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        return "GB18030"


def read_vector(path: str | Path, encoding: str | None = None) -> tuple[gpd.GeoDataFrame, str, str]:
    """Read a boundary file into a GeoDataFrame in its own CRS.

    Returns
    -------
    (frame, CRS description, encoding used)
    """
    import pyogrio

    p = Path(path)
    if not p.exists():
        raise ImportFailed(f"{p}: 文件不存在 / file not found")
    suffix = p.suffix.lower()
    if suffix not in VECTOR_SUFFIXES:
        raise ImportFailed(f"{p.name}: 不支持的边界文件类型 {suffix}（GeoJSON、Shapefile、zip、GeoPackage）"
                           " / unsupported boundary file type")
    tmp = None
    try:
        if suffix == ".zip":
            tmp = Path(tempfile.mkdtemp(prefix="lianxin-zip-"))
            _safe_extract(p, tmp)
            p = _find_dataset(tmp, p.name)
            suffix = p.suffix.lower()
        enc = encoding
        if suffix == ".shp" and enc is None:
            cpg = [c for c in (p.with_suffix(".cpg"), p.with_suffix(".CPG")) if c.exists()]
            dbf = [d for d in (p.with_suffix(".dbf"), p.with_suffix(".DBF")) if d.exists()]
            if not cpg and dbf:
                enc = detect_dbf_encoding(dbf[0])
        try:
            kwargs: dict[str, Any] = {"encoding": enc} if enc else {}
            gdf = pyogrio.read_dataframe(p, **kwargs)
        except LookupError as e:
            raise ImportFailed(f"{p.name}: 未知编码 {encoding} / unknown encoding") from e
        except Exception as e:  # GDAL's own errors: unreadable or broken file
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ImportFailed(f"{p.name}: 无法读取边界文件（{first}）/ cannot read the boundary file") from e
        return gdf, (gdf.crs.to_string() if gdf.crs else ""), (enc or "UTF-8")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _pick(columns: list[str], aliases: tuple[str, ...], taken: set[str]) -> str | None:
    norm = {str(c).strip().lower(): c for c in columns}
    for a in aliases:
        c = norm.get(a.lower())
        if c is not None and c not in taken:
            return c
    return None


def _code_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
    return str(v).strip()


def _polygonal(geom: Any) -> Any:
    """The polygonal part of a geometry (after repair), or None."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)):
        return geom
    if isinstance(geom, shapely.GeometryCollection):
        polys = [g for g in geom.geoms if isinstance(g, (shapely.Polygon, shapely.MultiPolygon))]
        if polys:
            return shapely.union_all(polys)
    return None


# ----------------------------------------------------------------------------- the import

def prepare(gdf: gpd.GeoDataFrame, level: str, source: str, coords: str = "wgs84"
            ) -> tuple[gpd.GeoDataFrame, list[RowError], list[str]]:
    """Map attributes, convert to WGS-84, repair geometry and reject bad features.

    Returns (clean frame with code, name, parent_code, geometry; errors; codes repaired).
    """
    if level not in LEVELS:
        raise ImportFailed(f"未知层级 {level}（county、township、village、grid）/ unknown level")
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    code_col = _pick(cols, BOUNDARY_CODE[level], set())
    name_col = _pick(cols, BOUNDARY_NAME[level], {code_col} if code_col else set())
    parent_col = _pick(cols, BOUNDARY_PARENT[level], {c for c in (code_col, name_col) if c})
    if code_col is None:
        raise ImportFailed(f"{source}: 找不到编码字段（{'、'.join(BOUNDARY_CODE[level][1:])}），现有字段："
                           f"{'、'.join(map(str, cols))} / no code attribute")
    if name_col is None:
        raise ImportFailed(f"{source}: 找不到名称字段（{'、'.join(BOUNDARY_NAME[level][1:])}）/ no name attribute")
    if gdf.crs is None:
        b = gdf.total_bounds if len(gdf) else np.array([0, 0, 0, 0])
        if np.all(np.abs(b[[0, 2]]) <= 180) and np.all(np.abs(b[[1, 3]]) <= 90):
            gdf = gdf.set_crs("EPSG:4326")
        else:
            raise ImportFailed(f"{source}: 文件没有坐标系定义（.prj），请补上 .prj 文件 / no CRS (.prj) in the file")
    try:
        geo = gdf.geometry.to_crs("EPSG:4326")
    except Exception as e:
        raise ImportFailed(f"{source}: 无法从坐标系 {gdf.crs} 转换到 WGS-84 / cannot transform the CRS") from e
    geo = geo.force_2d() if hasattr(geo, "force_2d") else geo
    geo = geoseries_to_wgs84(geo, coords)

    errors: list[RowError] = []
    repaired: list[str] = []
    out = []
    seen: dict[str, int] = {}
    for i, (rec, geom) in enumerate(zip(gdf[[c for c in (code_col, name_col, parent_col) if c]]
                                        .itertuples(index=False), geo), start=1):
        code = _code_text(rec[0])
        name = _code_text(rec[1])
        parent = _code_text(rec[2]) if parent_col else ""
        if not code:
            errors.append(RowError(source, i, code_col, "", "编码为空 / code missing"))
            continue
        if not name:
            errors.append(RowError(source, i, name_col, "", "名称为空 / name missing"))
            continue
        if code in seen:
            errors.append(RowError(source, i, code_col, code, f"编码与第 {seen[code]} 个要素重复 / repeats feature {seen[code]}"))
            continue
        seen[code] = i
        if geom is not None and not geom.is_empty and not geom.is_valid:
            geom = shapely.make_valid(geom)
            repaired.append(code)
        geom = _polygonal(geom)
        if geom is None:
            errors.append(RowError(source, i, "geometry", "", "没有有效的面状几何 / no polygon geometry"))
            continue
        out.append({"code": code, "name": name, "parent_code": parent or None, "geometry": geom, "_row": i})
    clean = gpd.GeoDataFrame(out, columns=["code", "name", "parent_code", "geometry", "_row"],
                             geometry="geometry", crs="EPSG:4326")
    return clean, errors, repaired


def import_boundaries(con: duckdb.DuckDBPyConnection, path: str | Path, level: str,
                      coords: str = "wgs84", encoding: str | None = None, strict: bool = False,
                      progress: Callable[[float, str], None] | None = None,
                      frame: gpd.GeoDataFrame | None = None, source: str | None = None,
                      audit: Callable[[duckdb.DuckDBPyConnection, dict], None] | None = None,
                      dry_run: bool = False) -> BoundaryResult:
    """Import one level of boundaries, replacing what was there, in one transaction.

    Parameters
    ----------
    con : the store.
    path : GeoJSON, Shapefile, zipped Shapefile or GeoPackage (ignored when ``frame`` is given).
    level : county, township, village or grid.
    coords : what the file's lon/lat are after CRS transform: wgs84, gcj02 or bd09.
    encoding : the DBF text encoding; detected when not given.
    strict : write nothing when any feature is bad.
    frame : an already-read GeoDataFrame (the demo builder and tests).
    dry_run : do everything inside the transaction, then roll it back: the counts, repairs,
        overlaps, gaps and households moved are those a real import would give; nothing is written.

    Returns
    -------
    BoundaryResult with counts, repairs, overlaps and gaps.
    """
    def step(f: float, msg: str) -> None:
        if progress:
            progress(f, msg)

    step(0.05, "读取边界文件")
    if frame is None:
        gdf, crs, enc = read_vector(path, encoding)
        source = Path(path).name
    else:
        gdf, crs, enc = frame, (frame.crs.to_string() if frame.crs else ""), "UTF-8"
        source = source or "frame"
    clean, errors, repaired = prepare(gdf, level, source, coords)
    res = BoundaryResult(level=level, source=source, errors=errors, repaired=repaired, crs=crs, encoding=enc,
                         rejected=len({e.row for e in errors}))
    if clean.empty or (strict and errors):
        return res

    # codes already used by another level cannot be reused
    clash = db.df(con, "areas_codes_other_levels", level=level, codes=clean["code"].tolist())
    if len(clash):
        bad = dict(zip(clash["code"], clash["level"]))
        for code, row in zip(clean["code"], clean["_row"]):
            if code in bad:
                res.errors.append(RowError(source, int(row), "code", code,
                                           f"编码已被{bad[code]}级区域使用 / code already used at level {bad[code]}"))
        clean = clean[~clean["code"].isin(bad)]
        res.rejected = len({e.row for e in res.errors})
        if strict or clean.empty:
            return res

    step(0.3, "计算面积和上级区域")
    metric = A.metric_crs(clean)
    areas_m2 = clean.to_crs(metric).area.to_numpy()
    bounds = shapely.bounds(clean.geometry.to_numpy())
    incoming = pd.DataFrame({
        "code": clean["code"].to_numpy(), "name": clean["name"].to_numpy(),
        "parent_code": clean["parent_code"].to_numpy(), "parent_derived": False,
        "geom": shapely.to_wkb(clean.geometry.to_numpy()),
        "minx": bounds[:, 0], "miny": bounds[:, 1], "maxx": bounds[:, 2], "maxy": bounds[:, 3],
        "area_m2": areas_m2,
    })
    before = {r[0] for r in db.rows(con, "areas_of_level", level=level)}
    res.replaced = len(before & set(incoming["code"]))
    res.imported = len(incoming) - res.replaced

    step(0.5, "写入数据库")
    try:
        with db.transaction(con):
            db.execute(con, "areas_delete_level", level=level)
            con.register("incoming_areas", incoming)
            try:
                db.execute(con, "areas_insert", level=level)
            finally:
                con.unregister("incoming_areas")
            res.parents_derived, res.orphans = _derive_parents(con, level)
            below = child_level(level)
            if below:
                _derive_parents(con, below)
            db.execute(con, "ancestors_rebuild")
            step(0.7, "计算相邻关系")
            _rebuild_neighbors(con, level)
            step(0.8, "重新分配住户到网格")
            moved, unassigned = reassign_points(con)
            if level == "grid":
                res.households_moved, res.households_unassigned = moved, unassigned
            step(0.9, "检查重叠和空隙")
            _siblings_report(con, level, clean, res)       # read inside: a dry run sees the new level
            if dry_run:
                raise _DryRun()
            if audit:
                audit(con, {"level": level, "imported": res.imported, "updated": res.replaced,
                            "rejected": res.rejected, "households_moved": moved})
    except _DryRun:
        pass
    step(1.0, "完成")
    return res


class _DryRun(Exception):
    """Rolls the boundary transaction back after everything was computed."""


def _derive_parents(con: duckdb.DuckDBPyConnection, level: str) -> tuple[int, list[str]]:
    """Give every area of ``level`` lacking a (valid) parent the parent holding most of it."""
    up = parent_level(level)
    if up is None:
        return 0, []
    need = db.df(con, "areas_needing_parent", level=level, parent_level=up)
    if need.empty:
        return 0, []
    parents = A.load_level(con, up)
    if parents.empty:
        return 0, []
    children = gpd.GeoDataFrame({"code": need["code"]}, geometry=A.from_wkb(need["geom"]),
                                crs="EPSG:4326")
    found = A.largest_overlap_parent(children, parents)
    assign = pd.DataFrame({"code": need["code"].to_numpy(), "parent_code": found})
    orphans = assign.loc[assign["parent_code"].isna(), "code"].tolist()
    assign = assign.dropna()
    con.register("incoming_parents", assign)
    try:
        db.execute(con, "areas_set_parent")
    finally:
        con.unregister("incoming_parents")
    return len(assign), orphans


def _rebuild_neighbors(con: duckdb.DuckDBPyConnection, level: str) -> None:
    gdf = A.load_level(con, level)
    pairs = A.queen_pairs(gdf)
    db.execute(con, "neighbors_delete_level", level=level)
    con.register("incoming_neighbors", pairs)
    try:
        db.execute(con, "neighbors_insert")
    finally:
        con.unregister("incoming_neighbors")


def reassign_points(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Put households (whose grid is not given) and petition points into the areas holding them.

    Returns (households whose grid changed, households now unassigned).
    """
    grids = A.load_level(con, "grid")
    villages = A.load_level(con, "village")
    hh = db.df(con, "households_to_reassign")
    moved = unassigned = 0
    if len(hh):
        new = A.locate_points(hh["lon"].to_numpy(), hh["lat"].to_numpy(), grids)
        old = hh["grid_code"].to_numpy()
        changed = np.array([a != b for a, b in zip(old, new)], dtype=bool)
        moved = int(sum(1 for a, b, c in zip(old, new, changed) if c and a is not None and not pd.isna(a)))
        unassigned = int(sum(1 for v in new if v is None))
        assign = pd.DataFrame({"code": hh["code"].to_numpy()[changed], "grid_code": new[changed]})
        if len(assign):
            con.register("incoming_assign", assign)
            try:
                # the grid changes are kept (store/migrations/0009)
                db.execute(con, "household_changes_from_assign", today=dt.date.today(), actor=None)
                db.execute(con, "households_set_grid")
            finally:
                con.unregister("incoming_assign")
    pts = db.df(con, "petitions_with_points")
    if len(pts):
        lon, lat = pts["lon"].to_numpy(), pts["lat"].to_numpy()
        assign = pd.DataFrame({"id": pts["id"].to_numpy(),
                               "point_village_code": A.locate_points(lon, lat, villages),
                               "point_grid_code": A.locate_points(lon, lat, grids)})
        con.register("incoming_assign", assign)
        try:
            db.execute(con, "petitions_set_points")
        finally:
            con.unregister("incoming_assign")
    return moved, unassigned


def _siblings_report(con: duckdb.DuckDBPyConnection, level: str, clean: gpd.GeoDataFrame,
                     res: BoundaryResult) -> None:
    """Overlaps between siblings and gaps they leave in their parent, in m²."""
    stored = A.load_level(con, level)
    if stored.empty:
        return
    crs = A.metric_crs(stored)           # measured in metres, intersected in lon/lat (straight edges)
    up = parent_level(level)
    parents = A.load_level(con, up) if up else None
    parent_geom = dict(zip(parents["code"], parents.geometry)) if parents is not None else {}
    for parent_code, kids in stored.groupby(stored["parent_code"].fillna(""), sort=True):
        pgeom = parent_geom.get(parent_code)
        ov, gap = A.overlaps_and_gaps(kids, pgeom, metric=crs)
        res.overlaps.extend(ov)
        if gap > 0 and pgeom is not None:
            res.gaps.append((parent_code, gap))
