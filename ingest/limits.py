"""Reading any file with bounded memory, whatever it declares.

A spreadsheet is a zip of XML: a few kilobytes can declare a sheet reaching XFD1048576 (17 billion
cells, which a dense reader allocates) or inflate to gigabytes. A CSV can be one 2 GiB line.
Before a reader touches a file, these checks measure what it really holds and refuse it with a
sentence when it is beyond the caps below (README "Choices": the numbers and why).

- :func:`check_zip`: every member inflated for real (not trusting the sizes the zip declares),
  stopping at :data:`MAX_UNPACKED_BYTES`; too many members or a zip-bomb ratio are refused.
- :func:`check_xlsx_sheet`: the cells a worksheet really has and where they are, read from its XML
  as a stream; a sheet whose used range (from A1, as the reader lays it out) is far larger than its
  content, or larger than :data:`MAX_CELLS`, is refused before the reader allocates it.
- :func:`check_sheet_grid`: the same bounds for a sheet with no XML to stream (an .xls), from the grid
  the reader laid out, before its cells become Python objects.
- :func:`bounded_lines`: a text file's lines, refusing any longer than :data:`MAX_LINE_CHARS`.
"""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, Any, Iterator
from xml.etree import ElementTree

from .errors import ImportFailed

MAX_UNPACKED_BYTES = 512 << 20  # a spreadsheet or zipped boundary file, all members inflated
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_RATIO = 100  # inflated / packed, checked once past RATIO_FREE_BYTES
RATIO_FREE_BYTES = 32 << 20
MAX_CELLS = 20_000_000  # cells of one sheet or CSV (a county's 2M visits × 5 columns is 10M)
SPARSE_FACTOR = 20  # a used range this many times its real cells (and > SPARSE_FREE_CELLS)
SPARSE_FREE_CELLS = 1_000_000
MAX_LINE_CHARS = 1 << 20  # one line of a CSV
MAX_FIELD_CHARS = 128 << 10  # one CSV field (Python's csv default; a note is at most a few KB)
_CHUNK = 1 << 20


def check_zip(path: Path, source: str | None = None, max_bytes: int = MAX_UNPACKED_BYTES) -> int:
    """Inflate every member of a zip (xlsx, zipped Shapefile) without keeping it; refuse a bomb.

    Parameters
    ----------
    path : the zip file.
    source : the name used in messages (default the file name).
    max_bytes : the most all members may inflate to, in bytes.

    Returns
    -------
    The inflated size in bytes.

    Raises
    ------
    ImportFailed
        With a sentence: not a zip, too many members, inflates beyond ``max_bytes`` or far
        tighter than any real file packs, or a member damaged (its checksum does not match).
    """
    source = source or path.name
    at = f"{source}: "
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ImportFailed(key="ingest.error.not_zip", at=at) from e
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ImportFailed(key="ingest.error.zip_members", at=at, n=len(infos), most=MAX_ZIP_MEMBERS)
        packed = max(1, sum(i.compress_size for i in infos))
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            probe = copy.copy(info)
            probe.file_size = max_bytes - total + 1  # read what the member really holds, not its claim
            try:
                with zf.open(probe) as member:
                    while True:
                        block = member.read(_CHUNK)
                        if not block:
                            break
                        total += len(block)
                        if total > max_bytes:
                            raise ImportFailed(key="ingest.error.zip_inflates", at=at, mb=max_bytes >> 20)
                        if total > RATIO_FREE_BYTES and total / packed > MAX_ZIP_RATIO:
                            raise ImportFailed(key="ingest.error.zip_ratio", at=at, ratio=MAX_ZIP_RATIO)
            except ImportFailed:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as e:
                # zlib.error is a subclass of Exception only: caught below
                raise ImportFailed(key="ingest.error.zip_member", at=at, name=info.filename) from e
            except Exception as e:  # zlib.error and the like: a damaged stream
                raise ImportFailed(key="ingest.error.zip_member", at=at, name=info.filename) from e
        return total


# ----------------------------------------------------------------------------- xlsx sheets

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"([0-9]{1,7})\"")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def column_letters(n: int) -> str:
    """A spreadsheet column's letters from its number: 1 → A, 16384 → XFD.

    Parameters
    ----------
    n : int
        The column number, from 1.

    Returns
    -------
    str
        Its letters ("" for 0 or less).

    Examples
    --------
    >>> column_letters(1), column_letters(28), column_letters(16384)
    ('A', 'AB', 'XFD')
    """
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx_sheet_parts(path: Path) -> dict[str, str]:
    """Each sheet's name → its worksheet part inside the xlsx (``xl/worksheets/sheet1.xml``).

    Reads the workbook and its relationships (small XML parts, already size-checked by check_zip).

    Parameters
    ----------
    path : pathlib.Path
        The xlsx file.

    Returns
    -------
    dict of str to str
        Sheet name → part name, in the workbook's order; empty when the file is no readable xlsx.
    """
    out: dict[str, str] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
                return out
            wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (zipfile.BadZipFile, OSError, ElementTree.ParseError, KeyError):
        return out
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    for sh in wb.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sh.get(f"{_NS_REL}id"), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[sh.get("name", "")] = part
    return out


def check_xlsx_sheet(path: Path, part: str, sheet: str, source: str) -> int:
    """Count a worksheet's real cells and find how far they reach, reading its XML as a stream.

    The reader lays a sheet out as a dense grid from A1 to its last used cell; a handful of cells
    placed at XFD1048576 would make that grid 17 billion cells.

    Returns
    -------
    The number of cells the sheet really has.

    Raises
    ------
    ImportFailed
        When the grid from A1 to the last cell exceeds :data:`MAX_CELLS`, or is more than
        :data:`SPARSE_FACTOR` times the real cells (beyond :data:`SPARSE_FREE_CELLS`).
    """
    at = f"{source}: "
    cells = max_row = max_col = 0
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(part) as f:
        while True:
            block = f.read(_CHUNK)
            if not block:
                break
            buf = tail + block
            # keep an unfinished tag for the next round (a tag is never longer than a few hundred bytes)
            cut = buf.rfind(b"<")
            if cut < 0 or len(buf) - cut > 4096:
                cut = len(buf)
            scan, tail = buf[:cut], buf[cut:]
            cells += len(_CELL_TAG.findall(scan))
            for letters, digits in _CELL_REF.findall(scan):
                c, r = _column_number(letters), int(digits)
                if c > max_col:
                    max_col = c
                if r > max_row:
                    max_row = r
            for digits in _ROW_REF.findall(scan):
                r = int(digits)
                if r > max_row:
                    max_row = r
        if tail:
            cells += len(_CELL_TAG.findall(tail))
    max_col = max(max_col, 1 if cells else 0)
    grid = max_row * max_col
    last = f"{column_letters(max_col)}{max_row}" if grid else "A1"
    if cells > MAX_CELLS:
        raise ImportFailed(key="ingest.error.sheet_cells", at=at, sheet=sheet, cells=cells, most=MAX_CELLS)
    if grid > MAX_CELLS or (grid > SPARSE_FREE_CELLS and grid > SPARSE_FACTOR * max(cells, 1)):
        raise ImportFailed(key="ingest.error.sheet_range", at=at, sheet=sheet, cells=cells, last=last)
    return cells


def check_sheet_grid(sheet: Any, name: str, source: str) -> int:
    """The bounds of :func:`check_xlsx_sheet` for a sheet read with no XML to stream (an .xls workbook).

    python-calamine has laid the sheet out as a grid from its first to its last used cell; this
    measures that grid before its cells are turned into Python objects. A BIFF8 sheet holds at most
    65,536 × 256 cells, so a few cells placed at IV65536 are the .xls form of a far cell: when the
    grid is large, its real cells are counted (a row at a time) and a grid far larger than them is
    refused too. calamine itself has allocated the grid already, in native memory, when it opened the
    workbook (up to 65,536 × 256 cells a sheet, about 1 GB): the upload child's memory limit
    (ingest/isolated.py) holds that.

    Parameters
    ----------
    sheet : python_calamine.CalamineSheet
        The sheet as calamine read it (``height``, ``width``, ``end``, ``iter_rows``).
    name : str
        The sheet's name in messages.
    source : str
        The file's name in messages.

    Returns
    -------
    int
        The cells of the grid (height × width).

    Raises
    ------
    ImportFailed
        ``ingest.error.sheet_cells`` when the grid exceeds :data:`MAX_CELLS`;
        ``ingest.error.sheet_range`` when it is more than :data:`SPARSE_FACTOR` times the cells
        really filled (beyond :data:`SPARSE_FREE_CELLS`).
    """
    at = f"{source}: "
    grid = sheet.height * sheet.width
    if grid > MAX_CELLS:
        raise ImportFailed(key="ingest.error.sheet_cells", at=at, sheet=name, cells=grid, most=MAX_CELLS)
    if grid > SPARSE_FREE_CELLS:
        cells = sum(1 for row in sheet.iter_rows() for v in row if v != "")
        if grid > SPARSE_FACTOR * max(cells, 1):
            row, col = sheet.end if sheet.end else (0, 0)
            last = f"{column_letters(col + 1)}{row + 1}"
            raise ImportFailed(key="ingest.error.sheet_range", at=at, sheet=name, cells=cells, last=last)
    return grid


# ----------------------------------------------------------------------------- text lines


def bounded_lines(f: IO[str], source: str, max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The lines of a text file, each read with at most ``max_chars`` characters in memory.

    Parameters
    ----------
    f : file object
        A text file open for reading.
    source : str
        The file name in messages.
    max_chars : int
        The longest line allowed, in characters (line end included).

    Yields
    ------
    str
        Each line as read, with its line end.

    Raises
    ------
    ImportFailed
        Naming the line that is longer than ``max_chars``.
    """
    at = f"{source}: "
    n = 0
    while True:
        line = f.readline(max_chars + 1)
        if not line:
            return
        n += 1
        if len(line) > max_chars:
            raise ImportFailed(key="ingest.error.long_line", at=at, n=n, chars=max_chars)
        yield line
