"""Importing boundary files: GeoJSON, Shapefile (plain or zipped), GeoPackage, in any CRS and encoding.

Everything is stored in WGS-84. GCJ-02/BD-09 (``coords``) are converted after the CRS transform.
Re-importing a level replaces it; children are re-parented and households re-assigned.
"""

from __future__ import annotations

import codecs
import shutil
import struct
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analytics.grids import today as today_in_shanghai
from gis import areas as A
from i18n import Message, message_of
from gis.datum import geoseries_to_wgs84, to_wgs84
from store import db

from . import crs_check
from .errors import ImportFailed, RowError
from .limits import MAX_ZIP_RATIO, check_zip
from .normalize import check_key, clean_text, control_characters, normalize_value
from .spec import BOUNDARY_CODE, BOUNDARY_NAME, BOUNDARY_PARENT, LEVELS, child_level, parent_level

VECTOR_SUFFIXES = (".geojson", ".json", ".shp", ".zip", ".gpkg")
ZIP_MAX_FILES = 200
ZIP_MAX_RATIO = MAX_ZIP_RATIO  # a zip bomb packs far tighter than any boundary file (ingest/limits.py)


@dataclass
class BoundaryResult:
    """What importing (or dry-running) one level of boundaries did.

    Attributes
    ----------
    level : str
        The area level (vocabulary/areas.py).
    source : str
        The file name shown in messages.
    imported, replaced, rejected : int
        Areas new to the level, areas that replaced a stored one with the same code, features
        rejected with a sentence.
    repaired : list of str
        Codes whose invalid geometry was repaired (shapely.make_valid).
    overlaps : list of (str, str, float)
        Sibling pairs that overlap, with the overlap in m².
    gaps : list of (str, float)
        Parents their children leave partly uncovered, with the gap in m².
    parents_derived : int
        Areas given the parent holding most of them.
    orphans : list of str
        Areas no parent holds.
    households_moved, households_unassigned : int
        Grids only: households whose grid changed, households now in no grid.
    errors : list of RowError
        The rejected features' sentences.
    crs, encoding : str
        The file's CRS and attribute encoding.
    encoding_note : str
        Set when the .cpg declared another encoding than the text has.
    """

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
    encoding_note: str = ""  # the .cpg declared another encoding than the text has
    names_full: list[str] = field(default_factory=list)  # codes whose name fills its DBF field: maybe cut
    name_width: int = 0  # that field's width in bytes

    def summary(self) -> str:
        """One line: the file, the level, imported, updated, skipped, rejected (grids: households moved).

        Returns
        -------
        str
            E.g. ``grids.geojson: grid imported 4, updated 0, skipped 0, rejected 0, households moved 0,
            unassigned 2``.
        """
        s = (
            f"{self.source}: {self.level} imported {self.imported}, updated {self.replaced}, skipped 0, "
            f"rejected {self.rejected}"
        )
        if self.level == "grid":
            s += f", households moved {self.households_moved}, unassigned {self.households_unassigned}"
        return s

    def notes(self) -> list[str]:
        """Warnings worth a person's attention (repairs, overlaps, gaps, orphans).

        Returns
        -------
        list of i18n.Message (each a ``str``, the command line's sentence; ``.text(lang)`` for a page)
        """
        out = [self.encoding_note] if self.encoding_note else []
        if self.repaired:
            out.append(Message("ingest.note.repaired", n=len(self.repaired), codes="、".join(self.repaired[:10])))
        if self.parents_derived:
            out.append(Message("ingest.note.parents_derived", n=self.parents_derived))
        for a, b, m2 in self.overlaps[:20]:
            out.append(Message("ingest.note.overlap", a=a, b=b, m2=m2))
        if len(self.overlaps) > 20:
            out.append(Message("ingest.note.more_overlaps", n=len(self.overlaps) - 20))
        for parent, m2 in self.gaps[:20]:
            out.append(Message("ingest.note.gap", parent=parent, m2=m2))
        if self.orphans:
            out.append(Message("ingest.note.orphans", n=len(self.orphans), codes="、".join(self.orphans[:10])))
        if self.names_full:
            codes = "、".join(self.names_full[:10])
            out.append(Message("ingest.note.names_full", n=len(self.names_full), width=self.name_width, codes=codes))
        return out


# ----------------------------------------------------------------------------- reading files


def _safe_extract(path: Path, into: Path) -> None:
    """Unpack a zip refusing path traversal, links, too many files and zip bombs.

    Parameters
    ----------
    path : pathlib.Path
        The zip file.
    into : pathlib.Path
        The folder to unpack into.

    Raises
    ------
    ImportFailed
        When the file is no zip, holds more than :data:`ZIP_MAX_FILES` members, inflates like a
        bomb (ingest.limits.check_zip) or names a path outside ``into`` or a symbolic link.
    """
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise ImportFailed(key="ingest.error.bad_zip", at=f"{path.name}: ") from e
    with zf:
        infos = zf.infolist()
        if len(infos) > ZIP_MAX_FILES:
            raise ImportFailed(key="ingest.error.zip_files", at=f"{path.name}: ", n=len(infos))
        check_zip(path)  # inflated for real, not as the zip declares
        root = into.resolve()
        for info in infos:
            name = info.filename
            p = PurePosixPath(name.replace("\\", "/"))
            if p.is_absolute() or ".." in p.parts or (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise ImportFailed(key="ingest.error.zip_path", at=f"{path.name}: ", name=name)
            target = (into / p).resolve()
            if not str(target).startswith(str(root)):
                raise ImportFailed(key="ingest.error.zip_path", at=f"{path.name}: ", name=name)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)


def _find_dataset(folder: Path, source: str) -> Path:
    found = [
        p
        for p in sorted(folder.rglob("*"))
        if p.suffix.lower() in (".shp", ".gpkg", ".geojson", ".json")
        and not p.name.startswith("._")
        and "__MACOSX" not in p.parts
    ]
    if not found:
        raise ImportFailed(key="ingest.error.zip_empty", at=f"{source}: ")
    shp = [p for p in found if p.suffix.lower() == ".shp"]
    return (shp or found)[0]


@dataclass(frozen=True)
class _DbfValues:
    """A DBF's records (``blob``: everything after the header) and, when their layout is known, each value."""

    blob: bytes
    widths: tuple[int, ...] = ()
    record_len: int = 0
    kinds: tuple[bytes, ...] = ()  # each field's type (b"C": text, b"N": number …), with ``widths``

    def __iter__(self) -> Iterator[bytes]:
        """Every value of every record, one at a time (bounded memory).

        Yields
        ------
        bytes
            A value, trailing spaces and NULs removed (the whole records when their layout is unknown).
        """
        if not self.widths:
            yield self.blob
            return
        for start in range(0, len(self.blob) - self.record_len + 1, self.record_len):
            at = start + 1  # the deletion flag
            for w in self.widths:
                yield self.blob[at : at + w].rstrip(b" \x00")
                at += w

    def isascii(self) -> bool:
        """Whether the records hold only ASCII.

        Returns
        -------
        bool
        """
        return self.blob.isascii()


def _dbf_text(dbf: Path) -> tuple[list[bytes], _DbfValues]:
    """The field names and the records of a DBF, as bytes.

    Returns
    -------
    tuple of (list of bytes, _DbfValues)
        The field names (at most 11 bytes each) and the records; ([], empty) for a file shorter than a
        DBF header.
    """
    raw = dbf.read_bytes()
    if len(raw) < 32:
        return [], _DbfValues(b"")
    header_len, record_len = struct.unpack("<HH", raw[8:12])
    names, widths, kinds = [], [], []
    pos = 32
    while pos + 32 <= min(header_len, len(raw)) and raw[pos] != 0x0D:
        names.append(raw[pos : pos + 11].split(b"\x00", 1)[0])
        kinds.append(raw[pos + 11 : pos + 12])
        widths.append(raw[pos + 16])
        pos += 32
    if record_len != 1 + sum(widths) or record_len <= 1:  # not the layout we know: the whole text as one value
        return names, _DbfValues(raw[header_len:])
    return names, _DbfValues(raw[header_len:], tuple(widths), record_len, tuple(kinds))


def _decodes(names: list[bytes], values: _DbfValues, codec: str) -> bool:
    """Whether every field name and value decodes with ``codec``.

    A value may end in half a character: a DBF field is a fixed number of bytes, and a name longer
    than the field is cut there (城南第1网格 in 10 bytes of GBK keeps the first byte of 格). That alone
    is no evidence against the codec (GDAL drops the half character), so an unfinished character at
    the end of a name or a value is allowed; a wrong byte anywhere else is not.

    Returns
    -------
    bool
    """
    try:
        for v in names:
            codecs.getincrementaldecoder(codec)().decode(v, final=False)
    except UnicodeDecodeError:
        return False
    try:
        values.blob.decode(codec)
        return True
    except UnicodeDecodeError:
        pass
    try:
        for v in values:  # value by value only when the whole does not decode
            codecs.getincrementaldecoder(codec)().decode(v, final=False)
        return True
    except UnicodeDecodeError:
        return False


def detect_dbf_encoding(dbf: Path) -> str | None:
    """Guess the text encoding of a DBF from its bytes.

    UTF-8 if its text decodes as UTF-8, else GB18030 (a superset of GBK and GB2312) if it decodes as
    that, else None. Field names and character fields are checked; numbers are ASCII and never decide. Chinese text
    in GBK is almost never valid UTF-8, and UTF-8 read as GBK gives mojibake (鍩庡崡…), so UTF-8 wins
    whenever it fits.

    Parameters
    ----------
    dbf : pathlib.Path
        The Shapefile's .dbf.

    Returns
    -------
    str or None
        ``"UTF-8"``, ``"GB18030"`` or None.
    """
    names, records = _dbf_text(dbf)
    for codec, label in (("utf-8", "UTF-8"), ("gb18030", "GB18030")):
        if _decodes(names, records, codec):
            return label
    return None


def _ends_inside_a_character(value: bytes, codec: str) -> bool:
    """Whether ``value`` decodes with ``codec`` but for an unfinished character at its end.

    Returns
    -------
    bool
    """
    try:
        value.decode(codec)
        return False
    except UnicodeDecodeError as e:
        return e.reason in ("unexpected end of data", "incomplete multibyte sequence") and e.end == len(value)


def dbf_full_texts(dbf: Path, encoding: str) -> dict[int, tuple[int, list[int]]]:
    """The text values of a DBF that fill their field's whole width (or end inside a character): maybe cut.

    A DBF text field holds a fixed number of bytes; a longer name is cut there when the file is written
    (城南第一网格 in a 10-byte GBK field keeps 城南第一网, and in 9 bytes half of 格, which GDAL drops).
    A value that fills its field to the last byte, or ends in half a character, may have been cut: what
    is stored cannot tell, a person can.

    Parameters
    ----------
    dbf : pathlib.Path
        The Shapefile's .dbf.
    encoding : str
        The codec its text is read with (a half character is judged in it).

    Returns
    -------
    dict
        Field position (0-based, in the DBF's order) → (its width in bytes, the 1-based numbers of the
        records, deleted ones not counted, whose value fills it); only text (``C``) fields with such
        values. Empty when the file's layout is not the one known (GDAL reads it anyway).
    """
    return _full_texts(_dbf_text(dbf)[1], encoding)


def _full_texts(values: _DbfValues, encoding: str) -> dict[int, tuple[int, list[int]]]:
    """:func:`dbf_full_texts` of a DBF's records read already (:func:`_dbf_text`).

    Returns
    -------
    dict
        As :func:`dbf_full_texts`.
    """
    if not values.widths:  # not the layout we know
        return {}
    widths, blob, size = values.widths, values.blob, values.record_len
    starts = [1 + sum(widths[:j]) for j in range(len(widths))]
    texts = [j for j, k in enumerate(values.kinds) if k == b"C"]
    out: dict[int, tuple[int, list[int]]] = {}
    number = 0
    for at in range(0, len(blob) - size + 1, size):
        if blob[at : at + 1] == b"*":  # a deleted record: GDAL skips it
            continue
        number += 1
        for j in texts:
            value = blob[at + starts[j] : at + starts[j] + widths[j]].rstrip(b" \x00")
            if len(value) == widths[j] or _ends_inside_a_character(value, encoding):
                out.setdefault(j, (widths[j], []))[1].append(number)
    return out


#: .cpg values that are code page numbers (ESRI writes these) rather than codec names
_CODE_PAGES = {
    "65001": "UTF-8",
    "936": "GBK",
    "54936": "GB18030",
    "950": "BIG5",
    "1252": "CP1252",
    "ansi": None,
    "system": None,
    "": None,
}


def declared_encoding(cpg: Path) -> str | None:
    """The encoding a .cpg declares, as a Python codec name, or None when it names none we know.

    Parameters
    ----------
    cpg : pathlib.Path
        The Shapefile's .cpg.

    Returns
    -------
    str or None
        A name :func:`codecs.lookup` knows (ESRI code pages 65001, 936 … translated), or None for
        ANSI/system, an empty or unreadable file, or an unknown name.
    """
    try:
        text = cpg.read_bytes()[:64].decode("ascii", "ignore").strip()
    except OSError:
        return None
    label = _CODE_PAGES.get(text.lower(), text)
    if not label:
        return None
    try:
        codecs.lookup(label)
    except LookupError:
        return None
    return label


def shapefile_encoding(shp: Path, explicit: str | None) -> tuple[str | None, str]:
    """Which encoding to read a Shapefile's attributes with, and a note when the .cpg was wrong.

    ``explicit`` (``--encoding``) wins when its codec decodes the text. Otherwise the bytes decide
    (:func:`detect_dbf_encoding`), whatever a .cpg declares: a .cpg saying UTF-8 on a GBK file, or
    GBK on a UTF-8 one, is common.

    Parameters
    ----------
    shp : pathlib.Path
        The .shp file (its .dbf and .cpg lie beside it).
    explicit : str or None
        The encoding the user named.

    Returns
    -------
    tuple of (str or None, str)
        The encoding (None when there is no .dbf) and a note for the user ("" unless the .cpg
        declared another encoding than the text has).

    Raises
    ------
    ImportFailed
        With a sentence when the explicit encoding is unknown or does not decode the text,
        or when nothing decodes it.
    """
    dbf = next((d for d in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if d.exists()), None)
    cpg = next((c for c in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")) if c.exists()), None)
    if explicit:
        try:
            codecs.lookup(explicit)
        except LookupError as e:
            raise ImportFailed(key="ingest.error.encoding_unknown", at=f"{shp.name}: ", encoding=explicit) from e
        if dbf is None:
            return explicit, ""
        names, records = _dbf_text(dbf)
        utf8 = codecs.lookup(explicit).name == "utf-8"
        if not utf8 and not (b"".join(names).isascii() and records.isascii()) and _decodes(names, records, "utf-8"):
            # Chinese text that is valid UTF-8 is UTF-8: read as GBK it would be stored as mojibake (鍩庡崡…)
            raise ImportFailed(key="ingest.error.encoding_wrong", at=f"{shp.name}: ", encoding=explicit, other="UTF-8")
        if _decodes(names, records, explicit):
            return explicit, ""
        other = "UTF-8" if "gb" in explicit.lower() else "GBK"
        if other == "UTF-8" and detect_dbf_encoding(dbf) == "GB18030":
            other = "GB18030"  # GB2312/GBK named, the text has a character only GB18030 holds
        raise ImportFailed(key="ingest.error.encoding_wrong", at=f"{shp.name}: ", encoding=explicit, other=other)
    if dbf is None:
        return None, ""
    declared = declared_encoding(cpg) if cpg else None
    found = detect_dbf_encoding(dbf)
    if found is None:
        if declared and _decodes(*_dbf_text(dbf), declared):
            return declared, ""
        if declared:
            raise ImportFailed(key="ingest.error.encoding_none_cpg", at=f"{shp.name}: ", declared=declared)
        raise ImportFailed(key="ingest.error.encoding_none", at=f"{shp.name}: ")
    if declared is None:
        return found, ""
    names, records = _dbf_text(dbf)
    declared_name = codecs.lookup(declared).name
    agrees = (
        declared_name == codecs.lookup(found).name
        or (found == "GB18030" and declared_name in ("gbk", "gb2312", "gb18030"))
        or (found == "UTF-8" and b"".join(names).isascii() and records.isascii())
    )
    if agrees:
        # GB2312 and GBK are subsets of GB18030: a .cpg saying either over text with a character
        # outside it (堃, 赟, 㐀 …) is read as GB18030, never as mojibake
        return (found if found == "GB18030" else declared), ""
    return found, Message("ingest.note.cpg", declared=declared, found=found)


def _whole_field_names(shp: Path, encoding: str, into: Path) -> Path:
    """The Shapefile with every DBF field name ending on a whole character (a copy in ``into`` when needed).

    A DBF field name has at most 10 bytes: GDAL and QGIS cut a longer UTF-8 name there, inside a
    character (网格编码 is 12 bytes: 网格编 and one byte of 码 are kept). GDAL then cannot read the
    file's names at all. The copy drops the half character (网格编), which :func:`_pick` matches.

    Parameters
    ----------
    shp : pathlib.Path
        The .shp file.
    encoding : str
        The attribute encoding it is read with.
    into : pathlib.Path
        A private folder for the copy.

    Returns
    -------
    pathlib.Path
        ``shp`` itself, or the copy's .shp when a name was cut.
    """
    dbf = next((d for d in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if d.exists()), None)
    if dbf is None:
        return shp
    raw = bytearray(dbf.read_bytes())
    if len(raw) < 32:
        return shp
    header_len = struct.unpack("<H", raw[8:10])[0]
    changed = False
    pos = 32
    while pos + 32 <= min(header_len, len(raw)) and raw[pos] != 0x0D:
        name = bytes(raw[pos : pos + 11]).split(b"\x00", 1)[0]
        whole = name
        while whole:
            try:
                whole.decode(encoding)
                break
            except UnicodeDecodeError as e:
                if e.start < len(whole) - 3 or e.reason not in (
                    "unexpected end of data",
                    "incomplete multibyte sequence",
                ):
                    break  # a wrong byte inside, not a character cut at the end: leave it to the reader
                whole = whole[:-1]
        if whole != name and whole:
            raw[pos : pos + 11] = whole.ljust(11, b"\x00")
            changed = True
        pos += 32
    if not changed:
        return shp
    folder = Path(tempfile.mkdtemp(prefix="names-", dir=into))
    for sibling in shp.parent.iterdir():
        if sibling.is_file() and sibling.stem == shp.stem and sibling != dbf:
            shutil.copyfile(sibling, folder / sibling.name)
    (folder / dbf.name).write_bytes(bytes(raw))
    return folder / shp.name


def read_vector(path: str | Path, encoding: str | None = None) -> tuple[gpd.GeoDataFrame, str, str]:
    """Read a boundary file into a GeoDataFrame in its own CRS.

    Parameters
    ----------
    path : str or pathlib.Path
        GeoJSON, Shapefile, zipped Shapefile or GeoPackage.
    encoding : str, optional
        A Shapefile's attribute encoding (default: detected).

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, str, str)
        The features in the file's CRS, that CRS as text ("" when the file has none) and the
        encoding used (default ``"UTF-8"``).

    Raises
    ------
    ImportFailed
        When the file is missing, of another type, a bad zip, in an unknown or wrong encoding, or
        unreadable by GDAL (its first line of error in the sentence).
    """
    import pyogrio

    p = Path(path)
    if not p.exists():
        raise ImportFailed(key="ingest.error.no_file", at=f"{p}: ")
    suffix = p.suffix.lower()
    if suffix not in VECTOR_SUFFIXES:
        raise ImportFailed(key="ingest.error.boundary_type", at=f"{p.name}: ", suffix=suffix)
    tmp = None
    try:
        if suffix == ".zip":
            tmp = Path(tempfile.mkdtemp(prefix="lianxin-zip-"))
            _safe_extract(p, tmp)
            p = _find_dataset(tmp, p.name)
            suffix = p.suffix.lower()
        enc, note = shapefile_encoding(p, encoding) if suffix == ".shp" else (encoding, "")
        if suffix == ".shp" and enc:
            if tmp is None:
                tmp = Path(tempfile.mkdtemp(prefix="lianxin-shp-"))
            p = _whole_field_names(p, enc, tmp)
        try:
            kwargs: dict[str, Any] = {"encoding": enc} if enc else {}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # library warnings never reach a user
                gdf = pyogrio.read_dataframe(p, **kwargs)
        except LookupError as e:
            raise ImportFailed(key="ingest.error.encoding_lookup", at=f"{p.name}: ", encoding=encoding) from e
        except UnicodeDecodeError as e:
            raise ImportFailed(
                key="ingest.error.encoding_wrong", at=f"{p.name}: ", encoding=enc or "UTF-8", other="GBK"
            ) from e
        except Exception as e:  # GDAL's own errors: unreadable or broken file
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ImportFailed(key="ingest.error.boundary_unreadable", at=f"{p.name}: ", error=first) from e
        if note:
            gdf.attrs["encoding_note"] = note
        if suffix == ".shp" and enc:
            gdf.attrs["dbf_full"] = _full_texts_by_column(p, enc, gdf)
        return gdf, (gdf.crs.to_string() if gdf.crs else ""), (enc or "UTF-8")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _full_texts_by_column(shp: Path, encoding: str, gdf: gpd.GeoDataFrame) -> dict[str, tuple[int, list[int]]]:
    """:func:`dbf_full_texts` of a Shapefile by the frame's column names (empty when they cannot be matched).

    Returns
    -------
    dict
        Column name → (field width in bytes, 1-based feature numbers whose value fills it).
    """
    dbf = next((d for d in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if d.exists()), None)
    if dbf is None:
        return {}
    names, values = _dbf_text(dbf)
    full = _full_texts(values, encoding)
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    if not full or len(names) != len(columns) or any(rows[-1] > len(gdf) for _, rows in full.values()):
        return {}
    return {str(columns[j]): v for j, v in full.items()}


def _pick(columns: list[str], aliases: tuple[str, ...], taken: set[str]) -> str | None:
    """The column named by the first alias that names one; else one whose name an alias's was cut to.

    A DBF field name holds 10 bytes: 网格编码 in UTF-8 arrives as 网格编, 所属村编码 as 所属村. Such a
    cut name (at least two characters, at least 8 bytes) stands for the alias it begins.

    Returns
    -------
    str or None
    """
    norm = {normalize_value(str(c)).lower(): c for c in columns}  # 网格编码 with a zero-width space, ＣＯＤＥ
    for a in aliases:
        c = norm.get(a.lower())
        if c is not None and c not in taken:
            return c
    for a in aliases:
        if len(a.encode("utf-8")) <= 10:
            continue
        for key, c in norm.items():
            cut = len(key) >= 2 and (len(key.encode("utf-8")) >= 8 or len(key.encode("gb18030")) >= 9)
            if cut and c not in taken and a.lower() != key and a.lower().startswith(key):
                return c
    return None


def _code_text(v: Any, fold: bool = True) -> str:
    """An attribute as text: a whole float without ``.0``; a code folded like every typed code.

    Codes typed in a Chinese IME's full-width mode (``Ｇ００``) are folded to ordinary characters
    (ingest/normalize.py ``normalize_value``), so that the households' ``G00`` finds its grid;
    a name (``fold=False``) keeps its characters, only format characters and spaces trimmed.

    Returns
    -------
    str
        "" for a missing value.
    """
    if v is None or v is pd.NA:
        return ""
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
    return normalize_value(v) if fold else clean_text(v)


def _polygonal(geom: Any) -> Any:
    """The polygonal part of a geometry (after repair), or None.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon or None
        The geometry itself, the union of a collection's polygons, or None when it holds none.
    """
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)):
        return geom
    if isinstance(geom, shapely.GeometryCollection):
        polys = [g for g in geom.geoms if isinstance(g, (shapely.Polygon, shapely.MultiPolygon))]
        if polys:
            return shapely.union_all(polys)
    return None


def _possible(geom: Any) -> bool:
    """Whether every coordinate is a finite lon/lat.

    Returns
    -------
    bool
        True when every x is within [-180, 180] and every y within [-90, 90].
    """
    xy = shapely.get_coordinates(geom)
    return bool(np.isfinite(xy).all() and (np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all())


def reference_extent(
    con: duckdb.DuckDBPyConnection, level: str
) -> tuple[tuple[float, float, float, float] | None, str]:
    """Where a new boundary level must lie: the extent of the nearest stored level above it (else below).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    level : str
        The level being imported.

    Returns
    -------
    tuple of (tuple of 4 float or None, str)
        ((minx, miny, maxx, maxy) in degrees lon/lat, that level), or (None, "") when no other level
        is stored.
    """
    ext = {r[0]: tuple(float(v) for v in r[1:5]) for r in db.rows(con, "areas_extent_by_level") if r[5]}
    i = LEVELS.index(level)
    for other in list(reversed(LEVELS[:i])) + list(LEVELS[i + 1 :]):
        if other in ext:
            return ext[other], other
    return None, ""


# ----------------------------------------------------------------------------- the import


def prepare(
    gdf: gpd.GeoDataFrame,
    level: str,
    source: str,
    coords: str = "wgs84",
    reference: tuple[float, float, float, float] | None = None,
    reference_name: str = "",
) -> tuple[gpd.GeoDataFrame, list[RowError], list[str]]:
    """Map attributes, check the CRS is plausible, convert to WGS-84, repair geometry and reject bad features.

    Parameters
    ----------
    gdf : the file as read, in its own CRS.
    level : county, township, village or grid.
    source : the file name in messages.
    coords : the datum of the lon/lat after the CRS transform (wgs84, gcj02, bd09).
    reference : the lon/lat extent of the stored areas the level must lie in (:func:`reference_extent`),
        None when nothing is stored.
    reference_name : the level of ``reference``.

    Returns
    -------
    (clean frame with code, name, parent_code, geometry; errors; codes repaired).

    Raises
    ------
    ImportFailed
        With one sentence when the coordinates cannot be right for the CRS or the county
        (ingest/crs_check.py): nothing is written.
    """
    if level not in LEVELS:
        raise ImportFailed(key="ingest.error.level_of", level=level, levels="、".join(LEVELS))
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    code_col = _pick(cols, BOUNDARY_CODE[level], set())
    name_col = _pick(cols, BOUNDARY_NAME[level], {code_col} if code_col else set())
    parent_col = _pick(cols, BOUNDARY_PARENT[level], {c for c in (code_col, name_col) if c})
    if code_col is None:
        raise ImportFailed(
            key="ingest.error.no_code_field",
            at=f"{source}: ",
            wanted="、".join(BOUNDARY_CODE[level][1:]),
            fields="、".join(map(str, cols)),
        )
    if name_col is None:
        raise ImportFailed(
            key="ingest.error.no_name_field", at=f"{source}: ", wanted="、".join(BOUNDARY_NAME[level][1:])
        )
    raw = gdf.geometry.to_numpy()
    has = ~(shapely.is_missing(raw) | shapely.is_empty(raw))
    boxes = shapely.bounds(raw[has]) if has.any() else np.zeros((0, 4))
    b = (
        np.array([boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()])
        if len(boxes)
        else np.array([0.0, 0.0, 0.0, 0.0])
    )
    if gdf.crs is None:
        if np.all(np.abs(b[[0, 2]]) <= 180) and np.all(np.abs(b[[1, 3]]) <= 90):
            gdf = gdf.set_crs("EPSG:4326")
        else:
            raise ImportFailed(key="ingest.error.no_crs", at=f"{source}: ", hint=crs_check.no_prj_hint(b))
    crs_check.check_raw(b, gdf.crs, source)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # library warnings never reach a user
        try:
            geo = gdf.geometry.to_crs("EPSG:4326")
            centres = np.column_stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2])
            lonlat = (
                np.column_stack(
                    shapely.get_coordinates(
                        gpd.GeoSeries(shapely.points(centres), crs=gdf.crs).to_crs("EPSG:4326").to_numpy()
                    ).T
                )
                if len(centres)
                else np.zeros((0, 2))
            )
        except Exception as e:
            raise ImportFailed(key="ingest.error.crs_transform", at=f"{source}: ", crs=gdf.crs) from e
        if len(lonlat):
            lon, lat = to_wgs84(lonlat[:, 0], lonlat[:, 1], coords)
            lonlat = np.column_stack([lon, lat])
        crs_check.check_location(centres, lonlat, gdf.crs, reference, reference_name, source)
        geo = geo.force_2d() if hasattr(geo, "force_2d") else geo
        geo = geoseries_to_wgs84(geo, coords)

    errors: list[RowError] = []
    repaired: list[str] = []
    out = []
    seen: dict[str, int] = {}
    for i, (rec, geom) in enumerate(
        zip(gdf[[c for c in (code_col, name_col, parent_col) if c]].itertuples(index=False), geo), start=1
    ):
        try:
            code = check_key(_code_text(rec[0]))
            parent = check_key(_code_text(rec[2])) if parent_col else ""
        except ValueError as e:
            bad_col = code_col if control_characters(_code_text(rec[0])) else parent_col
            errors.append(RowError(source, i, bad_col, "", message_of(e)))
            continue
        name = _code_text(rec[1], fold=False)
        if not code:
            errors.append(RowError(source, i, code_col, "", Message("ingest.error.code_missing")))
            continue
        if not name:
            errors.append(RowError(source, i, name_col, "", Message("ingest.error.name_missing")))
            continue
        if code in seen:
            errors.append(
                RowError(source, i, code_col, code, Message("ingest.error.feature_repeats", first=seen[code]))
            )
            continue
        seen[code] = i
        if geom is not None and not geom.is_empty and not _possible(geom):
            errors.append(RowError(source, i, "geometry", "", Message("ingest.error.impossible_coordinates")))
            continue
        if geom is not None and not geom.is_empty and not geom.is_valid:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                geom = shapely.make_valid(geom)
            repaired.append(code)
        geom = _polygonal(geom)
        if geom is None:
            errors.append(RowError(source, i, "geometry", "", Message("ingest.error.no_polygon")))
            continue
        out.append({"code": code, "name": name, "parent_code": parent or None, "geometry": geom, "_row": i})
    clean = gpd.GeoDataFrame(
        out, columns=["code", "name", "parent_code", "geometry", "_row"], geometry="geometry", crs="EPSG:4326"
    )
    full = gdf.attrs.get("dbf_full", {}).get(name_col)
    if full:
        width, rows = full
        cut = clean.loc[clean["_row"].isin(rows), "code"].tolist()
        clean.attrs["names_full"] = (width, cut) if cut else None
    return clean, errors, repaired


def import_boundaries(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    level: str,
    coords: str = "wgs84",
    encoding: str | None = None,
    strict: bool = False,
    progress: Callable[[float, str], None] | None = None,
    frame: gpd.GeoDataFrame | None = None,
    source: str | None = None,
    audit: Callable[[duckdb.DuckDBPyConnection, dict], None] | None = None,
    dry_run: bool = False,
) -> BoundaryResult:
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
    BoundaryResult
        The counts, repairs, overlaps and gaps.

    Raises
    ------
    ImportFailed
        When the level is unknown, or the file cannot be read (nothing is written).
    """  # noqa: DOC501 — _DryRun is raised and caught inside (it rolls the dry run's transaction back)

    def step(f: float, msg: str) -> None:
        if progress:
            progress(f, msg)

    step(0.05, "ingest.step.read_boundaries")
    if frame is None:
        gdf, crs, enc = read_vector(path, encoding)
        source = Path(path).name
    else:
        gdf, crs, enc = frame, (frame.crs.to_string() if frame.crs else ""), frame.attrs.get("encoding") or "UTF-8"
        source = source or "frame"
    if level not in LEVELS:
        raise ImportFailed(key="ingest.error.level_of", level=level, levels="、".join(LEVELS))
    reference, reference_name = reference_extent(con, level)
    clean, errors, repaired = prepare(gdf, level, source, coords, reference, reference_name)
    res = BoundaryResult(
        level=level,
        source=source,
        errors=errors,
        repaired=repaired,
        crs=crs,
        encoding=enc,
        rejected=len({e.row for e in errors}),
        encoding_note=gdf.attrs.get("encoding_note", ""),
    )
    if clean.attrs.get("names_full"):
        res.name_width, res.names_full = clean.attrs["names_full"]
    if clean.empty or (strict and errors):
        return res

    # codes already used by another level cannot be reused
    clash = db.df(con, "areas_codes_other_levels", level=level, codes=clean["code"].tolist())
    if len(clash):
        bad = dict(zip(clash["code"], clash["level"]))
        for code, row in zip(clean["code"], clean["_row"]):
            if code in bad:
                res.errors.append(
                    RowError(source, int(row), "code", code, Message("ingest.error.code_other_level", level=bad[code]))
                )
        clean = clean[~clean["code"].isin(bad)]
        res.rejected = len({e.row for e in res.errors})
        if strict or clean.empty:
            return res

    step(0.3, "ingest.step.areas")
    metric = A.metric_crs(clean)
    areas_m2 = clean.to_crs(metric).area.to_numpy()
    bounds = shapely.bounds(clean.geometry.to_numpy())
    incoming = pd.DataFrame(
        {
            "code": clean["code"].to_numpy(),
            "name": clean["name"].to_numpy(),
            "parent_code": clean["parent_code"].to_numpy(),
            "parent_derived": False,
            "geom": shapely.to_wkb(clean.geometry.to_numpy()),
            "minx": bounds[:, 0],
            "miny": bounds[:, 1],
            "maxx": bounds[:, 2],
            "maxy": bounds[:, 3],
            "area_m2": areas_m2,
        }
    )
    before = {r[0] for r in db.rows(con, "areas_of_level", level=level)}
    res.replaced = len(before & set(incoming["code"]))
    res.imported = len(incoming) - res.replaced

    step(0.5, "ingest.step.write")

    def write() -> None:
        """The level's one transaction; run again whole if it lost a race with a concurrent writer.

        Raises
        ------
        _DryRun
            With ``dry_run``, after everything was computed: rolls the transaction back.
        """
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
            step(0.7, "ingest.step.neighbors")
            A.rebuild_neighbors(con, level)
            step(0.8, "ingest.step.reassign")
            moved, unassigned = reassign_points(con)
            if level == "grid":
                res.households_moved, res.households_unassigned = moved, unassigned
            step(0.9, "ingest.step.overlaps")
            res.overlaps, res.gaps = [], []  # found afresh by each attempt
            _siblings_report(con, level, clean, res)  # read inside: a dry run sees the new level
            if dry_run:
                raise _DryRun()
            if audit:
                audit(
                    con,
                    {
                        "level": level,
                        "imported": res.imported,
                        "updated": res.replaced,
                        "rejected": res.rejected,
                        "households_moved": moved,
                    },
                )

    try:
        # a household import moving the same households at once on PostgreSQL: the loser of a deadlock
        # is rolled back whole and written again (db.retrying)
        db.retrying(write)
    except _DryRun:
        pass
    step(1.0, "ingest.step.done")
    return res


class _DryRun(Exception):
    """Rolls the boundary transaction back after everything was computed."""


def _derive_parents(con: duckdb.DuckDBPyConnection, level: str) -> tuple[int, list[str]]:
    """Give every area of ``level`` lacking a (valid) parent the parent holding most of it.

    Returns
    -------
    tuple of (int, list of str)
        How many areas were given a parent, and the codes of those no parent holds.
    """
    up = parent_level(level)
    if up is None:
        return 0, []
    need = db.df(con, "areas_needing_parent", level=level, parent_level=up)
    if need.empty:
        return 0, []
    parents = A.load_level(con, up)
    if parents.empty:
        return 0, []
    children = gpd.GeoDataFrame({"code": need["code"]}, geometry=A.from_wkb(need["geom"]), crs="EPSG:4326")
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


def reassign_points(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Put households (whose grid is not given) and petition points into the areas holding them.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store, inside the import's transaction.

    Returns
    -------
    tuple of (int, int)
        Households whose grid changed (from a grid to another or none), households now in no grid.
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
                db.execute(con, "household_changes_from_assign", today=today_in_shanghai(), actor=None)
                db.execute(con, "households_set_grid")
            finally:
                con.unregister("incoming_assign")
    pts = db.df(con, "petitions_with_points")
    if len(pts):
        lon, lat = pts["lon"].to_numpy(), pts["lat"].to_numpy()
        assign = pd.DataFrame(
            {
                "id": pts["id"].to_numpy(),
                "point_village_code": A.locate_points(lon, lat, villages),
                "point_grid_code": A.locate_points(lon, lat, grids),
            }
        )
        con.register("incoming_assign", assign)
        try:
            db.execute(con, "petitions_set_points")
        finally:
            con.unregister("incoming_assign")
    return moved, unassigned


def _siblings_report(con: duckdb.DuckDBPyConnection, level: str, clean: gpd.GeoDataFrame, res: BoundaryResult) -> None:
    """Overlaps between siblings and gaps they leave in their parent, in m²."""
    stored = A.load_level(con, level)
    if stored.empty:
        return
    crs = A.metric_crs(stored)  # measured in metres, intersected in lon/lat (straight edges)
    up = parent_level(level)
    parents = A.load_level(con, up) if up else None
    parent_geom = dict(zip(parents["code"], parents.geometry)) if parents is not None else {}
    for parent_code, kids in stored.groupby(stored["parent_code"].fillna(""), sort=True):
        pgeom = parent_geom.get(parent_code)
        ov, gap = A.overlaps_and_gaps(kids, pgeom, metric=crs)
        res.overlaps.extend(ov)
        if gap > 0 and pgeom is not None:
            res.gaps.append((parent_code, gap))
