"""What the import page does with an uploaded file, without Streamlit.

Save it privately, preview it, dry-run it, import it (audited), and give the rejected rows as CSV.
The page (pages/import_data.py) only draws widgets and calls these, so they are tested directly.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb
import pandas as pd

from i18n import Message, worded

from .boundaries import VECTOR_SUFFIXES, BoundaryResult, _pick, import_boundaries, read_vector
from .errors import ImportFailed, RowError, write_errors_csv
from .isolated import Read
from .reader import EXCEL_SUFFIXES, TABULAR_SUFFIXES, ZIPPED_EXCEL_SUFFIXES, Table, read_table
from .spec import BOUNDARY_CODE, BOUNDARY_NAME, BOUNDARY_PARENT, KINDS, LEVELS, SPECS
from .tables import ImportResult, check_may_import, load
from .values import text as cell_text

MAX_UPLOAD_MB = 200  # keep equal to server.maxUploadSize in .streamlit/config.toml
PREVIEW_ROWS = 10
ALL_KINDS = ("boundaries",) + KINDS

Progress = Callable[[float, str], None]  # (fraction done, catalog key of the step: ingest.step.*)


class UploadRefused(ImportFailed):
    """An uploaded file refused before reading it (too large, wrong type, empty)."""


def accepted_suffixes(kind: str) -> tuple[str, ...]:
    """File name endings accepted for a kind (without the dot, for st.file_uploader).

    Parameters
    ----------
    kind : str
        One of ``ALL_KINDS``.

    Returns
    -------
    tuple of str
        E.g. ``("csv", "txt", "xlsx", "xlsm", "xls")`` (ingest.reader.TABULAR_SUFFIXES); boundaries take
        the vector formats, a Shapefile zipped.
    """
    # a Shapefile is several files: it is uploaded zipped
    sfx = tuple(s for s in VECTOR_SUFFIXES if s != ".shp") if kind == "boundaries" else TABULAR_SUFFIXES
    return tuple(s.lstrip(".") for s in sfx)


def safe_name(name: str) -> str:
    r"""The uploaded file's own name, reduced to a plain file name (no folders, no control characters).

    Parameters
    ----------
    name : str
        The name the browser sent.

    Returns
    -------
    str
        At most 120 characters, no leading dots; ``"upload"`` when nothing is left.

    Examples
    --------
    >>> safe_name("C:\\Users\\王\\..台账.xlsx"), safe_name("../../")
    ('台账.xlsx', 'upload')
    """
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = re.sub(r"[\x00-\x1f]", "", base).strip().lstrip(".")
    return base[:120] or "upload"


@contextmanager
def private_copy(name: str, data: bytes, kind: str, max_mb: int = MAX_UPLOAD_MB) -> Iterator[Path]:
    """Write an upload to a private temporary folder (mode 0700) and delete it afterwards.

    Parameters
    ----------
    name : str
        The uploaded file's name (reduced by :func:`safe_name`).
    data : bytes
        Its content.
    kind : str
        One of ``ALL_KINDS``: decides the endings accepted.
    max_mb : int
        The largest upload accepted, in MiB.

    Yields
    ------
    pathlib.Path
        The private copy, deleted with its folder when the block ends.

    Raises
    ------
    UploadRefused
        With a sentence when the file is empty, too large or of the wrong type.
    """
    fname = safe_name(name)
    suffix = Path(fname).suffix.lower()
    if not data:
        raise UploadRefused(key="ingest.error.empty_file", at=f"{fname}: ")
    if len(data) > max_mb * 1024 * 1024:
        raise UploadRefused(key="ingest.error.upload_size", at=f"{fname}: ", mb=max_mb)
    if suffix.lstrip(".") not in accepted_suffixes(kind):
        allowed = "、".join("." + s for s in accepted_suffixes(kind))
        raise UploadRefused(
            key="ingest.error.upload_type",
            at=f"{fname}: ",
            suffix=suffix or Message("ingest.what.no_suffix"),
            allowed=allowed,
        )
    folder = Path(tempfile.mkdtemp(prefix="lianxin-upload-"))
    try:
        os.chmod(folder, 0o700)
        path = folder / fname
        with open(path, "wb") as f:
            f.write(data)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sheet_names(path: str | Path) -> list[str]:
    """The sheets of an Excel file ([] for CSV or an unreadable file).

    Parameters
    ----------
    path : str or pathlib.Path
        The file.

    Returns
    -------
    list of str
        Sheet names in the workbook's order (ingest.reader.excel_sheets); a zip bomb gives [].
    """
    p = Path(path)
    if p.suffix.lower() not in EXCEL_SUFFIXES:
        return []
    try:
        from .limits import check_zip
        from .reader import excel_sheets

        if p.suffix.lower() in ZIPPED_EXCEL_SUFFIXES:
            check_zip(p)  # a zip bomb is refused before the workbook is opened
        return [name for name, _ in excel_sheets(p)]
    except Exception:
        return []


@dataclass
class Preview:
    """What a person checks before importing: the header found and how it maps, and the first rows."""

    kind: str
    source: str
    rows: pd.DataFrame  # the first rows, as in the file
    mapping: list[tuple[str, str]] = field(default_factory=list)  # (column in the file, canonical name)
    missing_required: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    header_row: int = 0
    total_rows: int = 0
    encoding: str = ""
    sheet: str = ""
    crs: str = ""  # boundaries only


def preview_table(
    path: str | Path, kind: str, sheet: str | None = None, n: int = PREVIEW_ROWS, table: Table | None = None
) -> Preview:
    """Read a households/staff/visits/petitions file (or take ``table``, read already): how its header was understood.

    Parameters
    ----------
    path : str or pathlib.Path
        The file (not read when ``table`` is given).
    kind : str
        households, staff, visits or petitions.
    sheet : str, optional
        The Excel sheet (default: the reader's choice).
    n : int
        How many rows to show.
    table : ingest.reader.Table, optional
        The file as read already.

    Returns
    -------
    Preview
        The first ``n`` rows as in the file (a ``row`` column first), the header mapping, required
        columns missing and columns ignored.
    """
    spec = SPECS[kind]
    table = table if table is not None else read_table(path, spec, sheet)
    width = len(table.header)
    head = [list(cells[:width]) + [""] * (width - len(cells)) for _, cells in table.rows[:n]]
    cols = _unique([h or f"({i + 1})" for i, h in enumerate(table.header)])
    frame = pd.DataFrame([[_show(v) for v in r] for r in head], columns=cols)
    frame.insert(0, "row", [r for r, _ in table.rows[:n]])
    order = sorted(table.mapping.items(), key=lambda kv: kv[1])
    return Preview(
        kind=kind,
        source=table.source,
        rows=frame,
        mapping=[(table.header[i], name) for name, i in order],
        missing_required=[c.label for c in spec.columns if c.required and c.name not in table.mapping],
        ignored=table.ignored,
        header_row=table.header_row,
        total_rows=len(table.rows),
        encoding=table.encoding,
        sheet=table.sheet,
    )


def preview_boundaries(
    path: str | Path, level: str, encoding: str | None = None, n: int = PREVIEW_ROWS, read: Read | None = None
) -> Preview:
    """Read a boundary file (or take ``read``): its CRS, text encoding, attribute columns and how they map.

    Parameters
    ----------
    path : str or pathlib.Path
        The file (not read when ``read`` is given).
    level : str
        The area level the file is for (decides the code/name/parent column aliases).
    encoding : str, optional
        The attribute encoding (default: detected).
    n : int
        How many features to show.
    read : ingest.isolated.Read, optional
        The file as read already.

    Returns
    -------
    Preview
        The first ``n`` features' attributes and geometry type, the mapping of code, name and
        parent_code, which of code and name are missing, the CRS and encoding.
    """
    if read is not None:
        gdf, crs, enc = read.frame, read.crs, read.encoding
    else:
        gdf, crs, enc = read_vector(path, encoding or None)
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    mapping: list[tuple[str, str]] = []
    taken: set[str] = set()
    for canonical, aliases in (
        ("code", BOUNDARY_CODE[level]),
        ("name", BOUNDARY_NAME[level]),
        ("parent_code", BOUNDARY_PARENT[level]),
    ):
        c = _pick(cols, aliases, taken)  # the importer's own choice (ingest.boundaries.prepare)
        if c is not None:
            mapping.append((str(c), canonical))
            taken.add(c)
    missing = [c for c in ("code", "name") if c not in {m[1] for m in mapping}]
    frame = pd.DataFrame(gdf[cols].head(n)).astype(object).map(_show) if cols else pd.DataFrame()
    frame.insert(0, "row", list(range(1, len(frame) + 1)))
    frame["geometry"] = [g.geom_type if g is not None else "" for g in gdf.geometry.head(n)]
    return Preview(
        kind="boundaries",
        source=Path(path).name,
        rows=frame,
        mapping=mapping,
        missing_required=missing,
        ignored=[str(c) for c in cols if c not in taken],
        total_rows=len(gdf),
        encoding=enc,
        crs=crs,
    )


def _show(v: Any) -> str:
    if v is None:
        return ""
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    if isinstance(v, float) and v != v:
        return ""
    return cell_text(v) if isinstance(v, (int, float)) else str(v)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if k == 0 else f"{n} ({k + 1})")
    return out


def run_import(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: str | Path,
    *,
    level: str = "grid",
    coords: str = "wgs84",
    encoding: str | None = None,
    sheet: str | None = None,
    strict: bool = False,
    dry_run: bool = False,
    actor: Any = "admin",
    progress: Progress | None = None,
    read: Read | None = None,
) -> ImportResult | BoundaryResult:
    """Dry-run or import one file as the page does; a real import is audited under ``actor``.

    Parameters
    ----------
    actor : the signed-in user (auth.users.User): their role decides whether they may import this
        kind at all, their areas which rows (ingest.tables.check_may_import, ``scope``); a plain
        name is the local administrator.
    read : the file as read by :func:`ingest.isolated.read_file` (the page reads uploads in a
        separate process); without it the file is read here.

    Returns
    -------
    ImportResult or BoundaryResult
        An ImportResult (tables) or a BoundaryResult (boundaries).

    Raises
    ------
    ImportFailed
        When the file cannot be read or the user may not import it.
    """
    if kind not in ALL_KINDS:
        raise ImportFailed(key="ingest.error.kind", kind=kind)
    name = getattr(actor, "name", None) or str(actor)
    check_may_import(getattr(actor, "role", None), name, kind)
    scope = getattr(actor, "scope", None)

    def audit(c: duckdb.DuckDBPyConnection, counts: dict) -> None:
        from auth import audit as A

        A.record(c, name, "import", counts=counts, detail=Path(path).name)

    if kind == "boundaries":
        if level not in LEVELS:
            raise ImportFailed(key="ingest.error.level", level=level)
        frame = None
        if read is not None:
            frame = read.frame
            frame.attrs.update(encoding_note=read.encoding_note, encoding=read.encoding)
        return import_boundaries(
            con,
            path,
            level,
            coords=coords,
            encoding=encoding or None,
            strict=strict,
            progress=progress,
            audit=audit,
            dry_run=dry_run,
            frame=frame,
            source=Path(path).name,
        )
    return load(
        con,
        kind,
        path,
        coords=coords,
        strict=strict,
        sheet=sheet or None,
        dry_run=dry_run,
        progress=progress,
        audit=audit,
        actor=name,
        scope=scope,
        table=read.table if read is not None else None,
    )


def counts(res: ImportResult | BoundaryResult) -> dict[str, int]:
    """The summary numbers of a result, for st.metric.

    Parameters
    ----------
    res : ImportResult or BoundaryResult
        A dry-run's or an import's result.

    Returns
    -------
    dict of str to int
        imported, updated, skipped, rejected; for grids also households_moved and unassigned, for
        households unassigned.
    """
    if isinstance(res, BoundaryResult):
        out = {"imported": res.imported, "updated": res.replaced, "skipped": 0, "rejected": res.rejected}
        if res.level == "grid":
            out["households_moved"] = res.households_moved
            out["unassigned"] = res.households_unassigned
        return out
    out = {"imported": res.imported, "updated": res.updated, "skipped": res.skipped, "rejected": res.rejected}
    if res.kind == "households":
        out["unassigned"] = res.unassigned
    return out


def errors_frame(errors: list[RowError], lang: str = "zh") -> pd.DataFrame:
    """The rejected rows as a table (row, column, value, message), each message in ``lang``.

    Returns
    -------
    pandas.DataFrame
        One row per error, columns ``row, column, value, message``.
    """
    return pd.DataFrame(
        [(e.row, e.column, e.value, worded(e.message, lang)) for e in errors],
        columns=["row", "column", "value", "message"],
    )


def errors_csv_bytes(errors: list[RowError]) -> bytes:
    """The rejected rows as the CLI's ``--errors`` CSV (UTF-8 with BOM), for a download button.

    Parameters
    ----------
    errors : list of RowError
        The rejected rows.

    Returns
    -------
    bytes
        The CSV file's content (ingest.errors.write_errors_csv).
    """
    with tempfile.TemporaryDirectory(prefix="lianxin-errors-") as d:
        p = Path(d) / "errors.csv"
        write_errors_csv(errors, p)
        return p.read_bytes()


def has_writes(res: ImportResult | BoundaryResult) -> bool:
    """Whether committing the dry-run would change anything.

    Parameters
    ----------
    res : ImportResult or BoundaryResult
        A dry-run's result.

    Returns
    -------
    bool
        True when it would import or update at least one row.
    """
    c = counts(res)
    return c["imported"] + c["updated"] > 0


__all__ = [
    "MAX_UPLOAD_MB",
    "ALL_KINDS",
    "UploadRefused",
    "Preview",
    "Read",
    "accepted_suffixes",
    "safe_name",
    "private_copy",
    "sheet_names",
    "preview_table",
    "preview_boundaries",
    "run_import",
    "counts",
    "errors_frame",
    "errors_csv_bytes",
    "has_writes",
]
